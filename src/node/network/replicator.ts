/**
 * Hyperswarm replication of a group's feeds (SPEC §6): joins the topic derived from the group id,
 * replicates the whole Corestore over every connection, says this node's rules version on it
 * (src/node/network/rules.ts), and keeps a list of peers.
 */
import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperswarm, { type Connection, type Discovery } from 'hyperswarm'
import { sha256 } from '../../crypto.js'
import { hex, type GroupId } from '../../ids.js'
import { freeUdpPort, lanAddress, LanDiscovery, type LanPeer } from './lan.js'
import { parseHostPort } from './address.js'
import { sayRules } from './rules.js'

/** Options of the replicator. */
export interface ReplicatorOptions {
  /** Private DHT bootstrap nodes, `host:port` each; default the public DHT. */
  bootstrap?: string[]
  /** Discover the group's nodes on the local network too (multicast DNS, src/node/network/lan.ts). Default true. */
  lan?: boolean
  /**
   * The Noise key pair of the connections (libsodium form: 64-byte secret key). GasNode passes the
   * admin's own key, so a peer's connection key names the admin it belongs to. Default: random.
   */
  keyPair?: { publicKey: Buffer, secretKey: Buffer }
  /** The clock for peers' connection times, ms. Default Date.now. */
  now?: () => number
  /**
   * The rules version said to every peer (src/node/network/rules.ts); each peer's own is in
   * {@link PeerInfo.rules}. Default: none said, and none heard.
   */
  rules?: number
  /**
   * Which peers replicate (SPEC §7: the ledger is personal data): given a peer's connection key
   * (hex), true to replicate with it. GasNode admits the writers it follows (the founder, every
   * admin past or present, the invite's hints); any other connection closes right after the
   * handshake, before a block is sent (not Hyperswarm's firewall, which bans the key until told
   * otherwise: a joined device is refused until it is elected, then admitted). Default: every peer.
   */
  admit?: (publicKey: string) => boolean
}

/** A connected peer (SPEC §7 status). */
export interface PeerInfo {
  /** The peer's Noise public key (hex): the admin's id when the peer runs hypergas. */
  publicKey: string
  address: string
  /** How the peer was found: the DHT (public or `--bootstrap`) or the local network. */
  via: 'dht' | 'lan'
  /** Connection start, ms since epoch. */
  sinceMs: number
  /** Bytes received from and sent to the peer on this connection (UDX stream counters). */
  bytesReceived: number
  bytesSent: number
  /**
   * The rules version the peer merges and folds with (src/fold/rules.ts), as it said; null until
   * it says it, and for good from a hypergas older than the saying (or a peer that is not one).
   */
  rules: number | null
}

/** One Hyperswarm with its DHT and its discovery of the group topic. */
interface Net {
  via: 'dht' | 'lan'
  swarm: Hyperswarm
  /** A DHT this replicator created (and destroys). */
  dht: HyperDHT | null
  /** The LAN store node (see startLan), destroyed with the net. */
  store?: HyperDHT
  discovery: Discovery | null
}

/** The discovery topic of a group: SHA-256("hypergas/topic/v1\0" ‖ group id). */
export function groupTopic (groupId: GroupId): Buffer {
  return sha256(Buffer.from('hypergas/topic/v1\0'), Buffer.from(groupId, 'hex'))
}

/** How long a stop waits for the announcements to be withdrawn (ms). */
const LEAVE_MS = 1500

/**
 * How often the LAN address is looked at again, ms: a laptop started before its Wi-Fi connects, or
 * given another address after a drop, starts (or restarts) LAN discovery on the address it has now.
 */
const LAN_WATCH_MS = 5000

/** How long after a start the admins not connected yet are still being met (ms): the LAN's slowest meetings measured 36–50 s (docs/decisions.md). */
const MEETING_MS = 60_000

/** How many refused peers' keys {@link Replicator.knocking} keeps (a flood of strangers costs no more). */
const KNOCKING_KEPT = 16

/**
 * A connection's keep-alive, and the silence after which its peer is taken for gone, ms.
 * Hyperswarm sends a keep-alive every 5 s but never times a connection out: a peer killed, or
 * dropped from the Wi-Fi, stayed among the peers until UDX gave up retransmitting (18 s on
 * loopback, 10–40 s in earlier runs). 10 s without a byte read is four keep-alives missed from
 * this hypergas (every 2 s), or two from an older one (every 5 s). Node runs due timers before it
 * reads a socket, so an event loop held 8–10 s (issue 18 keeps it under 50 ms; a catch-up replay
 * of 1,000,000 acts holds it 2–3 s) would drop the connections: Hyperswarm reconnects.
 */
const KEEP_ALIVE_MS = 2000
const SILENCE_MS = 10_000

