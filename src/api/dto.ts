/**
 * The answers of the node API (SPEC §7), as the CLI, the HTTP server and client and the page see
 * them: plain JSON-ready shapes, amounts in integer cents, ids as lowercase hex. Built by
 * src/api/views.ts (and src/api/public-views.ts for callers who are not admins).
 */
import type { RestoreWait } from '../errors.js'
import type { ActBody, ProductSpec } from '../acts/types.js'
import type { CommitmentStatus, PurchasePhase as Phase } from '../fold/state.js'
import type { ActId, MemberId, PurchaseId } from '../ids.js'
import type { LinkConflict } from '../merge/graph.js'
import type { RecoveryCount } from '../merge/removals.js'
import type { SyncProgress } from '../node/network/progress.js'
import type { PeerInfo } from '../node/network/replicator.js'
import type { ForkReport } from '../node/storage/datadir.js'

/**
 * An act as an interface asks for it: an act body whose member/from/to/purchase/transfer fields may also be a
 * name or a short id (the node resolves them). A field the act does not have fails to compile.
 */
export type ActRequest = {
  [T in ActBody['type']]: { [K in keyof Extract<ActBody, { type: T }>]: K extends 'member' | 'from' | 'to' | 'purchase' | 'transfer' ? string : Extract<ActBody, { type: T }>[K] }
}[ActBody['type']]

/** A purchase in a list: its figures, without the commitments. */
export interface PurchaseSummary {
  id: PurchaseId
  name: string
  supplier: string | null
  /** The registered supplier (SPEC §4.7) `supplier` names, case-insensitively; null when none is registered by that name. */
  supplierId: ActId | null
  /** That registered supplier's VAT number (partita IVA), when the directory has one. */
  supplierVatNumber: string | null
  /** That registered supplier's contacts, the one line the directory keeps (SPEC §4.7), when it has them. */
  supplierContacts: string | null
  owner: MemberId
  ownerName: string | null
  phase: Phase
  /** Its phase in the confirmed state; null while the purchase itself is not confirmed. */
  confirmedPhase: Phase | null
  /** Σ of the commitments not rejected, and of the approved ones, cents. */
  committedCents: number
  approvedCents: number
  /** What the referente paid the supplier at the close, cents (0 unless closed). */
  paidCents: number
  /** Whether it takes bookings (a catalogue's) or commitments (a free amount's) now: CloseBookings ends them (SPEC §4.5). */
  bookingsOpen: boolean
  /** When the bookings close and the goods arrive, ms since the epoch; null when not set. */
  closesAtMs: number | null
  deliveryAtMs: number | null
  /** Votes of current admins to close and to fail it, and the quorum. */
  closeVotes: number
  failVotes: number
  quorum: number
}

/** One commitment of a purchase, tentative and confirmed. */
export interface CommitmentView {
  member: MemberId
  name: string
  amountCents: number
  status: CommitmentStatus
  confirmedStatus: CommitmentStatus | null
  confirmedAmountCents: number | null
}

/** A product of a catalogue with the group's totals: booked (non-rejected bookings) and, once any delivery, delivered. */
export interface ProductView extends ProductSpec {
  bookedQtyMilli: number
  bookedCents: number
  /**
   * Quantity (milli-units) and amount (cents, at the delivered prices) the group received; a
   * booking not delivered yet counts as booked. Both null before the first delivery of the purchase.
   */
  deliveredQtyMilli: number | null
  deliveredCents: number | null
}

/** One line as shown: product key and name, quantity (milli-units), unit price and amount (cents). */
export interface LineView { product: string, name: string, unit: string, qtyMilli: number, priceCents: number, cents: number }

/** A member's booking: booked lines, delivered ones (null before), cost shares and the amount (cents). */
export interface BookingView {
  member: MemberId
  name: string
  status: CommitmentStatus
  lines: LineView[]
  delivered: LineView[] | null
  costCents: number
  amountCents: number
}

/**
 * One of a member's commitments, in a purchase of any phase: what they read as their orders
 * (SPEC §7), booked vs delivered after the purchase closed too (§4.5). Amounts in cents.
 */
export interface MemberOrderView {
  purchase: PurchaseId
  purchaseName: string
  phase: Phase
  status: CommitmentStatus
  /** What the commitment holds now (0 once rejected; refunded when the purchase failed). */
  amountCents: number
  /** True when the commitment went back to the member's credit: rejected, or the purchase failed (its status is kept for the record). */
  refunded: boolean
  /** With a catalogue: the booking booked vs delivered, with its cost shares; null for a free amount. */
  booking: BookingView | null
}

/** The orders by product of a purchase with a catalogue (SPEC §4.5). */
export interface OrderView {
  bookingsOpen: boolean
  products: ProductView[]
  /** Every booking (admin view), by member name. */
  bookings: BookingView[]
  costs: Array<{ label: string, cents: number, split: 'amount' | 'equal' }>
  /** Σ of the non-rejected bookings: what the supplier is paid at close. */
  totalCents: number
}

/** One purchase with its notes, commitments (sorted by member name) and, with a catalogue, its orders. */
export interface PurchaseView extends PurchaseSummary {
  notes: string | null
  commitments: CommitmentView[]
  order: OrderView | null
}

/** An admin past or present with the group's cash they hold, cents. */
export interface AdminCashView {
  id: MemberId
  name: string | null
  roles: string[]
  /** False for a former admin (who may still hold cash). */
  current: boolean
  cashCents: number
  confirmedCashCents: number
}

