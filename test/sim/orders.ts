/**
 * The simulation's acts of SPEC §4.5–4.7 (catalogues, bookings, deliveries, shared costs,
 * transfers, limits): one plausible act, from an admin node's tentative state, for the world
 * to sign and append, so that these acts too are merged, reordered, confirmed, restored from
 * checkpoints and replayed on every node. Some are refused, as in a real group.
 */
import type { ActBody, ProductSpec } from '../../src/acts/types.js'
import type { GroupState, Purchase } from '../../src/fold/state.js'
import type { MemberId } from '../../src/ids.js'

/** An act and who signs it: the admin (`me`) or a member (relayed by the admin). */
export interface OrderAct { body: ActBody, by: 'me' | MemberId }

const KEYS = ['mele', 'pane', 'uova', 'olio']

/**
 * One act of §4.5–4.7 for admin `me`: the first kind, in the order below, that has something to
 * act on; when none has, a new purchase, a transfer or a limit.
 */
export function orderAct (s: GroupState, me: MemberId, members: readonly MemberId[], rnd: () => number): OrderAct | null {
  const pick = <T>(a: readonly T[]): T | undefined => (a.length === 0 ? undefined : a[Math.floor(rnd() * a.length)])
  const member = pick(members)!
  const open = [...s.purchases.values()].filter((p) => p.phase === 'open')
  const mine = open.filter((p) => p.owner === me)
  const closed = (p: Purchase): boolean => p.order !== undefined && !p.order.bookingsOpen
  const kinds: Array<() => OrderAct | null> = [
    () => {
      const p = pick(mine.filter((x) => x.order === undefined && x.commitments.size === 0))
      if (p === undefined) return null
      const products: ProductSpec[] = KEYS.filter(() => rnd() < 0.5).map((key) => ({ key, name: key, unit: 'kg', priceCents: 1 + Math.floor(rnd() * 900), ...(rnd() < 0.3 ? { mulQtyMilli: 500 } : {}), ...(rnd() < 0.2 ? { availableQtyMilli: 5000 } : {}) }))
      return products.length === 0 ? null : { body: { type: 'AddProducts', purchase: p.id, products }, by: 'me' }
    },
    () => {
      const p = pick(open.filter((x) => x.order?.bookingsOpen === true))
      if (p === undefined) return null
      const lines = [...p.order!.products.keys()].filter(() => rnd() < 0.6).map((product) => ({ product, qtyMilli: rnd() < 0.1 ? 0 : 500 * (1 + Math.floor(rnd() * 6)) }))
      return { body: { type: 'Book', member, purchase: p.id, lines }, by: rnd() < 0.5 ? member : 'me' }
    },
    () => {
      const p = pick(mine.filter((x) => x.order !== undefined && [...x.commitments.values()].some((c) => c.status === 'pending')))
      const c = p === undefined ? undefined : pick([...p.commitments.values()].filter((x) => x.status === 'pending'))
      return p === undefined || c === undefined ? null : { body: { type: 'ApproveCommitment', purchase: p.id, member: c.member }, by: 'me' }
    },
    () => {
      const p = pick(mine.filter((x) => x.order !== undefined && x.order.bookings.size > 0))
      if (p === undefined) return null
      return { body: p.order!.bookingsOpen ? { type: 'CloseBookings', purchase: p.id } : { type: 'AddCost', purchase: p.id, label: 'trasporto', cents: 1 + Math.floor(rnd() * 800), split: rnd() < 0.5 ? 'amount' : 'equal', discount: rnd() < 0.2 }, by: 'me' }
    },
    () => {
      const p = pick(mine.filter(closed))
      const m = p === undefined ? undefined : pick([...p.order!.bookings.keys()])
      if (p === undefined || m === undefined) return null
      const lines = p.order!.bookings.get(m)!.lines.map((l) => ({ product: l.product, qtyMilli: rnd() < 0.2 ? 0 : Math.max(1, l.qtyMilli + Math.floor((rnd() - 0.5) * 400)), ...(rnd() < 0.1 ? { priceCents: l.priceCents + 10 } : {}) }))
      return { body: { type: 'Deliver', purchase: p.id, member: m, lines }, by: 'me' }
    },
    () => {
      const x = pick([...s.transfers.values()].filter((t) => t.status === 'pending'))
      if (x === undefined) return null
      const other = x.initiator === x.from ? x.to : x.from
      return { body: rnd() < 0.8 ? { type: 'AcceptTransfer', transfer: x.id } : { type: 'CancelTransfer', transfer: x.id }, by: rnd() < 0.5 ? other : 'me' }
    }
  ]
  // Mostly the furthest step any purchase can take (deliveries first, catalogues last), so that
  // purchases go the whole way in the few acts a run makes; else from a random kind on.
  const from = Math.floor(rnd() * kinds.length)
  const order = rnd() < 0.6 ? [4, 3, 2, 5, 1, 0] : kinds.map((_, k) => (from + k) % kinds.length)
  for (const k of order) {
    const o = kinds[k]()
    if (o !== null) return o
  }
  // Nothing to act on: a referente opens a purchase for a catalogue; else a transfer or a limit.
  if (s.referenti.has(me) && mine.length < 2) return { body: { type: 'OpenPurchase', name: `Listino ${Math.floor(rnd() * 6)}` }, by: 'me' }
  const to = pick(members.filter((m) => m !== member))
  if (to !== undefined && rnd() < 0.7) return { body: { type: 'Transfer', from: member, to, cents: 1 + Math.floor(rnd() * 2000), memo: 'sim' }, by: member }
  // Half the time a ceiling too (SPEC §4.6), near what members hold, so that deposits, transfers
  // and refunds run against it.
  return { body: { type: 'VoteSetLimits', member, overdraftCents: Math.floor(rnd() * 3) * 1000, ceilingCents: rnd() < 0.5 ? 0 : 2000 + Math.floor(rnd() * 10) * 2000 }, by: 'me' }
}

