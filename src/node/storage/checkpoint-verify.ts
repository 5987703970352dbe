/**
 * What a checkpoint's confirmed state and final log must satisfy before a node uses them (issue 13
 * item 6, "a checkpoint that cannot lie"; the file itself is src/node/storage/checkpoint.ts). The state
 * hash (src/fold/hash.ts) covers most of the state; this module checks the rest of it against the
 * part the hash covers, and the final log against the state:
 *
 * - every value has the shape and range the fold gives it (hex ids, safe-integer cents, known
 *   phases, statuses, kinds and codes);
 * - the fields derived from others are what the fold derives (admins = referenti ∪ cassieri,
 *   lowercased name indexes, tally keys, SPEC §4's money invariants and running balances);
 * - the final log is the one that folds into this state: its applied and rejected entries are,
 *   in order, the state's seen act ids; its rejected entries are the state's rejections; the
 *   counts agree; every movement was made by an applied act.
 *
 * Checks are strict: a check that fails only costs a replay from the feeds.
 */
import type { ActBody } from '../../acts/types.js'
import { HypergasError } from '../../errors.js'
import { checkInvariants } from '../../fold/invariants.js'
import type { CommitmentStatus, GroupState, MovementKind, Purchase, PurchasePhase, RejectionCode } from '../../fold/state.js'
import { MAX_CATALOGUE } from '../../fold/orders.js'
import { bookingCents } from '../../fold/lines.js'
import { MAX_PRICE_CENTS, MAX_QTY_MILLI, parseActBody } from '../../acts/schema.js'
import { z } from '../../zod.js'
import { foldedName, isHexId, type ActId, type GroupId } from '../../ids.js'
import type { LogColumns } from '../../merge/log.js'

/**
 * The error of a checkpoint that is damaged or inconsistent: code `BAD_CHECKPOINT`, with `msg`
 * saying what is wrong in one line. A node that meets it deletes the file and replays the feeds.
 */
export function badCheckpoint (msg: string): HypergasError {
  return new HypergasError('BAD_CHECKPOINT', msg)
}


/** True when `x` is a safe integer ≥ `min` (cents, counts, indexes). */
export function isInt (x: unknown, min = -Number.MAX_SAFE_INTEGER): x is number {
  return Number.isSafeInteger(x) && (x as number) >= min
}

// The value sets of the fold's string unions, checked against the types by the compiler (a new
// member of a union that is missing here fails the build).
const PHASES: Record<PurchasePhase, true> = { open: true, closed: true, failed: true }
const COMMITMENT_STATUSES: Record<CommitmentStatus, true> = { pending: true, approved: true, rejected: true }
export const REJECTION_CODES: Record<RejectionCode, true> = {
  TOO_LONG: true,
  SAME_MEMBER: true,
  NO_PENDING_TRANSFER: true,
  ABOVE_CEILING: true,
  HAS_CATALOGUE: true,
  NO_CATALOGUE: true,
  HAS_COMMITMENTS: true,
  BOOKINGS_CLOSED: true,
  BOOKINGS_OPEN: true,
  PRODUCT_EXISTS: true,
  TOO_MANY_PRODUCTS: true,
  UNKNOWN_PRODUCT: true,
  NO_PRICE: true,
  BELOW_MIN: true,
  NOT_MULTIPLE: true,
  ABOVE_MAX: true,
  SOLD_OUT: true,
  NOT_APPROVED: true,
  NO_GROUP: true,
  NEEDS_MEMBERS: true,
  ADMINS_CAN_REMOVE: true,
  GENESIS_ONLY: true,
  NOT_ADMIN: true,
  NOT_CASSIERE: true,
  NOT_REFERENTE: true,
  NOT_OWNER: true,
  NOT_AUTHORIZED: true,
  MEMBER_EXISTS: true,
  NAME_TAKEN: true,
  UNKNOWN_MEMBER: true,
  MEMBER_HAS_FUNDS: true,
  MEMBER_IS_ADMIN: true,
  ALREADY_IN_ROLE: true,
  NOT_IN_ROLE: true,
  LAST_IN_ROLE: true,
  INSUFFICIENT_CREDIT: true,
  UNKNOWN_PURCHASE: true,
  PURCHASE_NOT_OPEN: true,
  NO_PENDING_COMMITMENT: true,
  NO_COMMITMENT: true,
  NO_QUORUM: true,
  PENDING_COMMITMENTS: true,
  AMOUNT_OVERFLOW: true,
  DUPLICATE_VOTE: true
}
/** Act types whose votes are counted in a tally (purchase votes are kept on the purchase). */
const TALLY_TYPES = new Set<ActBody['type']>(['VoteRegisterMember', 'VoteRemoveMember', 'VoteElectReferente', 'VoteElectCassiere', 'VoteRevokeReferente', 'VoteRevokeCassiere', 'VoteRecover', 'VoteSetLimits'])
/** A log status: 'applied', 'duplicate' or a code. */
const STATUS = /^[A-Za-z_]{1,64}$/

