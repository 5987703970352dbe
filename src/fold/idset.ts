/**
 * The set of act ids a fold has seen (SPEC §4: an act id folded twice is a duplicate), cheap to
 * copy and to add to. A group's history holds hundreds of thousands of ids while the tentative
 * tail a copy is made for holds a few: a copy shares the ids of the set it was made from as a
 * read-only base and adds to a layer of its own (issue 5: copying a 1,000,000-id Set took
 * 0.6–1 s).
 *
 * Each layer is an open-addressing hash table keyed by an id's last 32 bits (act ids are
 * SHA-256 hex: those bits are uniform, and any string still works, only slower), with the whole
 * id compared on a match: adding one id among a million costs about half of a JavaScript Set's
 * insert, which hashes all 64 characters.
 *
 * Contract: a set that was {@link ActIdSet.fork}ed is never added to again (the fold's states
 * follow it: the confirmed state is not mutated once the walk copied it, see cloneState).
 */
import type { ActId } from '../ids.js'

/** A layer is merged into a new base when it holds more than 1/MERGE_RATIO of the base. */
const MERGE_RATIO = 4

/**
 * The last 8 characters of an id read as hex, as a signed 32-bit integer (what an Int32Array
 * slot holds back). Any other character counts by its code and the sum wraps to 32 bits: a
 * string that is not an id still finds itself, only with more collisions.
 */
function bits32 (id: string): number {
  let h = 0
  for (let i = Math.max(0, id.length - 8); i < id.length; i++) {
    const c = id.charCodeAt(i)
    h = ((h << 4) + (c <= 57 ? c - 48 : c - 87)) | 0
  }
  return h
}

/**
 * One layer: ids in insertion order and a table of slot pairs (position + 1, or 0 for an empty
 * slot; the id's 32 bits), so a probe compares numbers and reads an id only on a match. Any
 * strings work (the checkpoint's string table keeps its 64-character strings in one), ids best.
 */
export class IdTable<T extends string = ActId> {
  /**
   * A table sized for `count` ids without growing (at least 64 slots), holding `ids` when given
   * (their slots are the caller's to fill: {@link IdTable.joined}).
   */
  constructor (count = 0, readonly ids: T[] = [], private slots: Int32Array = new Int32Array(2 * capacity(count))) {}

  has (id: T): boolean {
    return this.find(id, bits32(id)) < 0
  }

  /** Adds `id`; false when it was there. */
  add (id: T): boolean {
    const key = bits32(id)
    const i = this.find(id, key)
    if (i < 0) return false
    this.insert(i, id, key)
    return true
  }

  /** The position of `id` in {@link IdTable.ids}, where it was or, added now, at the end. */
  place (id: T): number {
    const key = bits32(id)
    const i = this.find(id, key)
    if (i < 0) return -i - 1
    this.insert(i, id, key)
    return this.ids.length - 1
  }

  /**
   * The empty slot (its index in `slots`, ≥ 0) where `id` goes, or −(position + 1) when it is
   * there.
   */
  private find (id: T, key: number): number {
    const mask = (this.slots.length >> 1) - 1
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const at = this.slots[2 * i]
      if (at === 0) return 2 * i
      if (this.slots[2 * i + 1] === key && this.ids[at - 1] === id) return -at
    }
  }

  private insert (i: number, id: T, key: number): void {
    this.slots[i] = this.ids.push(id)
    this.slots[i + 1] = key
    if (this.ids.length * 4 > this.slots.length) this.grow()
  }

  private grow (): void {
    const old = this.slots
    this.slots = new Int32Array(old.length * 2)
    probeIn(this.slots, old, 0)
  }

  /**
   * A table of `a`'s ids then `b`'s (disjoint sets), built from their slots without reading an
   * id: the larger table's slots are copied (positions moved up when it comes second), the
   * other's (position, bits) pairs are probed in. Joining 25,000 ids to 100,000 by rehashing
   * them all took ~60 ms, one stall of the node (issue 18 item 5); this takes a few.
   */
  static joined (a: IdTable, b: IdTable): IdTable {
    const count = a.ids.length + b.ids.length
    const [big, small] = a.ids.length >= b.ids.length ? [a, b] : [b, a]
    const shift = (t: IdTable): number => (t === a ? 0 : a.ids.length)
    let slots: Int32Array
    if (count * 4 <= big.slots.length) {
      slots = big.slots.slice()
      if (shift(big) !== 0) for (let j = 0; j < slots.length; j += 2) if (slots[j] !== 0) slots[j] += shift(big)
    } else {
      slots = new Int32Array(2 * capacity(count))
      probeIn(slots, big.slots, shift(big))
    }
    probeIn(slots, small.slots, shift(small))
    return new IdTable(0, a.ids.concat(b.ids), slots)
  }

  /** A copy that can be added to without changing this one. */
  copy (): IdTable<T> {
    return new IdTable(0, this.ids.slice(), this.slots.slice())
  }

  static of (ids: readonly ActId[]): IdTable {
    const t = new IdTable(ids.length)
    for (const id of ids) t.add(id)
    return t
  }
}

