// SPEC §5: the same blocks delivered in random orders give the same order and state hash;
// causality holds; the result matches a naive reference (compute L, sort everything, fold);
// the final prefix only grows.
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { ActBody, SignedAct } from '../src/acts/types.js'
import { applyAct } from '../src/fold/fold.js'
import { stateHash } from '../src/fold/hash.js'
import { createState } from '../src/fold/state.js'
import type { GroupId, MemberId } from '../src/ids.js'
import { blockHash, decodeBlock, encodeBlock, type Block } from '../src/merge/block.js'
import { chainBlock, type FeedBytes } from './helpers/blocks.js'
import { decodeBlockEntries, decodeEntries } from '../src/merge/entries.js'
import { Graph } from '../src/merge/graph.js'
import { replay, type GroupRef } from '../src/merge/replay.js'
import { person, prng } from './helpers/fixtures.js'

interface Sim { g: GroupRef, feeds: Map<MemberId, Block[]>, acts: Map<string, SignedAct> }

/** Three writers exchanging blocks at random: a seeded history of `steps` blocks. */
function history (seed: number, steps: number): Sim {
  const rnd = prng(seed)
  const [a, b, c] = [person('anna'), person('bruno'), person('carla')]
  const genesis = createAct({ type: 'CreateGroup', name: 'G', founderName: 'Anna' }, { keyPair: a, timeMs: 0 })
  const group = genesis.id as GroupId
  const g: GroupRef = { groupId: group, founder: a.id }
  const feeds = new Map<MemberId, Block[]>([[a.id, []], [b.id, []], [c.id, []]])
  const encoded: FeedBytes = new Map()
  const seen = new Map<MemberId, Map<MemberId, number>>([[a.id, new Map()], [b.id, new Map()], [c.id, new Map()]])
  const acts = new Map<string, SignedAct>()
  let t = 0
  const sign = (kp: typeof a, body: ActBody): Buffer => {
    const x = createAct(body, { group, keyPair: kp, timeMs: ++t })
    acts.set(x.id, x)
    return x.bytes
  }
  const write = (kp: typeof a, bytes: Buffer[]): void => {
    feeds.get(kp.id)!.push(decodeBlock(chainBlock(encoded, kp.id, seen.get(kp.id)!, bytes), kp.id))
  }
  const sync = (who: MemberId): void => {
    for (const [f, blocks] of feeds) if (f !== who && rnd() < 0.7) seen.get(who)!.set(f, blocks.length)
  }
  write(a, [genesis.bytes, sign(a, { type: 'VoteRegisterMember', name: 'Bruno', member: b.id }), sign(a, { type: 'VoteElectCassiere', member: b.id }),
    sign(a, { type: 'VoteRegisterMember', name: 'Carla', member: c.id }), sign(a, { type: 'VoteElectReferente', member: c.id })])
  const writers = [a, b, c]
  for (const w of writers) sync(w.id)
  seen.get(b.id)!.set(a.id, 1); seen.get(c.id)!.set(a.id, 1)
  for (let i = 0; i < steps; i++) {
    const w = writers[Math.floor(rnd() * 3)]
    sync(w.id)
    const m = writers[Math.floor(rnd() * 3)].id
    const r = rnd()
    const bytes = r < 0.2 ? [] : r < 0.7 ? [sign(w, { type: 'Deposit', member: m, cents: 1 + Math.floor(rnd() * 500) })]
      : r < 0.85 ? [sign(w, { type: 'Withdraw', member: m, cents: 1 + Math.floor(rnd() * 300), reason: '' })]
        : [sign(w, { type: 'OpenPurchase', name: `P${Math.floor(rnd() * 5)}` })]
    write(w, bytes)
  }
  return { g, feeds, acts }
}

/** Delivers every block to a new graph, feeds interleaved at random (each feed in order). */
function deliver (sim: Sim, seed: number): Graph {
  const rnd = prng(seed)
  const graph = new Graph()
  const next = new Map([...sim.feeds.keys()].map((k) => [k, 0]))
  const keys = [...sim.feeds.keys()]
  for (;;) {
    const open = keys.filter((k) => next.get(k)! < sim.feeds.get(k)!.length)
    if (open.length === 0) break
    const k = open[Math.floor(rnd() * open.length)]
    const i = next.get(k)!
    const bytes = encodeBlock(sim.feeds.get(k)![i])
    const d = decodeBlockEntries(bytes, k, sim.g.groupId)
    graph.add(k, i, d.block, d.entries, d.hash)
    next.set(k, i + 1)
  }
  return graph
}

/** Naive reference: L by recursion, sort all blocks, fold with the writer rule. */
function reference (sim: Sim): { order: string[], hash: string } {
  const L = new Map<string, number>()
  const key = (f: MemberId, i: number): string => `${f}:${i}`
  const lOf = (f: MemberId, i: number): number => {
    const k = key(f, i)
    if (L.has(k)) return L.get(k)!
    let best = i > 0 ? lOf(f, i - 1) : 0
    for (const l of sim.feeds.get(f)![i].links) best = Math.max(best, lOf(l.feed, l.length - 1))
    L.set(k, best + 1)
    return best + 1
  }
  const all: Array<{ f: MemberId, i: number, L: number }> = []
  for (const [f, blocks] of sim.feeds) blocks.forEach((_, i) => all.push({ f, i, L: lOf(f, i) }))
  all.sort((x, y) => x.L - y.L || (x.f < y.f ? -1 : x.f > y.f ? 1 : x.i - y.i))
  const s = createState()
  const order: string[] = []
  for (const n of all) {
    const writer = s.groupId === null ? n.f === sim.g.founder && n.i === 0 : s.admins.has(n.f)
    for (const bytes of sim.feeds.get(n.f)![n.i].acts) {
      const e = decodeEntries([bytes], sim.g.groupId, n.f)[0]
      if (!e.ok) continue
      order.push(e.act.id)
      if (writer) applyAct(s, e.act)
    }
  }
  return { order, hash: stateHash(s) }
}

