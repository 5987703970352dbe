/**
 * The properties the bounded exhaustive checker verifies on every DAG and every set of its blocks
 * a node may hold (issue 13; the same properties as test/sim/world.ts checks after every step):
 *
 * - determinism: the held blocks added in two different interleavings (generation order, and feed
 *   by feed from the largest key: every block waits for the feeds it links) give the same order,
 *   log, final prefix, ignored blocks, freezes, waitingFor, state hash and confirmed state hash;
 * - invariants (SPEC §4) on the state and the confirmed state;
 * - stability: for every held set S and every block m that S could have received last, the final
 *   log of S − m is a prefix of the final log of S, and finalCount does not decrease;
 * - one prefix: the final log of every held set is a prefix of the final log of the whole DAG;
 * - liveness after healing: from the whole DAG, every admin of the final state (and every removed
 *   writer that waitingFor names) appends an acknowledgement seeing everything, for a few rounds,
 *   and then every act is final (when not, and two or fewer admins are involved, it is counted
 *   apart as `stuck2`, SPEC §5 "never stuck");
 * - the naive reference of docs/ordering.md (./reference.ts) agrees with replay on the order, log,
 *   final prefix and states (reported apart as reference mismatches).
 *
 * Held sets are the sets closed under links; every DAG is visited after its parent (the DAG
 * without its newest block), so only held sets containing the newest block are new.
 */
import { checkInvariants } from '../../src/fold/invariants.js'
import { finishedStateHash as stateHash } from '../../src/fold/hash.js'
import type { GroupState } from '../../src/fold/state.js'
import type { MemberId } from '../../src/ids.js'
import { encodeBlock } from '../../src/merge/block.js'
import { decodeBlockEntries } from '../../src/merge/entries.js'
import { shouldAck } from '../../src/merge/ack.js'
import type { Graph } from '../../src/merge/graph.js'
import { replay as realReplay, type GroupRef, type Replay } from '../../src/merge/replay.js'
import { walkDag, type Dag } from './dag.js'
import { referenceReplay, type RefBlock, type RefResult } from './reference.js'

/** The function under test (the real replay, or a planted bug in the self-test). */
export type ReplayFn = (graph: Graph, g: GroupRef) => Replay

/** A property that failed. */
export interface Finding {
  /**
   * 'violation' (a property), 'reference' (replay and the naive reference disagree), 'stuck2',
   * 'ambiguous' (replay's freezes are one of several consistent sets the document's procedure
   * may reach, and it agrees with the reference on them), 'cycle' (the document's procedure
   * reaches no consistent set of freezes, docs/ordering.md does not say which then stand, and
   * the reference walking with replay's freezes agrees with it).
   */
  class: 'violation' | 'reference' | 'stuck2' | 'ambiguous' | 'cycle'
  kind: string
  dag: string
  /** Blocks of the DAG beyond the fixed ones. */
  size: number
  /** Held lengths per writer, when the finding is about a held set. */
  held?: string
  detail: string
}

/** Checker options. */
export interface CheckOptions {
  replay?: ReplayFn
  /** Compare with the naive reference (default true). */
  reference?: boolean
  /** Heal and check liveness on every DAG (default true). */
  liveness?: boolean
  /** Acknowledgement rounds when healing (default 4). */
  rounds?: number
  onFinding?: (f: Finding) => void
}

/** Counts. */
export interface Counts {
  graphs: number
  subsets: number
  violations: number
  referenceMismatches: number
  stuck2: number
  /** Held sets where replay's freezes are one of several the document allows (not counted as mismatches). */
  ambiguous: number
  /** Held sets where the document's procedure reaches no consistent freezes (not counted as mismatches). */
  cycles: number
  /** How many whole DAGs showed each behaviour (coverage: freezes, skips, healing). */
  events: Record<string, number>
}

interface Summary {
  finalLog: string[]
  finalCount: number
  confirmed: string
}

/** Writer names (W0..W3) for keys; other keys by their first hex digits. */
type Names = (k: MemberId) => string
const namer = (keys: MemberId[]): Names => (k) => (keys.includes(k) ? `W${keys.indexOf(k)}` : k.slice(0, 8))