const own = (o: object, k: string): boolean => Object.hasOwn(o, k)
const short = (id: string): string => id.slice(0, 8)

/**
 * {@link isHexId} remembering the strings it accepted: statecodec.ts gives every use of an id the
 * same string, and a season names a few hundred members hundreds of thousands of times.
 */
class Ids {
  private readonly ok = new Set<string>()
  is (x: unknown): x is string {
    if (typeof x !== 'string') return false
    if (this.ok.has(x)) return true
    if (!isHexId(x)) return false
    this.ok.add(x)
    return true
  }

  /** @throws HypergasError BAD_CHECKPOINT when an element of `set` is not an id */
  all (set: Iterable<unknown>, what: string): void {
    for (const id of set) if (!this.is(id)) throw badCheckpoint(`${what}: not an id`)
  }
}

/**
 * Which kinds a list of movements holds and the fields the fold gives each (src/fold/effects.ts
 * credit and cash): a credit movement always has the key `purchase` (undefined for deposits and
 * withdrawals) and never `counterpart`; a cash movement has `counterpart` (the member or the
 * other admin) or, for a supplier payment, `purchase`.
 */
const CREDIT_KINDS = { deposit: 'none', withdraw: 'none', commit: 'purchase', adjust: 'purchase', 'refund-rejected': 'purchase', 'refund-failed': 'purchase', booking: 'purchase', delivery: 'purchase', cost: 'purchase', 'transfer-in': 'counterpart', 'transfer-out': 'counterpart' } as const satisfies Partial<Record<MovementKind, 'purchase' | 'none' | 'counterpart'>>
const CASH_KINDS = { deposit: 'counterpart', withdraw: 'counterpart', 'settle-in': 'counterpart', 'settle-out': 'counterpart', 'supplier-payment': 'purchase' } as const satisfies Partial<Record<MovementKind, 'purchase' | 'counterpart'>>
// A movement kind in neither table fails the build here.
const everyKindChecked: [Exclude<MovementKind, keyof typeof CREDIT_KINDS | keyof typeof CASH_KINDS>] extends [never] ? true : never = true
void everyKindChecked

/** Whether an act id is of an act of the final log the fold applied. */
type Applied = (id: string) => boolean

function movements (s: GroupState, cash: boolean, applied: Applied, ids: Ids): void {
  const what = cash ? 'cash movements' : 'statement'
  const table = new Map<string, 'purchase' | 'counterpart' | 'none'>(Object.entries(cash ? CASH_KINDS : CREDIT_KINDS))
  for (const [k, list] of cash ? s.cashMovements : s.statements) {
    if (!ids.is(k)) throw badCheckpoint(`${what}: key is not an id`)
    for (const x of list) {
      let why: string | null = null
      const shape = table.get(x.kind)
      if (!applied(x.actId)) why = 'a movement no applied act of the final log made'
      else if (!isInt(x.deltaCents) || !isInt(x.balanceCents)) why = 'amounts are not integers of cents'
      else if (shape === undefined) why = `movement kind "${String(x.kind)}"`
      else {
        const hasPurchase = 'purchase' in x
        const hasCounterpart = 'counterpart' in x
        const ok = shape === 'none'
          ? hasPurchase && !hasCounterpart && x.purchase === undefined
          : shape === 'purchase'
            ? hasPurchase && !hasCounterpart && x.purchase !== undefined && s.purchases.has(x.purchase)
            : hasCounterpart && !hasPurchase && ids.is(x.counterpart)
        if (!ok) why = `a ${x.kind} movement with other fields than the fold gives it`
      }
      if (why !== null) throw badCheckpoint(`${what} of ${short(k)}: ${why}`)
    }
  }
}

