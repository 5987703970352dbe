/**
 * The fold (SPEC §4): a pure, total, deterministic function of (state, act) that either applies
 * the act's effect or returns a rejection code and leaves the state unchanged. It reads no clock,
 * randomness, environment or I/O; `timeMs` of an act is never looked at.
 *
 * Each handler checks its preconditions and, only when `run` is true, performs the effect; the
 * same code serves {@link applyAct} and the dry run {@link checkAct}, so the two cannot disagree.
 * For speed the state is mutated in place: callers who need the old state keep a copy.
 */
import { foldedName, type ActId, type MemberId } from '../ids.js'
import type * as A from '../acts/types.js'
import type { ActBody, SignedAct } from '../acts/types.js'
import { addCost, addProducts, book, closeBookings, deliver, setDates, setPrice } from './orders.js'
import { acceptTransfer, cancelTransfer, spendable, transfer, voteSetLimits } from './transfers.js'
import { deposit, settle, withdraw } from './cash.js'
import { registerSupplier, setListing } from './directory.js'
import { countCurrent, quorum, recoveryKey, tallyKey, type BlockPos, type GovernanceVote, type GroupState, type RejectionCode } from './state.js'
import { alreadyVoted, cash, closePhase, credit, duplicateVote, failOpen, findPurchase, hasOpenCommitment, makeAdmin, ownedPurchase, refreshAdmin, tallyVote } from './effects.js'

/** Result of folding one act: applied, ignored as a duplicate id, or rejected with a code. */
export type Outcome = 'applied' | 'duplicate' | RejectionCode

type Code = RejectionCode | null

const MAX = Number.MAX_SAFE_INTEGER

/**
 * What the merge tells the fold about the block an act sits in (src/merge/replay.ts): whether the
 * members' votes against `admin` (VoteRecover, `voters` so far) carry the recovery there — a rule
 * on the block's causal past (docs/ordering.md §5) — and whether `member`, no longer a member in
 * the order, was removed by a block outside this block's causal past (a removal on the other side
 * of a partition: their recovery vote is still theirs to cast here). Without it, a strict majority
 * of the members ever registered, counted among current members, carries it (unit tests, a lone
 * fold), and only current members vote.
 */
export interface FoldContext {
  recoveryCarried: (admin: MemberId, voters: ReadonlySet<MemberId>) => boolean
  removedOutsidePast: (member: MemberId) => boolean
}

/**
 * Folds one act into `state` (mutating it). `pos` is the block holding the act; it is recorded
 * as the point where a member becomes admin (SPEC §5). Never throws on a bad act.
 */
export function applyAct (state: GroupState, act: SignedAct, pos: BlockPos | null = null, ctx?: FoldContext): Outcome {
  if (!state.seen.add(act.id)) return 'duplicate'
  const code = dispatch(state, act, true, pos, ctx)
  if (code === null) {
    state.appliedCount++
    return 'applied'
  }
  state.rejectedCount++
  state.rejections.push({ actId: act.id, code })
  return code
}

/**
 * The code `act` would be rejected with if it were folded now, or null if it would apply
 * (or 'duplicate'). Does not change `state`.
 */
export function checkAct (state: GroupState, act: SignedAct): RejectionCode | 'duplicate' | null {
  if (state.seen.has(act.id)) return 'duplicate'
  return dispatch(state, act, false, null)
}

/**
 * The code governance vote `body` by `author` would be rejected with now, or null if it would
 * count: the fold's own preconditions (SPEC §4), for a notice asking an admin to vote. Pure.
 */
export function checkVote (state: GroupState, author: MemberId, body: GovernanceVote): RejectionCode | null {
  return dispatch(state, { id: '' as ActId, v: 1, group: state.groupId ?? '', author, timeMs: 0, body } as unknown as SignedAct, false, null)
}

