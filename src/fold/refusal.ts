/**
 * The figures behind a refused act (SPEC §7: errors that give the figures), computed from the state
 * the act was refused against. Pure; used by the node when it refuses an act before appending it.
 */
import type { ActBody } from '../acts/types.js'
import type { RefusalDetails } from '../errors.js'
import type { MemberId } from '../ids.js'
import { bookingNeedCents, costRefusal, deliveryNeedCents, refusedLine } from './orders.js'
import { countCurrent, quorum, type GroupState } from './state.js'
import { heldCents } from './transfers.js'

/**
 * The member whose name, credit and overdraft the figures of a refusal of `body` show (against
 * state `s`): the act's member, the payer of a transfer (the pending one an AcceptTransfer names;
 * its payee when `code` is `ABOVE_CEILING`, the payee's ceiling), else null. Whoever is not that
 * member must not see them (SPEC §7: src/api/api.ts signedAct).
 */
export function figuredMember (s: GroupState, body: ActBody, code?: string): MemberId | null {
  if ('member' in body) return body.member
  if (body.type === 'Transfer') return body.from
  if (body.type === 'AcceptTransfer') return (code === 'ABOVE_CEILING' ? s.transfers.get(body.transfer)?.to : s.transfers.get(body.transfer)?.from) ?? null
  return null
}

/** The name, credit and granted overdraft of `id`, the figures a refusal about them shows. */
function memberFigures (s: GroupState, id: MemberId): RefusalDetails {
  const m = s.members.get(id)
  if (m === undefined) return {}
  const overdraft = s.limits.get(id)?.overdraftCents ?? 0
  return { member: m.name, creditCents: m.creditCents, ...(overdraft > 0 ? { overdraftCents: overdraft } : {}) }
}

/**
 * The figures behind rejection `code` of `body` against state `s` (what credit there is, how many
 * votes are missing), for the error the interfaces show. Empty when the code has no figures.
 */
