/**
 * Block DAGs for the bounded exhaustive checker (issue 13): a group of 3 or 4 writers who are
 * admins, fixed first blocks (the founder's genesis, which elects the others as the simulation
 * does), then blocks chosen from a small alphabet, each with every possible view of what its
 * author had seen. Every DAG is produced once: the generation order of the chosen blocks must be
 * the greedy topological order that always takes the available block of the smallest writer.
 *
 * Writers are W0 (founder: referente and cassiere), W1 (cassiere), W2 (referente), W3 (cassiere,
 * with --writers 4: the founder's vote and a fixed block W1:0 with W1's vote elect them). Member M
 * is registered and holds no role. Contents of a chosen block:
 *
 *   a    acknowledgement (no acts)
 *   d    Deposit for M (rejected NOT_CASSIERE when the author is not a cassiere: still an act)
 *   rT   vote to revoke writer T: VoteRevokeReferente for W2, VoteRevokeCassiere otherwise (for
 *        W0 that removes only one of the founder's two roles)
 *   eT   VoteElectCassiere for writer T (re-elects a removed writer; W2 gains a second role)
 *
 * A DAG is written compactly as `w3 k012 1a:1.0.0 2r1:1.1.0 ...`: writer count, key ranks (the
 * i-th digit is the rank of Wi's key among the writers' keys: the order breaks ties of L by key),
 * then every chosen block in generation order as writer, content, `:`, and for every writer the
 * number of its blocks the author had seen (its own entry is the block's index).
 */
import { createAct } from '../../src/acts/act.js'
import type { ActBody } from '../../src/acts/types.js'
import type { GroupId, MemberId } from '../../src/ids.js'
import { blockHash, encodeBlock, NO_PREV, type Link } from '../../src/merge/block.js'
import { decodeBlockEntries, type DecodedBlock } from '../../src/merge/entries.js'
import { Graph } from '../../src/merge/graph.js'
import type { GroupRef } from '../../src/merge/replay.js'
import { person } from '../helpers/fixtures.js'

type Person = ReturnType<typeof person>

/** One block of a DAG. */
export interface XBlock {
  /** Writer number (W0..W3) and index in its feed. */
  w: number
  i: number
  /** Content code ('g' genesis, 's' set-up, or one of the alphabet). */
  c: string
  /** What the author had seen: for every writer, how many of its blocks (own entry: i). */
  view: number[]
  /** Causal past, itself included: view with own entry i + 1. */
  clock: number[]
  /** Position in the generation order. */
  pos: number
  bytes: Buffer
  dec: DecodedBlock
}

const T0 = 1_700_000_000_000

/** The fixed part of every DAG of one shape: people, group, acts, first blocks. */
export class Universe {
  readonly people: Person[]
  readonly M: Person
  readonly g: GroupRef
  /** The writers' feed keys, by writer number. */
  readonly keys: MemberId[]
  /** Blocks of the fixed prefix (genesis and, with 4 writers, W1:0). */
  readonly fixed: number
  private readonly acts = new Map<string, Buffer>()
  private readonly genesisActs: Buffer[]

