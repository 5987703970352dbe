/**
 * Orders by product (SPEC §4.5): the catalogue of a purchase, bookings by quantity, closing the
 * bookings, deliveries and shared costs. A booking *is* the member's commitment (§4): its amount
 * is Σ lineCents of its lines (the delivered ones once delivered) plus its cost shares, kept equal
 * to the commitment's amount after every act, so approve, reject, votes, close and fail work on it
 * as on any commitment, and invariant 1 holds unchanged. Pure: integer cents and milli-units only.
 */
import type * as A from '../acts/types.js'
import type { ActId, MemberId, PurchaseId } from '../ids.js'
import { credit, findPurchase, ownedPurchase } from './effects.js'
import { shares } from './shares.js'
import { spendable } from './transfers.js'
import { bookingCents, byProduct, canonicalProduct, goodsCents, lineCents } from './lines.js'
import { bookingsOpen, type Booking, type GroupState, type Order, type OrderLine, type Purchase, type RejectionCode } from './state.js'

type Code = RejectionCode | null
const MAX = Number.MAX_SAFE_INTEGER

/** Most products in one purchase's catalogue (SPEC §4.5). */
export const MAX_CATALOGUE = 2000

/** The open purchase `id` owned by `au` with a catalogue, or why not. */
function ownedOrder (s: GroupState, au: MemberId, id: PurchaseId): { p: Purchase, o: Order } | RejectionCode {
  const p = ownedPurchase(s, au, id)
  if (typeof p === 'string') return p
  if (p.order === undefined) return 'NO_CATALOGUE'
  return { p, o: p.order }
}

/** Sets the member's commitment to `amount` (its booking changed), moving the difference of credit. */
function setAmount (s: GroupState, actId: ActId, p: Purchase, member: MemberId, amount: number, status: 'pending' | 'approved', kind: 'booking' | 'delivery' | 'cost'): void {
  const c = p.commitments.get(member)
  const old = c === undefined || c.status === 'rejected' ? 0 : c.amountCents
  if (amount !== old) credit(s, actId, member, old - amount, kind, p.id)
  p.commitments.set(member, { member, amountCents: amount, status })
}

/** `AddProducts` (SPEC §4.5): the owner adds products while bookings are open; the first makes the purchase one with a catalogue. */
export function addProducts (s: GroupState, au: MemberId, b: A.AddProducts, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (p.order === undefined && [...p.commitments.values()].some((c) => c.status !== 'rejected')) return 'HAS_COMMITMENTS'
  if (!bookingsOpen(p)) return 'BOOKINGS_CLOSED'
  const known = p.order?.products
  if (b.products.some((x) => known?.has(x.key) === true)) return 'PRODUCT_EXISTS'
  if ((known?.size ?? 0) + b.products.length > MAX_CATALOGUE) return 'TOO_MANY_PRODUCTS'
  if (!run) return null
  if (p.order === undefined) {
    p.order = { products: new Map(), bookingsOpen: true, bookings: new Map(), costs: [] }
    keysInOrder(s, p)
  }
  for (const x of b.products) p.order.products.set(x.key, canonicalProduct(x))
  return null
}

/** `SetPrice`: the price of later bookings; existing ones keep theirs until re-booked or delivered. */
export function setPrice (s: GroupState, au: MemberId, b: A.SetPrice, run: boolean): Code {
  const r = ownedOrder(s, au, b.purchase)
  if (typeof r === 'string') return r
  if (!r.o.bookingsOpen) return 'BOOKINGS_CLOSED'
  const product = r.o.products.get(b.product)
  if (product === undefined) return 'UNKNOWN_PRODUCT'
  if (run) r.o.products.set(b.product, { ...product, priceCents: b.priceCents })
  return null
}

/**
 * Quantities (milli-units) per product in the group's order without `member`: every other
 * member's booking but the rejected ones (SPEC §4.5 `SOLD_OUT`: a rejected booking is not part
 * of the order, as the supplier's view of it shows).
 */