/**
 * Checks the final log against the state it folds into, and returns which act ids are of acts it
 * applied. Applied and rejected entries each added their act id to `seen`, in log order; a
 * duplicate's id was seen before it; rejected entries are the state's rejections, in order; any
 * other entry is an act refused before the fold (a decode code, without a time) or an act before
 * the genesis (NOT_GENESIS).
 */
function checkLog (s: GroupState, log: LogColumns): Applied {
  const seen = s.seen.toArray() // ActIdSet holds each id once
  /** Entries folded so far: they are seen[0, folded). */
  let folded = 0
  /** Position in `seen` of every id, built when the first duplicate is met. */
  let where: Map<string, number> | null = null
  /** Statuses met so far, valid (few distinct strings: codes). */
  const statuses = new Set<string>(['applied', 'duplicate'])
  const rejectedIds = new Set<string>()
  let appliedCount = 0
  for (let i = 0; i < log.length; i++) {
    const e = { actId: log.actId(i), status: log.status(i), timeMs: log.timeMs(i) }
    // Feed, index and L are checked against the restored blocks (checkpoint.ts checkOrder). An act
    // id only has to be a 64-character string here: folded ones are the state's seen ids.
    if (typeof e.actId !== 'string' || e.actId.length !== 64) throw badCheckpoint(`final log entry ${i}: bad act id`)
    if (typeof e.status !== 'string' || (!statuses.has(e.status) && !(STATUS.test(e.status) && statuses.add(e.status)))) throw badCheckpoint(`final log entry ${i}: bad status`)
    if (e.timeMs !== null && !isInt(e.timeMs, 0)) throw badCheckpoint(`final log entry ${i}: bad time`)
    const r = s.rejections[rejectedIds.size]
    const applied = e.status === 'applied'
    const rejected = !applied && r !== undefined && r.actId === e.actId && r.code === e.status
    if ((applied || rejected || e.status === 'duplicate') && e.timeMs === null) throw badCheckpoint(`final log entry ${i}: a folded act without its time`)
    if (applied || rejected) {
      // Folded for the first time: the next id of `seen`.
      if (seen[folded] !== e.actId) throw badCheckpoint(`final log entry ${i} (${e.status}) is not the next act id the state has seen`)
      folded++
      if (applied) appliedCount++
      else rejectedIds.add(e.actId)
    } else if (e.status === 'duplicate') {
      where ??= new Map(seen.map((id, k) => [id, k]))
      if (!((where.get(e.actId) ?? Infinity) < folded)) throw badCheckpoint(`final log entry ${i}: a duplicate of an act not folded before it`)
    } else if (own(REJECTION_CODES, e.status)) {
      throw badCheckpoint(`final log entry ${i}: rejected with ${e.status}, which is not the state's next rejection`)
    } else if (e.timeMs !== null && e.status !== 'NOT_GENESIS') {
      throw badCheckpoint(`final log entry ${i}: status ${e.status} for an act that decoded`)
    }
  }
  if (folded !== seen.length) throw badCheckpoint(`the state has seen ${seen.length} act ids, the final log folds ${folded}`)
  if (rejectedIds.size !== s.rejections.length || rejectedIds.size !== s.rejectedCount) throw badCheckpoint(`${s.rejections.length} rejections (count ${s.rejectedCount}), the final log rejects ${rejectedIds.size}`)
  if (appliedCount !== s.appliedCount) throw badCheckpoint(`applied count ${s.appliedCount}, the final log applies ${appliedCount}`)
  return (id) => s.seen.has(id as ActId) && !rejectedIds.has(id)
}

/**
 * Checks a confirmed state and final log decoded from a checkpoint of group `groupId` (see the
 * module comment); the state hash itself is compared by the caller. Blocks named by the log and
 * by `adminSince` are checked against the restored blocks by the caller too.
 * @throws HypergasError BAD_CHECKPOINT naming the first inconsistency found
 */
