// Issue 3: the deterministic simulation explores 500 seeds on every `npm test`; failing seeds
// once found are kept in test/sim/regressions.json and re-run here.
import test from 'brittle'
import { World } from './world.js'
import { regressionSeeds, sweep } from './seeds.js'

const SEEDS = 500
const STEPS = 80

test(`simulation: ${SEEDS} seeds × ${STEPS} steps, every property after every step`, (t) => {
  const s = sweep(1, SEEDS, STEPS)
  t.comment(`seeds 1..${SEEDS}: ${s.acts} final acts, events ${JSON.stringify(s.events)}, ${s.ms} ms`)
  for (const f of s.failures) t.comment(`FAILING SEED ${f.seed}: ${f.violation ?? ''}`)
  t.is(s.failures.length, 0, 'no seed violates a property')
  // The run must exercise what it claims to: removals, zombies, partitions, crashes, relays.
  for (const e of ['vanish', 'zombie', 'partition', 'crash', 'relay-twice', 'deliver', 'ack']) t.ok((s.events[e] ?? 0) > 0, `event ${e} happened`)
})

test(`simulation, groups of every size from two admins, members recovering: 300 seeds × ${STEPS} steps`, (t) => {
  const s = sweep(1, 300, STEPS, undefined, true)
  t.comment(`seeds 1..300 all sizes: ${s.acts} final acts, events ${JSON.stringify(s.events)}, ${s.ms} ms`)
  for (const f of s.failures) t.comment(`FAILING SEED ${f.seed}: ${f.violation ?? ''}`)
  t.is(s.failures.length, 0, 'no seed violates a property')
  for (const e of ['vanish', 'recover', 'zombie']) t.ok((s.events[e] ?? 0) > 0, `event ${e} happened`)
})

test('simulation: a replay resumed after the final prefix equals a replay from scratch (150 seeds)', (t) => {
  const bad: string[] = []
  for (let seed = 10_001; seed <= 10_150; seed++) {
    const r = World.run({ seed, steps: STEPS, checkResume: true })
    if (r.violation !== null) bad.push(r.violation)
  }
  t.alike(bad, [], 'every resumed replay agreed')
})

test('simulation: regression seeds', (t) => {
  const list = regressionSeeds()
  for (const r of list) {
    const res = World.run({ seed: r.seed, steps: r.steps, allSizes: r.allSizes === true, orders: r.orders === true, allActs: r.allActs === true })
    t.is(res.violation, null, `seed ${r.seed} (${r.note})`)
  }
  t.pass(`${list.length} regression seeds`)
})

test('simulation: the same seed gives the same run', (t) => {
  const a = World.run({ seed: 77, steps: 80 })
  const b = World.run({ seed: 77, steps: 80 })
  t.alike(a, b)
})
