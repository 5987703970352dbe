// SPEC §4.5, issue 16: orders by product in the fold — catalogue, bookings by quantity, closing
// the bookings, deliveries, shared costs — every precondition with its code, the line rounding
// rule, cost shares by largest remainder, and (property test, seeded) random catalogues,
// bookings, deliveries and costs keeping every invariant of SPEC §4 after every act, with Σ of the
// shares exactly the cost. The Season harness checks the invariants after each act.
import test, { type Assert } from 'brittle'
import fc from 'fast-check'
import type { ActBody, LineSpec, ProductSpec } from '../src/acts/types.js'
import { decodeAct } from '../src/acts/act.js'
import type { MemberId, PurchaseId } from '../src/ids.js'
import { lineCents } from '../src/fold/lines.js'
import { shares } from '../src/fold/shares.js'
import { refusalDetails } from '../src/fold/refusal.js'
import { costsBorne } from '../src/api/report.js'
import { stateHash } from '../src/fold/hash.js'
import { memberOrders, orderView } from '../src/api/order-views.js'
import { resolvePurchase } from '../src/api/views.js'
import { decodeFinal, encodeFinal } from '../src/node/storage/statecodec.js'
import { checkConfirmed } from '../src/node/storage/checkpoint-verify.js'
import { LogColumns } from '../src/merge/log.js'
import { Season, person } from './helpers/fixtures.js'
import type { HypergasError } from '../src/errors.js'

const SEED = Number(process.env.HYPERGAS_ORDERS_SEED ?? 20261130)

const honey: ProductSpec = { key: 'miele-500', name: 'Miele millefiori 500 g', unit: 'vasetto', priceCents: 650, maxQtyMilli: 6000 }
const apples: ProductSpec = { key: 'mele', name: 'Mele Fuji', unit: 'kg', priceCents: 249, minQtyMilli: 1000, mulQtyMilli: 500 }
const cheese: ProductSpec = { key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890, weighed: true, availableQtyMilli: 3000 }
const bread: ProductSpec = { key: 'pane', name: 'Pane', unit: 'kg', priceCents: 0 }

/** A group with Anna (founder: referente and cassiere), members Bruno and Carla with credit, a purchase with a catalogue. */
function setUp (): { s: Season, bruno: ReturnType<typeof person>, carla: ReturnType<typeof person>, p: PurchaseId } {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  s.do(s.founder, { type: 'Deposit', member: bruno.id, cents: 10_000 })
  s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 5_000 })
  const p = s.open(s.founder, 'Cascina')
  return { s, bruno, carla, p }
}

test('line rounding: half up, exact in integers', (t) => {
  t.is(lineCents(1000, 249), 249)
  t.is(lineCents(1500, 249), 374, '373.5 rounds up')
  t.is(lineCents(1120, 1890), 2117, 'a weighed 1,12 kg of cheese')
  t.is(lineCents(1, 1), 0)
  t.is(lineCents(500, 1), 1, '0.5 rounds up')
  t.is(lineCents(10_000_000, 100_000_000), 1_000_000_000_000, 'the largest line is exact')
})

test('cost shares: largest remainder, ties by member id, Σ exactly the cost', (t) => {
  const [a, b, c] = ['aa', 'bb', 'cc'].map((x) => x.repeat(32) as MemberId)
  t.alike([...shares(100, new Map([[a, 1], [b, 1], [c, 1]]))], [[a, 34], [b, 33], [c, 33]], 'the extra cent to the smallest id on a tie')
  t.alike([...shares(1000, new Map([[a, 2500], [b, 7500]]))], [[a, 250], [b, 750]])
  t.alike([...shares(10, new Map([[a, 1], [b, 2], [c, 4]]))], [[a, 1], [b, 3], [c, 6]], '1.43, 2.86, 5.71: the cents left go to the largest remainders')
})

/** Shares as SPEC §4.5 defines them, in BigInt throughout: the reference for the fast path of {@link shares}. */
function sharesReference (cents: number, weights: ReadonlyMap<MemberId, number>): Array<[MemberId, number]> {
  const ids = [...weights.keys()].sort()
  const total = ids.reduce((sum, id) => sum + BigInt(weights.get(id)!), 0n)
  const rows = ids.map((id) => { const num = BigInt(cents) * BigInt(weights.get(id)!); return { id, share: num / total, rest: num % total } })
  const left = BigInt(cents) - rows.reduce((sum, r) => sum + r.share, 0n)
  const order = [...rows].sort((x, y) => (x.rest > y.rest ? -1 : x.rest < y.rest ? 1 : x.id < y.id ? -1 : 1))
  for (let i = 0; i < Number(left); i++) order[i].share++
  return rows.map((r) => [r.id, Number(r.share)])
}

