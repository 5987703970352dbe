/**
 * Reading writer feeds from storage (SPEC §5, §6): blocks into the block graph, and acts back
 * from their blocks. Blocks are read READ_WINDOW at a time, in one storage batch; they enter the
 * graph in index order. No clock, no network: what Hypercore already holds.
 */
import type Hypercore from 'hypercore'
import type { SignedAct } from '../../acts/types.js'
import { HypergasError } from '../../errors.js'
import type { ActId, GroupId, MemberId } from '../../ids.js'
import { decodeBlockEntries, settleCheck, type DecodedBlock, type PendingCheck } from '../../merge/entries.js'
import type { Graph } from '../../merge/graph.js'
import type { LogEntry } from '../../merge/replay.js'
import type { Verifier } from './verifier.js'
import type { VerifiedActs } from '../storage/verified.js'

/** Blocks read from storage concurrently when catching up with a feed. */
const READ_WINDOW = 256
/**
 * Windows decoded while the signature checks of earlier ones are out: the checks' worker thread
 * takes 0.1–0.2 s to start, and with one window ahead a first start sat idle for it.
 */
const WINDOWS_AHEAD = 4
/**
 * Windows read from storage ahead of the one being decoded. With one, a first start of 100,000
 * acts waited ~0.15 s in all for reads once decoding got faster (a CPU profile); with two, ~0.03 s.
 */
const READS_AHEAD = 2

/** Options of {@link readFeed}. */
export interface ReadOptions {
  group: GroupId
  /** Relayed signatures verified before (and where new ones are remembered). */
  verified: VerifiedActs
  /** Where relayed signatures are checked. */
  verifier: Verifier
  /** No block at or past this index is read (a forked feed's held length; default: none). */
  limit?: number
  /** Called for the block that does not decode (the feed is read no further), with its code. */
  onInvalid: (index: number, code: string) => void
}

/** A block of a core, or null once the core is closed (Hypercore closes it after a fork proof). */
async function blockAt (core: Hypercore, i: number): Promise<Buffer | null> {
  return await core.get(i, { wait: false }).catch((err: Error & { code?: string }) => {
    if (err.code === 'SESSION_CLOSED') return null
    throw err
  })
}

/** The read batch of hypercore-storage: reads queued, then flushed to RocksDB together. */
interface ReadBatch {
  getBlock: (index: number) => Promise<Buffer | null>
  tryFlush: () => void
}

/**
 * Blocks `start` … `start + n − 1` of a core, null where the storage holds none or once the core
 * is closed. One storage read batch for them all, through Hypercore's storage (the pinned
 * hypercore 11.37.1; `get` takes a batch per block, which cost twice as much: 150 → 70 ms for the
 * 11,788 blocks of 100,000 acts); `get`, block by block, where that storage is not there.
 */
async function blocksAt (core: Hypercore, start: number, n: number): Promise<Array<Buffer | null>> {
  const storage = (core as unknown as { state?: { storage?: { read?: () => ReadBatch } } }).state?.storage
  if (typeof storage?.read !== 'function') return await Promise.all(Array.from({ length: n }, async (_, k) => await blockAt(core, start + k)))
  try {
    if (core.closing || core.closed) return new Array(n).fill(null)
    const rx = storage.read()
    const reads: Array<Promise<Buffer | null>> = []
    try {
      for (let k = 0; k < n; k++) reads.push(rx.getBlock(start + k))
    } finally {
      rx.tryFlush() // what was queued is read, and awaited below, even if queuing failed
    }
    return await Promise.all(reads)
  } catch (err) {
    if (core.closing || core.closed) return new Array(n).fill(null)
    throw err
  }
}

/**
 * Adds the blocks of writer `feed` that `core` holds contiguously and `graph` has not received
 * yet; returns how many were added. Stops at a block that does not decode (marked broken).
 * Relayed signatures are checked by `opts.verifier` while the next windows are read and decoded.
 * @throws only programmer errors (decoding refusals are reported through `onInvalid`)
 */