function dispatch (s: GroupState, act: SignedAct, run: boolean, pos: BlockPos | null, ctx?: FoldContext): Code {
  const b: ActBody = act.body
  if (b.type === 'CreateGroup') return createGroup(s, act, b, run, pos)
  if (s.groupId === null) return 'NO_GROUP'
  const au = act.author
  switch (b.type) {
    case 'VoteRegisterMember': return voteRegister(s, au, b, run, pos)
    case 'VoteRemoveMember': return voteRemove(s, au, b, run, pos)
    case 'VoteElectReferente':
    case 'VoteElectCassiere': return voteElect(s, au, b, run, pos)
    case 'VoteRevokeReferente':
    case 'VoteRevokeCassiere': return voteRevoke(s, act.id, au, b, run)
    case 'Deposit': return deposit(s, act.id, au, b, run)
    case 'Withdraw': return withdraw(s, act.id, au, b, run)
    case 'SettleCash': return settle(s, act.id, au, b, run)
    case 'OpenPurchase': return openPurchase(s, act.id, au, b, run)
    case 'Commit': return commit(s, act.id, au, b, run)
    case 'ApproveCommitment': return approve(s, au, b, run)
    case 'RejectCommitment': return reject(s, act.id, au, b, run)
    case 'AdjustCommitment': return adjust(s, act.id, au, b, run)
    case 'VoteClosePurchase':
    case 'VoteFailPurchase': return votePurchase(s, au, b, run)
    case 'ClosePurchase': return closePurchase(s, act.id, au, b, run)
    case 'FailPurchase': return failPurchase(s, act.id, au, b, run)
    case 'VoteRecover': return voteRecover(s, act.id, au, b, run, pos, ctx)
    case 'AddProducts': return addProducts(s, au, b, run)
    case 'SetPrice': return setPrice(s, au, b, run)
    case 'Book': return book(s, act.id, au, b, run)
    case 'CloseBookings': return closeBookings(s, au, b, run)
    case 'Deliver': return deliver(s, act.id, au, b, run)
    case 'AddCost': return addCost(s, act.id, au, b, run)
    case 'SetDates': return setDates(s, au, b, run)
    case 'VoteSetLimits': return voteSetLimits(s, au, b, run)
    case 'Transfer': return transfer(s, act.id, au, b, run)
    case 'AcceptTransfer': return acceptTransfer(s, act.id, au, b, run)
    case 'CancelTransfer': return cancelTransfer(s, au, b, run)
    case 'RegisterSupplier': return registerSupplier(s, act.id, au, b, run)
    case 'SetListing': return setListing(s, au, b, run)
    default: return unreachable(b)
  }
}

function unreachable (b: never): never {
  throw new Error(`fold: unhandled act type ${(b as { type: string }).type}`)
}

// ---- genesis ------------------------------------------------------------------------------

function createGroup (s: GroupState, act: SignedAct, b: A.CreateGroup, run: boolean, pos: BlockPos | null): Code {
  if (s.groupId !== null) return 'GENESIS_ONLY'
  if (!run) return null
  const f = act.author
  s.groupId = act.id
  s.groupName = b.name
  s.founder = f
  s.members.set(f, { id: f, name: b.founderName, creditCents: 0 })
  s.memberNames.set(foldedName(b.founderName), f)
  if (pos !== null) s.registrations.set(f, { pos, admins: [], name: b.founderName, removed: null })
  s.referenti.add(f)
  s.cassieri.add(f)
  makeAdmin(s, f, pos)
  return null
}

// ---- governance ---------------------------------------------------------------------------