test('cost shares: the same as in BigInt on both sides of 2^52 (seeded)', (t) => {
  const seed = 52_118
  t.comment(`seed ${seed}`)
  const id = fc.integer({ min: 0, max: 40 }).map((i) => i.toString(16).padStart(64, '0') as MemberId)
  // Small real amounts; products just below and above 2^52 (where the fast path ends); huge ones.
  const weight = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2 ** 20, max: 2 ** 27 }), fc.integer({ min: 0, max: 2 ** 40 }))
  const cents = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 2 ** 20, max: 2 ** 26 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }))
  let checked = 0
  fc.assert(fc.property(cents, fc.array(fc.tuple(id, weight), { minLength: 1, maxLength: 30 }), (c, pairs) => {
    const weights = new Map(pairs)
    if ([...weights.values()].every((w) => w === 0)) return
    const got = [...shares(c, weights)].sort((x, y) => (x[0] < y[0] ? -1 : 1))
    t.alike(got, sharesReference(c, weights))
    checked++
  }), { seed, numRuns: 3000 })
  t.ok(checked > 2500, `${checked} cases compared`)
  // Products past 2^53, which doubles round: the exact path must take them.
  for (const [c, wa, wb] of [[123_456_789, 987_654_321, 3], [2 ** 31 - 1, 2 ** 31 - 5, 7]]) {
    const weights = new Map([['a'.repeat(64) as MemberId, wa], ['b'.repeat(64) as MemberId, wb]])
    t.alike([...shares(c, weights)], sharesReference(c, weights), `${c} by ${wa} and ${wb}`)
  }
})

test('catalogue, bookings, codes', (t) => {
  const { s, bruno, carla, p } = setUp()
  t.is(s.do(s.founder, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'mele', qtyMilli: 1000 }] }), 'NO_CATALOGUE')
  t.is(s.do(bruno, { type: 'AddProducts', purchase: p, products: [honey] }), 'NOT_OWNER')
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey, apples, cheese, bread] }), 'applied')
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey] }), 'PRODUCT_EXISTS')
  const twice = { type: 'AddProducts' as const, purchase: p, products: [{ ...honey, key: 'nuovo' }, bread] }
  t.alike(refusalDetails(s.state, twice, 'PRODUCT_EXISTS'), { variant: 'product', product: bread.name, input: bread.key }, 'a file imported twice: which product the catalogue has already')
  t.alike(refusalDetails(s.state, { ...twice, products: [{ ...honey, key: 'x' }, { ...bread, key: 'x' }] }, 'PRODUCT_EXISTS'), { variant: 'product', product: bread.name, input: 'x' }, 'one key twice in one act: the second product')
  t.is(s.do(bruno, { type: 'Commit', member: bruno.id, cents: 100, purchase: p }), 'HAS_CATALOGUE')
  const book = (by: typeof bruno, lines: LineSpec[], member = by.id): string => s.do(by, { type: 'Book', member, purchase: p, lines })
  t.is(book(bruno, [{ product: 'nope', qtyMilli: 1000 }]), 'UNKNOWN_PRODUCT')
  t.is(book(bruno, [{ product: 'pane', qtyMilli: 1000 }]), 'NO_PRICE')
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 500 }]), 'BELOW_MIN')
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 1200 }]), 'NOT_MULTIPLE')
  t.is(book(bruno, [{ product: 'miele-500', qtyMilli: 7000 }]), 'ABOVE_MAX')
  t.is(book(carla, [{ product: 'toma', qtyMilli: 2000 }]), 'applied')
  t.is(book(bruno, [{ product: 'toma', qtyMilli: 1500 }]), 'SOLD_OUT', 'Carla has 2 of the 3 kg')
  // The figures of each refusal (SPEC §7): the product, and what its rule allows.
  const figures = (code: string, lines: LineSpec[]): unknown[] => {
    const d = refusalDetails(s.state, { type: 'Book', member: bruno.id, purchase: p, lines }, code)
    return [d.variant, d.product, d.unit, d.qtyMilli]
  }
  t.alike(figures('BELOW_MIN', [{ product: 'mele', qtyMilli: 500 }]), ['product', 'Mele Fuji', 'kg', 1000], 'the minimum')
  t.alike(figures('NOT_MULTIPLE', [{ product: 'mele', qtyMilli: 1200 }]), ['product', 'Mele Fuji', 'kg', 500], 'the multiple')
  t.alike(figures('ABOVE_MAX', [{ product: 'mele', qtyMilli: 1000 }, { product: 'miele-500', qtyMilli: 7000 }]), ['product', 'Miele millefiori 500 g', 'vasetto', 6000], 'the most per member, of the line that breaks it')
  t.alike(figures('SOLD_OUT', [{ product: 'toma', qtyMilli: 1500 }]), ['product', 'Toma', 'kg', 1000], 'what the group has left')
  t.alike(figures('NO_PRICE', [{ product: 'mele', qtyMilli: 1000 }, { product: 'pane', qtyMilli: 1000 }]), ['product', 'Pane', undefined, undefined], 'the product without a price')
  t.is(book(carla, [{ product: 'toma', qtyMilli: 2000 }, { product: 'miele-500', qtyMilli: 3000 }]), 'INSUFFICIENT_CREDIT', 'a booking replaces the last one: 37,80 + 19,50 of Carla\'s 50 €')
  t.is(book(carla, [{ product: 'miele-500', qtyMilli: 6000 }]), 'applied', 'the honey alone (the cheese dropped) fits')
  t.is(book(carla, [{ product: 'toma', qtyMilli: 2000 }]), 'applied', 'and back to the cheese')
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 1500 }, { product: 'miele-500', qtyMilli: 2000 }]), 'applied')
  t.is(s.credit(bruno), 10_000 - 374 - 1300, 'credit − Σ lineCents')
  t.is(s.state.purchases.get(p)!.commitments.get(bruno.id)!.amountCents, 1674)
  t.is(s.do(s.founder, { type: 'SetPrice', purchase: p, product: 'mele', priceCents: 299 }), 'applied')
  t.is(s.state.purchases.get(p)!.commitments.get(bruno.id)!.amountCents, 1674, 'a new price does not touch an existing booking')
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 2000 }]), 'applied', 're-booked: the honey dropped, the apples at the new price')
  t.is(s.credit(bruno), 10_000 - 598)
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 0 }]), 'applied', 'a booking of nothing')
  t.is(s.credit(bruno), 10_000, 'is withdrawn and refunded')
  t.absent(s.state.purchases.get(p)!.commitments.has(bruno.id))
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 3000 }]), 'applied')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [] }), 'BOOKINGS_OPEN')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: p }), 'applied')
  t.is(book(bruno, [{ product: 'mele', qtyMilli: 1000 }]), 'BOOKINGS_CLOSED')
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: p, products: [{ ...honey, key: 'x' }] }), 'BOOKINGS_CLOSED')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'mele', qtyMilli: 3000 }] }), 'NOT_APPROVED')
  t.is(s.do(s.founder, { type: 'AdjustCommitment', member: bruno.id, cents: 1, purchase: p }), 'HAS_CATALOGUE')
})

