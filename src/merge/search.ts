/**
 * The search over freezes (SPEC §5, docs/ordering.md §4): what one walk of the order learns about
 * the freezes it used — F measured at each removal and after it, the removals it performed, the
 * freezes contradicted or contested — and the search's next step from it; and, once the freezes
 * are settled, what a removed writer's blocks kept by vouchers wait for (vouchedNeeds).
 * src/merge/replay.ts walks; these are pure bookkeeping over the graph's nodes.
 */
import type { MemberId } from '../ids.js'
import { includes, type GraphNode } from './graph.js'
import { pointKey, removalAfter, writerOfPoint } from './removals.js'
import type { BlockRef, FreezeAt } from './replay-types.js'

/** A block of feed `w` (at `index`) that saw `length` blocks of a removed writer. */
export interface Voucher {
  w: MemberId
  index: number
  length: number
}

/**
 * How the search broke cycles of freezes (docs/ordering.md §4), by removal point (pointKey):
 * `pinned` points keep the length F given (the larger of two lengths the walks alternated
 * between); `refused` points freeze and waive nothing.
 */
export interface Fixes {
  refused: ReadonlySet<string>
  pinned: ReadonlyMap<string, number>
}

/** A freeze to add (or, with `drop`, to remove) before the next walk. */
export interface SearchStep {
  freeze: FreezeAt
  drop: boolean
}

/** What the walk learns about the freezes it used, to judge them at its end (docs/ordering.md §4). */
export interface Judged {
  /** The first removal met whose freeze the walk did not use (or used with a smaller F). */
  pending: FreezeAt | null
  /** F measured at the removal, for every freeze performed (and the pending one). */
  atRemoval: Map<FreezeAt, number>
  /** Per such freeze, what the admins at its removal saw of the feed later: see {@link Late}. */
  late: Map<FreezeAt, Late>
  /** Every writer this walk removed, with the removal block. */
  removedAt: Array<{ x: MemberId, pos: number, by: GraphNode }>
  /**
   * Freezes that skipped a block an admin at the removal had seen before it knew of the removal,
   * with the F that keeps every such block (the largest index + 1).
   */
  contradicted: Map<FreezeAt, number>
  /** Freezes that skipped a block another writer had included, at any time. */
  contested: Set<FreezeAt>
  /**
   * Folded blocks with acts of a writer with a freeze later in the order, with the admins at
   * their position (what {@link vouchedNeeds} reads).
   */
  kept: Array<{ n: GraphNode, pos: number, admins: MemberId[] }>
}

/**
 * For a freeze of X at removal r: per admin W at r (other than X and r's author), what W's blocks
 * after r saw of X — its folded blocks written before it acknowledged r, and that acknowledgement
 * folded or not (finality counted it) — as (index in W's feed, length of X) pairs in feed order
 * (`open`: admins who have not acknowledged r yet).
 */
export interface Late {
  /** The admins at r (before its acts) but X. */
  admins: MemberId[]
  open: Set<MemberId>
  seen: Map<MemberId, Array<[number, number]>>
}

/** Opens the {@link Late} record of a freeze whose removal is at this block (admins `before` it). */
export function openLate (j: Judged, fz: FreezeAt, before: MemberId[]): void {
  if (j.late.has(fz)) return
  // The removal block is its author's acknowledgement, measured at it.
  const admins = before.filter((w) => w !== fz.feed)
  j.late.set(fz, { admins, open: new Set(admins.filter((w) => w !== fz.by.feed)), seen: new Map() })
}

/** Records what block `n` at `pos` saw of every frozen feed whose removal its writer had not acknowledged before it. */
export function measureLate (j: Judged, n: GraphNode, pos: number, folded: boolean): void {
  for (const [fz, l] of j.late) {
    if (fz.pos >= pos || !l.open.has(n.feed)) continue
    const ack = includes(n, fz.by.feed, fz.by.index)
    if (ack) l.open.delete(n.feed)
    if (!ack && !folded) continue
    const list = l.seen.get(n.feed) ?? []
    list.push([n.index, n.clock.get(fz.feed)])
    l.seen.set(n.feed, list)
  }
}