/** Slot pairs of a table sized for `count` ids: a power of two, at least 64, at most half full. */
function capacity (count: number): number {
  let n = 64
  while (count * 2 > n) n *= 2
  return n
}

/**
 * Puts every (position + `shift`, bits) pair of `from` in the empty slots of `into` (no id is in
 * both): the slot pairs of an open-addressing table (position + 1, or 0 for empty; the id's
 * {@link bits32}), probed linearly.
 */
function probeIn (into: Int32Array, from: Int32Array, shift: number): void {
  const mask = (into.length >> 1) - 1
  for (let j = 0; j < from.length; j += 2) {
    if (from[j] === 0) continue
    let i = from[j + 1] & mask
    while (into[2 * i] !== 0) i = (i + 1) & mask
    into[2 * i] = from[j] + shift
    into[2 * i + 1] = from[j + 1]
  }
}

const EMPTY = new IdTable()

/** Set of act ids with O(own layer) copies. */
export class ActIdSet {
  private frozen = false

  /**
   * @param base ids shared with the set this one was forked from (never mutated).
   * @param own ids added to this set.
   */
  private constructor (private readonly base: IdTable, private readonly own: IdTable) {}

  /** An empty set, with room for `count` ids before its table grows. */
  static empty (count = 0): ActIdSet {
    return new ActIdSet(EMPTY, new IdTable(count))
  }

  /** A set holding `ids` (restoring a checkpoint). */
  static of (ids: readonly ActId[]): ActIdSet {
    return new ActIdSet(EMPTY, IdTable.of(ids))
  }

  has (id: ActId): boolean {
    return this.own.has(id) || this.base.has(id)
  }

  /**
   * Adds `id`; false when it was already there.
   * @throws Error on a set that was forked (a programmer error).
   */
  add (id: ActId): boolean {
    if (this.frozen) throw new Error('ActIdSet: add after fork')
    if (this.base.ids.length > 0 && this.base.has(id)) return false
    return this.own.add(id)
  }

  get size (): number {
    return this.base.ids.length + this.own.ids.length
  }

  /** Every id in a new array, as the iterator gives them (without stepping a generator per id). */
  toArray (): ActId[] {
    return this.base.ids.concat(this.own.ids)
  }

  /** Every id: the base's, then this set's own, each in insertion order. */
  * [Symbol.iterator] (): IterableIterator<ActId> {
    yield * this.base.ids
    yield * this.own.ids
  }

  /**
   * A copy that can be added to. This set becomes read-only (it shares its ids with the copy).
   * Costs O(own layer), or O(size) when the layer is merged into a new base.
   */
  fork (): ActIdSet {
    this.frozen = true
    if (this.base.ids.length === 0) return new ActIdSet(this.own, new IdTable())
    if (this.own.ids.length * MERGE_RATIO <= this.base.ids.length) return new ActIdSet(this.base, this.own.copy())
    return new ActIdSet(IdTable.joined(this.base, this.own), new IdTable())
  }
}