test('a month of one order: deliver with real weights and a changed price, share the transport, close and pay', (t) => {
  const { s, bruno, carla, p } = setUp()
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey, apples, cheese] })
  s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }, { product: 'mele', qtyMilli: 2000 }] })
  s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 2000 }] })
  s.do(s.founder, { type: 'CloseBookings', purchase: p })
  for (const m of [bruno, carla]) t.is(s.do(s.founder, { type: 'ApproveCommitment', member: m.id, purchase: p }), 'applied')
  // The cheese weighed 1,12 kg; one jar of honey was missing; the apples cost 2,39 at delivery.
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'toma', qtyMilli: 1120 }, { product: 'mele', qtyMilli: 2000, priceCents: 239 }] }), 'applied')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: carla.id, lines: [{ product: 'miele-500', qtyMilli: 1000 }] }), 'applied')
  const amount = (m: { id: MemberId }): number => s.state.purchases.get(p)!.commitments.get(m.id)!.amountCents
  t.is(amount(bruno), 2117 + 478, 'delivered: 21,17 + 4,78')
  t.is(amount(carla), 650)
  // The order per product for the supplier: booked vs delivered, quantity and amount (SPEC §4.5).
  const perProduct = orderView(s.state, s.state.purchases.get(p)!)!.products.map((x) => [x.key, x.bookedQtyMilli, x.bookedCents, x.deliveredQtyMilli, x.deliveredCents])
  t.alike(perProduct, [['mele', 2000, 498, 2000, 478], ['miele-500', 2000, 1300, 1000, 650], ['toma', 1000, 1890, 1120, 2117]], 'per product: booked and delivered, each at its own prices')
  t.is(s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Trasporto', cents: 500, split: 'amount', discount: false }), 'applied')
  t.is(amount(bruno) + amount(carla), 2595 + 650 + 500, 'Σ of the shares is the cost')
  t.is(amount(bruno), 2595 + 400, 'by amount: 2595 / 3245 of 5 € → 4,00 (3,998…)')
  t.is(s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Sconto', cents: 3, split: 'equal', discount: true }), 'applied')
  t.is(amount(bruno) + amount(carla), 2595 + 650 + 497)
  s.do(s.founder, { type: 'VoteClosePurchase', purchase: p })
  const cashBefore = s.state.cash.get(s.founder.id)!
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'applied')
  t.is(s.state.cash.get(s.founder.id), cashBefore - (2595 + 650 + 497), 'the supplier is paid what was delivered, with the costs')
  const kinds = s.state.statements.get(bruno.id)!.map((m) => m.kind)
  t.alike(kinds, ['deposit', 'booking', 'delivery', 'cost', 'cost'], 'every cent of Bruno\'s statement has its act')
})