/** Delays between repeated topic lookups, ms; the last one repeats. */
const LOOKUP_BACKOFF_MS = [250, 1000, 2000, 5000, 10000, 15000]

/**
 * Replicates a Corestore with the peers of a group: over the DHT (public, or the `bootstrap`
 * nodes) and, unless `lan` is false, over a DHT of the local network's nodes found by multicast
 * DNS. Emits 'peers' when a connection opens or closes, 'warning' for LAN discovery trouble.
 */
export class Replicator extends EventEmitter {
  private readonly conns = new Map<Connection, { via: 'dht' | 'lan', address: string, sinceMs: number, rules: number | null }>()
  private readonly nets: Net[] = []
  private lan: LanDiscovery | null = null
  /** The LAN address discovery runs on (null: none, discovery off until one appears). */
  private lanHost: string | null = null
  private lanWatch: NodeJS.Timeout | null = null
  private timers = new Set<NodeJS.Timeout>()
  /** Bumped when going on- or offline, so one chain of lookups per swarm runs at a time. */
  private lookups = 0
  private closed = false
  /** When {@link start} ran, ms since epoch (the `now` option's clock). */
  private startedMs = 0
  /** The peers (hex keys) replicated with since the start. */
  private readonly met = new Set<string>()
  /** Writers {@link welcome}d and not met yet (hex). */
  private readonly welcomed = new Set<string>()
  /** Connections closed unreplicated: their key is not admitted ({@link ReplicatorOptions.admit}). */
  refused = 0
  /** The keys of the last {@link KNOCKING_KEPT} refused peers, by when each was last refused (ms): a joined laptop waiting for its election, or a stranger. */
  readonly knocking = new Map<string, number>()
  /** While false, no connection is kept or accepted and the topic is left. */
  online = true

  constructor (private readonly store: Corestore, private readonly groupId: GroupId, private readonly opts: ReplicatorOptions) {
    super()
  }

  /** The connected peers, with their byte counters as of now. */
  get peers (): PeerInfo[] {
    return [...this.conns].map(([conn, p]) => ({
      publicKey: hex(conn.remotePublicKey),
      address: p.address,
      via: p.via,
      sinceMs: p.sinceMs,
      bytesReceived: conn.rawStream?.bytesReceived ?? 0,
      bytesSent: conn.rawStream?.bytesTransmitted ?? 0,
      rules: p.rules
    }))
  }

  /** The `now` option's clock, ms since the epoch. */
  private now (): number { return (this.opts.now ?? Date.now)() }

  /**
   * True while peer `publicKey` (hex) may still be on its way: never met since the start, which
   * was less than {@link MEETING_MS} ago (peers take seconds to find each other, so such an
   * admin is not called gone, src/api/presence.ts).
   */
  meeting (publicKey: string): boolean { return !this.met.has(publicKey) && this.now() - this.startedMs < MEETING_MS }

  /** Joins the group topic; returns without waiting for peers. */
  async start (): Promise<void> {
    this.startedMs = this.now()
    const keyPair = this.opts.keyPair
    if (this.opts.bootstrap !== undefined && this.opts.bootstrap.length > 0) {
      const dht = new HyperDHT({ bootstrap: this.opts.bootstrap.map(parseHostPort), firewalled: false })
      this.add({ via: 'dht', swarm: new Hyperswarm({ dht, keyPair, firewall: this.onLan }), dht, discovery: null })
    } else {
      this.add({ via: 'dht', swarm: new Hyperswarm({ keyPair, firewall: this.onLan }), dht: null, discovery: null })
    }
    if (this.opts.lan !== false) {
      await this.startLan()
      this.watchLan()
    }
  }

  /** Looks at the LAN address every {@link LAN_WATCH_MS}; when it changed (or appeared), discovery restarts on it. */
  private watchLan (): void {
    this.lanWatch = setInterval(() => {
      if (this.closed || lanAddress() === this.lanHost) return
      if (this.lanWatch !== null) clearInterval(this.lanWatch)
      this.lanWatch = null
      this.stopLan().then(async () => { if (!this.closed) await this.startLan() }).catch((err: Error) => this.emit('warning', err)).finally(() => { if (!this.closed) this.watchLan() })
    }, LAN_WATCH_MS)
    this.lanWatch.unref()
  }

  /** Stops LAN discovery and its swarm (their connections close), before it starts again on another address. */
  private async stopLan (): Promise<void> {
    this.lan?.close()
    this.lan = null
    const at = this.nets.findIndex((n) => n.via === 'lan')
    if (at < 0) return
    const [net] = this.nets.splice(at, 1)
    await destroyNet(net)
  }

