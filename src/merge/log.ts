/**
 * The merged log in columns (SPEC §5, issue 18 item 2): one typed array per field of a
 * {@link LogEntry} instead of an object per act. At 1,000,000 acts the objects took ~100 MB of
 * heap; the columns take ~32 bytes an act and up to as much again of room to grow (the act id
 * string is the one the state's seen ids hold for a folded act, the feed and status are numbers
 * into small tables, the act is referenced only when the walk decoded it). Entries are built on
 * demand for the interfaces ({@link LogColumns.entry}).
 *
 * Append-only: entries never change once pushed. A replay that resumes an earlier one appends
 * the entries it made final to the earlier replay's columns (each replay reads only its own
 * first entries), so the final log of a long history is never copied (src/merge/replay.ts).
 */
import type { SignedAct } from '../acts/types.js'
import type { ActId, MemberId } from '../ids.js'
import type { LogEntry } from './replay-types.js'

/** Room for the first entries (the columns double as they fill). */
const FIRST_CAPACITY = 64

/**
 * Strings numbered in the order first met (feeds, statuses: a few dozen of each). Numbers only
 * grow: columns copied from others share their numbering.
 */
class Numbering {
  readonly list: string[] = []
  private readonly numbers = new Map<string, number>()
  /** The last string numbered or looked up, and its number: entries of a block share their feed. */
  private last: string | undefined = undefined
  private lastNo = -1

  numberOf (s: string): number {
    if (s === this.last) return this.lastNo
    let n = this.numbers.get(s)
    if (n === undefined) {
      n = this.list.push(s) - 1
      this.numbers.set(s, n)
    }
    this.last = s
    this.lastNo = n
    return n
  }
}

/**
 * Entries to allocate for `n`: an eighth more, so that the replays resuming a walk or a restored
 * checkpoint append to its final entries without copying them at once (untouched room is not
 * resident).
 */
export function withRoom (n: number): number {
  return n + (n >> 3) + 64
}

/**
 * Log entries as columns: position `i` (0-based in these columns) holds one act's id, its
 * block's feed, index and L, its status, its time (ms since the epoch, or null) and, when the
 * walk decoded it, the act.
 */
export class LogColumns {
  /** Entries held. */
  length = 0
  private actIds: ActId[] = []
  private feedNo: Uint32Array
  private indexes: Uint32Array
  private Ls: Uint32Array
  private statusNo: Uint32Array
  /** ms since the epoch; NaN for none. */
  private times: Float64Array
  /** Acts by position, up to the last act held (entries restored from a checkpoint hold none). */
  private acts: Array<SignedAct | undefined> = []
  private readonly feeds: Numbering
  private readonly statuses: Numbering

  constructor (capacity = FIRST_CAPACITY, feeds = new Numbering(), statuses = new Numbering()) {
    this.feedNo = new Uint32Array(capacity)
    this.indexes = new Uint32Array(capacity)
    this.Ls = new Uint32Array(capacity)
    this.statusNo = new Uint32Array(capacity)
    this.times = new Float64Array(capacity)
    this.feeds = feeds
    this.statuses = statuses
  }

  /** Columns holding `entries` in order (their `seq` and `final` are not kept: see {@link entry}). */
  static of (entries: readonly LogEntry[]): LogColumns {
    const c = new LogColumns(Math.max(FIRST_CAPACITY, entries.length))
    for (const e of entries) c.push(e.actId, e.feed, e.index, e.L, e.status, e.timeMs, e.act)
    return c
  }

  /**
   * Appends one entry. `index` and `L` are block positions (integers < 2^32); `timeMs` is null
   * for an act that did not decode.
   */
  push (actId: ActId, feed: MemberId, index: number, L: number, status: string, timeMs: number | null, act?: SignedAct): void {
    const i = this.length
    if (i === this.feedNo.length) this.grow(Math.max(FIRST_CAPACITY, 2 * i))
    this.actIds.push(actId)
    this.feedNo[i] = this.feeds.numberOf(feed)
    this.indexes[i] = index
    this.Ls[i] = L
    this.statusNo[i] = this.statuses.numberOf(status)
    this.times[i] = timeMs ?? NaN
    if (act !== undefined) {
      while (this.acts.length < i) this.acts.push(undefined)
      this.acts.push(act)
    }
    this.length = i + 1
  }

