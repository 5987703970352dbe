/**
 * Formatting shared by the page's views: money and dates in the page's language, messages,
 * and the ✓ / ⏳ of confirmed and pending (SPEC §5).
 */
import i18next from 'i18next'
import { html, type TemplateResult } from 'lit-html'
import { euroText, formatQuantity } from '../money.js'
import { unitFor } from '../units.js'
import { atDayStart } from '../local-time.js'
import { noticeFigures, noticeKey, type Notice } from '../api/notices.js'
import type { RecoveryView } from '../api/dto.js'
import type { Lang } from './i18n.js'

let lang: Lang = 'it'

/** Sets the language of money, dates and messages, and the page's own (`<html lang>`). */
export function setPageLang (l: Lang): void {
  lang = l
  // Screen readers, hyphenation and the browser's own words (a file input's button) follow it.
  if (typeof document !== 'undefined') document.documentElement.lang = l
}

const locale = (): string => (lang === 'it' ? 'it-IT' : 'en-GB')

/** A message in the page's language (values are not escaped here: lit-html escapes what it renders). */
export const t = (key: string, vars: Record<string, string | number | null> = {}): string => i18next.t(key, vars)

/**
 * Cents as euros, as the CLI writes them: `1.306,30 €` / `€1,306.30` (exact: no division into a
 * float), with a no-break space before `€` so that a narrow screen never parts them.
 */
export const money = (cents: number): string => euroText(cents, lang).replace(' €', '\u00a0€')

/** A day, its month by name (`05/12` is May 12 to an American reader): `30 nov 26`, `30 Nov 26`. */
export const day = (ms: number): string => new Date(ms).toLocaleDateString(locale(), { day: 'numeric', month: 'short', year: '2-digit' })

/** A day and time: `5 dic 26, 18:00`, `5 Dec 26, 18:00`. */
export const dateTime = (ms: number): string => new Date(ms).toLocaleString(locale(), { day: 'numeric', month: 'short', year: '2-digit', hour: '2-digit', minute: '2-digit' })

/** A delivery day: the day alone when `ms` is a day's start (a date given without a time), else {@link dateTime}. */
export const dayOrDateTime = (ms: number): string => atDayStart(ms) ? day(ms) : dateTime(ms)

/** Time left until `ms`, in words: `2 giorni`, `5 ore`, `past`. */
export function timeLeft (ms: number): string {
  const left = ms - Date.now()
  if (left <= 0) return t('passed')
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' })
  const hours = Math.round(left / 3_600_000)
  return hours >= 48 ? rtf.format(Math.round(hours / 24), 'day') : hours >= 1 ? rtf.format(hours, 'hour') : rtf.format(Math.max(1, Math.round(left / 60_000)), 'minute')
}

/** Milli-units as the page's language writes a quantity: 1500 → `1,5` / `1.5`. */
export const quantity = (milli: number): string => formatQuantity(milli, lang === 'it' ? ',' : '.')
/** `unit` as shown after `milli` milli-units in the page's language ("6 vasetti": src/units.ts). */
export const unitOf = (unit: string, milli: number): string => unitFor(unit, milli, lang)

/** ✓ for confirmed, ⏳ for pending, with the word for screen readers. */
export function stateCell (final: boolean): TemplateResult {
  return final
    ? html`<span class="ok" title=${t('confirmed')} aria-label=${t('confirmed')}>✓</span>`
    : html`<span class="pending" title=${t('pending')} aria-label=${t('pending')}>⏳</span>`
}

/** An admin's display name: their name, else the first characters of their id. */
export const nameOf = (r: { name: string | null, admin?: string, id?: string }): string => r.name ?? String(r.admin ?? r.id ?? '').slice(0, 8)

/**
 * Why a members' recovery cannot pass (too few members can count, docs/ordering.md §5) and, unless
 * the admin's feed forked (their backup or key file would write on the frozen feed), the way out.
 */
export const recoveryTooFew = (r: RecoveryView): string => t('recoveryImpossible', { name: nameOf(r), eligible: r.eligible, needed: r.needed }) + (r.forked ? '' : ' ' + t('recoveryWayOut', { name: nameOf(r) }))

/** One notice in the page's language (src/api/notices.ts). */
export function noticeText (n: Notice): string {
  const what = n.kind !== 'toVote' || n.actType === undefined ? '' : t(`r_${n.actType}`, { name: n.other ?? '' })
  const figures = noticeFigures(n, { t, eur: money })
  return t(noticeKey(n), { what, figures, quorum: n.quorum ?? 0, purchase: n.purchaseName ?? '', when: n.atMs === undefined ? '' : dateTime(n.atMs), booked: money(n.bookedCents ?? 0), delivered: money(n.deliveredCents ?? 0), credit: money(n.creditCents ?? 0), amount: money(Math.abs(n.creditCents ?? 0)), other: n.other ?? '', count: n.count ?? 0, code: n.code ?? '' })
}

/** A list of notices with a count, or nothing when there is none. */
export function noticeList (list: Notice[], id: string): TemplateResult {
  if (list.length === 0) return html``
  return html`<details class="card notices" id=${id} open><summary>🔔 ${t('notices')} (${list.length})</summary><ul>${list.map((n) => html`<li class=${`n-${n.kind}`}>${noticeText(n)}</li>`)}</ul></details>`
}
