/**
 * The group state built by the fold (SPEC §4): members and credits, roles, the cash each admin
 * holds, vote tallies, purchases with their commitments, and the rejections. All amounts are
 * integer cents. Maps are iterated only in insertion order (which is the act order, identical on
 * every node) or after sorting (state hash, interfaces).
 */
import type { ProductSpec, VoteElectCassiere, VoteElectReferente, VoteRegisterMember, VoteRemoveMember, VoteRevokeCassiere, VoteRevokeReferente, VoteSetLimits } from '../acts/types.js'
import type { ActId, GroupId, MemberId, PurchaseId } from '../ids.js'
import { ActIdSet } from './idset.js'
import { MovementLists } from './movements.js'

/** Stable reason codes of rejected acts (SPEC §4 tables, plus the ones docs/decisions.md adds). */
export type RejectionCode =
  | 'NO_GROUP' | 'GENESIS_ONLY' | 'NOT_ADMIN' | 'NOT_CASSIERE' | 'NOT_REFERENTE' | 'NOT_OWNER'
  | 'NOT_AUTHORIZED' | 'MEMBER_EXISTS' | 'NAME_TAKEN' | 'UNKNOWN_MEMBER' | 'MEMBER_HAS_FUNDS'
  | 'MEMBER_IS_ADMIN' | 'ALREADY_IN_ROLE' | 'NOT_IN_ROLE' | 'LAST_IN_ROLE' | 'INSUFFICIENT_CREDIT'
  | 'UNKNOWN_PURCHASE' | 'PURCHASE_NOT_OPEN' | 'NO_PENDING_COMMITMENT' | 'NO_COMMITMENT'
  | 'NO_QUORUM' | 'PENDING_COMMITMENTS' | 'AMOUNT_OVERFLOW' | 'DUPLICATE_VOTE' | 'NEEDS_MEMBERS'
  | 'HAS_CATALOGUE' | 'NO_CATALOGUE' | 'HAS_COMMITMENTS' | 'BOOKINGS_CLOSED' | 'BOOKINGS_OPEN' | 'PRODUCT_EXISTS'
  | 'TOO_MANY_PRODUCTS' | 'UNKNOWN_PRODUCT' | 'NO_PRICE' | 'BELOW_MIN' | 'NOT_MULTIPLE' | 'ABOVE_MAX' | 'SOLD_OUT'
  | 'NOT_APPROVED' | 'SAME_MEMBER' | 'NO_PENDING_TRANSFER' | 'ABOVE_CEILING' | 'TOO_LONG' | 'ADMINS_CAN_REMOVE'

/** A registered member (SPEC §1). */
export interface Member {
  id: MemberId
  name: string
  /** What the group owes the member, cents, never negative (invariant 2). */
  creditCents: number
}

/** Why a balance moved (one act, SPEC §4 invariant 3). */
export type MovementKind =
  | 'deposit' | 'withdraw' | 'commit' | 'adjust' | 'refund-rejected' | 'refund-failed'
  | 'settle-in' | 'settle-out' | 'supplier-payment' | 'booking' | 'delivery' | 'cost' | 'transfer-in' | 'transfer-out'

/** One line of a statement: a change of a member's credit or an admin's cash. */
export interface Movement {
  actId: ActId
  kind: MovementKind
  /** Signed change, cents. */
  deltaCents: number
  /** Balance after the change, cents. */
  balanceCents: number
  purchase?: PurchaseId
  /** The other admin of a settlement. */
  counterpart?: MemberId
}

/** Status of a commitment (SPEC §4 Purchases). */
export type CommitmentStatus = 'pending' | 'approved' | 'rejected'

/** A member's commitment to one purchase. */
export interface Commitment {
  member: MemberId
  /** Amount pledged, cents (kept for the record after rejection). */
  amountCents: number
  status: CommitmentStatus
}

/** Phase of a purchase. */
export type PurchasePhase = 'open' | 'closed' | 'failed'

/** A line of a booking or a delivery (SPEC §4.5): product key, quantity (milli-units), unit price (cents). */
export interface OrderLine {
  product: string
  qtyMilli: number
  priceCents: number
}

