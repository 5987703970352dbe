/**
 * Reminders and notices (issue 16 item 4), derived from the group state and a clock: for a member,
 * purchases open to book, bookings closing within 24 hours, a booking approved or rejected, a
 * delivery recorded with its difference, a credit too low for the open purchases, a transfer to
 * accept or one waiting for the other party (SPEC §4.6); for an admin,
 * commitments to decide, deliveries to record and bookings closing on their own purchases, votes
 * other admins started that wait for theirs, and their acts of the last week the merged order refused. Pure:
 * the same state and time give the same notices; nothing is stored or replicated.
 */
import { goodsCents, linesCents } from '../fold/lines.js'
import type { ActBody, SignedAct } from '../acts/types.js'
import { bookingsOpen, countCurrent, memberName, quorum, type GovernanceVote, type GroupState, type Purchase, type Tally } from '../fold/state.js'
import { checkVote } from '../fold/fold.js'
import type { MergedLog } from '../merge/log.js'
import type { IgnoredBlock, LogEntry } from '../merge/replay-types.js'
import { actSubject } from './log-view.js'
import type { ActId, MemberId, PurchaseId } from '../ids.js'

/** One notice: its kind, the purchase it is about, and the figures its message needs (cents, ms). */
export interface Notice {
  kind: 'open' | 'closing' | 'approved' | 'rejected' | 'delivered' | 'failed' | 'lowCredit' | 'toAccept' | 'awaiting' | 'toDecide' | 'toDeliver' | 'toVote' | 'refusedInOrder' | 'notCounted'
  purchase: PurchaseId | null
  purchaseName: string | null
  /** When the bookings close (closing), ms since the epoch. */
  atMs?: number
  /** toAccept/awaiting: a pending transfer (SPEC §4.6), the other party's name and the amount, cents. */
  transfer?: ActId
  other?: string
  /** toAccept/awaiting: the transfer's memo, when it is not blank (runs of spaces as one). */
  memo?: string
  /** delivered: booked goods and delivered goods, cents; failed: what came back to the credit, cents; lowCredit: the credit, cents; toAccept/awaiting: the amount, cents; toDecide/toDeliver: how many; toVote: the votes so far. */
  bookedCents?: number
  deliveredCents?: number
  creditCents?: number
  count?: number
  /** refusedInOrder (and notCounted): the act's type (`AddDiscount` for a shared discount), payee and amount (cents), the code the order gave it (notCounted: why its block was not used, `FROZEN`, `NOT_A_WRITER`…), and when it was signed (`atMs`); `other` is its member or payer. */
  actType?: ActBody['type'] | 'AddDiscount'
  payee?: string
  amountCents?: number
  /** refusedInOrder of a SetPrice: the product, by name. */
  product?: string
  code?: string
  /** toVote: the quorum (`count`: the votes of current admins so far). */
  quorum?: number
  /** toVote on credit limits (VoteSetLimits): the overdraft and the ceiling proposed, cents (0: none). */
  overdraftCents?: number
  ceilingCents?: number
  /** open, approved, rejected: a purchase without a catalogue, which takes a free amount (commit), not bookings. */
  free?: true
}

/** Closing within this long is a reminder, ms. */
export const CLOSING_SOON_MS = 24 * 3600 * 1000
/** Below this credit, with a purchase open, a member is reminded to top up, cents. */
export const LOW_CREDIT_CENTS = 500

