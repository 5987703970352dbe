/**
 * The block graph of all writer feeds a node holds (SPEC §5): causal completeness, the
 * receiver-computed L of every block, vector clocks, and the total order (L, writer key, index).
 * Pure data structure: no I/O, no clock. Blocks are added per feed in index order.
 *
 * A block is used only when its `prev` is the hash of the feed's previous block held here and
 * every link's hash is the hash of the linked block held here (SPEC §5 forks): a block that names
 * another branch of a feed is a {@link LinkConflict}, and it and the rest of its feed stay unused.
 */
import { hex, type FeedKey } from '../ids.js'
import { NO_PREV, type Block, type Link } from './block.js'
import type { ActEntry } from './entries.js'

/** A usable (causally complete) block with everything the order and finality need. */
export interface GraphNode {
  feed: FeedKey
  index: number
  /** 1 + max(L of previous block of the feed, L of every linked block). */
  L: number
  /** For every feed, how many of its blocks are in this block's causal past (itself included). */
  clock: Clock
  links: Link[]
  acts: ActEntry[]
  /** blockHash of the block's bytes (32 bytes): what later blocks' `prev` and links name. */
  hash: Buffer
}

/**
 * Fork evidence found in the graph (SPEC §5): block `by` names, for the first `length` blocks of
 * `feed`, a last block whose hash (`theirs`) is not the one this graph holds (`ours`); `feed` is
 * `by.feed` itself when its `prev` disagrees. Hashes in hex.
 */
export interface LinkConflict {
  by: { feed: FeedKey, index: number }
  feed: FeedKey
  length: number
  theirs: string
  ours: string
}

/** A block received but not usable yet: waiting for its previous block or a linked block. */
interface Pending {
  index: number
  block: Block
  acts: ActEntry[]
  hash: Buffer
}

interface Feed {
  /** Usable blocks, by index. */
  nodes: GraphNode[]
  /**
   * Received blocks past the usable ones, by index, from position `head`: a queue (shifting a
   * long array is linear, and a feed read before the feeds it links waits here whole).
   */
  pending: Pending[]
  head: number
  /**
   * Set when a block of this feed could not be decoded, or names another branch of a feed (a
   * {@link LinkConflict}): the feed stops there.
   */
  brokenAt: number | null
}

/**
 * The feeds of one graph numbered in the order their first block became usable: a block's clock
 * is an array by these numbers (a Map per block cost ~0.3 µs to copy and 200 bytes at 117,000
 * blocks). That order depends on the order blocks arrived in: nothing computed may depend on it.
 */
class FeedNumbers {
  readonly keys: FeedKey[] = []
  private readonly numbers = new Map<FeedKey, number>()

  numberOf (feed: FeedKey): number {
    let n = this.numbers.get(feed)
    if (n === undefined) this.numbers.set(feed, (n = this.keys.push(feed) - 1))
    return n
  }

  /** The number of `feed`, or -1 when the graph never met it. */
  find (feed: FeedKey): number {
    return this.numbers.get(feed) ?? -1
  }
}

/**
 * A block's vector clock (SPEC §5): for every feed, how many of its blocks are in the block's
 * causal past. Lengths are kept by the graph's feed numbers; a feed not in the past has 0.
 */
export class Clock {
  /** @param lengths by feed number ({@link FeedNumbers}); missing ones are 0 */
  constructor (private readonly feeds: FeedNumbers, private readonly lengths: number[]) {}

  /** How many blocks of `feed` are in the causal past (0 when none). */
  get (feed: FeedKey): number {
    const n = this.feeds.find(feed)
    return n < 0 ? 0 : this.lengths[n] ?? 0
  }

  /**
   * Calls `fn` for every feed with blocks in the causal past, in the order of the feeds' numbers
   * ({@link FeedNumbers}: it depends on arrival; callers take maxima, whose result does not).
   */
  forEach (fn: (feed: FeedKey, length: number) => void): void {
    const l = this.lengths
    for (let n = 0; n < l.length; n++) if (l[n] > 0) fn(this.feeds.keys[n], l[n])
  }

  /** The clock of a block whose causal past is this one's, the links' targets' and block `index` of `feed`. */
  static next (feeds: FeedNumbers, prev: Clock | undefined, targets: readonly Clock[], feed: FeedKey, index: number): Clock {
    const own = feeds.numberOf(feed)
    let size = Math.max(own + 1, prev?.lengths.length ?? 0)
    for (const t of targets) size = Math.max(size, t.lengths.length)
    // A copy of prev's array when it has every feed (the usual case): exactly sized.
    let lengths: number[]
    if (prev !== undefined && prev.lengths.length === size) lengths = prev.lengths.slice()
    else {
      lengths = []
      for (let n = 0; n < size; n++) lengths.push(prev?.lengths[n] ?? 0)
      lengths = lengths.slice() // exactly sized: push leaves room to grow
    }
    for (const t of targets) {
      const l = t.lengths
      for (let n = 0; n < l.length; n++) if (lengths[n] < l[n]) lengths[n] = l[n]
    }
    lengths[own] = index + 1
    return new Clock(feeds, lengths)
  }
}

