/**
 * The treasurer's year (issue 17, SPEC §7 `report`): every movement of the group's cash in a
 * period (deposits in, withdrawals and supplier payments out, cash passed between admins), totals
 * by kind and by supplier, transfers between members and shared costs, cash per admin and Σ
 * credits at the start and the end, and the invariant check. Only confirmed acts count, and the
 * report says up to where. Amounts in cents; dates are the acts' own times (display only).
 */
import { goodsCents } from '../fold/lines.js'
import { memberName, type GroupState, type Movement, type Purchase } from '../fold/state.js'
import { HypergasError } from '../errors.js'
import { nameKey, type MemberId } from '../ids.js'
import type { Replay } from '../merge/replay.js'
import { registeredSupplier, totalsView } from './views.js'

/** One movement of the group's cash. */
export interface ReportRow {
  timeMs: number | null
  actId: string
  kind: Movement['kind']
  /** The admin whose cash moved. */
  admin: string
  /** The member (deposit, withdrawal) or the other admin (settlement), or the supplier (payment). */
  other: string
  incomeCents: number
  outgoingCents: number
}

/** The report of a period. */
export interface Report {
  fromMs: number | null
  toMs: number | null
  /** Confirmed up to this many acts of the log, the last of them at this time. */
  confirmedActs: number
  confirmedAtMs: number | null
  rows: ReportRow[]
  totals: {
    depositsCents: number
    withdrawalsCents: number
    supplierPaymentsCents: number
    bySupplier: Array<{ supplier: string, cents: number }>
    /** Cash passed between admins (in = out). */
    settlementsCents: number
    /** Credit moved between members by accepted transfers. */
    transfersCents: number
    /** Costs shared among bookings (transport, packaging), net of discounts, of the purchases closed in the period: the part of the supplier payments the members bore as shares (cents). */
    sharedCostsCents: number
  }
  cash: Array<{ admin: string, startCents: number, endCents: number }>
  creditsStartCents: number
  creditsEndCents: number
  /**
   * Σ non-rejected commitments of open purchases at the start and at the end of the period, cents:
   * the group's cash less the credits then (invariant 1 holds after every act); 0 at the start of
   * the whole ledger.
   */
  openCommitmentsStartCents: number
  openCommitmentsCents: number
  /** Credits + open commitments = cash, in the confirmed state (SPEC §4 invariant 1). */
  holds: boolean
  /**
   * The group's cash and Σ credits at the end of each month of the period that has a confirmed
   * movement, for the chart; the first point is the month before, where the chart starts from.
   */
  months: MonthPoint[]
}

/** The group's cash (Σ over admins) and Σ members' credits at the end of a month (in the node's time zone), cents. */
export interface MonthPoint {
  /** `YYYY-MM`. */
  month: string
  /** The month's last instant, ms since the epoch. */
  endMs: number
  cashCents: number
  creditsCents: number
}

/** Σ of `list`'s movements whose act is before `fromMs` (start) or up to `toMs` (end), over confirmed acts with a time. */
function balanceAt (list: Movement[] | undefined, time: Map<string, number | null>, limitMs: number | null, inclusive: boolean): number {
  let sum = 0
  for (const m of list ?? []) {
    if (!time.has(m.actId)) continue
    const at = time.get(m.actId) ?? null
    if (limitMs !== null && at !== null && (inclusive ? at > limitMs : at >= limitMs)) continue
    sum += m.deltaCents
  }
  return sum
}

/**
 * `YYYY-MM` of a time in the node's time zone (where the treasurer's days and periods are read:
 * a deposit at 00:30 on 1 January is January's) and the last ms of that month.
 */
function monthOf (ms: number): { month: string, endMs: number } {
  const d = new Date(ms)
  const y = d.getFullYear()
  const m = d.getMonth()
  return { month: `${y}-${String(m + 1).padStart(2, '0')}`, endMs: new Date(y, m + 1, 1).getTime() - 1 }
}

/**
 * Cash and credits at each month's end: every confirmed movement of cash and of credit with a
 * time, summed in time order (movements without a time count from the start); one point per
 * month that ends inside [fromMs, toMs] or holds a movement of it, and one for each month with no
 * movement between two such (its balances unchanged), after a first point at the end of the month
 * before the first one (the balances the chart starts from).
 */
