/**
 * What an act did, for the person who made it (SPEC §7: receipts that say who, how much and the
 * balance after; the figures of a refusal are in src/fold/refusal.ts). Built from the node's view right after the act
 * was appended; pure functions of a replay, no I/O.
 */
import type { ActBody, SignedAct } from '../acts/types.js'
import { countMembers, recoveryQuorum } from '../fold/fold.js'
import { countCurrent, memberName, quorum, recoveryKey, tallyKey, type GovernanceVote, type GroupState } from '../fold/state.js'
import { foldedName, type ActId, type MemberId, type PurchaseId } from '../ids.js'
import type { LogEntry, Replay } from '../merge/replay.js'
import { recoveryNeeded } from '../merge/removals.js'
import type { AdminPresence } from './dto.js'
import { cancelKind, paidFor } from './log-view.js'

/** A member as a receipt names them, with their credit after the act (cents). */
export interface ReceiptMember {
  id: MemberId
  name: string
  creditCents: number
  confirmedCreditCents: number
}

/** The answer to an act (SPEC §7). Amounts in cents. */
export interface ActReceipt {
  actId: ActId
  type: ActBody['type']
  /** 'applied', or the rejection code the act got in the order (another admin's act came first). */
  status: string
  /** True when the act is already confirmed (a group of one admin confirms at once). */
  final: boolean
  /** The amount of the act, cents, when it has one. */
  cents?: number
  /** The member the act is about (or the admin a settlement came from), after the act. */
  member?: ReceiptMember
  /** That member's name, also where `member` is left out: removed by the act, or another's figures. */
  name?: string
  /** A transfer's payee, by name (the payer is `name`). */
  payee?: string
  /** A shared cost that is a discount (AddCost with `discount`). */
  discount?: true
  /** A close vote on a purchase whose bookings are still open (no CloseBookings yet: the order has not gone to the supplier). */
  bookingsOpen?: true
  /** An approval or rejection of a booking (a purchase with a catalogue), not of a free amount's commitment. */
  booking?: true
  /** A cancelled transfer: withdrawn by its initiator or refused by the other party (SPEC §4.6); absent when an admin cancelled it for them. */
  cancel?: 'withdrawn' | 'refused'
  /** An applied close of a purchase with a catalogue: how many approved bookings it paid as booked, no delivery recorded for them. */
  paidAsBooked?: number
  /** Seconds since the same act (same author, type, member and amount) was recorded before, a command sent twice? (set by the API: {@link repeatedAfter}) */
  repeatedAfterS?: number
  /** An applied shared cost's share of each member who bears one, by name, cents (negative for a discount), in the order of the bookings. */
  shares?: Array<{ name: string, cents: number }>
  /** An applied FailPurchase: what each member got back, by name, cents, in the order of the commitments. */
  refunds?: Array<{ name: string, cents: number }>
  /** A Book that replaced a booking: the products it had that this one leaves out, by name. */
  dropped?: string[]
  /** An applied RejectCommitment of a booking that bore cost shares (cents): they went back with it, and the purchase's shared costs now collect `collectedCents` of the `addedCents` added. */
  sharesBack?: { cents: number, collectedCents: number, addedCents: number }
  /** A Book with no quantity left: the member's booking withdrawn (only cost shares may remain). */
  withdrawn?: boolean
  /** An applied Deliver: the products the member booked that it delivers none of, by name. */
  notDelivered?: string[]
  purchase?: { id: PurchaseId, name: string }
  /** The product a SetPrice prices, by its catalogue name (its price is `cents`). */
  product?: string
  /** The limits a VoteSetLimits votes for, cents (ceiling 0: none, as in the act and a member's view). */
  limits?: { overdraftCents: number, ceilingCents: number }
  /** A booking's, delivery's or free commitment's total after the act (goods and cost shares), cents: the member's commitment to the purchase (a second Commit adds to the first). */
  orderCents?: number
  /** The author's cash after the act, when the act moved it. */
  cashCents?: number
  /** A SettleCash that left the admin it came from below zero: their cash after, cents (negative). */
  fromCashCents?: number
  /**
   * A vote to revoke the last role of an admin whose cash is below zero (cash they advanced, which
   * the group owes them): that cash, cents (negative). Only an admin records cash they receive
   * (SPEC §4 SettleCash), so once the revocation takes effect they cannot record being paid back.
   */
  owedCashCents?: number
  /** An OpenPurchase whose name other purchases (no longer open) have too: how many. */
  sameName?: number
  /** For governance and purchase votes: current admins' votes, the quorum, and whether it took effect. */
  vote?: { votes: number, quorum: number, done: boolean }
}

/**
 * What a receipt needs from the state before its act: the names of the members the acts name (a
 * member the act removes is gone after it) and the quorum the votes were counted against (the act
 * may change the admins, and with them the quorum).
 */