const entryText = (r: Replay, i: number): string => {
  const e = r.log[i]
  return `${e.feed}:${e.index}:${e.actId}:${e.status}`
}
const finalLog = (r: Replay): string[] => Array.from({ length: r.finalCount }, (_, i) => entryText(r, i))
const isPrefix = (a: string[], b: string[]): boolean => a.length <= b.length && a.every((x, i) => b[i] === x)

/** "feed:index:actId:status" as "W1:0:VoteRevokeCassiere(W2):applied" (acts by type and target). */
function briefEntry (e: string, nm: Names, acts: Map<string, string>): string {
  const [f, i, id, s] = e.split(':')
  return `${nm(f as MemberId)}:${i}:${acts.get(id) ?? id.slice(0, 6)}:${s}`
}

/** Act ids of a replay's log by a short description. */
function actNames (r: Replay, nm: Names): Map<string, string> {
  const m = new Map<string, string>()
  for (const e of r.log) {
    const b = e.act?.body as { type: string, member?: MemberId } | undefined
    if (b !== undefined) m.set(e.actId, b.member === undefined ? b.type : `${b.type}(${nm(b.member)})`)
  }
  return m
}

/** Everything a replay returns that must not depend on the order blocks were added in. */
function fingerprint (r: Replay, graph: Graph, nm: Names): string {
  return JSON.stringify({
    order: graph.order().map((n) => `${nm(n.feed)}:${n.index}:L${n.L}`),
    log: r.log.map((e, i) => `${entryText(r, i)}:${e.final}`),
    finalCount: r.finalCount,
    blocks: r.blocks,
    finalBlocks: r.finalBlocks,
    ignored: r.ignored.map((b) => `${nm(b.feed)}:${b.index}:${b.reason}`),
    freezes: r.freezes.map((f) => `${nm(f.feed)}<${f.length} by ${nm(f.by.feed)}:${f.by.index}`),
    waitingFor: r.waitingFor.map(nm),
    state: stateHash(r.state),
    confirmed: stateHash(r.confirmed)
  })
}

/** The reference's input from a graph's usable blocks. */
function refInput (graph: Graph): Map<MemberId, RefBlock[]> {
  const feeds = new Map<MemberId, RefBlock[]>()
  for (const f of graph.feedKeys()) {
    const list: RefBlock[] = []
    for (let i = 0; i < graph.usableLength(f); i++) {
      const n = graph.node(f, i)!
      list.push({ feed: f, index: i, links: n.links, acts: n.acts })
    }
    if (list.length > 0) feeds.set(f, list)
  }
  return feeds
}

/** Where replay and the reference disagree, or null. */
function compareReference (r: Replay, graph: Graph, ref: RefResult, nm: Names): string | null {
  const diffs: string[] = []
  const acts = actNames(r, nm)
  if (r.finalBlocks !== ref.finalBlocks) diffs.push(`finalBlocks replay ${r.finalBlocks} reference ${ref.finalBlocks}`)
  if (r.finalCount !== ref.finalCount) diffs.push(`finalCount replay ${r.finalCount} reference ${ref.finalCount}`)
  const order = graph.order().map((n) => `${n.feed}:${n.index}`)
  const pretty = (list: string[]): string => list.map((x) => { const [f, i] = x.split(':'); return `${nm(f as MemberId)}:${i}` }).join(' ')
  if (order.join(',') !== ref.order.join(',')) diffs.push(`order replay [${pretty(order)}] reference [${pretty(ref.order)}]`)
  const log = r.log.map((_, i) => entryText(r, i))
  if (log.join(',') !== ref.log.join(',')) {
    const from = log.findIndex((x, i) => ref.log[i] !== x)
    const at = from < 0 ? log.length : from
    diffs.push(`log from entry ${at}: replay [${log.slice(at).map((e) => briefEntry(e, nm, acts)).join(' ')}] reference [${ref.log.slice(at).map((e) => briefEntry(e, nm, acts)).join(' ')}]`)
  }
  const fz = r.freezes.map((f) => `${nm(f.feed)}<${f.length}`).join(' ')
  if (fz !== ref.freezes.map((f) => `${nm(f.x)}<${f.F}`).join(' ')) diffs.push(`freezes replay [${r.freezes.map((f) => `${nm(f.feed)}<${f.length} by ${nm(f.by.feed)}:${f.by.index}`).join(' ')}] reference [${ref.freezes.map((f) => `${nm(f.x)}<${f.F} at position ${f.pos}`).join(' ')}]`)
  if (stateHash(r.state) !== stateHash(ref.state)) diffs.push('state hash')
  if (stateHash(r.confirmed) !== stateHash(ref.confirmed)) diffs.push('confirmed state hash')
  if (diffs.length === 0) return null
  const rows = ref.rows.map((row, p) => `${p}:${nm(row.feed)}:${row.index}${row.acts > 0 ? '*' : ''}${row.skip === null ? '' : '/' + row.skip}`).join(' ')
  return `${diffs.join('; ')} | reference walk (* = acts): ${rows}`
}

