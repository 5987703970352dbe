/**
 * Merge and fold (SPEC §5): walks the graph's total order, skips blocks whose writer is not an
 * admin at that point of the order (or whose feed does not link the act that elected them, or
 * that lie past a removed writer's frozen length), folds every act, and computes the final
 * prefix. Pure: same graph, same result. docs/ordering.md states the rules and the argument.
 *
 * Freezes: when the acts of a block r make writer X lose their last role, X's feed is frozen at
 * F = the largest length of X that any non-skipped block of another feed up to and including r
 * had seen. Blocks of X with index ≥ F that sort before r, and would otherwise be folded, are
 * skipped (`FROZEN`) wherever they arrive from. The walk restarts when it finds a removal, or
 * measures an F different from the one it used, or did not perform a removal a freeze rests on
 * (that freeze is dropped); it stops when the freezes agree with the walk that uses them (freezes
 * are rare: one per removal).
 *
 * Finality: position p ends a final prefix when, for every block at or before p, (a) every
 * admin at that block's position has a latest block that includes it, except a removed writer
 * whose removal block lies at or before p, as long as the admins that do acknowledge are a
 * strict majority, and (b) a FROZEN block's removal block lies at or before p. Only blocks
 * carrying acts and not skipped need acknowledgements.
 */
import { applyAct, type Outcome } from '../fold/fold.js'
import { cloneState, createState, type GroupState } from '../fold/state.js'
import type { SignedAct } from '../acts/types.js'
import type { ActId, GroupId, MemberId } from '../ids.js'
import { UNREAD } from './entries.js'
import { includes, type Graph, type GraphNode } from './graph.js'

/** The group a node follows: its id and founder (the invite carries both). */
export interface GroupRef {
  groupId: GroupId
  founder: MemberId
}

/** Why a block's acts were not folded. */
export type SkipReason = 'NOT_A_WRITER' | 'NO_ELECTION_LINK' | 'NOT_GENESIS' | 'FROZEN'

/** One act in the merged order (acts of skipped blocks are not in it: see {@link IgnoredBlock}). */
export interface LogEntry {
  /** Position in the merged log, from 0. Stable once final. */
  seq: number
  actId: ActId
  feed: MemberId
  index: number
  L: number
  /** 'applied', 'duplicate', a rejection code, or a decode refusal code (BAD_SIGNATURE, ...). */
  status: Outcome | string
  /** True once the act's block is in the final prefix (confirmed). */
  final: boolean
  /** The act's own time, ms since the epoch (display only), when it decoded. */
  timeMs: number | null
  /**
   * The act, when it decoded. Absent also on final entries restored from a checkpoint
   * (src/node/checkpoint.ts): read the act from its block (feed, index) when it is needed.
   */
  act?: SignedAct
}

/** A block carrying acts that the merge skipped, with the reason (SPEC §5 writers rule). */
export interface IgnoredBlock {
  feed: MemberId
  index: number
  L: number
  reason: SkipReason
  /** Ids of the acts it carried (none of them folded). */
  actIds: ActId[]
}

/** A writer's feed frozen by their removal (SPEC §5 dead or departed writers). */
export interface Freeze {
  /** The removed writer. */
  feed: MemberId
  /** Blocks of `feed` with index ≥ length that sort before the removal are skipped. */
  length: number
  /** The block whose acts removed the writer. */
  by: { feed: MemberId, index: number }
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
  /** Skipped blocks that carried acts, in order. */
  ignored: IgnoredBlock[]
  /** Freezes in force, in order of their removal block. */
  freezes: Freeze[]
  /**
   * Admins (sorted) whose acknowledgement the first block that cannot be confirmed waits for;
   * empty when everything is final. A departed admin listed here is removed by vote (SPEC §5);
   * a removed writer listed here acknowledges (see GasNode.needsAck).
   */
  waitingFor: MemberId[]
  /** Where a later replay of the same graph, grown only after the final prefix, may resume. */
  resume: Resume
}

/**
 * The walk's own variables at the end of the final prefix (issue 5): a later replay whose new
 * blocks all sort after `pos` starts there instead of at position 0. Opaque to callers.
 */
export interface Resume {
  /** Last position of the final prefix (-1: none). */
  readonly pos: number
  /** The confirmed state (never mutated: a resumed walk folds into a copy). */
  readonly state: GroupState
  readonly seen: ReadonlyMap<MemberId, number>
  readonly log: readonly LogEntry[]
  readonly logLength: number
  readonly ignored: readonly IgnoredBlock[]
  readonly ignoredLength: number
  readonly freezes: ReadonlyMap<MemberId, readonly FreezeAt[]>
  readonly performed: ReadonlySet<FreezeAt>
}

interface FreezeAt extends Freeze {
  /** Position of the removal block in the order. */
  pos: number
}

