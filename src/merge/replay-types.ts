/**
 * The shapes of a replay (SPEC §5): the group followed, the merged log, skipped blocks, freezes,
 * and what a resumed walk starts from. src/merge/replay.ts computes them.
 */
import type { SignedAct } from '../acts/types.js'
import type { Outcome } from '../fold/fold.js'
import type { GroupState } from '../fold/state.js'
import type { ActId, GroupId, MemberId } from '../ids.js'
import type { LogColumns, MergedLog } from './log.js'

/** The group a node follows: its id and founder (the invite carries both). */
export interface GroupRef {
  groupId: GroupId
  founder: MemberId
}

/** Why a block's acts were not folded. */
export type SkipReason = 'NOT_A_WRITER' | 'NO_ELECTION_LINK' | 'NOT_GENESIS' | 'FROZEN'

/** One act in the merged order (acts of skipped blocks are not in it: see {@link IgnoredBlock}). */
export interface LogEntry {
  /** Position in the merged log, from 0. Stable once final. */
  seq: number
  actId: ActId
  feed: MemberId
  index: number
  L: number
  /** 'applied', 'duplicate', a rejection code, or a decode refusal code (BAD_SIGNATURE, ...). */
  status: Outcome | string
  /** True once the act's block is in the final prefix (confirmed). */
  final: boolean
  /** The act's own time, ms since the epoch (display only), when it decoded. */
  timeMs: number | null
  /**
   * The act, when it decoded. Absent also on final entries restored from a checkpoint
   * (src/node/storage/checkpoint.ts): read the act from its block (feed, index) when it is needed.
   */
  act?: SignedAct
}

/** A block carrying acts that the merge skipped, with the reason (SPEC §5 writers rule). */
export interface IgnoredBlock {
  feed: MemberId
  index: number
  L: number
  reason: SkipReason
  /** Ids of the acts it carried (none of them folded). */
  actIds: ActId[]
}

/** A block, by its feed and its index in that feed. */
export interface BlockRef {
  feed: MemberId
  index: number
}

/** A writer's feed frozen by their removal (SPEC §5 dead or departed writers). */
export interface Freeze {
  /** The removed writer. */
  feed: MemberId
  /** Blocks of `feed` with index ≥ length that sort before the removal are skipped. */
  length: number
  /** The block whose acts removed the writer. */
  by: BlockRef
  /**
   * True when the members' votes (VoteRecover) removed the writer, carried by the rule of
   * recoveryCarried: the removal then waives the writer's acknowledgements even without a strict
   * majority of admins (docs/ordering.md §5).
   */
  byMembers: boolean
}

/** Result of a replay. */
export interface Replay {
  /** State after every usable block (tentative). */
  state: GroupState
  /** State at the end of the final prefix (confirmed). */
  confirmed: GroupState
  /**
   * The merged log, final entries first, read by position: nothing is built until read (a
   * replay shares its final entries, in columns, with the replay it resumed).
   */
  entries: MergedLog
  /**
   * Every entry of `entries` as an object, built on first read: O(entries) time and memory (at
   * 1,000,000 acts, ~100 MB). For tests and small groups; the interfaces read `entries`.
   */
  readonly log: LogEntry[]
  /** Entries in the log, final and tentative (`entries.length`). */
  logLength: number
  /** Number of log entries that are final (they are the first ones). */
  finalCount: number
  /** Usable blocks in the order, and how many of them are in the final prefix. */
  blocks: number
  finalBlocks: number
  /** Skipped blocks that carried acts, in order. */
  ignored: IgnoredBlock[]
  /** Freezes in force, in order of their removal block. */
  freezes: Freeze[]
  /**
   * Admins (sorted) whose acknowledgement the first block that cannot be confirmed waits for;
   * empty when everything is final. A departed admin listed here is removed by vote (SPEC §5);
   * a removed writer listed here acknowledges (see GasNode.needsAck).
   */
  waitingFor: MemberId[]
  /**
   * Blocks (usually acknowledgements) that the admins in `waitingFor` must include before
   * confirmation goes on (docs/ordering.md §4: a removed writer's block kept in F only by such
   * vouchers), sorted; those admins acknowledge them (shouldAck). Usually empty.
   */
  awaits: BlockRef[]
  /** Where a later replay of the same graph, grown only after the final prefix, may resume. */
  resume: Resume
}

/**
 * The walk's own variables at the end of the final prefix (issue 5): a later replay whose new
 * blocks all sort after `pos` starts there instead of at position 0. Opaque to callers.
 */
export interface Resume {
  /** Last position of the final prefix (-1: none). */
  readonly pos: number
  /** The confirmed state (never mutated: a resumed walk folds into a copy). */
  readonly state: GroupState
  readonly seen: ReadonlyMap<MemberId, number>
  /** Holds the final entries first (`logLength` of them); what follows belongs to later replays. */
  readonly log: LogColumns
  readonly logLength: number
  readonly ignored: readonly IgnoredBlock[]
  readonly ignoredLength: number
  readonly freezes: ReadonlyMap<MemberId, readonly FreezeAt[]>
  readonly performed: ReadonlySet<FreezeAt>
}

/** A freeze with the position of its removal block in the order (the walk's own record). */
export interface FreezeAt extends Freeze {
  /** Position of the removal block in the order. */
  pos: number
}