export interface BeforeAct {
  names: ReadonlyMap<MemberId, string>
  quorum: number
  /** The product keys of each booking a `Book` replaces, by `<purchase>:<member>` (a booking becomes the lines it gives, SPEC §4.5). */
  booked: ReadonlyMap<string, readonly string[]>
}

/** The member an act is about (or the admin a settlement came from), if any. */
const subjectOf = (b: ActBody): MemberId | null => ('member' in b ? b.member : 'from' in b ? b.from : null)

/** {@link BeforeAct} of `bodies` in `s`, taken before they are appended. */
export function beforeAct (s: GroupState, bodies: readonly ActBody[]): BeforeAct {
  const names = new Map<MemberId, string>()
  for (const b of bodies) {
    const id = subjectOf(b)
    // A registration names the member by the name voted, not one their key had before.
    const name = id === null || b.type === 'VoteRegisterMember' ? null : memberName(s, id)
    if (name !== null) names.set(id!, name)
  }
  const booked = new Map<string, string[]>()
  for (const b of bodies) {
    const lines = b.type === 'Book' ? s.purchases.get(b.purchase)?.order?.bookings.get(b.member)?.lines : undefined
    if (b.type === 'Book' && lines !== undefined) booked.set(`${b.purchase}:${b.member}`, lines.map((l) => l.product))
  }
  return { names, quorum: quorum(s.admins.size), booked }
}

/**
 * What act `actId` moved for each member of `purchase`, by name, cents, from their statements: a
 * shared cost's share (`sign` −1: what it took), a failed purchase's refund (`sign` 1: what it gave back).
 */
function movedBy (s: GroupState, purchase: PurchaseId, actId: ActId, sign: 1 | -1): Array<{ name: string, cents: number }> {
  const out: Array<{ name: string, cents: number }> = []
  for (const member of s.purchases.get(purchase)?.commitments.keys() ?? []) {
    const moves = s.statements.get(member) ?? []
    // The cost's movement is among a statement's last ones: later acts of the member come after it.
    for (let i = moves.length - 1; i >= 0; i--) {
      if (moves[i].actId !== actId) continue
      out.push({ name: memberName(s, member) ?? member.slice(0, 8), cents: moves[i].deltaCents === 0 ? 0 : sign * moves[i].deltaCents })
      break
    }
  }
  return out
}

/** Acts a person may send twice by mistake (a double tap, a command repeated): money that moves each time. */
const REPEATABLE: ReadonlySet<ActBody['type']> = new Set(['Deposit', 'Withdraw', 'Commit', 'Transfer', 'SettleCash'])
/** How far back {@link recentOwnEntries} looks: ms (by the authors' clocks) and log entries. */
const REPEAT_WINDOW_MS = 120_000
const REPEAT_SCAN = 200

/**
 * The entries of `v`'s log that {@link repeatedAfter} compares `acts` (appended together, by one
 * author) with: in that author's feed, signed at most {@link REPEAT_WINDOW_MS} before the first of
 * them, among the last {@link REPEAT_SCAN} entries before them; none when no act moves money.
 * Their acts may have to be read back (a checkpoint keeps none).
 */
export function recentOwnEntries (v: Replay, acts: readonly SignedAct[]): LogEntry[] {
  const moving = acts.filter((a) => REPEATABLE.has(a.body.type))
  if (moving.length === 0) return []
  const from = Math.min(...moving.map((a) => a.timeMs)) - REPEAT_WINDOW_MS
  const out: LogEntry[] = []
  const log = v.entries
  const last = log.length - 1
  for (let i = last; i >= 0 && i >= last - REPEAT_SCAN - acts.length; i--) {
    const at = log.timeMs(i)
    if (at === null || at < from) continue
    const e = log.at(i)
    if (e.feed === moving[0].author) out.push(e)
  }
  return out
}

/**
 * Seconds between `act` and the latest of `earlier` (acts of {@link recentOwnEntries}) with the
 * same author and the same body (type, member or payer and payee, amount, reason), by the authors'
 * clocks; null when there is none.
 */
export function repeatedAfter (act: SignedAct, earlier: readonly SignedAct[]): number | null {
  if (!REPEATABLE.has(act.body.type)) return null
  const same = JSON.stringify(act.body)
  let best: number | null = null
  for (const e of earlier) {
    if (e.id === act.id || e.author !== act.author || e.timeMs > act.timeMs || act.timeMs - e.timeMs > REPEAT_WINDOW_MS || JSON.stringify(e.body) !== same) continue
    const s = Math.round((act.timeMs - e.timeMs) / 1000)
    if (best === null || s < best) best = s
  }
  return best
}

