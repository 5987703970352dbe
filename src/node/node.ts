/**
 * The node (SPEC §6): the one composition root. Owns the data directory, the Corestore with the
 * admin's own feed and every writer feed, the block graph, and (optionally) Hyperswarm
 * replication. Re-runs merge and fold as blocks arrive and emits 'update'. Interfaces (CLI, HTTP)
 * only talk to this class.
 *
 * Events: 'update' (a new replay is available), 'fork' (a {@link ForkReport}), 'invalid-block'
 * ({feed, index, code}), 'peers', 'warning' (LAN discovery trouble, never fatal), 'restored'
 * (a directory restored from a backup holds its own feed again and writes as usual).
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { createAct } from '../acts/act.js'
import type { ActBody, SignedAct } from '../acts/types.js'
import { sodiumSecretKey, type KeyPair } from '../crypto.js'
import { HypergasError } from '../errors.js'
import { checkAct } from '../fold/fold.js'
import { hex, type ActId, type GroupId, type MemberId } from '../ids.js'
import { encodeBlock, NO_PREV } from '../merge/block.js'
import { Graph, needsAck, type LinkConflict } from '../merge/graph.js'
import { replay, resumeReplay, type GroupRef, type LogEntry, type Replay } from '../merge/replay.js'
import { CheckpointKeeper } from './checkpoint.js'
import { loadFeeds, loadForks, loadGroup, loadIdentity, paths, saveFeeds, saveForks, saveGroup, type ForkReport } from './datadir.js'
import { watchForks, type ForkSides } from './forks.js'
import { CATCH_UP_REPLAY_MS, ReplayPacer } from './pacer.js'
import { Replicator, type ReplicatorOptions } from './replicator.js'
import { readActs, readFeed } from './reader.js'
import { refusalDetails } from './receipt.js'
import { loadRestoring, RestoreGate } from './restore.js'
import { Verifier } from './verifier.js'
import { VerifiedActs } from './verified.js'
import { syncProgress, type SyncProgress } from './progress.js'

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
}

/** A running hypergas node. */
export class GasNode extends EventEmitter {
  readonly dir: string
  readonly keyPair: KeyPair
  readonly id: MemberId
  group: GroupRef | null
  readonly store: Corestore
  graph = new Graph()
  /** The latest replay; null before the group is known. */
  view: Replay | null = null
  replicator: Replicator | null = null
  /**
   * Forks detected (SPEC §5), with evidence; kept in the data directory. No further block of a
   * forked feed is read: the node keeps the blocks it holds (see docs/ordering.md).
   */
  readonly forks: ForkReport[]
  /**
   * The gate of a data directory restored from a backup (src/node/restore.ts): while it is
   * active nothing is appended to the own feed. Null when the directory was not restoring.
   */
  restore: RestoreGate | null = null

  private readonly cores = new Map<MemberId, Hypercore>()
  /** Relayed acts whose signature this node verified (remembered across restarts). */
  private readonly verified: VerifiedActs
  /** Checks relayed signatures on a worker thread while feeds are read. */
  private readonly verifier = new Verifier()
  private readonly own: Hypercore
  private readonly now: () => number
  private readonly ackDelayMs: number
  private queue: Promise<unknown> = Promise.resolve()
  private refreshScheduled = false
  /** Paces replays while a long sync downloads (src/node/pacer.ts). */
  private readonly pacer = new ReplayPacer(CATCH_UP_REPLAY_MS, () => this.scheduleRefresh())
  private ackTimer: NodeJS.Timeout | null = null
  private closed = false
  /** The checkpoint found at start and written as the final prefix grows (issue 5). */
  private readonly checkpoint: CheckpointKeeper
  /** True while the graph holds the checkpoint's blocks unread (its final prefix). */
  private unread = false