function bookedByOthers (p: Purchase, o: Order, member: MemberId): Map<string, number> {
  const out = new Map<string, number>()
  for (const [m, bk] of o.bookings) {
    if (m === member || p.commitments.get(m)?.status === 'rejected') continue
    for (const y of bk.lines) out.set(y.product, (out.get(y.product) ?? 0) + y.qtyMilli)
  }
  return out
}

/**
 * The first line of a `Book` the catalogue refuses with `code` (BELOW_MIN, NOT_MULTIPLE, ABOVE_MAX,
 * SOLD_OUT), with its product and the quantity the rule allows (milli-units: the minimum, the
 * multiple, the most per member, what the group has left), for the figures of the refusal; null
 * when none does.
 */
export function refusedLine (s: GroupState, body: A.Book, code: RejectionCode): { product: A.ProductSpec, qtyMilli: number } | null {
  const p = s.purchases.get(body.purchase)
  const o = p?.order
  if (p === undefined || o == null) return null
  let others: Map<string, number> | null = null
  for (const l of body.lines) {
    const x = o.products.get(l.product)
    if (x === undefined || l.qtyMilli === 0) continue
    if (code === 'BELOW_MIN' && x.minQtyMilli !== undefined && l.qtyMilli < x.minQtyMilli) return { product: x, qtyMilli: x.minQtyMilli }
    if (code === 'NOT_MULTIPLE' && x.mulQtyMilli !== undefined && l.qtyMilli % x.mulQtyMilli !== 0) return { product: x, qtyMilli: x.mulQtyMilli }
    if (code === 'ABOVE_MAX' && x.maxQtyMilli !== undefined && l.qtyMilli > x.maxQtyMilli) return { product: x, qtyMilli: x.maxQtyMilli }
    if (code === 'SOLD_OUT' && x.availableQtyMilli !== undefined) {
      others ??= bookedByOthers(p, o, body.member)
      const left = Math.max(0, x.availableQtyMilli - (others.get(l.product) ?? 0))
      if (l.qtyMilli > left) return { product: x, qtyMilli: left }
    }
  }
  return null
}

/**
 * Checks booked lines against the catalogue and the group's availability; answers the priced
 * lines. Every line's product must be known, a line of 0 (dropping it) included.
 */
function bookedLines (p: Purchase, o: Order, member: MemberId, lines: readonly A.LineSpec[]): OrderLine[] | RejectionCode {
  // Rule by rule over every line, in SPEC §4.5's order: the code is the first rule any line breaks.
  for (const l of lines) if (!o.products.has(l.product)) return 'UNKNOWN_PRODUCT'
  const out: OrderLine[] = []
  for (const l of lines) {
    if (l.qtyMilli === 0) continue
    const x = o.products.get(l.product)!
    if (x.priceCents === 0) return 'NO_PRICE'
    out.push({ product: l.product, qtyMilli: l.qtyMilli, priceCents: x.priceCents })
  }
  for (const l of out) { const x = o.products.get(l.product)!; if (x.minQtyMilli !== undefined && l.qtyMilli < x.minQtyMilli) return 'BELOW_MIN' }
  for (const l of out) { const x = o.products.get(l.product)!; if (x.mulQtyMilli !== undefined && l.qtyMilli % x.mulQtyMilli !== 0) return 'NOT_MULTIPLE' }
  for (const l of out) { const x = o.products.get(l.product)!; if (x.maxQtyMilli !== undefined && l.qtyMilli > x.maxQtyMilli) return 'ABOVE_MAX' }
  // Computed once, when a line meets a product with a limited availability.
  let others: Map<string, number> | null = null
  for (const l of out) {
    const x = o.products.get(l.product)!
    if (x.availableQtyMilli === undefined) continue
    others ??= bookedByOthers(p, o, member)
    if ((others.get(l.product) ?? 0) + l.qtyMilli > x.availableQtyMilli) return 'SOLD_OUT'
  }
  return byProduct(out)
}

