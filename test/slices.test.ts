// Issue 18 item 5: the checkpoint's state is encoded and hashed in slices (src/slices.ts) so a
// node keeps serving while it writes. Sliced or not, the bytes and the hash must be the same, and
// the same as one rendering of the whole state (the state hash's definition, SPEC §5).
import test from 'brittle'
import { createHash } from 'node:crypto'
import { setImmediate as turn } from 'node:timers/promises'
import { finishedStateHashSteps, stateHash, stateHashSteps } from '../src/fold/hash.js'
import { createState, type GroupState, type Movement, type MovementKind, type OrderLine } from '../src/fold/state.js'
import type { ActId, MemberId } from '../src/ids.js'
import { decodeBlockEntries } from '../src/merge/entries.js'
import { Graph } from '../src/merge/graph.js'
import { replay } from '../src/merge/replay.js'
import { decodeFinal, encodeFinal, encodeFinalSteps } from '../src/node/storage/statecodec.js'
import { drain, drainInSlices, type Steps } from '../src/slices.js'
import { season } from './bench/data.js'

/** Counts its steps and returns how many there were. */
function* counting (n: number): Steps<number> {
  for (let i = 0; i < n; i++) yield
  return n
}

test('drain and drainInSlices give the same result; drainInSlices gives the event loop turns', async (t) => {
  t.is(drain(counting(1000)), 1000)
  let turns = 0
  let running = true
  const ticker = async (): Promise<void> => { while (running) { await turn(); turns++ } }
  const ticking = ticker()
  t.is(await drainInSlices(counting(1000), 0), 1000)
  running = false
  await ticking
  t.ok(turns >= 100, `the event loop turned ${turns} times meanwhile`)
})

const byKey = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
const sorted = (s: Set<string>): string[] => [...s].sort()
const line = (l: OrderLine): [string, number, number] => [l.product, l.qtyMilli, l.priceCents]

/**
 * The state hash's definition, naively (SPEC §5): SHA-256 of one JSON rendering of the whole
 * canonical form, built at once (as hash.ts did before it streamed).
 */
function referenceHash (s: GroupState): string {
  return createHash('sha256').update(JSON.stringify(canonical(s))).digest('hex')
}

function canonical (s: GroupState): unknown {
  return {
    groupId: s.groupId,
    groupName: s.groupName,
    founder: s.founder,
    members: byKey(s.members).map(([, m]) => [m.id, m.name, m.creditCents]),
    referenti: sorted(s.referenti),
    cassieri: sorted(s.cassieri),
    cash: byKey(s.cash),
    tallies: byKey(s.tallies).map(([k, t]) => [k, sorted(t.voters)]),
    purchases: byKey(s.purchases).map(([, p]) => [
      p.id, p.name, p.supplier ?? null, p.notes ?? null, p.owner, p.phase, p.paidCents,
      byKey(p.commitments).map(([, c]) => [c.member, c.amountCents, c.status]),
      sorted(p.closeVotes), sorted(p.failVotes),
      // Orders by product (SPEC §4.5) only where there are: free-amount purchases hash as before.
      ...(p.order === undefined ? [] : [[
        byKey(p.order.products).map(([, x]) => [x.key, x.name, x.unit, x.priceCents, x.packageQty ?? null, x.minQtyMilli ?? null, x.mulQtyMilli ?? null, x.maxQtyMilli ?? null, x.availableQtyMilli ?? null, x.weighed === true, x.category ?? null, x.description ?? null]),
        p.order.bookingsOpen,
        byKey(p.order.bookings).map(([m, b]) => [m, b.lines.map(line), b.delivered?.map(line) ?? null, b.costCents]),
        p.order.costs.map((x) => [x.actId, x.label, x.cents, x.split])
      ]]),
      ...(p.dates === undefined ? [] : [['dates', p.dates.closesAtMs, p.dates.deliveryAtMs]])
    ]),
    rejections: s.rejections.map((r) => [r.actId, r.code]),
    statements: byKey(s.statements).map(([k, l]) => [k, l.map((m) => [m.actId, m.kind, m.deltaCents])]),
    cashMovements: byKey(s.cashMovements).map(([k, l]) => [k, l.map((m) => [m.actId, m.kind, m.deltaCents])]),
    // Limits and transfers (SPEC §4.6) only where there are: older states hash as before.
    ...(s.limits.size === 0 ? {} : { limits: byKey(s.limits).map(([k, l]) => [k, l.overdraftCents, l.ceilingCents]) }),
    ...(s.transfers.size === 0 ? {} : { transfers: byKey(s.transfers).map(([, x]) => [x.id, x.from, x.to, x.cents, x.memo, x.initiator, x.status]) }),
    // The directory (SPEC §4.7) only where there is one.
    ...(s.suppliers.size === 0 ? {} : { suppliers: byKey(s.suppliers).map(([, x]) => [x.id, x.name, x.vatNumber ?? null, x.contacts ?? null, x.categories, x.notes ?? null]) }),
    ...(s.listings.size === 0 ? {} : { listings: byKey(s.listings).map(([k, l]) => [k, l.offers, l.wants]) }),
    applied: s.appliedCount,
    rejected: s.rejectedCount
  }
}