  /** Empty columns with room for `capacity` entries that share this one's numbering of feeds and statuses (so that {@link append} copies between them in bulk). */
  sibling (capacity: number): LogColumns {
    return new LogColumns(Math.max(FIRST_CAPACITY, capacity), this.feeds, this.statuses)
  }

  /**
   * Appends entries [start, end) of `other`, growing the columns once. Between columns that share
   * their numbering ({@link sibling}, {@link copy}, {@link cut}) the typed columns are copied in
   * bulk: a resumed replay that made a whole sync's acts final appended 300,000 entries one at a
   * time, through repeated doublings (~0.3 s; docs/performance.md).
   */
  append (other: LogColumns, start: number, end: number): void {
    const n = end - start
    if (n <= 0) return
    const at = this.length
    if (at + n > this.feedNo.length) this.grow(Math.max(FIRST_CAPACITY, at + n, 2 * at))
    if (other.feeds !== this.feeds || other.statuses !== this.statuses) {
      for (let k = start; k < end; k++) this.push(other.actIds[k], other.feed(k), other.indexes[k], other.Ls[k], other.status(k), other.timeMs(k), other.acts[k])
      return
    }
    this.feedNo.set(other.feedNo.subarray(start, end), at)
    this.indexes.set(other.indexes.subarray(start, end), at)
    this.Ls.set(other.Ls.subarray(start, end), at)
    this.statusNo.set(other.statusNo.subarray(start, end), at)
    this.times.set(other.times.subarray(start, end), at)
    // More entries than held: joined in one copy (V8 copies a packed array's elements as a block);
    // a few onto many (the usual resumed replay): pushed, not copying what is held.
    const bulk = n > at
    if (bulk) this.actIds = this.actIds.concat(other.actIds.slice(start, end))
    else for (let k = start; k < end; k++) this.actIds.push(other.actIds[k])
    // Acts by position, up to the last one held: none past `other`'s last act.
    const last = Math.min(end, other.acts.length)
    if (last > start) {
      while (this.acts.length < at) this.acts.push(undefined)
      if (bulk) this.acts = this.acts.concat(other.acts.slice(start, last))
      else for (let k = start; k < last; k++) this.acts.push(other.acts[k])
    }
    this.length = at + n
  }

  /** A copy of the first `n` entries (which the copy can then be appended to). */
  copy (n: number): LogColumns {
    const c = new LogColumns(Math.max(FIRST_CAPACITY, n), this.feeds, this.statuses)
    c.actIds = this.actIds.slice(0, n)
    c.feedNo.set(this.feedNo.subarray(0, n))
    c.indexes.set(this.indexes.subarray(0, n))
    c.Ls.set(this.Ls.subarray(0, n))
    c.statusNo.set(this.statusNo.subarray(0, n))
    c.times.set(this.times.subarray(0, n))
    c.acts = this.acts.slice(0, n)
    c.length = n
    return c
  }

  /**
   * Moves entries [n, length) to new columns, returned, and keeps the first `n` (a full replay
   * keeps its final entries where they are and moves its tentative tail, usually a few).
   */
  cut (n: number): LogColumns {
    const tail = this.sibling(this.length - n)
    tail.append(this, n, this.length)
    this.length = n
    this.actIds.length = n
    if (this.acts.length > n) this.acts.length = n
    return tail
  }

  actId (i: number): ActId { return this.actIds[i] }
  feed (i: number): MemberId { return this.feeds.list[this.feedNo[i]] as MemberId }
  index (i: number): number { return this.indexes[i] }
  L (i: number): number { return this.Ls[i] }
  status (i: number): string { return this.statuses.list[this.statusNo[i]] }
  /** ms since the epoch, or null for an act that did not decode. */
  timeMs (i: number): number | null {
    const t = this.times[i]
    return Number.isNaN(t) ? null : t
  }

  /** The act of entry `i`, when the walk that made it decoded it. */
  act (i: number): SignedAct | undefined { return this.acts[i] }

  /** Every entry as an object, numbered from 0 (for tests and small logs: O(length)). */
  toEntries (final: boolean): LogEntry[] {
    return Array.from({ length: this.length }, (_, i) => this.entry(i, i, final))
  }

