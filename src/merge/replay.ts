/**
 * Merge and fold (SPEC §5): walks the graph's total order, skips blocks whose writer is not an
 * admin at that point of the order (or whose feed does not link the act that elected them, or
 * that lie past a removed writer's frozen length), folds every act, and computes the final
 * prefix. Pure: same graph, same result. docs/ordering.md states the rules and the argument.
 *
 * Freezes: when the acts of a block r make writer X lose their last role, X's feed is frozen at
 * F = the largest length of X seen by r and the non-skipped blocks of other feeds up to r, and by
 * what every other admin W at r saw until it acknowledged r (its folded blocks after r before that
 * acknowledgement, and the acknowledgement itself), but not W's blocks that a removal of W at or
 * after r did not include.
 * Blocks of X with index ≥ F that sort before r, and would otherwise be folded, are skipped
 * (`FROZEN`) wherever they arrive from. A walk goes to the end; the next one adds a removal the
 * walk met with its whole F, or drops a freeze whose removal it did not perform, or re-measures
 * an F that differs; the search stops when the freezes agree with the walk that uses them
 * (freezes are rare: one per removal). It starts from a candidate freeze at every vote against an
 * admin (candidateFreezes); unperformed freezes that skipped a block another writer had seen
 * before it knew of the removal are dropped first. When freezes undo each other in a cycle, a
 * removal point whose F swung is pinned at the larger F, else the latest removal point met is
 * refused (it freezes and waives nothing).
 *
 * Finality: position p ends a final prefix when, for every block at or before p, (a) every
 * admin at that block's position has a latest block that includes it, except a removed writer
 * whose removal block lies at or before p, as long as the admins that do acknowledge are a
 * strict majority (a removal the members' votes carried waives without that condition), and
 * (b) a FROZEN block's removal block lies at or before p, and (c) a removed writer's block that
 * only blocks sorting after its removal keep in F (vouchers) waits until no later removal of
 * their writers by the admins asked can leave them all out (vouchedNeeds). Only blocks carrying
 * acts and not skipped need acknowledgements.
 */
import { applyAct } from '../fold/fold.js'
import { cloneState, createState, type GroupState } from '../fold/state.js'
import type { MemberId } from '../ids.js'
import { UNREAD } from './entries.js'
import { extraNeed, finalityNeed, type Need } from './finality.js'
import { LogColumns, mergedLog, splitLog, withRoom } from './log.js'
import { includes, type Graph, type GraphNode } from './graph.js'
import { BlockContext, candidateFreezes, pointKey, recoveriesBefore, recoveriesDone, seenBeforeRemoval, seenByOthers, type Removals } from './removals.js'
import type { FreezeAt, GroupRef, IgnoredBlock, LogEntry, Replay, Resume, SkipReason } from './replay-types.js'
import { measureLate, movingRemoval, nextStep, openLate, vouchedNeeds, type Extra, type Fixes, type Judged } from './search.js'

export type { Freeze, GroupRef, IgnoredBlock, LogEntry, Replay, Resume, SkipReason } from './replay-types.js'


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

/** Room for a walk's log entries: the acts carried by the blocks of `order` after position `pos` ({@link withRoom}). */
function logRoom (order: readonly GraphNode[], pos: number): number {
  let n = 0
  for (let i = pos + 1; i < order.length; i++) n += order[i].acts.length
  return withRoom(n)
}

/** A finished walk, or a freeze to add (or, with `drop`, to remove) before walking again. */
type Walk =
  | { done: false, freeze: FreezeAt, drop: boolean }
  | { done: true, replay: Replay }

/** What the walk has folded so far (the tentative side): updated together by {@link foldBlock}. */
interface Folded {
  state: GroupState
  /** Entries before `log`: the final ones of the replay resumed (its Resume.log), not copied. */
  base: number
  /** The entries this walk made, from position `base` on. */
  log: LogColumns
  ignored: IgnoredBlock[]
  /** Per feed X: the largest length of X seen by a non-skipped block of another feed so far. */
  seen: Map<MemberId, number>
  /** Freezes whose removal this walk (or the one it resumes) performed. */
  performed: Set<FreezeAt>
}

