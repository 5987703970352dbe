/**
 * A data directory restored from a backup (SPEC §3 "Backup and a new laptop") starts with an
 * empty store: its own feed, signed by its identity, is out there on the peers, longer than here.
 * Appending now would write a second block at an index the group already holds — a fork of the
 * admin's own feed. So while the directory is marked "restoring" (`restoring.json`, kept across
 * restarts) the node downloads its own feed and appends nothing — no act, no acknowledgement —
 * until the {@link RestoreGate} opens:
 *
 *  (a) the own feed is held, contiguously and taken in by the merge (usable), as far as it is
 *      known to exist: its length as a peer proved it (Hypercore upgrades even a writable core
 *      from a peer's signed tree), and every link to it in any block held of the other feeds
 *      (links say how long the feed was when their author wrote; they are read from the stored
 *      blocks, causally complete or not);
 *  (b) every other feed followed is held as far as it is known (so no linking block is missed
 *      half-way through a download);
 *  (c) a peer has been synced with: the own feed has a replication peer that holds some of it
 *      (a peer that never had the feed, a new member's node, vouches for nothing) whose length
 *      arrived and is not longer than the own feed's length here; or, for a feed that no admin's
 *      node holds any of (an admin elected while their laptop was off, restored before it ever
 *      ran), an admin's node (with no other current admin, a past admin's) connected with its
 *      own key and said it holds none of it, no peer announced any of it, and no block held links
 *      to it (an admin's node follows every admin's feed, past ones included);
 *  (d) every other current admin's node has been met the same way (at some point since the
 *      node started, not all at once), connected by their own key and holding no more of the own
 *      feed than this node did then: a block of the old laptop that reached only one admin is
 *      held by that admin alone, and written over without it, the feed forks and the admins
 *      holding either branch split for good (docs/ordering.md §7). This node cannot tell from
 *      what it holds which admins ever ran a node or wrote, so it waits for all of them.
 *
 * `hypergas restore --any-admin` (the file `restoring-any-admin`) is the human step for an admin
 * who cannot come: it drops (d), and for a feed no node announced any block of and no block
 * links to, it takes for (c) any node met that holds none of it, a member's too (two admins, the
 * other gone for good: no admin is left to vouch, and the members' recovery needs this node to
 * write). The human vouches instead: the old laptop last synced with a node that is online, or
 * wrote nothing.
 *
 * and all of that has held for {@link RESTORE_SETTLE_MS} (feeds opened by the last replay get
 * their peers' lengths meanwhile). Then the mark is removed and the node works as usual. What it
 * cannot see: a peer that is not online. Restore where the other admins are reachable.
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import type Hypercore from 'hypercore'
import { HypergasError, type RestoreWait } from '../../errors.js'
import { hex, type MemberId } from '../../ids.js'
import { decodeBlock } from '../../merge/block.js'
import { paths, writePrivate } from './datadir.js'

/** The "restoring" mark of a data directory (`restoring.json`). */
export interface RestoreMark {
  /** When the restore was made, ISO 8601. */
  since: string
  /** The restored identity (the own feed's key). */
  memberId: MemberId
  /** When the backup was made, ISO 8601 (display only). */
  backupCreatedAt: string
}

/** What a restoring node waits for (defined with the errors, which carry it in RESTORING). */
export type { RestoreWait }

/** How often a restoring node checks the gate, ms. */
export const RESTORE_POLL_MS = 250
/** How long the gate's conditions must hold before it opens, ms. */
export const RESTORE_SETTLE_MS = 1000

/** Marks `dir` as restoring (mode 0600). */
export function markRestoring (dir: string, mark: RestoreMark): void {
  writePrivate(paths(dir).restoring, JSON.stringify(mark, null, 2) + '\n')
}

/**
 * The restoring mark of `dir`, or null when it is not restoring.
 * @throws HypergasError DATA_DIR when the mark exists but cannot be read (the node must not
 *   start writing on a guess)
 */
