/**
 * A seeded random sequence of acts, valid and invalid, folded by a {@link Season} (which checks
 * SPEC §4's invariants after every act): every act type but the genesis, with tallies,
 * rejections, closed and failed purchases, catalogues, bookings, deliveries, shared costs,
 * transfers, limits and the directory (§4.5–4.7). `violation` is the first invariant broken, if any.
 */
import type { ActBody, ProductSpec } from '../../src/acts/types.js'
import type { ActId, MemberId, PurchaseId } from '../../src/ids.js'
import { person, prng, Season } from './fixtures.js'

/** Acts only the purchase's owner may sign (SPEC §4 Purchases, §4.5). */
const OWNER_ACTS = new Set(['ApproveCommitment', 'RejectCommitment', 'AdjustCommitment', 'ClosePurchase', 'FailPurchase', 'AddProducts', 'SetPrice', 'SetDates', 'CloseBookings', 'Deliver', 'AddCost'])

/** The member who would sign `body` themselves (the booking's, the payer of a transfer, the party accepting one), if any. */
function selfOf (s: Season, body: ActBody): string | undefined {
  if (body.type === 'Book' || body.type === 'Commit') return body.member
  if (body.type === 'Transfer') return body.from
  if (body.type === 'AcceptTransfer') {
    const x = s.state.transfers.get(body.transfer)
    return x === undefined ? undefined : x.initiator === x.from ? x.to : x.from
  }
  return undefined
}