/** The end of the final prefix as the walk goes: updated together by {@link markFinal}. */
interface FinalMark {
  /** Last position of the final prefix (-1: none). */
  pos: number
  /** The confirmed state once the walk has gone past the final prefix (else null). */
  snapshot: GroupState | null
  entries: number
  ignored: number
  /**
   * The raises of the walk's `seen` since the mark, each with the length before it (undefined:
   * none), to undo for the mark's own: a copy of `seen` per final block cost ~45 MB of garbage
   * per 1,000,000 acts.
   */
  undo: Array<[MemberId, number | undefined]>
  performed: Set<FreezeAt>
}

/** Folds block `n` (or lists it as ignored), and raises `seen` with its clock. */
function foldBlock (f: Folded, fin: FinalMark, g: GroupRef, graph: Graph, n: GraphNode, skip: SkipReason | null): void {
  if (skip !== null) {
    if (n.acts.length > 0) f.ignored.push({ feed: n.feed, index: n.index, L: n.L, reason: skip, actIds: n.acts.map((e) => (e.ok ? e.act.id : e.id)) })
    return
  }
  const state = f.state
  const ctx = new BlockContext(graph, n, state)
  // One position for the block's acts: the fold keeps it (where an admin was elected), never changes it.
  const at = { feed: n.feed, index: n.index }
  for (const e of n.acts) {
    let status: string
    if (e === UNREAD) throw new Error(`replay walked block ${n.feed.slice(0, 8)}:${n.index}, whose acts were not read`)
    if (!e.ok) status = e.code
    else if (state.groupId === null && (e.act.body.type !== 'CreateGroup' || e.act.id !== g.groupId || e.act.author !== g.founder)) status = 'NOT_GENESIS'
    else status = applyAct(state, e.act, at, ctx)
    if (e.ok) f.log.push(e.act.id, n.feed, n.index, n.L, status, e.act.timeMs, e.act)
    else f.log.push(e.id, n.feed, n.index, n.L, status, null)
  }
  n.clock.forEach((k, len) => {
    if (k === n.feed) return
    const was = f.seen.get(k)
    if ((was ?? 0) < len) {
      fin.undo.push([k, was])
      f.seen.set(k, len)
    }
  })
}

/**
 * The freezes block `n` at `pos` makes (docs/ordering.md §4): for every writer removed there,
 * F = the largest length of it seen up to here. Returns the freeze to add when the walk used
 * another one (or none), else records the freeze as performed and returns null.
 */
function checkRemovals (f: Folded, freezes: ReadonlyMap<MemberId, FreezeAt[]>, fixes: Fixes, n: GraphNode, pos: number, r: Removals, atRemoval: Map<FreezeAt, number>): FreezeAt | null {
  const removed = [...r.before.filter((x) => !f.state.admins.has(x))]
  for (const x of r.recovered) if (!removed.includes(x)) removed.push(x)
  for (const x of removed) {
    // A refused removal point keeps the writer's blocks and waives no acknowledgement.
    const key = pointKey(x, pos)
    if (fixes.refused.has(key)) continue
    // F depends on which blocks this walk folded: a freeze found in an earlier walk is
    // re-measured here, and the walk restarts until every F agrees with its own walk (unless a
    // cycle pinned it).
    const length = fixes.pinned.get(key) ?? Math.max(f.seen.get(x) ?? 0, n.clock.get(x))
    const byMembers = r.recovered.has(x)
    const known = freezes.get(x)?.find((k) => k.pos === pos && k.by.feed === n.feed && k.by.index === n.index)
    if (known === undefined || known.length < length || known.byMembers !== byMembers) {
      return { feed: x, length, by: { feed: n.feed, index: n.index }, byMembers, pos }
    }
    // A larger F than measured here stands only if the blocks after the removal account for it
    // (checked at the end of the walk: nextStep).
    atRemoval.set(known, length)
    f.performed.add(known)
  }
  return null
}

/** The walk's `seen` as it was at the final mark: `seen` with the raises since undone, last first. */
function seenAtMark (seen: ReadonlyMap<MemberId, number>, undo: ReadonlyArray<[MemberId, number | undefined]>): Map<MemberId, number> {
  const at = new Map(seen)
  for (let i = undo.length - 1; i >= 0; i--) {
    const [k, was] = undo[i]
    if (was === undefined) at.delete(k)
    else at.set(k, was)
  }
  return at
}