/** A member's notices at time `nowMs`, most urgent first. */
export function memberNotices (s: GroupState, me: MemberId, nowMs: number): Notice[] {
  const out: Notice[] = []
  const m = s.members.get(me)
  if (m === undefined) return out
  let open = 0
  for (const p of [...s.purchases.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.phase !== 'open') continue
    open++
    const base = { purchase: p.id, purchaseName: p.name }
    const c = p.commitments.get(me)
    const bookable = bookingsOpen(p)
    const closes = p.dates?.closesAtMs ?? 0
    if (bookable && closes > nowMs && closes - nowMs <= CLOSING_SOON_MS) out.push({ kind: 'closing', ...base, atMs: closes })
    if (c === undefined && bookable) out.push({ kind: 'open', ...base, ...(p.order === undefined ? { free: true as const } : {}) })
    // (A free-amount purchase's is a commitment, not a booking: `free` says which words.)
    const free = p.order === undefined ? { free: true as const } : {}
    if (c?.status === 'approved') out.push({ kind: 'approved', ...base, ...free })
    if (c?.status === 'rejected') out.push({ kind: 'rejected', ...base, ...free })
    const d = deliveredNotice(p, me)
    if (d !== null) out.push(d)
  }
  if (open > 0 && m.creditCents < LOW_CREDIT_CENTS) out.push({ kind: 'lowCredit', purchase: null, purchaseName: null, creditCents: m.creditCents })
  // Pending transfers (SPEC §4.6): the member accepts the ones the other party asked for, and waits on their own.
  for (const x of [...s.transfers.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (x.status !== 'pending' || (x.from !== me && x.to !== me)) continue
    const otherId = x.from === me ? x.to : x.from
    const other = s.members.get(otherId)?.name ?? otherId.slice(0, 8)
    const signed = x.from === me ? -x.cents : x.cents
    const memo = x.memo.replace(/\s+/g, ' ').trim()
    out.push({ kind: x.initiator === me ? 'awaiting' : 'toAccept', purchase: null, purchaseName: null, transfer: x.id, other, creditCents: signed, ...(memo === '' ? {} : { memo }) })
  }
  const rank = ['closing', 'toAccept', 'lowCredit', 'delivered', 'rejected', 'approved', 'awaiting', 'open', 'toDecide', 'toDeliver']
  return out.sort((x, y) => rank.indexOf(x.kind) - rank.indexOf(y.kind))
}

/** The `delivered` notice of `me`'s booking in purchase `p` (booked and delivered goods, cents), or null: none delivered, or rejected. */
function deliveredNotice (p: Purchase, me: MemberId): Notice | null {
  const b = p.order?.bookings.get(me)
  if (b === undefined || b.delivered === null || p.commitments.get(me)?.status === 'rejected') return null
  return { kind: 'delivered', purchase: p.id, purchaseName: p.name, bookedCents: linesCents(b.lines), deliveredCents: goodsCents(b) }
}

/**
 * What the daily digest tells `me` of the purchases `ended` (ids, in their order) since the one
 * before (src/api/mail.ts): of a closed one, its `delivered` notice; of a failed one in which
 * `me` had a commitment not rejected, `failed` with what came back to the credit (`creditCents`).
 * A purchase's notices end with it, so a delivery recorded and closed, or a purchase failed,
 * between two digests would otherwise never reach the member by email.
 */
export function endedNotices (s: GroupState, me: MemberId, ended: Iterable<PurchaseId>): Notice[] {
  const out: Notice[] = []
  for (const id of ended) {
    const p = s.purchases.get(id)
    const c = p?.commitments.get(me)
    const d = p?.phase === 'closed' ? deliveredNotice(p, me) : null
    if (d !== null) out.push(d)
    else if (p?.phase === 'failed' && c !== undefined && c.status !== 'rejected') out.push({ kind: 'failed', purchase: p.id, purchaseName: p.name, creditCents: c.amountCents })
  }
  return out
}

/** An admin's notices: on their own open purchases, commitments to decide, deliveries to record, bookings closing soon; then the votes that wait for theirs (`toVote`). */
export function adminNotices (s: GroupState, me: MemberId, nowMs: number): Notice[] {
  const out: Notice[] = []
  for (const p of [...s.purchases.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.phase !== 'open' || p.owner !== me) continue
    const base = { purchase: p.id, purchaseName: p.name }
    const pending = [...p.commitments.values()].filter((c) => c.status === 'pending').length
    if (pending > 0) out.push({ kind: 'toDecide', ...base, count: pending })
    if (p.order !== undefined && !p.order.bookingsOpen) {
      const undelivered = [...p.order.bookings].filter(([m, b]) => b.delivered === null && p.commitments.get(m)?.status === 'approved').length
      if (undelivered > 0) out.push({ kind: 'toDeliver', ...base, count: undelivered })
    }
    const closes = p.dates?.closesAtMs ?? 0
    if (bookingsOpen(p) && closes > nowMs && closes - nowMs <= CLOSING_SOON_MS) out.push({ kind: 'closing', ...base, atMs: closes })
  }
  // What other admins proposed (SPEC §4: the first vote is the proposal) and waits for this one's
  // vote: a vote with other figures would start a tally of its own, so the figures are said.
  if (!s.admins.has(me)) return out
  for (const [, v] of [...s.tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const votes = countCurrent(s, v.voters)
    if (v.type === 'VoteRecover' || v.voters.has(me) || votes === 0) continue
    const body = tallyBody(v)
    // A proposal another act made impossible (the name taken since, the role given) asks no one.
    if (checkVote(s, me, body) !== null) continue
    out.push({
      kind: 'toVote',
      purchase: null,
      purchaseName: null,
      actType: v.type as ActBody['type'],
      other: v.type === 'VoteRegisterMember' ? v.name ?? '' : memberName(s, v.member) ?? v.member.slice(0, 8),
      count: votes,
      quorum: quorum(s.admins.size),
      ...(body.type === 'VoteSetLimits' ? { overdraftCents: body.overdraftCents, ceilingCents: body.ceilingCents } : {})
    })
  }
  return out
}

/** A limits vote's figures as its notice says them (`limitsProposed`), in the reader's words; '' for any other notice. */
export function noticeFigures (n: Notice, w: { t: (key: string, vars?: { [k: string]: string }) => string, eur: (cents: number) => string }): string {
  if (n.overdraftCents === undefined) return ''
  return w.t('limitsProposed', { overdraft: w.eur(n.overdraftCents), ceiling: (n.ceilingCents ?? 0) === 0 ? w.t('noCeiling') : w.eur(n.ceilingCents ?? 0) })
}

/** The vote open tally `v` counts (its key: src/fold/state.ts tallyKey; a limits vote's figures are its `name`). */
function tallyBody (v: Tally): GovernanceVote {
  if (v.type === 'VoteRegisterMember') return { type: v.type, member: v.member, name: v.name ?? '' }
  if (v.type === 'VoteSetLimits') {
    const [overdraftCents, ceilingCents] = (v.name ?? '0:0').split(':').map(Number)
    return { type: v.type, member: v.member, overdraftCents, ceilingCents }
  }
  return { type: v.type as Exclude<GovernanceVote['type'], 'VoteRegisterMember' | 'VoteSetLimits'>, member: v.member }
}

/** How far back an admin is told of their acts the order refused, ms (a week). */
export const REFUSED_RECENT_MS = 7 * 24 * 3600 * 1000
/** At most this many of the latest log entries are looked at for them. */
const REFUSED_SCAN = 4096

/**
 * The acts written to admin `me`'s feed in the last week (theirs, or members' they relayed) that
 * the merged order refused: a receipt said "to confirm", and another admin's concurrent act came
 * first (SPEC §5; the same name taken, a transfer already accepted, the credit spent): one notice
 * per entry of {@link refusedEntries}. Entries restored from a checkpoint carry no act: `read`
 * holds those acts, read back from their blocks (GasNode.readActs); one neither carries nor reads
 * is left out.
 */
export function refusedInOrder (entries: readonly LogEntry[], s: GroupState, read: ReadonlyMap<ActId, SignedAct> = new Map()): Notice[] {
  const out: Notice[] = []
  for (const e of entries) {
    const act = e.act ?? read.get(e.actId)
    if (act !== undefined) out.push(actNotice('refusedInOrder', act, s, e.timeMs ?? undefined, e.status))
  }
  return out
}

/** A notice about one of this node's acts (refused in the order, or in a block not used): what it was, whom it named, how much, when signed, and `code`. */
function actNotice (kind: 'refusedInOrder' | 'notCounted', act: SignedAct, s: GroupState, atMs: number | undefined, code: string): Notice {
  const b = act.body
  const x = actSubject(s, b)
  return {
    kind,
    purchase: 'purchase' in b ? b.purchase : null,
    purchaseName: x.purchaseName,
    atMs,
    actType: b.type === 'AddCost' && b.discount ? 'AddDiscount' : b.type,
    ...(x.memberName === null ? {} : { other: x.memberName }),
    ...(x.payeeName === null ? {} : { payee: x.payeeName }),
    ...(x.cents === null ? {} : { amountCents: x.cents }),
    ...(x.productName === null ? {} : { product: x.productName }),
    code
  }
}

/**
 * The acts this node wrote (`me`'s feed) in blocks the merge ignored (SPEC §5: written after its
 * admin was removed, a frozen writer, or past a fork): in no one's books, though their receipt
 * said "to confirm". One notice per act, `code` the block's reason; `actsOf` gives a block's decoded acts.
 */
export function notCounted (ignored: readonly IgnoredBlock[], me: MemberId, s: GroupState, actsOf: (feed: MemberId, index: number) => readonly SignedAct[]): Notice[] {
  const out: Notice[] = []
  for (const b of ignored) {
    if (b.feed !== me || b.actIds.length === 0) continue
    for (const act of actsOf(b.feed, b.index)) out.push(actNotice('notCounted', act, s, act.timeMs, b.reason))
  }
  return out
}

/**
 * {@link notCounted}, reading back with `readBack` the acts of ignored blocks the graph holds
 * undecoded (inside a checkpoint: the notice would vanish after a restart).
 */
export async function notCountedRead (ignored: readonly IgnoredBlock[], me: MemberId, s: GroupState, actsOf: (feed: MemberId, index: number) => readonly SignedAct[], readBack: (blocks: readonly IgnoredBlock[]) => Promise<ReadonlyMap<ActId, SignedAct>>): Promise<Notice[]> {
  const unread = ignored.filter((b) => b.feed === me && b.actIds.length > 0 && actsOf(b.feed, b.index).length === 0)
  const back = unread.length === 0 ? new Map<ActId, SignedAct>() : await readBack(unread)
  return notCounted(ignored, me, s, (feed, index) => {
    const held = actsOf(feed, index)
    return held.length > 0 ? held : (unread.find((b) => b.feed === feed && b.index === index)?.actIds ?? []).flatMap((id) => back.get(id) ?? [])
  })
}

/** The entries {@link refusedInOrder} tells of: in `me`'s feed, refused, signed in the last week, among the last {@link REFUSED_SCAN}; latest first. */
export function refusedEntries (log: MergedLog, me: MemberId, nowMs: number): LogEntry[] {
  const out: LogEntry[] = []
  for (let i = log.length - 1; i >= Math.max(0, log.length - REFUSED_SCAN); i--) {
    const e = log.at(i)
    if (e.feed === me && e.status !== 'applied' && e.status !== 'duplicate' && e.timeMs !== null && nowMs - e.timeMs <= REFUSED_RECENT_MS) out.push(e)
  }
  return out
}

/** The message key of a notice: `n_<kind>`, and for a transfer `_pay` (the member pays) or `_get` (the member is paid). */
export function noticeKey (n: Notice): string {
  if ((n.kind === 'open' || n.kind === 'approved' || n.kind === 'rejected') && n.free === true) return `n_${n.kind}_free`
  // A withdrawal refused in the order: the cash may have been handed over already.
  if (n.kind === 'refusedInOrder' && n.actType === 'Withdraw') return 'n_refusedInOrder_withdraw'
  // Not in the books: a withdrawal's cash was handed over, a deposit's is still in hand.
  if (n.kind === 'notCounted' && n.actType === 'Withdraw') return 'n_notCounted_withdraw'
  if (n.kind !== 'toAccept' && n.kind !== 'awaiting') return `n_${n.kind}`
  return `n_${n.kind}_${(n.creditCents ?? 0) < 0 ? 'pay' : 'get'}`
}