test('orders survive the wire: products and lines encode canonically and decode to the same state', (t) => {
  const { s, bruno, p } = setUp()
  const acts = [
    s.sign(s.founder, { type: 'AddProducts', purchase: p, products: [{ description: 'di montagna', ...cheese }, apples] }),
    s.sign(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1500 }] })
  ]
  for (const a of acts) {
    const back = decodeAct(a.bytes, s.groupId)
    t.alike(back.bytes, a.bytes)
    t.is(s.fold(back), 'applied')
  }
  const other = setUp()
  for (const a of acts) other.s.fold(decodeAct(a.bytes, other.s.groupId))
  t.is(stateHash(other.s.state), stateHash(s.state), 'the same state hash from the decoded acts, whatever order the fields of the body had')
})

test('availability: a rejected booking gives its quantity back to the group; a line of 0 still names a known product', (t) => {
  const { s, bruno, carla, p } = setUp()
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [cheese] })
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 3000 }] }), 'applied', 'all 3 kg')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] }), 'SOLD_OUT')
  t.is(s.do(s.founder, { type: 'RejectCommitment', member: bruno.id, purchase: p }), 'applied')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] }), 'applied', 'Bruno\'s rejected 3 kg are no longer in the order')
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 3000 }] }), 'SOLD_OUT', 'booking again, Bruno counts Carla\'s kilo')
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 2000 }] }), 'applied')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }, { product: 'nope', qtyMilli: 0 }] }), 'UNKNOWN_PRODUCT', 'a line of 0 names a product too')
  t.is(s.do(s.founder, { type: 'RejectCommitment', member: carla.id, purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: carla.id, lines: [{ product: 'toma', qtyMilli: 1000 }] }), 'NOT_APPROVED', 'a rejected booking exists, and is not approved (SPEC §4.5)')
  t.is(refusalDetails(s.state, { type: 'Deliver', purchase: p, member: carla.id, lines: [{ product: 'toma', qtyMilli: 1000 }] }, 'NOT_APPROVED').variant, 'rejected', 'and the message says it was rejected, not that it waits for approval')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: s.founder.id, lines: [{ product: 'toma', qtyMilli: 1000 }] }), 'NO_COMMITMENT', 'a member who never booked has none')
})

test('a member\'s orders: booked vs delivered after the purchase closed, rejected and free-amount ones too, the latest first', (t) => {
  const { s, bruno, carla, p } = setUp()
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [apples, cheese] })
  s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] })
  s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'mele', qtyMilli: 2000 }] })
  s.do(s.founder, { type: 'CloseBookings', purchase: p })
  s.do(s.founder, { type: 'ApproveCommitment', member: bruno.id, purchase: p })
  s.do(s.founder, { type: 'RejectCommitment', member: carla.id, purchase: p })
  s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'toma', qtyMilli: 1120 }] })
  s.do(s.founder, { type: 'VoteClosePurchase', purchase: p })
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'applied')
  const free = s.open(s.founder, 'Olio')
  s.do(bruno, { type: 'Commit', member: bruno.id, cents: 700, purchase: free })
  const mine = memberOrders(s.state, bruno.id)
  t.alike(mine.map((o) => [o.purchaseName, o.phase, o.status, o.amountCents]), [['Olio', 'open', 'pending', 700], ['Cascina', 'closed', 'approved', 2117]], 'the latest first')
  t.alike(mine[1].booking?.lines.map((l) => [l.product, l.qtyMilli]), [['toma', 1000]], 'booked')
  t.alike(mine[1].booking?.delivered?.map((l) => [l.product, l.qtyMilli, l.cents]), [['toma', 1120, 2117]], 'and delivered, after the close')
  t.is(mine[0].booking, null, 'a free amount has no booking')
  t.alike(memberOrders(s.state, carla.id).map((o) => [o.status, o.amountCents, o.refunded]), [['rejected', 0, true]], 'a rejected booking shows, holding nothing, refunded')
  s.do(s.founder, { type: 'VoteFailPurchase', purchase: free })
  t.is(s.do(s.founder, { type: 'FailPurchase', purchase: free }), 'applied')
  t.alike(memberOrders(s.state, bruno.id).map((o) => [o.phase, o.status, o.refunded]), [['failed', 'pending', true], ['closed', 'approved', false]], 'a failed purchase\'s commitment: refunded, its status kept for the record')
})

/** Bruno and Carla book a jar of honey each (6,50), then a discount of `cents` is shared equally. */
function honeyDiscount (t: Assert, cents: number): ReturnType<typeof setUp> {
  const x = setUp()
  const { s, bruno, carla, p } = x
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey] })
  for (const m of [bruno, carla]) s.do(m, { type: 'Book', member: m.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 1000 }] })
  t.is(s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Sconto', cents, split: 'equal', discount: true }), 'applied')
  return x
}

