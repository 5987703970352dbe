/**
 * What the final prefix waits for at each block of a walk (SPEC §5, docs/ordering.md §3–4):
 * acknowledgements of the admins, removals that waive them, and the vouchers' extra needs
 * (vouchedNeeds in search.ts). Used by the walk of replay.ts; pure.
 */
import type { GroupState } from '../fold/state.js'
import type { MemberId } from '../ids.js'
import { includes, type Graph, type GraphNode } from './graph.js'
import { removalAfter } from './removals.js'
import type { BlockRef, FreezeAt, SkipReason } from './replay-types.js'
import type { Extra } from './search.js'

/** Finality bookkeeping (SPEC §5): the running `need` and who the first unconfirmable block waits for. */
export interface Need {
  /** The final prefix cannot end before this position (Infinity: it cannot grow any more). */
  pos: number
  waitingFor: MemberId[]
  /** Vouchers that the admins in waitingFor must include (see {@link Replay.awaits}). */
  awaits: BlockRef[]
}

/**
 * Raises `need` for block `n` at `pos` (docs/ordering.md §3): a frozen block with acts waits for
 * its removal; a folded block with acts waits for every admin whose latest block does not include
 * it, unless a removal of that admin at or after `pos` waives it — a removal by the members
 * always, a removal by the admins only while the admins that do acknowledge are a strict majority.
 */
export function finalityNeed (need: Need, graph: Graph, state: GroupState, freezes: ReadonlyMap<MemberId, FreezeAt[]>, n: GraphNode, pos: number, skip: SkipReason | null, fz: FreezeAt | undefined): void {
  if (need.pos === Infinity || n.acts.length === 0) return
  // A frozen block with acts is confirmed with its removal; a frozen acknowledgement changes no
  // state and no log entry either way.
  if (fz !== undefined) { need.pos = Math.max(need.pos, fz.pos); return }
  if (skip !== null) return
  const waived: MemberId[] = []
  /** Per waived admin: the earliest removal at or after pos, and the earliest the members carried. */
  let weakPos = -1
  let strongPos = -1
  let byMembers = 0
  for (const w of state.admins) {
    if (includes(graph.latest(w), n.feed, n.index)) continue
    const list = freezes.get(w)
    const waiver = removalAfter(list, pos)
    if (waiver === undefined) {
      need.waitingFor.push(w)
      need.pos = Infinity // b waits for w; the waived ones are still listed below when they must ack
      continue
    }
    waived.push(w)
    const strong = list!.find((f) => f.byMembers && f.pos >= pos)
    weakPos = Math.max(weakPos, waiver.pos)
    if (strong !== undefined) byMembers++
    strongPos = Math.max(strongPos, strong?.pos ?? waiver.pos)
  }
  if (waived.length === 0) return
  // Waivers by the admins' removals hold while the admins that must acknowledge are a strict
  // majority: two sides of a partition can never both confirm removing each other (two strict
  // majorities share an admin). Where they are not, an admin the members' votes removed counts as
  // gone (two sides' carrying votes share a member, docs/ordering.md §5), and b waits for those
  // removals; otherwise the removed writers' own acknowledgements are what confirmation waits for.
  const n0 = state.admins.size
  if (2 * (n0 - waived.length) > n0) need.pos = Math.max(need.pos, weakPos)
  else if (byMembers > 0 && 2 * (n0 - waived.length) > n0 - byMembers) need.pos = Math.max(need.pos, strongPos)
  else {
    need.pos = Infinity
    need.waitingFor.push(...waived)
  }
}

/** Raises `need` with what finality waits for beyond §3's rule at block `n` ({@link vouchedNeeds}). */
export function extraNeed (need: Need, extra: ReadonlyMap<GraphNode, Extra> | undefined, n: GraphNode): void {
  const e = extra?.get(n)
  if (e === undefined || e.pos <= need.pos) return
  if (e.pos === Infinity) {
    need.waitingFor.push(...e.waitingFor)
    need.awaits.push(...e.awaits)
  }
  need.pos = e.pos
}