export async function readFeed (core: Hypercore, graph: Graph, feed: MemberId, opts: ReadOptions): Promise<number> {
  if (core.closing || core.closed || graph.brokenAt(feed) !== null) return 0
  await core.ready()
  let read = 0
  /**
   * Adds the last window decoded once its signatures are checked and the windows before it are
   * added; false when the feed stopped. Up to WINDOWS_AHEAD windows wait in `ahead`.
   */
  let adding: Promise<boolean> = Promise.resolve(true)
  const ahead: Array<Promise<boolean>> = []
  const limit = Math.min(core.contiguousLength, opts.limit ?? Infinity)
  // A long read (a first start, a catch-up): the checks' worker starts now, not at the first
  // window's checks, so that it has loaded (0.1–0.2 s) by the time their answers are awaited.
  if (limit - graph.receivedLength(feed) > WINDOWS_AHEAD * READ_WINDOW) opts.verifier.warm()
  // The next windows are read from storage while this one decodes (READS_AHEAD). A read left
  // behind by a stop is awaited by nobody: its failure is dropped, not reported as unhandled.
  const reads: Array<Promise<Array<Buffer | null>>> = []
  let readFrom = graph.receivedLength(feed)
  const readAhead = (): void => {
    for (; reads.length < READS_AHEAD && readFrom < limit; readFrom += READ_WINDOW) {
      const w = blocksAt(core, readFrom, Math.min(READ_WINDOW, limit - readFrom))
      w.catch(() => {})
      reads.push(w)
    }
  }
  readAhead()
  for (let start = graph.receivedLength(feed); start < limit; start += READ_WINDOW) {
    const window = await reads.shift()!
    readAhead()
    const blocks: Array<{ index: number } & DecodedBlock> = []
    const pending: PendingCheck[] = []
    let stop: { index: number, code: string } | null = null
    let more = true
    for (const [k, bytes] of window.entries()) {
      if (bytes === null) { more = false; break }
      try {
        blocks.push({ index: start + k, ...decodeBlockEntries(bytes, feed, opts.group, opts.verified, pending) })
      } catch (err) {
        if (!(err instanceof HypergasError)) throw err
        stop = { index: start + k, code: err.code }
        more = false
        break
      }
    }
    const checked = opts.verifier.verify(pending.map((p) => p.check))
    adding = Promise.all([adding, checked]).then(([go, ok]) => {
      if (!go) return false
      pending.forEach((p, j) => settleCheck(p, ok[j], opts.verified))
      for (const b of blocks) {
        if (graph.brokenAt(feed) !== null) return false
        graph.add(feed, b.index, b.block, b.entries, b.hash)
        read++
      }
      if (stop !== null) {
        graph.markBroken(feed, stop.index)
        opts.onInvalid(stop.index, stop.code)
      }
      return more
    })
    // Awaited below or by the caller; if a programmer error ends the loop first, its failure is
    // not also reported as unhandled.
    adding.catch(() => {})
    if (!more) break
    ahead.push(adding)
    if (ahead.length === WINDOWS_AHEAD && !(await ahead.shift()!)) return read
  }
  await adding
  return read
}

/**
 * The acts of the blocks that `entries` (log entries, or any block references) sit in, read back
 * (final entries restored from a checkpoint carry none, nor do blocks the merge ignored), by act
 * id; acts that do not decode, or whose core is closed, are absent.
 */
export async function readActs (coreOf: (feed: MemberId) => Hypercore | undefined, entries: ReadonlyArray<Pick<LogEntry, 'feed' | 'index'>>, group: GroupId, verified: VerifiedActs): Promise<Map<ActId, SignedAct>> {
  const out = new Map<ActId, SignedAct>()
  for (const b of new Set(entries.map((e) => `${e.feed}:${e.index}`))) {
    const [feed, index] = b.split(':') as [MemberId, string]
    const core = coreOf(feed)
    const bytes = core === undefined ? null : await blockAt(core, Number(index))
    if (bytes === null) continue
    for (const e of decodeBlockEntries(bytes, feed, group, verified).entries) if (e.ok) out.set(e.act.id, e.act)
  }
  return out
}
