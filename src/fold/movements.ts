/**
 * Movement lists by owner, a state's statements and cash movements (SPEC §4 invariant 3), as a
 * copy of a state holds them (cloneState). A replay copies the confirmed state for every
 * tentative fold, and a busy cassiere's cash list holds tens of thousands of movements (28,000
 * at 100,000 acts): copying it when the first tentative act touched it cost a few hundred kB per
 * replay, allocated straight in V8's old generation (arrays that large are), and a major
 * collection every second or so while acts arrive (issue 18 item 5).
 *
 * A copy shares every list of the state it was made from and never changes one. What the fold
 * appends to a shared list goes to the copy's own tail of it; the list and its tail are joined
 * into a list of the copy's own when the list is first read (get, iteration), which neither a
 * replay's fold nor a copy does. Reading sees exactly the lists of a plain map.
 */
import type { MemberId } from '../ids.js'
import type { Movement } from './state.js'

/** A map of movement lists that shares lists with the map it copies (see the module comment). */
export class MovementLists extends Map<MemberId, Movement[]> {
  /** Lists this map made itself, which it may push to. */
  private readonly owned = new Set<Movement[]>()
  /** Movements appended to a shared list, by owner, not joined to it yet. */
  private readonly tails = new Map<MemberId, Movement[]>()

  /** Appends `m` to the list of `who`, creating it when there is none; shared lists are not touched. */
  append (who: MemberId, m: Movement): void {
    const tail = this.tails.get(who)
    if (tail !== undefined) {
      tail.push(m)
      return
    }
    const l = super.get(who)
    if (l === undefined) {
      const own = [m]
      super.set(who, own)
      this.owned.add(own)
    } else if (this.owned.has(l)) {
      l.push(m)
    } else {
      this.tails.set(who, [m])
    }
  }

  /** Sets the list of `who` (shared: appends to it go to a tail), dropping its tail. */
  override set (who: MemberId, l: Movement[]): this {
    // The Map constructor calls set before the fields exist.
    this.tails?.delete(who)
    return super.set(who, l)
  }

  /** Removes every list and tail. */
  override clear (): void {
    this.tails.clear()
    this.owned.clear()
    super.clear()
  }

  /** The list of `who`, its tail joined first. */
  override get (who: MemberId): Movement[] | undefined {
    if (this.tails.size === 0) return super.get(who)
    const tail = this.tails.get(who)
    if (tail === undefined) return super.get(who)
    const joined = super.get(who)!.concat(tail)
    super.set(who, joined)
    this.owned.add(joined)
    this.tails.delete(who)
    return joined
  }

  /** Removes the list of `who` and its tail. */
  override delete (who: MemberId): boolean {
    this.tails.delete(who)
    return super.delete(who)
  }

  /** Joins every tail: iteration then sees the lists themselves. */
  private joinAll (): void {
    for (const who of [...this.tails.keys()]) this.get(who)
  }

  /** Every owner and list, tails joined. */
  override entries (): MapIterator<[MemberId, Movement[]]> {
    this.joinAll()
    return super.entries()
  }

  /** Every list, tails joined. */
  override values (): MapIterator<Movement[]> {
    this.joinAll()
    return super.values()
  }

  /** Every owner and list, tails joined (for…of, spread, `new Map(this)`). */
  override [Symbol.iterator] (): MapIterator<[MemberId, Movement[]]> {
    this.joinAll()
    return super[Symbol.iterator]()
  }

  /** Calls `f` on every list, tails joined. */
  override forEach (f: (value: Movement[], key: MemberId, map: Map<MemberId, Movement[]>) => void, thisArg?: unknown): void {
    this.joinAll()
    super.forEach(f, thisArg)
  }

  /**
   * A map of the same lists as `m`, shared, whose appends never change them. A copy of a copy
   * shares its origin's lists and copies only its tails (joining them would copy the lists).
   * Not for structured cloning (node:v8, structuredClone): tails would be lost.
   */
  static sharing (m: Map<MemberId, Movement[]>): MovementLists {
    const c = new MovementLists()
    const raw = m instanceof MovementLists ? Map.prototype.entries.call(m) as MapIterator<[MemberId, Movement[]]> : m.entries()
    for (const [who, l] of raw) Map.prototype.set.call(c, who, l)
    if (m instanceof MovementLists) for (const [who, t] of m.tails) c.tails.set(who, t.slice())
    return c
  }
}

/**
 * Appends movement `m` to the list of `who` in `lists` (a state's statements or cash
 * movements): through {@link MovementLists.append} for a copy's lists; a state that is no copy
 * (new, or decoded from a checkpoint) owns its plain lists and pushes to them.
 */
export function appendMovement (lists: Map<MemberId, Movement[]>, who: MemberId, m: Movement): void {
  if (lists instanceof MovementLists) {
    lists.append(who, m)
    return
  }
  const l = lists.get(who)
  if (l === undefined) lists.set(who, [m])
  else l.push(m)
}
