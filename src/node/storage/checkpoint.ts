/**
 * The persisted checkpoint (issue 5, SPEC §8 cold start): the walk's variables at the end of the
 * final prefix ({@link Resume}: confirmed state, final log, ignored blocks, freezes), plus which
 * blocks that prefix holds: per feed, its length and the feed's Merkle tree hash at that length.
 * A start that finds the same blocks in its first positions takes those blocks from the
 * checkpoint (reading none of them) and resumes the walk after them, instead of decoding and
 * folding every act.
 *
 * It is a cache of a pure function of the blocks, and it cannot lie (issue 13 item 6): before a
 * node uses it, the whole file is verified ({@link decodeCheckpoint}, {@link restoreCheckpoint}):
 * its checksum, the shape and range of everything decoded, the state hash recomputed from the
 * confirmed state against the one recorded, the state's own consistency and the final log's
 * against it (src/node/storage/checkpoint-verify.ts), and the log, ignored blocks and freezes against the
 * restored blocks; then, against the feeds, each feed's tree hash at the recorded length and the
 * hash of its last block in the prefix (the block the next one names). A file that fails any
 * check is deleted, one line says why, and the node replays from the feeds; so is a stale one (a
 * feed shorter than recorded, or with another tree hash at that length). A missing file is
 * simply not used. A file the node sealed (it wrote it, or verified it in full before:
 * src/node/storage/checkpoint-seal.ts) skips the state hash and the state's checks, ~0.2 s of a
 * start at 100,000 acts; every other check runs.
 *
 * What no check can bind without reading the prefix's blocks (which the checkpoint exists to
 * avoid): act ids that only the final log and the seen ids name (votes, undecodable acts), act
 * times, and the block hashes other than each feed's last. The checksum covers them against
 * damage; an edit that also recomputes the checksum can change what the final log shows for them
 * (and which ids count as seen), never what the state hash covers. Whoever can write the data
 * directory can also read the identity in it: the checkpoint guards against damage and
 * inconsistency, not against its owner.
 *
 * The file's format and its decoding: src/node/storage/checkpoint-file.ts.
 */
import fs from 'node:fs'
import type Hypercore from 'hypercore'
import { HypergasError } from '../../errors.js'
import { finishedStateHashDriven } from '../../fold/hash.js'
import { hex, type GroupId, type MemberId } from '../../ids.js'
import { blockHash, HASH_BYTES, NO_PREV } from '../../merge/block.js'
import { UNREAD, type ActEntry } from '../../merge/entries.js'
import type { Graph, GraphNode } from '../../merge/graph.js'
import type { GroupRef, IgnoredBlock, Replay, Resume } from '../../merge/replay.js'
import { decodeCheckpoint, encodeCheckpointSteps, hashAt, type Checkpoint, type CheckpointBody, type CheckpointFeed } from './checkpoint-file.js'
import { drain, drainInSlices, type Drive, type Steps } from '../../slices.js'
import { badCheckpoint } from './checkpoint-verify.js'
import { checkpointMac, isSealed, sealKey } from './checkpoint-seal.js'
import { paths, readOptional, writePrivate, writePrivateAsync } from './datadir.js'
import { encodeFinalSteps } from './statecodec.js'
import { recallStateHashes, saveStateHashes } from './state-hashes.js'

/** Final blocks a node adds to its final prefix before it writes the checkpoint again. */
const WRITE_EVERY_BLOCKS = 1024


export * from './checkpoint-file.js'
export * from './checkpoint-header.js'

/**
 * Checks the walk's variables against the graph holding exactly the checkpoint's blocks: in the
 * order, each block with acts is either the next ignored block (same L, one id per act) or gives
 * the next log entries (one per act, same feed, index and L); every freeze's removal block sits
 * at its position and was folded; every admin's election block was folded; each `seen` length
 * lies between what the folded blocks saw and what any block of the prefix saw.
 */
