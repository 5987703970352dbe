/**
 * Schema validation of act bodies (SPEC §4) with zod: the authority on what a valid field is.
 * Used on bodies built locally, decoded from untrusted bytes, and received as JSON. Decoding
 * takes a faster path for most acts (src/acts/onepass.ts), which repeats these rules for ASCII
 * text and answers only where they give the same act; test/onepass.test.ts holds it to them.
 */
import { z } from '../zod.js'
import { HypergasError, type RefusalDetails } from '../errors.js'
import { isHexId } from '../ids.js'
import type { ActBody } from './types.js'

/** Longest names (group, member, purchase), in characters. */
export const MAX_NAME_CHARS = 64
/** Most characters of a product's unit. */
export const MAX_UNIT_CHARS = 24
/** Longest free text (reason, supplier), in characters. */
export const MAX_TEXT_CHARS = 200
/** Longest purchase notes, in characters. */
export const MAX_NOTES_CHARS = 1000

const id = z.string().refine(isHexId, 'expected 64 lowercase hex chars')
const cents = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
// Names are unique case-insensitively (SPEC §4), so they are stored in one Unicode form: "José"
// typed with a combining accent (as some keyboards and copied file names give it) is the same
// name as "José" with the precomposed é. An act whose bytes hold another form is not canonical.
// (Invisible characters and the controls of text direction are dropped from what is typed before
// it is signed (createAct, signActHex: src/acts/visible.ts), not refused in signed bytes: acts
// already in feeds keep their meaning. Names are unique under a key without them: ids.ts foldedName.)
const name = z.string().trim().normalize('NFC').min(1).max(MAX_NAME_CHARS).refine((s) => !/\p{Cc}/u.test(s), 'control characters')
const text = z.string().max(MAX_TEXT_CHARS).refine((s) => !/\p{Cc}/u.test(s), 'control characters')
const notes = z.string().max(MAX_NOTES_CHARS)

/** Most products in a purchase's catalogue (SPEC §4.5). */
export const MAX_PRODUCTS = 2000
/** Largest quantity, milli-units (SPEC §4: 10,000 units). */
export const MAX_QTY_MILLI = 10_000_000
/** Latest date an act may name, ms since the epoch (the year 9999). */
export const MAX_TIME_MS = 253_402_300_799_000
/** Largest unit price, cents (SPEC §4: 1,000,000 €). */
export const MAX_PRICE_CENTS = 100_000_000
/**
 * Largest overdraft a vote may grant one member, cents (1,000,000 €; docs/decisions.md). The fold
 * bounds the group's net debt to its members by 2^53 cents; members below zero let the positive
 * credits exceed that net by what they are overdrawn, so with this cap a credit or a sum of
 * credits passes 2^53 only in a group holding some 90 trillion euros.
 */
export const MAX_OVERDRAFT_CENTS = 100_000_000

const plain = (max: number): z.ZodString => z.string().max(max).refine((s) => !/\p{Cc}/u.test(s), 'control characters') as unknown as z.ZodString
const qty = z.number().int().min(1).max(MAX_QTY_MILLI)
const price = z.number().int().min(0).max(MAX_PRICE_CENTS)
const productKey = z.string().min(1).max(64).regex(/^[\p{L}\p{N}._\-/]+$/u, 'letters, digits and . _ - / only')
const productSpec = z.strictObject({
  key: productKey,
  name: name.pipe(z.string().max(120)),
  unit: plain(MAX_UNIT_CHARS),
  priceCents: price,
  packageQty: qty.optional(),
  minQtyMilli: qty.optional(),
  mulQtyMilli: qty.optional(),
  maxQtyMilli: qty.optional(),
  availableQtyMilli: qty.optional(),
  weighed: z.literal(true).optional(),
  category: plain(64).optional(),
  description: plain(500).optional()
})
const lineSpec = z.strictObject({ product: productKey, qtyMilli: z.number().int().min(0).max(MAX_QTY_MILLI), priceCents: price.optional() })
const distinct = <T extends { product?: string, key?: string }>(list: T[]): boolean => new Set(list.map((x) => x.product ?? x.key)).size === list.length
const lines = z.array(lineSpec).max(MAX_PRODUCTS).refine(distinct, 'a product twice')

const member = { member: id }
const purchase = { purchase: id }

