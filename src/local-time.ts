/**
 * Times as people read them, in this machine's time zone (the CLI, the Italian CSV files, a
 * GDXP export's date): `2026-12-02`, `2026-12-02 06:45`, `2026-12-02 06:45:44`. For display
 * only: the fold never reads a clock or a time zone.
 */

const two = (n: number): string => String(n).padStart(2, '0')

/** The local day of `ms` (ms since the epoch): `2026-12-02`. */
export function localDay (ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
}

/** The local day and time of `ms`: `2026-12-02 06:45`, with `seconds` `2026-12-02 06:45:44`. */
export function localTime (ms: number, seconds = false): string {
  const d = new Date(ms)
  return `${localDay(ms)} ${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ''}`
}

/**
 * A delivery day as typed (`purchase open --delivery`): the local day alone when `ms` is a day's
 * start (a date given without a time is stored as its 00:00), else its day and time.
 */
export function localDayOrTime (ms: number): string {
  return atDayStart(ms) ? localDay(ms) : localTime(ms)
}

/** Whether `ms` is the start (00:00) of a day in this machine's time zone (the page's: the phone's). */
export function atDayStart (ms: number): boolean {
  const d = new Date(ms)
  return d.getHours() === 0 && d.getMinutes() === 0
}
