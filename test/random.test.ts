// A seeded random sequence of thousands of acts, valid and invalid: SPEC §4 invariants after
// every act (Season.fold checks them). The seed is printed on failure.
import test from 'brittle'
import type { ActBody } from '../src/acts/types.js'
import type { MemberId, PurchaseId } from '../src/ids.js'
import { person, prng, Season } from './helpers/fixtures.js'

const SEEDS = [1, 2, 3, 42, 20261121]
const ACTS = 3000

function run (seed: number): { applied: number, rejected: number, violation: string | null } {
  let violation: string | null = null
  const s = new Season((lines) => { violation ??= lines.join('; ') })
  const rnd = prng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]
  const people = Array.from({ length: 12 }, (_, i) => person(`p${i}`))
  const everyone = [s.founder, ...people]
  const purchases: PurchaseId[] = []
  const amount = (): number => pick([1, 50, 99, 500, 1250, 10000, 250000])
  for (let i = 0; i < ACTS && violation === null; i++) {
    const by = rnd() < 0.5 ? s.founder : pick(everyone)
    const m = pick(everyone).id as MemberId
    const p = purchases.length > 0 && rnd() < 0.95 ? pick(purchases) : person(`nope${i}`).id as string as PurchaseId
    const bodies: ActBody[] = [
      { type: 'VoteRegisterMember', name: `M${Math.floor(rnd() * 14)}`, member: m },
      { type: 'VoteRemoveMember', member: m },
      { type: 'VoteElectReferente', member: m },
      { type: 'VoteElectCassiere', member: m },
      { type: 'VoteRevokeReferente', member: m },
      { type: 'VoteRevokeCassiere', member: m },
      { type: 'Deposit', member: m, cents: amount() },
      { type: 'Deposit', member: m, cents: amount() },
      { type: 'Withdraw', member: m, cents: amount(), reason: '' },
      { type: 'SettleCash', from: m, cents: amount() },
      { type: 'OpenPurchase', name: `P${Math.floor(rnd() * 8)}` },
      { type: 'Commit', member: m, cents: amount(), purchase: p },
      { type: 'Commit', member: by.id, cents: amount(), purchase: p },
      { type: 'ApproveCommitment', member: m, purchase: p },
      { type: 'RejectCommitment', member: m, purchase: p },
      { type: 'AdjustCommitment', member: m, cents: amount(), purchase: p },
      { type: 'VoteClosePurchase', purchase: p },
      { type: 'VoteFailPurchase', purchase: p },
      { type: 'ClosePurchase', purchase: p },
      { type: 'FailPurchase', purchase: p }
    ]
    const body = pick(bodies)
    const act = s.sign(by, body)
    if (s.fold(act) === 'applied' && body.type === 'OpenPurchase') purchases.push(act.id)
  }
  return { applied: s.state.appliedCount, rejected: s.state.rejectedCount, violation }
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