  /**
   * @param writers 3 or 4
   * @param ranks rank of each writer's key among the writers' keys (e.g. [0,1,2]: W0 smallest)
   */
  constructor (readonly writers: number, readonly ranks: number[]) {
    if (writers < 2 || writers > 4) throw new Error('writers: 2 to 4')
    if (ranks.length !== writers || [...ranks].sort().join('') !== [...Array(writers).keys()].join('')) throw new Error(`key ranks ${ranks.join('')} for ${writers} writers`)
    const sorted = Array.from({ length: writers }, (_, i) => person(`exhaustive-writer-${i}`)).sort((a, b) => (a.id < b.id ? -1 : 1))
    this.people = ranks.map((r) => sorted[r])
    this.keys = this.people.map((p) => p.id)
    this.M = person('exhaustive-member')
    const [w0] = this.people
    const genesis = createAct({ type: 'CreateGroup', name: 'Exhaustive', founderName: 'W0' }, { keyPair: w0, timeMs: T0 })
    this.g = { groupId: genesis.id as GroupId, founder: w0.id }
    const acts: Buffer[] = [genesis.bytes]
    this.people.forEach((p, i) => { if (i > 0) acts.push(this.sign(0, 0, { type: 'VoteRegisterMember', name: `W${i}`, member: p.id })) })
    acts.push(this.sign(0, 0, { type: 'VoteRegisterMember', name: 'M', member: this.M.id }))
    if (writers > 1) acts.push(this.sign(0, 0, { type: 'VoteElectCassiere', member: this.keys[1] }))
    if (writers > 2) acts.push(this.sign(0, 0, { type: 'VoteElectReferente', member: this.keys[2] }))
    if (writers > 3) acts.push(this.sign(0, 0, { type: 'VoteElectCassiere', member: this.keys[3] }))
    this.genesisActs = acts
    this.fixed = writers > 3 ? 2 : 1
  }

  private sign (w: number, i: number, body: ActBody, salt = 0): Buffer {
    return createAct(body, { group: this.g.groupId, keyPair: this.people[w], timeMs: T0 + 1 + w * 100_000 + i * 100 + salt }).bytes
  }

  /** The contents writer w may choose, expanded from kinds ('a', 'd', 'r', 'e', or e.g. 'r2'). */
  alphabet (w: number, kinds: string[]): string[] {
    const out: string[] = []
    for (const k of kinds) {
      if (k === 'r' || k === 'e') { for (let t = 0; t < this.writers; t++) if (t !== w) out.push(`${k}${t}`) } else if (/^[re]\d$/.test(k)) { if (Number(k[1]) !== w && Number(k[1]) < this.writers) out.push(k) } else if (k === 'a' || k === 'd') out.push(k)
      else throw new Error(`unknown content ${k}`)
    }
    return [...new Set(out)]
  }

  /** The acts of block (w, i) with content c. */
  actsOf (w: number, i: number, c: string): Buffer[] {
    if (c === 'g') return this.genesisActs
    if (c === 'a') return []
    const k = `${w}:${i}:${c}`
    let b = this.acts.get(k)
    if (b === undefined) {
      let body: ActBody
      if (c === 's') body = { type: 'VoteElectCassiere', member: this.keys[3] }
      else if (c === 'd') body = { type: 'Deposit', member: this.M.id, cents: 100 }
      else if (c[0] === 'r') {
        const t = Number(c.slice(1))
        body = t === 2 ? { type: 'VoteRevokeReferente', member: this.keys[t] } : { type: 'VoteRevokeCassiere', member: this.keys[t] }
      } else if (c[0] === 'e') body = { type: 'VoteElectCassiere', member: this.keys[Number(c.slice(1))] }
      else throw new Error(`unknown content ${c}`)
      b = this.sign(w, i, body, c.charCodeAt(0))
      this.acts.set(k, b)
    }
    return [b]
  }

  /** Whether the acts of content c would change anything (an acknowledgement does not). */
  static hasActs (c: string): boolean {
    return c !== 'a'
  }

  /** A new DAG holding the fixed blocks. */
  start (): Dag {
    const d = new Dag(this)
    d.push(0, 'g', Array(this.writers).fill(0))
    if (this.writers > 3) d.push(1, 's', [1, 0, 0, 0])
    return d
  }
}

/** A DAG being built (push/pop at the end, for the enumeration). */
export class Dag {
  readonly blocks: XBlock[] = []
  readonly feeds: XBlock[][]

  constructor (readonly u: Universe) {
    this.feeds = Array.from({ length: u.writers }, () => [])
  }

  len (w: number): number {
    return this.feeds[w].length
  }

