/**
 * Merge and fold (SPEC §5): walks the graph's total order, skips blocks whose writer is not an
 * admin at that point of the order (or whose writer's feed does not yet link to the act that
 * elected them), folds every act, and computes the final prefix. Pure: same graph, same result.
 *
 * Finality (see docs/ordering.md): walking the order from the start, a block that carries acts
 * and is not skipped is final when the blocks before it are final and the latest known block of
 * every admin at that point of the order causally includes it. Acknowledgements (blocks with no
 * acts) and skipped blocks change no state and need no acknowledgement.
 */
import { applyAct, type Outcome } from '../fold/fold.js'
import { cloneState, createState, type GroupState } from '../fold/state.js'
import type { SignedAct } from '../acts/types.js'
import type { ActId, GroupId, MemberId } from '../ids.js'
import { includes, type Graph, type GraphNode } from './graph.js'

/** The group a node follows: its id and founder (the invite carries both). */
export interface GroupRef {
  groupId: GroupId
  founder: MemberId
}

/** Why a block's acts were not folded. */
export type SkipReason = 'NOT_A_WRITER' | 'NO_ELECTION_LINK' | 'NOT_GENESIS'

/** One act in the merged order, with what happened to it. */
export interface LogEntry {
  /** Position in the merged log, from 0. */
  seq: number
  actId: ActId
  feed: MemberId
  index: number
  L: number
  /** 'applied', 'duplicate', a rejection code, a decode refusal code, or a skip reason. */
  status: Outcome | SkipReason | string
  /** True once the act's block is in the final prefix (confirmed). */
  final: boolean
  /** The act, when it decoded. */
  act?: SignedAct
}

/** Result of a replay. */
export interface Replay {
  /** State after every usable block (tentative). */
  state: GroupState
  /** State at the end of the final prefix (confirmed). */
  confirmed: GroupState
  log: LogEntry[]
  /** Number of log entries that are final (they are the first ones). */
  finalCount: number
  /** Usable blocks in the order, and how many of them are in the final prefix. */
  blocks: number
  finalBlocks: number
}

function skipReason (s: GroupState, n: GraphNode, g: GroupRef): SkipReason | null {
  if (s.groupId === null) return n.feed === g.founder && n.index === 0 ? null : 'NOT_GENESIS'
  if (!s.admins.has(n.feed)) return 'NOT_A_WRITER'
  const since = s.adminSince.get(n.feed)
  if (since !== undefined && !includes(n, since.feed, since.index)) return 'NO_ELECTION_LINK'
  return null
}

function acknowledgedByAll (graph: Graph, s: GroupState, n: GraphNode): boolean {
  for (const w of s.admins) {
    if (!includes(graph.latest(w), n.feed, n.index)) return false
  }
  return true
}

/** Merges and folds the whole graph for group `g`. */
export function replay (graph: Graph, g: GroupRef): Replay {
  const state = createState()
  let confirmed: GroupState | null = null
  const log: LogEntry[] = []
  let finalCount = 0
  let finalBlocks = 0
  const order = graph.order()
  for (const n of order) {
    const skip = skipReason(state, n, g)
    if (confirmed === null && n.acts.length > 0 && skip === null && !acknowledgedByAll(graph, state, n)) {
      confirmed = cloneState(state)
    }
    const final = confirmed === null
    if (final) finalBlocks++
    for (const e of n.acts) {
      let status: string
      if (skip !== null) status = skip
      else if (!e.ok) status = e.code
      else if (state.groupId === null && (e.act.body.type !== 'CreateGroup' || e.act.id !== g.groupId || e.act.author !== g.founder)) status = 'NOT_GENESIS'
      else status = applyAct(state, e.act, { feed: n.feed, index: n.index })
      log.push({ seq: log.length, actId: e.ok ? e.act.id : e.id, feed: n.feed, index: n.index, L: n.L, status, final, act: e.ok ? e.act : undefined })
      if (final) finalCount++
    }
  }
  return { state, confirmed: confirmed ?? state, log, finalCount, blocks: order.length, finalBlocks }
}