export function loadRestoring (dir: string): RestoreMark | null {
  let text: string
  try {
    text = fs.readFileSync(paths(dir).restoring, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new HypergasError('DATA_DIR', `cannot read ${paths(dir).restoring}: ${(err as Error).message}`, { variant: 'unreadable', input: paths(dir).restoring.slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message })
  }
  try {
    const m = JSON.parse(text) as Partial<RestoreMark>
    return { since: String(m.since ?? ''), memberId: String(m.memberId ?? '') as MemberId, backupCreatedAt: String(m.backupCreatedAt ?? '') }
  } catch {
    // A torn mark still means "restoring": the restore wrote it before anything else.
    return { since: '', memberId: '' as MemberId, backupCreatedAt: '' }
  }
}

/**
 * Lets the gate of the restoring `dir` open without the other admins' nodes (conditions c and d
 * of the module comment): `hypergas restore --any-admin`, for an admin who cannot come. A
 * separate file (`restoring-any-admin`), so that a gate opening meanwhile never sees its mark
 * written again. A running node reads it at its next check.
 * @throws HypergasError BAD_ARGUMENT (variant `notRestoring`) when `dir` is not restoring
 */
export function markAnyAdmin (dir: string): RestoreMark {
  const notRestoring = (): HypergasError => new HypergasError('BAD_ARGUMENT', `${dir} is not restoring: --any-admin applies to a restored directory whose node still waits`, { variant: 'notRestoring', input: dir.slice(0, 200) })
  const mark = loadRestoring(dir)
  if (mark === null) throw notRestoring()
  writePrivate(paths(dir).anyAdmin, '')
  // (The gate opened meanwhile and removed the mark: the file would outlive it.)
  if (loadRestoring(dir) === null) { fs.rmSync(paths(dir).anyAdmin, { force: true }); throw notRestoring() }
  return mark
}

/** Removes the restoring mark of `dir` (and its --any-admin). */
export function clearRestoring (dir: string): void {
  fs.rmSync(paths(dir).restoring, { force: true })
  fs.rmSync(paths(dir).anyAdmin, { force: true })
}

/**
 * The wait in one English line, e.g. `own feed: 3 of 5 blocks; no peer yet` (the CLI writes it
 * in the user's language from the same figures).
 */
export function describeWait (w: RestoreWait): string {
  const parts = [`own feed: ${w.ownHeld} of ${w.ownKnown} blocks`]
  parts.push(w.peerSynced ? 'synced with a peer' : w.peers === 0 ? 'no peer yet' : `${w.peers} peer(s) connected, own feed not synced with them yet`)
  if (w.anyAdmin) parts.push('not waiting for the other admins (--any-admin)')
  else if (w.adminsWaited.length > 0) parts.push(`waiting for the node of ${w.adminsWaited.join(', ')}`)
  if (w.othersHeld < w.othersKnown) parts.push(`other feeds: ${w.othersHeld} of ${w.othersKnown} blocks`)
  return parts.join('; ')
}

/** The admins of a group's replayed state: the current ones, and every admin past or present. */
export interface AdminSets {
  current: ReadonlySet<MemberId>
  ever: Iterable<MemberId>
}

/** What {@link RestoreGate} reads of the node. */
export interface RestoreGateOptions {
  /** The data directory (its mark is removed when the gate opens). */
  dir: string
  /** The own feed's key (the identity). */
  ownId: MemberId
  /** The own core, opened writable with the identity's key pair. */
  own: Hypercore
  /** Blocks of the own feed the merge has taken in (usable); the node appends only after them. */
  ownUsable: () => number
  /** Every core the node follows, own included (read at each check). */
  cores: () => Iterable<[MemberId, Hypercore]>
  /** Peer connections now. */
  peers: () => number
  /** The admins of the group as this node's replay has it: their nodes vouch for an empty own feed, and each must be met (conditions c and d). */
  admins: () => AdminSets
  /** A member's name as the node shows it (for {@link RestoreWait.adminsWaited}). Default: the first 8 hex digits of the id. */
  name?: (id: MemberId) => string
  /** Wall clock for the settle time, ms. Default Date.now. */
  now?: () => number
}

/**
 * The gate of a restoring node (conditions in the module comment). Events: 'progress'
 * ({@link RestoreWait}, when a figure changes), 'done' (once, when it opens; the mark is gone).
 */
export class RestoreGate extends EventEmitter {
  /** True until the gate opens. */
  active = true
  private wait: RestoreWait
  /** Per other feed: blocks whose links were read, and whether a block failed to decode there. */
  private readonly scanned = new Map<MemberId, { next: number, stopped: boolean }>()
  /** Longest link to the own feed in any block read. */
  private maxLink = 0
  private peerSynced = false
  /** The nodes met so far by their own key, members' too ({@link meetPeers}). */
  private readonly met = new Set<MemberId>()
  private readySince: number | null = null
  private timer: NodeJS.Timeout | null = null
  private checking = false
  private readonly now: () => number

  /** A closed gate for the node of `opts`; `since` is the mark's time (ISO 8601). Call {@link start}. */
  constructor (private readonly opts: RestoreGateOptions, since: string) {
    super()
    this.now = opts.now ?? Date.now
    this.wait = { since, ownHeld: 0, ownKnown: 0, peers: 0, peerSynced: false, adminsWaited: [], anyAdmin: false, othersHeld: 0, othersKnown: 0 }
  }

  /** Starts downloading the own feed (the node does not ask for its own feed otherwise) and checking. */
  start (): void {
    this.opts.own.download({ start: 0, end: -1 })
    this.timer = setInterval(() => { this.check().catch((err) => this.emit('error', err)) }, RESTORE_POLL_MS)
    this.timer.unref()
  }

  /** What the node waits for, as of the last check; null once the gate is open. */
  get status (): RestoreWait | null {
    return this.active ? { ...this.wait } : null
  }

  /**
   * Refuses while restoring.
   * @throws HypergasError RESTORING, with the wait in the message and in `details.restore`
   */
  assertOpen (): void {
    if (!this.active) return
    throw new HypergasError('RESTORING', `this node is restoring from a backup and writes nothing until it holds its own feed and has met every other admin's node: ${describeWait(this.wait)}`, { restore: { ...this.wait } })
  }

  /** Checks the conditions once (the timer calls it); opens the gate when they held long enough. */
  async check (): Promise<void> {
    const own = this.opts.own
    if (!this.active || this.checking || own.closing || own.closed) return
    this.checking = true
    try {
      const allRead = await this.readLinks()
      if (!this.active) return
      // (c): a peer holding the own feed sent its length, and the own feed took it (or is longer).
      this.meetPeers()
      const anyAdmin = fs.existsSync(paths(this.opts.dir).anyAdmin)
      // (A feed nobody announced any block of and no block links to: with --any-admin, a node of
      // anyone who holds none of it is enough, a member's too; the human vouches for the rest.)
      const unseen = own.length === 0 && this.maxLink === 0 && !own.peers.some((p) => p.remoteLength > 0)
      if (own.peers.some((p) => p.remoteSynced === true && p.remoteLength > 0 && p.remoteLength <= own.length)) this.peerSynced = true
      else if (unseen && this.emptyAtAnAdmin()) this.peerSynced = true
      let othersHeld = 0
      let othersKnown = 0
      for (const [feed, core] of this.opts.cores()) {
        if (feed === this.opts.ownId || core.closing || core.closed) continue
        const known = Math.max(core.length, core.contiguousLength)
        othersHeld += core.contiguousLength
        // (With --any-admin, a feed is awaited only as far as a node connected now can send it: the
        // admin who cannot come may have announced blocks nobody else holds.)
        othersKnown += anyAdmin ? Math.min(known, Math.max(core.contiguousLength, ...core.peers.map((p) => p.remoteContiguousLength ?? 0))) : known
      }
      const next: RestoreWait = {
        since: this.wait.since,
        ownHeld: Math.min(own.contiguousLength, this.opts.ownUsable()),
        ownKnown: Math.max(own.length, this.maxLink),
        peers: this.opts.peers(),
        peerSynced: this.peerSynced,
        adminsWaited: this.peerSynced && !anyAdmin ? this.unmetAdmins() : [],
        anyAdmin,
        othersHeld,
        othersKnown
      }
      const changed = JSON.stringify(next) !== JSON.stringify(this.wait)
      this.wait = next
      if (changed) this.emit('progress', { ...next })
      const ready = allRead && (next.peerSynced || (anyAdmin && unseen && this.met.size > 0)) && next.adminsWaited.length === 0 && next.ownHeld >= next.ownKnown && othersHeld >= othersKnown
      if (!ready || changed) {
        this.readySince = ready ? this.now() : null
        return
      }
      this.readySince ??= this.now()
      if (this.now() - this.readySince >= RESTORE_SETTLE_MS) this.open()
    } finally {
      this.checking = false
    }
  }

  /**
   * Reads the links of the blocks of the other feeds held since the last check; returns true
   * when every held block was read (or its feed stopped at a block that does not decode, as the
   * node's reader stops there too).
   */
  private async readLinks (): Promise<boolean> {
    let all = true
    for (const [feed, core] of [...this.opts.cores()]) {
      if (feed === this.opts.ownId || core.closing || core.closed) continue
      let s = this.scanned.get(feed)
      if (s === undefined) this.scanned.set(feed, (s = { next: 0, stopped: false }))
      while (!s.stopped && s.next < core.contiguousLength) {
        const bytes = await core.get(s.next, { wait: false }).catch(() => null)
        if (bytes === null) { all = false; break }
        try {
          for (const l of decodeBlock(bytes, feed).links) if (l.feed === this.opts.ownId && l.length > this.maxLink) this.maxLink = l.length
          s.next++
        } catch {
          s.stopped = true
        }
      }
    }
    return all
  }

  /**
   * Adds to {@link met} the nodes connected now by another identity's own key (not this one's:
   * the old laptop) whose length of the own feed arrived and is not longer than here. A node
   * holding none of it counts: it holds no block a write here could go over. Once met, a node
   * stays met (admins who are never online at the same time can each be met): the own feed here
   * only grows, and a block that reached a met admin later from another admin is held by that
   * admin too, who is still to be met. What this misses: a block that reached a met admin later
   * from a node the gate does not wait for (a member's, a former admin's).
   */
  private meetPeers (): void {
    const own = this.opts.own
    for (const p of own.peers) {
      if (p.remoteSynced === true && p.remotePublicKey !== null && p.remotePublicKey !== undefined && p.remoteLength <= own.length) this.met.add(hex(p.remotePublicKey) as MemberId)
    }
    this.met.delete(this.opts.ownId)
  }

  /**
   * True when an admin's node holds none of the own feed (condition c for a feed that never held
   * a block; the caller checks that no peer announced a block of it): another current admin's
   * node — with none, a past admin's — has been met holding none. (Condition d then asks the
   * same of every other current admin.)
   */
  private emptyAtAnAdmin (): boolean {
    const { current, ever } = this.opts.admins()
    const others = [...current].filter((a) => a !== this.opts.ownId)
    return others.length > 0 ? others.some((a) => this.met.has(a)) : [...ever].some((a) => this.met.has(a))
  }

  /** Condition d: the names, sorted, of the other current admins whose node is not met yet ({@link met}). */
  private unmetAdmins (): string[] {
    const name = this.opts.name ?? ((id: MemberId) => id.slice(0, 8))
    const unmet: string[] = []
    for (const a of this.opts.admins().current) if (a !== this.opts.ownId && !this.met.has(a)) unmet.push(name(a))
    return unmet.sort()
  }

  private open (): void {
    this.active = false
    this.stop()
    clearRestoring(this.opts.dir)
    this.emit('done')
  }

  /** Stops checking (the node closes). */
  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}