export function refusalDetails (s: GroupState, body: ActBody, code: string, author?: MemberId): RefusalDetails {
  const pending = body.type === 'AcceptTransfer' ? s.transfers.get(body.transfer) : undefined
  const id = figuredMember(s, body)
  const m = id === null ? undefined : s.members.get(id)
  const d: RefusalDetails = id === null ? {} : memberFigures(s, id)
  const p = 'purchase' in body ? s.purchases.get(body.purchase) : undefined
  // The payee accepting a transfer the payer's credit cannot cover: the payer's figures are not
  // the payee's to see (CLI: e_INSUFFICIENT_CREDIT_payer), unless the payee is an admin, who reads every credit.
  if (code === 'INSUFFICIENT_CREDIT' && pending !== undefined && author === pending.to && !s.admins.has(author)) return { variant: 'payer' }
  if (code === 'INSUFFICIENT_CREDIT') {
    const old = id === null ? 0 : p?.commitments.get(id)?.amountCents ?? 0
    // A shared cost (an admin's act) one member's share of which cannot be taken: that member's figures.
    if (body.type === 'AddCost') {
      const share = costRefusal(s, body)
      if (share === null) return d
      const f = memberFigures(s, share.member)
      return { ...f, neededCents: share.shareCents, ...(body.discount ? { variant: 'discount', commitmentCents: share.commitmentCents } : f.overdraftCents !== undefined ? { variant: 'overdraft' } : {}) }
    }
    const need = body.type === 'Book' ? bookingNeedCents(s, body) : body.type === 'Deliver' ? deliveryNeedCents(s, body) : body.type === 'AcceptTransfer' ? pending?.cents ?? null : 'cents' in body ? (body.type === 'AdjustCommitment' ? body.cents - old : body.cents) : null
    if (need !== null) d.neededCents = need
    // The message that names the overdraft granted (CLI: e_INSUFFICIENT_CREDIT_overdraft).
    if (d.overdraftCents !== undefined && body.type !== 'Withdraw') d.variant = 'overdraft'
    // Cash given back is at most the credit: no deposit is the answer (CLI: e_…_withdraw).
    if (body.type === 'Withdraw') d.variant = (m?.creditCents ?? 0) > 0 ? 'withdraw' : 'withdrawNone'
  }
  // Credit past the ceiling the admins set (the credit plus the open commitments that may come
  // back, heldCents): the member's credit, their commitments, what the act adds, the ceiling. The
  // payer of an accepted transfer is told the payee's ceiling without the payee's figures.
  if (code === 'ABOVE_CEILING' && body.type !== 'VoteSetLimits') {
    const to = figuredMember(s, body, code)
    const payee = to === null ? undefined : s.members.get(to)
    const ceiling = to === null ? undefined : s.limits.get(to)?.ceilingCents
    const adds = body.type === 'Deposit' ? body.cents : pending !== undefined ? pending.cents : null
    if (pending !== undefined && author !== undefined && author !== pending.to && !s.admins.has(author)) return { variant: 'payee' }
    if (payee !== undefined && typeof ceiling === 'number' && adds !== null) return ceilingFigures(s, to!, payee.name, payee.creditCents, { neededCents: adds, ceilingCents: ceiling, variant: 'ceiling' })
  }
  // A limits vote the credit already breaks: what must come back first (CLI: e_…_limits).
  if (body.type === 'VoteSetLimits' && m !== undefined && (code === 'INSUFFICIENT_CREDIT' || code === 'ABOVE_CEILING')) {
    if (code === 'ABOVE_CEILING') return ceilingFigures(s, id!, m.name, m.creditCents, { ceilingCents: body.ceilingCents, variant: 'limits' })
    d.variant = 'limits'
    d.neededCents = -body.overdraftCents - m.creditCents
  }
  // A settlement from someone who never held the group's cash, or from the author themself: the
  // counterpart is what is wrong, not the author (CLI: e_NOT_ADMIN_settle).
  if (code === 'NOT_ADMIN' && body.type === 'SettleCash' && (!s.cash.has(body.from) || (body.from === author && s.admins.has(author)))) d.variant = 'settle'
  if (code === 'NO_QUORUM' && p !== undefined) {
    d.votes = countCurrent(s, body.type === 'FailPurchase' ? p.failVotes : p.closeVotes)
    d.quorum = quorum(s.admins.size)
    // A failure waits for votes to fail (CLI: e_NO_QUORUM_fail names vote-fail); an owner who
    // voted already is not asked to vote (e_NO_QUORUM_voted, e_NO_QUORUM_failVoted).
    const voted = author !== undefined && (body.type === 'FailPurchase' ? p.failVotes : p.closeVotes).has(author)
    if (body.type === 'FailPurchase') d.variant = voted ? 'failVoted' : 'fail'
    else if (voted) d.variant = 'voted'
  }
  // A shared cost on a purchase without a commitment to share it among: no member to name (CLI: e_NO_COMMITMENT_cost).
  if (code === 'NO_COMMITMENT' && body.type === 'AddCost') d.variant = 'cost'
  // A supplier registered by someone who is not a referente (CLI: e_NOT_REFERENTE_supplier).
  if (code === 'NOT_REFERENTE' && body.type === 'RegisterSupplier') d.variant = 'supplier'
  // A delivery to a booking the referente rejected: not "not approved yet" (CLI: e_NOT_APPROVED_rejected).
  if (code === 'NOT_APPROVED' && body.type === 'Deliver' && p?.commitments.get(body.member)?.status === 'rejected') d.variant = 'rejected'
  // A member who owes the group is removed after a deposit, not a withdrawal (CLI: e_…_owes).
  if (code === 'MEMBER_HAS_FUNDS' && m !== undefined && m.creditCents < 0) d.variant = 'owes'
  // No credit, but a commitment to an open purchase holds the member (CLI: e_…_commitment): no withdrawal helps.
  if (code === 'MEMBER_HAS_FUNDS' && m !== undefined && m.creditCents === 0) d.variant = 'commitment'
  // Who asked for a transfer cannot accept it: the other side does (CLI: e_NOT_AUTHORIZED_initiator).
  if (code === 'NOT_AUTHORIZED' && pending !== undefined && author === pending.initiator) return { variant: 'initiator' }
  // Signed with a key that is no member's (another group's key file, one never registered) (CLI: e_NOT_AUTHORIZED_notMember).
  if (code === 'NOT_AUTHORIZED' && author !== undefined && !s.members.has(author) && !s.admins.has(author)) return { variant: 'notMember' }
  // A booked quantity the catalogue refuses: which product, and what its rule allows (CLI: e_…_product).
  if (body.type === 'Book' && (code === 'BELOW_MIN' || code === 'NOT_MULTIPLE' || code === 'ABOVE_MAX' || code === 'SOLD_OUT')) {
    const line = refusedLine(s, body, code)
    // What the group has left is the product's availability less the others' bookings: a member
    // signing their own booking is told the product alone (an admin reads every booking).
    if (line !== null && code === 'SOLD_OUT' && author !== undefined && !s.admins.has(author)) return { variant: 'soldOut', product: line.product.name }
    if (line !== null) {
      d.variant = 'product'
      d.product = line.product.name
      d.unit = line.product.unit
      d.qtyMilli = line.qtyMilli
    }
  }
  // A booked product without a price yet: which one (CLI: e_NO_PRICE_product).
  if (body.type === 'Book' && code === 'NO_PRICE') {
    const o = p?.order
    const x = body.lines.map((l) => (l.qtyMilli === 0 ? undefined : o?.products.get(l.product))).find((y) => y !== undefined && y.priceCents === 0)
    if (x !== undefined) return { ...d, variant: 'product', product: x.name }
  }
  // A product already in the catalogue (a file imported twice?): the first one, by name (CLI: e_PRODUCT_EXISTS_product).
  if (body.type === 'AddProducts' && code === 'PRODUCT_EXISTS') {
    const x = body.products.find((y) => p?.order?.products.has(y.key) === true) ?? body.products.find((y, i) => body.products.findIndex((z) => z.key === y.key) !== i)
    if (x !== undefined) return { variant: 'product', product: x.name, input: x.key }
  }
  // The name that is taken (a purchase's, a supplier's, a member's): names are no one's secret.
  if (code === 'NAME_TAKEN' && (body.type === 'OpenPurchase' || body.type === 'RegisterSupplier' || body.type === 'VoteRegisterMember')) return { ...d, variant: 'name', input: body.name.slice(0, 64) }
  // A transfer already settled: which way (CLI: e_NO_PENDING_TRANSFER_completed / _cancelled).
  if (code === 'NO_PENDING_TRANSFER' && (body.type === 'AcceptTransfer' || body.type === 'CancelTransfer')) {
    const x = s.transfers.get(body.transfer)
    return x === undefined || x.status === 'pending' ? {} : { variant: x.status }
  }
  // Who may do it instead: the referente who opened the purchase, by name (CLI: e_NOT_OWNER_owner).
  if (code === 'NOT_OWNER' && p !== undefined) {
    const owner = s.members.get(p.owner)?.name
    return owner === undefined ? {} : { variant: 'owner', input: owner }
  }
  if (code === 'PENDING_COMMITMENTS' && p !== undefined) {
    d.pending = [...p.commitments.values()].filter((c) => c.status === 'pending').length
  }
  return d
}

/**
 * The figures of an `ABOVE_CEILING` refusal about member `id`: name, credit, and (variant
 * `<variant>Booked`) the commitments to open purchases that may still come back to the credit
 * (SPEC §4.6: the ceiling bounds their sum, src/fold/transfers.ts heldCents).
 */
function ceilingFigures (s: GroupState, id: MemberId, name: string, creditCents: number, d: RefusalDetails): RefusalDetails {
  const booked = heldCents(s, id) - creditCents
  return booked > 0 ? { member: name, creditCents, ...d, commitmentCents: booked, variant: `${d.variant ?? ''}Booked` } : { member: name, creditCents, ...d }
}