/** A member's booking: the lines booked, what was delivered (null before), and their cost shares (cents, negative for discounts). */
export interface Booking {
  lines: OrderLine[]
  delivered: OrderLine[] | null
  costCents: number
}

/** A cost shared among the bookings (SPEC §4.5 AddCost), cents; negative for a discount. */
export interface SharedCost {
  actId: ActId
  label: string
  cents: number
  split: 'amount' | 'equal'
}

/**
 * The orders by product of a purchase with a catalogue (SPEC §4.5): the products, whether bookings
 * are open, the bookings by member (each is that member's commitment, §4), and the shared costs.
 */
export interface Order {
  products: Map<string, ProductSpec>
  bookingsOpen: boolean
  bookings: Map<MemberId, Booking>
  costs: SharedCost[]
}

/** A member's credit limits (SPEC §4.6): credit may go down to −overdraftCents; not above ceilingCents when set. */
export interface Limits {
  overdraftCents: number
  /** Null: no ceiling. */
  ceilingCents: number | null
}

/** A transfer between members (SPEC §4.6); its id is the act id of its Transfer. */
export interface PendingTransfer {
  id: ActId
  from: MemberId
  to: MemberId
  cents: number
  memo: string
  /** Who asked for it: the payer (`from`) or, as an invoice, the payee (`to`). */
  initiator: MemberId
  status: 'pending' | 'completed' | 'cancelled'
}

/** A supplier of the group (SPEC §4.7); its id is the act id of its RegisterSupplier. */
export interface Supplier {
  id: ActId
  name: string
  vatNumber?: string
  contacts?: string
  categories: string[]
  notes?: string
}

/** A member's listing (SPEC §4.7): what they offer and what they look for. */
export interface Listing {
  offers: string[]
  wants: string[]
}

/** A purchase (SPEC §4). Its id is the act id of its OpenPurchase. */
export interface Purchase {
  id: PurchaseId
  name: string
  supplier?: string
  notes?: string
  /** The referente who opened it. */
  owner: MemberId
  phase: PurchasePhase
  commitments: Map<MemberId, Commitment>
  closeVotes: Set<MemberId>
  failVotes: Set<MemberId>
  /** Paid to the supplier at close, cents (0 until closed). */
  paidCents: number
  /** Its catalogue and bookings (SPEC §4.5); absent for a free-amount purchase. */
  order?: Order
  /** When the bookings close and the goods arrive, ms since the epoch (SetDates); absent when not set. */
  dates?: { closesAtMs: number, deliveryAtMs: number }
  /**
   * A free-amount purchase whose commitments the owner closed (CloseBookings, SPEC §4.5: no more
   * `Commit`, and no catalogue after it); absent while they are open, and on a purchase with a
   * catalogue (its order says it: {@link bookingsOpen}).
   */
  commitsClosed?: true
}

/** Whether `p` still takes bookings (a catalogue's) or commitments (a free amount's): SPEC §4.5 CloseBookings. */
export function bookingsOpen (p: Purchase): boolean {
  return p.order !== undefined ? p.order.bookingsOpen : p.commitsClosed !== true
}

/** An open governance tally (SPEC §4: the first vote is the proposal). */
export interface Tally {
  /** Act type of the votes. */
  type: string
  member: MemberId
  /** For VoteRegisterMember: the name proposed. */
  name?: string
  voters: Set<MemberId>
}

/** Where a block sits: writer feed key and index (SPEC §5). */
export interface BlockPos {
  feed: MemberId
  index: number
}

/** A rejected act and its reason (SPEC §4). */
export interface Rejection {
  actId: ActId
  code: RejectionCode
}

