/**
 * A member-signed act posted to a node (SPEC §7 `POST /api/acts/signed`, §8 replayed input):
 * decoded and verified, taken only within {@link SIGNED_ACT_WINDOW_MS} of the time it was signed
 * at, dry-run and appended; the same act posted again answers with its receipt (a page that lost
 * the answer and sent it again is told it counted once). Anyone may post one; only its author's
 * own session, an admin or the node's machine read the author's figures in the answer.
 */
import { decodeAct } from '../acts/act.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import type { SignedAct } from '../acts/types.js'
import type { GroupState } from '../fold/state.js'
import type { GasNode } from '../node/node.js'
import { figuredMember } from '../fold/refusal.js'
import { recoveryCounter, refuseRecoveryOfPresent } from './presence.js'
import { refuseEmptyBooking } from './order-views.js'
import { beforeAct, receiptOf, type ActReceipt, type BeforeAct } from './receipt.js'

/** Largest signed act accepted over the API, hex chars (2 per byte). */
export const MAX_SIGNED_ACT_HEX = 2 * 4096

/**
 * How far, in ms, the time an act was signed at may be from this node's clock, either way (10
 * minutes). A page or the CLI posts what it signs at once. Without a bound, a refused act (credit
 * short) posted again days later by whoever captured it applies once the credit is there: a
 * refused act leaves no memory here (SPEC §7), so its age is what refuses the replay.
 */
export const SIGNED_ACT_WINDOW_MS = 10 * 60_000

/** Refusal variants that carry no figure (src/fold/refusal.ts): kept when a refusal's figures are not shown. */
const FIGURE_FREE: ReadonlySet<string> = new Set(['initiator', 'payer', 'payee', 'notMember'])
/** Variants that say how a transfer ended (accepted: the payer paid): kept for the author's own login, not for whoever posts the bytes. */
const AUTHORS_ONLY: ReadonlySet<string> = new Set(['completed', 'cancelled'])

/**
 * Whether the poster may read `author`'s figures (credit, order amount, name): their own session,
 * an admin, the node's machine. A function of the author, who is known only once the act is decoded.
 */
export type ReadsFiguresOf = (author: MemberId) => boolean

/**
 * Posts the signed act `hexBytes` (lowercase hex) to `node` at `nowMs` (ms since the epoch: the
 * node's clock; the fold never reads it). Returns the act's receipt: the author's figures only
 * where `reads(author)`, a member named by the act or a transfer's payer never.
 * @throws HypergasError OVERSIZED, BAD_ENCODING, BAD_SIGNATURE, WRONG_GROUP (and the decoder's
 *   codes), STALE_ACT (variant `old` or `ahead`, the minutes in `detail`), RESTORING, ADMIN_ONLINE,
 *   NOT_ADMIN, or the fold's rejection code with the author's figures where `reads(author)`
 */
export async function postSignedAct (node: GasNode, hexBytes: string, nowMs: number, reads: ReadsFiguresOf): Promise<ActReceipt> {
  if (typeof hexBytes !== 'string' || hexBytes.length > MAX_SIGNED_ACT_HEX) throw HypergasError.OVERSIZED(`signed act larger than ${MAX_SIGNED_ACT_HEX / 2} bytes`)
  if (!/^([0-9a-f]{2})+$/.test(hexBytes)) throw HypergasError.BAD_ENCODING('expected the act as lowercase hex')
  node.restore?.assertOpen()
  const act = decodeAct(Buffer.from(hexBytes, 'hex'), node.requireGroup().groupId)
  const off = act.timeMs - nowMs
  if (Math.abs(off) > SIGNED_ACT_WINDOW_MS) {
    const minutes = String(Math.round(Math.abs(off) / 60_000))
    throw off < 0
      ? new HypergasError('STALE_ACT', `signed ${minutes} minutes ago: a signed act is taken within 10 minutes of its signature; sign it again`, { variant: 'old', detail: minutes })
      : new HypergasError('STALE_ACT', `signed ${minutes} minutes ahead of this node's clock: set the device's clock right and sign it again`, { variant: 'ahead', detail: minutes })
  }
  const mine = reads(act.author)
  const state = node.requireView().state
  const figured = figuredMember(state, act.body)
  /** The receipt of the act as the log holds it now, as the poster may read it. */
  const receipt = (before?: BeforeAct): ActReceipt => {
    const v = node.requireView()
    return shown(receiptOf(v, act, before, before === undefined ? undefined : recoveryCounter(node)), act, figured, v.state, mine)
  }
  // Sent again (a lost answer), or twice at once (a retry while the first was still queued): it
  // counts once, and the answer is its receipt.
  if (state.seen.has(act.id)) return receipt()
  // Whoever posts a signed act learns figures about its author only, never about the member it
  // names or the payer of a transfer (a forged Commit naming someone else, or an invoice to
  // them, would otherwise read their credit; issue 14, SPEC §7).
  refuseRecoveryOfPresent(node, act.body, act.author)
  refuseEmptyBooking(state, act.body)
  const before = beforeAct(state, [act.body])
  try {
    await node.submitActs([act])
  } catch (err) {
    if (err instanceof HypergasError && err.code === 'DUPLICATE_ACT') return receipt()
    // (A transfer's payee past their ceiling: the payee's figures, not the payer's.)
    const whose = figuredMember(state, act.body, err instanceof HypergasError ? err.code : undefined)
    // (Also an act that names no member but was refused for one's figures: a shared cost one
    // member's credit could not pay.)
    // (A variant that holds no figure stays: a transfer's initiator told that the other side
    // accepts, a payee told that the payer's credit falls short.)
    if (!(err instanceof HypergasError)) throw err
    const variant = err.details?.variant ?? ''
    if (!mine && AUTHORS_ONLY.has(variant)) throw new HypergasError(err.code, err.reason)
    if ((!mine || whose !== act.author) && (whose !== null || err.details?.member !== undefined)) throw new HypergasError(err.code, err.reason, FIGURE_FREE.has(variant) || AUTHORS_ONLY.has(variant) ? { variant } : undefined)
    throw err
  }
  return receipt(before)
}

/** What a receipt says of members (names, credits, cash, what they booked): not for a poster who is not the author's login. */
const PERSONAL: ReadonlyArray<keyof ActReceipt> = ['member', 'orderCents', 'name', 'payee', 'shares', 'refunds', 'cashCents', 'fromCashCents', 'owedCashCents', 'dropped', 'notDelivered', 'limits']

/**
 * `r` as the poster may read it: without another member's credit or order, nor the author's
 * unless `mine`; the name of `figured` (the member the act names) only when it is the author,
 * the other party of the author's own transfer, or holds or held the group's cash (an admin a
 * recovery names); nothing {@link PERSONAL} unless `mine`.
 */
function shown (r: ActReceipt, act: SignedAct, figured: MemberId | null, state: GroupState, mine: boolean): ActReceipt {
  if (r.member !== undefined && (!mine || r.member.id !== act.author)) {
    delete r.member
    delete r.orderCents
  }
  const t = act.body.type
  const party = t === 'Transfer' || t === 'AcceptTransfer' || t === 'CancelTransfer'
  if (!mine) {
    for (const k of PERSONAL) delete r[k]
  } else if (figured !== null && figured !== act.author && !party && !state.cash.has(figured)) delete r.name
  return r
}