/** A member of the state as a receipt shows them; undefined for an unknown id. */
function receiptMember (v: Replay, id: MemberId): ReceiptMember | undefined {
  const m = v.state.members.get(id)
  if (m === undefined) return undefined
  return { id, name: m.name, creditCents: m.creditCents, confirmedCreditCents: v.confirmed.members.get(id)?.creditCents ?? 0 }
}

/** The vote of `body` as it stands in `s`: tallies are keyed as the fold keys them (src/fold/fold.ts). */
function voteOf (v: Replay, body: ActBody, author: MemberId, before?: BeforeAct, recovery?: AdminPresence['recoveryCount']): ActReceipt['vote'] {
  const s = v.state
  const q = before?.quorum ?? quorum(s.admins.size)
  if (body.type === 'VoteClosePurchase' || body.type === 'VoteFailPurchase') {
    const p = s.purchases.get(body.purchase)
    if (p === undefined) return undefined
    const n = countCurrent(s, body.type === 'VoteClosePurchase' ? p.closeVotes : p.failVotes)
    return { votes: n, quorum: q, done: n >= q }
  }
  if (body.type === 'VoteRecover') {
    // Members' votes, a strict majority of the members (src/fold/fold.ts voteRecover), counted
    // as the merge counts them when the node says (`recovery`: src/api/presence.ts).
    const t = s.tallies.get(recoveryKey(body.member))
    const c = t === undefined ? undefined : recovery?.(body.member, t.voters)
    const need = c === undefined ? recoveryQuorum(s, v.confirmed) : recoveryNeeded(c)
    const n = t === undefined ? need : c?.votes ?? countMembers(s, t.voters)
    return { votes: n, quorum: need, done: t === undefined }
  }
  if (!body.type.startsWith('Vote') || !('member' in body)) return undefined
  // The vote's own tally (a registration under another name, or other limits, is another).
  const t = s.tallies.get(tallyKey(body as GovernanceVote))
  if (t !== undefined && t.voters.has(author)) return { votes: countCurrent(s, t.voters), quorum: q, done: false }
  return { votes: q, quorum: q, done: true }
}

/**
 * The receipt of `act`, appended to the node's feed, as the view `v` (taken after appending) shows it.
 * The act is looked up from the end of the log, where a new act stands.
 */
