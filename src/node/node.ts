/**
 * The node (SPEC §6): the one composition root. Owns the data directory, the Corestore with the
 * admin's own feed and every writer feed, the block graph, and (optionally) Hyperswarm
 * replication. Re-runs merge and fold as blocks arrive and emits 'update'. Interfaces (CLI, HTTP)
 * only talk to this class.
 *
 * Events: {@link NodeEvents}. The clock is injected ({@link NodeOptions.now}) and used for every
 * time the node reads (act timestamps, the replay pacer, peers' connection times, the restore gate).
 */
import { EventEmitter } from 'node:events'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { createAct } from '../acts/act.js'
import type { ActBody, SignedAct } from '../acts/types.js'
import { sodiumSecretKey, type KeyPair } from '../crypto.js'
import { HypergasError } from '../errors.js'
import { applyAct, checkAct } from '../fold/fold.js'
import { cloneState } from '../fold/state.js'
import { hex, type ActId, type GroupId, type MemberId } from '../ids.js'
import { encodeBlock, NO_PREV } from '../merge/block.js'
import { shouldAck } from '../merge/ack.js'
import { Graph, type LinkConflict } from '../merge/graph.js'
import { replay, resumeReplay, type GroupRef, type LogEntry, type Replay } from '../merge/replay.js'
import { refusalDetails } from '../fold/refusal.js'
import { RULES_VERSION } from '../fold/rules.js'
import { Feeds } from './ingest/feeds.js'
import { CATCH_UP_BACKLOG, CATCH_UP_REPLAY_MS, ReplayPacer } from './ingest/pacer.js'
import type { SyncProgress } from './network/progress.js'
import type { Replicator, ReplicatorOptions } from './network/replicator.js'
import { CheckpointKeeper } from './storage/checkpoint.js'
import { addFeeds, FEEDS_POLL_MS, feedsStamp, loadFeeds, loadForks, loadGroup, openIdentity, openStore, saveGroup, type ForkReport } from './storage/datadir.js'
import { loadRestoring, RestoreGate } from './storage/restore.js'
import { WorkQueue } from './queue.js'
import { driveOf } from '../slices.js'
import type { NodeEvents, NodeOptions } from './types.js'

export type { InvalidBlock, NodeEvents, NodeOptions } from './types.js'

/** A running hypergas node. */
export class GasNode extends EventEmitter<NodeEvents> {
  readonly dir: string
  readonly keyPair: KeyPair
  readonly id: MemberId
  readonly store: Corestore
  private readonly _forks: ForkReport[]
  private _group: GroupRef | null
  private _graph = new Graph()
  private _view: Replay | null = null
  private _replicator: Replicator | null = null
  private _restore: RestoreGate | null = null

  /** Forks detected (SPEC §5), with evidence, kept in the data directory; no further block of a forked feed is read (docs/ordering.md). */
  get forks (): readonly ForkReport[] { return this._forks }
  /** The group followed; null before init or join. */
  get group (): GroupRef | null { return this._group }
  /** The block graph (read it; only the node changes it). */
  get graph (): Graph { return this._graph }
  /** The latest replay; null before the group is known. */
  get view (): Replay | null { return this._view }
  /** Hyperswarm replication, once {@link startSwarm} ran. */
  get replicator (): Replicator | null { return this._replicator }
  /** The gate of a data directory restored from a backup (storage/restore.ts): nothing is appended while it is active; null when not restoring. */
  get restore (): RestoreGate | null { return this._restore }

