/**
 * The persisted checkpoint (issue 5, SPEC §8 cold start): the walk's variables at the end of the
 * final prefix ({@link Resume}: confirmed state, final log, ignored blocks, freezes), plus which
 * blocks that prefix holds: per feed, its length and the feed's Merkle tree hash at that length.
 * A start that finds the same blocks in its first positions reads those blocks for their links
 * only and resumes the walk after them, instead of decoding and folding every act.
 *
 * It is a cache of a pure function of the blocks: a missing, unreadable, foreign or stale file
 * (a feed shorter than recorded, or with another tree hash at that length) is ignored and the
 * node replays from the blocks. Final log entries are stored without their acts (see
 * LogEntry.act). The state and the final log are in the compact encoding of statecodec.ts (each
 * id stored once); the small rest in Node's structured serialisation (node:v8). A file another
 * version wrote, or that fails to decode, is ignored like any other.
 */
import fs from 'node:fs'
import v8 from 'node:v8'
import type Hypercore from 'hypercore'
import { finishedStateHash, rememberStateHash } from '../fold/hash.js'
import { hex, type GroupId, type MemberId } from '../ids.js'
import type { Link } from '../merge/block.js'
import { UNREAD, type ActEntry } from '../merge/entries.js'
import type { Graph } from '../merge/graph.js'
import type { Replay, Resume } from '../merge/replay.js'
import { paths, writePrivate } from './datadir.js'
import { decodeFinal, encodeFinal } from './statecodec.js'

/** Final blocks a node adds to its final prefix before it writes the checkpoint again. */
const WRITE_EVERY_BLOCKS = 1024

/** Format version, first field of the file (3: blocks of the prefix, statecodec.ts for the state). */
const CHECKPOINT_VERSION = 3

/** One feed's part of the final prefix. */
export interface CheckpointFeed {
  feed: MemberId
  /** Blocks of the feed inside the final prefix (they are its first `length` blocks). */
  length: number
  /** The feed's Merkle tree hash at `length`, hex (Hypercore `treeHash(length)`). */
  treeHash: string
  /**
   * Its `length` blocks as the graph needs them, so a start reads none of them: per block, the
   * number of acts, the number of links, then (position of the linked feed in `feeds`, length)
   * per link.
   */
  blocks: Uint32Array
}

/** A block of the final prefix as restored from the checkpoint: its links and act count. */
export interface PrefixBlock {
  links: Link[]
  acts: number
}

/** What a data directory's `checkpoint` file holds. */
export interface Checkpoint {
  version: number
  groupId: GroupId
  /** Feeds with at least one block in the final prefix, sorted by key. */
  feeds: CheckpointFeed[]
  /** Per feed of `feeds`, its blocks in the final prefix. */
  prefix: PrefixBlock[][]
  resume: Resume
}

/**
 * The file: structured serialisation (node:v8) of the small parts of {@link Resume}, which keeps
 * their Maps and shared references (a performed freeze is one of the freezes), and the state and
 * final log in the compact encoding of src/node/statecodec.ts.
 */
interface CheckpointFile {
  version: number
  groupId: GroupId
  feeds: CheckpointFeed[]
  rest: Omit<Resume, 'state' | 'log' | 'logLength' | 'ignoredLength'>
  final: Uint8Array
  /** State hash of the confirmed state (src/fold/hash.ts). */
  confirmedHash: string
}

/**
 * Per feed, how many of its blocks lie in the first `count` positions of the graph's order (a
 * prefix of the order is causally closed, so it is the first blocks of each feed).
 */
function prefixLengths (graph: Graph, count: number): Map<MemberId, number> {
  const out = new Map<MemberId, number>()
  const order = graph.order()
  for (let i = 0; i < count; i++) out.set(order[i].feed, (out.get(order[i].feed) ?? 0) + 1)
  return out
}

/**
 * True when the graph's first `resume.pos + 1` positions hold exactly the checkpoint's blocks,
 * so {@link Resume} applies to this graph.
 */
function matchesGraph (cp: Checkpoint, graph: Graph): boolean {
  const count = cp.resume.pos + 1
  if (graph.order().length < count) return false
  const lengths = prefixLengths(graph, count)
  if (lengths.size !== cp.feeds.length) return false
  return cp.feeds.every((f) => lengths.get(f.feed) === f.length)
}

/**
 * Writes the checkpoint of `groupId` for the final prefix `resume` (its first `count` positions of
 * `graph`), with each feed's tree hash read from `coreOf(feed)`. Final log entries lose their acts.
 */