/** The whole group state. */
export interface GroupState {
  /** Set by CreateGroup; null before genesis. */
  groupId: GroupId | null
  groupName: string
  founder: MemberId | null
  members: Map<MemberId, Member>
  /** Lowercased member name -> id, for case-insensitive uniqueness. */
  memberNames: Map<string, MemberId>
  referenti: Set<MemberId>
  cassieri: Set<MemberId>
  /** referenti ∪ cassieri, maintained on every role change. */
  admins: Set<MemberId>
  /** Cash held for the group by every admin, past and present, cents (may be negative). */
  cash: Map<MemberId, number>
  /** The block that made each current admin one (SPEC §5: their feed must link to it). */
  adminSince: Map<MemberId, BlockPos>
  tallies: Map<string, Tally>
  purchases: Map<PurchaseId, Purchase>
  /** Lowercased name -> id of open purchases. */
  openPurchaseNames: Map<string, PurchaseId>
  /** Every act id folded so far (duplicates are ignored, SPEC §4). */
  seen: ActIdSet
  rejections: Rejection[]
  /** Credit movements per member (invariant 3). */
  statements: Map<MemberId, Movement[]>
  /** Cash movements per admin. */
  cashMovements: Map<MemberId, Movement[]>
  /** Σ member credits + Σ non-rejected commitments of open purchases, cents (= Σ cash). */
  owedCents: number
  appliedCount: number
  rejectedCount: number
  /**
   * Per member, how many times the members' recovery votes (VoteRecover) removed them: the merge
   * sees a recovery completed by a block when the count grows (src/merge/replay.ts). Bookkeeping
   * derived from the acts, outside the state hash.
   */
  recoveries: Map<MemberId, number>
  /**
   * Every member ever registered (removed ones too), with the block that registered them and the
   * admins there (sorted), and where they were removed: the members' recovery counts its voters
   * and its majority with them
   * (src/merge/replay.ts, docs/ordering.md §5). Bookkeeping outside the state hash.
   */
  registrations: Map<MemberId, Registration>
  /** Credit limits set by the admins' votes (SPEC §4.6); a member without an entry is prepaid only. */
  limits: Map<MemberId, Limits>
  /** Transfers between members, pending, completed or cancelled (SPEC §4.6), by id. */
  transfers: Map<ActId, PendingTransfer>
  /** Suppliers of the group by id, and their lowercased names (SPEC §4.7). */
  suppliers: Map<ActId, Supplier>
  supplierNames: Map<string, ActId>
  /** Members' offers and wants (SPEC §4.7). */
  listings: Map<MemberId, Listing>
}

/**
 * Where a member was registered: the block, the admins at that point of the order, and the name
 * registered (what the accounts call them once removed); `removed`, once a `VoteRemoveMember`
 * removed them, its block and the admins there (sorted), null while they are a member. A new
 * registration starts a new record.
 */
export interface Registration {
  pos: BlockPos
  admins: MemberId[]
  name: string
  removed: Removal | null
}

/** Where a member was removed: the block whose vote carried the removal and the admins there, sorted. */
export interface Removal {
  pos: BlockPos
  admins: MemberId[]
}

/**
 * The name of member `id` as the accounts show it (SPEC §4 invariant 3: every movement names its
 * member): a current member's; a removed member's registered name with the first characters of
 * their id (`Carla (606160bf)`: a new member may take the name); null for an id never registered
 * (or registered where no block was known: a lone fold's tests).
 */
export function memberName (s: GroupState, id: MemberId): string | null {
  const current = s.members.get(id)
  if (current !== undefined) return current.name
  const former = s.registrations.get(id)
  return former === undefined ? null : `${former.name} (${id.slice(0, 8)})`
}

/** An admins' governance vote: its tally is keyed by {@link tallyKey}. */
export type GovernanceVote = VoteRegisterMember | VoteRemoveMember | VoteElectReferente | VoteElectCassiere | VoteRevokeReferente | VoteRevokeCassiere | VoteSetLimits

/**
 * The tally a governance vote counts in (SPEC §4: votes for the same action, type + target): a
 * registration by key and name, limits by member and the figures voted, any other by member.
 */
export function tallyKey (b: GovernanceVote): string {
  if (b.type === 'VoteRegisterMember') return `${b.type}:${b.member}:${b.name}`
  if (b.type === 'VoteSetLimits') return `${b.type}:${b.member}:${b.overdraftCents}:${b.ceilingCents}`
  return `${b.type}:${b.member}`
}

