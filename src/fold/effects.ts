/**
 * Shared steps of the fold's handlers (SPEC §4): balance changes that write their statement line
 * (invariant 3), role bookkeeping, vote tallies, purchase look-ups and phase changes. Pure, like
 * the fold: they only mutate the state they are given.
 */
import { foldedName, type ActId, type MemberId, type PurchaseId } from '../ids.js'
import {
  countCurrent, quorum, recoveryKey,
  type BlockPos, type GroupState, type MovementKind, type Purchase, type RejectionCode
} from './state.js'
import { appendMovement } from './movements.js'

/** Changes a member's credit by `delta` and writes the statement line. */
export function credit (s: GroupState, actId: ActId, member: MemberId, delta: number, kind: MovementKind, purchase?: PurchaseId): void {
  const m = s.members.get(member)!
  m.creditCents += delta
  appendMovement(s.statements, member, { actId, kind, deltaCents: delta, balanceCents: m.creditCents, purchase })
}

/**
 * Changes an admin's cash by `delta` and writes the cash statement line, naming the member or
 * admin on the other side, or the purchase of a supplier payment.
 */
export function cash (s: GroupState, actId: ActId, admin: MemberId, delta: number, kind: MovementKind, other: { counterpart: MemberId } | { purchase: PurchaseId }): void {
  const c = (s.cash.get(admin) ?? 0) + delta
  s.cash.set(admin, c)
  // Written out, not spread: every field stays in the object itself (docs/performance.md, memory).
  appendMovement(s.cashMovements, admin, 'counterpart' in other
    ? { actId, kind, deltaCents: delta, balanceCents: c, counterpart: other.counterpart }
    : { actId, kind, deltaCents: delta, balanceCents: c, purchase: other.purchase })
}

export function makeAdmin (s: GroupState, member: MemberId, pos: BlockPos | null): void {
  if (!s.admins.has(member)) {
    s.admins.add(member)
    s.tallies.delete(recoveryKey(member)) // votes against them as a former admin no longer count
    if (pos !== null) s.adminSince.set(member, pos)
  }
  if (!s.cash.has(member)) s.cash.set(member, 0)
}

export function refreshAdmin (s: GroupState, member: MemberId): void {
  if (!s.referenti.has(member) && !s.cassieri.has(member)) {
    s.admins.delete(member)
    s.adminSince.delete(member)
    // Members' votes against an admin count only while they are one (VoteRecover).
    s.tallies.delete(recoveryKey(member))
  }
}

export function hasOpenCommitment (s: GroupState, member: MemberId): boolean {
  for (const p of s.purchases.values()) {
    if (p.phase !== 'open') continue
    const c = p.commitments.get(member)
    if (c !== undefined && c.status !== 'rejected') return true
  }
  return false
}

/** Counts a governance vote; returns true when the tally reached quorum (and clears it). */
export function tallyVote (s: GroupState, key: string, type: string, member: MemberId, voter: MemberId, name?: string): boolean {
  let t = s.tallies.get(key)
  if (t === undefined) s.tallies.set(key, (t = { type, member, name, voters: new Set() }))
  t.voters.add(voter)
  if (countCurrent(s, t.voters) < quorum(s.admins.size)) return false
  s.tallies.delete(key)
  return true
}

/** True when `voter`'s vote is already in tally `key` (the members' recovery votes: VoteRecover). */
export function alreadyVoted (s: GroupState, key: string, voter: MemberId): boolean {
  return s.tallies.get(key)?.voters.has(voter) === true
}

/**
 * True when an admin's governance vote changes nothing: `voter` is already in tally `key` and the
 * tally has not reached quorum. A tally that has reached it since the voter's last vote (the
 * quorum fell as admins left, SPEC §4: quorum "at that point in the order") takes effect with the
 * voter's vote again; without this, a tally of the last admin could never take effect.
 */
export function duplicateVote (s: GroupState, key: string, voter: MemberId): boolean {
  const t = s.tallies.get(key)
  return t !== undefined && t.voters.has(voter) && countCurrent(s, t.voters) < quorum(s.admins.size)
}

export function findPurchase (s: GroupState, id: PurchaseId): Purchase | RejectionCode {
  const p = s.purchases.get(id)
  if (p === undefined) return 'UNKNOWN_PURCHASE'
  if (p.phase !== 'open') return 'PURCHASE_NOT_OPEN'
  return p
}

/**
 * The open purchase `id` when `au` owns it, for the owner's acts: who before what, as SPEC §4's
 * columns and every other act (UNKNOWN_PURCHASE, then NOT_OWNER, then PURCHASE_NOT_OPEN).
 */
export function ownedPurchase (s: GroupState, au: MemberId, id: PurchaseId): Purchase | RejectionCode {
  const p = s.purchases.get(id)
  if (p !== undefined && p.owner !== au) return 'NOT_OWNER'
  return findPurchase(s, id)
}

/** Fails an open purchase: every non-rejected commitment refunded (SPEC §4 FailPurchase). */
export function failOpen (s: GroupState, actId: ActId, p: Purchase): void {
  for (const c of p.commitments.values()) {
    if (c.status === 'rejected') continue
    credit(s, actId, c.member, c.amountCents, 'refund-failed', p.id)
  }
  closePhase(s, p, 'failed')
}

export function closePhase (s: GroupState, p: Purchase, phase: 'closed' | 'failed'): void {
  let open = 0
  for (const c of p.commitments.values()) if (c.status !== 'rejected') open += c.amountCents
  p.phase = phase
  s.openPurchaseNames.delete(foldedName(p.name))
  // Closed: the approved amounts left the group (paid); failed: they went back to credits,
  // already counted there by credit(). Either way they are no longer owed as commitments.
  if (phase === 'closed') s.owedCents -= open
}