function checkOrder (cp: Checkpoint, graph: Graph): void {
  const { resume } = cp
  const order = graph.order()
  const count = resume.pos + 1
  if (order.length !== count) throw badCheckpoint(`${order.length} of the ${count} blocks of the final prefix are usable`)
  const folded = new Set<GraphNode>()
  let e = 0
  let ig = 0
  for (const n of order) {
    if (n.acts.length === 0) continue
    const skip: IgnoredBlock | undefined = resume.ignored[ig]
    if (skip !== undefined && skip.feed === n.feed && skip.index === n.index) {
      if (skip.L !== n.L || skip.actIds.length !== n.acts.length) throw badCheckpoint(`ignored block ${ig} does not match block ${n.feed.slice(0, 8)}:${n.index}`)
      ig++
      continue
    }
    const x = resume.log
    for (let k = 0; k < n.acts.length; k++, e++) {
      if (e >= resume.logLength || x.feed(e) !== n.feed || x.index(e) !== n.index || x.L(e) !== n.L) throw badCheckpoint(`final log entry ${e} does not match block ${n.feed.slice(0, 8)}:${n.index}`)
    }
    folded.add(n)
  }
  if (e !== resume.logLength || ig !== resume.ignoredLength) throw badCheckpoint(`the blocks of the final prefix hold ${e} logged acts and ${ig} ignored blocks, the checkpoint ${resume.logLength} and ${resume.ignoredLength}`)
  for (const fz of resume.freezes.values()) {
    for (const f of fz) {
      const n = order[f.pos]
      if (n.feed !== f.by.feed || n.index !== f.by.index || !folded.has(n)) throw badCheckpoint(`the freeze of ${f.feed.slice(0, 8)} names a removal block the walk did not fold there`)
    }
  }
  for (const [a, p] of resume.state.adminSince) {
    const n = graph.node(p.feed, p.index)
    if (n === undefined || !folded.has(n)) throw badCheckpoint(`the election block of admin ${a.slice(0, 8)} is not a folded block of the prefix`)
  }
  const most = new Map<MemberId, number>()
  const least = new Map<MemberId, number>()
  for (const n of order) {
    n.clock.forEach((k, len) => {
      if (k === n.feed) return
      if ((most.get(k) ?? 0) < len) most.set(k, len)
      if (folded.has(n) && (least.get(k) ?? 0) < len) least.set(k, len)
    })
  }
  for (const [k, v] of resume.seen) if (v > (most.get(k) ?? 0)) throw badCheckpoint(`seen length ${v} of ${k.slice(0, 8)}: no block of the prefix saw it`)
  for (const [k, v] of least) if ((resume.seen.get(k) ?? 0) < v) throw badCheckpoint(`seen length of ${k.slice(0, 8)} below what a folded block saw`)
}

/**
 * Adds a decoded checkpoint's blocks to the empty `graph`, their acts {@link UNREAD} (a resumed
 * walk does not visit them; a full replay reads them again first), and checks the walk's
 * variables against them (see checkOrder).
 * @throws HypergasError BAD_CHECKPOINT when they disagree; the graph then holds the blocks
 *   already (it must be dropped, or its blocks read again, before a full replay)
 */
export function restoreCheckpoint (cp: Checkpoint, graph: Graph): void {
  // Blocks with the same number of acts share one frozen array of UNREAD entries (a full replay
  // reads the blocks again into a new graph; nothing writes to these): at 1,000,000 acts,
  // 117,000 arrays fewer, ~15 MB of the resident set.
  const unread: Array<readonly ActEntry[]> = []
  cp.feeds.forEach((f, i) => {
    cp.prefix[i].forEach((b, index) => {
      const acts = (unread[b.acts] ??= Object.freeze(new Array<ActEntry>(b.acts).fill(UNREAD))) as ActEntry[]
      graph.add(f.feed, index, { prev: index === 0 ? NO_PREV : hashAt(f, index - 1), links: b.links, acts: [] }, acts, hashAt(f, index))
    })
  })
  checkOrder(cp, graph)
}

// ---- writing -------------------------------------------------------------------------------

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
 * The body of the checkpoint of `groupId` for the final prefix `resume`, which is the first
 * `count` positions of `graph`; `treeHash(feed, length)` gives a feed's Merkle tree hash (hex) at
 * a length. Final log entries lose their acts. `drive` runs the encoding of the state and its
 * hash ({@link drain}: at once, as a one-shot node does; a serving node passes drainInSlices,
 * src/slices.ts, to keep serving meanwhile); the graph is read before the first pause, and what
 * `resume` holds never changes (its log columns may grow past `logLength` as later replays extend
 * them: only the first `logLength` entries are taken).
 */
