/**
 * Hyperswarm replication of a group's feeds (SPEC §6): joins the topic derived from the group id,
 * replicates the whole Corestore over every connection, and keeps a list of peers.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperswarm, { type Connection, type Discovery } from 'hyperswarm'
import { sha256 } from '../crypto.js'
import { hex, type GroupId } from '../ids.js'

/** Options of the replicator. */
export interface ReplicatorOptions {
  /** Private DHT bootstrap nodes, `host:port` each; default the public DHT. */
  bootstrap?: string[]
}

/** A connected peer. */
export interface PeerInfo {
  /** The peer's Noise public key (hex). */
  publicKey: string
  address: string
  /** Connection start, ms since epoch. */
  sinceMs: number
}

/** The discovery topic of a group: SHA-256("hypergas/topic/v1\0" ‖ group id). */
export function groupTopic (groupId: GroupId): Buffer {
  return sha256(Buffer.from('hypergas/topic/v1\0'), Buffer.from(groupId, 'hex'))
}

/** Delays between repeated topic lookups, ms; the last one repeats. */
const LOOKUP_BACKOFF_MS = [250, 1000, 2000, 5000, 10000, 15000]

/** Parses `host:port`. */
export function parseHostPort (s: string): { host: string, port: number } {
  const i = s.lastIndexOf(':')
  const port = Number(s.slice(i + 1))
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`expected host:port, got "${s}"`)
  return { host: s.slice(0, i), port }
}

/** Replicates a Corestore with the peers of a group. */
export class Replicator extends EventEmitter {
  readonly peers = new Map<Connection, PeerInfo>()
  private swarm: Hyperswarm | null = null
  private dht: HyperDHT | null = null
  private timer: NodeJS.Timeout | null = null
  private discovery: Discovery | null = null
  /** Bumped when going on- or offline, so one chain of lookups runs at a time. */
  private lookups = 0
  private closed = false
  /** While false, no connection is kept or accepted and the topic is left. */
  online = true

  constructor (private readonly store: Corestore, private readonly groupId: GroupId, private readonly opts: ReplicatorOptions) {
    super()
  }

  /** Joins the group topic; returns without waiting for peers. */
  async start (): Promise<void> {
    if (this.opts.bootstrap !== undefined && this.opts.bootstrap.length > 0) {
      this.dht = new HyperDHT({ bootstrap: this.opts.bootstrap.map(parseHostPort), firewalled: false })
      this.swarm = new Hyperswarm({ dht: this.dht })
    } else {
      this.swarm = new Hyperswarm()
    }
    this.swarm.on('connection', (conn: Connection) => {
      const raw = conn.rawStream
      this.peers.set(conn, {
        publicKey: hex(conn.remotePublicKey),
        address: raw?.remoteHost !== undefined ? `${raw.remoteHost}:${raw.remotePort}` : '',
        sinceMs: Date.now()
      })
      conn.on('error', () => {})
      conn.on('close', () => { this.peers.delete(conn); this.emit('peers') })
      this.store.replicate(conn)
      this.emit('peers')
    })
    this.join()
  }

  private join (): void {
    const discovery = this.swarm!.join(groupTopic(this.groupId), { server: true, client: true })
    this.discovery = discovery
    // Two peers that announce at the same moment miss each other's announcement until the next
    // lookup: look up again after the announce, with a backoff, then at a slow steady pace.
    const chain = this.lookups
    discovery.flushed().then(() => this.scheduleLookup(discovery, 0, chain)).catch(() => {})
  }

  /**
   * Goes offline (Hyperswarm's suspend: every connection closed, no announce, no lookup) or back
   * online (resume, then look the topic up again). Acts recorded meanwhile stay local and
   * replicate when back online (SPEC §6 local-first). A firewall is not used for this: Hyperswarm
   * bans a peer its firewall refused, for good.
   */
  async setOnline (online: boolean): Promise<void> {
    if (online === this.online || this.swarm === null || this.closed) return
    this.online = online
    this.lookups++
    if (this.timer !== null) clearTimeout(this.timer)
    if (!online) { await this.swarm.suspend(); return }
    await this.swarm.resume()
    if (this.discovery !== null) this.scheduleLookup(this.discovery, 0, this.lookups)
  }

  private scheduleLookup (discovery: Discovery, step: number, chain: number): void {
    if (this.closed || !this.online || chain !== this.lookups) return
    const delay = LOOKUP_BACKOFF_MS[Math.min(step, LOOKUP_BACKOFF_MS.length - 1)]
    this.timer = setTimeout(() => {
      discovery.refresh({ client: true, server: step % 4 === 3 })
        .catch(() => {})
        .finally(() => this.scheduleLookup(discovery, step + 1, chain))
    }, delay)
    this.timer.unref()
  }

  /** Leaves the swarm. */
  async close (): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.swarm !== null) await this.swarm.destroy()
    if (this.dht !== null) await this.dht.destroy()
  }
}