  /** Appends block (w, next index) with content c and view; returns it. */
  push (w: number, c: string, view: number[]): XBlock {
    const i = this.len(w)
    if (view[w] !== i) throw new Error(`view of W${w}:${i} names ${view[w]} own blocks`)
    const links: Link[] = []
    for (let v = 0; v < view.length; v++) {
      if (v === w || view[v] === 0) continue
      if (view[v] > this.len(v)) throw new Error(`W${w}:${i} sees ${view[v]} blocks of W${v}, which has ${this.len(v)}`)
      links.push({ feed: this.u.keys[v], length: view[v], hash: this.feeds[v][view[v] - 1].dec.hash })
    }
    const prev = i === 0 ? NO_PREV : this.feeds[w][i - 1].dec.hash
    const bytes = encodeBlock({ prev, links, acts: this.u.actsOf(w, i, c) })
    const dec = decodeBlockEntries(bytes, this.u.keys[w], this.u.g.groupId)
    if (!dec.hash.equals(blockHash(bytes))) throw new Error('hash')
    const clock = [...view]
    clock[w] = i + 1
    const b: XBlock = { w, i, c, view: [...view], clock, pos: this.blocks.length, bytes, dec }
    this.blocks.push(b)
    this.feeds[w].push(b)
    return b
  }

  pop (): void {
    const b = this.blocks.pop()!
    this.feeds[b.w].pop()
  }

  /** Current lengths of every feed. */
  lengths (): number[] {
    return this.feeds.map((f) => f.length)
  }

  /** True when holding the first `lens[v]` blocks of every feed v satisfies every link. */
  downClosed (lens: number[]): boolean {
    for (let v = 0; v < lens.length; v++) {
      if (lens[v] === 0) continue
      const c = this.feeds[v][lens[v] - 1].clock
      for (let u = 0; u < lens.length; u++) if (c[u] > lens[u]) return false
    }
    return true
  }

  /** Compact text of the DAG (see the file comment). */
  toString (): string {
    return [`w${this.u.writers}`, `k${this.u.ranks.join('')}`, ...this.blocks.slice(this.u.fixed).map((b) => `${b.w}${b.c}:${b.view.join('.')}`)].join(' ')
  }

  /** A graph holding the first lens[v] blocks of each feed, added in the given order of blocks. */
  graph (held: XBlock[]): Graph {
    const g = new Graph()
    for (const b of held) g.add(this.u.keys[b.w], b.i, b.dec.block, b.dec.entries, b.dec.hash)
    return g
  }

  /** The held blocks (first lens[v] of each feed) in generation order (each usable at once). */
  held (lens: number[]): XBlock[] {
    return this.blocks.filter((b) => b.i < lens[b.w])
  }
}

const universes = new Map<string, Universe>()

/** The universe of a shape (cached: signing the genesis acts costs). */
export function universe (writers: number, ranks: number[]): Universe {
  const k = `${writers}:${ranks.join('')}`
  let u = universes.get(k)
  if (u === undefined) universes.set(k, (u = new Universe(writers, ranks)))
  return u
}

/**
 * Builds the DAG of a compact text (see {@link Dag.toString}) block by block, calling visit on
 * the fixed DAG and after every block (as the enumeration visits a DAG after its parent).
 */
export function walkDag (text: string, visit: (d: Dag) => void = () => {}): Dag {
  const [w, k, ...rest] = text.trim().split(/\s+/)
  if (!/^w\d$/.test(w) || !/^k\d+$/.test(k)) throw new Error(`not a DAG: ${text}`)
  const d = universe(Number(w.slice(1)), [...k.slice(1)].map(Number)).start()
  visit(d)
  for (const t of rest) {
    const m = /^(\d)([a-z]\d?):([\d.]+)$/.exec(t)
    if (m === null) throw new Error(`bad block ${t}`)
    d.push(Number(m[1]), m[2], m[3].split('.').map(Number))
    visit(d)
  }
  return d
}

/** Enumeration bounds. */
export interface Bounds {
  /** Chosen blocks after the fixed ones. */
  blocks: number
  /** Most chosen blocks carrying acts (Infinity: no limit). */
  acts: number
  /** Content kinds (see {@link Universe.alphabet}). */
  kinds: string[]
  /** Writers other than the founder must have seen the genesis (default true). */
  requireGenesis: boolean
}