/** Compares two nodes by the total order of SPEC §5: (L, writer key bytes, index). */
export function compareNodes (a: GraphNode, b: GraphNode): number {
  if (a.L !== b.L) return a.L - b.L
  if (a.feed !== b.feed) return a.feed < b.feed ? -1 : 1
  return a.index - b.index
}

/** The graph. */
export class Graph {
  private readonly feeds = new Map<FeedKey, Feed>()
  /** The feeds' numbers in the blocks' clocks. */
  private readonly numbers = new FeedNumbers()
  /** Usable nodes in total order. */
  private readonly sorted: GraphNode[] = []
  /** Grows by one whenever a node becomes usable. */
  version = 0
  /** Lowest position a node was inserted at since {@link takeLowWater} (Infinity: none). */
  private lowWater = Infinity
  private readonly found: LinkConflict[] = []
  /** Per member, the members' recovery votes (VoteRecover) they signed: against which admin, in which block. */
  private readonly recoveryVotes = new Map<string, Array<{ admin: string, node: GraphNode }>>()
  /**
   * Members who signed the members' recovery against two different admins in concurrent blocks
   * (neither in the other's causal past: docs/ordering.md §5, one vote on each side of a partition
   * lets both sides recover). Both recoveries may carry, the final prefix then need not only grow
   * as blocks arrive, and only a replay from scratch decides. Votes one after the other (X
   * recovered one year, Y the next) are not counted.
   */
  readonly doubleRecoveryVoters = new Set<string>()

  private feed (key: FeedKey): Feed {
    let f = this.feeds.get(key)
    if (f === undefined) this.feeds.set(key, (f = { nodes: [], pending: [], head: 0, brokenAt: null }))
    return f
  }

  /** Feed keys known to the graph, sorted. */
  feedKeys (): FeedKey[] {
    return [...this.feeds.keys()].sort()
  }

  /** Number of blocks received for `feed` (usable or pending). */
  receivedLength (feed: FeedKey): number {
    const f = this.feeds.get(feed)
    return f === undefined ? 0 : f.nodes.length + f.pending.length - f.head
  }

  /** Number of usable (causally complete) blocks of `feed`. */
  usableLength (feed: FeedKey): number {
    return this.feeds.get(feed)?.nodes.length ?? 0
  }

  /** The usable block `index` of `feed`, if any. */
  node (feed: FeedKey, index: number): GraphNode | undefined {
    return this.feeds.get(feed)?.nodes[index]
  }

  /** The latest usable block of `feed`, if any. */
  latest (feed: FeedKey): GraphNode | undefined {
    const n = this.feeds.get(feed)?.nodes
    return n === undefined ? undefined : n[n.length - 1]
  }

  /** Index where `feed` holds an undecodable block, or null. */
  brokenAt (feed: FeedKey): number | null {
    return this.feeds.get(feed)?.brokenAt ?? null
  }

  /** Fork evidence met so far, in the order it was found (do not mutate). */
  conflicts (): readonly LinkConflict[] {
    return this.found
  }

  /** Usable nodes in the total order (do not mutate). */
  order (): readonly GraphNode[] {
    return this.sorted
  }

  /**
   * The `prev` and links of the next block of `me` (SPEC §5): the hash of `me`'s latest block, and
   * every other feed's usable length (when > 0) with the hash of its last usable block.
   */
  frontier (me: FeedKey): { prev: Buffer, links: Link[] } {
    const links: Link[] = []
    for (const f of this.feedKeys()) {
      const last = f === me ? undefined : this.latest(f)
      if (last !== undefined) links.push({ feed: f, length: last.index + 1, hash: last.hash })
    }
    return { prev: this.latest(me)?.hash ?? NO_PREV, links }
  }

  /** Makes `feed` known (so links to it wait for its blocks). */
  addFeed (feed: FeedKey): void {
    this.feed(feed)
  }

  /**
   * Adds block `index` of `feed`, whose bytes hash to `hash` (blockHash). `index` must equal
   * {@link receivedLength}; anything else is a programmer error (the node reads feeds in order).
   */
  add (feed: FeedKey, index: number, block: Block, acts: ActEntry[], hash: Buffer): void {
    const f = this.feed(feed)
    if (index !== this.receivedLength(feed)) throw new Error(`graph: block ${index} of ${feed.slice(0, 8)} out of order`)
    if (f.brokenAt !== null) return
    f.pending.push({ index, block, acts, hash })
    this.settle()
  }

  /** Marks `feed` as broken at `index` (an undecodable block): nothing past it is used. */
  markBroken (feed: FeedKey, index: number): void {
    const f = this.feed(feed)
    if (f.brokenAt === null) f.brokenAt = index
  }