test('a season of 5,000 acts: sliced encoding and hashing equal the whole ones, and decode back', async (t) => {
  const s = season(5_000, 11)
  const g = new Graph()
  for (const [feed, list] of s.feeds) list.forEach((b, i) => { const d = decodeBlockEntries(b, feed, s.groupId); g.add(feed, i, d.block, d.entries, d.hash) })
  const r = replay(g, { groupId: s.groupId, founder: s.founder })
  const part = { state: r.confirmed, log: r.resume.log, count: r.finalCount }
  const whole = encodeFinal(part)
  const sliced = await drainInSlices(encodeFinalSteps(part), 0)
  t.ok(whole.equals(sliced), `${whole.length} bytes, the same sliced`)
  const back = decodeFinal(whole)
  t.is(stateHash(back.state), stateHash(part.state), 'decodes to a state with the same hash')
  t.is(back.log.length, part.log.length, 'and the same final log length')
  const hash = stateHash(part.state)
  t.is(await drainInSlices(stateHashSteps(part.state), 0), hash, 'the state hash, sliced')
  t.is(drain(finishedStateHashSteps(part.state)), hash, 'the finished state hash, in steps')
  t.is(hash, referenceHash(part.state), 'the streamed rendering hashes like one rendering of the whole state')
  // A list over 1,024 movements is rendered in several steps (src/fold/hash.ts): covered above.
  t.ok([...part.state.cashMovements.values()].reduce((a, l) => Math.max(a, l.length), 0) > 1024, 'a cash movement list long enough for two steps')
})

test('state hash: movement lists of every length around a step of 1,024 render as one rendering would', (t) => {
  const s = createState()
  const id = (n: number): string => n.toString(16).padStart(64, '0')
  let act = 0
  // Every kind (the object names each one, or it does not compile): the hash writes them unescaped.
  const every: { [K in MovementKind]: 0 } = { deposit: 0, withdraw: 0, commit: 0, adjust: 0, 'refund-rejected': 0, 'refund-failed': 0, 'settle-in': 0, 'settle-out': 0, 'supplier-payment': 0, booking: 0, delivery: 0, cost: 0, 'transfer-in': 0, 'transfer-out': 0 }
  const kinds = Object.keys(every) as MovementKind[]
  const list = (n: number): Movement[] => Array.from({ length: n }, (_, i) => ({ actId: id(++act) as ActId, kind: kinds[i % kinds.length], deltaCents: i % 2 === 0 ? i : -i, balanceCents: 0 }))
  const empty = createState()
  for (const n of [0, 1, 1023, 1024, 1025, 2048, 3000]) {
    s.statements.set(id(1_000_000 + n) as MemberId, list(n))
    empty.statements.set(id(1_000_000 + n) as MemberId, [])
  }
  s.cashMovements.set(id(7) as MemberId, list(2048))
  empty.cashMovements.set(id(7) as MemberId, [])
  t.is(stateHash(s), referenceHash(s), 'the same hash')
  const steps = (x: GroupState): number => { let n = 0; for (const it = stateHashSteps(x); it.next().done !== true;) n++; return n }
  // One more step per full 1,024 movements: 1 + 1 + 2 + 2 of the statements, 2 of the cash list.
  t.is(steps(s) - steps(empty), 8, 'the long lists are cut every 1,024 movements')
})