export function receiptOf (v: Replay, act: SignedAct, before?: BeforeAct, recovery?: AdminPresence['recoveryCount']): ActReceipt {
  let entry = null
  for (let i = v.entries.length - 1; i >= 0 && entry === null; i--) if (v.entries.actId(i) === act.id) entry = v.entries.at(i)
  const b = act.body
  const r: ActReceipt = { actId: act.id, type: b.type, status: entry?.status ?? 'pending', final: entry?.final ?? false }
  if ('cents' in b) r.cents = b.cents
  // A close says what the supplier was paid (the closing referente's cash paid it).
  const paid = b.type === 'ClosePurchase' ? paidFor(v.state, b.purchase) : null
  if (paid !== null) r.cents = paid
  if ((b.type === 'ApproveCommitment' || b.type === 'RejectCommitment') && v.state.purchases.get(b.purchase)?.order !== undefined) r.booking = true
  const rejected = b.type === 'RejectCommitment' && r.status === 'applied' ? v.state.purchases.get(b.purchase) : undefined
  const back = rejected?.order?.bookings.get((b as { member: MemberId }).member)?.costCents ?? 0
  if (rejected?.order !== undefined && back !== 0) {
    const collectedCents = [...rejected.order.bookings].reduce((sum, [who, x]) => sum + (rejected.commitments.get(who)?.status === 'rejected' ? 0 : x.costCents), 0)
    r.sharesBack = { cents: back, collectedCents, addedCents: rejected.order.costs.reduce((sum, c) => sum + c.cents, 0) }
  }
  if (b.type === 'VoteClosePurchase' && v.state.purchases.get(b.purchase)?.order?.bookingsOpen === true) r.bookingsOpen = true // (a catalogue's: a free amount's commitments need no closing before the close)
  const closed = b.type === 'ClosePurchase' && r.status === 'applied' ? v.state.purchases.get(b.purchase) : undefined
  if (closed?.order !== undefined) r.paidAsBooked = [...closed.order.bookings].filter(([who, x]) => x.delivered === null && closed.commitments.get(who)?.status === 'approved').length
  if (b.type === 'AddCost' && b.discount) r.discount = true
  if (b.type === 'AddCost' && r.status === 'applied') r.shares = movedBy(v.state, b.purchase, act.id, -1)
  if (b.type === 'FailPurchase' && r.status === 'applied') r.refunds = movedBy(v.state, b.purchase, act.id, 1).filter((x) => x.cents !== 0)
  // A booking becomes the lines given: the products it had that this one leaves out, by name.
  const had = b.type === 'Book' && r.status === 'applied' ? before?.booked.get(`${b.purchase}:${b.member}`) : undefined
  if (b.type === 'Book' && (r.status === 'applied' || r.status === 'pending') && b.lines.every((l) => l.qtyMilli === 0)) r.withdrawn = true
  if (b.type === 'Book' && had !== undefined && r.withdrawn !== true) {
    const kept = new Set(b.lines.filter((l) => l.qtyMilli > 0).map((l) => l.product))
    const products = v.state.purchases.get(b.purchase)?.order?.products
    const dropped = had.filter((k) => !kept.has(k)).map((k) => products?.get(k)?.name ?? k)
    if (dropped.length > 0) r.dropped = dropped
  }
  if (b.type === 'Deliver' && r.status === 'applied') {
    const order = v.state.purchases.get(b.purchase)?.order
    const got = new Set(b.lines.filter((l) => l.qtyMilli > 0).map((l) => l.product))
    const none = (order?.bookings.get(b.member)?.lines ?? []).filter((l) => l.qtyMilli > 0 && !got.has(l.product)).map((l) => order?.products.get(l.product)?.name ?? l.product)
    if (none.length > 0) r.notDelivered = none
  }
  const who = subjectOf(b)
  if (who !== null) r.member = receiptMember(v, who)
  // A registration still waiting for votes names its member by the name voted.
  const name = r.member?.name ?? (who === null ? undefined : before?.names.get(who)) ?? (b.type === 'VoteRegisterMember' || b.type === 'RegisterSupplier' ? b.name : undefined)
  if (name !== undefined) r.name = name
  // A transfer's receipt says who pays whom and how much, also when it is accepted or cancelled.
  const x = b.type === 'AcceptTransfer' || b.type === 'CancelTransfer' ? v.state.transfers.get(b.transfer) : undefined
  if (x !== undefined) {
    r.cents = x.cents
    r.name = memberName(v.state, x.from) ?? undefined
    // An accepted transfer moves both credits: the payee who accepts reads their own after it,
    // anyone else the payer's (NodeApi.signedAct keeps only the author's figures).
    if (b.type === 'AcceptTransfer') r.member = receiptMember(v, act.author === x.to ? x.to : x.from)
    const cancel = b.type === 'CancelTransfer' ? cancelKind(x, act.author) : null
    if (cancel !== null) r.cancel = cancel
  }
  const payee = b.type === 'Transfer' ? b.to : x?.to
  if (payee !== undefined) r.payee = memberName(v.state, payee) ?? undefined
  if ('purchase' in b) {
    const p = v.state.purchases.get(b.purchase)
    if (p !== undefined) r.purchase = { id: p.id, name: p.name }
    if (b.type === 'SetPrice') { r.product = p?.order?.products.get(b.product)?.name ?? b.product; r.cents = b.priceCents }
    const c = (b.type === 'Book' || b.type === 'Deliver' || b.type === 'Commit' || b.type === 'AdjustCommitment') ? p?.commitments.get(b.member) : undefined
    if (c !== undefined && c.status !== 'rejected') r.orderCents = c.amountCents
  } else if (b.type === 'OpenPurchase') {
    r.purchase = { id: act.id as string as PurchaseId, name: b.name }
  }
  if (b.type === 'VoteSetLimits') r.limits = { overdraftCents: b.overdraftCents, ceilingCents: b.ceilingCents }
  if (['Deposit', 'Withdraw', 'SettleCash', 'ClosePurchase'].includes(b.type)) r.cashCents = v.state.cash.get(act.author) ?? 0
  // The admin a settlement came from, left below zero: a figure typed wrong, or cash they advanced (SPEC §4 invariant 2: interfaces flag it).
  if (b.type === 'SettleCash' && (r.status === 'applied' || r.status === 'pending') && (v.state.cash.get(b.from) ?? 0) < 0) r.fromCashCents = v.state.cash.get(b.from)
  if ((b.type === 'VoteRevokeReferente' || b.type === 'VoteRevokeCassiere') && (r.status === 'applied' || r.status === 'pending')) {
    const owned = v.state.cash.get(b.member) ?? 0
    const otherRole = b.type === 'VoteRevokeReferente' ? v.state.cassieri : v.state.referenti
    if (owned < 0 && !otherRole.has(b.member)) r.owedCashCents = owned
  }
  // Another purchase, no longer open, by the same name: the name means this one only while it is open.
  if (b.type === 'OpenPurchase' && r.status === 'applied') {
    const same = [...v.state.purchases.values()].filter((p) => p.id !== (act.id as string) && foldedName(p.name) === foldedName(b.name)).length
    if (same > 0) r.sameName = same
  }
  r.vote = voteOf(v, b, act.author, before, recovery)
  if (r.vote === undefined) delete r.vote
  return r
}