export function monthly (s: GroupState, time: Map<string, number | null>, fromMs: number | null, toMs: number | null): MonthPoint[] {
  const moves: Array<{ at: number, cash: number, credit: number }> = []
  const add = (lists: Iterable<Movement[]>, cash: boolean): void => {
    for (const l of lists) {
      for (const m of l) {
        if (!time.has(m.actId)) continue
        moves.push({ at: time.get(m.actId) ?? 0, cash: cash ? m.deltaCents : 0, credit: cash ? 0 : m.deltaCents })
      }
    }
  }
  add(s.cashMovements.values(), true)
  add(s.statements.values(), false)
  moves.sort((a, b) => a.at - b.at)
  const out: MonthPoint[] = []
  let cash = 0
  let credits = 0
  // The balances when the current month began: the chart starts from them (the month before the first shown).
  let atMonthStart = { cash: 0, credits: 0 }
  for (let i = 0; i < moves.length; i++) {
    if (toMs !== null && moves[i].at > toMs) break
    const here = monthOf(moves[i].at)
    if (i === 0 || monthOf(moves[i - 1].at).month !== here.month) atMonthStart = { cash, credits }
    cash += moves[i].cash
    credits += moves[i].credit
    const next = moves[i + 1]
    const last = next === undefined || (toMs !== null && next.at > toMs) || monthOf(next.at).month !== here.month
    if (!last || (fromMs !== null && here.endMs < fromMs)) continue
    if (out.length === 0) {
      const start = new Date(Number(here.month.slice(0, 4)), Number(here.month.slice(5, 7)) - 1, 1).getTime() - 1
      out.push({ ...monthOf(start), cashCents: atMonthStart.cash, creditsCents: atMonthStart.credits })
    }
    // A month with no movement between two that have one: a point all the same, the balances unchanged.
    for (let gap = nextMonth(out[out.length - 1].month); gap.month < here.month; gap = nextMonth(gap.month)) out.push({ ...gap, cashCents: atMonthStart.cash, creditsCents: atMonthStart.credits })
    out.push({ ...here, cashCents: cash, creditsCents: credits })
  }
  return out
}

/** The month after `month` (`YYYY-MM`), as {@link monthOf} gives it. */
function nextMonth (month: string): { month: string, endMs: number } {
  return monthOf(new Date(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1).getTime())
}

