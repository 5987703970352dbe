// A seeded random sequence of thousands of acts, valid and invalid: SPEC §4 invariants after
// every act (Season.fold checks them). The seed is printed on failure.
import test from 'brittle'
import { randomSeason } from './helpers/random-season.js'

const SEEDS = [1, 2, 3, 42, 20261121]
const ACTS = 3000

function run (seed: number): { applied: number, rejected: number, violation: string | null } {
  const { season, violation } = randomSeason(seed, ACTS)
  return { applied: season.state.appliedCount, rejected: season.state.rejectedCount, violation }
}

test('random acts keep the invariants after every act', (t) => {
  for (const seed of SEEDS) {
    const r = run(seed)
    if (r.violation !== null) t.fail(`seed ${seed}: ${r.violation}`)
    else t.pass(`seed ${seed}: ${r.applied} applied, ${r.rejected} rejected`)
    t.ok(r.applied > ACTS / 20, `seed ${seed}: a real mix (${r.applied} applied)`)
  }
})

test('the same seed gives the same result (determinism)', (t) => {
  t.alike(run(7), run(7))
})