  /**
   * Two DHT nodes on this machine's LAN address, which every node of the group on the LAN adds to
   * its own when multicast DNS reports them: a small DHT of the group's nodes, on which Hyperswarm
   * announces and looks up the topic as on the public one. The first is the swarm's; the second
   * only stores announcements. Why two: a DHT node stores an announcement on the *other* nodes
   * and a lookup asks the other nodes, so with two machines of one node each, A's announcement
   * sits on B, which only A asks, and the two never meet (issue 12). With a store node on each
   * machine, A's announcement is also held by A's store node, which B asks.
   */
  private async startLan (): Promise<void> {
    const host = lanAddress()
    this.lanHost = host
    if (host === null) {
      this.emit('warning', Object.assign(new Error('no LAN address: local discovery is off until this machine has one'), { code: 'NO_LAN_ADDRESS' }))
      return
    }
    const port = await freeUdpPort()
    let storePort = await freeUdpPort()
    while (storePort === port) storePort = await freeUdpPort()
    const dht = HyperDHT.bootstrapper(port, host, { host: '0.0.0.0' })
    const store = HyperDHT.bootstrapper(storePort, host, { host: '0.0.0.0' })
    await Promise.all([dht.ready(), store.ready()])
    dht.addNode({ host, port: storePort })
    store.addNode({ host, port })
    const net: Net = { via: 'lan', swarm: new Hyperswarm({ dht, keyPair: this.opts.keyPair }), dht, store, discovery: null }
    this.add(net)
    if (!this.online) await net.swarm.suspend()
    this.lan = new LanDiscovery(groupTopic(this.groupId), { host, ports: [port, storePort] })
    this.lan.on('warning', (err: Error) => this.emit('warning', err))
    this.lan.on('peer', (p: LanPeer) => {
      dht.addNode(p)
      store.addNode(p)
      // Announce and look up again now that the LAN DHT has one more node.
      if (this.online && net.discovery !== null) net.discovery.refresh({ client: true, server: true }).catch(() => {})
    })
    this.lan.start()
  }