/**
 * One act of the kinds the other steps leave out, for admin `me`: a member with nothing owed
 * removed (or one with credit, refused), a removed member registered again under their old
 * name, a price or the dates of an open purchase changed, a supplier registered, a member's
 * listing. Null when the kind drawn has nothing to act on.
 */
export function otherAct (s: GroupState, me: MemberId, members: readonly MemberId[], rnd: () => number): OrderAct | null {
  const pick = <T>(a: readonly T[]): T | undefined => (a.length === 0 ? undefined : a[Math.floor(rnd() * a.length)])
  const k = rnd()
  if (k < 0.3) {
    const m = pick(members.filter((x) => s.members.has(x) && (rnd() < 0.2 || s.members.get(x)!.creditCents === 0)))
    return m === undefined ? null : { body: { type: 'VoteRemoveMember', member: m }, by: 'me' }
  }
  if (k < 0.5) {
    const i = members.findIndex((x) => !s.members.has(x))
    return i < 0 ? null : { body: { type: 'VoteRegisterMember', member: members[i], name: `Member ${i}` }, by: 'me' }
  }
  if (k < 0.75) {
    const p = pick([...s.purchases.values()].filter((x) => x.phase === 'open' && x.owner === me && x.order?.bookingsOpen === true))
    if (p === undefined) return null
    if (rnd() < 0.3) return { body: { type: 'SetDates', purchase: p.id, closesAtMs: 1_800_000_000_000 + Math.floor(rnd() * 1e9), deliveryAtMs: 0 }, by: 'me' }
    const product = pick([...p.order!.products.keys(), 'nessuno'])!
    return { body: { type: 'SetPrice', purchase: p.id, product, priceCents: 1 + Math.floor(rnd() * 900) }, by: 'me' }
  }
  if (k < 0.85) return { body: { type: 'RegisterSupplier', name: `Fornitore ${Math.floor(rnd() * 4)}`, categories: ['frutta'] }, by: 'me' }
  const m = pick(members)!
  return { body: { type: 'SetListing', member: m, offers: rnd() < 0.5 ? ['passaggi'] : [], wants: ['uova'] }, by: rnd() < 0.5 ? m : 'me' }
}