export function checkConfirmed (s: GroupState, log: LogColumns, groupId: GroupId): void {
  const ids = new Ids()
  if (s.groupId !== null && s.groupId !== groupId) throw badCheckpoint('the state is another group\'s')
  if ((s.groupId === null) !== (s.founder === null) || (s.founder !== null && !ids.is(s.founder))) throw badCheckpoint('bad founder')
  if (typeof s.groupName !== 'string') throw badCheckpoint('bad group name')
  for (const k of ['owedCents', 'appliedCount', 'rejectedCount'] as const) if (!isInt(s[k], 0)) throw badCheckpoint(`${k} is not a count`)
  const applied = checkLog(s, log)
  checkMembers(s, ids)
  checkAdmins(s, ids)
  checkTallies(s, ids)
  checkPurchases(s, ids, applied)
  for (const r of s.rejections) if (!ids.is(r.actId) || !own(REJECTION_CODES, r.code)) throw badCheckpoint('bad rejection')
  movements(s, false, applied, ids)
  movements(s, true, applied, ids)
  for (const k of s.cashMovements.keys()) if (!s.cash.has(k)) throw badCheckpoint(`cash movements of ${short(k)}, who has no cash entry`)
  checkRecovery(s, ids)
  checkTransfers(s, ids)
  checkDirectory(s, ids)
  const broken = checkInvariants(s)
  if (broken.length > 0) throw badCheckpoint(`the state breaks an invariant: ${broken[0]}`)
}

/** Members: each under its own id, with a name in the name index and a credit. */
function checkMembers (s: GroupState, ids: Ids): void {
  for (const [k, m] of s.members) {
    if (!ids.is(k) || m.id !== k) throw badCheckpoint('a member stored under another id')
    if (typeof m.name !== 'string' || m.name === '' || !isInt(m.creditCents)) throw badCheckpoint(`member ${short(k)}: bad name or credit`) // below zero within an overdraft: invariant 2 checks it
    if (s.memberNames.get(foldedName(m.name)) !== k) throw badCheckpoint(`member ${short(k)}: not in the name index`)
  }
  if (s.memberNames.size !== s.members.size) throw badCheckpoint('the name index does not match the members')
}

/** Admins: members with a role, a cash entry and an election block; nobody else has a role. */
function checkAdmins (s: GroupState, ids: Ids): void {
  ids.all(s.referenti, 'referenti')
  ids.all(s.cassieri, 'cassieri')
  for (const a of [...s.referenti, ...s.cassieri]) {
    if (!s.members.has(a)) throw badCheckpoint(`admin ${short(a)} is not a member`)
    if (!s.admins.has(a)) throw badCheckpoint(`admin ${short(a)} missing from the admins`)
  }
  for (const a of s.admins) if (!s.referenti.has(a) && !s.cassieri.has(a)) throw badCheckpoint(`admin ${short(a)} holds no role`)
  for (const [k, c] of s.cash) if (!ids.is(k) || !isInt(c)) throw badCheckpoint('bad cash entry')
  for (const a of s.admins) {
    if (!s.cash.has(a)) throw badCheckpoint(`admin ${short(a)} has no cash entry`)
    if (!s.adminSince.has(a)) throw badCheckpoint(`admin ${short(a)} has no election block`)
  }
  for (const [k, p] of s.adminSince) {
    if (!s.admins.has(k)) throw badCheckpoint(`election block of ${short(k)}, who is not an admin`)
    if (!ids.is(p.feed) || !isInt(p.index, 0)) throw badCheckpoint(`election block of ${short(k)}: bad position`)
  }
}

/** Governance tallies: a known vote, stored under its key, with voters. */
function checkTallies (s: GroupState, ids: Ids): void {
  for (const [k, t] of s.tallies) {
    if (!TALLY_TYPES.has(t.type as ActBody['type']) || !ids.is(t.member)) throw badCheckpoint('a tally of an unknown vote')
    const register = t.type === 'VoteRegisterMember' || t.type === 'VoteSetLimits' // (their key names the name, or the limits, voted)
    if (register ? typeof t.name !== 'string' : t.name !== undefined) throw badCheckpoint(`tally ${t.type}: bad name`)
    if (k !== (register ? `${t.type}:${t.member}:${t.name!}` : `${t.type}:${t.member}`)) throw badCheckpoint(`tally ${t.type}: stored under another key`)
    if (t.voters.size === 0) throw badCheckpoint(`tally ${t.type}: no voters`)
    ids.all(t.voters, 'tally voters')
  }
}