/** Moves the final mark to `pos` (everything up to it is final). */
function markFinal (fin: FinalMark, f: Folded, pos: number): void {
  fin.pos = pos
  fin.snapshot = null
  fin.entries = f.base + f.log.length
  fin.ignored = f.ignored.length
  fin.undo.length = 0
  if (f.performed.size !== fin.performed.size) fin.performed = new Set(f.performed)
}

/**
 * One walk of the order with the freezes given (docs/ordering.md §2–4). `settled`: the freezes are
 * taken as they stand (the walk measures them but proposes no next step); `extra`: what blocks
 * wait for beyond §3's rule, once computed ({@link vouchedNeeds}).
 */
function walk (graph: Graph, g: GroupRef, freezes: Map<MemberId, FreezeAt[]>, fixes: Fixes, settled: boolean, from?: Resume, extra?: ReadonlyMap<GraphNode, Extra>): Walk {
  const order = graph.order()
  const room = logRoom(order, from?.pos ?? -1)
  const f: Folded = {
    // Nothing after the final prefix: the confirmed state is the state, and nothing mutates it.
    state: from === undefined ? createState(room) : from.pos + 1 >= order.length ? from.state : cloneState(from.state),
    base: from?.logLength ?? 0,
    // Numbered as the resumed replay's final log, which its final entries are appended to in bulk (splitLog).
    log: from === undefined ? new LogColumns(room) : from.log.sibling(room),
    ignored: from === undefined ? [] : from.ignored.slice(0, from.ignoredLength),
    seen: new Map<MemberId, number>(from?.seen),
    performed: new Set<FreezeAt>(from?.performed)
  }
  const fin: FinalMark = { pos: from?.pos ?? -1, snapshot: null, entries: f.base, ignored: f.ignored.length, undo: [], performed: new Set(f.performed) }
  const need: Need = { pos: fin.pos, waitingFor: [], awaits: [] }
  const j: Judged = { pending: null, atRemoval: new Map(), late: new Map(), removedAt: [], contradicted: new Map(), contested: new Set(), kept: [] }
  /** Frozen blocks with their freeze, by the removal's position, to judge there ({@link seenBeforeRemoval}). */
  const suspects = new Map<number, Array<[FreezeAt, GraphNode]>>()
  for (let pos = fin.pos + 1; pos < order.length; pos++) {
    const n = order[pos]
    // A freeze only skips blocks that would otherwise be folded: a block that is skipped anyway
    // (its writer is not an admin there) must not wait for the removal to be confirmed.
    const reason = skipReason(f.state, n, g)
    const fz = reason === null ? frozenBy(freezes.get(n.feed), n.index, pos) : undefined
    // Whether another writer had seen a frozen block before it knew of the removal is judged at
    // the removal, among the admins there: a writer this walk does not make an admin (e.g. one the
    // frozen block itself elected) is not one whose view F counts.
    if (fz !== undefined) {
      const list = suspects.get(fz.pos)
      if (list === undefined) suspects.set(fz.pos, [[fz, n]])
      else list.push([fz, n])
    }
    for (const [x, b] of suspects.get(pos) ?? []) if (b.index + 1 > (j.contradicted.get(x) ?? 0) && seenBeforeRemoval(graph, b, x.by, f.state.admins)) j.contradicted.set(x, b.index + 1)
    if (fz !== undefined && !j.contested.has(fz) && seenByOthers(graph, n)) j.contested.add(fz)
    const skip = fz !== undefined ? 'FROZEN' : reason
    finalityNeed(need, graph, f.state, freezes, n, pos, skip, fz)
    extraNeed(need, extra, n)
    if (need.pos > pos && fin.pos === pos - 1 && fin.snapshot === null) {
      // The state here is the confirmed one: keep it and fold on into a copy (cloneState).
      if (from !== undefined && fin.pos === from.pos) fin.snapshot = from.state
      else {
        fin.snapshot = f.state
        f.state = cloneState(fin.snapshot)
      }
    }
    const folds = skip === null && n.acts.length > 0
    const before = folds ? [...f.state.admins] : null
    if (before !== null && freezes.get(n.feed)?.some((x) => x.pos > pos) === true) j.kept.push({ n, pos, admins: before })
    const recovering = folds ? recoveriesBefore(n, f.state) : null
    foldBlock(f, fin, g, graph, n, skip)
    measureLate(j, n, pos, skip === null)
    if (before !== null) {
      let removed = false
      for (const x of before) if (!f.state.admins.has(x)) { removed = true; j.removedAt.push({ x, pos, by: n }) }
      const recovered = recoveriesDone(f.state, recovering)
      // A new (or re-measured) freeze only skips blocks before this position: the walk goes on to
      // measure the rest of its F on the blocks after it, then starts again with it. (A block
      // that removed no one has none: most blocks.)
      const freeze = removed || recovered.size > 0 ? checkRemovals(f, freezes, fixes, n, pos, { before, recovered }, j.atRemoval) : null
      if (freeze !== null && j.pending === null) { j.pending = freeze; j.atRemoval.set(freeze, freeze.length) }
      for (const x of f.performed) if (x.pos === pos) openLate(j, x, before)
      if (j.pending?.pos === pos) openLate(j, j.pending, before)
    }
    if (need.pos <= pos) markFinal(fin, f, pos)
  }
  const next = settled ? null : nextStep(j, f.performed, freezes, fixes)
  if (next !== null) return { done: false, ...next }
  if (extra === undefined) {
    // The freezes are settled: a confirmed block that F keeps only by what admins saw after the
    // removal waits for that to be beyond a later removal's reach; walk again if one must. (Only
    // when the final prefix is cut: a wait of §3 before the block is then named first, and the
    // vouchers' admins on the next replay.)
    const more = vouchedNeeds(j, f.performed, freezes, fixes, (w) => graph.latest(w))
    if (j.kept.some(({ n, pos }) => pos <= fin.pos && (more.get(n)?.pos ?? -1) > fin.pos)) return walk(graph, g, freezes, fixes, true, from, more)
  }
  return { done: true, replay: finish(f, fin, need, freezes, order.length, from) }
}

