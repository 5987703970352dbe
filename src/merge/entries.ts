/**
 * Acts as they sit in a block: decoded and verified, or refused with the code of the failure
 * (SPEC §8: forged, malformed or cross-group input is refused with a clear code and changes
 * nothing). A refused act keeps its place in the log so every interface can show why.
 */
import { actIdOf, badSignature, decodeAct, type DecodeOptions, type SignatureCheck } from '../acts/act.js'
import type { SignedAct } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import type { ActId, GroupId, MemberId } from '../ids.js'
import { blockHash, decodeBlock, type Block } from './block.js'

/** One act slot of a block. */
export type ActEntry =
  | { ok: true, act: SignedAct }
  | { ok: false, id: ActId, code: string }

/**
 * Stands for an act of a block inside a checkpoint's final prefix (issue 5): the block was
 * restored from the checkpoint, not read. Walking it is a programmer error (resumeReplay never
 * does).
 */
export const UNREAD: ActEntry = Object.freeze({ ok: false, id: '' as ActId, code: 'UNREAD' })

/** Where relayed signatures verified before are remembered (VerifiedActs). */
export interface VerifiedSet {
  has: (id: ActId) => boolean
  add: (id: ActId) => void
}

/**
 * A signature check that {@link decodeEntries} left to its caller, and the entry it decides: the
 * caller runs the check and then calls {@link settleCheck} before the entry is used.
 */
export interface PendingCheck {
  check: SignatureCheck
  entries: ActEntry[]
  index: number
}

/**
 * Decodes and verifies every act of a block of writer `feed` for `group`; never throws on bad
 * input (programmer errors still throw). Acts authored by `feed` are authenticated by the feed's
 * own Hypercore signature (see {@link decodeAct}); other acts are verified once and, when
 * `verified` is given, remembered there. With `pending`, those signature checks are pushed there
 * instead of run (their entries stand as decoded until {@link settleCheck}).
 */
export function decodeEntries (acts: Buffer[], group: GroupId | null, feed: MemberId, verified?: VerifiedSet, pending?: PendingCheck[]): ActEntry[] {
  const entries: ActEntry[] = []
  const checks: SignatureCheck[] = []
  const opts: DecodeOptions = {
    feed,
    verified: verified === undefined ? undefined : (id) => verified.has(id),
    defer: pending === undefined ? undefined : (check) => checks.push(check)
  }
  for (const bytes of acts) {
    try {
      checks.length = 0
      const act = decodeAct(bytes, group, opts)
      if (checks.length > 0) pending!.push({ check: checks[0], entries, index: entries.length })
      else if (act.author !== feed) verified?.add(act.id)
      entries.push({ ok: true, act })
    } catch (err) {
      if (!(err instanceof HypergasError)) throw err
      entries.push({ ok: false, id: actIdOf(bytes), code: err.code })
    }
  }
  return entries
}

/**
 * Applies the result of a deferred signature check: a failed one refuses its act with
 * BAD_SIGNATURE (as {@link decodeAct} would have), a passed one is remembered in `verified`.
 */
export function settleCheck (p: PendingCheck, ok: boolean, verified?: VerifiedSet): void {
  const e = p.entries[p.index]
  if (!e.ok) return
  if (ok) verified?.add(e.act.id)
  else p.entries[p.index] = { ok: false, id: e.act.id, code: badSignature(e.act).code }
}

/** A block as the graph takes it: decoded, its acts decoded, and its {@link blockHash}. */
export interface DecodedBlock {
  block: Block
  entries: ActEntry[]
  /** {@link blockHash} of the block's bytes (32 bytes). */
  hash: Buffer
}

/**
 * Decodes block bytes of writer `feed` and every act in it for `group` (see {@link decodeEntries}).
 * @throws HypergasError as {@link decodeBlock} for an undecodable block (its acts are not read)
 */
export function decodeBlockEntries (bytes: Buffer, feed: MemberId, group: GroupId | null, verified?: VerifiedSet, pending?: PendingCheck[]): DecodedBlock {
  const block = decodeBlock(bytes, feed)
  return { block, entries: decodeEntries(block.acts, group, feed, verified, pending), hash: blockHash(bytes) }
}