/** The report of the period [fromMs, toMs] (null: unbounded) over the confirmed state of replay `v`. */
export function report (v: Replay, fromMs: number | null, toMs: number | null): Report {
  const s: GroupState = v.confirmed
  const time = new Map<string, number | null>()
  for (let i = 0; i < v.finalCount; i++) time.set(v.entries.actId(i), v.entries.timeMs(i))
  const inPeriod = (id: string): boolean => {
    if (!time.has(id)) return false
    const at = time.get(id) ?? null
    return at === null || ((fromMs === null || at >= fromMs) && (toMs === null || at <= toMs))
  }
  const name = (id: MemberId | undefined): string => (id === undefined ? '' : memberName(s, id) ?? id.slice(0, 8))
  const rows: ReportRow[] = []
  // By supplier, whatever the case or spaces its name was typed with (one spelling shown: the first met).
  const bySupplier = new Map<string, number>()
  const spelled = new Map<string, string>()
  const totals = { depositsCents: 0, withdrawalsCents: 0, supplierPaymentsCents: 0, settlementsCents: 0, transfersCents: 0, sharedCostsCents: 0 }
  for (const [admin, list] of [...s.cashMovements].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (const m of list) {
      if (!inPeriod(m.actId)) continue
      const p = m.purchase === undefined ? undefined : s.purchases.get(m.purchase)
      // A registered supplier (SPEC §4.7) is one row however its purchases spelled it.
      const supplier = p === undefined ? '' : registeredSupplier(s, p.supplier)?.name ?? p.supplier ?? p.name
      rows.push({ timeMs: time.get(m.actId) ?? null, actId: m.actId, kind: m.kind, admin: name(admin), other: m.kind === 'supplier-payment' ? supplier : name(m.counterpart), incomeCents: Math.max(0, m.deltaCents), outgoingCents: Math.max(0, -m.deltaCents) })
      if (m.kind === 'deposit') totals.depositsCents += m.deltaCents
      if (m.kind === 'withdraw') totals.withdrawalsCents -= m.deltaCents
      if (m.kind === 'settle-in') totals.settlementsCents += m.deltaCents
      if (m.kind === 'supplier-payment') {
        totals.supplierPaymentsCents -= m.deltaCents
        if (p !== undefined) totals.sharedCostsCents += costsBorne(p, s.statements)
        const key = nameKey(supplier)
        if (!spelled.has(key)) spelled.set(key, supplier.trim())
        bySupplier.set(key, (bySupplier.get(key) ?? 0) - m.deltaCents)
      }
    }
  }
  for (const list of s.statements.values()) for (const m of list) if (m.kind === 'transfer-in' && inPeriod(m.actId)) totals.transfersCents += m.deltaCents
  rows.sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0) || (a.actId < b.actId ? -1 : 1))
  const now = totalsView(s)
  const creditsAt = (limit: number | null, inclusive: boolean): number => [...s.statements.values()].reduce((sum, l) => sum + balanceAt(l, time, limit, inclusive), 0)
  const cash = [...s.cash.keys()].sort().map((id) => ({ admin: name(id), startCents: fromMs === null ? 0 : balanceAt(s.cashMovements.get(id), time, fromMs, false), endCents: balanceAt(s.cashMovements.get(id), time, toMs, true) }))
  const creditsStartCents = fromMs === null ? 0 : creditsAt(fromMs, false)
  const creditsEndCents = toMs === null ? now.creditsCents : creditsAt(toMs, true)
  const sum = (k: 'startCents' | 'endCents'): number => cash.reduce((x, c) => x + c[k], 0)
  // Each act's amount is exact, a sum of a period's may not be (SPEC §4: every sum a safe integer).
  const sums = [...Object.values(totals), ...bySupplier.values(), sum('startCents'), sum('endCents'), creditsStartCents, creditsEndCents]
  if (!sums.every(Number.isSafeInteger)) throw HypergasError.REJECTED('AMOUNT_OVERFLOW', 'the report\'s totals pass the largest exact amount: ask for a shorter period (--from, --to)')
  return {
    fromMs,
    toMs,
    confirmedActs: v.finalCount,
    confirmedAtMs: v.finalCount === 0 ? null : v.entries.timeMs(v.finalCount - 1),
    rows,
    totals: { ...totals, bySupplier: [...bySupplier].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, cents]) => ({ supplier: spelled.get(key)!, cents })) },
    cash,
    creditsStartCents,
    creditsEndCents,
    openCommitmentsStartCents: sum('startCents') - creditsStartCents,
    openCommitmentsCents: toMs === null ? now.openCommitmentsCents : sum('endCents') - creditsEndCents,
    holds: now.hold,
    months: monthly(s, time, fromMs, toMs)
  }
}

/**
 * The shared costs the members of closed purchase `p` bore, cents (a discount negative): for each
 * booking paid at the close, what it paid less its goods (booked, or as delivered). Part of what
 * the supplier was paid; a dropped booking's shares went back with it, a rejected one's were
 * refunded, and a discount larger than the goods counts only as far as the goods (a booking pays
 * never less than nothing). A free-amount purchase has no goods apart from its amounts: there, the
 * shares each paid commitment took (its `cost` lines in `statements`) since it was last set anew
 * (refunded on a rejection, or adjusted to an amount).
 */
export function costsBorne (p: Purchase, statements?: ReadonlyMap<MemberId, readonly Movement[]>): number {
  let borne = 0
  if (p.phase !== 'closed') return 0
  if (p.order === undefined) {
    for (const c of p.commitments.values()) {
      if (c.status !== 'approved') continue
      let shares = 0
      for (const x of statements?.get(c.member) ?? []) {
        if (x.purchase !== p.id) continue
        if (x.kind === 'refund-rejected' || x.kind === 'adjust') shares = 0
        else if (x.kind === 'cost') shares -= x.deltaCents
      }
      borne += shares
    }
    return borne
  }
  for (const [m, b] of p.order.bookings) {
    const c = p.commitments.get(m)
    if (c?.status === 'approved') borne += c.amountCents - goodsCents(b)
  }
  return borne
}
