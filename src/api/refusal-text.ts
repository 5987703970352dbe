/**
 * A refused act's or request's message in the reader's language (SPEC §7: errors that give the
 * figures), shared by the CLI (src/cli/format.ts) and the web page (src/web/app.ts): the message
 * key `e_<CODE>` (or `e_<CODE>_<variant>`) of src/cli/messages-*.ts with the figures of
 * {@link RefusalDetails}, or the node's own message when there is no key for the code.
 */
import type { RefusalDetails, RestoreWait, SkippedProduct } from '../errors.js'
import type { ImportSummary } from './api.js'

/** Values a message interpolates. */
export interface RefusalVars { [name: string]: string | number | undefined }

/** What the reader's language provides: its messages (`t` answers the key itself when it has none), its euros, and (CLI) what a restoring node waits for. */
export interface RefusalWords {
  t: (key: string, vars?: RefusalVars) => string
  /** Cents as euros for people. */
  eur: (cents: number) => string
  /** Milli-units as a quantity for people (1500 → `1,5`). */
  qty: (milli: number) => string
  /** A unit as shown after a quantity of milli-units (src/units.ts `unitFor`: "6 vasetti"); absent: as written. */
  unit?: (unit: string, milli: number) => string
  restore?: (w: RestoreWait) => string
}

/**
 * The message of refusal `code`, with its figures when the node gave them; `fallback` (the
 * node's English message) when no message of the reader's language has the code.
 */
export function refusalText (code: string, fallback: string, d: RefusalDetails | undefined, w: RefusalWords): string {
  const { t, eur } = w
  const missing = d?.votes === undefined || d.quorum === undefined ? undefined : d.quorum - d.votes
  const vars: RefusalVars = {
    name: d?.member ?? '',
    credit: d?.creditCents === undefined ? '' : eur(d.creditCents),
    needed: d?.neededCents === undefined ? '' : eur(d.neededCents),
    overdraft: d?.overdraftCents === undefined ? '' : eur(d.overdraftCents),
    commitment: d?.commitmentCents === undefined ? '' : eur(d.commitmentCents),
    ceiling: d?.ceilingCents === undefined ? '' : eur(d.ceilingCents),
    limit: d?.limit,
    bound: d?.limit === undefined ? undefined : inUnit(d.input ?? '', d.limit, w),
    field: (code === 'BAD_FIELD' || code === 'BAD_REQUEST') && d?.input !== undefined ? fieldWords(d.input, t) : undefined,
    votes: d?.votes,
    quorum: d?.quorum,
    missing,
    count: missing, // (the plural of a message that has one: `e_NO_QUORUM_one`)
    pending: d?.pending,
    input: d?.input,
    candidates: d?.candidates === undefined ? undefined : d.candidates.join(', ') + ((d.matches ?? 0) > d.candidates.length ? ', …' : ''),
    matches: d?.matches,
    detail: d?.skipped === undefined ? d?.detail : skippedText(d.skipped, (d.matches ?? 0) > d.skipped.length, t),
    product: d?.product,
    unit: d?.unit === undefined || d.qtyMilli === undefined || w.unit === undefined ? d?.unit : w.unit(d.unit, d.qtyMilli),
    qty: d?.qtyMilli === undefined ? undefined : w.qty(d.qtyMilli)
  }
  if (code === 'RESTORING' && d?.restore !== undefined && w.restore !== undefined) return t('e_RESTORING', { wait: w.restore(d.restore) })
  // A field refused without naming it (a block's, a peer's): the node's words.
  if (code === 'BAD_FIELD' && vars.field === undefined) return fallback
  const variant = d?.variant
  // A request the HTTP route's schema refused names its field as a refused act does (src/http/server.ts validationDetails).
  const kind = code === 'BAD_REQUEST' && vars.field !== undefined ? 'BAD_FIELD' : code
  const key = variant !== undefined && t(`e_${kind}_${variant}`) !== `e_${kind}_${variant}` ? `e_${kind}_${variant}` : `e_${kind}`
  // A refusal whose figures are not shown here (another member's credit is theirs to see): its
  // message without them.
  if ((code === 'INSUFFICIENT_CREDIT' && vars.needed === '' && variant !== 'payer') || (code === 'NO_QUORUM' && vars.missing === undefined)) return t(`e_${code}_bare`)
  const text = t(key, vars)
  return text === key || code === 'RESTORING' ? fallback : text
}

/** `n` in the unit a field's name says: cents as euros, milli-units as a quantity, else the number. */
function inUnit (path: string, n: number, w: RefusalWords): string {
  const name = path.split('.').pop() ?? ''
  if (/(^c|C)ents$/.test(name)) return w.eur(n)
  if (/(^q|Q)tyMilli$/.test(name)) return w.qty(n)
  return String(n)
}