  /** Entry `i` as an object, numbered `seq` in the merged log. */
  entry (i: number, seq: number, final: boolean): LogEntry {
    return { seq, actId: this.actIds[i], feed: this.feed(i), index: this.indexes[i], L: this.Ls[i], status: this.status(i), final, timeMs: this.timeMs(i), act: this.acts[i] }
  }

  private grow (capacity: number): void {
    const more = <T extends Uint32Array | Float64Array>(a: T, b: T): T => { b.set(a); return b }
    this.feedNo = more(this.feedNo, new Uint32Array(capacity))
    this.indexes = more(this.indexes, new Uint32Array(capacity))
    this.Ls = more(this.Ls, new Uint32Array(capacity))
    this.statusNo = more(this.statusNo, new Uint32Array(capacity))
    this.times = more(this.times, new Float64Array(capacity))
  }
}

/**
 * The final log of a replay, and where its tentative entries are: the final log of the replay
 * resumed (`shared`: its first `base` entries) extended by `fresh[0, n)`, and `fresh` from `n` on.
 * Appends to `shared` itself when nothing follows its first `base` entries: final entries never
 * change, so every replay that read `shared` before still reads its own first entries (a replay
 * takes those, never the columns' length). A resumed replay then copies none of the final log
 * (at 100,000 acts it copied 0.8 MB per act arriving; docs/performance.md).
 */
export function splitLog (shared: LogColumns | undefined, base: number, fresh: LogColumns, n: number): { final: LogColumns, tentative: LogColumns, from: number } {
  if (shared === undefined) {
    // A full replay: its own entries are the final log (no copy of a million entries); the
    // tentative tail, usually a few entries, moves to columns of its own.
    if (n === fresh.length) return { final: fresh, tentative: fresh, from: n }
    if (n >= fresh.length - n) return { final: fresh, tentative: fresh.cut(n), from: 0 }
    return { final: fresh.copy(n), tentative: fresh, from: n }
  }
  const final = shared.length === base ? shared : shared.copy(base)
  final.append(fresh, 0, n)
  return { final, tentative: fresh, from: n }
}

/**
 * The merged log of one replay, read by position without building it (the interfaces read a
 * page, or scan act ids: src/api/views.ts). Positions are integers from 0 to `length - 1`, final
 * entries first; `actId`, `timeMs` and `act` do not check theirs (they are the scans' inner loop),
 * `at` does.
 */
export interface MergedLog {
  readonly length: number
  /** Entries that are final (the first ones). */
  readonly finalCount: number
  /**
   * Entry `i` as an object (built on each call).
   * @throws RangeError when `i` is not an integer position of the log (a programmer error)
   */
  at: (i: number) => LogEntry
  actId: (i: number) => ActId
  /** ms since the epoch, or null for an act that did not decode. */
  timeMs: (i: number) => number | null
  /** The act of entry `i` when it is in memory (else read it from its block: GasNode.readActs). */
  act: (i: number) => SignedAct | undefined
  /** Entries [start, end) as objects, clamped to the log (positions truncated to integers, as Array.slice does). */
  slice: (start: number, end?: number) => LogEntry[]
}

/**
 * The merged log whose first `finalCount` entries are the first of `final`, followed by the
 * entries of `tentative` from position `from` on.
 */
export function mergedLog (final: LogColumns, finalCount: number, tentative: LogColumns, from: number): MergedLog {
  const length = finalCount + tentative.length - from
  const cols = (i: number): [LogColumns, number] => (i < finalCount ? [final, i] : [tentative, i - finalCount + from])
  const log: MergedLog = {
    length,
    finalCount,
    at (i) {
      if (!(Number.isInteger(i) && i >= 0 && i < length)) throw new RangeError(`log entry ${i} of ${length}`)
      const [c, k] = cols(i)
      return c.entry(k, i, i < finalCount)
    },
    actId: (i) => (i < finalCount ? final.actId(i) : tentative.actId(i - finalCount + from)),
    timeMs: (i) => (i < finalCount ? final.timeMs(i) : tentative.timeMs(i - finalCount + from)),
    act: (i) => (i < finalCount ? final.act(i) : tentative.act(i - finalCount + from)),
    slice (start, end = length) {
      const out: LogEntry[] = []
      for (let i = Math.max(0, Math.trunc(start)); i < Math.min(length, Math.trunc(end)); i++) out.push(log.at(i))
      return out
    }
  }
  return log
}
