/**
 * The writer feeds a node follows (SPEC §5, §6): opening and downloading each Hypercore, reading
 * its new blocks into the graph (signatures checked on a worker thread, verified ones
 * remembered), watching it for forks, and saying how far each is synced. The node
 * (src/node/node.ts) decides which feeds to follow and when to read; this class does the work.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { SignedAct } from '../../acts/types.js'
import { hex, type ActId, type GroupId, type MemberId } from '../../ids.js'
import type { Graph } from '../../merge/graph.js'
import type { LogEntry } from '../../merge/replay.js'
import { syncProgress, type SyncProgress } from '../network/progress.js'
import { saveForks, type ForkReport } from '../storage/datadir.js'
import { VerifiedActs } from '../storage/verified.js'
import { ForkRelay, ownTreeProof, proofOf, proofText, serveHeld, watchForks, type ForkSides, type TreeProof } from './forks.js'
import { readActs, readFeed } from './reader.js'
import { Verifier } from './verifier.js'

/** What {@link Feeds} needs from the node. */
export interface FeedsOptions {
  store: Corestore
  dir: string
  /** The block graph blocks are read into (the node may replace it: asked each time). */
  graph: () => Graph
  /** The node's fork reports, shared: a fork found here is added to them and saved. */
  forks: ForkReport[]
  /** The clock, ms (a fork report's time). */
  now: () => number
  /** True once the node is closing: nothing more starts. */
  closed: () => boolean
  /** Something arrived or changed: the node should refresh soon. */
  changed: () => void
  /** Reports a block that could not be used, a fork, or an error (the node's events). */
  invalid: (feed: MemberId, index: number, code: string, message?: string) => void
  fork: (report: ForkReport) => void
  error: (err: Error) => void
}

/** The feeds followed, by writer. */
export class Feeds {
  private readonly cores = new Map<MemberId, Hypercore>()
  /** Relayed acts whose signature this node verified (remembered across restarts). */
  private readonly verified: VerifiedActs
  /** Checks relayed signatures on a worker thread while feeds are read. */
  private readonly verifier = new Verifier()
  /** Proves the forks found to the peers of each forked feed, at any later time. */
  private readonly relay: ForkRelay
  /** Link conflicts this node has proved its own version of a feed for (`feed:length:theirs`). */
  private readonly proved = new Set<string>()
  /** Forked feeds whose core serves what it holds again, its tree fixed ({@link serveHeld}). */
  private readonly serving = new Set<MemberId>()

  constructor (private readonly opts: FeedsOptions) {
    this.verified = new VerifiedActs(opts.dir)
    this.relay = new ForkRelay(opts.store)
  }

  /** How many feeds are followed. */
  get size (): number { return this.cores.size }

  /** The writers followed. */
  keys (): MemberId[] { return [...this.cores.keys()] }

  /** The core of `feed`, if followed. */
  get (feed: MemberId): Hypercore | undefined { return this.cores.get(feed) }

  /** The followed cores by writer (read-only view, for the restore gate). */
  all (): ReadonlyMap<MemberId, Hypercore> { return this.cores }

  /** Follows the own, writable feed (already opened by the node). */
  addOwn (feed: MemberId, core: Hypercore): void {
    this.cores.set(feed, core)
    this.watch(feed, core)
  }

  /** Starts following `feed` (open, download everything, watch); false when already followed. */
  open (feed: MemberId): boolean {
    if (this.cores.has(feed)) return false
    const core = this.opts.store.get({ manifest: { version: 1, signers: [{ publicKey: Buffer.from(feed, 'hex') }] } })
    this.cores.set(feed, core)
    this.opts.graph().addFeed(feed)
    this.watch(feed, core)
    core.ready().then(() => {
      if (this.opts.closed()) return
      core.download({ start: 0, end: -1 })
      this.opts.changed()
    }).catch((err: Error) => this.opts.error(err))
    return true
  }

  /**
   * Blocks of `feed` the node uses: all it holds, or up to a detected fork; past it, when the
   * feed's core serves again what it holds ({@link serveHeld}), every block of its tree it holds
   * from the first (one that downloaded them after the fork was proved to it).
   */
  held (feed: MemberId): number {
    const held = this.opts.forks.find((f) => f.feed === feed)?.held ?? Infinity
    const core = this.cores.get(feed)
    return this.serving.has(feed) && core !== undefined && !core.closed ? Math.max(held, core.contiguousLength) : held
  }

  /** Reads the new blocks of every feed into the graph; answers how many were read. */
  async readAll (group: GroupId): Promise<number> {
    let read = 0
    for (const [feed, core] of this.cores) read += await this.read(feed, core, group)
    this.proveConflicts()
    return read
  }

