/**
 * CSV exports (issue 4): a member's statement and a purchase's commitments (the order for the
 * supplier), built from the JSON views with csv-stringify. Amounts are euros with two decimals;
 * dates are ISO 8601 UTC; one header row. Two dialects: `en` (`,` between fields, decimal dot,
 * the default and the HTTP API's) and `it` (`;` between fields, decimal comma: what a spreadsheet
 * in an Italian locale opens as numbers, SPEC §7).
 */
import { stringify } from 'csv-stringify/sync'
import { formatCents, formatQuantity } from '../money.js'
import type { PurchaseView } from './dto.js'
import type { Report } from './report.js'
import type { LogEntryView, StatementLine } from './views.js'

/** The CSV dialect: `en` (`,` and `12.50`) or `it` (`;` and `12,50`). */
export type CsvDialect = 'en' | 'it'

const money = (cents: number, d: CsvDialect): string => formatCents(cents, d === 'it' ? ',' : '.')
const write = (rows: string[][], d: CsvDialect): string => stringify(rows, { delimiter: d === 'it' ? ';' : ',' })

const iso = (ms: unknown): string => (typeof ms === 'number' ? new Date(ms).toISOString() : '')
const state = (final: unknown): string => (final === true ? 'confirmed' : 'pending')

/** CSV of statement lines ({@link MemberView}'s statement or cash movements): date, movement, amount, running balance, state, act, purchase, note (the other member or admin, and a withdrawal's reason). */
export function statementCsv (lines: readonly StatementLine[], d: CsvDialect = 'en'): string {
  const rows = lines.map((m) => [
    iso(m.timeMs), m.kind, money(m.deltaCents, d), money(m.balanceCents, d), state(m.final), m.actId, m.purchaseName ?? '', [m.counterpartName, m.reason].filter((x) => x !== null).join(': ')
  ])
  return write([['date', 'movement', 'amount_eur', 'balance_eur', 'state', 'act', 'purchase', 'note'], ...rows], d)
}

/**
 * CSV of {@link purchaseView}'s commitments, rejected ones left out (they are not ordered):
 * member name, member id, amount, status, confirmed status; a last row with the total.
 */
export function commitmentsCsv (purchase: PurchaseView, d: CsvDialect = 'en'): string {
  const list = purchase.commitments.filter((c) => c.status !== 'rejected')
  const total = list.reduce((sum, c) => sum + c.amountCents, 0)
  const rows = list.map((c) => [c.name, c.member, money(c.amountCents, d), c.status, c.confirmedStatus ?? ''])
  return write([['member', 'member_id', 'amount_eur', 'status', 'confirmed_status'], ...rows, ['TOTAL', '', money(total, d), '', '']], d)
}

/**
 * The pick-up list of a purchase with a catalogue (SPEC §4.5): one row per member and product,
 * booked and (once delivered) delivered quantity, unit price, amount; then each member's cost
 * shares and total. Quantities in the product's unit with up to three decimals.
 */
export function pickupCsv (purchase: PurchaseView, d: CsvDialect = 'en'): string {
  const qty = (m: number | null): string => (m === null ? '' : formatQuantity(m, d === 'it' ? ',' : '.'))
  const rows: string[][] = []
  for (const b of purchase.order?.bookings ?? []) {
    if (b.status === 'rejected') continue
    const delivered = new Map((b.delivered ?? []).map((l) => [l.product, l]))
    const keys = [...new Set([...b.lines.map((l) => l.product), ...delivered.keys()])]
    for (const k of keys) {
      const booked = b.lines.find((l) => l.product === k)
      const got = b.delivered === null ? null : delivered.get(k) ?? null
      const line = got ?? booked!
      rows.push([b.name, line.name, line.unit, qty(booked?.qtyMilli ?? 0), b.delivered === null ? '' : qty(got?.qtyMilli ?? 0), money(line.priceCents, d), b.delivered === null ? money(booked!.cents, d) : money(got?.cents ?? 0, d)])
    }
    if (b.costCents !== 0) rows.push([b.name, 'costs', '', '', '', '', money(b.costCents, d)])
    rows.push([b.name, 'TOTAL', '', '', '', '', money(b.amountCents, d)])
  }
  return write([['member', 'product', 'unit', 'booked', 'delivered', 'price_eur', 'amount_eur'], ...rows], d)
}

/**
 * The treasurer's report as CSV (SPEC §7: one row per movement of the group's cash, with date, act,
 * admin, other party, income and outgoing), then the totals; `;` and decimal commas in Italian.
 */
export function reportCsv (r: Report, d: CsvDialect = 'en'): string {
  const rows = r.rows.map((x) => [iso(x.timeMs), x.kind, x.admin, x.other, x.incomeCents === 0 ? '' : money(x.incomeCents, d), x.outgoingCents === 0 ? '' : money(x.outgoingCents, d), x.actId])
  const total = (label: string, cents: number): string[] => [label, '', '', '', money(cents, d), '', '']
  return write([
    ['date', 'movement', 'admin', 'other', 'income_eur', 'outgoing_eur', 'act'],
    ...rows,
    total('TOTAL deposits', r.totals.depositsCents), total('TOTAL withdrawals', r.totals.withdrawalsCents), total('TOTAL supplier payments', r.totals.supplierPaymentsCents),
    ...r.totals.bySupplier.map((x) => total(`supplier ${x.supplier}`, x.cents)),
    total('TOTAL transfers between members', r.totals.transfersCents), total('TOTAL shared costs', r.totals.sharedCostsCents),
    total('credits at the start', r.creditsStartCents), total('credits at the end', r.creditsEndCents)
  ], d)
}

/** The ordered log as CSV (`hypergas export --csv`): position, time, act, type, author, about, purchase, cents, result, confirmed. */
export function logCsv (entries: readonly LogEntryView[], d: CsvDialect = 'en'): string {
  const rows = entries.map((e) => [String(e.seq), iso(e.timeMs), e.actId, e.type ?? '', e.authorName ?? e.author ?? '', e.memberName ?? '', e.purchaseName ?? '', e.body !== null && 'cents' in e.body ? money(e.body.cents, d) : '', e.status, state(e.final)])
  return write([['seq', 'date', 'act', 'type', 'author', 'about', 'purchase', 'amount_eur', 'result', 'state'], ...rows], d)
}
