/**
 * One run of the bounded exhaustive checker (issue 13): every DAG within the bounds for every
 * order of the writers' keys asked for, or random DAGs when a seed is given.
 */
import { prng } from '../helpers/fixtures.js'
import { Checker, type Counts, type Finding, type ReplayFn } from './check.js'
import { enumerate, randomPath, universe, type Bounds } from './dag.js'

/** What to run. */
export interface RunOptions extends Bounds {
  writers: number
  /** Key ranks to try (each a list of ranks, see dag.ts), e.g. [[0,1,2]]. */
  keyOrders: number[][]
  /** Stop after this many DAGs (Infinity: all). With a seed, random DAGs until this many. */
  maxGraphs: number
  seed?: number
  reference?: boolean
  liveness?: boolean
  replay?: ReplayFn
  onFinding?: (f: Finding) => void
}

/** Result of a run. */
export interface RunResult extends Counts {
  /** True when every DAG within the bounds was checked. */
  complete: boolean
  ms: number
}

/** Every permutation of 0..n-1. */
export function permutations (n: number): number[][] {
  if (n === 0) return [[]]
  const out: number[][] = []
  for (const p of permutations(n - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)])
  return out.sort((a, b) => a.join('').localeCompare(b.join('')))
}

/** Runs the checker. */
export function run (o: RunOptions): RunResult {
  const t0 = Date.now()
  const checker = new Checker({ replay: o.replay, reference: o.reference, liveness: o.liveness, onFinding: o.onFinding })
  let complete = true
  const budget = (): boolean => checker.counts.graphs < o.maxGraphs
  for (const ranks of o.keyOrders) {
    const u = universe(o.writers, ranks)
    if (o.seed === undefined) {
      const all = enumerate(u, o, (d) => {
        if (!budget()) return false
        checker.visit(d)
        return true
      })
      if (!all) { complete = false; break }
    } else {
      complete = false
      const rnd = prng(o.seed + ranks.reduce((a, r) => a * 10 + r, 0))
      const per = Math.ceil(o.maxGraphs / o.keyOrders.length)
      const start = checker.counts.graphs
      while (checker.counts.graphs - start < per && budget()) {
        randomPath(u, o, rnd, (d) => {
          checker.visit(d)
          return budget()
        })
      }
    }
  }
  return { ...checker.counts, complete, ms: Date.now() - t0 }
}
