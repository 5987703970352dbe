/**
 * Acts as they sit in a block: decoded and verified, or refused with the code of the failure
 * (SPEC §8: forged, malformed or cross-group input is refused with a clear code and changes
 * nothing). A refused act keeps its place in the log so every interface can show why.
 */
import { actIdOf, decodeAct } from '../acts/act.js'
import type { SignedAct } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import type { ActId, GroupId, MemberId } from '../ids.js'
import { decodeBlock, type Block } from './block.js'

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

/**
 * Decodes and verifies every act of a block of writer `feed` for `group`; never throws on bad
 * input (programmer errors still throw). Acts authored by `feed` are authenticated by the feed's
 * own Hypercore signature (see {@link decodeAct}); other acts are verified once and, when
 * `verified` is given, remembered there.
 */
export function decodeEntries (acts: Buffer[], group: GroupId | null, feed: MemberId, verified?: { has: (id: ActId) => boolean, add: (id: ActId) => void }): ActEntry[] {
  return acts.map((bytes) => {
    try {
      const act = decodeAct(bytes, group, feed, verified === undefined ? undefined : (id) => verified.has(id))
      if (act.author !== feed) verified?.add(act.id)
      return { ok: true, act }
    } catch (err) {
      if (!(err instanceof HypergasError)) throw err
      return { ok: false, id: actIdOf(bytes), code: err.code }
    }
  })
}

/**
 * Decodes block bytes of writer `feed` and every act in it for `group` (see {@link decodeEntries}).
 * @throws HypergasError as {@link decodeBlock} for an undecodable block (its acts are not read)
 */
export function decodeBlockEntries (bytes: Buffer, feed: MemberId, group: GroupId | null, verified?: { has: (id: ActId) => boolean, add: (id: ActId) => void }): { block: Block, entries: ActEntry[] } {
  const block = decodeBlock(bytes, feed)
  return { block, entries: decodeEntries(block.acts, group, feed, verified) }
}