test('a delivery of nothing after a discount: the member gets back all they paid, never more', (t) => {
  const { s, bruno, p } = honeyDiscount(t, 100)
  s.do(s.founder, { type: 'CloseBookings', purchase: p })
  s.do(s.founder, { type: 'ApproveCommitment', member: bruno.id, purchase: p })
  t.is(s.credit(bruno), 10_000 - 600, 'paid 6,50 less his 0,50 of the discount')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [] }), 'applied', 'nothing arrived for him')
  t.is(s.credit(bruno), 10_000, 'all of it back')
  t.is(s.state.purchases.get(p)!.commitments.get(bruno.id)!.amountCents, 0, 'a commitment of 0, not below')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'miele-500', qtyMilli: 1000 }] }), 'applied', 'the honey arrived after all')
  t.is(s.state.purchases.get(p)!.commitments.get(bruno.id)!.amountCents, 600, 'with his whole share of the discount')
})

test('a smaller booking after a discount: back to 0, never below', (t) => {
  const { s, bruno, p } = honeyDiscount(t, 1000)
  t.is(s.credit(bruno), 10_000 - 150)
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 500 }] }), 'applied', 'half a jar: 3,25, less a 5,00 share')
  t.is(s.state.purchases.get(p)!.commitments.get(bruno.id)!.amountCents, 0)
  t.is(s.credit(bruno), 10_000, 'he gets back the 1,50 he paid, not 1,75 more')
})

test('a booking emptied after a transport cost was shared keeps its share: the cost stays charged in full', (t) => {
  const { s, bruno, carla, p } = setUp()
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey, apples] })
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 3000 }] }), 'applied')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'mele', qtyMilli: 2000 }] }), 'applied')
  t.is(s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Trasporto', cents: 600, split: 'amount', discount: false }), 'applied', 'while bookings are open')
  const pc = (): { bruno: number | undefined, carla: number | undefined } => ({ bruno: s.state.purchases.get(p)!.commitments.get(bruno.id)?.amountCents, carla: s.state.purchases.get(p)!.commitments.get(carla.id)?.amountCents })
  const share = pc().bruno! - 1950
  t.is(share + pc().carla! - 498, 600, 'the two shares are the whole cost')
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 0 }] }), 'applied', 'Bruno takes his honey back')
  t.alike(pc(), { bruno: share, carla: 498 + 600 - share }, 'his booking is his transport share alone, and the cost is still charged in full')
  t.is(s.credit(bruno), 10_000 - share, 'his honey refunded, his share not')
  t.alike(s.state.purchases.get(p)!.order!.bookings.get(bruno.id)!.lines, [], 'with no line')
  // A checkpoint holding such a booking is verified and restored as it is (it was refused as a bad booking).
  const copy = decodeFinal(encodeFinal({ state: s.state, log: new LogColumns() })).state
  t.execution(() => checkConfirmed(copy, s.log, s.state.groupId!), 'a checkpoint with a booking of no line but its share is a good one')
  t.is(stateHash(copy), stateHash(s.state))
  // A later cost, split equally or by amount, leaves out a booking with no goods.
  t.is(s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Cassette', cents: 200, split: 'equal', discount: false }), 'applied')
  t.alike(pc(), { bruno: share, carla: 498 + 600 - share + 200 }, 'Carla, the only one with goods, bears it all')
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 1000 }] }), 'applied', 'he books again')
  t.is(pc().bruno, 650 + share, 'one jar plus the same share')
  // Without a cost share, an emptied booking is withdrawn as before.
  t.is(s.do(s.founder, { type: 'Deposit', member: s.founder.id, cents: 1000 }), 'applied')
  t.is(s.do(s.founder, { type: 'Book', member: s.founder.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 1000 }] }), 'applied')
  t.is(s.do(s.founder, { type: 'Book', member: s.founder.id, purchase: p, lines: [] }), 'applied')
  t.is(s.state.purchases.get(p)!.commitments.get(s.founder.id), undefined, 'withdrawn')
})

