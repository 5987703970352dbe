/**
 * CSV exports (issue 4): a member's statement and a purchase's commitments (the order for the
 * supplier), built from the JSON views with csv-stringify. Amounts are euros with two decimals;
 * dates are ISO 8601 UTC; one header row. Two dialects: `en` (`,` between fields, decimal dot,
 * the default and the HTTP API's) and `it` (`;` between fields, decimal comma: what a spreadsheet
 * in an Italian locale opens as numbers, SPEC §7).
 */
import { stringify } from 'csv-stringify/sync'
import { formatCents } from '../money.js'
import type { PurchaseView } from './dto.js'
import type { StatementLine } from './views.js'

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
