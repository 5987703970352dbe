// `npm run exhaustive -- [--writers 3] [--blocks 4] [--acts N] [--contents a,d,r,e] [--keys 012|all]
// [--max-graphs N [--seed S]]`: the bounded exhaustive checker (issue 13, test/exhaustive/check.ts).
// Prints one line per violation (the first ones with the DAG in full, to paste into a regression
// test: test/exhaustive.test.ts), the smallest DAG of each kind, then one JSON line. Exit 1 on a
// violation or a disagreement with the naive reference.
import { Command } from 'commander'
import type { Finding } from './check.js'
import { permutations, run } from './run.js'

const o = new Command('exhaustive')
  .option('--writers <n>', 'writers, all admins (3 or 4)', '3')
  .option('--blocks <n>', 'blocks after the fixed ones (genesis; with 4 writers also W1:0)', '3')
  .option('--acts <n>', 'most of those blocks carrying acts (default: no limit)')
  .option('--contents <list>', 'content kinds: a (ack), d (deposit), r (revoke), e (elect), or rT/eT for writer T only', 'a,d,r,e')
  .option('--keys <ranks>', "order of the writers' keys: ranks like 012 (W0 smallest; default in writer order), or all")
  .option('--max-graphs <n>', 'stop after this many DAGs (with --seed: this many random DAGs)')
  .option('--seed <n>', 'sample random DAGs (random paths of --blocks blocks) instead of all')
  .option('--orphans', 'also blocks that have not seen the genesis')
  .option('--no-reference', 'skip the naive reference of docs/ordering.md')
  .option('--no-liveness', 'skip healing and liveness')
  .option('--show <n>', 'violations printed with their DAG in full', '20')
  .option('--verbose', 'print every finding (by default: --show of each class, then violations in short)')
  .parse().opts<{ writers: string, blocks: string, acts?: string, contents: string, keys?: string, maxGraphs?: string, seed?: string, orphans?: boolean, reference: boolean, liveness: boolean, show: string, verbose?: boolean }>()

const writers = Number(o.writers)
const keyOrders = o.keys === 'all' ? permutations(writers) : [o.keys === undefined ? [...Array(writers).keys()] : [...o.keys].map(Number)]
const show = Number(o.show)
const shown: Record<string, number> = {}
const smallest = new Map<string, Finding>()
const line = (f: Finding): string => `${f.class.toUpperCase()} ${f.kind} [${f.size} blocks] ${f.dag}${f.held === undefined ? '' : ` held=${f.held}`} :: ${f.detail}`
const r = run({
  writers,
  blocks: Number(o.blocks),
  acts: o.acts === undefined ? Infinity : Number(o.acts),
  kinds: o.contents.split(',').map((s) => s.trim()).filter((s) => s !== ''),
  requireGenesis: o.orphans !== true,
  keyOrders,
  maxGraphs: o.maxGraphs === undefined ? Infinity : Number(o.maxGraphs),
  seed: o.seed === undefined ? undefined : Number(o.seed),
  reference: o.reference,
  liveness: o.liveness,
  onFinding (f) {
    const k = `${f.class}/${f.kind}`
    const s = smallest.get(k)
    if (s === undefined || f.size < s.size) smallest.set(k, f)
    const n = (shown[f.class] = (shown[f.class] ?? 0) + 1)
    if (n <= show || o.verbose === true) console.log(line(f))
    else if (f.class === 'violation') console.log(`VIOLATION ${f.kind} [${f.size} blocks]`)
  }
})
for (const f of smallest.values()) console.log(`SMALLEST ${line(f)}`)
console.log(JSON.stringify({ writers, blocks: Number(o.blocks), graphs: r.graphs, subsets: r.subsets, violations: r.violations, referenceMismatches: r.referenceMismatches, stuck2: r.stuck2, ms: r.ms, ambiguous: r.ambiguous, cycles: r.cycles, complete: r.complete, keys: keyOrders.map((k) => k.join('')).join(','), contents: o.contents, acts: o.acts === undefined ? null : Number(o.acts), events: r.events }))
process.exit(r.violations > 0 || r.referenceMismatches > 0 ? 1 : 0)