/** Purchases: opened by an applied act of the final log, with valid commitments and votes; the index of open ones. */
function checkPurchases (s: GroupState, ids: Ids, applied: Applied): void {
  let open = 0
  for (const [k, p] of s.purchases) {
    if (!ids.is(k) || p.id !== k || !applied(k)) throw badCheckpoint('a purchase no applied act of the final log opened')
    if (typeof p.name !== 'string' || (p.supplier !== undefined && typeof p.supplier !== 'string') || (p.notes !== undefined && typeof p.notes !== 'string')) throw badCheckpoint(`purchase ${short(k)}: bad text`)
    if (!ids.is(p.owner) || !own(PHASES, p.phase) || !isInt(p.paidCents, 0) || (p.phase !== 'closed' && p.paidCents !== 0)) throw badCheckpoint(`purchase ${short(k)}: bad owner, phase or payment`)
    for (const [m, c] of p.commitments) {
      if (!ids.is(m) || c.member !== m || !isInt(c.amountCents, 0) || !own(COMMITMENT_STATUSES, c.status)) throw badCheckpoint(`purchase ${short(k)}: bad commitment`) // 0: every item of a delivery missing, or a discount
    }
    ids.all(p.closeVotes, `purchase ${short(k)}: close votes`)
    ids.all(p.failVotes, `purchase ${short(k)}: fail votes`)
    if (p.order !== undefined) checkOrder(p, ids)
    if (p.commitsClosed !== undefined && (p.commitsClosed !== true || p.order !== undefined)) throw badCheckpoint(`purchase ${short(k)}: bad commitsClosed`)
    if (p.dates !== undefined && (!isInt(p.dates.closesAtMs, 0) || !isInt(p.dates.deliveryAtMs, 0) || p.dates.closesAtMs + p.dates.deliveryAtMs === 0)) throw badCheckpoint(`purchase ${short(k)}: bad dates`)
    if (p.phase === 'open') {
      open++
      if (s.openPurchaseNames.get(foldedName(p.name)) !== k) throw badCheckpoint(`purchase ${short(k)}: not in the index of open purchases`)
    }
  }
  if (s.openPurchaseNames.size !== open) throw badCheckpoint('the index of open purchases does not match the purchases')
}

/** Members' recoveries (each removed admin had a cash entry) and every member's registration. */
function checkRecovery (s: GroupState, ids: Ids): void {
  for (const [k, n] of s.recoveries) if (!ids.is(k) || !isInt(n, 1) || !s.cash.has(k)) throw badCheckpoint('bad recovery count')
  // Every member ever registered, with the block and the admins there (sorted, unique).
  for (const k of s.members.keys()) if (!s.registrations.has(k)) throw badCheckpoint(`member ${short(k)} has no registration`)
  for (const [k, r] of s.registrations) {
    if (!ids.is(k) || !ids.is(r.pos.feed) || !isInt(r.pos.index, 0) || !Array.isArray(r.admins) || typeof r.name !== 'string' || r.name === '') throw badCheckpoint('bad registration')
    for (let i = 0; i < r.admins.length; i++) if (!ids.is(r.admins[i]) || (i > 0 && r.admins[i - 1] >= r.admins[i])) throw badCheckpoint(`registration of ${short(k)}: bad admins`)
    // Removed exactly when no longer a member, after being registered.
    if ((r.removed === null) !== s.members.has(k)) throw badCheckpoint(`registration of ${short(k)}: removal does not match membership`)
    if (r.removed !== null) {
      if (!ids.is(r.removed.pos.feed) || !isInt(r.removed.pos.index, 0)) throw badCheckpoint(`registration of ${short(k)}: bad removal`)
      for (let i = 0; i < r.removed.admins.length; i++) if (!ids.is(r.removed.admins[i]) || (i > 0 && r.removed.admins[i - 1] >= r.removed.admins[i])) throw badCheckpoint(`registration of ${short(k)}: bad removal admins`)
    }
  }
}

