/**
 * The figures behind a refused act (SPEC §7: errors that give the figures), computed from the state
 * the act was refused against. Pure; used by the node when it refuses an act before appending it.
 */
import type { ActBody } from '../acts/types.js'
import type { RefusalDetails } from '../errors.js'
import { countCurrent, quorum, type GroupState } from './state.js'

/**
 * The figures behind rejection `code` of `body` against state `s` (what credit there is, how many
 * votes are missing), for the error the interfaces show. Empty when the code has no figures.
 */
export function refusalDetails (s: GroupState, body: ActBody, code: string): RefusalDetails {
  const d: RefusalDetails = {}
  const id = 'member' in body ? body.member : null
  const m = id === null ? undefined : s.members.get(id)
  if (m !== undefined) {
    d.member = m.name
    d.creditCents = m.creditCents
  }
  const p = 'purchase' in body ? s.purchases.get(body.purchase) : undefined
  if (code === 'INSUFFICIENT_CREDIT' && 'cents' in body) {
    const old = id === null ? 0 : p?.commitments.get(id)?.amountCents ?? 0
    d.neededCents = body.type === 'AdjustCommitment' ? body.cents - old : body.cents
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