function voteRegister (s: GroupState, au: MemberId, b: A.VoteRegisterMember, run: boolean, pos: BlockPos | null): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  if (s.members.has(b.member)) return 'MEMBER_EXISTS'
  if (s.memberNames.has(foldedName(b.name))) return 'NAME_TAKEN'
  const key = tallyKey(b)
  if (duplicateVote(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  if (tallyVote(s, key, b.type, b.member, au, b.name)) {
    s.members.set(b.member, { id: b.member, name: b.name, creditCents: 0 })
    s.memberNames.set(foldedName(b.name), b.member)
    if (pos !== null) s.registrations.set(b.member, { pos, admins: [...s.admins].sort(), name: b.name, removed: null })
  }
  return null
}

function voteRemove (s: GroupState, au: MemberId, b: A.VoteRemoveMember, run: boolean, pos: BlockPos | null): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  if (m.creditCents !== 0 || hasOpenCommitment(s, b.member)) return 'MEMBER_HAS_FUNDS'
  if (s.admins.has(b.member)) return 'MEMBER_IS_ADMIN'
  const key = tallyKey(b)
  if (duplicateVote(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  if (tallyVote(s, key, b.type, b.member, au)) {
    s.members.delete(b.member)
    s.memberNames.delete(foldedName(m.name))
    // Where, for the members' recovery: a removal every admin has seen leaves its base (docs/ordering.md §5).
    const r = s.registrations.get(b.member)
    if (r !== undefined && pos !== null) s.registrations.set(b.member, { pos: r.pos, admins: r.admins, name: r.name, removed: { pos, admins: [...s.admins].sort() } })
    // Registered again, a member starts as new: prepaid, no ceiling, nothing listed (SPEC §4.6,
    // §4.7), no vote about them half counted, no transfer of theirs to accept.
    s.limits.delete(b.member)
    s.listings.delete(b.member)
    for (const [k, t] of s.tallies) if (t.member === b.member) s.tallies.delete(k)
    for (const x of s.transfers.values()) if (x.status === 'pending' && (x.from === b.member || x.to === b.member)) s.transfers.set(x.id, { ...x, status: 'cancelled' })
  }
  return null
}

function voteElect (s: GroupState, au: MemberId, b: A.VoteElectReferente | A.VoteElectCassiere, run: boolean, pos: BlockPos | null): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  if (!s.members.has(b.member)) return 'UNKNOWN_MEMBER'
  const role = b.type === 'VoteElectReferente' ? s.referenti : s.cassieri
  if (role.has(b.member)) return 'ALREADY_IN_ROLE'
  const key = tallyKey(b)
  if (duplicateVote(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  if (tallyVote(s, key, b.type, b.member, au)) {
    role.add(b.member)
    makeAdmin(s, b.member, pos)
  }
  return null
}

function voteRevoke (s: GroupState, actId: ActId, au: MemberId, b: A.VoteRevokeReferente | A.VoteRevokeCassiere, run: boolean): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  const isRef = b.type === 'VoteRevokeReferente'
  const role = isRef ? s.referenti : s.cassieri
  if (!role.has(b.member)) return 'NOT_IN_ROLE' // SPEC §4: "is referente (NOT_IN_ROLE)", a key never registered too
  if (role.size === 1) return 'LAST_IN_ROLE'
  // With two admins each alone is a quorum: taking the other's last role would let both sides of
  // a partition remove each other. Only stepping down, or the members' recovery (VoteRecover).
  const other = isRef ? s.cassieri : s.referenti
  if (s.admins.size === 2 && b.member !== au && !other.has(b.member)) return 'NEEDS_MEMBERS'
  const key = tallyKey(b)
  if (duplicateVote(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  if (tallyVote(s, key, b.type, b.member, au)) {
    role.delete(b.member)
    if (isRef) {
      for (const p of s.purchases.values()) {
        if (p.owner === b.member && p.phase === 'open') failOpen(s, actId, p)
      }
    }
    refreshAdmin(s, b.member)
  }
  return null
}

/**
 * Votes of members that a recovery needs: a strict majority of every member ever registered,
 * removed ones too, but for those whose removal is confirmed in `confirmed` (every admin has
 * acknowledged it: the merge's rule, docs/ordering.md §5, as a node's interfaces can tell it; a
 * lone fold, without `confirmed`, keeps every removed member).
 */
export function recoveryQuorum (s: GroupState, confirmed?: GroupState): number {
  let base = 0
  for (const [id, r] of s.registrations) {
    const x = r.removed === null ? undefined : confirmed?.registrations.get(id)?.removed
    if (x == null || x.pos.feed !== r.removed!.pos.feed || x.pos.index !== r.removed!.pos.index) base++
  }
  return Math.floor(base / 2) + 1
}

/** How many of `voters` are current members. */
export function countMembers (s: GroupState, voters: ReadonlySet<MemberId>): number {
  let n = 0
  for (const v of voters) if (s.members.has(v)) n++
  return n
}

/**
 * A member votes to remove admin (or former admin) `b.member`, who is gone (SPEC §5 never stuck;
 * the recovery of docs/ordering.md §5). Signed by the member themself. When the votes carry it
 * ({@link FoldContext}: in the merge, a rule on the block's causal past) the admin loses every
 * role — a role left with nobody goes to the admin whose block carries the deciding vote, else to
 * the remaining admin with the smallest key — and the merge freezes their feed there, waiving
 * their acknowledgements. Until then each vote is recorded and changes nothing else.
 */
function voteRecover (s: GroupState, actId: ActId, au: MemberId, b: A.VoteRecover, run: boolean, pos: BlockPos | null, ctx?: FoldContext): Code {
  // A member in the block's causal past votes there even when a concurrent block, earlier in the
  // order, removed them: else the votes that carried on one side of a partition would not carry
  // once the sides merge, and a confirmed log would shrink (docs/ordering.md §5).
  if (!s.members.has(au) && ctx?.removedOutsidePast(au) !== true) return 'NOT_AUTHORIZED'
  // A former admin too: the admins may have revoked them already, and confirmation still waits.
  if (!s.cash.has(b.member)) return 'NOT_IN_ROLE'
  if (s.admins.has(b.member) && s.admins.size === 1) return 'LAST_IN_ROLE'
  // Three admins or more remove one of them by majority: a members' recovery on a minority side
  // would confirm beside the majority's removal on the other (the review's counterexample,
  // docs/ordering.md §5). The members vote against one of two admins, or a former admin.
  if (s.admins.has(b.member) && s.admins.size > 2) return 'ADMINS_CAN_REMOVE'
  const key = recoveryKey(b.member)
  if (alreadyVoted(s, key, au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  let t = s.tallies.get(key)
  if (t === undefined) s.tallies.set(key, (t = { type: b.type, member: b.member, voters: new Set() }))
  t.voters.add(au)
  const carried = ctx !== undefined ? ctx.recoveryCarried(b.member, t.voters) : countMembers(s, t.voters) >= recoveryQuorum(s)
  if (!carried) return null
  s.tallies.delete(key)
  s.recoveries.set(b.member, (s.recoveries.get(b.member) ?? 0) + 1)
  if (!s.admins.has(b.member)) return null
  if (s.referenti.delete(b.member)) {
    for (const p of s.purchases.values()) if (p.owner === b.member && p.phase === 'open') failOpen(s, actId, p)
  }
  s.cassieri.delete(b.member)
  refreshAdmin(s, b.member)
  const heir = pos !== null && s.admins.has(pos.feed) ? pos.feed : [...s.admins].sort()[0]
  if (s.referenti.size === 0) s.referenti.add(heir)
  if (s.cassieri.size === 0) s.cassieri.add(heir)
  return null
}

// ---- cash ---------------------------------------------------------------------------------

function openPurchase (s: GroupState, actId: ActId, au: MemberId, b: A.OpenPurchase, run: boolean): Code {
  if (!s.referenti.has(au)) return 'NOT_REFERENTE'
  const key = foldedName(b.name)
  if (s.openPurchaseNames.has(key)) return 'NAME_TAKEN'
  if (!run) return null
  s.purchases.set(actId, {
    id: actId,
    name: b.name,
    supplier: b.supplier,
    notes: b.notes,
    owner: au,
    phase: 'open',
    commitments: new Map(),
    closeVotes: new Set(),
    failVotes: new Set(),
    paidCents: 0
  })
  s.openPurchaseNames.set(key, actId)
  return null
}

function commit (s: GroupState, actId: ActId, au: MemberId, b: A.Commit, run: boolean): Code {
  if (au !== b.member && !s.admins.has(au)) return 'NOT_AUTHORIZED'
  const p = findPurchase(s, b.purchase)
  if (typeof p === 'string') return p
  if (p.order !== undefined) return 'HAS_CATALOGUE' // a purchase with products takes bookings (SPEC §4.5)
  if (p.commitsClosed === true) return 'BOOKINGS_CLOSED' // closed by its owner (CloseBookings, SPEC §4.5)
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  if (spendable(s, b.member) < b.cents) return 'INSUFFICIENT_CREDIT'
  const c = p.commitments.get(b.member)
  const kept = c === undefined || c.status === 'rejected' ? 0 : c.amountCents
  if (kept + b.cents > MAX) return 'AMOUNT_OVERFLOW'
  if (!run) return null
  credit(s, actId, b.member, -b.cents, 'commit', p.id)
  // A new commitment after a rejection starts again from zero: the rejected amount was refunded.
  p.commitments.set(b.member, { member: b.member, amountCents: kept + b.cents, status: 'pending' })
  return null
}

function approve (s: GroupState, au: MemberId, b: A.ApproveCommitment, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  const c = p.commitments.get(b.member)
  if (c === undefined || c.status !== 'pending') return 'NO_PENDING_COMMITMENT'
  if (!run) return null
  c.status = 'approved'
  return null
}

function reject (s: GroupState, actId: ActId, au: MemberId, b: A.RejectCommitment, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  const c = p.commitments.get(b.member)
  if (c === undefined || c.status === 'rejected') return 'NO_COMMITMENT'
  if (!s.members.has(b.member)) return 'UNKNOWN_MEMBER'
  if (!run) return null
  c.status = 'rejected'
  credit(s, actId, b.member, c.amountCents, 'refund-rejected', p.id)
  return null
}

function adjust (s: GroupState, actId: ActId, au: MemberId, b: A.AdjustCommitment, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (p.order !== undefined) return 'HAS_CATALOGUE' // a booking's amount follows its lines (SPEC §4.5)
  const c = p.commitments.get(b.member)
  if (c === undefined || c.status === 'rejected') return 'NO_COMMITMENT'
  const m = s.members.get(b.member)
  if (m === undefined) return 'UNKNOWN_MEMBER'
  const diff = b.cents - c.amountCents
  if (diff > 0 && spendable(s, b.member) < diff) return 'INSUFFICIENT_CREDIT'
  if (!run) return null
  if (diff !== 0) credit(s, actId, b.member, -diff, 'adjust', p.id)
  c.amountCents = b.cents
  return null
}

function votePurchase (s: GroupState, au: MemberId, b: A.VoteClosePurchase | A.VoteFailPurchase, run: boolean): Code {
  if (!s.admins.has(au)) return 'NOT_ADMIN'
  const p = findPurchase(s, b.purchase)
  if (typeof p === 'string') return p
  const votes = b.type === 'VoteClosePurchase' ? p.closeVotes : p.failVotes
  if (votes.has(au)) return 'DUPLICATE_VOTE'
  if (!run) return null
  votes.add(au)
  return null
}

function closePurchase (s: GroupState, actId: ActId, au: MemberId, b: A.ClosePurchase, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (countCurrent(s, p.closeVotes) < quorum(s.admins.size)) return 'NO_QUORUM'
  let paid = 0
  for (const c of p.commitments.values()) {
    if (c.status === 'pending') return 'PENDING_COMMITMENTS'
    if (c.status === 'approved') paid += c.amountCents
  }
  if ((s.cash.get(au) ?? 0) - paid < -MAX) return 'AMOUNT_OVERFLOW'
  if (!run) return null
  p.paidCents = paid
  closePhase(s, p, 'closed')
  if (paid > 0) cash(s, actId, au, -paid, 'supplier-payment', { purchase: p.id })
  return null
}

function failPurchase (s: GroupState, actId: ActId, au: MemberId, b: A.FailPurchase, run: boolean): Code {
  const p = ownedPurchase(s, au, b.purchase)
  if (typeof p === 'string') return p
  if (countCurrent(s, p.failVotes) < quorum(s.admins.size)) return 'NO_QUORUM'
  if (!run) return null
  failOpen(s, actId, p)
  return null
}
