/**
 * A naive reference of docs/ordering.md §1–4 (issue 13): the order, the walk with its skip
 * reasons, the freezes and the final prefix, written from the document's sentences and not from
 * src/merge/replay.ts. Slow on purpose: every walk starts from scratch, F is measured by scanning
 * every earlier position, and the final prefix is found by trying every position. Only the fold
 * of single acts (src/fold) is shared with the code under test.
 *
 * Where the document leaves a choice open, the choice made here is marked "DOC:". The members'
 * recovery (VoteRecover, docs/ordering.md §5) is not modelled: the checker's alphabet has no such
 * vote, so every removal here is the admins', under the majority rule.
 */
import { applyAct } from '../../src/fold/fold.js'
import { cloneState, createState, type GroupState } from '../../src/fold/state.js'
import type { MemberId } from '../../src/ids.js'
import type { ActEntry } from '../../src/merge/entries.js'
import type { GroupRef } from '../../src/merge/replay.js'

/** A held block: its feed, index, links (feed, length) and acts. */
export interface RefBlock {
  feed: MemberId
  index: number
  links: ReadonlyArray<{ feed: MemberId, length: number }>
  acts: ActEntry[]
}

interface RNode {
  feed: MemberId
  index: number
  L: number
  clock: Map<MemberId, number>
  acts: ActEntry[]
}

/** A removal found by a walk: X lost their last role by the acts of the block at `pos`. */
export interface RefFreeze {
  x: MemberId
  pos: number
  F: number
}

/** What a walk measured of a removal beyond its F: F at r alone, and the later blocks that count. */
interface Measured {
  base: number
  /** Positions of the blocks after r that count in F (see §4). */
  late: number[]
}

/** What the walk decided at one position. */
export interface RefRow {
  feed: MemberId
  index: number
  skip: 'NOT_GENESIS' | 'NOT_A_WRITER' | 'NO_ELECTION_LINK' | 'FROZEN' | null
  /** For FROZEN: the position of the removal whose freeze skipped it. */
  frozenBy: number
  /** Admins at this position (before the block's acts). */
  admins: MemberId[]
  acts: number
  /** Log entries of this block: [start, end). */
  logStart: number
  logEnd: number
}

/** The reference's result. */
export interface RefResult {
  /** "feed:index" of every block in the order. */
  order: string[]
  rows: RefRow[]
  /** "feed:index:actId:status" for every log entry. */
  log: string[]
  freezes: RefFreeze[]
  finalBlocks: number
  finalCount: number
  state: GroupState
  confirmed: GroupState
  /**
   * How the freezes used were chosen (§4): 'agree' the code's freezes are the one consistent set
   * the document's procedure reaches; 'ambiguous' the code's are consistent and the procedure
   * (by the freeze it drops first) also reaches others; 'code-only' the code's are consistent,
   * the procedure reaches none or others only; 'code-inconsistent' the code's freezes are not
   * consistent but the procedure reaches a consistent set (used here); 'cycle' the procedure
   * reaches no consistent set, whatever it drops (the document says only that the freezes are
   * then "taken as they stand"); 'unexplored' the exploration bound was hit.
   */
  freezeCase: 'agree' | 'ambiguous' | 'code-only' | 'code-inconsistent' | 'cycle' | 'unexplored'
  /** The consistent sets of freezes the document's procedure reaches. */
  fixedPoints: RefFreeze[][]
  walks: number
}

/** Sets of freezes the exploration of §4's procedure may meet. */
const MAX_STATES = 256

/** A freeze as replay reports it. */
export interface CodeFreeze {
  feed: MemberId
  length: number
  by: { feed: MemberId, index: number }
}

/**
 * Replays the held blocks (every link satisfied) for group g by the document's rules. With
 * `code`, the freezes replay settled on are used when they are consistent (§4), so that a choice
 * the document leaves open is not reported as a disagreement (see {@link RefResult.freezeCase}).
 */
