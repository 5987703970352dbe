/**
 * Acts as they sit in a block: decoded and verified, or refused with the code of the failure
 * (SPEC §8: forged, malformed or cross-group input is refused with a clear code and changes
 * nothing). A refused act keeps its place in the log so every interface can show why.
 */
import { actIdOf, decodeAct } from '../acts/act.js'
import type { SignedAct } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import type { ActId, GroupId, MemberId } from '../ids.js'

/** One act slot of a block. */
export type ActEntry =
  | { ok: true, act: SignedAct }
  | { ok: false, id: ActId, code: string }

/**
 * Decodes and verifies every act of a block of writer `feed` for `group`; never throws on bad
 * input (programmer errors still throw). Acts authored by `feed` are authenticated by the feed's
 * own Hypercore signature (see {@link decodeAct}).
 */
export function decodeEntries (acts: Buffer[], group: GroupId | null, feed: MemberId): ActEntry[] {
  return acts.map((bytes) => {
    try {
      return { ok: true, act: decodeAct(bytes, group, feed) }
    } catch (err) {
      if (!(err instanceof HypergasError)) throw err
      return { ok: false, id: actIdOf(bytes), code: err.code }
    }
  })
}