export async function checkpointBody (groupId: GroupId, graph: Graph, count: number, resume: Resume, treeHash: (feed: MemberId, length: number) => Promise<string>, drive: Drive = drain): Promise<CheckpointBody> {
  const lengths = [...prefixLengths(graph, count)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const position = new Map(lengths.map(([feed], i) => [feed, i]))
  const columns = lengths.map(([feed, length]) => {
    const blocks: number[] = []
    const hashes = new Uint8Array(HASH_BYTES * length)
    for (let i = 0; i < length; i++) {
      const n = graph.node(feed, i)!
      hashes.set(n.hash, i * HASH_BYTES)
      blocks.push(n.acts.length, n.links.length)
      for (const l of n.links) blocks.push(position.get(l.feed)!, l.length)
    }
    return { feed, length, blocks: Uint32Array.from(blocks), hashes }
  })
  const feeds: CheckpointFeed[] = []
  for (const f of columns) feeds.push({ feed: f.feed, length: f.length, treeHash: await treeHash(f.feed, f.length), blocks: f.blocks, hashes: f.hashes })
  const { state, log, logLength, ignored, ignoredLength, ...rest } = resume
  return {
    groupId,
    feeds,
    rest: { ...rest, ignored: ignored.slice(0, ignoredLength) },
    final: await drive(encodeFinalSteps({ state, log, count: logLength })),
    confirmedHash: await finishedStateHashDriven(state, drive)
  }
}

// ---- the node's checkpoint -----------------------------------------------------------------

/** Why a checkpoint is not used, in one line: `CODE: reason`. */
function why (err: unknown): string {
  const line = err instanceof HypergasError ? `${err.code}: ${err.reason}` : `INTERNAL: ${(err as Error)?.message ?? String(err)}`
  const one = line.replace(/\s+/g, ' ').trim()
  return one.length > 300 ? `${one.slice(0, 299)}…` : one
}

/** The default log of {@link CheckpointKeeper}: one line on stderr. */
function stderrLine (line: string): void {
  process.stderr.write(line + '\n')
}

/**
 * A node's checkpoint: the one found at start, which the first replay resumes from, and the
 * writes as the final prefix grows (every {@link WRITE_EVERY_BLOCKS} final blocks while a node
 * serves, which its owner asks for, and on close). `coreOf(feed)` returns a writer feed's core,
 * opening it if needed; `log` receives one line (no newline) each time a checkpoint file is found
 * unusable and deleted (default: stderr).
 */
export class CheckpointKeeper {
  private found: Checkpoint | null = null
  /** Blocks of the final prefix the file holds. */
  private written = 0
  /** Whether {@link recall} has seen the first replay. */
  private recalled = false
  /** The write {@link save} started, or null. */
  private writing: Promise<void> | null = null

  /** The key sealing the checkpoints this node writes and its remembered state hashes. */
  private readonly key: Buffer

  /**
   * `seed`: the node's Ed25519 seed, from which the key sealing every checkpoint it writes is
   * derived (src/node/storage/checkpoint-seal.ts). `drive` runs the encoding and the state hash:
   * drainInSlices (default) while the node serves, drain for a one-shot node.
   */
  constructor (private readonly dir: string, private readonly coreOf: (feed: MemberId) => Hypercore, seed: Uint8Array, private readonly drive: Drive = drainInSlices, private readonly log: (line: string) => void = stderrLine) {
    this.key = sealKey(seed)
  }

  /**
   * Puts the blocks of the checkpoint of `groupId`, unread, in the empty `graph` when the file
   * verifies and still holds (`held(feed)`: a forked feed's kept length). True when it put
   * blocks in the graph: then the walk resumes after them ({@link take}) or, if the checkpoint
   * turned out inconsistent with them, every block must be read again. A file that is unusable
   * (damaged, edited, inconsistent, another version, stale) is deleted with one line to the log.
   * @throws only what opening a feed or reading its tree hash throws
   */
  async restore (groupId: GroupId, graph: Graph, held: (feed: MemberId) => number): Promise<boolean> {
    const file = paths(this.dir).checkpoint
    let bytes: Buffer
    try {
      bytes = fs.readFileSync(file)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return false
      this.discard(HypergasError.DATA_DIR(`cannot read ${file}: ${code ?? (err as Error).message}`))
      return false
    }
    const sealed = isSealed(this.key, bytes, readOptional(paths(this.dir).checkpointSeal))
    let cp: Checkpoint
    try {
      cp = decodeCheckpoint(bytes, groupId, sealed)
    } catch (err) {
      this.discard(err)
      return false
    }
    for (const f of cp.feeds) {
      const core = this.coreOf(f.feed)
      await core.ready()
      const have = Math.min(core.contiguousLength, held(f.feed))
      const stale = have < f.length
        ? `feed ${f.feed.slice(0, 8)} holds ${have} usable blocks, the checkpoint ${f.length}`
        : hex(await core.treeHash(f.length)) !== f.treeHash ? `feed ${f.feed.slice(0, 8)} has other blocks than the checkpoint's ${f.length}` : null
      if (stale !== null) {
        this.discard(new HypergasError('STALE_CHECKPOINT', stale))
        return false
      }
      // The next block of every feed names its last block's hash (prev, links): that one is read.
      const last = await core.get(f.length - 1, { wait: false })
      if (last === null || !blockHash(last).equals(hashAt(f, f.length - 1))) {
        this.discard(badCheckpoint(`the hash of block ${f.length - 1} of feed ${f.feed.slice(0, 8)} is not its block's`))
        return false
      }
    }
    try {
      restoreCheckpoint(cp, graph)
    } catch (err) {
      this.discard(err)
      return cp.feeds.some((f) => graph.receivedLength(f.feed) > 0)
    }
    this.found = cp
    this.written = cp.resume.pos + 1
    // Verified in full once, sealed: the next start skips what this one checked (like the
    // signatures of src/node/storage/verified.ts). A seal that cannot be written costs only that.
    if (!sealed) {
      try {
        writePrivate(paths(this.dir).checkpointSeal, checkpointMac(this.key, bytes))
      } catch {}
    }
    return true
  }

  /**
   * Deletes the file and says why in one line (`checkpoint ignored (CODE: reason): deleted,
   * rebuilding from the feeds`); the next save writes a new one.
   */
  private discard (err: unknown): void {
    this.found = null
    this.written = 0
    let deleted = 'deleted'
    try {
      fs.rmSync(paths(this.dir).checkpointSeal, { force: true })
      fs.rmSync(paths(this.dir).checkpoint, { force: true })
    } catch (e) {
      deleted = `not deleted (${(e as NodeJS.ErrnoException).code ?? 'error'})`
    }
    this.log(`checkpoint ignored (${why(err)}): ${deleted}, rebuilding from the feeds`)
  }

  /** Once, for the first replay: where to resume, when `graph` still starts with the blocks restored and no members' recovery removed an admin there (null: replay from scratch). */
  take (graph: Graph): Resume | null {
    const cp = this.found
    this.found = null
    // After a members' recovery the prefix's acts are needed: were a member's votes on both sides
    // of a partition among them, only a replay from scratch decides (Graph.doubleRecoveryVoters).
    const byMembers = cp !== null && [...cp.resume.freezes.values()].some((list) => list.some((f) => f.byMembers))
    return cp !== null && !byMembers && matchesGraph(cp, graph) ? cp.resume : null
  }

  /**
   * Writes the checkpoint of `view`'s final prefix when it grew enough (`always`: when it grew),
   * with the keeper's drive: for a serving node the state is encoded and hashed in slices of at
   * most ~10 ms of work (src/slices.ts) and the file written asynchronously, so acts and requests
   * keep being served (issue 18 item 5); a one-shot node's drive runs them at once. One write at
   * a time: a call while one runs is dropped, unless `always`, which waits for it and then
   * writes. Resolves when this call's write has finished; a write that fails leaves the older
   * file (the checkpoint is a cache) and is reported to `log`.
   */
  async save (groupId: GroupId, graph: Graph, view: Replay, always = false): Promise<void> {
    if (this.writing !== null) {
      if (!always) return
      await this.writing
    }
    if (view.finalBlocks <= this.written || (!always && view.finalBlocks - this.written < WRITE_EVERY_BLOCKS)) return
    this.writing = this.write(groupId, graph, view.finalBlocks, view.resume).finally(() => { this.writing = null })
    await this.writing
  }

  /**
   * Closing: writes the checkpoint if the final prefix grew ({@link save}), and the state hashes
   * of `view` for the next start (src/node/storage/state-hashes.ts). Failures go to the log.
   */
  async closing (g: GroupRef, graph: Graph, view: Replay): Promise<void> {
    await this.save(g.groupId, graph, view, true)
    try {
      saveStateHashes(paths(this.dir).stateHashes, this.key, graph, g, view)
    } catch (err) {
      this.log(`state hashes not written (${why(err)})`)
    }
  }

  /**
   * The first replay of a start, given the state hashes the last close wrote when it replays the
   * same blocks (src/node/storage/state-hashes.ts); later replays are returned as they are.
   */
  recall (graph: Graph, g: GroupRef, view: Replay): Replay {
    if (this.recalled) return view
    this.recalled = true
    recallStateHashes(paths(this.dir).stateHashes, this.key, graph, g, view)
    return view
  }

  /** Waits for the write in progress, if any. */
  async idle (): Promise<void> { await this.writing }

  private async write (groupId: GroupId, graph: Graph, count: number, resume: Resume): Promise<void> {
    let parts: Uint8Array[]
    try {
      const body = await checkpointBody(groupId, graph, count, resume, async (feed, length) => hex(await this.coreOf(feed).treeHash(length)), this.drive)
      parts = await this.drive(encodeCheckpointSteps(body))
      // A crash between the two writes leaves a seal of the older file: the new one is then
      // verified in full at the next start.
      await writePrivateAsync(paths(this.dir).checkpoint, parts)
      this.written = count
    } catch (err) {
      this.log(`checkpoint not written (${why(err)})`)
      return
    }
    try {
      await writePrivateAsync(paths(this.dir).checkpointSeal, checkpointMac(this.key, parts[0]))
    } catch (err) {
      this.log(`checkpoint seal not written (${why(err)}): the next start verifies the checkpoint in full`)
    }
  }
}