  /** Promotes pending blocks whose causal past is complete, until nothing moves. */
  private settle (): void {
    let progress = true
    while (progress) {
      progress = false
      for (const [key, f] of this.feeds) {
        while (f.brokenAt === null && f.head < f.pending.length && this.ready(f.pending[f.head].block.links)) {
          const p = f.pending[f.head]
          const conflict = this.conflict(key, f, p)
          if (conflict !== null) {
            f.brokenAt = p.index
            this.found.push(conflict)
            break
          }
          f.head++
          this.promote(key, f, p)
          progress = true
        }
        if (f.head === f.pending.length && f.head > 0) {
          f.pending = []
          f.head = 0
        }
      }
    }
  }

  private ready (links: Link[]): boolean {
    for (const l of links) {
      if (this.usableLength(l.feed) < l.length) return false
    }
    return true
  }

  /** The fork evidence in a ready block's `prev` or links, or null when they name blocks held here. */
  private conflict (key: FeedKey, f: Feed, p: Pending): LinkConflict | null {
    const prev = p.index === 0 ? NO_PREV : f.nodes[p.index - 1].hash
    if (!sameHash(prev, p.block.prev)) return { by: { feed: key, index: p.index }, feed: key, length: p.index, theirs: hex(p.block.prev), ours: hex(prev) }
    for (const l of p.block.links) {
      const ours = this.feeds.get(l.feed)!.nodes[l.length - 1].hash
      if (!sameHash(ours, l.hash)) return { by: { feed: key, index: p.index }, feed: l.feed, length: l.length, theirs: hex(l.hash), ours: hex(ours) }
    }
    return null
  }

  private promote (key: FeedKey, f: Feed, p: Pending): void {
    const prev = f.nodes[f.nodes.length - 1]
    let L = prev === undefined ? 0 : prev.L
    const targets: Clock[] = []
    for (const l of p.block.links) {
      const target = this.feeds.get(l.feed)!.nodes[l.length - 1]
      if (target.L > L) L = target.L
      targets.push(target.clock)
    }
    const clock = Clock.next(this.numbers, prev?.clock, targets, key, p.index)
    const node: GraphNode = { feed: key, index: p.index, L: L + 1, clock, links: p.block.links, acts: p.acts, hash: p.hash }
    f.nodes.push(node)
    for (const e of p.acts) if (e.ok && e.act.body.type === 'VoteRecover') this.recoveryVote(e.act.author, e.act.body.member, node)
    this.insertSorted(node)
    this.version++
  }

  private recoveryVote (author: string, admin: string, node: GraphNode): void {
    const votes = this.recoveryVotes.get(author) ?? []
    // (Blocks are promoted after their causal past: an earlier vote is never in this block's future.)
    if (votes.some((v) => v.admin !== admin && node.clock.get(v.node.feed) <= v.node.index)) this.doubleRecoveryVoters.add(author)
    votes.push({ admin, node })
    this.recoveryVotes.set(author, votes)
  }

  private insertSorted (node: GraphNode): void {
    const a = this.sorted
    let lo = 0
    let hi = a.length
    // Fast path: most new blocks sort last.
    if (hi === 0 || compareNodes(a[hi - 1], node) < 0) {
      if (hi < this.lowWater) this.lowWater = hi
      a.push(node)
      return
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareNodes(a[mid], node) < 0) lo = mid + 1
      else hi = mid
    }
    if (lo < this.lowWater) this.lowWater = lo
    a.splice(lo, 0, node)
  }

  /**
   * The lowest position any block was inserted at since the last call (Infinity if none), and
   * resets it: blocks before that position kept their positions (a replay may resume there).
   */
  takeLowWater (): number {
    const w = this.lowWater
    this.lowWater = Infinity
    return w
  }
}

/**
 * True when two block hashes hold the same bytes: compared here, since `Buffer.equals` crosses
 * into C++ for 32 bytes (0.2 µs, ~0.07 s of a 1,000,000-act graph).
 */
function sameHash (a: Buffer, b: Buffer): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** True when block (feed, index) is in the causal past of `node` (or is `node`). */
export function includes (node: GraphNode | undefined, feed: FeedKey, index: number): boolean {
  return node !== undefined && node.clock.get(feed) > index
}

/**
 * SPEC §5 acknowledgement rule: true when `graph` holds a block of another feed that carries acts
 * and is not in the causal past of `me`'s latest block. Acknowledgements (no acts) never make it
 * true, so acks are never acknowledged.
 */
export function needsAck (graph: Graph, me: FeedKey): boolean {
  const mine = graph.latest(me)
  for (const f of graph.feedKeys()) {
    if (f === me) continue
    for (let i = graph.usableLength(f) - 1; i >= 0; i--) {
      if (includes(mine, f, i)) break
      if (graph.node(f, i)!.acts.length > 0) return true
    }
  }
  return false
}