  /** The writer feeds followed (src/node/ingest/feeds.ts). */
  private readonly feeds: Feeds
  private readonly own: Hypercore
  private readonly now: () => number
  private readonly ackDelayMs: number
  /** Opened for one command, serving nobody ({@link NodeOptions.oneShot}): computations run at once, the checkpoint is written on close. */
  readonly oneShot: boolean
  /** One job at a time on the graph and the own feed (src/node/queue.ts). */
  private readonly work: WorkQueue = new WorkQueue(async () => await this.refresh(), (err) => this.emit('error', err), () => this.closed)
  /** Paces replays while a long sync downloads (src/node/ingest/pacer.ts). */
  private readonly pacer: ReplayPacer
  private ackTimer: NodeJS.Timeout | null = null
  /** Polls feeds.json ({@link FEEDS_POLL_MS}) while the swarm runs; {@link feedsSeen}: its stamp when last read. */
  private feedsPoll: NodeJS.Timeout | null = null
  private feedsSeen = ''
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
    this._group = loadGroup(opts.dir)
    this.store = store
    this.now = opts.now ?? Date.now
    this.pacer = new ReplayPacer(CATCH_UP_REPLAY_MS, () => this.work.schedule(), this.now)
    this.ackDelayMs = opts.ackDelayMs ?? 30
    this.oneShot = opts.oneShot === true
    this._forks = loadForks(opts.dir)
    this.feeds = new Feeds({
      store, dir: opts.dir, graph: () => this._graph, forks: this._forks, now: this.now, closed: () => this.closed,
      changed: () => this.work.schedule(),
      invalid: (feed, index, code, message) => this.emit('invalid-block', { feed, index, code, ...(message === undefined ? {} : { message }) }),
      fork: (f) => this.emit('fork', f),
      error: (err) => this.emit('error', err)
    })
    this.checkpoint = new CheckpointKeeper(opts.dir, (f) => { this.feeds.open(f); return this.feeds.get(f)! }, keyPair.seed, driveOf(this.oneShot))
    this.own = store.get({ keyPair: { publicKey: keyPair.publicKey, secretKey: sodiumSecretKey(keyPair) } })
  }

  /**
   * Opens the data directory, the Corestore and every writer feed stored locally, and replays.
   * @throws HypergasError DATA_DIR (no identity, or the store is locked by a running node)
   */
  static async open (opts: NodeOptions): Promise<GasNode> {
    const kp = openIdentity(opts.dir, opts.createIdentity === true)
    const node = new GasNode(opts, kp, await openStore(opts.dir))
    await node.own.ready()
    node.feeds.addOwn(node.id, node.own)
    node.beginRestore()
    let oldFormat = false
    node.on('invalid-block', (e) => { if (e.feed === node.id && e.code === 'BAD_VERSION') oldFormat = true })
    if (node.group !== null) await node.work.run(() => node.refresh())
    if (oldFormat) {
      // Block format 1 (before issue 13) cannot be read; appending would hide it (docs/ordering.md §6).
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
    return await this.work.run(async () => {
      if (this.group !== null || this.own.length > 0) throw new HypergasError('DATA_DIR', `${this.dir} already belongs to a group`, { variant: 'hasGroup', input: this.dir.slice(0, 200) })
      const act = createAct({ type: 'CreateGroup', name, founderName }, { keyPair: this.keyPair, timeMs: this.now() })
      const g: GroupRef = { groupId: act.id as GroupId, founder: this.id }
      this._group = g
      saveGroup(this.dir, g)
      await this.own.append(encodeBlock({ prev: NO_PREV, links: [], acts: [act.bytes] }))
      await this.refresh()
      return g
    })
  }

  /** Follows the group of an invite (SPEC §7 `join`) and the feeds it names (its hints), from now on. @throws HypergasError DATA_DIR */
  async joinGroup (g: GroupRef, feeds: readonly MemberId[] = []): Promise<void> {
    await this.work.run(async () => {
      if (this.group !== null && this.group.groupId !== g.groupId) throw new HypergasError('DATA_DIR', `${this.dir} already belongs to group ${this.group.groupId.slice(0, 8)}`, { variant: 'hasGroup', input: this.dir.slice(0, 200) })
      this._group = g
      saveGroup(this.dir, g)
      addFeeds(this.dir, feeds) // (opened by the refresh: feeds.json changed)
      await this.refresh()
    })
  }

  /**
   * Starts Hyperswarm replication on the group's topic (SPEC §6), over the DHT and (unless
   * `opts.lan` is false) the local network. Connections are keyed with the admin's own key pair,
   * so peers see which admin they talk to; only the writers this node follows replicate with it.
   */
  async startSwarm (opts: Omit<ReplicatorOptions, 'keyPair'> = {}): Promise<void> {
    const g = this.requireGroup()
    const { Replicator } = await import('./network/replicator.js') // here: a command that never replicates does not load Hyperswarm
    if (this.closed) return // closed while the module loaded: nothing to replicate
    this._replicator = new Replicator(this.store, g.groupId, { now: this.now, rules: RULES_VERSION, admit: (k) => this.feeds.get(k as MemberId) !== undefined, ...opts, keyPair: { publicKey: Buffer.from(this.keyPair.publicKey), secretKey: sodiumSecretKey(this.keyPair) } })
    this._replicator.on('peers', () => this.emit('peers')).on('warning', (err: Error) => this.emit('warning', err))
    await this._replicator.start()
    if (!this.closed && this.feedsPoll === null) this.feedsPoll = setInterval(() => { if (feedsStamp(this.dir) !== this.feedsSeen) this.work.schedule() }, FEEDS_POLL_MS).unref()
  }

  /**
   * Signs `body` with this node's key (or `as`, for a member signing at the counter) and appends
   * it. Refused before appending when the fold would reject it now.
   * @throws HypergasError with the rejection code (e.g. NOT_CASSIERE), NOT_ADMIN when this node
   *   is not a writer, RESTORING while a restore from a backup waits for the own feed, or a
   *   validation code for a malformed body
   */
  async submit (body: ActBody, as?: KeyPair): Promise<SignedAct> { return (await this.submitAll([body], as))[0] }

  /**
   * Signs `bodies` with this node's key (or `as`) and appends them in one block, all or none
   * (a catalogue imported in several AddProducts). @throws HypergasError as {@link submit}
   */
  async submitAll (bodies: ActBody[], as?: KeyPair): Promise<SignedAct[]> {
    const group = this.requireGroup().groupId
    const acts = bodies.map((body) => createAct(body, { group, keyPair: as ?? this.keyPair, timeMs: this.now() }))
    await this.submitActs(acts)
    return acts
  }

  /**
   * Appends already signed, verified acts in one block (member-signed acts relayed at the
   * counter, SPEC §3). Each is dry-run against the tentative state in order; the first refusal
   * aborts the whole block.
   * @throws HypergasError as {@link submit}
   */
  async submitActs (acts: SignedAct[]): Promise<void> {
    await this.work.run(async () => {
      this.restore?.assertOpen()
      const v = this.requireView()
      if (!v.state.admins.has(this.id)) throw HypergasError.REJECTED('NOT_ADMIN', 'this node is not a writer of the group (not referente nor cassiere yet)')
      // Several acts (a catalogue imported in parts) are dry-run one after the other on a copy.
      const s = acts.length === 1 ? v.state : cloneState(v.state)
      for (const act of acts) {
        const code = checkAct(s, act)
        if (code === 'duplicate') throw HypergasError.REJECTED('DUPLICATE_ACT', `act ${act.id.slice(0, 8)} is already in the log`)
        if (code !== null) throw HypergasError.REJECTED(code, `${act.body.type} refused: ${code}`, refusalDetails(s, act.body, code, act.author))
        if (acts.length > 1) applyAct(s, act)
      }
      await this.appendBlock(acts.map((a) => a.bytes))
    })
  }

  private async appendBlock (acts: Buffer[]): Promise<void> {
    const stuck = this.ownStuck()
    if (stuck === 'frozen') throw new HypergasError('DATA_DIR', 'this writer is frozen after a fork', { variant: 'frozen' })
    // The own feed's `prev` must be its last block: never append past a block the graph lacks
    // (`unusable`: the identity restored on another device, which wrote a branch of its own).
    const [held, usable] = [this.own.length, this.graph.usableLength(this.id)]
    if (stuck !== null) throw new HypergasError('DATA_DIR', `own feed holds ${held} blocks, ${usable} of them usable${stuck === 'waiting' ? ' so far: the others wait for blocks they link to' : ': not appending (was this identity restored on another device? then only that one may write)'}`, { variant: stuck, input: String(held), detail: String(usable) })
    await this.own.append(encodeBlock({ ...this.graph.frontier(this.id), acts }))
    await this.refresh()
  }

  /**
   * A data directory marked "restoring" (hypergas restore) downloads its own feed and appends
   * nothing until the gate opens (src/node/storage/restore.ts); then it acknowledges as usual.
   * @throws HypergasError DATA_DIR when the mark cannot be read
   */
  private beginRestore (): void {
    const mark = loadRestoring(this.dir)
    if (mark === null) return
    const gate = new RestoreGate({ dir: this.dir, ownId: this.id, own: this.own, ownUsable: () => this.graph.usableLength(this.id), cores: () => this.feeds.all(), peers: () => this.replicator?.peers.length ?? 0, admins: () => ({ current: this._view?.state.admins ?? new Set(), ever: this._view?.state.cash.keys() ?? [] }), name: (id) => this._view?.state.members.get(id)?.name ?? id.slice(0, 8), now: this.now }, mark.since)
    this._restore = gate
    gate.on('error', (err: Error) => this.emit('error', err))
    gate.once('done', () => { this.emit('restored'); this.work.schedule() })
    gate.start()
  }

  /**
   * Brings the node up to date: opens the feeds it knows of, reads new blocks, replays (paced
   * during a long sync), follows newly elected writers, saves what it learnt, tells the
   * interfaces and acknowledges. Runs as a job of the work queue.
   */
  private async refresh (): Promise<void> {
    const g = this._group
    if (g === null || this.closed) return
    await this.openKnownFeeds(g)
    const following = this.feeds.size
    await this.readAndReplay(g)
    await this.persist(g, following)
    this.emit('update', this._view!)
    this.maybeAck()
  }

  /** The founder's feed, the feeds saved in feeds.json (first refresh, or changed by another process: the swarm connects to them now) and, on the first refresh, the checkpoint. */
  private async openKnownFeeds (g: GroupRef): Promise<void> {
    this.feeds.open(g.founder)
    const stamp = feedsStamp(this.dir)
    if (stamp !== this.feedsSeen) {
      this.feedsSeen = stamp
      const opened = loadFeeds(this.dir).filter((f) => this.feeds.open(f))
      if (opened.length > 0) this._replicator?.welcome(opened)
    }
    if (this._view === null && this._graph.order().length === 0) this.unread = await this.checkpoint.restore(g.groupId, this._graph, (f) => this.feeds.held(f))
  }

  /** Reads and replays until no feed has a new block and no new writer is to be followed. */
  private async readAndReplay (g: GroupRef): Promise<void> {
    // The first refresh replays even with nothing to read; after it, only what was read, once.
    let first = this._view === null
    for (;;) {
      const read = await this.feeds.readAll(g.groupId)
      // While a long sync is still downloading, blocks are read (decoded) as they arrive and the
      // replays are paced: the last block's arrival triggers the final one.
      const v = this._view
      const allFeedsOpen = v !== null && v.state.groupId !== null && [...v.state.cash.keys()].every((k) => this.feeds.get(k) !== undefined)
      // A block or two announced while one arrives is live use, not a sync: replay at once.
      if (this.pacer.putOff(read > 0 && allFeedsOpen && this.feeds.backlog() > CATCH_UP_BACKLOG)) break
      if (read > 0 || first || this.pacer.owed) {
        await this.replayNow(g)
        first = false
      }
      const opened = this.followWriters()
      if (read === 0 && opened === 0) break
    }
  }

  /**
   * Replays: resumes after the last final prefix when every new block sorts after it, or after
   * the checkpoint's when the graph starts with its blocks (issue 5); else walks every block.
   */
  private async replayNow (g: GroupRef): Promise<void> {
    const startMs = this.now()
    const low = this._graph.takeLowWater()
    const from = this._view !== null ? (low > this._view.resume.pos ? this._view.resume : null) : this.checkpoint.take(this._graph)
    const next = from !== null ? resumeReplay(this._graph, g, from) : null
    // A full replay walks every block: read the acts of those restored unread.
    if (next === null && this.unread) await this.rereadAll(g)
    this._view = this.checkpoint.recall(this._graph, g, next ?? replay(this._graph, g))
    this.pacer.replayed(startMs)
  }

  /** Opens the feed of every admin past or present (each has a cash entry), and the swarm connects to the new ones now; answers how many were new. */
  private followWriters (): number {
    const opened = [...this._view!.state.cash.keys()].filter((w) => this.feeds.open(w))
    if (opened.length > 0) this._replicator?.welcome(opened)
    return opened.length
  }

  /** Saves the verified signatures and the feeds followed; starts writing the checkpoint in the background unless a sync is downloading or the node is one-shot (it writes on close). */
  private async persist (g: GroupRef, following: number): Promise<void> {
    this.feeds.flush()
    if (this.feeds.size !== following) addFeeds(this.dir, this.feeds.keys()) // (merged: a join again may have added feeds since the last look)
    if (!this.feeds.downloading() && !this.oneShot) void this.checkpoint.save(g.groupId, this._graph, this._view!)
  }

  /** Drops the graph and reads every block again, acts included (a full replay follows). */
  private async rereadAll (g: GroupRef): Promise<void> {
    this.unread = false
    this._graph = new Graph()
    await this.feeds.rereadInto(this._graph, g.groupId)
    this._graph.takeLowWater()
  }

  /** The acts of the blocks of `entries` (log entries that carry none, restored from a checkpoint; blocks the merge ignored), read back, by act id. */
  async readActs (entries: ReadonlyArray<Pick<LogEntry, 'feed' | 'index'>>): Promise<Map<ActId, SignedAct>> {
    return this.group === null ? new Map() : await this.feeds.readActs(entries, this.group.groupId)
  }

  /**
   * SPEC §5: append an acknowledgement soon after holding a remote block with acts that the own
   * latest block does not include, or a voucher that confirmation awaits this admin to include
   * (shouldAck), when there is nothing else to write. Each is acknowledged once: no ping-pong.
   */
  private maybeAck (): void {
    if (this.ackTimer !== null || this.closed || !this.needsAck()) return
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null
      this.work.run(async () => {
        if (!this.closed && this.needsAck()) await this.appendBlock([])
      }).catch((err) => this.emit('error', err))
    }, this.ackDelayMs)
  }

  /** True when this node should acknowledge now (src/merge/ack.ts), unless it writes nothing: restoring, or its own feed stuck ({@link ownStuck}). */
  needsAck (): boolean {
    if (this._view === null || this._restore?.active === true || this.ownStuck() !== null) return false
    return shouldAck(this._view, this._graph, this.id)
  }

  /** Why the own feed takes no block now (null: it does): `frozen` after its fork, `unusable` holding a block the group never uses (it names another branch: restored elsewhere), `waiting` holding blocks that wait for blocks they link to (a restore downloading them). */
  ownStuck (): 'frozen' | 'unusable' | 'waiting' | null {
    if (this.forks.some((f) => f.feed === this.id)) return 'frozen'
    if (this._graph.usableLength(this.id) === this.own.length) return null
    return this._graph.brokenAt(this.id) === null ? 'waiting' : 'unusable'
  }

  /** Waits until every queued refresh and append, and the checkpoint being written, have finished. */
  async settled (): Promise<void> { await this.work.idle(() => this.pacer.waiting); await this.checkpoint.idle() }

  /** Fork evidence in links (SPEC §5): blocks naming another branch of a feed than the one held. */
  linkConflicts (): readonly LinkConflict[] { return this.graph.conflicts() }

  /** Sync progress (SPEC §6): per feed and per peer, blocks received of those known. */
  syncProgress (): SyncProgress { return this.feeds.progress() }

  /** The group followed. @throws HypergasError DATA_DIR (variant `noGroup`) before init or join */
  requireGroup (): GroupRef {
    if (this.group === null) throw new HypergasError('DATA_DIR', `${this.dir} follows no group: run "hypergas init" or "hypergas join"`, { variant: 'noGroup', input: this.dir.slice(0, 200) })
    return this.group
  }

  /** The latest replay. @throws HypergasError DATA_DIR (variant `noGroup`) before init or join */
  requireView (): Replay { this.requireGroup(); return this.view! }

  /**
   * Stops replication and closes the store, after the work already queued and a last checkpoint.
   * No new refresh or acknowledgement starts once it is called (the next start acknowledges).
   */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.ackTimer !== null) clearTimeout(this.ackTimer)
    if (this.feedsPoll !== null) clearInterval(this.feedsPoll)
    this.restore?.stop()
    this.pacer.stop()
    await this.settled().catch(() => {})
    // The checkpoint is a cache: a feed closed by a fork (or any failure) only means none is written.
    await this.work.run(async () => {
      if (this.group !== null && this.view !== null) await this.checkpoint.closing(this.group, this.graph, this.view)
    }).catch(() => {})
    if (this.replicator !== null) await this.replicator.close()
    await this.feeds.close()
    await this.store.close()
  }
}
