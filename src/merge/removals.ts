/**
 * Removals in the merge (SPEC §5, docs/ordering.md §4–5): which blocks vote an admin out, the
 * freezes the search starts from, the members' recoveries a block completes and whether their
 * votes carry. Pure functions of the graph and the state; src/merge/replay.ts walks with them.
 */
import type { FoldContext } from '../fold/fold.js'
import type { BlockPos, GroupState } from '../fold/state.js'
import type { MemberId } from '../ids.js'
import { UNREAD } from './entries.js'
import { includes, type Graph, type GraphNode } from './graph.js'
import type { BlockRef, FreezeAt } from './replay-types.js'

/**
 * A removal made by block `n` at `pos`: the writers who lost their last role in it (`before`: the
 * admins before it), and the admins whose removal the members completed in it (`recovered`).
 */
export interface Removals {
  before: MemberId[]
  recovered: ReadonlySet<MemberId>
}

/** Per admin named by a VoteRecover in block `n`: how many recoveries removed them before it. */
export function recoveriesBefore (n: GraphNode, state: GroupState): Map<MemberId, number> | null {
  let out: Map<MemberId, number> | null = null
  for (const e of n.acts) {
    if (!e.ok || e.act.body.type !== 'VoteRecover') continue
    out ??= new Map()
    const x = e.act.body.member
    if (!out.has(x)) out.set(x, state.recoveries.get(x) ?? 0)
  }
  return out
}

/** No admin: what a block without a VoteRecover recovered (shared, never changed). */
const NONE: ReadonlySet<MemberId> = new Set()

/** The admins a members' recovery removed in the block just folded (their count grew). */
export function recoveriesDone (state: GroupState, before: Map<MemberId, number> | null): ReadonlySet<MemberId> {
  if (before === null) return NONE
  const out = new Set<MemberId>()
  for (const [x, done] of before) if ((state.recoveries.get(x) ?? 0) > done) out.add(x)
  return out
}

/** What the fold asks the merge about block `n` ({@link FoldContext}): an object, not a closure per block. */
export class BlockContext implements FoldContext {
  constructor (private readonly graph: Graph, private readonly n: GraphNode, private readonly state: GroupState) {}

  recoveryCarried (admin: MemberId, voters: ReadonlySet<MemberId>): boolean {
    return recoveryCarried(this.graph, this.n, this.state, admin, voters)
  }

  removedOutsidePast (member: MemberId): boolean {
    const x = this.state.registrations.get(member)?.removed
    return x != null && !includes(this.n, x.pos.feed, x.pos.index)
  }
}

/**
 * Whether the members' votes `voters` carry a recovery against `target` in block `n`
 * (docs/ordering.md §5), from n's causal past alone, so every node holding n decides the same,
 * for ever. The base: the members registered in n's past, but for those whose removal every admin
 * has acknowledged in n's past (the admins at the removal, the admins now, and `target`). A voter
 * counts when those same admins (at their registration, now, and `target`) had acknowledged their
 * registration in n's past and no removal of theirs is in n's past. The counted voters must be a
 * strict majority of the base. Two
 * recoveries on the two sides of a partition then share a counted voter; puppet members
 * registered on one side alone are not acknowledged by the other side's admins, and members
 * removed on one side alone stay in the other's base.
 */
export function recoveryCarried (graph: Graph, n: GraphNode, state: GroupState, target: MemberId, voters: ReadonlySet<MemberId>): boolean {
  const c = recoveryCount(graph, (feed) => n.clock.get(feed), state, target, voters)
  return c.votes >= recoveryNeeded(c)
}

/** The figures of a members' recovery (docs/ordering.md §5): what the rule counts, and what the interfaces show. */
export interface RecoveryCount {
  /** Voters that count. */
  votes: number
  /** Members in the base: the votes carry when `2 × votes > base`. */
  base: number
  /** Members who would count if they voted (not the target): the most `votes` can reach. */
  eligible: number
}

/** The votes a recovery with counts `c` needs: a strict majority of its base. */
export function recoveryNeeded (c: RecoveryCount): number {
  return Math.floor(c.base / 2) + 1
}

/**
 * The counts of {@link recoveryCarried} against `target` for `voters`, in the causal past whose
 * length of each feed is `seen(feed)`: a block's past (the merge's rule), or everything a node
 * holds (what its interfaces show: a vote cast now would be decided on at least that).
 */