/** Checks DAGs given in the order of a depth-first enumeration (see dag.ts). */
export class Checker {
  readonly counts: Counts = { graphs: 0, subsets: 0, violations: 0, referenceMismatches: 0, stuck2: 0, ambiguous: 0, cycles: 0, events: {} }
  private readonly replay: ReplayFn
  private readonly opts: Required<Omit<CheckOptions, 'replay' | 'onFinding'>>
  private readonly onFinding: (f: Finding) => void
  /** Summaries of held sets of the DAGs on the current path, by held lengths. */
  private readonly cache = new Map<string, Summary>()
  /** Keys added by the DAG with that many blocks. */
  private readonly added: string[][] = []

  constructor (opts: CheckOptions = {}) {
    this.replay = opts.replay ?? realReplay
    this.opts = { reference: opts.reference ?? true, liveness: opts.liveness ?? true, rounds: opts.rounds ?? 4 }
    this.onFinding = opts.onFinding ?? (() => {})
  }

  private report (d: Dag, cls: Finding['class'], kind: string, detail: string, held?: number[]): void {
    if (cls === 'violation') this.counts.violations++
    else if (cls === 'reference') this.counts.referenceMismatches++
    else if (cls === 'stuck2') this.counts.stuck2++
    else if (cls === 'ambiguous') this.counts.ambiguous++
    else this.counts.cycles++
    this.onFinding({ class: cls, kind, dag: d.toString(), size: d.blocks.length - d.u.fixed, held: held?.join('.'), detail })
  }

  /** Checks DAG d, whose parent (d without its newest block) was the last shorter DAG visited. */
  visit (d: Dag): void {
    this.counts.graphs++
    const n = d.blocks.length
    // Held sets of DAGs no longer on the path (siblings of the parent's descendants) go.
    while (this.added.length >= n) for (const k of this.added.pop() ?? []) this.cache.delete(k)
    while (this.added.length < n - 1) this.added.push([])
    const mine: string[] = []
    this.added.push(mine)
    const fresh = this.newHeldSets(d)
    let full: Summary | undefined
    for (const lens of fresh) {
      const s = this.checkHeld(d, lens)
      const key = lens.join('.')
      this.cache.set(key, s)
      mine.push(key)
      full = s
    }
    // fresh is sorted by size: the last one is the whole DAG.
    if (full !== undefined) {
      for (const lens of fresh) {
        const s = this.cache.get(lens.join('.'))!
        if (!isPrefix(s.finalLog, full.finalLog)) this.report(d, 'violation', 'one-prefix', `final log of this held set (${s.finalCount}) is not a prefix of the whole DAG's (${full.finalCount})`, lens)
      }
    }
    if (this.opts.liveness) this.heal(d, full)
  }