/** The tally key of the members' recovery votes against `admin` (VoteRecover). */
export function recoveryKey (admin: MemberId): string {
  return `VoteRecover:${admin}`
}

/**
 * An empty state, before genesis; `acts`: how many acts the fold is about to apply, so that the
 * seen-id table is made at its size once instead of doubling its way there.
 */
export function createState (acts = 0): GroupState {
  return {
    groupId: null,
    groupName: '',
    founder: null,
    members: new Map(),
    memberNames: new Map(),
    referenti: new Set(),
    cassieri: new Set(),
    admins: new Set(),
    cash: new Map(),
    adminSince: new Map(),
    tallies: new Map(),
    purchases: new Map(),
    openPurchaseNames: new Map(),
    seen: ActIdSet.empty(acts),
    rejections: [],
    statements: new Map(),
    cashMovements: new Map(),
    owedCents: 0,
    appliedCount: 0,
    rejectedCount: 0,
    recoveries: new Map(),
    registrations: new Map(),
    limits: new Map(),
    transfers: new Map(),
    suppliers: new Map(),
    supplierNames: new Map(),
    listings: new Map()
  }
}

/** `quorum(n) = floor((n + 1) / 2)` for n admins (SPEC §4, the seed's formula). */
export function quorum (adminCount: number): number {
  return Math.floor((adminCount + 1) / 2)
}

/** How many of `voters` are current admins. */
export function countCurrent (state: GroupState, voters: Set<MemberId>): number {
  let n = 0
  for (const v of voters) if (state.admins.has(v)) n++
  return n
}

/**
 * A copy of `s` to fold into; `s` itself must not be changed afterwards (it is the confirmed
 * state the copy was made from). The copy shares what the fold never changes: movement objects,
 * purchases that are no longer open (every handler that changes a purchase requires it open)
 * and the seen act ids (see {@link ActIdSet.fork}); movement lists are shared, and what the
 * copy appends to one is kept apart until it is read (src/fold/movements.ts). Costs O(members +
 * open purchases + the state's other maps and rejections), not O(movements).
 */
export function cloneState (s: GroupState): GroupState {
  const purchases = new Map<PurchaseId, Purchase>()
  for (const [id, p] of s.purchases) {
    if (p.phase !== 'open') {
      purchases.set(id, p)
      continue
    }
    const commitments = new Map<MemberId, Commitment>()
    for (const [m, c] of p.commitments) commitments.set(m, { ...c })
    purchases.set(id, { ...p, commitments, closeVotes: new Set(p.closeVotes), failVotes: new Set(p.failVotes), ...(p.order === undefined ? {} : { order: cloneOrder(p.order) }) })
  }
  const tallies = new Map<string, Tally>()
  for (const [k, t] of s.tallies) tallies.set(k, { ...t, voters: new Set(t.voters) })
  const members = new Map<MemberId, Member>()
  for (const [k, m] of s.members) members.set(k, { ...m })
  return {
    ...s,
    members,
    memberNames: new Map(s.memberNames),
    referenti: new Set(s.referenti),
    cassieri: new Set(s.cassieri),
    admins: new Set(s.admins),
    cash: new Map(s.cash),
    adminSince: new Map(s.adminSince),
    tallies,
    purchases,
    openPurchaseNames: new Map(s.openPurchaseNames),
    seen: s.seen.fork(),
    rejections: s.rejections.slice(),
    statements: MovementLists.sharing(s.statements),
    cashMovements: MovementLists.sharing(s.cashMovements),
    recoveries: new Map(s.recoveries),
    registrations: new Map(s.registrations),
    limits: new Map(s.limits),
    transfers: new Map(s.transfers),
    suppliers: new Map(s.suppliers),
    supplierNames: new Map(s.supplierNames),
    listings: new Map(s.listings)
  }
}

/** A copy of an order whose maps, bookings and lists can change without touching the original (products are never changed in place). */
export function cloneOrder (o: Order): Order {
  const bookings = new Map<MemberId, Booking>()
  for (const [m, b] of o.bookings) bookings.set(m, { ...b })
  return { products: new Map(o.products), bookingsOpen: o.bookingsOpen, bookings, costs: [...o.costs] }
}