/**
 * Every view writer w may write its next block with: a set of blocks closed under links that
 * contains the whole own feed and at least what w's previous block saw.
 */
export function views (d: Dag, w: number, requireGenesis: boolean): number[][] {
  const n = d.u.writers
  const lens = d.lengths()
  const floor = d.len(w) === 0 ? Array(n).fill(0) : [...d.feeds[w][d.len(w) - 1].clock]
  if (requireGenesis && floor[0] === 0 && lens[0] > 0) floor[0] = 1
  floor[w] = lens[w]
  const out: number[][] = []
  const cur = [...floor]
  const rec = (v: number): void => {
    if (v === n) { if (d.downClosed(cur)) out.push([...cur]); return }
    if (v === w) { rec(v + 1); return }
    for (let x = floor[v]; x <= lens[v]; x++) { cur[v] = x; rec(v + 1) }
    cur[v] = floor[v]
  }
  rec(0)
  return out
}

/**
 * True when a block of w with this view may come next in the canonical generation order: every
 * chosen block after the last block it depends on has a smaller writer (otherwise the greedy order
 * would have taken the new block first).
 */
export function canonicalNext (d: Dag, w: number, view: number[]): boolean {
  let p = -1
  for (let v = 0; v < view.length; v++) if (view[v] > 0) p = Math.max(p, d.feeds[v][view[v] - 1].pos)
  for (let q = Math.max(p + 1, d.u.fixed); q < d.blocks.length; q++) if (d.blocks[q].w > w) return false
  return true
}

/**
 * Depth-first enumeration: calls visit(d) on every DAG within the bounds (the fixed one first),
 * with its newest block last. visit returning false stops the enumeration.
 */
export function enumerate (u: Universe, bounds: Bounds, visit: (d: Dag) => boolean, sample?: () => boolean): boolean {
  const d = u.start()
  const alphabets = Array.from({ length: u.writers }, (_, w) => u.alphabet(w, bounds.kinds))
  const rec = (depth: number, acts: number): boolean => {
    if (!visit(d)) return false
    if (depth === bounds.blocks) return true
    for (let w = 0; w < u.writers; w++) {
      for (const view of views(d, w, bounds.requireGenesis)) {
        if (!canonicalNext(d, w, view)) continue
        for (const c of alphabets[w]) {
          const withActs = Universe.hasActs(c)
          if (withActs && acts >= bounds.acts) continue
          if (sample !== undefined && !sample()) continue
          d.push(w, c, view)
          const go = rec(depth + 1, acts + (withActs ? 1 : 0))
          d.pop()
          if (!go) return false
        }
      }
    }
    return true
  }
  return rec(0, 0)
}

/**
 * One random DAG of `blocks` chosen blocks (uniform choice at each step among the canonical
 * continuations), visiting each prefix DAG on the way as {@link enumerate} would.
 */
export function randomPath (u: Universe, bounds: Bounds, rnd: () => number, visit: (d: Dag) => boolean): boolean {
  const d = u.start()
  const alphabets = Array.from({ length: u.writers }, (_, w) => u.alphabet(w, bounds.kinds))
  let acts = 0
  if (!visit(d)) return false
  for (let depth = 0; depth < bounds.blocks; depth++) {
    const options: Array<[number, number[], string]> = []
    for (let w = 0; w < u.writers; w++) {
      for (const view of views(d, w, bounds.requireGenesis)) {
        if (!canonicalNext(d, w, view)) continue
        for (const c of alphabets[w]) if (!Universe.hasActs(c) || acts < bounds.acts) options.push([w, view, c])
      }
    }
    if (options.length === 0) break
    const [w, view, c] = options[Math.floor(rnd() * options.length)]
    d.push(w, c, view)
    if (Universe.hasActs(c)) acts++
    if (!visit(d)) return false
  }
  return true
}
