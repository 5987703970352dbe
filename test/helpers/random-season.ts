/**
 * A seeded random sequence of acts, valid and invalid, folded by a {@link Season} (which checks
 * SPEC §4's invariants after every act): every act type, with tallies, rejections, closed and
 * failed purchases. `violation` is the first invariant broken, if any.
 */
import type { ActBody } from '../../src/acts/types.js'
import type { MemberId, PurchaseId } from '../../src/ids.js'
import { person, prng, Season } from './fixtures.js'

export function randomSeason (seed: number, acts: number): { season: Season, violation: string | null } {
  let violation: string | null = null
  const s = new Season((lines) => { violation ??= lines.join('; ') })
  const rnd = prng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]
  const people = Array.from({ length: 12 }, (_, i) => person(`p${i}`))
  const everyone = [s.founder, ...people]
  const purchases: PurchaseId[] = []
  const amount = (): number => pick([1, 50, 99, 500, 1250, 10000, 250000])
  for (let i = 0; i < acts && violation === null; i++) {
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
      { type: 'OpenPurchase', name: `Q${Math.floor(rnd() * 8)}`, supplier: 'Cascina', notes: 'bio' },
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
  return { season: s, violation }
}
