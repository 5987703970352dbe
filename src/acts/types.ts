/**
 * The acts of SPEC §4 as a discriminated union on `type`. Amounts are integer cents (`cents`),
 * member and purchase references are lowercase hex ids.
 */
import type { ActId, GroupId, MemberId, PurchaseId } from '../ids.js'

/** SPEC §4 Genesis: the founder creates the group. */
export interface CreateGroup { type: 'CreateGroup', name: string, founderName: string }
/** SPEC §4 Governance: vote to register `member` under `name`. */
export interface VoteRegisterMember { type: 'VoteRegisterMember', name: string, member: MemberId }
/** SPEC §4 Governance: vote to remove a member with no funds. */
export interface VoteRemoveMember { type: 'VoteRemoveMember', member: MemberId }
/** SPEC §4 Governance: vote to make a member referente. */
export interface VoteElectReferente { type: 'VoteElectReferente', member: MemberId }
/** SPEC §4 Governance: vote to revoke a referente (their open purchases fail). */
export interface VoteRevokeReferente { type: 'VoteRevokeReferente', member: MemberId }
/** SPEC §4 Governance: vote to make a member cassiere. */
export interface VoteElectCassiere { type: 'VoteElectCassiere', member: MemberId }
/** SPEC §4 Governance: vote to revoke a cassiere. */
export interface VoteRevokeCassiere { type: 'VoteRevokeCassiere', member: MemberId }
/** SPEC §4 Cash: a cassiere takes `cents` of cash and credits the member. */
export interface Deposit { type: 'Deposit', member: MemberId, cents: number }
/** SPEC §4 Cash: a cassiere gives back `cents` of cash and debits the member. */
export interface Withdraw { type: 'Withdraw', member: MemberId, cents: number, reason: string }
/** SPEC §4 Cash: the author received `cents` of the group's cash from admin `from`. */
export interface SettleCash { type: 'SettleCash', from: MemberId, cents: number }
/** SPEC §4 Purchases: a referente opens a purchase; its id is this act's id. */
export interface OpenPurchase { type: 'OpenPurchase', name: string, supplier?: string, notes?: string }
/** SPEC §4 Purchases: `member` pledges `cents` more to `purchase`. */
export interface Commit { type: 'Commit', member: MemberId, cents: number, purchase: PurchaseId }
/** SPEC §4 Purchases: the owner approves a pending commitment. */
export interface ApproveCommitment { type: 'ApproveCommitment', member: MemberId, purchase: PurchaseId }
/** SPEC §4 Purchases: the owner rejects a commitment; it is refunded. */
export interface RejectCommitment { type: 'RejectCommitment', member: MemberId, purchase: PurchaseId }
/** SPEC §4 Purchases: the owner sets a commitment's amount to `cents`. */
export interface AdjustCommitment { type: 'AdjustCommitment', member: MemberId, cents: number, purchase: PurchaseId }
/** SPEC §4 Purchases: an admin votes to authorise the close. */
export interface VoteClosePurchase { type: 'VoteClosePurchase', purchase: PurchaseId }
/** SPEC §4 Purchases: an admin votes to authorise the failure. */
export interface VoteFailPurchase { type: 'VoteFailPurchase', purchase: PurchaseId }
/** SPEC §4 Purchases: the owner closes (pays the supplier from their cash). */
export interface ClosePurchase { type: 'ClosePurchase', purchase: PurchaseId }
/** SPEC §4 Purchases: the owner fails the purchase (every commitment refunded). */
export interface FailPurchase { type: 'FailPurchase', purchase: PurchaseId }
/**
 * A member's vote to remove admin `member`, who is gone (SPEC §5 never stuck): signed by the member
 * themself, relayed by an admin. A strict majority of the members removes the admin; it is the
 * recovery of a group whose admins alone cannot (two admins; docs/ordering.md §5).
 */
export interface VoteRecover { type: 'VoteRecover', member: MemberId }

/**
 * A product of a purchase's catalogue (SPEC §4.5). Quantities in milli-units of `unit` (1000 = 1
 * kg, 1 piece), prices in cents per unit, VAT included; 0 = price not known yet (not bookable).
 */
export interface ProductSpec {
  /** Unique in the purchase: the supplier's SKU, or a slug of the name. */
  key: string
  name: string
  /** Free text: kg, pezzo, vaschetta… */
  unit: string
  priceCents: number
  /** Units per package (display only). */
  packageQty?: number
  minQtyMilli?: number
  mulQtyMilli?: number
  /** Most a member may book. */
  maxQtyMilli?: number
  /** Most the whole group may book. */
  availableQtyMilli?: number
  /** The amount is known only at delivery (cheese by weight). */
  weighed?: boolean
  category?: string
  description?: string
}

/** One line of a booking or a delivery: product key, quantity in milli-units, and at delivery a changed unit price. */
export interface LineSpec { product: string, qtyMilli: number, priceCents?: number }

