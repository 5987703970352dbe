/**
 * Transfers between members and credit limits (SPEC §4.6, from mccs): admins vote a member's
 * overdraft and ceiling; a member pays another (or invoices them) with a transfer the other side
 * must accept; only an accepted transfer moves credit, and it moves credit only (invariant 1 is
 * untouched: Σ credits is unchanged). Pure: integer cents.
 */
import type * as A from '../acts/types.js'
import type { ActId, MemberId } from '../ids.js'
import { duplicateVote, tallyVote } from './effects.js'
import { appendMovement } from './movements.js'
import { tallyKey, type GroupState, type RejectionCode } from './state.js'

type Code = RejectionCode | null
const MAX = Number.MAX_SAFE_INTEGER

/** What `member` may spend, cents: credit plus the overdraft the admins granted (SPEC §4.6). */
export function spendable (s: GroupState, member: MemberId): number {
  return (s.members.get(member)?.creditCents ?? 0) + (s.limits.get(member)?.overdraftCents ?? 0)
}

/**
 * What may still come back to `member`'s credit, cents: the credit plus their non-rejected
 * commitments to open purchases (every refund, a rejection, a failure, a smaller delivery or a
 * discount, comes out of a commitment, never beyond it). The ceiling bounds this sum (SPEC §4.6,
 * invariant 2), so no refund can take a credit past it. O(open purchases).
 */
export function heldCents (s: GroupState, member: MemberId): number {
  let held = s.members.get(member)?.creditCents ?? 0
  for (const id of s.openPurchaseNames.values()) {
    const c = s.purchases.get(id)?.commitments.get(member)
    if (c !== undefined && c.status !== 'rejected') held += c.amountCents
  }
  return held
}

/**
 * True when `member`'s credit may grow by `cents` under their ceiling (no ceiling: always): their
 * {@link heldCents} (credit plus open commitments) plus `cents` is at most the ceiling.
 */
export function underCeiling (s: GroupState, member: MemberId, cents: number): boolean {
  const ceiling = s.limits.get(member)?.ceilingCents ?? null
  return ceiling === null || heldCents(s, member) + cents <= ceiling
}

/**
 * `VoteSetLimits`: at quorum, the member's overdraft and ceiling (0: none) are set. A vote for
 * limits the member's credit already breaks is refused (`INSUFFICIENT_CREDIT` below the
 * overdraft; `ABOVE_CEILING` when the credit plus the open commitments, {@link heldCents}, is
 * above the ceiling): invariant 2 holds after every act (SPEC §4), so the credit comes back
 * within them first.
 */
export function voteSetLimits (s: GroupState, au: MemberId, b: A.VoteSetLimits, run: boolean): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  if (m.creditCents < -b.overdraftCents) return 'INSUFFICIENT_CREDIT'
  if (b.ceilingCents !== 0 && heldCents(s, b.member) > b.ceilingCents) return 'ABOVE_CEILING'
  const key = tallyKey(b)
  if (duplicateVote(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  if (tallyVote(s, key, b.type, b.member, au, `${b.overdraftCents}:${b.ceilingCents}`)) {
    if (b.overdraftCents === 0 && b.ceilingCents === 0) s.limits.delete(b.member)
    else s.limits.set(b.member, { overdraftCents: b.overdraftCents, ceilingCents: b.ceilingCents === 0 ? null : b.ceilingCents })
  }
  return null
}

/** `Transfer`: asked by the payer or, as an invoice, the payee (or an admin on the payer's behalf); pending until accepted. */
export function transfer (s: GroupState, actId: ActId, au: MemberId, b: A.Transfer, run: boolean): Code {
  if (au !== b.from && au !== b.to && !s.admins.has(au)) return 'NOT_AUTHORIZED'
  if (!s.members.has(b.from) || !s.members.has(b.to)) return 'UNKNOWN_MEMBER'
  if (b.from === b.to) return 'SAME_MEMBER'
  if (run) s.transfers.set(actId, { id: actId, from: b.from, to: b.to, cents: b.cents, memo: b.memo, initiator: au === b.to ? b.to : b.from, status: 'pending' })
  return null
}

/**
 * `AcceptTransfer`: the party who did not initiate, or an admin on their behalf, accepts; the
 * credit moves if the limits allow. The initiating party never accepts their own transfer, admin
 * or not (SPEC §1: both parties consent): an admin who invoices a member waits for the member.
 */
export function acceptTransfer (s: GroupState, actId: ActId, au: MemberId, b: A.AcceptTransfer, run: boolean): Code {
  // Who before what (SPEC §4.6 columns); a transfer never made names no party to check.
  const x = s.transfers.get(b.transfer)
  if (x === undefined) return 'NO_PENDING_TRANSFER'
  const other = x.initiator === x.from ? x.to : x.from
  if (au === x.initiator || (au !== other && !s.admins.has(au))) return 'NOT_AUTHORIZED'
  if (x.status !== 'pending') return 'NO_PENDING_TRANSFER'
  if (!s.members.has(x.from) || !s.members.has(x.to)) return 'UNKNOWN_MEMBER'
  if (spendable(s, x.from) < x.cents) return 'INSUFFICIENT_CREDIT'
  if (!underCeiling(s, x.to, x.cents)) return 'ABOVE_CEILING'
  if (s.members.get(x.to)!.creditCents + x.cents > MAX) return 'AMOUNT_OVERFLOW'
  if (!run) return null
  s.transfers.set(x.id, { ...x, status: 'completed' })
  const from = s.members.get(x.from)!
  const to = s.members.get(x.to)!
  from.creditCents -= x.cents
  appendMovement(s.statements, x.from, { actId, kind: 'transfer-out', deltaCents: -x.cents, balanceCents: from.creditCents, counterpart: x.to })
  to.creditCents += x.cents
  appendMovement(s.statements, x.to, { actId, kind: 'transfer-in', deltaCents: x.cents, balanceCents: to.creditCents, counterpart: x.from })
  return null
}

/** `CancelTransfer`: either party (or an admin) withdraws or refuses a pending transfer. */
export function cancelTransfer (s: GroupState, au: MemberId, b: A.CancelTransfer, run: boolean): Code {
  const x = s.transfers.get(b.transfer)
  if (x === undefined) return 'NO_PENDING_TRANSFER'
  if (au !== x.from && au !== x.to && !s.admins.has(au)) return 'NOT_AUTHORIZED'
  if (x.status !== 'pending') return 'NO_PENDING_TRANSFER'
  if (run) s.transfers.set(x.id, { ...x, status: 'cancelled' })
  return null
}
