/**
 * Amounts (SPEC §4, §7): integer cents only. Parsing euros typed by a person and formatting cents
 * for display. No floating point touches an amount.
 */
import { HypergasError } from './errors.js'

const EUROS = /^(\d{1,14})(?:[.,](\d{1,2}))?$/

/**
 * Parses an amount of euros typed as `12`, `12.5`, `12.50` or `12,50` into integer cents.
 * Refuses anything that is not an exact, strictly positive, safe number of cents
 * (`12.345`, `-1`, `0`, `1e3`, `12.`, thousands separators). Every amount up to
 * Number.MAX_SAFE_INTEGER cents (what {@link formatCents} writes) parses back exactly: the sum is
 * done in BigInt, never in floating point.
 * @throws HypergasError BAD_AMOUNT
 */
export function parseEuros (text: string): number {
  const shown = String(text).slice(0, 40)
  const m = EUROS.exec(String(text).trim())
  if (m === null) {
    throw HypergasError.BAD_AMOUNT(`expected euros like 12.50 or 12,50 (at most 2 decimals), got "${shown}"`)
  }
  const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw HypergasError.BAD_AMOUNT(`"${shown}" is larger than the largest amount, ${formatCents(Number.MAX_SAFE_INTEGER)}`)
  if (cents <= 0n) throw HypergasError.BAD_AMOUNT(`expected a positive amount, got "${shown}"`)
  return Number(cents)
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

/** True for a strictly positive safe integer: the only valid act amount (SPEC §4). */
export function isValidCents (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0
}
