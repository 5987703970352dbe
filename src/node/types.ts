/**
 * The public types of a node (src/node/node.ts): how it is opened and the events it emits.
 */
import type { Replay } from '../merge/replay.js'
import type { MemberId } from '../ids.js'
import type { ForkReport } from './storage/datadir.js'
import type { RefusalDetails } from '../errors.js'

/**
 * A line for a running node's log (deadlines closed, notices mailed): `key` and `vars` for the
 * interface to say it in the user's language (src/cli/messages-*.ts), `text` in English.
 */
export interface LogLine {
  key: 'deadlineClosed' | 'deadlineFailed' | 'mailDigestSent' | 'mailRefused' | 'mailFailed' | 'mailUnreadable'
  vars: { [name: string]: string | number }
  text: string
  /** The refusal behind `vars.error` (its code and figures), for the interface to say it in the user's language too. */
  refusal?: { code: string, details?: RefusalDetails }
}

/** Options of {@link GasNode.open}. */
export interface NodeOptions {
  /** Data directory. */
  dir: string
  /** Create an identity if the directory has none (init, join). */
  createIdentity?: boolean
  /** Wall clock for act timestamps, ms (display only). Default Date.now. */
  now?: () => number
  /** Delay before an acknowledgement block is written, ms (SPEC §5 "soon after"). Default 30. */
  ackDelayMs?: number
  /**
   * Opened for one command of the CLI, which serves nobody meanwhile (issue 18 item 4): state
   * hashes and the checkpoint are computed at once rather than in slices of the event loop, and
   * the checkpoint is written on close only, not also after the first replay (a first `status`
   * of 100,000 acts wrote it twice, once for the replay and once more after its acknowledgement).
   * Default false: a node that serves (`start`).
   */
  oneShot?: boolean
}

/** A block of a writer feed that could not be used: where, and the refusal code. */
export interface InvalidBlock {
  feed: MemberId
  index: number
  code: string
  message?: string
}

/** The events of a {@link GasNode}, with their arguments. */
export interface NodeEvents {
  /** A new replay is available. */
  update: [Replay]
  /** Fork evidence on a feed (SPEC §5): the writer is frozen. */
  fork: [ForkReport]
  'invalid-block': [InvalidBlock]
  /** A peer connected or left. */
  peers: []
  /** LAN discovery trouble: never fatal. */
  warning: [Error]
  error: [Error]
  /** A directory restored from a backup holds its own feed again and writes as usual. */
  restored: []
}
