/**
 * Amounts (SPEC §4, §7): integer cents only. Parsing euros typed by a person and formatting cents
 * for display. No floating point touches an amount.
 */
import { HypergasError } from './errors.js'

const EUROS = /^(\d+)(?:[.,](\d{1,2}))?$/
/**
 * Euros written with thousands separators and decimals (`1.234,56`, `1,234.56`, `1.234.567,89`):
 * groups of three after one separator, the decimals after the other one. Without decimals
 * (`1.234`) the separator could be either, and the amount is refused.
 */
const GROUPED = /^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*(?!\1)[.,]\d{1,2}$/
/** Thousands and nothing after them (`1.234`, `1,234,567`): a decimal separator or a thousands one? */
const THOUSANDS = /^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$/

/** Whether `text` is digits grouped by threes with nothing after them (`1.500`, `12,000`): the separator could be thousands or decimals. */
export function thousandsOnly (text: string): boolean {
  return THOUSANDS.test(text)
}

/**
 * `text` without its thousands separators when it is written grouped with decimals (`1.234,56` →
 * `1234,56`, `1,234.56` → `1234.56`: the separators before the last one go, the last one is the
 * decimal point); any other text unchanged.
 */
export function ungrouped (text: string): string {
  if (!GROUPED.test(text)) return text
  const point = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','))
  return text.slice(0, point).replace(/[.,]/g, '') + text.slice(point)
}

/** An amount past the largest kept exactly (Number.MAX_SAFE_INTEGER cents). */
const tooLarge = (shown: string): HypergasError => badAmount(shown, 'large', `"${shown}" is larger than the largest amount, ${formatCents(Number.MAX_SAFE_INTEGER)}`)

/** A refused amount or quantity: `input` is what was typed, `variant` which rule it broke, `detail` a figure for the message (RefusalDetails). */
function badAmount (input: string, variant: string, msg: string, detail?: string): HypergasError {
  return new HypergasError('BAD_AMOUNT', msg, detail === undefined ? { input, variant } : { input, variant, detail })
}

/**
 * Parses an amount of euros typed as `12`, `12.5`, `12.50` or `12,50`, or with thousands
 * separators and decimals (`1.234,56`, `1,234.56`), with or without a euro sign (`12,50 €`,
 * `€12.50`, `12 EUR`, `5 euro`), into integer cents.
 * Refuses anything that is not an exact, strictly positive, safe number of cents
 * (`12.345`, `-1`, `0`, `1e3`, `12.`, `1.234` whose separator could be either). Every amount up to
 * Number.MAX_SAFE_INTEGER cents (what {@link formatCents} writes) parses back exactly: the sum is
 * done in BigInt, never in floating point.
 * @throws HypergasError BAD_AMOUNT
 */
export function parseEuros (text: string): number {
  const shown = String(text).slice(0, 40)
  const typed = withoutEuroSign(String(text))
  const m = EUROS.exec(ungrouped(typed))
  if (m === null) {
    if (/^-/.test(typed)) throw badAmount(shown, 'positive', `expected a positive amount, got "${shown}"`)
    if (THOUSANDS.test(typed)) {
      const digits = typed.replace(/[.,]/g, '')
      if (BigInt(digits) * 100n > BigInt(Number.MAX_SAFE_INTEGER)) throw tooLarge(shown)
      throw badAmount(shown, 'thousands', `"${shown}": write it without the thousands separator (${digits} or ${digits}.00), or with at most 2 decimals`, digits)
    }
    throw badAmount(shown, 'euros', `expected euros like 12.50 or 12,50 (at most 2 decimals), got "${shown}"`)
  }
  const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw tooLarge(shown)
  if (cents <= 0n) throw badAmount(shown, 'positive', `expected a positive amount, got "${shown}"`)
  return Number(cents)
}

/**
 * Like {@link parseEuros}, and 0 for a zero typed as `0`, `0,00` or `0.0` (a price given for free,
 * a limit lifted).
 * @throws HypergasError BAD_AMOUNT
 */
export function parseEurosOrZero (text: string): number {
  return /^0+(?:[.,]0{1,2})?$/.test(withoutEuroSign(String(text))) ? 0 : parseEuros(text)
}

/** `text` trimmed, without the euro sign or word (`€`, `EUR`, `euro`, `euros`, any case) before or after it: `12,50 €` and `€12.50` as hypergas writes them, `€ 3,20` as a spreadsheet does, `5 euro` as people say it. */
export function withoutEuroSign (text: string): string {
  return text.trim().replace(/^(?:€|euros?|EUR)\s*|\s*(?:€|euros?|EUR)$/gi, '')
}

/**
 * Formats cents as euros with 2 decimals and a sign: `1250` -> `12.50`, `-5` -> `-0.05`.
 * `sep` is the decimal separator ('.' or ',').
 */
export function formatCents (cents: number, sep: '.' | ',' = '.'): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  const units = Math.floor(abs / 100)
  const rest = String(abs % 100).padStart(2, '0')
  return `${sign}${units}${sep}${rest}`
}

