/**
 * The orders by product of a purchase as the interfaces show them (SPEC §4.5): the catalogue with
 * the group's totals per product (the order for the supplier), each member's booking booked vs
 * delivered with its cost shares (the pick-up list), and the shared costs. Amounts in cents,
 * quantities in milli-units.
 */
import { bookingCents, lineCents } from '../fold/lines.js'
import { memberName, type Booking, type GroupState, type Order, type OrderLine, type Purchase } from '../fold/state.js'
import type { MemberId } from '../ids.js'
import type { ActBody } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import type { BookingView, LineView, MemberOrderView, OrderView, ProductView } from './dto.js'

/**
 * Refuses before signing a `Book` with no quantity above 0 for a member with no booked quantity to
 * withdraw: it would append an act that books nothing (the page's Book with every field at 0).
 * @throws HypergasError BAD_ARGUMENT (variant `nothingToBook`)
 */
export function refuseEmptyBooking (s: GroupState, body: ActBody): void {
  if (body.type !== 'Book' || body.lines.some((l) => l.qtyMilli > 0)) return
  const order = s.purchases.get(body.purchase)?.order
  if (order === undefined) return // (no such purchase, or no catalogue: the fold's own code says it)
  const had = order.bookings.get(body.member)
  if (had === undefined || had.lines.every((l) => l.qtyMilli === 0)) throw new HypergasError('BAD_ARGUMENT', 'nothing to book: every quantity is 0 and there is no booking to withdraw', { variant: 'nothingToBook' })
}

function lineView (o: Order, l: OrderLine): LineView {
  const x = o.products.get(l.product)
  return { product: l.product, name: x?.name ?? l.product, unit: x?.unit ?? '', qtyMilli: l.qtyMilli, priceCents: l.priceCents, cents: lineCents(l.qtyMilli, l.priceCents) }
}

/** One member's booking as shown. */
export function bookingView (s: GroupState, p: Purchase, member: MemberId, b: Booking): BookingView {
  const o = p.order!
  const c = p.commitments.get(member)
  return {
    member,
    name: memberName(s, member) ?? member.slice(0, 8),
    status: c?.status ?? 'pending',
    lines: b.lines.map((l) => lineView(o, l)),
    delivered: b.delivered === null ? null : b.delivered.map((l) => lineView(o, l)),
    costCents: b.costCents,
    amountCents: c === undefined || c.status === 'rejected' ? 0 : bookingCents(b)
  }
}

/** The orders of purchase `p` (with a catalogue); null for a free-amount purchase. */
export function orderView (s: GroupState, p: Purchase): OrderView | null {
  const o = p.order
  if (o === undefined) return null
  const live = [...o.bookings].filter(([m]) => { const c = p.commitments.get(m); return c !== undefined && c.status !== 'rejected' })
  const anyDelivered = live.some(([, b]) => b.delivered !== null)
  // One pass over the live bookings: per product, quantity (milli-units) and cents booked and
  // delivered (a booking not delivered yet counts as booked: the supplier has it to hand over).
  const sums = new Map<string, { booked: number, bookedCents: number, delivered: number, deliveredCents: number }>()
  const sum = (key: string): { booked: number, bookedCents: number, delivered: number, deliveredCents: number } => {
    let x = sums.get(key)
    if (x === undefined) sums.set(key, (x = { booked: 0, bookedCents: 0, delivered: 0, deliveredCents: 0 }))
    return x
  }
  for (const [, b] of live) {
    for (const l of b.lines) { const x = sum(l.product); x.booked += l.qtyMilli; x.bookedCents += lineCents(l.qtyMilli, l.priceCents) }
    for (const l of b.delivered ?? b.lines) { const x = sum(l.product); x.delivered += l.qtyMilli; x.deliveredCents += lineCents(l.qtyMilli, l.priceCents) }
  }
  const products: ProductView[] = [...o.products.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((x) => {
    const t = sums.get(x.key)
    return { ...x, bookedQtyMilli: t?.booked ?? 0, bookedCents: t?.bookedCents ?? 0, deliveredQtyMilli: anyDelivered ? t?.delivered ?? 0 : null, deliveredCents: anyDelivered ? t?.deliveredCents ?? 0 : null }
  })
  const bookings = [...o.bookings].map(([m, b]) => bookingView(s, p, m, b)).sort((a, b) => a.name.localeCompare(b.name, 'it'))
  return {
    bookingsOpen: o.bookingsOpen,
    products,
    bookings,
    costs: o.costs.map((c) => ({ label: c.label, cents: c.cents, split: c.split })),
    totalCents: bookings.reduce((sum, b) => sum + b.amountCents, 0)
  }
}

/**
 * Every commitment of `member`, the purchase opened last first (state order reversed: the same
 * on every node), with their booking when the purchase has a catalogue (SPEC §7: a member's
 * own orders, open, closed or failed).
 */
export function memberOrders (s: GroupState, member: MemberId): MemberOrderView[] {
  const out: MemberOrderView[] = []
  for (const p of s.purchases.values()) {
    const c = p.commitments.get(member)
    if (c === undefined) continue
    const b = p.order?.bookings.get(member)
    out.push({ purchase: p.id, purchaseName: p.name, phase: p.phase, status: c.status, amountCents: c.status === 'rejected' ? 0 : c.amountCents, refunded: c.status === 'rejected' || p.phase === 'failed', booking: b === undefined ? null : bookingView(s, p, member, b) })
  }
  return out.reverse()
}