/** SPEC §4.5: the owner adds products to the purchase's catalogue (a purchase with products takes bookings). */
export interface AddProducts { type: 'AddProducts', purchase: PurchaseId, products: ProductSpec[] }
/** SPEC §4.5: the owner sets a product's price for later bookings. */
export interface SetPrice { type: 'SetPrice', purchase: PurchaseId, product: string, priceCents: number }
/** SPEC §4.5: `member`'s booking becomes `lines` (quantities by product). */
export interface Book { type: 'Book', member: MemberId, purchase: PurchaseId, lines: LineSpec[] }
/** SPEC §4.5: the owner closes the bookings: the order goes to the supplier. */
export interface CloseBookings { type: 'CloseBookings', purchase: PurchaseId }
/** SPEC §4.5: what `member` actually received (weights, missing items, prices changed). */
export interface Deliver { type: 'Deliver', purchase: PurchaseId, member: MemberId, lines: LineSpec[] }
/** SPEC §4.5: a cost (or, with `discount`, a discount) shared among the bookings, by amount or equally. */
export interface AddCost { type: 'AddCost', purchase: PurchaseId, label: string, cents: number, split: 'amount' | 'equal', discount: boolean }

/**
 * SPEC §4.5 Dates: the owner sets when the bookings close and when the goods arrive, ms since the
 * epoch (0: none). Shown to members and used by the owner's node to close the bookings itself at
 * `closesAtMs`; the fold never compares them with a clock.
 */
export interface SetDates { type: 'SetDates', purchase: PurchaseId, closesAtMs: number, deliveryAtMs: number }

/** SPEC §4.6: admins vote that `member`'s credit may go down to −overdraftCents and (ceilingCents > 0) not above ceilingCents; 0: no ceiling. */
export interface VoteSetLimits { type: 'VoteSetLimits', member: MemberId, overdraftCents: number, ceilingCents: number }
/** SPEC §4.6: a transfer of credit from `from` to `to`, pending until the other party accepts; its id is this act's id. */
export interface Transfer { type: 'Transfer', from: MemberId, to: MemberId, cents: number, memo: string }
/** SPEC §4.6: the party who did not initiate accepts: the credit moves. */
export interface AcceptTransfer { type: 'AcceptTransfer', transfer: ActId }
/** SPEC §4.6: either party withdraws or refuses a pending transfer. */
export interface CancelTransfer { type: 'CancelTransfer', transfer: ActId }

/** SPEC §4.7: a referente registers a supplier of the group; its id is this act's id; purchases may name it. */
export interface RegisterSupplier { type: 'RegisterSupplier', name: string, vatNumber?: string, contacts?: string, categories: string[], notes?: string }
/** SPEC §4.7: the member's listing becomes these offers and wants (what they give, what they look for). */
export interface SetListing { type: 'SetListing', member: MemberId, offers: string[], wants: string[] }

/** Any act body. */
export type ActBody =
  | CreateGroup | VoteRegisterMember | VoteRemoveMember | VoteElectReferente | VoteRevokeReferente
  | VoteElectCassiere | VoteRevokeCassiere | Deposit | Withdraw | SettleCash | OpenPurchase | Commit
  | ApproveCommitment | RejectCommitment | AdjustCommitment | VoteClosePurchase | VoteFailPurchase
  | ClosePurchase | FailPurchase | VoteRecover
  | AddProducts | SetPrice | Book | CloseBookings | Deliver | AddCost | SetDates
  | VoteSetLimits | Transfer | AcceptTransfer | CancelTransfer | RegisterSupplier | SetListing

/** The type tag of an act body. */
export type ActType = ActBody['type']

/**
 * Wire tags of the act types, in tag order. The index is the tag on the wire: append new types
 * at the end, never reorder.
 */
export const ACT_TYPES = [
  'CreateGroup', 'VoteRegisterMember', 'VoteRemoveMember', 'VoteElectReferente',
  'VoteRevokeReferente', 'VoteElectCassiere', 'VoteRevokeCassiere', 'Deposit', 'Withdraw',
  'SettleCash', 'OpenPurchase', 'Commit', 'ApproveCommitment', 'RejectCommitment',
  'AdjustCommitment', 'VoteClosePurchase', 'VoteFailPurchase', 'ClosePurchase', 'FailPurchase',
  'VoteRecover', 'AddProducts', 'SetPrice', 'Book', 'CloseBookings', 'Deliver', 'AddCost', 'SetDates',
  'VoteSetLimits', 'Transfer', 'AcceptTransfer', 'CancelTransfer', 'RegisterSupplier', 'SetListing'
] as const satisfies readonly ActType[]

/** Fails to compile when an act type of {@link ActBody} is missing from {@link ACT_TYPES}. */
type Complete<Missing extends never> = Missing
export type ActTypesComplete = Complete<Exclude<ActType, typeof ACT_TYPES[number]>>

/**
 * A verified, signed act (SPEC §4): the envelope fields, the body, the exact signed bytes and
 * the act id (SHA-256 of those bytes, domain-separated).
 */
export interface SignedAct {
  /** Act id: hash of `bytes`. */
  id: ActId
  /** Format version (1). */
  v: number
  /** Group id; '' only for CreateGroup. */
  group: GroupId | ''
  /** Author's public key. */
  author: MemberId
  /** Author's wall clock in ms: display only, never used for order or validity. */
  timeMs: number
  body: ActBody
  /**
   * The signed encoding (fields ‖ signature), as stored in blocks. Empty (length 0) for acts decoded from a writer's feed: the feed keeps
   * them, and holding a view of every block would keep every block in memory (issue 5).
   */
  bytes: Buffer
}