function skipReason (s: GroupState, n: GraphNode, g: GroupRef): SkipReason | null {
  if (s.groupId === null) return n.feed === g.founder && n.index === 0 ? null : 'NOT_GENESIS'
  if (!s.admins.has(n.feed)) return 'NOT_A_WRITER'
  const since = s.adminSince.get(n.feed)
  if (since !== undefined && !includes(n, since.feed, since.index)) return 'NO_ELECTION_LINK'
  return null
}

/** The freeze of `feed` that skips block (feed, index) at position pos, if any. */
function frozenBy (list: FreezeAt[] | undefined, index: number, pos: number): FreezeAt | undefined {
  if (list === undefined) return undefined
  for (const f of list) if (pos < f.pos && index >= f.length) return f
  return undefined
}

/** The earliest removal of `w` at or after pos (it waives w's acknowledgement), if any. */
function removalAfter (list: FreezeAt[] | undefined, pos: number): FreezeAt | undefined {
  if (list === undefined) return undefined
  for (const f of list) if (f.pos >= pos) return f
  return undefined
}

/** A finished walk, or a freeze to add (or, with `drop`, to remove) before walking again. */
type Walk =
  | { done: false, freeze: FreezeAt, drop: boolean }
  | { done: true, replay: Replay }

function walk (graph: Graph, g: GroupRef, freezes: Map<MemberId, FreezeAt[]>, settled: boolean, from?: Resume): Walk {
  const order = graph.order()
  // Nothing after the final prefix: the confirmed state is the state, and nothing mutates it.
  let state = from === undefined ? createState() : from.pos + 1 >= order.length ? from.state : cloneState(from.state)
  const log: LogEntry[] = from === undefined ? [] : from.log.slice(0, from.logLength)
  const ignored: IgnoredBlock[] = from === undefined ? [] : from.ignored.slice(0, from.ignoredLength)
  /** Per feed X: the largest length of X seen by a non-skipped block of another feed so far. */
  let seen = new Map<MemberId, number>(from?.seen)
  let need = from?.pos ?? -1 // the final prefix cannot end before this position
  let lastFinal = need
  // The state at the end of the final prefix, when the walk has gone past it.
  let snapshot: GroupState | null = null
  let finalEntries = log.length
  let finalIgnored = ignored.length
  let finalSeen = seen
  /** Admins whose acknowledgement the first unconfirmable block waits for. */
  const waitingFor: MemberId[] = []
  /** Freezes whose removal this walk (or the one it resumes) performed. */
  const performed = new Set<FreezeAt>(from?.performed)
  let performedAtFinal = new Set(performed)
  for (let pos = lastFinal + 1; pos < order.length; pos++) {
    const n = order[pos]
    // A freeze only skips blocks that would otherwise be folded: a block that is skipped anyway
    // (its writer is not an admin there) must not wait for the removal to be confirmed.
    const reason = skipReason(state, n, g)
    const fz = reason === null ? frozenBy(freezes.get(n.feed), n.index, pos) : undefined
    const skip = fz !== undefined ? 'FROZEN' : reason
    let before: MemberId[] | null = null
    if (need !== Infinity) {
      // A frozen block with acts is confirmed with its removal; a frozen acknowledgement
      // changes no state and no log entry either way.
      if (fz !== undefined) { if (n.acts.length > 0) need = Math.max(need, fz.pos) }
      else if (skip === null && n.acts.length > 0) {
        const waived: MemberId[] = []
        for (const w of state.admins) {
          if (includes(graph.latest(w), n.feed, n.index)) continue
          const waiver = removalAfter(freezes.get(w), pos)
          if (waiver === undefined) waitingFor.push(w)
          else waived.push(w)
          need = Math.max(need, waiver?.pos ?? Infinity)
        }
        // Waivers only while the admins that must acknowledge are a strict majority: two sides
        // of a partition can never both confirm removing each other. Otherwise the removed
        // writers' own acknowledgements are what confirmation waits for.
        if (waived.length > 0 && 2 * (state.admins.size - waived.length) <= state.admins.size) {
          need = Infinity
          waitingFor.push(...waived)
        }
      }
      if (need > pos && lastFinal === pos - 1 && snapshot === null) {
        // The state here is the confirmed one: keep it and fold on into a copy (cloneState).
        if (from !== undefined && lastFinal === from.pos) snapshot = from.state
        else {
          snapshot = state
          state = cloneState(snapshot)
        }
      }
    }
    if (skip !== null) {
      if (n.acts.length > 0) ignored.push({ feed: n.feed, index: n.index, L: n.L, reason: skip, actIds: n.acts.map((e) => (e.ok ? e.act.id : e.id)) })
    } else {
      if (n.acts.length > 0) before = [...state.admins]
      for (const e of n.acts) {
        let status: string
        if (e === UNREAD) throw new Error(`replay walked block ${n.feed.slice(0, 8)}:${n.index}, whose acts were not read`)
        if (!e.ok) status = e.code
        else if (state.groupId === null && (e.act.body.type !== 'CreateGroup' || e.act.id !== g.groupId || e.act.author !== g.founder)) status = 'NOT_GENESIS'
        else status = applyAct(state, e.act, { feed: n.feed, index: n.index })
        log.push({ seq: log.length, actId: e.ok ? e.act.id : e.id, feed: n.feed, index: n.index, L: n.L, status, final: false, timeMs: e.ok ? e.act.timeMs : null, act: e.ok ? e.act : undefined })
      }
      for (const [k, len] of n.clock) {
        if (k !== n.feed && (seen.get(k) ?? 0) < len) {
          if (seen === finalSeen) seen = new Map(seen) // copy on write: finalSeen is kept for resuming
          seen.set(k, len)
        }
      }
    }
    if (before !== null && !settled) {
      for (const x of before) {
        if (state.admins.has(x)) continue
        // F depends on which blocks this walk folded: a freeze found in an earlier walk is
        // re-measured here, and the walk restarts until every F agrees with its own walk.
        const length = Math.max(seen.get(x) ?? 0, n.clock.get(x) ?? 0)
        const known = freezes.get(x)?.find((f) => f.pos === pos && f.by.feed === n.feed && f.by.index === n.index)
        if (known === undefined || known.length !== length) {
          return { done: false, freeze: { feed: x, length, by: { feed: n.feed, index: n.index }, pos }, drop: false }
        }
        performed.add(known)
      }
    }
    if (need <= pos) {
      lastFinal = pos
      snapshot = null
      finalEntries = log.length
      finalIgnored = ignored.length
      finalSeen = seen
      if (performed.size !== performedAtFinal.size) performedAtFinal = new Set(performed)
    }
  }
  if (!settled) {
    // A freeze whose removal this walk did not perform (an earlier walk folded blocks that this
    // one skips, e.g. a frozen writer's vote) is dropped, and the walk runs again without it.
    for (const list of freezes.values()) {
      for (const f of list) if (!performed.has(f)) return { done: false, freeze: f, drop: true }
    }
  }
  // Entries of the resumed final prefix are final already: a resumed replay costs O(its tail).
  for (let i = from?.logLength ?? 0; i < finalEntries; i++) log[i].final = true
  const all = [...freezes.values()].flat().sort((a, b) => a.pos - b.pos)
  const confirmed = lastFinal === order.length - 1 ? state : snapshot ?? createState()
  return {
    done: true,
    replay: {
      state,
      confirmed,
      log,
      finalCount: finalEntries,
      blocks: order.length,
      finalBlocks: lastFinal + 1,
      ignored,
      freezes: all.map((f) => ({ feed: f.feed, length: f.length, by: f.by })),
      waitingFor: waitingFor.sort(),
      resume: {
        pos: lastFinal,
        // The final state itself is returned as `state` and will be mutated by no one; when the
        // walk ended exactly at the final prefix, a resumed walk copies it before folding.
        state: confirmed,
        seen: finalSeen,
        log,
        logLength: finalEntries,
        ignored,
        ignoredLength: finalIgnored,
        // Only removals inside the final prefix: positions after it shift as blocks arrive.
        freezes: new Map([...freezes].map(([k, v]) => [k, v.filter((f) => f.pos <= lastFinal)] as [MemberId, FreezeAt[]]).filter(([, v]) => v.length > 0)),
        performed: performedAtFinal
      }
    }
  }
}