/** A writer frozen by their removal (SPEC §5). */
export interface FrozenView {
  feed: MemberId
  name: string | null
  length: number
  by: { feed: MemberId, index: number }
  byMembers: boolean
  /** True when the writer is an admin again (elected after the removal): the freeze is history, their new blocks count. */
  adminAgain: boolean
}

/**
 * A group its admins alone cannot unstick (SPEC §5 never stuck): admins confirmation waits for who
 * are already removed, or one of only two admins; the members' votes so far and the votes needed.
 */
export interface RecoveryView {
  admin: MemberId
  name: string | null
  /** Members' votes that count (docs/ordering.md §5: their registration acknowledged by both admins, the target among them). */
  votes: number
  needed: number
  /** Members whose vote would count, the target aside: below `needed`, the votes can never carry (members registered after the admin's last block do not count). */
  eligible: number
  /** The admin's feed forked (their identity wrote on two devices): they are not merely away, their nodes write no more. */
  forked: boolean
  /**
   * The admin's node has written a block that this node holds. False for a newly elected admin
   * who has not started a node yet: the interfaces say so, not that the group is stuck.
   */
  started: boolean
}

/**
 * What a node knows of the admins beyond the log (src/api/presence.ts): those it knows to be
 * there (no recovery is offered against them) and those whose feed forked.
 */
export interface AdminPresence {
  notGone: ReadonlySet<MemberId>
  forked: ReadonlySet<MemberId>
  /** The counts of a members' recovery against `admin` by `voters` as the merge's rule has them on everything the node holds (src/merge/removals.ts recoveryCount); absent for a lone replay. */
  recoveryCount?: (admin: MemberId, voters: ReadonlySet<MemberId>) => RecoveryCount
  /** Whether the node holds a block of `admin`'s feed; absent for a lone replay (taken as started). */
  started?: (admin: MemberId) => boolean
}

/** What confirmation waits for (SPEC §5). */
export interface FinalityView {
  blocks: number
  finalBlocks: number
  waitingFor: Array<{ id: MemberId, name: string | null }>
  frozen: FrozenView[]
  ignoredBlocks: number
  recovery: RecoveryView[]
}

/** Counts of the log: acts, applied, rejected, final, pending, and blocks. */
export interface ActCounts {
  total: number
  applied: number
  rejected: number
  final: number
  pending: number
  blocks: number
  finalBlocks: number
}

/** The totals of invariant 1 (SPEC §4), cents; `hold` when credits + open commitments = cash. */
export interface Totals {
  creditsCents: number
  openCommitmentsCents: number
  cashCents: number
  hold: boolean
}

/** The group: admins and their cash, totals, finality, state hashes. */
export interface GroupView {
  totals: Totals
  groupId: string | null
  name: string
  admins: AdminCashView[]
  quorum: number
  members: number
  acts: ActCounts
  stateHash: string
  confirmedStateHash: string
  finality: FinalityView
}

/** A connected peer, with the admin it belongs to when known. */
export interface PeerView extends PeerInfo {
  name: string | null
  admin: boolean
}

/** How long a refused node is listed in {@link StatusView.knocking} after its last try (ms). */
export const KNOCK_RECENT_MS = 10 * 60_000

/** A node whose connection was refused: its key, its member name if registered (then it waits for an election), when last refused (ms since the epoch). */
export interface KnockView { publicKey: string, name: string | null, lastMs: number }

/** `status` as the admin and the node's own machine see it (SPEC §7). */
export interface StatusView {
  /** This node's identity; `stuck`: why its own feed takes no more acts (GasNode.ownStuck), or null. */
  /** `lost`: while its own feed is stuck, how many acts of this node's own feed are not confirmed (in the books only if another admin's node holds them). */
  /** `notCounted`: acts of this node's own feed in blocks the merge does not use (written after its admin was removed, or past a freeze): not in the books. */
  me: { id: MemberId, name: string | null, admin: boolean, stuck: 'frozen' | 'unusable' | 'waiting' | null, lost: number, notCounted: number }
  /** The rules version this node merges and folds with (src/fold/rules.ts); each peer's is in `peers`. */
  rules: number
  /** The invite naming every admin feed past and present (treat it as a password: docs/security.md). */
  invite: string
  group: GroupView
  peers: PeerView[]
  /** Nodes refused in the last {@link KNOCK_RECENT_MS} that are not admins (src/node/network/replicator.ts admission), newest first: a joined laptop waiting for its election, or a stranger. */
  knocking: KnockView[]
  /** Members who signed the members' recovery against two admins (Graph.doubleRecoveryVoters, docs/ordering.md §5), by name (id prefix if unnamed). */
  doubleRecoveryVoters: string[]
  sync: SyncProgress
  /** Whether the node replicates now; `running`: whether it runs at all (`hypergas start`), so that off the network means taken off (`hypergas offline`) or not started. */
  online: boolean
  running: boolean
  forks: ReadonlyArray<Omit<ForkReport, 'proof'>>
  /** Blocks that name another branch of a feed than the one held here (SPEC §5 forks). */
  linkConflicts: readonly LinkConflict[]
  /** While restored from a backup and waiting for the own feed, what for; else null. */
  restoring: RestoreWait | null
}

/** A transfer between members (SPEC §4.6), with the members' names. */
export interface TransferView {
  id: string
  from: MemberId
  fromName: string | null
  to: MemberId
  toName: string | null
  cents: number
  memo: string
  initiator: MemberId
  status: 'pending' | 'completed' | 'cancelled'
}