export function recoveryCount (graph: Graph, seen: (feed: MemberId) => number, state: GroupState, target: MemberId, voters: ReadonlySet<MemberId>): RecoveryCount {
  const inPast = (p: BlockPos): boolean => seen(p.feed) > p.index
  /** Whether writer `w`'s latest block in the past includes `p` (w acknowledged it). */
  const ackedBy = (w: MemberId, p: BlockPos): boolean => {
    const k = seen(w)
    return k > 0 && includes(graph.node(w, k - 1), p.feed, p.index)
  }
  const admins = [...state.admins]
  /** Whether block `p` is in the past and every one of `at`, of the admins now and `target` acknowledged it there. */
  const knownToAll = (p: BlockPos, at: readonly MemberId[]): boolean =>
    inPast(p) && ackedBy(target, p) && at.every((w) => ackedBy(w, p)) && admins.every((w) => ackedBy(w, p))
  let base = 0
  let eligible = 0
  for (const [id, r] of state.registrations) {
    if (!inPast(r.pos) || (r.removed !== null && knownToAll(r.removed.pos, r.removed.admins))) continue
    base++
    if (id !== target && (r.removed === null || !inPast(r.removed.pos)) && knownToAll(r.pos, r.admins)) eligible++
  }
  let votes = 0
  for (const v of voters) {
    const r = state.registrations.get(v)
    if (r === undefined || (r.removed !== null && inPast(r.removed.pos))) continue
    if (knownToAll(r.pos, r.admins)) votes++
  }
  return { votes, base, eligible }
}

/** True when a block of another feed includes block `n` (another writer had seen it). */
export function seenByOthers (graph: Graph, n: GraphNode): boolean {
  for (const w of graph.feedKeys()) if (w !== n.feed && includes(graph.latest(w), n.feed, n.index)) return true
  return false
}

/**
 * True when another writer, an admin at the removal (`admins`), had seen block `n` by the time
 * they acknowledged removal block `by` (or by their latest block, while they have not
 * acknowledged it): their first block that includes `by`, else their latest, includes `n`. What
 * a writer saw only after it knew of the removal does not count (docs/ordering.md §4).
 */
export function seenBeforeRemoval (graph: Graph, n: GraphNode, by: BlockRef, admins: ReadonlySet<MemberId>): boolean {
  for (const w of graph.feedKeys()) {
    const len = graph.usableLength(w)
    if (w === n.feed || len === 0 || !admins.has(w)) continue
    // The blocks of w that do not include `by` are a prefix of its feed: find where it ends.
    let lo = 0
    let hi = len
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (includes(graph.node(w, mid), by.feed, by.index)) hi = mid
      else lo = mid + 1
    }
    if (includes(graph.node(w, Math.min(lo, len - 1)), n.feed, n.index)) return true
  }
  return false
}

/** Acts that vote a writer out. */
const REMOVING = new Set(['VoteRevokeReferente', 'VoteRevokeCassiere', 'VoteRecover'])

/**
 * The freezes the search starts from (docs/ordering.md §4): one at every block that votes an
 * admin out, measured over every block of another feed up to it. Walks then drop those whose
 * removal does not happen and re-measure the others, so among the consistent sets of freezes the
 * search keeps the one that freezes, rather than the one that folds a removed writer's blocks no
 * one had seen (exhaustive checker: a removed admin's late vote undid its confirmed removal).
 */
export function candidateFreezes (graph: Graph): Map<MemberId, FreezeAt[]> {
  const out = new Map<MemberId, FreezeAt[]>()
  const seen = new Map<MemberId, number>()
  const order = graph.order()
  // Lengths seen matter only up to the last block voting someone out (most histories have none).
  let last = order.length - 1
  while (last >= 0 && !order[last].acts.some((e) => e !== UNREAD && e.ok && REMOVING.has(e.act.body.type))) last--
  for (let pos = 0; pos <= last; pos++) {
    const n = order[pos]
    for (const e of n.acts) {
      if (e === UNREAD || !e.ok || !REMOVING.has(e.act.body.type)) continue
      const x = (e.act.body as { member: MemberId }).member
      if (x === n.feed || out.get(x)?.some((f) => f.pos === pos) === true) continue
      const length = Math.max(seen.get(x) ?? 0, n.clock.get(x))
      const list = out.get(x) ?? []
      list.push({ feed: x, length, by: { feed: n.feed, index: n.index }, byMembers: e.act.body.type === 'VoteRecover', pos })
      out.set(x, list)
    }
    n.clock.forEach((k, len) => { if (k !== n.feed && (seen.get(k) ?? 0) < len) seen.set(k, len) })
  }
  return out
}

/** The earliest removal in `list` (one writer's freezes, by position) at or after pos, if any. */
export function removalAfter (list: readonly FreezeAt[] | undefined, pos: number): FreezeAt | undefined {
  if (list === undefined) return undefined
  for (const f of list) if (f.pos >= pos) return f
  return undefined
}

/** The key of a removal point (the removed writer and the removal's position) in the search's records. */
export function pointKey (feed: MemberId, pos: number): string {
  return `${feed}:${pos}`
}

/** The writer of a removal point's {@link pointKey}. */
export function writerOfPoint (key: string): MemberId {
  return key.slice(0, key.lastIndexOf(':')) as MemberId
}
