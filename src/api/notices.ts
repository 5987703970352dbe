/**
 * Reminders and notices (issue 16 item 4), derived from the group state and a clock: for a member,
 * purchases open to book, bookings closing within 24 hours, a booking approved or rejected, a
 * delivery recorded with its difference, a credit too low for the open purchases, a transfer to
 * accept or one waiting for the other party (SPEC §4.6); for an admin,
 * commitments to decide, deliveries to record and bookings closing on their own purchases. Pure:
 * the same state and time give the same notices; nothing is stored or replicated.
 */
import { goodsCents, linesCents } from '../fold/orders.js'
import type { GroupState } from '../fold/state.js'
import type { ActId, MemberId, PurchaseId } from '../ids.js'

/** One notice: its kind, the purchase it is about, and the figures its message needs (cents, ms). */
export interface Notice {
  kind: 'open' | 'closing' | 'approved' | 'rejected' | 'delivered' | 'lowCredit' | 'toAccept' | 'awaiting' | 'toDecide' | 'toDeliver'
  purchase: PurchaseId | null
  purchaseName: string | null
  /** When the bookings close (closing), ms since the epoch. */
  atMs?: number
  /** toAccept/awaiting: a pending transfer (SPEC §4.6), the other party's name and the amount, cents. */
  transfer?: ActId
  other?: string
  /** delivered: booked goods and delivered goods, cents; lowCredit: the credit, cents; toAccept/awaiting: the amount, cents; toDecide/toDeliver: how many. */
  bookedCents?: number
  deliveredCents?: number
  creditCents?: number
  count?: number
}

/** Closing within this long is a reminder, ms. */
export const CLOSING_SOON_MS = 24 * 3600 * 1000
/** Below this credit, with a purchase open, a member is reminded to top up, cents. */
export const LOW_CREDIT_CENTS = 500

/** A member's notices at time `nowMs`, most urgent first. */
export function memberNotices (s: GroupState, me: MemberId, nowMs: number): Notice[] {
  const out: Notice[] = []
  const m = s.members.get(me)
  if (m === undefined) return out
  let open = 0
  for (const p of [...s.purchases.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.phase !== 'open') continue
    open++
    const base = { purchase: p.id, purchaseName: p.name }
    const c = p.commitments.get(me)
    const bookable = p.order === undefined || p.order.bookingsOpen
    const closes = p.dates?.closesAtMs ?? 0
    if (bookable && closes > nowMs && closes - nowMs <= CLOSING_SOON_MS) out.push({ kind: 'closing', ...base, atMs: closes })
    if (c === undefined && bookable) out.push({ kind: 'open', ...base })
    if (c?.status === 'approved') out.push({ kind: 'approved', ...base })
    if (c?.status === 'rejected') out.push({ kind: 'rejected', ...base })
    const b = p.order?.bookings.get(me)
    if (b !== undefined && b.delivered !== null && c?.status !== 'rejected') out.push({ kind: 'delivered', ...base, bookedCents: linesCents(b.lines), deliveredCents: goodsCents(b) })
  }
  if (open > 0 && m.creditCents < LOW_CREDIT_CENTS) out.push({ kind: 'lowCredit', purchase: null, purchaseName: null, creditCents: m.creditCents })
  // Pending transfers (SPEC §4.6): the member accepts the ones the other party asked for, and waits on their own.
  for (const x of [...s.transfers.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (x.status !== 'pending' || (x.from !== me && x.to !== me)) continue
    const otherId = x.from === me ? x.to : x.from
    const other = s.members.get(otherId)?.name ?? otherId.slice(0, 8)
    const signed = x.from === me ? -x.cents : x.cents
    out.push({ kind: x.initiator === me ? 'awaiting' : 'toAccept', purchase: null, purchaseName: null, transfer: x.id, other, creditCents: signed })
  }
  const rank = ['closing', 'toAccept', 'lowCredit', 'delivered', 'rejected', 'approved', 'awaiting', 'open', 'toDecide', 'toDeliver']
  return out.sort((x, y) => rank.indexOf(x.kind) - rank.indexOf(y.kind))
}

/** An admin's notices: on their own open purchases, commitments to decide, deliveries to record, bookings closing soon. */
export function adminNotices (s: GroupState, me: MemberId, nowMs: number): Notice[] {
  const out: Notice[] = []
  for (const p of [...s.purchases.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.phase !== 'open' || p.owner !== me) continue
    const base = { purchase: p.id, purchaseName: p.name }
    const pending = [...p.commitments.values()].filter((c) => c.status === 'pending').length
    if (pending > 0) out.push({ kind: 'toDecide', ...base, count: pending })
    if (p.order !== undefined && !p.order.bookingsOpen) {
      const undelivered = [...p.order.bookings].filter(([m, b]) => b.delivered === null && p.commitments.get(m)?.status === 'approved').length
      if (undelivered > 0) out.push({ kind: 'toDeliver', ...base, count: undelivered })
    }
    const closes = p.dates?.closesAtMs ?? 0
    if (p.order?.bookingsOpen === true && closes > nowMs && closes - nowMs <= CLOSING_SOON_MS) out.push({ kind: 'closing', ...base, atMs: closes })
  }
  return out
}

/** The message key of a notice: `n_<kind>`, and for a transfer `_pay` (the member pays) or `_get` (the member is paid). */
export function noticeKey (n: Notice): string {
  if (n.kind !== 'toAccept' && n.kind !== 'awaiting') return `n_${n.kind}`
  return `n_${n.kind}_${(n.creditCents ?? 0) < 0 ? 'pay' : 'get'}`
}
