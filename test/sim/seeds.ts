/**
 * Running many seeds of the simulation, shared by the test (test/sim/sim.test.ts) and the longer
 * command-line run (`npm run sim -- --seeds N`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { World, type SimResult } from './world.js'

/**
 * Seeds that once failed, kept as regression tests (source: test/sim/regressions.json). `orders`:
 * whether the run plays the order acts, `allActs` the others (SimOptions); absent, false: the
 * seeds found before the simulation played them replay as they were found.
 */
export function regressionSeeds (): Array<{ seed: number, steps: number, note: string, allSizes?: boolean, orders?: boolean, allActs?: boolean }> {
  const file = path.join(import.meta.dirname, '..', '..', '..', 'test', 'sim', 'regressions.json')
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

/** Summary of a run of many seeds. */
export interface Sweep {
  seeds: number
  failures: SimResult[]
  acts: number
  events: Record<string, number>
  ms: number
}

/** Runs seeds first, first+1, ... (count of them) with `steps` random steps each (`allSizes`: see SimOptions). */
export function sweep (first: number, count: number, steps: number, onResult?: (r: SimResult) => void, allSizes = false, checkResume = false): Sweep {
  const t0 = performance.now()
  const out: Sweep = { seeds: 0, failures: [], acts: 0, events: {}, ms: 0 }
  for (let seed = first; seed < first + count; seed++) {
    const r = World.run({ seed, steps, allSizes, checkResume })
    out.seeds++
    out.acts += r.acts
    for (const [k, v] of Object.entries(r.events)) out.events[k] = (out.events[k] ?? 0) + v
    if (r.violation !== null) out.failures.push(r)
    onResult?.(r)
  }
  out.ms = Math.round(performance.now() - t0)
  return out
}
