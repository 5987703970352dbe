/**
 * CSV exports (issue 4): a member's statement and a purchase's commitments (the order for the
 * supplier), built from the JSON views with csv-stringify. Amounts are euros with a dot and two
 * decimals (spreadsheet-neutral); dates are ISO 8601 UTC; one header row.
 */
import { stringify } from 'csv-stringify/sync'
import { formatCents } from '../money.js'

type Row = Record<string, unknown>

const iso = (ms: unknown): string => (typeof ms === 'number' ? new Date(ms).toISOString() : '')
const state = (final: unknown): string => (final === true ? 'confirmed' : 'pending')

/** CSV of {@link memberView}'s statement: date, movement, amount, running balance, state, act. */
export function statementCsv (member: Row): string {
  const rows = (member.statement as Row[]).map((m) => [
    iso(m.timeMs), String(m.kind), formatCents(m.deltaCents as number), formatCents(m.balanceCents as number), state(m.final), String(m.actId)
  ])
  return stringify([['date', 'movement', 'amount_eur', 'balance_eur', 'state', 'act'], ...rows])
}

/**
 * CSV of {@link purchaseView}'s commitments, rejected ones left out (they are not ordered):
 * member name, member id, amount, status, confirmed status; a last row with the total.
 */
export function commitmentsCsv (purchase: Row): string {
  const list = (purchase.commitments as Row[]).filter((c) => c.status !== 'rejected')
  const total = list.reduce((sum, c) => sum + (c.amountCents as number), 0)
  const rows = list.map((c) => [String(c.name), String(c.member), formatCents(c.amountCents as number), String(c.status), String(c.confirmedStatus ?? '')])
  return stringify([['member', 'member_id', 'amount_eur', 'status', 'confirmed_status'], ...rows, ['TOTAL', '', formatCents(total), '', '']])
}