/**
 * `Book`: the member's booking becomes these lines at today's prices (a line of 0, or a product
 * left out, drops it), plus the cost shares it already carries; the commitment follows, pending.
 * A booking left with no line is withdrawn (its commitment ends and is refunded), unless its
 * cost shares add up to more than 0 (transport added while bookings were open, net of any
 * discount share): then it is those shares, and later costs leave it out (it has no goods).
 */
export function book (s: GroupState, actId: ActId, au: MemberId, b: A.Book, run: boolean): Code {
  if (au !== b.member && !s.admins.has(au)) return 'NOT_AUTHORIZED'
  const p = findPurchase(s, b.purchase)
  if (typeof p === 'string') return p
  if (p.order === undefined) return 'NO_CATALOGUE'
  if (!p.order.bookingsOpen) return 'BOOKINGS_CLOSED'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  const lines = bookedLines(p, p.order, b.member, b.lines)
  if (typeof lines === 'string') return lines
  const c = p.commitments.get(b.member)
  const { amount, old, costs } = bookingAmounts(p, b.member, lines)
  if (amount > MAX) return 'AMOUNT_OVERFLOW'
  if (amount - old > spendable(s, b.member)) return 'INSUFFICIENT_CREDIT'
  if (!run) return null
  // With no line and no transport share to carry, the booking is withdrawn. A share of a cost
  // added while bookings were open stays with the booking (SPEC §4.5: "plus its cost shares"):
  // dropped, it would leave that part of the cost charged to nobody and the supplier paid short.
  if (lines.length === 0 && costs <= 0) {
    if (old !== 0) credit(s, actId, b.member, old, 'booking', p.id)
    p.order.bookings.delete(b.member)
    if (c !== undefined && c.status !== 'rejected') p.commitments.delete(b.member)
    return null
  }
  p.order.bookings.set(b.member, { lines, delivered: null, costCents: costs })
  setAmount(s, actId, p, b.member, amount, 'pending', 'booking')
  return null
}

/**
 * What a booking of priced `lines` by `member` amounts to, cents: its lines plus the cost shares it
 * already carries (`amount`), against what the member has committed to the purchase now (`old`).
 * The credit it takes is `amount − old`.
 */
function bookingAmounts (p: Purchase, member: MemberId, lines: OrderLine[]): { amount: number, old: number, costs: number } {
  const c = p.commitments.get(member)
  const live = c !== undefined && c.status !== 'rejected'
  const costs = live ? p.order?.bookings.get(member)?.costCents ?? 0 : 0
  return { amount: lines.length === 0 && costs <= 0 ? 0 : bookingCents({ lines, delivered: null, costCents: costs }), old: live ? c.amountCents : 0, costs }
}

/** The credit a `Book` act would take, cents (null when its lines do not price: it is refused for that first). SPEC §7 refusal figures. */
export function bookingNeedCents (s: GroupState, b: A.Book): number | null {
  const p = s.purchases.get(b.purchase)
  if (p?.order === undefined) return null
  const lines = bookedLines(p, p.order, b.member, b.lines)
  if (typeof lines === 'string') return null
  const { amount, old } = bookingAmounts(p, b.member, lines)
  return amount - old
}

/** `CloseBookings`: no more bookings, products or prices; the order goes to the supplier. */
export function closeBookings (s: GroupState, au: MemberId, b: A.CloseBookings, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (!bookingsOpen(p)) return 'BOOKINGS_CLOSED'
  if (!run) return null
  // A free-amount purchase closes its commitments (SPEC §4.5: no more Commit).
  if (p.order === undefined) {
    p.commitsClosed = true
    keysInOrder(s, p)
  }
  else p.order.bookingsOpen = false
  return null
}

/**
 * `Deliver`: what the member actually received (weights, missing items at 0 or left out, a
 * changed price); the commitment becomes Σ delivered lineCents plus its cost shares, never below
 * 0 ({@link bookingCents}).
 */