  /**
   * For each link conflict the graph found (a block naming another version of a feed than the
   * one held here, SPEC §5 forks), proves this node's version of that feed to its peers, once: a
   * peer holding the other version finds the fork itself and proves it on ({@link ownTreeProof}).
   */
  private proveConflicts (): void {
    for (const c of this.opts.graph().conflicts()) {
      const core = this.cores.get(c.feed)
      const key = `${c.feed}:${c.length}:${c.theirs}`
      // A feed whose fork Hypercore already proved here: the relay proves the other side's tree, which this must not replace.
      if (core === undefined || core.key === null || this.proved.has(key) || this.opts.closed() || this.opts.forks.some((f) => f.feed === c.feed)) continue
      this.proved.add(key)
      ownTreeProof(core).then((proof) => {
        // Not made (a session Hypercore closed meanwhile): tried again at the next read.
        if (proof === null) { this.proved.delete(key); return }
        // A fork Hypercore proved here meanwhile: the relay now proves the other side's tree, which this must not replace.
        if (!this.opts.closed() && !this.opts.forks.some((f) => f.feed === c.feed)) this.relay.add(core.key, proof)
      }).catch(() => { this.proved.delete(key) })
    }
  }

  /** Adds every followed feed to a fresh graph and reads all their blocks into it. */
  async rereadInto (graph: Graph, group: GroupId): Promise<void> {
    for (const feed of this.cores.keys()) graph.addFeed(feed)
    await this.readAll(group)
  }

  /** The acts of the blocks of `entries` (log entries that carry none, restored from a checkpoint; ignored blocks), read back. */
  async readActs (entries: ReadonlyArray<Pick<LogEntry, 'feed' | 'index'>>, group: GroupId): Promise<Map<ActId, SignedAct>> {
    return await readActs((f) => this.cores.get(f), entries, group, this.verified)
  }

  /** True while some followed feed has blocks known but not downloaded yet. */
  downloading (): boolean {
    return this.backlog() > 0
  }

  /** Blocks known in the followed feeds but not downloaded yet, in all. */
  backlog (): number {
    let n = 0
    for (const c of this.cores.values()) if (!c.closed) n += Math.max(0, c.length - c.contiguousLength)
    return n
  }

  /** Sync progress (SPEC §6): per feed and per peer, blocks received of those known. */
  progress (): SyncProgress {
    const graph = this.opts.graph()
    return syncProgress([...this.cores].map(([feed, core]) => ({
      feed,
      local: core.contiguousLength,
      usable: graph.usableLength(feed),
      peers: Object.fromEntries(core.peers.map((p) => [hex(p.remotePublicKey), p.remoteLength]))
    })))
  }

  /** Writes the signatures verified since the last call to the data directory. */
  flush (): void {
    this.verified.flush()
  }

  /** Stops the verification worker and the fork relay. */
  async close (): Promise<void> {
    await this.relay.close()
    await this.verifier.close()
  }

  private async read (feed: MemberId, core: Hypercore, group: GroupId): Promise<number> {
    return await readFeed(core, this.opts.graph(), feed, {
      group,
      verified: this.verified,
      verifier: this.verifier,
      limit: this.held(feed),
      onInvalid: (index, code) => this.opts.invalid(feed, index, code)
    })
  }

  private watch (feed: MemberId, core: Hypercore): void {
    // Hypercore closes every session of a core in which it finds a fork: the blocks held are still
    // read (a full replay after a checkpoint, the log's acts), from a session opened again.
    // A session whose open failed (a damaged store) closes too: opened again, it would fail and
    // close again for ever (a hung CLI at full CPU); its error reaches whoever awaited it.
    let opened = false
    core.ready().then(() => {
      opened = true
      if (this.opts.forks.some((f) => f.feed === feed) && serveHeld(core)) this.serving.add(feed)
    }, () => {})
    core.on('close', () => {
      if (!opened || this.opts.closed() || this.cores.get(feed) !== core || core.key === null) return
      const again = this.opts.store.get({ key: core.key })
      this.cores.set(feed, again)
      this.watch(feed, again)
      again.ready().then(() => this.opts.changed()).catch((err: Error) => { if (!this.opts.closed()) this.opts.error(err) })
    })
    core.on('append', () => this.opts.changed())
    core.on('download', () => this.opts.changed())
    watchForks(core, () => this.opts.graph().receivedLength(feed), (sides, proof) => this.reportFork(feed, core, sides, proof))
    // A fork found before (a report with its proof): proved again to every peer of the feed.
    const saved = this.opts.forks.find((f) => f.feed === feed)?.proof
    const proof = saved === undefined ? null : proofOf(saved)
    if (proof !== null) core.ready().then(() => { if (!this.opts.closed()) this.relay.add(core.key!, proof) }).catch(() => {})
    core.on('verification-error', (err: Error) => this.opts.invalid(feed, core.length, 'BAD_PROOF', err.message))
  }

  private reportFork (feed: MemberId, core: Hypercore, sides: ForkSides, proof: TreeProof | null): void {
    if (proof !== null && core.key !== null && !this.opts.closed()) this.relay.add(core.key, proof)
    const forks = this.opts.forks
    if (forks.some((x) => x.feed === feed)) return
    const f: ForkReport = { feed, ...sides, ...(proof === null ? {} : { proof: proofText(proof) }), detectedAt: new Date(this.opts.now()).toISOString() }
    forks.push(f)
    saveForks(this.opts.dir, forks)
    this.opts.fork(f)
    this.opts.changed()
  }
}