/**
 * The blocks after the removal that count in F (see {@link Late}), without what an admin W wrote
 * that a later removal of W did not see: a writer being removed, by removers who had not seen that
 * block, vouches for nothing with it (two admins removed together on one side of a partition;
 * docs/ordering.md §4).
 */
export function vouchers (j: Judged, fz: FreezeAt): Voucher[] {
  const out: Voucher[] = []
  for (const [w, list] of j.late.get(fz)?.seen ?? []) {
    let limit = Infinity
    for (const r of j.removedAt) if (r.x === w && r.pos >= fz.pos) limit = Math.min(limit, r.by.clock.get(w))
    for (const [index, length] of list) if (index < limit) out.push({ w, index, length })
  }
  return out
}

/** The part of F that blocks after the removal account for ({@link vouchers}). */
export function lateLength (j: Judged, fz: FreezeAt): number {
  let out = 0
  for (const v of vouchers(j, fz)) out = Math.max(out, v.length)
  return out
}

/** What a block waits for beyond docs/ordering.md §3's rule: a position, and who (when Infinity). */
export interface Extra {
  pos: number
  waitingFor: MemberId[]
  /** The vouchers those admins must include (usually acknowledgements, which needsAck never asks for). */
  awaits: BlockRef[]
}

/** Voucher writers beyond which only the groups {W} and all are tried (2^n subsets otherwise). */
const MAX_SUBSET_WRITERS = 10

/**
 * What a set S of voucher writers (`first`: each one's first voucher for b) needs: every asked
 * admin outside S includes every voucher of S, or its removal at or after position `from` is
 * confirmed (docs/ordering.md §4).
 */
function needOf (first: ReadonlyMap<MemberId, number>, asked: readonly MemberId[], from: number, freezes: ReadonlyMap<MemberId, FreezeAt[]>, latest: (w: MemberId) => GraphNode | undefined): Extra {
  const e: Extra = { pos: -1, waitingFor: [], awaits: [] }
  for (const a of asked) {
    if (first.has(a)) continue
    const missing = [...first].filter(([w, index]) => !includes(latest(a), w, index))
    if (missing.length === 0) continue
    const removal = removalAfter(freezes.get(a), from)
    if (removal !== undefined) { e.pos = Math.max(e.pos, removal.pos); continue }
    e.pos = Infinity
    e.waitingFor.push(a)
    for (const [w, index] of missing) if (!e.awaits.some((b) => b.feed === w && b.index === index)) e.awaits.push({ feed: w, index })
  }
  return e
}

/**
 * Finality waits for what F rests on (docs/ordering.md §4): a folded block b of a removed writer X
 * that only blocks sorting after the removal r keep (index ≥ F measured at r: its vouchers) is
 * confirmed once a later removal of the vouchers' writers cannot leave them all out of F: for
 * some non-empty set S of voucher writers, every asked admin outside S includes the first voucher
 * for b of every writer in S, or is removed at or after r (and that removal is confirmed). Asked:
 * the admins at r who were admins at b, but X (an admin elected after b is not: docs/ordering.md
 * §6 point 2). For a given S the condition only gets easier as blocks arrive. Returns, per such
 * block, the position the final prefix must reach (Infinity: admins must include vouchers).
 * Pinned freezes keep their F by the search's choice (F measured at r is the pinned one), and add
 * nothing.
 */
export function vouchedNeeds (j: Judged, performed: ReadonlySet<FreezeAt>, freezes: ReadonlyMap<MemberId, FreezeAt[]>, fixes: Fixes, latest: (w: MemberId) => GraphNode | undefined): Map<GraphNode, Extra> {
  const out = new Map<GraphNode, Extra>()
  for (const fz of performed) {
    const base = j.atRemoval.get(fz) ?? fz.length
    const late = j.late.get(fz)
    if (fz.length <= base || late === undefined || fixes.pinned.has(pointKey(fz.feed, fz.pos))) continue
    const vs = vouchers(j, fz)
    for (const { n, pos, admins } of j.kept) {
      if (n.feed !== fz.feed || pos >= fz.pos || n.index < base || n.index >= fz.length) continue
      /** Per writer, its first voucher that includes b. */
      const first = new Map<MemberId, number>()
      for (const v of vs) if (v.length > n.index && !((first.get(v.w) ?? Infinity) <= v.index)) first.set(v.w, v.index)
      if (first.size === 0) continue
      const asked = late.admins.filter((a) => admins.includes(a))
      const writers = [...first]
      const groups: Array<Array<[MemberId, number]>> = []
      if (writers.length > MAX_SUBSET_WRITERS) groups.push(...writers.map((x) => [x]), writers)
      else for (let mask = 1; mask < 1 << writers.length; mask++) groups.push(writers.filter((_, i) => (mask & (1 << i)) !== 0))
      let best: Extra | null = null
      for (const group of groups) {
        const e = needOf(new Map(group), asked, fz.pos, freezes, latest)
        if (best === null || e.pos < best.pos) best = e
        if (best.pos < 0) break
      }
      const prior = out.get(n)
      if (best !== null && (prior === undefined || best.pos > prior.pos)) out.set(n, best)
    }
  }
  return out
}

