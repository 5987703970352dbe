/**
 * Who acknowledges (SPEC §5): an admin of the replay, and a removed writer while confirmation
 * still waits for them, when the graph holds a block with acts their latest block does not
 * include, or an acknowledgement that confirmation awaits them to include (Replay.awaits). The
 * node (src/node/node.ts) and the simulation (test/sim/world.ts) both ask this.
 */
import type { MemberId } from '../ids.js'
import { includes, needsAck, type Graph } from './graph.js'
import type { Replay } from './replay-types.js'

/** True when `me` should append an acknowledgement now, given replay `v` of `graph`. */
export function shouldAck (v: Replay, graph: Graph, me: MemberId): boolean {
  const waited = v.waitingFor.includes(me)
  if (!(v.state.admins.has(me) || waited)) return false
  // A voucher awaited is included by the next block: each is acknowledged once, no ping-pong.
  if (waited && v.awaits.some((b) => !includes(graph.latest(me), b.feed, b.index))) return true
  return needsAck(graph, me)
}
