// A seeded random sequence of thousands of acts, valid and invalid: SPEC §4 invariants after
// every act (Season.fold checks them). The seed is printed on failure.
import test from 'brittle'
import { randomSeason } from './helpers/random-season.js'

const SEEDS = [1, 2, 3, 42, 20261121]
const ACTS = 3000

function run (seed: number): { applied: number, rejected: number, violation: string | null, types: Map<string, number> } {
  const { season, violation, applied } = randomSeason(seed, ACTS)
  return { applied: season.state.appliedCount, rejected: season.state.rejectedCount, violation, types: applied }
}

test('random acts keep the invariants after every act', (t) => {
  const types = new Map<string, number>()
  for (const seed of SEEDS) {
    const r = run(seed)
    if (r.violation !== null) t.fail(`seed ${seed}: ${r.violation}`)
    else t.pass(`seed ${seed}: ${r.applied} applied, ${r.rejected} rejected`)
    t.ok(r.applied > ACTS / 20, `seed ${seed}: a real mix (${r.applied} applied)`)
    for (const [k, n] of r.types) types.set(k, (types.get(k) ?? 0) + n)
  }
  // Every act that moves money or shapes an order took effect somewhere in the run.
  for (const k of ['Deposit', 'Withdraw', 'SettleCash', 'Commit', 'AdjustCommitment', 'ClosePurchase', 'FailPurchase', 'AddProducts', 'SetPrice', 'Book', 'CloseBookings', 'Deliver', 'AddCost', 'VoteSetLimits', 'Transfer', 'AcceptTransfer', 'CancelTransfer']) {
    t.ok((types.get(k) ?? 0) > 0, `${k} applied ${types.get(k) ?? 0} times`)
  }
})

test('the same seed gives the same result (determinism)', (t) => {
  t.alike(run(7), run(7))
})