/** A field's path in the reader's words (`f_<name>`, else the name itself): `products.3.unit` → `prodotti › 4 › unità`. */
function fieldWords (path: string, t: RefusalWords['t']): string {
  return path.split('.').map((x) => (/^\d+$/.test(x) ? String(Number(x) + 1) : t(`f_${x}`) === `f_${x}` ? x : t(`f_${x}`))).join(' › ')
}

/** Products an import left out, each with its reason in the reader's words ({@link skipText}): `Miele (prezzo 1,234: non è un importo in euro con al più 2 decimali); …`. */
function skippedText (l: SkippedProduct[], more: boolean, t: RefusalWords['t']): string {
  return l.map((x) => skippedLine(x, t)).join('; ') + (more ? '…' : '')
}

/**
 * What an import did not apply, one line each in the reader's words (the CLI and the page say it
 * alike): the file's requests hypergas leaves to the referente (shipping costs, a supplier's
 * discounts), and a price list whose supplier is not the purchase's.
 */
export function notAppliedLines (r: Pick<ImportSummary, 'notApplied' | 'otherSupplier'>, t: RefusalWords['t']): string[] {
  const other = r.otherSupplier
  return [
    ...r.notApplied.map((x) => t(`notApplied_${x.what}`, { count: x.count })),
    ...(other === null ? [] : [t(other.purchase === null ? 'notApplied_noSupplier' : 'notApplied_otherSupplier', { file: other.file, purchase: other.purchase ?? '' })])
  ]
}

/** A product left out, with why: `Miele (prezzo 1,234: …)`; one with no name is its reason alone (`senza nome`). */
export function skippedLine (x: SkippedProduct, t: RefusalWords['t']): string {
  return x.reason === 'no name' ? skipText(x, t) : `${x.name} (${skipText(x, t)})`
}

/**
 * Why a product was left out, in the reader's words: `skip_<reason>` with what the file said
 * there; a figure grouped by threes (`1,005`) with its two readings to write instead ({@link readings}).
 */
export function skipText (x: SkippedProduct, t: RefusalWords['t']): string {
  const detail = x.field === undefined ? x.detail ?? '' : `${t(`qf_${x.field}`)} ${x.detail ?? ''}`
  if (x.reason !== 'ambiguous price' && x.reason !== 'ambiguous quantity') return t(`skip_${x.reason}`, { detail })
  const r = readings(x.detail ?? '', x.reason === 'ambiguous price' ? 2 : 3)
  return t(`skip_${x.reason}${r.decimal === null ? '_thousands' : ''}`, { detail, whole: r.whole, decimal: r.decimal ?? '' })
}

/**
 * The two readings of a figure grouped by threes (`1.500`, `1,005`): in thousands (`1500`,
 * `1005`), and as a decimal written so it is not grouped by threes any more (`1.50` for a price
 * of `decimals` 2, `1,5` for a quantity of 3), or null when that decimal has more decimals than
 * `decimals` allows (`1,005` as a price) or the figure has more than one separator.
 */
function readings (text: string, decimals: 2 | 3): { whole: string, decimal: string | null } {
  const whole = text.replace(/[.,]/g, '')
  const at = text.search(/[.,]/)
  if (at < 0 || /[.,]/.test(text.slice(at + 1))) return { whole, decimal: null }
  let frac = text.slice(at + 1).replace(/0+$/, '')
  if (frac.length >= 3 || frac.length > decimals) return { whole, decimal: null }
  if (decimals === 2 && frac !== '') frac = frac.padEnd(2, '0')
  return { whole, decimal: frac === '' ? text.slice(0, at) : `${text.slice(0, at)}${text[at]}${frac}` }
}

/** The CLI commands the messages of src/cli/messages-*.ts point to. */
const COMMAND = /\bhypergas (?:deposit|withdraw|vote-close|vote-fail|approve|reject|members|purchases|revoke|status|settle|book|commit|close-bookings|close|fail|mail|recover|login|start)\b/

/**
 * A refusal's message template for the web page, where no command line is at hand (applied to
 * the templates, before names and typed input are filled in): the hints that name a
 * `hypergas` command are left out, a bracketed one whole, a trailing one from the sentence (or
 * else the colon) that leads into it (`Marta ha 5,00 € di credito, ne servono 7,50 €. Prima un versamento:
 * hypergas deposit …` → `Marta ha 5,00 € di credito, ne servono 7,50 €`).
 */
export function withoutCommands (text: string): string {
  let out = text.replace(/\s*\([^()]*\bhypergas [a-z][a-z-]*[^()]*\)/g, '')
  const at = out.search(COMMAND)
  if (at >= 0) {
    // From the sentence that leads into it, or else from the colon.
    const sentence = out.lastIndexOf('. ', at)
    const cut = sentence > 0 ? sentence : out.lastIndexOf(': ', at)
    if (cut > 0) out = out.slice(0, cut)
  }
  return out.trim()
}