export function randomSeason (seed: number, acts: number): { season: Season, violation: string | null, applied: Map<string, number> } {
  let violation: string | null = null
  const applied = new Map<string, number>()
  const s = new Season((lines) => { violation ??= lines.join('; ') })
  const rnd = prng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]
  const people = Array.from({ length: 12 }, (_, i) => person(`p${i}`))
  const everyone = [s.founder, ...people]
  const purchases: PurchaseId[] = []
  const transfers: ActId[] = []
  const amount = (): number => pick([1, 50, 99, 500, 1250, 10000, 250000])
  const key = (): string => `k${Math.floor(rnd() * 6)}`
  const qty = (): number => pick([0, 1, 250, 500, 1000, 1500, 2500, 10000, 10_000_000])
  const product = (): ProductSpec => {
    const p: ProductSpec = { key: key(), name: `Prodotto ${Math.floor(rnd() * 9)}`, unit: pick(['kg', 'pz', 'l']), priceCents: pick([0, 1, 99, 250, 250, 1999, 1999, 100_000_000]) }
    if (rnd() < 0.3) p.weighed = true
    if (rnd() < 0.2) p.minQtyMilli = pick([500, 1000, 2000])
    if (rnd() < 0.2) p.mulQtyMilli = pick([250, 500, 1000])
    if (rnd() < 0.2) p.maxQtyMilli = pick([1000, 5000])
    if (rnd() < 0.2) p.availableQtyMilli = pick([1000, 3000, 20000])
    if (rnd() < 0.1) p.packageQty = pick([1000, 6000])
    return p
  }
  /** Product keys of each purchase's catalogue, as applied. */
  const catalogue = new Map<PurchaseId, string[]>()
  /** Lines of 1–3 products, mostly of `p`'s catalogue in quantities it likely takes. */
  const lines = (p: PurchaseId, prices: boolean): Array<{ product: string, qtyMilli: number, priceCents?: number }> => {
    const known = catalogue.get(p) ?? []
    const keys = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => (known.length > 0 && rnd() < 0.9 ? pick(known) : key())))]
    const q = (): number => (rnd() < 0.8 ? pick([500, 1000, 2000]) : qty())
    return keys.map((product) => (prices && rnd() < 0.3 ? { product, qtyMilli: q(), priceCents: pick([0, 120, 2500]) } : { product, qtyMilli: q() }))
  }
  // A group that can act: six members with credit, a second referente and a second cassiere.
  for (const [j, x] of people.slice(0, 6).entries()) {
    s.do(s.founder, { type: 'VoteRegisterMember', name: `Socio ${j}`, member: x.id })
    s.do(s.founder, { type: 'Deposit', member: x.id, cents: 20_000 })
  }
  s.do(s.founder, { type: 'VoteElectReferente', member: people[0].id })
  s.do(s.founder, { type: 'VoteElectCassiere', member: people[1].id })
  for (let i = 0; i < acts && violation === null; i++) {
    const by = rnd() < 0.5 ? s.founder : pick(everyone)
    const registered = [...s.state.members.keys()]
    const m = registered.length > 0 && rnd() < 0.8 ? pick(registered) : pick(everyone).id as MemberId
    const open = purchases.filter((id) => s.state.purchases.get(id)?.phase === 'open')
    const p = open.length > 0 && rnd() < 0.85 ? pick(open) : purchases.length > 0 && rnd() < 0.9 ? pick(purchases) : person(`nope${i}`).id as string as PurchaseId
    const other = pick(everyone).id as MemberId
    // For the owner's acts on commitments: mostly a member committed to `p`.
    const committed = [...(s.state.purchases.get(p)?.commitments.keys() ?? [])]
    const c = committed.length > 0 && rnd() < 0.8 ? pick(committed) : m
    const x = transfers.length > 0 && rnd() < 0.9 ? pick(transfers) : person(`nox${i}`).id as string as ActId
    const bodies: ActBody[] = [
      { type: 'VoteRegisterMember', name: `M${Math.floor(rnd() * 14)}`, member: m },
      { type: 'VoteRemoveMember', member: m },
      { type: 'VoteElectReferente', member: m },
      { type: 'VoteElectCassiere', member: m },
      { type: 'VoteRevokeReferente', member: m },
      { type: 'VoteRevokeCassiere', member: m },
      { type: 'Deposit', member: m, cents: amount() },
      { type: 'Deposit', member: m, cents: amount() },
      { type: 'Withdraw', member: m, cents: amount(), reason: '' },
      { type: 'SettleCash', from: m, cents: amount() },
      { type: 'OpenPurchase', name: `P${Math.floor(rnd() * 8)}` },
      { type: 'OpenPurchase', name: `R${Math.floor(rnd() * 8)}` },
      { type: 'OpenPurchase', name: `S${Math.floor(rnd() * 8)}` },
      { type: 'OpenPurchase', name: `Q${Math.floor(rnd() * 8)}`, supplier: 'Cascina', notes: 'bio' },
      { type: 'Commit', member: m, cents: amount(), purchase: p },
      { type: 'Commit', member: by.id, cents: amount(), purchase: p },
      { type: 'ApproveCommitment', member: c, purchase: p },
      { type: 'RejectCommitment', member: c, purchase: p },
      { type: 'AdjustCommitment', member: c, cents: amount(), purchase: p },
      { type: 'VoteClosePurchase', purchase: p },
      { type: 'VoteFailPurchase', purchase: p },
      { type: 'ClosePurchase', purchase: p },
      { type: 'FailPurchase', purchase: p },
      // A members' recovery of the only admin leaves a group nobody can act for: rarely.
      rnd() < 0.2 ? { type: 'VoteRecover', member: m } : { type: 'Deposit', member: m, cents: amount() },
      { type: 'AddProducts', purchase: p, products: [product(), product()].filter((q, j, a) => a.findIndex((y) => y.key === q.key) === j) },
      { type: 'AddProducts', purchase: p, products: [product()] },
      { type: 'SetPrice', purchase: p, product: key(), priceCents: pick([0, 99, 1500]) },
      { type: 'SetDates', purchase: p, closesAtMs: pick([0, 1_800_000_000_000]), deliveryAtMs: pick([0, 1_800_000_000_000]) },
      { type: 'Book', member: m, purchase: p, lines: lines(p, false) },
      { type: 'Book', member: m, purchase: p, lines: lines(p, false) },
      { type: 'Book', member: by.id, purchase: p, lines: lines(p, false) },
      { type: 'ApproveCommitment', member: c, purchase: p },
      { type: 'CloseBookings', purchase: p },
      { type: 'Deliver', member: c, purchase: p, lines: lines(p, true) },
      { type: 'Deliver', member: c, purchase: p, lines: lines(p, true) },
      { type: 'AddCost', purchase: p, label: 'Trasporto', cents: amount(), split: pick(['amount', 'equal'] as const), discount: rnd() < 0.3 },
      { type: 'VoteSetLimits', member: m, overdraftCents: pick([0, 500, 5000, 100_000, 100_000_000]), ceilingCents: pick([0, 0, 10_000, 1_000_000]) },
      { type: 'Transfer', from: m, to: other, cents: amount(), memo: '' },
      { type: 'Transfer', from: by.id, to: other, cents: amount(), memo: 'uova' },
      { type: 'AcceptTransfer', transfer: x },
      { type: 'CancelTransfer', transfer: x },
      { type: 'RegisterSupplier', name: `Fornitore ${Math.floor(rnd() * 4)}`, categories: [] },
      { type: 'SetListing', member: m, offers: pick([[], ['uova']]), wants: pick([[], ['miele']]) }
    ]
    const body = pick(bodies)
    // The purchase's owner signs most of the acts only an owner may sign.
    const owner = everyone.find((x) => x.id === s.state.purchases.get(p)?.owner)
    // A member signs most of their own bookings, commitments and transfers.
    const self = everyone.find((x) => x.id === selfOf(s, body))
    const signer = OWNER_ACTS.has(body.type) && owner !== undefined && rnd() < 0.7 ? owner : self !== undefined && rnd() < 0.6 ? self : by
    const act = s.sign(signer, body)
    if (s.fold(act) === 'applied') {
      applied.set(body.type, (applied.get(body.type) ?? 0) + 1)
      if (body.type === 'OpenPurchase') {
        purchases.push(act.id)
        // Most purchases take a catalogue at once, as an import does.
        const products = Array.from({ length: 2 + Math.floor(rnd() * 3) }, product).filter((q, j, a) => a.findIndex((y) => y.key === q.key) === j)
        if (rnd() < 0.7 && s.fold(s.sign(everyone.find((y) => y.id === act.author)!, { type: 'AddProducts', purchase: act.id, products })) === 'applied') catalogue.set(act.id, products.map((y) => y.key))
      }
      if (body.type === 'Transfer') transfers.push(act.id)
      if (body.type === 'AddProducts') catalogue.set(body.purchase, [...(catalogue.get(body.purchase) ?? []), ...body.products.map((x) => x.key)])
    }
  }
  return { season: s, violation, applied }
}
