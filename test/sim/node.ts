/**
 * A node of the simulation (test/sim/world.ts): the blocks it stored per feed (what survives a
 * crash), blocks received ahead of a gap, and the real block graph and replay built from them.
 */
import type { MemberId } from '../../src/ids.js'
import { encodeBlock } from '../../src/merge/block.js'
import type { DecodedBlock } from '../../src/merge/entries.js'
import { Graph } from '../../src/merge/graph.js'
import { stateHash } from '../../src/fold/hash.js'
import { replay, type GroupRef, type Replay } from '../../src/merge/replay.js'
import type { person } from '../helpers/fixtures.js'

/** A test person: key pair and member id. */
export type Person = ReturnType<typeof person>

/** What a node needs from its world. */
export interface SimHost {
  readonly g: GroupRef
  /** Decoded block (cached: the same bytes decode the same way on every node). */
  decoded (feed: MemberId, index: number, bytes: Buffer): DecodedBlock
  /** Compare every resumed replay with a replay from scratch (slower). */
  readonly checkResume: boolean
  /** Queues block (feed, index) for every other node. */
  broadcast (from: number, feed: MemberId, index: number): void
}

/** One simulated node: the blocks it stores and the graph built from them. */
export class SimNode {
  graph = new Graph()
  /** Blocks stored per feed, contiguous from 0 (what survives a crash). */
  readonly store = new Map<MemberId, Buffer[]>()
  /** Blocks received ahead of a gap (lost on a crash). */
  early = new Map<string, Buffer>()
  view: Replay | null = null
  private viewVersion = -1
  /** With `world.checkResume`: the state hashes of `view` (tentative, confirmed) when it was made. */
  private viewHashes: [string, string] | null = null
  /** Vanished: receives nothing. */
  vanished = false
  /** A vanished node that came back writing from its stale view: it sends, never receives. */
  zombie = false
  finalCount = 0

  constructor (readonly i: number, readonly who: Person, private readonly world: SimHost) {}

  held (feed: MemberId): number {
    return this.store.get(feed)?.length ?? 0
  }

  /** Receives block (feed, index); duplicates and gaps are handled like a Hypercore would. */
  receive (feed: MemberId, index: number, bytes: Buffer): void {
    if (index < this.held(feed)) return
    if (index > this.held(feed)) { this.early.set(`${feed}:${index}`, bytes); return }
    let i = index
    let b: Buffer | undefined = bytes
    while (b !== undefined) {
      if (!this.store.has(feed)) this.store.set(feed, [])
      this.store.get(feed)!.push(b)
      this.add(feed, i, b)
      this.early.delete(`${feed}:${i}`)
      i++
      b = this.early.get(`${feed}:${i}`)
    }
  }

  private add (feed: MemberId, index: number, bytes: Buffer): void {
    const d = this.world.decoded(feed, index, bytes)
    this.graph.add(feed, index, d.block, d.entries, d.hash)
  }

  /** Crash and restart: the graph is rebuilt from the stored blocks only. */
  restart (): void {
    this.graph = new Graph()
    this.early = new Map()
    this.viewVersion = -1
    for (const feed of [...this.store.keys()].sort()) {
      this.store.get(feed)!.forEach((b, i) => this.add(feed, i, b))
    }
  }

  /**
   * The node's replay, resumed after the previous final prefix as GasNode does; with
   * `world.checkResume` also compared with a replay from scratch (they must agree).
   */
  replay (): Replay {
    if (this.view === null || this.viewVersion !== this.graph.version) {
      const low = this.graph.takeLowWater()
      const from = this.view !== null && this.viewVersion >= 0 && low > this.view.resume.pos ? this.view.resume : undefined
      const prev = this.view
      this.view = replay(this.graph, this.world.g, from)
      if (this.world.checkResume && from !== undefined) {
        const full = replay(this.graph, this.world.g)
        const key = (r: Replay): string => JSON.stringify([r.finalCount, r.finalBlocks, r.log.map((e) => `${e.actId}:${e.status}`), r.ignored.map((i) => `${i.feed}:${i.index}:${i.reason}`), r.waitingFor, r.freezes])
        if (key(full) !== key(this.view) || stateHash(full.state) !== stateHash(this.view.state) || stateHash(full.confirmed) !== stateHash(this.view.confirmed)) {
          throw new Error(`node ${this.i}: a resumed replay differs from a replay from scratch`)
        }
        // The replay resumed from shares movement lists with this one (cloneState): folding on
        // must not have changed what it shows.
        if (prev !== null && this.viewHashes !== null && (stateHash(prev.state) !== this.viewHashes[0] || stateHash(prev.confirmed) !== this.viewHashes[1])) {
          throw new Error(`node ${this.i}: a replay changed the state of the replay it resumed`)
        }
      }
      this.viewHashes = this.world.checkResume ? [stateHash(this.view.state), stateHash(this.view.confirmed)] : null
      this.viewVersion = this.graph.version
    }
    return this.view
  }

  /** Appends an own block linking every usable feed, as GasNode does. */
  append (acts: Buffer[]): void {
    const bytes = encodeBlock({ ...this.graph.frontier(this.who.id), acts })
    const index = this.held(this.who.id)
    this.receive(this.who.id, index, bytes)
    this.world.broadcast(this.i, this.who.id, index)
  }

  isAdmin (): boolean {
    return this.replay().state.admins.has(this.who.id)
  }
}