  /**
   * Connects now to the writers just admitted (`publicKeys`, hex), on every swarm, instead of
   * waiting for the next lookup: a newly elected admin whose connections were refused until now.
   */
  welcome (publicKeys: readonly string[]): void {
    for (const net of this.nets) for (const k of publicKeys) net.swarm.joinPeer(Buffer.from(k, 'hex'))
    for (const k of publicKeys) this.welcomed.add(k)
    // Not met within MEETING_MS (a former admin, a laptop away): the topic's lookups find it when it comes.
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      for (const k of publicKeys) if (this.welcomed.delete(k)) for (const n of this.nets) n.swarm.leavePeer(Buffer.from(k, 'hex'))
    }, MEETING_MS)
    timer.unref()
    this.timers.add(timer)
  }

  private add (net: Net): void {
    this.nets.push(net)
    net.swarm.on('connection', (conn: Connection) => {
      const key = hex(conn.remotePublicKey)
      conn.on('error', () => {})
      if (this.opts.admit !== undefined && !this.opts.admit(key)) {
        this.refused++
        this.knocking.delete(key) // (the newest last: the oldest goes first)
        this.knocking.set(key, this.now())
        if (this.knocking.size > KNOCKING_KEPT) this.knocking.delete(this.knocking.keys().next().value!)
        conn.destroy()
        return
      }
      this.met.add(key)
      this.knocking.delete(key)
      if (this.secondWay(net, key, conn)) return
      conn.setKeepAlive(KEEP_ALIVE_MS)
      conn.setTimeout(SILENCE_MS)
      // Met: from now on the ordinary discovery keeps the connection.
      if (this.welcomed.delete(key)) for (const n of this.nets) n.swarm.leavePeer(conn.remotePublicKey)
      const raw = conn.rawStream
      const peer = {
        via: net.via,
        address: raw?.remoteHost !== undefined ? `${raw.remoteHost}:${raw.remotePort}` : '',
        sinceMs: this.now(),
        rules: null as number | null
      }
      this.conns.set(conn, peer)
      conn.on('close', () => {
        this.conns.delete(conn)
        if (net.via === 'lan') this.lanEnded(key)
        this.emit('peers')
      })
      this.store.replicate(conn)
      if (this.opts.rules !== undefined) {
        sayRules(conn, this.opts.rules, (theirs) => {
          peer.rules = theirs
          if (this.conns.has(conn)) this.emit('peers')
        })
      }
      this.emit('peers')
    })
    const discovery = net.swarm.join(groupTopic(this.groupId), { server: true, client: true })
    net.discovery = discovery
    // Two peers that announce at the same moment miss each other's announcement until the next
    // lookup: look up again after the announce, with a backoff, then at a slow steady pace.
    const chain = this.lookups
    discovery.flushed().then(() => this.scheduleLookup(discovery, 0, chain)).catch(() => {})
  }

  /**
   * One connection per peer across the two swarms: a peer met on the LAN is not replicated with
   * over the DHT as well (twice the traffic, and twice in `status`). A DHT connection to a peer
   * with a LAN connection is closed, and the DHT swarm leaves that peer alone (Hyperswarm's ban;
   * on the other end, its firewall {@link onLan} bans at the next call) until the LAN connection
   * ends ({@link lanEnded}). Both ends follow the rule, so both close the same connection.
   * @returns true when `conn` is the second way to its peer, and was closed
   */
  private secondWay (net: Net, key: string, conn: Connection): boolean {
    if (net.via === 'dht') {
      if (!this.onLan(conn.remotePublicKey)) return false
      net.swarm.peers.get(key)?.ban(true)
      conn.destroy()
      return true
    }
    const viaDht = [...this.conns].filter(([c, p]) => p.via === 'dht' && hex(c.remotePublicKey) === key)
    for (const [c] of viaDht) c.destroy()
    if (viaDht.length > 0) this.nets.find((n) => n.via === 'dht')?.swarm.peers.get(key)?.ban(true)
    return false
  }

  /** The DHT swarm's firewall: true (refused, and banned until {@link lanEnded}) for a peer with a LAN connection. */
  private readonly onLan = (publicKey: Buffer): boolean => [...this.conns].some(([c, p]) => p.via === 'lan' && c.remotePublicKey.equals(publicKey))

  /**
   * The LAN connection to peer `key` (hex) closed: unless another remains, the DHT may reach the
   * peer again, and is asked to at once (a laptop that left the room: after the 10 s of silence
   * that end a connection when it left without closing).
   */
  private lanEnded (key: string): void {
    if (this.onLan(Buffer.from(key, 'hex'))) return
    const known = this.nets.find((n) => n.via === 'dht')?.swarm.peers.get(key) // (banned, or never met over the DHT)
    if (known === undefined) return
    known.ban(false)
    if (!this.closed && this.online) this.welcome([key])
  }

  /**
   * Goes offline (Hyperswarm's suspend: every connection closed, no announce, no lookup) or back
   * online (resume, then look the topic up again). Acts recorded meanwhile stay local and
   * replicate when back online (SPEC §6 local-first). A firewall is not used for this: Hyperswarm
   * bans a peer its firewall refused, until its PeerInfo is unbanned.
   */
  async setOnline (online: boolean): Promise<void> {
    if (online === this.online || this.nets.length === 0 || this.closed) return
    this.online = online
    this.lookups++
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const net of this.nets) {
      if (!online) { await net.swarm.suspend(); continue }
      await net.swarm.resume()
      if (net.discovery !== null) this.scheduleLookup(net.discovery, 0, this.lookups)
    }
    // The admins met before: connect to them by key now, as to a newly elected one.
    if (online) this.welcome([...this.met].filter((k) => this.opts.admit?.(k) ?? true))
  }

  private scheduleLookup (discovery: Discovery, step: number, chain: number): void {
    if (this.closed || !this.online || chain !== this.lookups) return
    const delay = LOOKUP_BACKOFF_MS[Math.min(step, LOOKUP_BACKOFF_MS.length - 1)]
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      discovery.refresh({ client: true, server: step % 4 === 3 })
        .catch(() => {})
        .finally(() => this.scheduleLookup(discovery, step + 1, chain))
    }, delay)
    timer.unref()
    this.timers.add(timer)
  }

  /**
   * Leaves the swarms and stops LAN discovery. Withdrawing the announcements gets at most
   * {@link LEAVE_MS}, then the DHT is destroyed under it: with no internet the queries to the
   * public DHT only time out (a stop took ~10 s), and an announcement left behind expires by itself.
   */
  async close (): Promise<void> {
    this.closed = true
    if (this.lanWatch !== null) clearInterval(this.lanWatch)
    for (const t of this.timers) clearTimeout(t)
    this.lan?.close()
    await Promise.all(this.nets.map(destroyNet))
  }
}

/** Leaves a swarm's topic (at most {@link LEAVE_MS}) and destroys its DHT nodes. */
async function destroyNet (net: Net): Promise<void> {
  const left = net.swarm.destroy()
  const timer = setTimeout(() => { net.swarm.dht.destroy({ force: true }).catch(() => {}) }, LEAVE_MS)
  await left.catch(() => {}) // a query cut short by the forced end: nothing to tell at a stop
  clearTimeout(timer)
  await net.swarm.dht.destroy({ force: true }).catch(() => {}) // (done already, unless the swarm's end failed first)
  if (net.dht !== null) await net.dht.destroy({ force: true })
  if (net.store !== undefined) await net.store.destroy({ force: true })
}