/** Zod schema of every act body, discriminated on `type`. */
export const actBodySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('CreateGroup'), name, founderName: name }),
  z.strictObject({ type: z.literal('VoteRegisterMember'), name, ...member }),
  z.strictObject({ type: z.literal('VoteRemoveMember'), ...member }),
  z.strictObject({ type: z.literal('VoteElectReferente'), ...member }),
  z.strictObject({ type: z.literal('VoteRevokeReferente'), ...member }),
  z.strictObject({ type: z.literal('VoteElectCassiere'), ...member }),
  z.strictObject({ type: z.literal('VoteRevokeCassiere'), ...member }),
  z.strictObject({ type: z.literal('Deposit'), ...member, cents }),
  z.strictObject({ type: z.literal('Withdraw'), ...member, cents, reason: text }),
  z.strictObject({ type: z.literal('SettleCash'), from: id, cents }),
  z.strictObject({ type: z.literal('OpenPurchase'), name, supplier: text.optional(), notes: notes.optional() }),
  z.strictObject({ type: z.literal('Commit'), ...member, cents, ...purchase }),
  z.strictObject({ type: z.literal('ApproveCommitment'), ...member, ...purchase }),
  z.strictObject({ type: z.literal('RejectCommitment'), ...member, ...purchase }),
  z.strictObject({ type: z.literal('AdjustCommitment'), ...member, cents, ...purchase }),
  z.strictObject({ type: z.literal('VoteClosePurchase'), ...purchase }),
  z.strictObject({ type: z.literal('VoteFailPurchase'), ...purchase }),
  z.strictObject({ type: z.literal('ClosePurchase'), ...purchase }),
  z.strictObject({ type: z.literal('FailPurchase'), ...purchase }),
  z.strictObject({ type: z.literal('VoteRecover'), ...member }),
  z.strictObject({ type: z.literal('AddProducts'), ...purchase, products: z.array(productSpec).min(1).max(MAX_PRODUCTS).refine(distinct, 'a key twice') }),
  z.strictObject({ type: z.literal('SetPrice'), ...purchase, product: productKey, priceCents: price }),
  z.strictObject({ type: z.literal('Book'), ...member, ...purchase, lines: lines.refine((l) => l.every((x) => x.priceCents === undefined), 'a booking takes the catalogue\'s prices') }),
  z.strictObject({ type: z.literal('CloseBookings'), ...purchase }),
  z.strictObject({ type: z.literal('Deliver'), ...purchase, ...member, lines }),
  z.strictObject({ type: z.literal('VoteSetLimits'), ...member, overdraftCents: z.number().int().min(0).max(MAX_OVERDRAFT_CENTS, 'an overdraft is at most 1,000,000 € (100000000 cents)'), ceilingCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) }),
  z.strictObject({ type: z.literal('Transfer'), from: id, to: id, cents, memo: text }),
  z.strictObject({ type: z.literal('AcceptTransfer'), transfer: id }),
  z.strictObject({ type: z.literal('CancelTransfer'), transfer: id }),
  z.strictObject({ type: z.literal('RegisterSupplier'), name, vatNumber: plain(32).optional(), contacts: plain(200).optional(), categories: z.array(plain(64)).max(20).default([]), notes: notes.optional() }),
  z.strictObject({ type: z.literal('SetListing'), ...member, offers: z.array(plain(200)).max(200), wants: z.array(plain(200)).max(200) }),
  z.strictObject({ type: z.literal('SetDates'), ...purchase, closesAtMs: z.number().int().min(0).max(MAX_TIME_MS), deliveryAtMs: z.number().int().min(0).max(MAX_TIME_MS) }),
  z.strictObject({ type: z.literal('AddCost'), ...purchase, label: name.pipe(z.string().max(80)), cents, split: z.enum(['amount', 'equal']), discount: z.boolean() })
])

/**
 * Validates an untrusted act body and returns it typed.
 * @throws HypergasError UNKNOWN_TYPE (no such type), BAD_AMOUNT (cents not a positive safe
 *   integer), BAD_KEY (malformed id), BAD_FIELD (anything else: missing, extra, too long).
 */
export function parseActBody (input: unknown): ActBody {
  const r = actBodySchema.safeParse(input)
  if (r.success) return r.data as ActBody
  const issue = r.error.issues[0]
  const field = String(issue.path[0] ?? '')
  const where = field === '' ? 'body' : `field "${field}"`
  if (field === 'type') throw HypergasError.UNKNOWN_TYPE(`unknown act type ${JSON.stringify((input as { type?: unknown })?.type)}`)
  if (field === 'cents') throw HypergasError.BAD_AMOUNT(`${where}: expected a positive safe integer of cents`)
  if (['member', 'from', 'to', 'purchase', 'transfer'].includes(field)) throw HypergasError.BAD_KEY(`${where}: ${issue.message}`)
  throw new HypergasError('BAD_FIELD', `${where}: ${issue.message}`, fieldDetails(issue))
}

/** The messages of this module's own refinements, by the variant the interfaces word them with. */
const OWN_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['a product twice', 'twice'], ['a key twice', 'twice'], ['control characters', 'control'], ['letters, digits and . _ - / only', 'format'],
  ['a booking takes the catalogue\'s prices', 'bookingPrice'], ['an overdraft is at most 1,000,000 € (100000000 cents)', 'overdraft']
])

/**
 * What a BAD_FIELD is, for the interfaces to say it in the reader's language (SPEC §7): the
 * field's path (`input`: `name`, `products.3.unit`), the case (`variant`: `empty`, `tooLong`,
 * `tooMany`, `twice`, `control`, `format`, `bookingPrice`, `overdraft`), the length or count allowed (`limit`), and zod's
 * English words (`detail`) for a case without a message of its own.
 */
function fieldDetails (issue: z.core.$ZodIssue): RefusalDetails {
  const path = issue.path.map(String).join('.')
  // A body's own fault (a key it should not have) names no field: the interfaces show zod's words.
  const d: RefusalDetails = path === '' ? { detail: issue.message.slice(0, 200) } : { input: path.slice(0, 40), detail: issue.message.slice(0, 200) }
  const own = OWN_MESSAGES.get(issue.message)
  if (own !== undefined) d.variant = own
  else if (issue.code === 'too_small' && (issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1) d.variant = 'empty'
  else if (issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array')) {
    d.variant = issue.origin === 'string' ? 'tooLong' : 'tooMany'
    d.limit = Number(issue.maximum)
  } else if ((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'number') {
    // A figure past its bound: the interfaces say the bound in the field's unit (euros, a quantity).
    d.variant = issue.code === 'too_big' ? 'tooBig' : 'tooSmall'
    d.limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum)
  }
  return d
}