export function deliver (s: GroupState, actId: ActId, au: MemberId, b: A.Deliver, run: boolean): Code {
  // SPEC §4.5: bookings closed before purchase open (a failed purchase whose bookings stayed open).
  const q = s.purchases.get(b.purchase)
  if (q !== undefined && q.owner === au && q.order?.bookingsOpen === true) return 'BOOKINGS_OPEN'
  const r = ownedOrder(s, au, b.purchase)
  if (typeof r === 'string') return r
  const c = r.p.commitments.get(b.member)
  const bk = r.o.bookings.get(b.member)
  // SPEC §4.5: the commitment exists (a rejected one too, kept for the record) and is approved.
  if (c === undefined || bk === undefined) return 'NO_COMMITMENT'
  if (c.status !== 'approved') return 'NOT_APPROVED'
  const delivered = deliveredLines(r.o, bk, b)
  if (delivered === null) return 'UNKNOWN_PRODUCT'
  const amount = bookingCents({ ...bk, delivered })
  if (amount > MAX) return 'AMOUNT_OVERFLOW'
  if (amount - c.amountCents > spendable(s, b.member)) return 'INSUFFICIENT_CREDIT'
  if (!run) return null
  r.o.bookings.set(b.member, { ...bk, delivered })
  setAmount(s, actId, r.p, b.member, amount, 'approved', 'delivery')
  return null
}

/**
 * `AddCost`: transport, packaging (or with `discount`, a discount) shared among the non-rejected
 * bookings with an amount, by their goods amount or equally; each share changes the commitment
 * and the credit by the same amount (SPEC §4.5).
 */
export function addCost (s: GroupState, actId: ActId, au: MemberId, b: A.AddCost, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  const each = costShares(p, b)
  if (each === null) return 'NO_COMMITMENT'
  const refused = refusedShare(s, p, b, each)
  if (refused !== null) return refused.code
  if (!run) return null
  const sign = b.discount ? -1 : 1
  const o = p.order
  o?.costs.push({ actId, label: b.label, cents: sign * b.cents, split: b.split })
  for (const [m, share] of each) {
    const c = p.commitments.get(m)!
    const bk = o?.bookings.get(m)
    if (bk !== undefined) o!.bookings.set(m, { ...bk, costCents: bk.costCents + sign * share })
    setAmount(s, actId, p, m, c.amountCents + sign * share, c.status === 'approved' ? 'approved' : 'pending', 'cost')
  }
  return null
}

/**
 * The share of `b.cents` of each non-rejected commitment with an amount, or null when there is
 * none to share among: by goods amount for a booking (its earlier shares left out; a booking
 * with no goods takes none), by the
 * amount itself for a free-amount commitment (SPEC §4.5 AddCost names no catalogue), or equally.
 */
function costShares (p: Purchase, b: A.AddCost): Map<MemberId, number> | null {
  const weights = new Map<MemberId, number>()
  for (const [m, c] of p.commitments) {
    if (c.status === 'rejected' || c.amountCents <= 0) continue
    const bk = p.order?.bookings.get(m)
    if (p.order !== undefined && bk === undefined) continue
    // A booking with no goods (emptied, or nothing delivered) whose amount is an earlier share alone: no transport, no discount.
    if (bk !== undefined && goodsCents(bk) === 0) continue
    weights.set(m, b.split === 'equal' ? 1 : bk !== undefined ? goodsCents(bk) : c.amountCents)
  }
  if (weights.size === 0 || [...weights.values()].every((w) => w === 0)) return null
  return shares(b.cents, weights)
}

/** A share of a cost that cannot be taken: which member, the share (cents), their commitment (cents), and the code. */
export interface RefusedShare {
  member: MemberId
  shareCents: number
  commitmentCents: number
  code: 'INSUFFICIENT_CREDIT' | 'AMOUNT_OVERFLOW'
}

