/**
 * Which admins a node knows to be there (SPEC §5 "Never stuck" is for an admin who is *gone*):
 * the members' recovery is neither offered nor taken against them.
 */
import type { ActBody } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import type { GasNode } from '../node/node.js'
import { recoveryCount } from '../merge/removals.js'
import type { AdminPresence } from './dto.js'

/**
 * The admins node `n` knows to be there: its own, and those connected to it now, but for a feed
 * that forked (copies of one laptop may be connected, and this node reads none of their blocks).
 */
export function presentAdmins (n: GasNode): Set<MemberId> {
  const out = new Set<MemberId>([n.id])
  for (const p of n.replicator?.peers ?? []) if (!n.forks.some((f) => f.feed === p.publicKey)) out.add(p.publicKey as MemberId)
  return out
}

/**
 * The admins no members' recovery is offered against on node `n`: those {@link presentAdmins};
 * when its own feed takes no more blocks (forked, or restored elsewhere), every admin it waits
 * for: the fault is its own, not theirs; an admin not met yet in the first minute of its swarm
 * (Replicator.meeting); and an admin whose blocks name another branch of a forked feed than this
 * node holds (SPEC §5 forks): their node is there, on the other side of the fork.
 */
export function notGone (n: GasNode): ReadonlySet<MemberId> {
  const out = presentAdmins(n)
  if (n.group !== null) {
    const stuck = n.ownStuck() !== null
    // Or the node has just started and not met them yet (one who never wrote is said not to have started, not gone).
    for (const id of n.requireView().waitingFor) if (stuck || (n.replicator?.meeting(id) === true && n.graph.receivedLength(id) > 0)) out.add(id)
  }
  // An admin whose blocks name another branch of another admin's forked feed writes: their node holds the other branch.
  for (const c of n.linkConflicts()) if (c.by.feed !== c.feed && !n.forks.some((f) => f.feed === c.by.feed)) out.add(c.by.feed as MemberId)
  return out
}

/**
 * What node `n` knows of the admins beyond the log: {@link notGone}, whose feed forked, and the
 * counts of a members' recovery on every block it holds (a vote cast now is decided on at least
 * those).
 */
export function presence (n: GasNode): AdminPresence {
  return {
    notGone: notGone(n),
    forked: new Set(n.forks.map((f) => f.feed)),
    recoveryCount: recoveryCounter(n),
    started: (admin) => n.graph.receivedLength(admin) > 0
  }
}

/** The counts of a members' recovery on every block node `n` holds (src/merge/removals.ts), for a receipt or a view. */
export function recoveryCounter (n: GasNode): NonNullable<AdminPresence['recoveryCount']> {
  return (admin, voters) => recoveryCount(n.graph, (f) => n.graph.usableLength(f), n.requireView().state, admin, voters)
}

/**
 * Refuses a member's vote to remove an admin who is there ({@link presentAdmins}): the vote is
 * for a laptop that will never come back; one merely away is waited for. Not for a vote signed by
 * someone who is not a member (nobody else learns who is connected).
 * Also refuses one against a former admin while everything is confirmed.
 * @throws HypergasError ADMIN_ONLINE (variant `self` on the admin's own node), NOT_IN_ROLE (variant `notWaited`)
 */
export function refuseRecoveryOfPresent (n: GasNode, body: ActBody, author?: MemberId): void {
  if (body.type !== 'VoteRecover') return
  const s = n.requireView().state
  if (author !== undefined && !s.members.has(author)) return
  // A former admin, and everything confirmed: nothing is held back, and a vote would open a count nothing needs.
  const v = n.requireView()
  if (!s.admins.has(body.member) && s.cash.has(body.member) && v.finalCount === v.entries.length) {
    const former = s.members.get(body.member)?.name ?? body.member.slice(0, 8)
    throw HypergasError.REJECTED('NOT_IN_ROLE', `${former} is no longer an admin and everything is confirmed: there is nothing to recover`, { member: former, variant: 'notWaited' })
  }
  if (!presentAdmins(n).has(body.member)) return
  const name = s.members.get(body.member)?.name ?? body.member.slice(0, 8)
  if (body.member === n.id) throw new HypergasError('ADMIN_ONLINE', `this is ${name}'s own node: ${name} is not gone, so the members do not vote them out`, { member: name, variant: 'self' })
  throw new HypergasError('ADMIN_ONLINE', `${name}'s node is connected to this one right now: ${name} is not gone, so the members do not vote them out`, { member: name })
}