const line = z.strictObject({ product: z.string().min(1), qtyMilli: z.number().int().min(1).max(MAX_QTY_MILLI), priceCents: z.number().int().min(0).max(MAX_PRICE_CENTS) })
// A booking holds lines, or (emptied after a cost was shared) cost shares above 0 alone (src/fold/orders.ts book).
const booking = z.strictObject({ lines: z.array(line), delivered: z.array(line).nullable(), costCents: z.number().int().safe() }).refine((b) => b.lines.length > 0 || b.costCents > 0)

/**
 * A purchase's orders (SPEC §4.5): products of a valid shape under their own keys, bookings of
 * members with a commitment whose amount is their lines (the delivered ones once delivered) plus
 * their cost shares, never below 0 (bookingCents), and well-formed costs when there are shares.
 */
function checkOrder (p: Purchase, ids: Ids): void {
  const o = p.order!
  const where = `purchase ${short(p.id)}`
  if (typeof o.bookingsOpen !== 'boolean' || o.products.size > MAX_CATALOGUE) throw badCheckpoint(`${where}: bad order`)
  for (const [k, x] of o.products) {
    const r = parseActBody({ type: 'AddProducts', purchase: p.id, products: [x] })
    if (r.type !== 'AddProducts' || x.key !== k) throw badCheckpoint(`${where}: product ${k.slice(0, 20)}`)
  }
  let shared = false
  for (const [m, b] of o.bookings) {
    if (!ids.is(m) || !booking.safeParse(b).success) throw badCheckpoint(`${where}: bad booking`)
    for (const l of [...b.lines, ...(b.delivered ?? [])]) if (!o.products.has(l.product)) throw badCheckpoint(`${where}: a booking of an unknown product`)
    const c = p.commitments.get(m)
    if (c === undefined) throw badCheckpoint(`${where}: a booking without a commitment`)
    if (c.status !== 'rejected' && c.amountCents !== bookingCents(b)) throw badCheckpoint(`${where}: a booking's amount is not its lines and costs`)
    if (b.costCents !== 0) shared = true
  }
  for (const [m, c] of p.commitments) if (c.status !== 'rejected' && !o.bookings.has(m)) throw badCheckpoint(`${where}: a commitment without a booking`)
  for (const x of o.costs) {
    if (!ids.is(x.actId) || typeof x.label !== 'string' || !Number.isSafeInteger(x.cents) || x.cents === 0 || (x.split !== 'amount' && x.split !== 'equal')) throw badCheckpoint(`${where}: bad cost`)
  }
  if (shared && o.costs.length === 0) throw badCheckpoint(`${where}: cost shares without a cost`)
}

/** Limits of members and transfers between them (SPEC §4.6): ids, whole cents, known statuses. */
function checkTransfers (s: GroupState, ids: Ids): void {
  for (const [k, l] of s.limits) {
    if (!ids.is(k) || !isInt(l.overdraftCents, 0) || (l.ceilingCents !== null && !isInt(l.ceilingCents, 1))) throw badCheckpoint('bad limits')
  }
  for (const [k, x] of s.transfers) {
    if (x.id !== k || !ids.is(k) || !ids.is(x.from) || !ids.is(x.to) || x.from === x.to || !isInt(x.cents, 1) || typeof x.memo !== 'string') throw badCheckpoint('bad transfer')
    if ((x.initiator !== x.from && x.initiator !== x.to) || !['pending', 'completed', 'cancelled'].includes(x.status)) throw badCheckpoint(`transfer ${short(k)}: bad initiator or status`)
  }
}

/** Suppliers under their own ids and in the name index; listings of members, lists of strings. */
function checkDirectory (s: GroupState, ids: Ids): void {
  const strings = (x: unknown): boolean => Array.isArray(x) && x.every((y) => typeof y === 'string')
  for (const [k, x] of s.suppliers) {
    if (!ids.is(k) || x.id !== k || typeof x.name !== 'string' || !strings(x.categories) || s.supplierNames.get(foldedName(x.name)) !== k) throw badCheckpoint('bad supplier')
  }
  if (s.supplierNames.size !== s.suppliers.size) throw badCheckpoint('the supplier names do not match the suppliers')
  for (const [k, l] of s.listings) if (!ids.is(k) || !strings(l.offers) || !strings(l.wants)) throw badCheckpoint('bad listing')
}
