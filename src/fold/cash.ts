/**
 * The cash acts (SPEC §4 Cash, from reactivegas): a cassiere takes a member's cash and credits
 * them (up to their ceiling, §4.6), gives cash back from their credit (never from an overdraft),
 * and an admin records cash received from another admin.
 */
import type * as A from '../acts/types.js'
import type { ActId, MemberId } from '../ids.js'
import { cash, credit } from './effects.js'
import type { GroupState, RejectionCode } from './state.js'
import { underCeiling } from './transfers.js'

type Code = RejectionCode | null
const MAX = Number.MAX_SAFE_INTEGER

/** `Deposit`: a cassiere takes `cents` of a member's cash and credits them, within the member's ceiling. */
export function deposit (s: GroupState, actId: ActId, au: MemberId, b: A.Deposit, run: boolean): Code {
  if (!s.cassieri.has(au)) return 'NOT_CASSIERE'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  if (s.owedCents + b.cents > MAX || (s.cash.get(au) ?? 0) + b.cents > MAX) return 'AMOUNT_OVERFLOW'
  if (!underCeiling(s, b.member, b.cents)) return 'ABOVE_CEILING'
  if (!run) return null
  credit(s, actId, b.member, b.cents, 'deposit')
  cash(s, actId, au, b.cents, 'deposit', { counterpart: b.member })
  s.owedCents += b.cents
  return null
}

/**
 * `Withdraw`: a cassiere gives a member `cents` back from their credit. Never from an overdraft
 * (SPEC §4: credit ≥ cents; §4.6 names deposits and bookings as what the limits govern): the
 * group's cash is not lent out over the counter.
 */
export function withdraw (s: GroupState, actId: ActId, au: MemberId, b: A.Withdraw, run: boolean): Code {
  if (!s.cassieri.has(au)) return 'NOT_CASSIERE'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  if (m.creditCents < b.cents) return 'INSUFFICIENT_CREDIT'
  if ((s.cash.get(au) ?? 0) - b.cents < -MAX) return 'AMOUNT_OVERFLOW'
  if (!run) return null
  credit(s, actId, b.member, -b.cents, 'withdraw')
  cash(s, actId, au, -b.cents, 'withdraw', { counterpart: b.member })
  s.owedCents -= b.cents
  return null
}

/** `SettleCash`: the author records `cents` of the group's cash received from admin `from`. */
export function settle (s: GroupState, actId: ActId, au: MemberId, b: A.SettleCash, run: boolean): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  if (b.from === au || !s.cash.has(b.from)) return 'NOT_ADMIN'
  if ((s.cash.get(au) ?? 0) + b.cents > MAX || s.cash.get(b.from)! - b.cents < -MAX) return 'AMOUNT_OVERFLOW'
  if (!run) return null
  cash(s, actId, au, b.cents, 'settle-in', { counterpart: b.from })
  cash(s, actId, b.from, -b.cents, 'settle-out', { counterpart: au })
  return null
}