/**
 * Replays by resuming after the final prefix of an earlier replay of this graph (issue 5): the
 * graph must hold the same blocks in its first `from.pos + 1` positions (callers check that new
 * blocks all sort after it). Returns null when the resumed walk meets a new freeze (or drops one):
 * only a full {@link replay} decides those. Blocks of the final prefix are not read, so they may
 * carry {@link UNREAD} entries.
 */
export function resumeReplay (graph: Graph, g: GroupRef, from: Resume): Replay | null {
  const freezes = new Map([...from.freezes].map(([k, v]) => [k, [...v]]))
  const w = walk(graph, g, freezes, false, from)
  return w.done ? w.replay : null
}

/** Walks allowed per freeze before the freezes are taken as they stand (a safety bound). */
const WALKS_PER_FREEZE = 4

/**
 * Merges and folds the whole graph for group `g` (SPEC §5). Walks until the freezes it finds are
 * consistent with the walk that uses them (normally one walk, plus one per removal).
 */
export function replay (graph: Graph, g: GroupRef, from?: Resume): Replay {
  if (from !== undefined) {
    const r = resumeReplay(graph, g, from)
    if (r !== null) return r
  }
  const freezes = new Map<MemberId, FreezeAt[]>()
  /** Distinct removal points met: the bound on walks grows with them, not with retries. */
  const points = new Set<string>()
  for (let walks = 1; ; walks++) {
    const w = walk(graph, g, freezes, walks > WALKS_PER_FREEZE * (points.size + 2))
    if (w.done) return w.replay
    points.add(`${w.freeze.feed}:${w.freeze.pos}`)
    const list = (freezes.get(w.freeze.feed) ?? []).filter((f) => f.pos !== w.freeze.pos)
    if (!w.drop) list.push(w.freeze)
    list.sort((a, b) => a.pos - b.pos)
    freezes.set(w.freeze.feed, list)
  }
}