export function referenceReplay (feeds: ReadonlyMap<MemberId, readonly RefBlock[]>, g: GroupRef, code?: readonly CodeFreeze[]): RefResult {
  // §1: L and clocks from the blocks themselves.
  const nodes = new Map<string, RNode>()
  const nodeOf = (feed: MemberId, index: number): RNode => {
    const k = `${feed}:${index}`
    const known = nodes.get(k)
    if (known !== undefined) return known
    const b = feeds.get(feed)?.[index]
    if (b === undefined) throw new Error(`reference: block ${k} is not held (links must be satisfied)`)
    const parents: RNode[] = []
    if (index > 0) parents.push(nodeOf(feed, index - 1))
    for (const l of b.links) parents.push(nodeOf(l.feed, l.length - 1))
    let L = 0
    const clock = new Map<MemberId, number>()
    for (const p of parents) {
      L = Math.max(L, p.L)
      for (const [f, n] of p.clock) clock.set(f, Math.max(clock.get(f) ?? 0, n))
    }
    clock.set(feed, index + 1)
    const n: RNode = { feed, index, L: L + 1, clock, acts: b.acts }
    nodes.set(k, n)
    return n
  }
  const all: RNode[] = []
  for (const [feed, list] of feeds) list.forEach((_, i) => all.push(nodeOf(feed, i)))
  // Order by (L, writer key bytes, index): keys are lowercase hex of equal length.
  all.sort((a, b) => (a.L - b.L) || (a.feed === b.feed ? a.index - b.index : a.feed < b.feed ? -1 : 1))
  const latest = new Map<MemberId, RNode>()
  for (const [feed, list] of feeds) if (list.length > 0) latest.set(feed, nodeOf(feed, list.length - 1))
  const includes = (w: RNode | undefined, b: RNode): boolean => w !== undefined && (w.clock.get(b.feed) ?? 0) > b.index

  interface Walked { rows: RefRow[], log: string[], removals: RefFreeze[], measured: Measured[], state: GroupState, states: GroupState[] }
  /** §2 and §4: one whole walk with the freezes `phi`, and the removals it performs. */
  const walk = (phi: RefFreeze[], keepStates: boolean): Walked => {
    let state = createState()
    const rows: RefRow[] = []
    const log: string[] = []
    const removals: RefFreeze[] = []
    const states: GroupState[] = []
    /** The block whose acts made each admin an admin. */
    const electedBy = new Map<MemberId, RNode>()
    for (let pos = 0; pos < all.length; pos++) {
      const n = all[pos]
      if (keepStates) {
        // The state before this position is kept; the walk folds on into a copy (a state that
        // was copied is never folded into again: ActIdSet.fork).
        states.push(state)
        state = cloneState(state)
      }
      let skip: RefRow['skip'] = null
      if (state.groupId === null) {
        if (!(n.feed === g.founder && n.index === 0)) skip = 'NOT_GENESIS'
      } else if (!state.admins.has(n.feed)) skip = 'NOT_A_WRITER'
      else if (electedBy.has(n.feed) && !includes(n, electedBy.get(n.feed)!)) skip = 'NO_ELECTION_LINK'
      let frozenBy = -1
      if (skip === null) {
        // DOC: when several freezes of the feed cover the block, the earliest removal froze it.
        for (const f of phi) {
          if (f.x === n.feed && n.index >= f.F && pos < f.pos && (frozenBy < 0 || f.pos < frozenBy)) frozenBy = f.pos
        }
        if (frozenBy >= 0) skip = 'FROZEN'
      }
      const admins = [...state.admins]
      const logStart = log.length
      if (skip === null) {
        for (const e of n.acts) {
          let status: string
          if (!e.ok) status = e.code
          else if (state.groupId === null && (e.act.body.type !== 'CreateGroup' || e.act.id !== g.groupId || e.act.author !== g.founder)) status = 'NOT_GENESIS'
          else status = applyAct(state, e.act, { feed: n.feed, index: n.index })
          log.push(`${n.feed}:${n.index}:${e.ok ? e.act.id : e.id}:${status}`)
        }
        for (const a of state.admins) if (!admins.includes(a)) electedBy.set(a, n)
        for (const x of admins) {
          if (state.admins.has(x)) continue
          electedBy.delete(x)
          // §4: F = the largest clock[X] over r and every folded block of another feed at or
          // before r's position.
          let F = n.clock.get(x) ?? 0
          for (let q = 0; q < pos; q++) {
            if (rows[q].skip === null && all[q].feed !== x) F = Math.max(F, all[q].clock.get(x) ?? 0)
          }
          removals.push({ x, pos, F })
        }
      }
      rows.push({ feed: n.feed, index: n.index, skip, frozenBy, admins, acts: n.acts.length, logStart, logEnd: log.length })
    }
    // §4: F also counts, for every admin W at r but X and r's author, W's folded blocks after r
    // written before W acknowledged r, and W's first block that includes r (folded or not), but
    // none of those that a removal of W at or after r did not include.
    const measured = removals.map((r): Measured => ({ base: r.F, late: [] }))
    for (const [i, r] of removals.entries()) {
      for (const w of rows[r.pos].admins) {
        if (w === r.x || w === all[r.pos].feed) continue // r is its own author's acknowledgement
        for (let q = r.pos + 1; q < all.length; q++) {
          if (all[q].feed !== w) continue
          const ack = includes(all[q], all[r.pos])
          const unseen = removals.some((o) => o.x === w && o.pos >= r.pos && !includes(all[o.pos], all[q]))
          if ((ack || rows[q].skip === null) && !unseen) {
            r.F = Math.max(r.F, all[q].clock.get(r.x) ?? 0)
            measured[i].late.push(q)
          }
          if (ack) break
        }
      }
    }
    return { rows, log, removals, measured, state, states }
  }

  const key = (phi: readonly RefFreeze[]): string => phi.map((f) => `${f.x}:${f.pos}:${f.F}`).sort().join(',')
  /** The removals a complete walk with phi performs; phi is consistent when they are phi. */
  const performed = (phi: RefFreeze[]): RefFreeze[] => walk(phi, false).removals
  let walks = 0

  // §4's procedure: walk; at the first removal the freezes do not hold (or hold with another F),
  // take it and walk again (a walk that goes on past that removal finds the same first one); at the end drop a freeze whose removal the walk did not perform.
  // DOC: which freeze is dropped first when several are not performed is not said, nor whether
  // they go together: every choice is explored, and every consistent set reached is collected.
  const fixed: RefFreeze[][] = []
  const queue: RefFreeze[][] = [[]]
  const met = new Set<string>([''])
  while (queue.length > 0 && met.size <= MAX_STATES) {
    const phi = queue.shift()!
    walks++
    const done = performed(phi)
    const next: RefFreeze[][] = []
    const first = done.find((r) => !phi.some((f) => f.x === r.x && f.pos === r.pos && f.F === r.F))
    if (first !== undefined) next.push([...phi.filter((f) => !(f.x === first.x && f.pos === first.pos)), first])
    else {
      const dropped = phi.filter((f) => !done.some((r) => r.x === f.x && r.pos === f.pos && r.F === f.F))
      if (dropped.length === 0) { fixed.push(phi); continue }
      for (const d of dropped) next.push(phi.filter((f) => f !== d))
      if (dropped.length > 1) next.push(phi.filter((f) => !dropped.includes(f)))
    }
    for (const n of next) {
      const k = key(n)
      if (!met.has(k)) { met.add(k); queue.push(n) }
    }
  }
  const explored = queue.length === 0

  // The code's freezes, placed by the position of their removal block.
  let codePhi: RefFreeze[] | null = null
  if (code !== undefined) {
    codePhi = code.map((f) => ({ x: f.feed, F: f.length, pos: all.findIndex((n) => n.feed === f.by.feed && n.index === f.by.index) }))
    if (codePhi.some((f) => f.pos < 0)) codePhi = null
  }
  const codeConsistent = codePhi !== null && (walks++, key(performed(codePhi)) === key(codePhi))
  let freezeCase: RefResult['freezeCase']
  let phi: RefFreeze[]
  if (codePhi !== null && codeConsistent) {
    phi = codePhi
    const reached = fixed.some((f) => key(f) === key(codePhi!))
    freezeCase = fixed.length === 0 ? (explored ? 'code-only' : 'unexplored') : !reached ? 'code-only' : fixed.length > 1 ? 'ambiguous' : 'agree'
  } else if (fixed.length > 0) {
    phi = fixed[0]
    freezeCase = code === undefined ? (fixed.length > 1 ? 'ambiguous' : 'agree') : 'code-inconsistent'
  } else {
    // No consistent set of freezes is reached: the document does not say what the walk does.
    phi = codePhi ?? []
    freezeCase = code === undefined || explored ? 'cycle' : 'unexplored'
  }
  const done = walk(phi, true)
  phi = [...phi].sort((a, b) => a.pos - b.pos)

  // §3: what each position needs before it can be final.
  const req = done.rows.map((row, pos): number => {
    if (row.acts === 0) return -1
    if (row.skip === 'FROZEN') return row.frozenBy
    if (row.skip !== null) return -1
    const b = all[pos]
    let need = -1
    let waived = 0
    for (const w of row.admins) {
      if (includes(latest.get(w), b)) continue
      // DOC: the earliest removal of W at or after b's position is the one that waives.
      const r = phi.filter((f) => f.x === w && f.pos >= pos).map((f) => f.pos).sort((x, y) => x - y)[0]
      if (r === undefined) return Infinity
      need = Math.max(need, r)
      waived++
    }
    // Waivers only while the admins that must acknowledge are a strict majority.
    if (waived > 0 && !(2 * (row.admins.length - waived) > row.admins.length)) return Infinity
    // §4: a block of a writer removed later that only blocks sorting after the removal r keep
    // (its vouchers) waits until, for some non-empty set S of voucher writers, every asked admin
    // outside S includes the first voucher of every writer in S (or, for each admin that does
    // not, until its removal at or after r). Asked: the admins at r who were admins at b, but X.
    // (Every S is tried: the checker's graphs never have the 10 writers past which the code
    // tries fewer.)
    for (const [i, r] of done.removals.entries()) {
      const m = done.measured[i]
      if (r.x !== b.feed || pos >= r.pos || b.index < m.base || b.index >= r.F) continue
      const first = new Map<MemberId, RNode>()
      for (const q of m.late) {
        const c = all[q]
        if ((c.clock.get(r.x) ?? 0) > b.index && (first.get(c.feed)?.index ?? Infinity) > c.index) first.set(c.feed, c)
      }
      if (first.size === 0) continue
      const asked = done.rows[r.pos].admins.filter((a) => a !== r.x && row.admins.includes(a))
      const ask = (a: MemberId, c: RNode): number => {
        if (includes(latest.get(a), c)) return -1
        const removal = phi.filter((f) => f.x === a && f.pos >= r.pos).map((f) => f.pos).sort((x, y) => x - y)[0]
        return removal ?? Infinity
      }
      const writers = [...first.keys()]
      let best = Infinity
      for (let mask = 1; mask < 1 << writers.length; mask++) {
        const S = writers.filter((_, k) => (mask & (1 << k)) !== 0)
        best = Math.min(best, Math.max(-1, ...asked.filter((a) => !S.includes(a)).flatMap((a) => S.map((w) => ask(a, first.get(w)!)))))
      }
      need = Math.max(need, best)
    }
    return need
  })
  // The final prefix ends at the last position p whose running need is ≤ p.
  let end = -1
  let need = -1
  for (let p = 0; p < req.length; p++) {
    need = Math.max(need, req[p])
    if (need <= p) end = p
  }
  const finalCount = end < 0 ? 0 : done.rows[end].logEnd
  const confirmed = end < 0 ? createState() : end + 1 < done.states.length ? done.states[end + 1] : done.state
  return {
    order: all.map((n) => `${n.feed}:${n.index}`),
    rows: done.rows,
    log: done.log,
    freezes: phi,
    finalBlocks: end + 1,
    finalCount,
    state: done.state,
    confirmed,
    freezeCase,
    fixedPoints: fixed,
    walks
  }
}