test(`property: random catalogues, bookings, deliveries and costs keep every invariant (seed ${SEED})`, (t) => {
  const product = fc.record({ priceCents: fc.integer({ min: 0, max: 5000 }), min: fc.option(fc.integer({ min: 1, max: 3 })), mul: fc.option(fc.constantFrom(250, 500, 1000)), max: fc.option(fc.integer({ min: 1, max: 8 })), avail: fc.option(fc.integer({ min: 1, max: 20 })) })
  const step = fc.record({ kind: fc.constantFrom('book', 'book', 'book', 'price', 'close', 'approve', 'reject', 'deliver', 'cost', 'cost', 'vote', 'closeP', 'fail'), who: fc.nat(3), lines: fc.array(fc.record({ p: fc.nat(7), q: fc.integer({ min: 0, max: 6000 }) }), { maxLength: 4 }), cents: fc.integer({ min: 1, max: 3000 }), flag: fc.boolean() })
  let acts = 0
  fc.assert(fc.property(fc.array(product, { minLength: 1, maxLength: 8 }), fc.array(step, { maxLength: 40 }), (catalogue, steps) => {
    const s = new Season()
    const members = ['Bruno', 'Carla', 'Dario'].map((n) => s.register(n))
    for (const [i, m] of members.entries()) s.do(s.founder, { type: 'Deposit', member: m.id, cents: 2000 + 3000 * i })
    const p = s.open(s.founder, 'Random')
    const products: ProductSpec[] = catalogue.map((x, i) => ({
      key: `p${i}`, name: `Prodotto ${i}`, unit: 'kg', priceCents: x.priceCents,
      ...(x.min === null ? {} : { minQtyMilli: x.min * 500 }), ...(x.mul === null ? {} : { mulQtyMilli: x.mul }),
      ...(x.max === null ? {} : { maxQtyMilli: x.max * 1000 }), ...(x.avail === null ? {} : { availableQtyMilli: x.avail * 1000 })
    }))
    s.do(s.founder, { type: 'AddProducts', purchase: p, products })
    let costed = 0
    for (const st of steps) {
      const m = members[st.who % 3]
      const lines = st.lines.map((l) => ({ product: `p${l.p % products.length}`, qtyMilli: l.q })).filter((l, i, all) => all.findIndex((x) => x.product === l.product) === i)
      const before = sumCommitments(s, p)
      let body: ActBody
      if (st.kind === 'book') body = { type: 'Book', member: m.id, purchase: p, lines }
      else if (st.kind === 'price') body = { type: 'SetPrice', purchase: p, product: lines[0]?.product ?? 'p0', priceCents: st.cents }
      else if (st.kind === 'close') body = { type: 'CloseBookings', purchase: p }
      else if (st.kind === 'approve') body = { type: 'ApproveCommitment', member: m.id, purchase: p }
      else if (st.kind === 'reject') body = { type: 'RejectCommitment', member: m.id, purchase: p }
      else if (st.kind === 'deliver') body = { type: 'Deliver', purchase: p, member: m.id, lines: lines.map((l) => ({ ...l, ...(st.flag ? { priceCents: st.cents } : {}) })) }
      else if (st.kind === 'cost') body = { type: 'AddCost', purchase: p, label: 'x', cents: st.cents, split: st.flag ? 'equal' : 'amount', discount: st.cents % 3 === 0 }
      else if (st.kind === 'vote') body = { type: 'VoteClosePurchase', purchase: p }
      else if (st.kind === 'closeP') body = { type: 'ClosePurchase', purchase: p }
      else body = { type: 'FailPurchase', purchase: p }
      const out = s.do(st.kind === 'book' && st.flag ? m : s.founder, body)
      acts++
      if (body.type === 'AddCost' && out === 'applied') {
        costed++
        const diff = sumCommitments(s, p) - before
        if (diff !== (body.discount ? -body.cents : body.cents)) throw new Error(`cost ${body.cents}: the commitments moved by ${diff}`)
      }
    }
    return costed >= 0
  }), { seed: SEED, numRuns: Number(process.env.HYPERGAS_ORDERS_RUNS ?? 400) })
  t.pass(`${acts} random acts folded, every invariant held after each`)
})

function sumCommitments (s: Season, p: PurchaseId): number {
  let sum = 0
  for (const c of s.state.purchases.get(p)!.commitments.values()) if (c.status !== 'rejected') sum += c.amountCents
  return sum
}