  private constructor (opts: NodeOptions, keyPair: KeyPair, store: Corestore) {
    super()
    this.dir = opts.dir
    this.keyPair = keyPair
    this.id = hex(keyPair.publicKey) as MemberId
    this.group = loadGroup(opts.dir)
    this.store = store
    this.now = opts.now ?? Date.now
    this.ackDelayMs = opts.ackDelayMs ?? 30
    this.forks = loadForks(opts.dir)
    this.verified = new VerifiedActs(opts.dir)
    this.checkpoint = new CheckpointKeeper(opts.dir, (f) => { this.openFeed(f); return this.cores.get(f)! })
    this.own = store.get({ keyPair: { publicKey: keyPair.publicKey, secretKey: sodiumSecretKey(keyPair) } })
    this.cores.set(this.id, this.own)
  }

  /**
   * Opens the data directory, the Corestore and every writer feed stored locally, and replays.
   * @throws HypergasError DATA_DIR (no identity, or the store is locked by a running node)
   */
  static async open (opts: NodeOptions): Promise<GasNode> {
    fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 })
    const kp = loadIdentity(opts.dir, opts.createIdentity === true)
    const store = new Corestore(paths(opts.dir).corestore)
    try {
      await store.ready()
    } catch (err) {
      throw HypergasError.DATA_DIR(`cannot open the store in ${opts.dir} (is a node already running there?): ${(err as Error).message}`)
    }
    const node = new GasNode(opts, kp, store)
    await node.own.ready()
    node.watch(node.id, node.own)
    node.beginRestore()
    let oldFormat = false
    node.on('invalid-block', (e: { feed: MemberId, index: number, code: string }) => { if (e.feed === node.id && e.code === 'BAD_VERSION') oldFormat = true })
    if (node.group !== null) await node.serial(() => node.refresh())
    if (oldFormat) {
      // A data directory of block format 1 (before issue 13): its blocks cannot be read, and
      // appending after them would hide that (docs/ordering.md §6).
      await node.close()
      throw HypergasError.DATA_DIR(`${opts.dir} holds blocks of an older format (links without hashes) that this hypergas does not read: keep it aside and start the group again (hypergas init), or use the hypergas that wrote it`)
    }
    return node
  }

  /**
   * Creates a group with this node's identity as founder (SPEC §4 Genesis): block 0 of the own
   * feed holds the CreateGroup act.
   * @throws HypergasError DATA_DIR when this directory already follows a group
   */
  async createGroup (name: string, founderName: string): Promise<GroupRef> {
    return await this.serial(async () => {
      if (this.group !== null || this.own.length > 0) throw HypergasError.DATA_DIR(`${this.dir} already belongs to a group`)
      const act = createAct({ type: 'CreateGroup', name, founderName }, { keyPair: this.keyPair, timeMs: this.now() })
      this.group = { groupId: act.id as GroupId, founder: this.id }
      saveGroup(this.dir, this.group)
      await this.own.append(encodeBlock({ prev: NO_PREV, links: [], acts: [act.bytes] }))
      await this.refresh()
      return this.group
    })
  }

  /**
   * Follows the group of an invite (SPEC §7 `join`); `feeds` (the invite's hints) are followed
   * from the start. @throws HypergasError DATA_DIR
   */
  async joinGroup (g: GroupRef, feeds: readonly MemberId[] = []): Promise<void> {
    await this.serial(async () => {
      if (this.group !== null && this.group.groupId !== g.groupId) throw HypergasError.DATA_DIR(`${this.dir} already belongs to group ${this.group.groupId.slice(0, 8)}`)
      this.group = g
      saveGroup(this.dir, g)
      const known = loadFeeds(this.dir)
      if (feeds.some((f) => !known.includes(f))) saveFeeds(this.dir, [...new Set([...known, ...feeds])].sort())
      await this.refresh()
    })
  }

  /**
   * Starts Hyperswarm replication on the group's topic (SPEC §6), over the DHT and (unless
   * `opts.lan` is false) the local network. Connections are keyed with the admin's own key pair,
   * so peers see which admin they talk to.
   */
  async startSwarm (opts: Omit<ReplicatorOptions, 'keyPair'> = {}): Promise<void> {
    const g = this.requireGroup()
    this.replicator = new Replicator(this.store, g.groupId, { ...opts, keyPair: { publicKey: Buffer.from(this.keyPair.publicKey), secretKey: sodiumSecretKey(this.keyPair) } })
    this.replicator.on('peers', () => this.emit('peers'))
    this.replicator.on('warning', (err: Error) => this.emit('warning', err))
    await this.replicator.start()
  }

  /**
   * Signs `body` with this node's key (or `as`, for a member signing at the counter) and appends
   * it. Refused before appending when the fold would reject it now.
   * @throws HypergasError with the rejection code (e.g. NOT_CASSIERE), NOT_ADMIN when this node
   *   is not a writer, RESTORING while a restore from a backup waits for the own feed, or a
   *   validation code for a malformed body
   */
  async submit (body: ActBody, as?: KeyPair): Promise<SignedAct> {
    const act = createAct(body, { group: this.requireGroup().groupId, keyPair: as ?? this.keyPair, timeMs: this.now() })
    await this.submitActs([act])
    return act
  }

  /**
   * Appends already signed, verified acts in one block (member-signed acts relayed at the
   * counter, SPEC §3). Each is dry-run against the tentative state in order; the first refusal
   * aborts the whole block.
   * @throws HypergasError as {@link submit}
   */
  async submitActs (acts: SignedAct[]): Promise<void> {
    await this.serial(async () => {
      this.restore?.assertOpen()
      const v = this.requireView()
      if (!v.state.admins.has(this.id)) throw HypergasError.REJECTED('NOT_ADMIN', 'this node is not a writer of the group (not referente nor cassiere yet)')
      if (acts.length === 1) {
        const code = checkAct(v.state, acts[0])
        if (code === 'duplicate') throw HypergasError.REJECTED('DUPLICATE_ACT', `act ${acts[0].id.slice(0, 8)} is already in the log`)
        if (code !== null) throw HypergasError.REJECTED(code, `${acts[0].body.type} refused: ${code}`, refusalDetails(v.state, acts[0].body, code))
      }
      await this.appendBlock(acts.map((a) => a.bytes))
    })
  }

  private async appendBlock (acts: Buffer[]): Promise<void> {
    if (this.forks.some((f) => f.feed === this.id)) throw HypergasError.DATA_DIR('this writer is frozen after a fork')
    // The own feed's `prev` must be its last block: never append past a block the graph lacks.
    if (this.graph.usableLength(this.id) !== this.own.length) throw HypergasError.DATA_DIR(`own feed holds ${this.own.length} blocks, ${this.graph.usableLength(this.id)} of them usable: not appending`)
    await this.own.append(encodeBlock({ ...this.graph.frontier(this.id), acts }))
    await this.refresh()
  }

  /**
   * A data directory marked "restoring" (hypergas restore) downloads its own feed and appends
   * nothing until the gate opens (src/node/restore.ts); then it acknowledges as usual.
   * @throws HypergasError DATA_DIR when the mark cannot be read
   */
  private beginRestore (): void {
    const mark = loadRestoring(this.dir)
    if (mark === null) return
    const gate = new RestoreGate({ dir: this.dir, ownId: this.id, own: this.own, ownUsable: () => this.graph.usableLength(this.id), cores: () => this.cores, peers: () => this.replicator?.peers.length ?? 0 }, mark.since)
    this.restore = gate
    gate.on('error', (err: Error) => this.emit('error', err))
    gate.once('done', () => { this.emit('restored'); this.scheduleRefresh() })
    gate.start()
  }

  /** Runs `fn` after every earlier call: one writer of graph and feed at a time. */
  private async serial<T> (fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn)
    this.queue = p.catch(() => {})
    return await p
  }

  private watch (feed: MemberId, core: Hypercore): void {
    core.on('append', () => this.scheduleRefresh())
    core.on('download', () => this.scheduleRefresh())
    watchForks(core, () => this.graph.receivedLength(feed), (sides) => this.reportFork(feed, sides))
    core.on('verification-error', (err: Error) => this.emit('invalid-block', { feed, index: core.length, code: 'BAD_PROOF', message: err.message }))
  }

  private reportFork (feed: MemberId, sides: ForkSides): void {
    if (this.forks.some((x) => x.feed === feed)) return
    const f: ForkReport = { feed, ...sides, detectedAt: new Date(this.now()).toISOString() }
    this.forks.push(f)
    saveForks(this.dir, this.forks)
    this.emit('fork', f)
    this.scheduleRefresh()
  }

  /** Runs a refresh on the next turn of the event loop. */
  private scheduleRefresh (): void {
    if (this.refreshScheduled || this.closed) return
    this.refreshScheduled = true
    const run = (): void => {
      this.refreshScheduled = false
      this.serial(() => this.refresh()).catch((err) => this.emit('error', err))
    }
    setImmediate(run)
  }

  /** Reads new blocks of every feed, replays, opens newly elected writers' feeds, acks. */
  private async refresh (): Promise<void> {
    const g = this.group
    if (g === null || this.closed) return
    this.openFeed(g.founder)
    if (this.view === null) {
      for (const f of loadFeeds(this.dir)) this.openFeed(f)
      if (this.graph.order().length === 0) this.unread = await this.checkpoint.restore(g.groupId, this.graph, (f) => this.held(f))
    }
    const following = this.cores.size
    let changed = this.view === null
    for (;;) {
      let read = 0
      for (const [feed, core] of this.cores) read += await this.readFeed(feed, core, g.groupId)
      // While a long sync is still downloading, blocks are read (decoded) as they arrive and the
      // replays are paced: the last block's arrival triggers the final one.
      const v = this.view
      const allFeedsOpen = v !== null && v.state.groupId !== null && [...v.state.cash.keys()].every((k) => this.cores.has(k))
      if (this.pacer.putOff(read > 0 && allFeedsOpen && this.downloading())) break
      if (read > 0 || changed || this.pacer.owed) {
        // Resume after the last final prefix when every new block sorts after it, or after the
        // checkpoint's when the graph starts with its blocks (issue 5).
        const startMs = Date.now()
        const low = this.graph.takeLowWater()
        const from = this.view !== null ? (low > this.view.resume.pos ? this.view.resume : null) : this.checkpoint.take(this.graph)
        const next = from !== null ? resumeReplay(this.graph, g, from) : null
        // A full replay walks every block: read the acts of those restored unread.
        if (next === null && this.unread) await this.rereadAll(g)
        this.view = next ?? replay(this.graph, g)
        this.pacer.replayed(startMs)
        changed = false
      }
      // Every admin past or present has a cash entry: follow all of their feeds.
      let opened = 0
      for (const w of this.view!.state.cash.keys()) if (this.openFeed(w)) opened++
      if (read === 0 && opened === 0) break
      changed = read > 0
    }
    this.verified.flush()
    if (this.cores.size !== following) saveFeeds(this.dir, [...this.cores.keys()].sort())
    if (!this.downloading()) await this.checkpoint.save(g.groupId, this.graph, this.view!)
    this.emit('update', this.view)
    this.maybeAck()
  }

  /** True while some open feed has blocks known but not downloaded yet. */
  private downloading (): boolean {
    return [...this.cores.values()].some((c) => !c.closed && c.contiguousLength < c.length)
  }

  /** Drops the graph and reads every block again, acts included (a full replay follows). */
  private async rereadAll (g: GroupRef): Promise<void> {
    this.unread = false
    this.graph = new Graph()
    for (const [feed, core] of this.cores) {
      this.graph.addFeed(feed)
      await this.readFeed(feed, core, g.groupId)
    }
    this.graph.takeLowWater()
  }

  /** The acts of log entries that carry none (restored from a checkpoint), read back from their blocks. */
  async readActs (entries: readonly LogEntry[]): Promise<Map<ActId, SignedAct>> {
    const g = this.group
    return g === null ? new Map() : await readActs((f) => this.cores.get(f), entries, g.groupId, this.verified)
  }

  private openFeed (feed: MemberId): boolean {
    if (this.cores.has(feed)) return false
    const core = this.store.get({ manifest: { version: 1, signers: [{ publicKey: Buffer.from(feed, 'hex') }] } })
    this.cores.set(feed, core)
    this.graph.addFeed(feed)
    this.watch(feed, core)
    core.ready().then(() => {
      if (this.closed) return
      core.download({ start: 0, end: -1 })
      this.scheduleRefresh()
    }).catch((err: Error) => this.emit('error', err))
    return true
  }

  /** Blocks of `feed` this node uses: all it holds, or up to a detected fork. */
  private held (feed: MemberId): number {
    return this.forks.find((f) => f.feed === feed)?.held ?? Infinity
  }

  private async readFeed (feed: MemberId, core: Hypercore, group: GroupId): Promise<number> {
    return await readFeed(core, this.graph, feed, {
      group,
      verified: this.verified,
      verifier: this.verifier,
      limit: this.held(feed),
      onInvalid: (index, code) => this.emit('invalid-block', { feed, index, code })
    })
  }

  /**
   * SPEC §5: append an acknowledgement soon after holding a remote block with acts that the own
   * latest block does not include, when there is nothing else to write. Acks never trigger acks.
   */
  private maybeAck (): void {
    if (this.ackTimer !== null || this.closed || !this.needsAck()) return
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null
      this.serial(async () => {
        if (!this.closed && this.needsAck()) await this.appendBlock([])
      }).catch((err) => this.emit('error', err))
    }, this.ackDelayMs)
  }

  /** True when a remote block with acts is not in the causal past of the own latest block. */
  needsAck (): boolean {
    const v = this.view
    // Admins acknowledge; so does a removed writer while confirmation waits for it.
    if (v === null || !(v.state.admins.has(this.id) || v.waitingFor.includes(this.id))) return false
    if (this.restore?.active === true) return false
    if (this.forks.some((f) => f.feed === this.id)) return false
    return needsAck(this.graph, this.id)
  }

  /** Waits until every queued refresh and append has finished. */
  async settled (): Promise<void> {
    while (true) {
      const q = this.queue
      await q
      if (q === this.queue && !this.refreshScheduled && !this.pacer.waiting) return
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Fork evidence in links (SPEC §5): blocks naming another branch of a feed than the one held. */
  linkConflicts (): readonly LinkConflict[] {
    return this.graph.conflicts()
  }

  /** Sync progress (SPEC §6): per feed and per peer, blocks received of those known. */
  syncProgress (): SyncProgress {
    return syncProgress([...this.cores].map(([feed, core]) => ({
      feed,
      local: core.contiguousLength,
      usable: this.graph.usableLength(feed),
      peers: Object.fromEntries(core.peers.map((p) => [hex(p.remotePublicKey), p.remoteLength]))
    })))
  }

  requireGroup (): GroupRef {
    if (this.group === null) throw HypergasError.DATA_DIR(`${this.dir} follows no group: run "hypergas init" or "hypergas join"`)
    return this.group
  }

  requireView (): Replay {
    this.requireGroup()
    return this.view!
  }

  /**
   * Stops replication and closes the store, after the work already queued and a last checkpoint.
   * No new refresh or acknowledgement starts once it is called (the next start acknowledges).
   */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.ackTimer !== null) clearTimeout(this.ackTimer)
    this.restore?.stop()
    this.pacer.stop()
    await this.settled().catch(() => {})
    // The checkpoint is a cache: a feed closed by a fork (or any failure) only means none is written.
    await this.serial(async () => {
      if (this.group !== null && this.view !== null) await this.checkpoint.save(this.group.groupId, this.graph, this.view, true)
    }).catch(() => {})
    if (this.replicator !== null) await this.replicator.close()
    await this.verifier.close()
    await this.store.close()
  }
}
