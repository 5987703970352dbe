/**
 * The figures behind a refused act (SPEC §7: errors that give the figures), computed from the state
 * the act was refused against. Pure; used by the node when it refuses an act before appending it.
 */
import type { ActBody } from '../acts/types.js'
import type { RefusalDetails } from '../errors.js'
import { bookingNeedCents } from './orders.js'
import { countCurrent, quorum, type GroupState } from './state.js'

/**
 * The figures behind rejection `code` of `body` against state `s` (what credit there is, how many
 * votes are missing), for the error the interfaces show. Empty when the code has no figures.
 */
export function refusalDetails (s: GroupState, body: ActBody, code: string): RefusalDetails {
  const d: RefusalDetails = {}
  // The member whose credit is at stake: the act's member, or the payer of a transfer.
  const pending = body.type === 'AcceptTransfer' ? s.transfers.get(body.transfer) : undefined
  const id = 'member' in body ? body.member : body.type === 'Transfer' ? body.from : pending?.from ?? null
  const m = id === null ? undefined : s.members.get(id)
  if (m !== undefined) {
    d.member = m.name
    d.creditCents = m.creditCents
    const overdraft = s.limits.get(id!)?.overdraftCents ?? 0
    if (overdraft > 0) d.overdraftCents = overdraft
  }
  const p = 'purchase' in body ? s.purchases.get(body.purchase) : undefined
  if (code === 'INSUFFICIENT_CREDIT') {
    const old = id === null ? 0 : p?.commitments.get(id)?.amountCents ?? 0
    const need = body.type === 'Book' ? bookingNeedCents(s, body) : body.type === 'AcceptTransfer' ? pending?.cents ?? null : 'cents' in body ? (body.type === 'AdjustCommitment' ? body.cents - old : body.cents) : null
    if (need !== null) d.neededCents = need
    // The message that names the overdraft granted (CLI: e_INSUFFICIENT_CREDIT_overdraft).
    if (d.overdraftCents !== undefined) d.variant = 'overdraft'
  }
  if (code === 'NO_QUORUM' && p !== undefined) {
    d.votes = countCurrent(s, body.type === 'FailPurchase' ? p.failVotes : p.closeVotes)
    d.quorum = quorum(s.admins.size)
  }
  if (code === 'PENDING_COMMITMENTS' && p !== undefined) {
    d.pending = [...p.commitments.values()].filter((c) => c.status === 'pending').length
  }
  return d
}