test('refusal figures: a discount beyond a commitment, a delivery past the credit, a deposit past the ceiling', (t) => {
  const { s, bruno, carla, p } = setUp()
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey, cheese] }), 'applied')
  t.is(s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'miele-500', qtyMilli: 1000 }] }), 'applied')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 2000 }] }), 'applied')
  const discount: ActBody = { type: 'AddCost', purchase: p, label: 'sconto', cents: 3000, split: 'equal', discount: true }
  t.is(s.do(s.founder, discount), 'INSUFFICIENT_CREDIT', 'a 15,00 share of discount against a 6,50 booking')
  t.alike(refusalDetails(s.state, discount, 'INSUFFICIENT_CREDIT'), { member: 'Bruno', creditCents: 10_000 - 650, neededCents: 1500, variant: 'discount', commitmentCents: 650 }, 'whose share, how large, against which commitment')
  const cost: ActBody = { type: 'AddCost', purchase: p, label: 'trasporto', cents: 20_000, split: 'equal', discount: false }
  t.is(s.do(s.founder, cost), 'INSUFFICIENT_CREDIT')
  t.alike(refusalDetails(s.state, cost, 'INSUFFICIENT_CREDIT'), { member: 'Carla', creditCents: 5_000 - 3780, neededCents: 10_000 }, 'the first member whose credit cannot pay their share')
  s.do(s.founder, { type: 'CloseBookings', purchase: p })
  s.do(s.founder, { type: 'ApproveCommitment', member: carla.id, purchase: p })
  const heavy: ActBody = { type: 'Deliver', purchase: p, member: carla.id, lines: [{ product: 'toma', qtyMilli: 3000, priceCents: 6000 }] }
  t.is(s.do(s.founder, heavy), 'INSUFFICIENT_CREDIT', '3 kg at 60,00 against her 12,20 of credit')
  t.alike(refusalDetails(s.state, heavy, 'INSUFFICIENT_CREDIT'), { member: 'Carla', creditCents: 1220, neededCents: 18_000 - 3780 }, 'what the delivery needs beyond her commitment')
  s.do(s.founder, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 0, ceilingCents: 10_000 })
  const deposit: ActBody = { type: 'Deposit', member: bruno.id, cents: 1000 }
  t.is(s.do(s.founder, deposit), 'ABOVE_CEILING')
  t.alike(refusalDetails(s.state, deposit, 'ABOVE_CEILING'), { member: 'Bruno', creditCents: 9350, neededCents: 1000, ceilingCents: 10_000, commitmentCents: 650, variant: 'ceilingBooked' }, 'his booking may come back: it counts under the ceiling')
})

test('a shared cost on a free-amount purchase (SPEC §4.5 AddCost names no catalogue): by amount, equally, a discount; the report counts what the paid commitments bore', (t) => {
  const { s, bruno, carla, p } = setUp()
  const cost = (cents: number, split: 'amount' | 'equal', discount = false): string => s.do(s.founder, { type: 'AddCost', purchase: p, label: 'Trasporto', cents, split, discount })
  t.is(cost(100, 'amount'), 'NO_COMMITMENT', 'nobody to share it among')
  t.alike(refusalDetails(s.state, { type: 'AddCost', purchase: p, label: 'Trasporto', cents: 100, split: 'amount', discount: false }, 'NO_COMMITMENT'), { variant: 'cost' }, 'said of the purchase, not of a member (CLI: e_NO_COMMITMENT_cost)')
  s.do(bruno, { type: 'Commit', member: bruno.id, cents: 3000, purchase: p })
  s.do(carla, { type: 'Commit', member: carla.id, cents: 1000, purchase: p })
  const amount = (m: { id: MemberId }): number => s.state.purchases.get(p)!.commitments.get(m.id)!.amountCents
  t.is(cost(400, 'amount'), 'applied')
  t.alike([amount(bruno), amount(carla)], [3300, 1100], 'by the amounts committed: 3 to 1')
  t.alike([s.credit(bruno), s.credit(carla)], [10_000 - 3300, 5_000 - 1100], 'each share taken from the credit')
  t.is(cost(101, 'equal', true), 'applied')
  const odd = bruno.id < carla.id ? 1 : 0
  t.alike([amount(bruno), amount(carla)], [3300 - 50 - odd, 1100 - 51 + odd], 'a discount equally, the odd cent to the smaller member id')
  t.is(cost(10_000, 'amount'), 'INSUFFICIENT_CREDIT', 'a share the credit cannot cover')
  t.is(refusalDetails(s.state, { type: 'AddCost', purchase: p, label: 'x', cents: 10_000, split: 'amount', discount: false }, 'INSUFFICIENT_CREDIT').member !== undefined, true, 'with whose figures')
  s.do(s.founder, { type: 'RejectCommitment', member: carla.id, purchase: p })
  t.is(s.credit(carla), 5_000, 'a rejected commitment is refunded with its shares')
  s.do(s.founder, { type: 'ApproveCommitment', member: bruno.id, purchase: p })
  s.do(s.founder, { type: 'VoteClosePurchase', purchase: p })
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'applied')
  t.is(costsBorne(s.state.purchases.get(p)!, s.state.statements), 300 - 50 - odd, 'what Bruno\'s paid commitment bore: his transport less his discount')
})