/** The replay of a finished walk. */
function finish (f: Folded, fin: FinalMark, need: Need, freezes: ReadonlyMap<MemberId, FreezeAt[]>, blocks: number, from?: Resume): Replay {
  // Entries of the resumed final prefix are final already: a resumed replay costs O(its tail).
  const newlyFinal = fin.entries - f.base
  const split = splitLog(from?.log, f.base, f.log, newlyFinal)
  const entries = mergedLog(split.final, fin.entries, split.tentative, split.from)
  let log: LogEntry[] | null = null
  const all = [...freezes.values()].flat().sort((a, b) => a.pos - b.pos)
  const confirmed = fin.pos === blocks - 1 ? f.state : fin.snapshot ?? createState()
  return {
    state: f.state,
    confirmed,
    entries,
    get log () { return (log ??= entries.slice(0)) },
    logLength: entries.length,
    finalCount: fin.entries,
    blocks,
    finalBlocks: fin.pos + 1,
    ignored: f.ignored,
    freezes: all.map((x) => ({ feed: x.feed, length: x.length, by: x.by, byMembers: x.byMembers })),
    waitingFor: [...new Set(need.waitingFor)].sort(),
    awaits: need.awaits.sort((a, b) => (a.feed < b.feed ? -1 : a.feed > b.feed ? 1 : a.index - b.index)).filter((b, i, a) => i === 0 || a[i - 1].feed !== b.feed || a[i - 1].index !== b.index),
    resume: {
      pos: fin.pos,
      // The final state itself is returned as `state` and will be mutated by no one; when the
      // walk ended exactly at the final prefix, a resumed walk copies it before folding.
      state: confirmed,
      // By key: the walk filled it in clock order, which depends on the order blocks arrived in
      // (src/merge/graph.ts FeedNumbers); the checkpoint writes it.
      seen: new Map([...seenAtMark(f.seen, fin.undo)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
      log: split.final,
      logLength: fin.entries,
      ignored: f.ignored,
      ignoredLength: fin.ignored,
      // Only removals inside the final prefix: positions after it shift as blocks arrive.
      freezes: new Map([...freezes].map(([k, v]) => [k, v.filter((x) => x.pos <= fin.pos)] as [MemberId, FreezeAt[]]).filter(([, v]) => v.length > 0)),
      performed: fin.performed
    }
  }
}

/**
 * Replays by resuming after the final prefix of an earlier replay of this graph (issue 5): the
 * graph must hold the same blocks in its first `from.pos + 1` positions (callers check that new
 * blocks all sort after it). Returns null when the resumed walk meets a new freeze (or drops one),
 * or when a member signed recovery votes against two admins (Graph.doubleRecoveryVoters): only a
 * full {@link replay} decides those. Blocks of the final prefix are not read, so they may
 * carry {@link UNREAD} entries.
 */
export function resumeReplay (graph: Graph, g: GroupRef, from: Resume): Replay | null {
  // A member's recovery votes on both sides of a partition: the final prefix may not only grow, so
  // every node replays from scratch and nodes holding the same blocks agree (an audit's finding).
  if (graph.doubleRecoveryVoters.size > 0) return null
  const freezes = new Map([...from.freezes].map(([k, v]) => [k, [...v]]))
  const w = walk(graph, g, freezes, { refused: new Set(), pinned: new Map() }, false, from)
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
  const freezes = candidateFreezes(graph)
  /** Removal points whose freeze is refused (see below): the removal waives nothing there. */
  const refused = new Set<string>()
  const pinned = new Map<string, number>()
  /** Distinct removal points met: the bound on walks grows with them, not with retries. */
  const points = new Map<string, number>()
  /** The lengths F each removal point was measured at since the last cycle broken. */
  let lengths = new Map<string, Set<number>>()
  /** The sets of freezes walked since the last refusal, to see the walks go round in a cycle. */
  let walked = new Set<string>()
  /** Starts looking for cycles afresh (a cycle was broken). */
  const restart = (): void => {
    walked = new Set()
    lengths = new Map()
  }
  /** Pins removal points `keys` at F `length`, and restarts. */
  const pin = (keys: readonly string[], length: number): void => {
    for (const k of keys) pinned.set(k, length)
    for (const [x, list] of freezes) freezes.set(x, list.map((f) => (keys.includes(pointKey(f.feed, f.pos)) ? { ...f, length } : f)))
    restart()
  }
  for (let walks = 1; ; walks++) {
    const w = walk(graph, g, freezes, { refused, pinned }, walks > WALKS_PER_FREEZE * (points.size + 2))
    if (w.done) return w.replay
    const point = pointKey(w.freeze.feed, w.freeze.pos)
    points.set(point, w.freeze.pos)
    if (!w.drop) {
      const seen = lengths.get(point) ?? new Set<number>()
      seen.add(w.freeze.length)
      lengths.set(point, seen)
    }
    const list = (freezes.get(w.freeze.feed) ?? []).filter((f) => f.pos !== w.freeze.pos)
    if (!w.drop) list.push(w.freeze)
    list.sort((a, b) => a.pos - b.pos)
    freezes.set(w.freeze.feed, list)
    // Freezes that undo each other go round in a cycle with no fixed point (simulation seed
    // 1250: a removal at 23, and a step-down at 48 whose freeze skips a vote of the first).
    // Then the latest removal point met is refused: it removes the writer but freezes nothing
    // and waives no acknowledgement, and the earlier removals stand.
    const signature = [...freezes.values()].flat().map((f) => `${pointKey(f.feed, f.pos)}@${f.length}${f.byMembers ? 'm' : ''}`).sort().join(',')
    if (!walked.has(signature)) { walked.add(signature); continue }
    // A cycle in which one removal point's F went back and forth (simulation seed 184257: the
    // larger F keeps a vote that removes the writer whose block had seen it, which freezes that
    // block, which lowers F): that point keeps the larger F, and the walks go on from there.
    // Refusing it instead would waive nothing, and a departed writer would hold finality for ever.
    const swinging = [...lengths].filter(([k, v]) => v.size > 1 && !pinned.has(k) && !refused.has(k)).sort((a, b) => points.get(b[0])! - points.get(a[0])! || (a[0] < b[0] ? -1 : 1))[0]
    if (swinging !== undefined) {
      pin([swinging[0]], Math.max(...swinging[1]))
      continue
    }
    const moving = movingRemoval(lengths, points, pinned, refused)
    if (moving !== undefined) {
      pin(moving.keys, moving.length)
      continue
    }
    const latest = [...points].filter(([k]) => !refused.has(k)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]
    if (latest === undefined) continue
    refused.add(latest[0])
    for (const [k, v] of freezes) freezes.set(k, v.filter((f) => pointKey(f.feed, f.pos) !== latest[0]))
    restart()
  }
}
