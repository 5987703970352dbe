/**
 * The rules version said on every connection (src/fold/rules.ts): a Protomux channel
 * `hypergas/rules` beside Hypercore's replication on the same encrypted connection, whose opening
 * handshake carries the sender's version. Nothing else is sent on it. A peer of a hypergas older
 * than this channel never opens it: its version stays unknown (null), and replication goes on as
 * before; a handshake that cannot be decoded closes that peer's connection (Protomux's rule).
 *
 *   handshake = rules:uint   (later fields may follow; a reader ignores what it does not know)
 */
import c from 'compact-encoding'
import Protomux from 'protomux'
import type { Connection } from 'hyperswarm'

/** The channel's protocol name. */
export const RULES_PROTOCOL = 'hypergas/rules'

/**
 * Opens the rules channel on `conn` (after Corestore's `replicate`, which set up the
 * connection's Protomux) saying `rules`; `onrules` gets the peer's version once the peer opened
 * the channel too. Does nothing when the channel is open already on this connection.
 */
export function sayRules (conn: Connection, rules: number, onrules: (theirs: number) => void): void {
  const mux = Protomux.from(conn)
  const channel = mux.createChannel({ protocol: RULES_PROTOCOL, handshake: c.uint, onopen: (theirs: number) => onrules(theirs) })
  channel?.open(rules)
}