  /** Held sets (lengths per writer) closed under links that contain the newest block, by size. */
  private newHeldSets (d: Dag): number[][] {
    const lens = d.lengths()
    const root = d.blocks.length === d.u.fixed
    const b = d.blocks[d.blocks.length - 1]
    const lo = root ? lens.map(() => 0) : [...b.clock]
    const out: number[][] = []
    const cur = [...lo]
    const rec = (v: number): void => {
      if (v === lens.length) { if (cur.some((x) => x > 0) && d.downClosed(cur)) out.push([...cur]); return }
      for (let x = lo[v]; x <= lens[v]; x++) { cur[v] = x; rec(v + 1) }
    }
    rec(0)
    const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0)
    return out.sort((a, b) => sum(a) - sum(b))
  }

  private checkHeld (d: Dag, lens: number[]): Summary {
    this.counts.subsets++
    const g = d.u.g
    const held = d.held(lens)
    const graphA = d.graph(held)
    const a = this.replay(graphA, g)
    // Feed by feed, the largest key first: blocks wait for the feeds they link.
    const byKey = [...held].sort((x, y) => (x.w === y.w ? x.i - y.i : d.u.keys[x.w] > d.u.keys[y.w] ? -1 : 1))
    const graphB = d.graph(byKey)
    const b = this.replay(graphB, g)
    const nm = namer(d.u.keys)
    const fa = fingerprint(a, graphA, nm)
    const fb = fingerprint(b, graphB, nm)
    if (fa !== fb) this.report(d, 'violation', 'determinism', `two interleavings differ: ${firstDiff(fa, fb)}`, lens)
    for (const [label, s] of [['state', a.state], ['confirmed', a.confirmed]] as Array<[string, GroupState]>) {
      const bad = checkInvariants(s)
      if (bad.length > 0) this.report(d, 'violation', 'invariants', `${label}: ${bad[0]}`, lens)
    }
    if (a.finalCount > a.log.length || a.log.some((e, i) => e.final !== i < a.finalCount)) this.report(d, 'violation', 'final-flags', `finalCount ${a.finalCount} of ${a.log.length}, final flags ${a.log.map((e) => (e.final ? 1 : 0)).join('')}`, lens)
    const mine: Summary = { finalLog: finalLog(a), finalCount: a.finalCount, confirmed: stateHash(a.confirmed) }
    if (this.opts.reference) {
      this.compare(d, a, graphA, '', lens)
    }
    // Stability: every held set this one can grow from by one block.
    for (let v = 0; v < lens.length; v++) {
      if (lens[v] === 0) continue
      const less = [...lens]
      less[v]--
      if (!d.downClosed(less)) continue // the block is linked by another held block
      if (less.every((x) => x === 0)) continue
      const before = this.cache.get(less.join('.'))
      if (before === undefined) throw new Error(`checker: held set ${less.join('.')} of ${d.toString()} was not checked before`)
      if (!isPrefix(before.finalLog, mine.finalLog)) {
        const acts = actNames(a, nm)
        const at = before.finalLog.findIndex((x, i) => mine.finalLog[i] !== x)
        this.report(d, 'violation', 'stability', `receiving W${v}:${lens[v] - 1} changed final entry ${at}: held ${less.join('.')} final ${before.finalCount} [.. ${before.finalLog.slice(at).map((e) => briefEntry(e, nm, acts)).join(' ')}], then final ${mine.finalCount} [.. ${mine.finalLog.slice(at).map((e) => briefEntry(e, nm, acts)).join(' ')}]`, lens)
      }
      else if (before.finalCount === mine.finalCount && before.confirmed !== mine.confirmed) this.report(d, 'violation', 'stability', `receiving W${v}:${lens[v] - 1} changed the confirmed state, same final log`, lens)
    }
    return mine
  }

  /** Compares replay r of graph with the reference and reports what differs. */
  private compare (d: Dag, r: Replay, graph: Graph, where: string, held?: number[]): RefResult {
    const nm = namer(d.u.keys)
    if (r.freezes.some((f) => (f as { byMembers?: boolean }).byMembers === true)) throw new Error('checker: a members\' recovery, which the reference does not model')
    const ref = referenceReplay(refInput(graph), d.u.g, r.freezes)
    const diff = compareReference(r, graph, ref, nm)
    const kind = where === '' ? 'reference' : 'reference-healed'
    const points = (): string => ref.fixedPoints.map((p) => `[${p.map((f) => `${nm(f.x)}<${f.F} at position ${f.pos}`).join(' ')}]`).join(' or ') || 'none'
    if (ref.freezeCase === 'cycle' || ref.freezeCase === 'unexplored') {
      // The document does not say which freezes then stand; the reference walks with replay's
      // (a removal without a freeze removes the writer, freezes nothing and waives nothing), so a
      // difference left is one of the walk or the finality rule.
      const what = `${where}no consistent set of freezes reached (${ref.walks} walks); replay's freezes [${r.freezes.map((f) => `${nm(f.feed)}<${f.length} by ${nm(f.by.feed)}:${f.by.index}`).join(' ')}]`
      if (diff === null) this.report(d, 'cycle', `${kind}-${ref.freezeCase}`, what, held)
      else this.report(d, 'reference', `${kind}-${ref.freezeCase}`, `${what}; with them: ${diff}`, held)
    } else if (ref.freezeCase === 'code-inconsistent') {
      this.report(d, 'reference', `${kind}-freezes`, `${where}replay's freezes are not consistent (a walk with them performs other removals), consistent sets: ${points()}; ${diff ?? ''}`, held)
    } else if (diff !== null) this.report(d, 'reference', kind, `${where}${diff}`, held)
    else if (ref.freezeCase !== 'agree') this.report(d, 'ambiguous', `${kind}-${ref.freezeCase}`, `${where}replay's freezes [${r.freezes.map((f) => `${nm(f.feed)}<${f.length} by ${nm(f.by.feed)}:${f.by.index}`).join(' ')}] are consistent; the document's procedure reaches ${points()}`, held)
    return ref
  }

  private event (e: string): void {
    this.counts.events[e] = (this.counts.events[e] ?? 0) + 1
  }

  /** Counts what the whole DAG exercises. */
  private cover (r: Replay): void {
    if (r.freezes.length > 0) this.event('freeze')
    if (r.freezes.length > 1) this.event('two freezes')
    for (const why of new Set(r.ignored.map((b) => b.reason))) this.event(why)
    if (r.finalCount < r.log.length) this.event('not all final')
    if (r.waitingFor.length > 0 && r.waitingFor.some((k) => !r.state.admins.has(k))) this.event('waits for a removed writer')
  }

  /** Liveness: the admins acknowledge everything for a few rounds; then everything is final. */
  private heal (d: Dag, full: Summary | undefined): void {
    const u = d.u
    const graph = d.graph(d.blocks)
    let r = this.replay(graph, u.g)
    this.cover(r)
    const allFinal = (x: Replay): boolean => x.finalCount === x.log.length && x.finalBlocks === x.blocks
    const extra: string[] = []
    for (let round = 0; round < this.opts.rounds && !allFinal(r); round++) {
      const ackers = u.keys.filter((k) => shouldAck(r, graph, k))
      if (ackers.length === 0) break
      if (ackers.some((k) => !r.state.admins.has(k))) this.event('removed writer acknowledges')
      // Everyone writes from the same (synced) view, then everything is exchanged.
      const blocks = ackers.map((k) => ({ k, bytes: encodeBlock({ ...graph.frontier(k), acts: [] }) }))
      for (const { k, bytes } of blocks) {
        const dec = decodeBlockEntries(bytes, k, u.g.groupId)
        graph.add(k, graph.receivedLength(k), dec.block, dec.entries, dec.hash)
        extra.push(`W${u.keys.indexOf(k)}`)
      }
      r = this.replay(graph, u.g)
    }
    const healed = `after healing (acknowledgements ${extra.join(' ') || 'none'})`
    if (full !== undefined && !isPrefix(full.finalLog, finalLog(r))) this.report(d, 'violation', 'stability', `${healed} the final log is not an extension of the DAG's`)
    let ref: RefResult | null = null
    if (this.opts.reference && extra.length > 0) ref = this.compare(d, r, graph, `${healed}: `)
    if (allFinal(r)) { if (extra.length > 0) this.event('healed'); return }
    ref ??= referenceReplay(refInput(graph), u.g, r.freezes)
    const first = ref.rows[r.finalBlocks]
    const at = first === undefined ? r.state.admins.size : first.admins.length
    const what = `${healed}: final ${r.finalCount}/${r.log.length} acts, ${r.finalBlocks}/${r.blocks} blocks, waitingFor [${r.waitingFor.map((k) => `W${u.keys.indexOf(k)}`).join(' ')}], admins ${[...r.state.admins].map((k) => `W${u.keys.indexOf(k)}`).join(' ')}, ${at} admins at the first unconfirmed block`
    if (r.state.admins.size <= 2 || at <= 2) this.report(d, 'stuck2', 'stuck2', what)
    else this.report(d, 'violation', r.finalCount < r.log.length ? 'liveness' : 'liveness-blocks', what)
  }
}

function firstDiff (a: string, b: string): string {
  const x = JSON.parse(a) as Record<string, unknown>
  const y = JSON.parse(b) as Record<string, unknown>
  const keys = Object.keys(x).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]))
  return keys.map((k) => `${k}: ${JSON.stringify(x[k])} vs ${JSON.stringify(y[k])}`).join('; ')
}

/** Checks one DAG given compactly, and every DAG it grew from (as the enumeration would). */
export function checkDagText (text: string, checker: Checker): void {
  walkDag(text, (d) => checker.visit(d))
}