/** The first share (in the shares' order) that a discount would take below the commitment, that the member's credit cannot pay, or that overflows; null when every one can be taken. */
function refusedShare (s: GroupState, p: Purchase, b: A.AddCost, each: ReadonlyMap<MemberId, number>): RefusedShare | null {
  const sign = b.discount ? -1 : 1
  for (const [member, shareCents] of each) {
    const commitmentCents = p.commitments.get(member)!.amountCents
    if (commitmentCents + sign * shareCents < 0) return { member, shareCents, commitmentCents, code: 'INSUFFICIENT_CREDIT' } // a discount beyond a commitment
    if (sign > 0 && shareCents > spendable(s, member)) return { member, shareCents, commitmentCents, code: 'INSUFFICIENT_CREDIT' }
    if (commitmentCents + sign * shareCents > MAX) return { member, shareCents, commitmentCents, code: 'AMOUNT_OVERFLOW' }
  }
  return null
}

/** The share an `AddCost` refused with INSUFFICIENT_CREDIT could not take (SPEC §7 refusal figures), or null. */
export function costRefusal (s: GroupState, b: A.AddCost): RefusedShare | null {
  const p = s.purchases.get(b.purchase)
  if (p === undefined) return null
  const each = costShares(p, b)
  return each === null ? null : refusedShare(s, p, b, each)
}

/**
 * The lines a `Deliver` records, sorted by product key, without the ones of quantity 0; each at
 * the price the act gives, else the booked one, else the catalogue's (a delivery may change the
 * price: SPEC §4.5 SetPrice, "until re-booked or delivered"; docs/decisions.md). Null when a line
 * names a product the catalogue lacks.
 */
function deliveredLines (o: Order, bk: Booking, b: A.Deliver): OrderLine[] | null {
  const delivered: OrderLine[] = []
  for (const l of b.lines) {
    const x = o.products.get(l.product)
    if (x === undefined) return null
    if (l.qtyMilli === 0) continue
    const booked = bk.lines.find((y) => y.product === l.product)
    delivered.push({ product: l.product, qtyMilli: l.qtyMilli, priceCents: l.priceCents ?? booked?.priceCents ?? x.priceCents })
  }
  return byProduct(delivered)
}

/** The credit a `Deliver` act would take beyond the commitment, cents, or null when it does not price. SPEC §7 refusal figures. */
export function deliveryNeedCents (s: GroupState, b: A.Deliver): number | null {
  const p = s.purchases.get(b.purchase)
  const bk = p?.order?.bookings.get(b.member)
  const c = p?.commitments.get(b.member)
  const delivered = p?.order === undefined || bk === undefined ? null : deliveredLines(p.order, bk, b)
  return delivered === null || c === undefined ? null : bookingCents({ ...bk!, delivered }) - c.amountCents
}

/** `SetDates` (SPEC §4.5 Dates): the owner sets the deadline of the bookings and the delivery day (0: none). */
export function setDates (s: GroupState, au: MemberId, b: A.SetDates, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (run) {
    if (b.closesAtMs === 0 && b.deliveryAtMs === 0) delete p.dates
    else if (p.dates === undefined) {
      p.dates = { closesAtMs: b.closesAtMs, deliveryAtMs: b.deliveryAtMs }
      keysInOrder(s, p)
    } else p.dates = { closesAtMs: b.closesAtMs, deliveryAtMs: b.deliveryAtMs }
  }
  return null
}

/**
 * Puts `p` back in the state as an object whose optional keys come in one order (order, dates,
 * commitsClosed), whatever order the acts added them in: a purchase decoded from a checkpoint has
 * its keys in that order (src/node/storage/statecodec.ts), and a restored state is the same as a
 * folded one, key order included.
 */
function keysInOrder (s: GroupState, p: Purchase): void {
  const { order, dates, commitsClosed, ...rest } = p
  s.purchases.set(p.id, { ...rest, ...(order === undefined ? {} : { order }), ...(dates === undefined ? {} : { dates }), ...(commitsClosed === undefined ? {} : { commitsClosed }) })
}