/**
 * Cents as euros for a reader, exactly for every safe integer (the euros are the floor of a
 * division by 100, which no rounding moves across an integer there): `1.306,30 €` in Italian,
 * `€1,306.30` in English, thousands grouped from 1,000 on (the CLI and the page alike, SPEC §7).
 */
export function euroText (cents: number, lang: 'it' | 'en'): string {
  const [whole, rest] = formatCents(Math.abs(cents)).split('.')
  const units = whole.replace(/\B(?=(\d{3})+$)/g, lang === 'it' ? '.' : ',')
  const sign = cents < 0 ? '-' : ''
  return lang === 'it' ? `${sign}${units},${rest} €` : `${sign}€${units}.${rest}`
}

/** True for a strictly positive safe integer: the only valid act amount (SPEC §4). */
export function isValidCents (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0
}

/**
 * Digits past the last kept one that are taken for floating-point noise of a program that wrote the
 * file (`2.3500000000000001`, `4.99999999`): this many zeros or nines in a row right after it.
 */
const NOISE_DIGITS = 6

/**
 * An exact decimal number written as text (`2.49`, `0,5`, `12`, `1.0E7`), scaled to an integer with
 * `decimals` digits after the point (2 for cents, 3 for milli-units). Never through floating point:
 * the digits are read as digits. A value that needs more digits is not exact and answers null
 * (`2.355` is no number of cents), except floating-point noise: more digits that start with
 * {@link NOISE_DIGITS} zeros round down, with as many nines round up (`0.30000000000000004` is 30
 * cents, `4.99999999` is 500). Null too when the text is not a plain non-negative decimal or the
 * result is not a safe integer.
 */
export function decimalToScaled (text: string, decimals: number): number | null {
  const m = /^\s*(\d{1,15})(?:[.,](\d+))?(?:[eE]([+-]?\d{1,2}))?\s*$/.exec(text)
  if (m === null) return null
  // An exponent (`1.0E7`, as Java writes 10,000,000) moves the point within the digits.
  const digits = m[1] + (m[2] ?? '')
  const point = m[1].length + Number(m[3] ?? 0)
  const whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0')
  const frac = (point <= 0 ? '0'.repeat(-point) + digits : digits.slice(point)).padEnd(decimals, '0')
  const rest = frac.slice(decimals).replace(/0+$/, '')
  let n = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(frac.slice(0, decimals) === '' ? '0' : frac.slice(0, decimals))
  if (rest !== '') {
    if (/^9+$/.test(rest.slice(0, NOISE_DIGITS)) && rest.length >= NOISE_DIGITS) n += 1n
    else if (!(rest.length > NOISE_DIGITS && /^0+$/.test(rest.slice(0, NOISE_DIGITS)))) return null
  }
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null
}

/**
 * A quantity typed by a person (`2`, `1,5`, `0.250`, `1,120` as a scale shows it) in milli-units of
 * the product's unit (SPEC §4: 1000 = 1 kg or 1 piece), at most three decimals, 0 allowed (drops a
 * line). `1.500` is refused: 1,5 to an English reader, 1500 to an Italian one.
 * @throws HypergasError BAD_AMOUNT
 */
export function parseQuantity (text: string): number {
  const t = String(text).trim()
  // Digits beyond 10000 units (and no more than 3 decimals): too large, not malformed.
  if (/^[1-9]\d{5,}(?:[.,]\d{1,3})?$/.test(t)) throw badAmount(t.slice(0, 40), 'quantity-large', `"${t.slice(0, 40)}" is more than 10000 units`)
  if (!/^\d{1,5}(?:[.,]\d{1,3})?$/.test(t)) throw badAmount(t.slice(0, 40), 'quantity', `expected a quantity like 2, 1,5 or 0.250 (at most 3 decimals), got "${t.slice(0, 40)}"`)
  // `1.500` is 1.5 in English and 1500 in Italian; `1,500` is 1.5 in Italian (as a scale shows it), `0.250` either way.
  if (t.includes('.') && thousandsOnly(t)) throw badAmount(t, 'quantity-thousands', `"${t}": thousands or decimals? Write decimals with a comma or fewer digits (1,5 or 1.5), thousands without a separator (1500)`)
  const q = decimalToScaled(t, 3)!
  if (q > 10_000_000) throw badAmount(t.slice(0, 40), 'quantity-large', `"${t}" is more than 10000 units`)
  return q
}

/** Milli-units as a decimal quantity: 1500 → `1.5` (`1,5` with `sep` ','), 2000 → `2`. */
export function formatQuantity (milli: number, sep: '.' | ',' = '.'): string {
  const whole = Math.floor(milli / 1000)
  const frac = String(milli % 1000).padStart(3, '0').replace(/0+$/, '')
  return frac === '' ? String(whole) : `${whole}${sep}${frac}`
}
