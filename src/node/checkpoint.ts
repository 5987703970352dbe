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
 * LogEntry.act). Encoded with Node's structured serialisation (node:v8), which keeps the Maps,
 * Sets and shared references of the walk's variables; another Node version's file may fail to
 * decode, and is then ignored like any other.
 */
import fs from 'node:fs'
import v8 from 'node:v8'
import type Hypercore from 'hypercore'
import { ActIdSet } from '../fold/idset.js'
import { hex, type ActId, type GroupId, type MemberId } from '../ids.js'
import type { Graph } from '../merge/graph.js'
import type { LogEntry, Resume } from '../merge/replay.js'
import { paths, writePrivate } from './datadir.js'

/** Format version, first field of the file. */
const CHECKPOINT_VERSION = 1

/** One feed's part of the final prefix. */
export interface CheckpointFeed {
  feed: MemberId
  /** Blocks of the feed inside the final prefix (they are its first `length` blocks). */
  length: number
  /** The feed's Merkle tree hash at `length`, hex (Hypercore `treeHash(length)`). */
  treeHash: string
}

/** What a data directory's `checkpoint` file holds. */
export interface Checkpoint {
  version: number
  groupId: GroupId
  /** Feeds with at least one block in the final prefix, sorted by key. */
  feeds: CheckpointFeed[]
  resume: Resume
}

/**
 * The final log in columns (one typed array per field: an object per entry costs the start
 * ~2 µs per act to decode and collect).
 */
interface LogColumns {
  /** Act ids, 32 bytes each. */
  ids: Uint8Array
  /** Distinct feeds and statuses; entries hold their index. */
  feeds: string[]
  statuses: string[]
  feed: Uint16Array
  status: Uint16Array
  index: Uint32Array
  L: Uint32Array
  /** NaN: the act did not decode. */
  timeMs: Float64Array
}

function toColumns (log: readonly LogEntry[]): LogColumns {
  const n = log.length
  const c: LogColumns = { ids: new Uint8Array(32 * n), feeds: [], statuses: [], feed: new Uint16Array(n), status: new Uint16Array(n), index: new Uint32Array(n), L: new Uint32Array(n), timeMs: new Float64Array(n) }
  const slot = (list: string[], v: string): number => {
    const i = list.indexOf(v)
    return i >= 0 ? i : list.push(v) - 1
  }
  log.forEach((e, i) => {
    c.ids.set(Buffer.from(e.actId, 'hex'), 32 * i)
    c.feed[i] = slot(c.feeds, e.feed)
    c.status[i] = slot(c.statuses, e.status)
    c.index[i] = e.index
    c.L[i] = e.L
    c.timeMs[i] = e.timeMs ?? NaN
  })
  return c
}

function fromColumns (c: LogColumns): LogEntry[] {
  const ids = Buffer.from(c.ids.buffer, c.ids.byteOffset, c.ids.byteLength)
  const out = new Array<LogEntry>(c.index.length)
  for (let i = 0; i < out.length; i++) {
    const t = c.timeMs[i]
    out[i] = { seq: i, actId: ids.toString('hex', 32 * i, 32 * i + 32) as ActId, feed: c.feeds[c.feed[i]] as MemberId, index: c.index[i], L: c.L[i], status: c.statuses[c.status[i]], final: true, timeMs: Number.isNaN(t) ? null : t }
  }
  return out
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
export function matchesGraph (cp: Checkpoint, graph: Graph): boolean {
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
export async function writeCheckpoint (dir: string, groupId: GroupId, graph: Graph, count: number, resume: Resume, coreOf: (feed: MemberId) => Hypercore): Promise<void> {
  const feeds: CheckpointFeed[] = []
  for (const [feed, length] of prefixLengths(graph, count)) feeds.push({ feed, length, treeHash: hex(await coreOf(feed).treeHash(length)) })
  saveCheckpoint(dir, groupId, feeds, resume)
}

function saveCheckpoint (dir: string, groupId: GroupId, feeds: CheckpointFeed[], resume: Resume): void {
  const file = {
    version: CHECKPOINT_VERSION,
    groupId,
    feeds: [...feeds].sort((a, b) => (a.feed < b.feed ? -1 : a.feed > b.feed ? 1 : 0)),
    // The seen act ids as a plain array (an ActIdSet is a class: structured cloning drops it).
    resume: { ...resume, state: { ...resume.state, seen: [...resume.state.seen] }, log: [], ignored: resume.ignored.slice(0, resume.ignoredLength) },
    log: toColumns(resume.log.slice(0, resume.logLength))
  }
  writePrivate(paths(dir).checkpoint, v8.serialize(file))
}

/**
 * The checkpoint of `groupId` in `dir` when every feed it names holds the same blocks: `coreOf`
 * opens the feed, whose contiguous length (capped by `held`, a forked feed's kept length) must
 * reach the recorded one with the same tree hash. Null otherwise; a stale file is deleted.
 */
export async function openCheckpoint (dir: string, groupId: GroupId, coreOf: (feed: MemberId) => Hypercore, held: (feed: MemberId) => number): Promise<Checkpoint | null> {
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
    const cp = v8.deserialize(fs.readFileSync(paths(dir).checkpoint)) as Checkpoint & { log: LogColumns }
    if (cp?.version !== CHECKPOINT_VERSION || cp.groupId !== groupId || !Array.isArray(cp.feeds)) return null
    const log = fromColumns(cp.log)
    const state = { ...cp.resume.state, seen: ActIdSet.of(cp.resume.state.seen as unknown as ActId[]) }
    return { version: cp.version, groupId, feeds: cp.feeds, resume: { ...cp.resume, state, log, logLength: log.length } }
  } catch {
    return null
  }
}