test('Book: each rule over every line, in SPEC order; a delivery without a price keeps the booked one; BOOKINGS_OPEN before PURCHASE_NOT_OPEN', (t) => {
  const { s, bruno, p } = setUp()
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: p, products: [honey, apples, cheese, bread] }), 'applied')
  const book = (lines: LineSpec[]): string => s.do(s.founder, { type: 'Book', member: bruno.id, purchase: p, lines })
  t.is(book([{ product: 'pane', qtyMilli: 1000 }, { product: 'nessuno', qtyMilli: 1000 }]), 'UNKNOWN_PRODUCT', 'a product unknown on a later line comes before no price on the first')
  t.is(book([{ product: 'miele-500', qtyMilli: 7000 }, { product: 'mele', qtyMilli: 500 }]), 'BELOW_MIN', 'below the minimum before above the most')
  t.is(book([{ product: 'toma', qtyMilli: 3500 }, { product: 'mele', qtyMilli: 1200 }]), 'NOT_MULTIPLE', 'not a multiple before sold out')
  t.is(book([{ product: 'mele', qtyMilli: 2000 }]), 'applied')
  t.is(s.do(s.founder, { type: 'SetPrice', purchase: p, product: 'mele', priceCents: 299 }), 'applied')
  t.is(s.credit(bruno), 10_000 - 498, 'the booking keeps its price...')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'ApproveCommitment', purchase: p, member: bruno.id }), 'applied')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'mele', qtyMilli: 2000 }] }), 'applied')
  t.is(s.credit(bruno), 10_000 - 498, '...delivered without a price: as booked, as the page\'s delivery form says')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'mele', qtyMilli: 2000, priceCents: 299 }] }), 'applied')
  t.is(s.credit(bruno), 10_000 - 598, 'or at the price the delivery gives')
  const q = s.open(s.founder, 'Fallito')
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: q, products: [apples] }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteFailPurchase', purchase: q }), 'applied')
  t.is(s.do(s.founder, { type: 'FailPurchase', purchase: q }), 'applied')
  t.is(s.do(s.founder, { type: 'Deliver', purchase: q, member: bruno.id, lines: [] }), 'BOOKINGS_OPEN', 'bookings closed is checked before the purchase is open')
})

test('a purchase is found by the first characters of its name, in any case, when they name one open purchase', (t) => {
  const s = new Season()
  const dic = s.open(s.founder, 'Cascina Dicembre')
  s.open(s.founder, 'Cascina Gennaio')
  t.is(resolvePurchase(s.state, 'cascina dic'), dic)
  t.is(resolvePurchase(s.state, 'CASCINA DICEMBRE'), dic)
  t.exception(() => resolvePurchase(s.state, 'cascina'), /NOT_FOUND/, 'two open purchases begin so')
  // The same name every month: the open one is the one meant; once none is open, the id says which.
  const first = s.open(s.founder, 'Olio')
  s.do(s.founder, { type: 'VoteFailPurchase', purchase: first })
  s.do(s.founder, { type: 'FailPurchase', purchase: first })
  const second = s.open(s.founder, 'Olio')
  t.is(resolvePurchase(s.state, 'olio'), second, 'the open one of the same name')
  s.do(s.founder, { type: 'VoteFailPurchase', purchase: second })
  s.do(s.founder, { type: 'FailPurchase', purchase: second })
  try {
    resolvePurchase(s.state, 'Olio')
    t.fail('two purchases of one name, none open: one was guessed')
  } catch (err) {
    t.alike((err as HypergasError).details, { variant: 'purchases', input: 'Olio', candidates: [`Olio (${first.slice(0, 8)})`, `Olio (${second.slice(0, 8)})`], matches: 2 }, 'both named, with their ids')
  }
  t.is(resolvePurchase(s.state, second.slice(0, 8)), second, 'and the id finds it')
})

test('CloseBookings on a free-amount purchase: no more Commit nor catalogue; the owner still adjusts, approves and closes; a checkpoint keeps it', (t) => {
  const { s, bruno, carla, p } = setUp()
  t.is(s.do(bruno, { type: 'Commit', member: bruno.id, cents: 1200, purchase: p }), 'applied')
  const before = stateHash(s.state)
  t.is(s.do(bruno, { type: 'CloseBookings', purchase: p }), 'NOT_OWNER')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: p }), 'applied')
  t.not(stateHash(s.state), before, 'the state hash tells a closed purchase from an open one')
  t.is(s.do(carla, { type: 'Commit', member: carla.id, cents: 500, purchase: p }), 'BOOKINGS_CLOSED', 'no more commitments')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: p }), 'BOOKINGS_CLOSED', 'once')
  const empty = s.open(s.founder, 'Vuoto')
  t.is(s.do(s.founder, { type: 'CloseBookings', purchase: empty }), 'applied')
  t.is(s.do(s.founder, { type: 'AddProducts', purchase: empty, products: [apples] }), 'BOOKINGS_CLOSED', 'nor a catalogue after it')
  t.is(s.do(s.founder, { type: 'AdjustCommitment', member: bruno.id, purchase: p, cents: 1100 }), 'applied', 'the owner corrects a commitment to the invoice')
  t.is(s.do(s.founder, { type: 'ApproveCommitment', member: bruno.id, purchase: p }), 'applied')
  const copy = decodeFinal(encodeFinal({ state: s.state, log: new LogColumns() })).state
  t.is(copy.purchases.get(p)!.commitsClosed, true, 'a checkpoint keeps the close')
  t.is(stateHash(copy), stateHash(s.state))
  t.is(s.do(s.founder, { type: 'VoteClosePurchase', purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'applied')
  t.is(s.credit(bruno), 10_000 - 1100)
})
