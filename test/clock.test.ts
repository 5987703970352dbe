// SPEC §5: every block's vector clock (src/merge/graph.ts, an array by the graph's feed numbers)
// counts, for every feed, exactly the blocks of that feed in the block's causal past, computed
// here the slow way (the closure over prev and links) on random DAGs whose feeds the graph meets
// one after another, with blocks that arrive before the blocks they link.
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { GroupId, MemberId } from '../src/ids.js'
import { decodeBlock, blockHash } from '../src/merge/block.js'
import { decodeBlockEntries } from '../src/merge/entries.js'
import { Graph, includes } from '../src/merge/graph.js'
import { replay } from '../src/merge/replay.js'
import { chainBlock, type FeedBytes } from './helpers/blocks.js'
import { person, prng } from './helpers/fixtures.js'

const SEED = 20261202

test('clocks: every block counts exactly its causal past, feed by feed', (t) => {
  t.comment(`seed ${SEED}`)
  const next = prng(SEED)
  const stranger = 'e'.repeat(64) as MemberId
  let checked = 0
  let bad = 0
  for (let round = 0; round < 40; round++) {
    const keys = Array.from({ length: 2 + Math.floor(next() * 5) }, (_, i) => `${String(round % 10)}${String(i)}`.padEnd(64, 'a') as MemberId)
    const feeds: FeedBytes = new Map()
    /** Per block (feed:index), the blocks it names directly: its previous one and its links' last blocks. */
    const names = new Map<string, string[]>()
    const written: Array<[MemberId, number, Buffer]> = []
    for (let b = 0; b < 60; b++) {
      // A feed starts writing only once the ones before it have: the graph meets feeds late.
      const writer = keys[Math.floor(next() * Math.min(keys.length, 1 + Math.floor(b / 8)))]
      const own = feeds.get(writer)?.length ?? 0
      const lengths = keys.filter((k) => k !== writer && (feeds.get(k)?.length ?? 0) > 0 && next() < 0.6).map((k) => [k, 1 + Math.floor(next() * feeds.get(k)!.length)] as const)
      const bytes = chainBlock(feeds, writer, lengths, [])
      names.set(`${writer}:${own}`, [...(own > 0 ? [`${writer}:${own - 1}`] : []), ...lengths.map(([k, n]) => `${k}:${n - 1}`)])
      written.push([writer, own, bytes])
    }
    // Feeds are handed to the graph in a random order, each in index order.
    const g = new Graph()
    const order = [...keys].sort(() => next() - 0.5)
    for (const k of order) feeds.get(k)?.forEach((bytes, i) => g.add(k, i, decodeBlock(bytes, k), [], blockHash(bytes)))
    const past = new Map<string, Set<string>>()
    const pastOf = (b: string): Set<string> => {
      let p = past.get(b)
      if (p !== undefined) return p
      p = new Set([b])
      for (const x of names.get(b)!) for (const y of pastOf(x)) p.add(y)
      past.set(b, p)
      return p
    }
    for (const [writer, index] of written) {
      const n = g.node(writer, index)!
      const want = new Map<MemberId, number>()
      for (const x of pastOf(`${writer}:${index}`)) {
        const [k, i] = x.split(':')
        want.set(k as MemberId, Math.max(want.get(k as MemberId) ?? 0, Number(i) + 1))
      }
      const got = new Map<MemberId, number>()
      n.clock.forEach((k, len) => got.set(k, len))
      const same = got.size === want.size && [...want].every(([k, len]) => got.get(k) === len && n.clock.get(k) === len)
      const absent = keys.every((k) => want.has(k) || n.clock.get(k) === 0) && n.clock.get(stranger) === 0
      const incl = [...want].every(([k, len]) => includes(n, k, len - 1) && !includes(n, k, len))
      if (!(same && absent && incl)) bad++
      checked++
    }
  }
  t.is(checked, 40 * 60, 'every block usable')
  t.is(bad, 0, 'every clock is its causal past: get, forEach, 0 for feeds outside it and feeds never met, includes')
})

test('clocks: the walk\'s seen lengths, which the checkpoint writes, do not depend on the order blocks arrived in', (t) => {
  // The founder's genesis, an empty block of two other feeds, then a founder's block linking both:
  // the graph numbers B and C in the order their blocks arrive (the independent review's case).
  const a = person('clock-anna')
  const genesis = createAct({ type: 'CreateGroup', name: 'C', founderName: 'Anna' }, { keyPair: a, timeMs: 1 })
  const [b, c] = ['b'.repeat(64), 'c'.repeat(64)] as MemberId[]
  const feeds: FeedBytes = new Map()
  const a0 = chainBlock(feeds, a.id, [], [genesis.bytes])
  const b0 = chainBlock(feeds, b, [], [])
  const c0 = chainBlock(feeds, c, [], [])
  const a1 = chainBlock(feeds, a.id, [[b, 1], [c, 1]], [])
  const seenOf = (arrivals: Array<[MemberId, number, Buffer]>): string => {
    const g = new Graph()
    for (const [k, i, bytes] of arrivals) { const d = decodeBlockEntries(bytes, k, genesis.id as GroupId); g.add(k, i, d.block, d.entries, d.hash) }
    return JSON.stringify([...replay(g, { groupId: genesis.id as GroupId, founder: a.id }).resume.seen])
  }
  const one = seenOf([[a.id, 0, a0], [b, 0, b0], [c, 0, c0], [a.id, 1, a1]])
  const other = seenOf([[a.id, 0, a0], [c, 0, c0], [b, 0, b0], [a.id, 1, a1]])
  t.is(one, JSON.stringify([[b, 1], [c, 1]]), 'the founder\'s block saw one block of each, listed by key')
  t.is(other, one, 'the same when C\'s block arrives first')
})