test('random delivery orders give one order and one state hash, equal to the reference', (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const sim = history(seed, 150)
    const ref = reference(sim)
    const hashes = new Set<string>()
    for (let d = 0; d < 6; d++) {
      const r = replay(deliver(sim, seed * 100 + d), sim.g)
      hashes.add(stateHash(r.state))
      t.alike(r.log.map((e) => e.actId), ref.order, `seed ${seed} delivery ${d}: order matches the reference`)
    }
    t.is(hashes.size, 1, `seed ${seed}: one state hash`)
    t.is([...hashes][0], ref.hash, `seed ${seed}: the reference's state hash`)
  }
})

test('causality: every block comes after its previous block and every linked block', (t) => {
  const sim = history(9, 200)
  const graph = deliver(sim, 9)
  const pos = new Map(graph.order().map((n, i) => [`${n.feed}:${n.index}`, i]))
  let bad = 0
  for (const n of graph.order()) {
    const me = pos.get(`${n.feed}:${n.index}`)!
    if (n.index > 0 && pos.get(`${n.feed}:${n.index - 1}`)! > me) bad++
    for (const l of n.links) if (pos.get(`${l.feed}:${l.length - 1}`)! > me) bad++
  }
  t.is(bad, 0)
  t.is(graph.order().length, [...sim.feeds.values()].reduce((s, b) => s + b.length, 0), 'every block usable')
})

/**
 * Adds to `graph` the next block (by `next`, per feed) of a feed chosen at random that has one
 * left; false when every block was delivered.
 */
function deliverOne (sim: Sim, graph: Graph, next: Map<MemberId, number>, rnd: () => number): boolean {
  const open = [...next.keys()].filter((k) => next.get(k)! < sim.feeds.get(k)!.length)
  if (open.length === 0) return false
  const k = open[Math.floor(rnd() * open.length)]
  const i = next.get(k)!
  const block = sim.feeds.get(k)![i]
  graph.add(k, i, block, decodeEntries(block.acts, sim.g.groupId, k), blockHash(encodeBlock(block)))
  next.set(k, i + 1)
  return true
}

test('the final prefix only grows as blocks arrive, and never changes', (t) => {
  const sim = history(11, 200)
  const graph = new Graph()
  let prev: string[] = []
  const rnd = prng(11)
  const next = new Map([...sim.feeds.keys()].map((k) => [k, 0]))
  while (deliverOne(sim, graph, next, rnd)) {
    const r = replay(graph, sim.g)
    const fin = r.log.slice(0, r.finalCount).map((e) => `${e.actId}:${e.status}`)
    t.alike(fin.slice(0, prev.length), prev, 'final prefix kept') // brittle counts these; fine
    if (fin.length < prev.length) t.fail('final prefix shrank')
    prev = fin
  }
  t.ok(prev.length > 0, `final acts at the end: ${prev.length}`)
})

test('a block linking to blocks that never arrive is never used', (t) => {
  const sim = history(3, 20)
  const graph = deliver(sim, 3)
  const a = sim.g.founder
  const ghost = person('ghost').id
  const i = graph.receivedLength(a)
  graph.addFeed(ghost)
  const block: Block = { prev: graph.latest(a)!.hash, links: [{ feed: ghost, length: 5, hash: Buffer.alloc(32) }], acts: [] }
  graph.add(a, i, block, [], blockHash(encodeBlock(block)))
  t.is(graph.usableLength(a), i, 'waits for the missing block')
})

test('a resumed replay leaves every earlier replay as it was: log, state and confirmed state', (t) => {
  // Replays share final log entries (Resume.log, appended to) and movement lists (cloneState,
  // copied by the first change): what each earlier replay shows must not move when later
  // ones fold on. Each is compared, at the end, with a replay from scratch made at its time.
  const sim = history(12, 200)
  const graph = new Graph()
  const rnd = prng(12)
  const next = new Map([...sim.feeds.keys()].map((k) => [k, 0]))
  const key = (r: ReturnType<typeof replay>): string => JSON.stringify([r.finalCount, r.logLength, r.log.map((e) => [e.seq, e.actId, e.status, e.final]), stateHash(r.state), stateHash(r.confirmed)])
  const kept: Array<{ r: ReturnType<typeof replay>, expected: string }> = []
  let view: ReturnType<typeof replay> | null = null
  /** The replay before `view`, and the lowest new position since it: it can be resumed from too. */
  let older: ReturnType<typeof replay> | null = null
  let lowSinceOlder = Infinity
  let resumed = 0
  let fromOlder = 0
  while (deliverOne(sim, graph, next, rnd)) {
    const low = graph.takeLowWater()
    const from = view !== null && low > view.resume.pos ? view.resume : undefined
    if (from !== undefined) resumed++
    const expected = key(replay(graph, sim.g))
    // Resuming from an older replay, whose final log a later one has extended since: it must
    // take that log's first entries only.
    if (older !== null && Math.min(lowSinceOlder, low) > older.resume.pos) {
      kept.push({ r: replay(graph, sim.g, older.resume), expected })
      fromOlder++
    }
    lowSinceOlder = low
    older = view
    view = replay(graph, sim.g, from)
    kept.push({ r: view, expected })
  }
  t.ok(resumed > 50 && fromOlder > 50, `${resumed} replays resumed from the last, ${fromOlder} from the one before`)
  t.ok(kept.every(({ r, expected }) => key(r) === expected), 'every replay, read after all the later ones, equals a replay from scratch at its time')
})