/**
 * The search's next step after a walk, or null when the freezes it used are consistent with it:
 * the pending freeze with its whole F; else an unperformed freeze to drop (one contradicted by a
 * writer who saw the block before knowing of the removal first, then one contested by any
 * writer, then the first) — but a contradicted one whose F is short of what the admins had seen
 * before the removal is raised to it instead (its F was measured short: simulation seed
 * 2216235); else a performed freeze whose F, measured over the whole walk, differs.
 */
export function nextStep (j: Judged, performed: ReadonlySet<FreezeAt>, freezes: ReadonlyMap<MemberId, FreezeAt[]>, fixes: Fixes): SearchStep | null {
  const pinned = (x: FreezeAt): boolean => fixes.pinned.has(pointKey(x.feed, x.pos))
  if (j.pending !== null) {
    const length = pinned(j.pending) ? j.pending.length : Math.max(j.pending.length, lateLength(j, j.pending))
    return { freeze: { ...j.pending, length }, drop: false }
  }
  for (const first of [j.contradicted, j.contested, null]) {
    for (const list of freezes.values()) {
      for (const x of list) {
        if (performed.has(x) || (first !== null && !first.has(x))) continue
        const seen = j.contradicted.get(x)
        if (seen !== undefined && seen > x.length && !pinned(x)) return { freeze: { ...x, length: seen }, drop: false }
        return { freeze: x, drop: true }
      }
    }
  }
  for (const x of performed) {
    if (pinned(x)) continue
    const length = Math.max(j.atRemoval.get(x) ?? x.length, lateLength(j, x))
    if (length !== x.length) return { freeze: { ...x, length }, drop: false }
  }
  return null
}

/**
 * The same cycle, where the removal of one writer moves between points with different F
 * (simulation seed 22681: F = 11 at 48 keeps the writer's vote that removes the admin whose vote
 * made the removal at 48, so it happens at 50 instead, where F = 5 freezes that vote): the
 * points of that writer met since the last cycle broken (latest first, then by key), all to be
 * pinned at the largest F. Refusing the later point instead left the departed writer removed with
 * nothing waiving them, for ever. (The moving removal's two points can be in one set of freezes
 * walked, as in that seed: a writer removed twice in one cycle, re-elected between, would have
 * both points pinned at the larger F; no seed swept has shown one.)
 */
export function movingRemoval (lengths: ReadonlyMap<string, Set<number>>, points: ReadonlyMap<string, number>, pinned: ReadonlyMap<string, number>, refused: ReadonlySet<string>): { keys: string[], length: number } | undefined {
  const byWriter = new Map<MemberId, string[]>()
  for (const k of lengths.keys()) {
    const x = writerOfPoint(k)
    if (!refused.has(k)) byWriter.set(x, [...(byWriter.get(x) ?? []), k])
  }
  const top = (keys: string[]): number => Math.max(...keys.map((k) => points.get(k)!))
  for (const [, keys] of [...byWriter].sort((a, b) => top(b[1]) - top(a[1]) || (a[0] < b[0] ? -1 : 1))) {
    const measured = new Set(keys.flatMap((k) => [...lengths.get(k)!]))
    const length = Math.max(...measured)
    if (measured.size > 1 && keys.some((k) => pinned.get(k) !== length)) return { keys, length }
  }
  return undefined
}
