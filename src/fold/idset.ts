/**
 * The set of act ids a fold has seen (SPEC §4: an act id folded twice is a duplicate), cheap to
 * copy. A group's history holds hundreds of thousands of ids while the tentative tail a copy is
 * made for holds a few: a copy shares the ids of the set it was made from as a read-only base
 * and adds to a layer of its own (issue 5: copying a 1,000,000-id Set took 0.6–1 s).
 *
 * Contract: a set that was {@link ActIdSet.fork}ed is never added to again (the fold's states
 * follow it: the confirmed state is not mutated once the walk copied it, see cloneState).
 */
import type { ActId } from '../ids.js'

/** A layer is merged into a new base when it holds more than 1/MERGE_RATIO of the base. */
const MERGE_RATIO = 4

/** Set of act ids with O(own layer) copies. */
export class ActIdSet {
  private frozen = false

  /**
   * @param base ids shared with the set this one was forked from (never mutated).
   * @param own ids added to this set.
   */
  private constructor (private readonly base: ReadonlySet<ActId>, private readonly own: Set<ActId>) {}

  /** An empty set. */
  static empty (): ActIdSet {
    return new ActIdSet(new Set(), new Set())
  }

  /** A set holding `ids` (restoring a checkpoint). */
  static of (ids: Iterable<ActId>): ActIdSet {
    return new ActIdSet(new Set(), new Set(ids))
  }

  has (id: ActId): boolean {
    return this.own.has(id) || this.base.has(id)
  }

  /**
   * Adds `id`; false when it was already there (one hash look-up for the common case: in a set of
   * a million ids each look-up is a cache miss, and the fold does one per act).
   * @throws Error on a set that was forked (a programmer error).
   */
  add (id: ActId): boolean {
    if (this.frozen) throw new Error('ActIdSet: add after fork')
    if (this.base.size > 0 && this.base.has(id)) return false
    const n = this.own.size
    return this.own.add(id).size > n
  }

  get size (): number {
    return this.base.size + this.own.size
  }

  /** Every id: the base's, then this set's own, each in insertion order. */
  * [Symbol.iterator] (): IterableIterator<ActId> {
    yield * this.base
    yield * this.own
  }

  /**
   * A copy that can be added to. This set becomes read-only (it shares its ids with the copy).
   * Costs O(own layer), or O(size) when the layer is merged into a new base.
   */
  fork (): ActIdSet {
    this.frozen = true
    if (this.base.size === 0) return new ActIdSet(this.own, new Set())
    if (this.own.size * MERGE_RATIO <= this.base.size) return new ActIdSet(this.base, new Set(this.own))
    const merged = new Set(this.base)
    for (const id of this.own) merged.add(id)
    return new ActIdSet(merged, new Set())
  }
}