async function writeCheckpoint (dir: string, groupId: GroupId, graph: Graph, count: number, resume: Resume, coreOf: (feed: MemberId) => Hypercore): Promise<void> {
  const lengths = [...prefixLengths(graph, count)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const position = new Map(lengths.map(([feed], i) => [feed, i]))
  const feeds: CheckpointFeed[] = []
  for (const [feed, length] of lengths) {
    const blocks: number[] = []
    for (let i = 0; i < length; i++) {
      const n = graph.node(feed, i)!
      blocks.push(n.acts.length, n.links.length)
      for (const l of n.links) blocks.push(position.get(l.feed)!, l.length)
    }
    feeds.push({ feed, length, treeHash: hex(await coreOf(feed).treeHash(length)), blocks: Uint32Array.from(blocks) })
  }
  saveCheckpoint(dir, groupId, feeds, resume)
}

/**
 * The blocks of each feed from their columns.
 * @throws Error when the columns do not describe `length` blocks whose links stay inside the
 *   prefix
 */
function prefixBlocks (feeds: CheckpointFeed[]): PrefixBlock[][] {
  return feeds.map((f) => {
    const out: PrefixBlock[] = []
    const b = f.blocks
    let k = 0
    while (k < b.length) {
      const acts = b[k++]
      const links: Link[] = []
      for (let n = b[k++]; n > 0; n--) {
        const to = feeds[b[k++]]
        const length = b[k++]
        if (to === undefined || to === f || length < 1 || length > to.length) throw new Error('checkpoint: bad link')
        links.push({ feed: to.feed, length })
      }
      out.push({ links, acts })
    }
    if (k !== b.length || out.length !== f.length) throw new Error('checkpoint: blocks do not match the length')
    return out
  })
}

/**
 * Adds the checkpoint's blocks to an empty graph, their acts {@link UNREAD} (a resumed walk does
 * not visit them; a full replay reads them again first).
 */
function restorePrefix (cp: Checkpoint, graph: Graph): void {
  cp.feeds.forEach((f, i) => {
    cp.prefix[i].forEach((b, index) => graph.add(f.feed, index, { links: b.links, acts: [] }, new Array<ActEntry>(b.acts).fill(UNREAD)))
  })
}

function saveCheckpoint (dir: string, groupId: GroupId, feeds: CheckpointFeed[], resume: Resume): void {
  const { state, log, logLength, ignored, ignoredLength, ...rest } = resume
  const file: CheckpointFile = {
    version: CHECKPOINT_VERSION,
    groupId,
    feeds,
    rest: { ...rest, ignored: ignored.slice(0, ignoredLength) },
    final: encodeFinal({ state, log: log.slice(0, logLength) }),
    confirmedHash: finishedStateHash(state)
  }
  writePrivate(paths(dir).checkpoint, v8.serialize(file))
}

/**
 * The checkpoint of `groupId` in `dir` when every feed it names holds the same blocks: `coreOf`
 * opens the feed, whose contiguous length (capped by `held`, a forked feed's kept length) must
 * reach the recorded one with the same tree hash. Null otherwise; a stale file is deleted.
 */
async function openCheckpoint (dir: string, groupId: GroupId, coreOf: (feed: MemberId) => Hypercore, held: (feed: MemberId) => number): Promise<Checkpoint | null> {
  const cp = loadCheckpoint(dir, groupId)
  if (cp === null) return null
  for (const f of cp.feeds) {
    const core = coreOf(f.feed)
    await core.ready()
    const same = core.contiguousLength >= f.length && held(f.feed) >= f.length && hex(await core.treeHash(f.length)) === f.treeHash
    if (!same) {
      fs.rmSync(paths(dir).checkpoint, { force: true })
      return null
    }
  }
  return cp
}

/** The checkpoint of `groupId` in `dir`, or null (none, unreadable, another version or group). */
function loadCheckpoint (dir: string, groupId: GroupId): Checkpoint | null {
  try {
    const cp = v8.deserialize(fs.readFileSync(paths(dir).checkpoint)) as CheckpointFile
    if (cp?.version !== CHECKPOINT_VERSION || cp.groupId !== groupId || !Array.isArray(cp.feeds) || typeof cp.confirmedHash !== 'string') return null
    const prefix = prefixBlocks(cp.feeds)
    const { state, log } = decodeFinal(cp.final)
    rememberStateHash(state, cp.confirmedHash)
    const resume: Resume = { ...cp.rest, state, log, logLength: log.length, ignoredLength: cp.rest.ignored.length }
    return { version: cp.version, groupId, feeds: cp.feeds, prefix, resume }
  } catch {
    return null
  }
}

/**
 * A node's checkpoint: the one found at start, which the first replay resumes from, and the
 * writes as the final prefix grows (every {@link WRITE_EVERY_BLOCKS} final blocks, and on
 * close). `coreOf(feed)` returns a writer feed's core, opening it if needed.
 */
export class CheckpointKeeper {
  private found: Checkpoint | null = null
  /** Blocks of the final prefix the file holds. */
  private written = 0

  constructor (private readonly dir: string, private readonly coreOf: (feed: MemberId) => Hypercore) {}

  /**
   * Puts the blocks of the checkpoint of `groupId`, unread, in the empty `graph` when the file
   * still holds (`held(feed)`: a forked feed's kept length). True when it did.
   */
  async restore (groupId: GroupId, graph: Graph, held: (feed: MemberId) => number): Promise<boolean> {
    const cp = await openCheckpoint(this.dir, groupId, this.coreOf, held)
    if (cp === null) return false
    this.found = cp
    this.written = cp.resume.pos + 1
    restorePrefix(cp, graph)
    return true
  }

  /** Once, for the first replay: where to resume, when `graph` still starts with the blocks restored. */
  take (graph: Graph): Resume | null {
    const cp = this.found
    this.found = null
    return cp !== null && matchesGraph(cp, graph) ? cp.resume : null
  }

  /** Writes the checkpoint of `view`'s final prefix when it grew enough (`always`: when it grew). */
  async save (groupId: GroupId, graph: Graph, view: Replay, always = false): Promise<void> {
    if (view.finalBlocks <= this.written || (!always && view.finalBlocks - this.written < WRITE_EVERY_BLOCKS)) return
    await writeCheckpoint(this.dir, groupId, graph, view.finalBlocks, view.resume, this.coreOf)
    this.written = view.finalBlocks
  }
}
