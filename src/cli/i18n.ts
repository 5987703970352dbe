/**
 * The CLI's language (SPEC §7: output in the user's language): Italian or English from `--lang`
 * or the locale (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), messages through i18next (as the page),
 * and euros written the way each language writes them. Amounts are integer cents throughout;
 * the decimal text is built from the integer, never through floating point.
 */
import { euroText, formatCents, formatQuantity } from '../money.js'
import i18next, { type i18n } from 'i18next'
import { TO_NAME_FORMAT, toName } from '../italian.js'
import { localTime } from '../local-time.js'
import { messages, type CliLang } from './messages.js'

export type { CliLang } from './messages.js'

/** True when `flag` (`it`, `en_GB.UTF-8`…) names a language the CLI speaks. */
export function speaks (flag: string): boolean {
  return /^(it|en)([_.@-]|$)/i.test(flag)
}

/**
 * The language of the CLI: `flag` (`it`, `en`, or a locale like `it_IT.UTF-8`) if it names one of
 * them, else the first locale variable set (and not empty) in `env`; Italian for any `it…` locale,
 * English otherwise. (A flag of another language, refused as a usage error, is refused in the
 * language of the locale.)
 * @throws nothing: an unknown value means English
 */
export function detectLang (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): CliLang {
  const known = flag !== undefined && speaks(flag) ? flag : undefined
  // As POSIX: the first of these that is set and not empty decides.
  const pick = [known, env.LC_ALL, env.LC_MESSAGES, env.LANG, env.LANGUAGE].find((x) => x !== undefined && x !== '') ?? ''
  return /^it([_.@-]|$)/i.test(pick) ? 'it' : 'en'
}

let instance: i18n | null = null
let current: CliLang = 'en'

/** Sets the language of every later {@link t} and {@link euro}. */
export function setLang (lang: CliLang): void {
  current = lang
  if (instance === null) {
    instance = i18next.createInstance()
    void instance.init({ lng: lang, fallbackLng: 'en', resources: messages, initAsync: false, interpolation: { escapeValue: false } })
    instance.services.formatter?.add(TO_NAME_FORMAT, (value: string) => toName(value))
  } else {
    void instance.changeLanguage(lang)
  }
}

/** The language in force. */
export function lang (): CliLang {
  return current
}

/** Values interpolated into a message: names, amounts already written, counts. */
export type MessageVars = Readonly<{ [name: string]: string | number | boolean | null | undefined }>

let dirArgs = ''

/** The options naming this command's data directory (`--dir x `, or ""), which a message may repeat as `{{dirArg}}`. */
export function setDirArg (args: string): void {
  dirArgs = args
}

/** The message `key` in the language in force, with `vars` interpolated (and `dirArg`, unless `vars` names it). */
export function t (key: string, vars: MessageVars = {}): string {
  if (instance === null) setLang(current)
  return instance!.t(key, { dirArg: dirArgs, ...vars })
}

/**
 * Cents as euros for people: `1250` → `12,50 €` (it) or `€12.50` (en); thousands grouped
 * (`1.234,50 €`, `€1,234.50`); a minus before all (`-0,05 €`, `-€0.05`).
 */
export function euro (cents: number, l: CliLang = current): string {
  return euroText(cents, l)
}

/** Cents as a spreadsheet number: `-12,50` (it) or `-12.50` (en), no symbol, no grouping. */
export function decimal (cents: number, l: CliLang = current): string {
  return formatCents(cents, l === 'it' ? ',' : '.')
}

/** A time for the terminal, local, to the minute: `2026-11-30 18:05`. */
export function when (timeMs: number | null): string {
  return timeMs === null ? '' : localTime(timeMs)
}

/**
 * A time as a mail to a member writes it, local: in Italian day first, `05/12/2026 12:00`, as
 * Italians write a date; in English as the CLI does, `2026-12-05 12:00`.
 */
export function mailTime (timeMs: number): string {
  if (current !== 'it') return localTime(timeMs)
  const d = new Date(timeMs)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`
}

/** Milli-units as the user's language writes a quantity: 1500 → `1,5` / `1.5`. */
export function quantity (milli: number, l: CliLang = current): string {
  return formatQuantity(milli, l === 'it' ? ',' : '.')
}
