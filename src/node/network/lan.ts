/**
 * LAN discovery (issue 6, SPEC §6): on a network with no internet, the nodes of a group find each
 * other with multicast DNS. Each node answers, under a name derived from the group topic by a
 * hash, with the ports of its two LAN DHT nodes (see Replicator: one its swarm uses, one that only
 * stores announcements, so that two machines alone still make a DHT where each one's announcement
 * is held by a node the other asks); a node that hears an answer adds those DHT nodes to its own.
 * The connections themselves are Hyperswarm's, encrypted and authenticated as over the internet.
 *
 * What goes on the air: the name (32 hex of SHA-256 of a domain tag and the topic, itself a hash
 * of the group id: neither can be recovered from it) and two ports. Nodes of other groups ask for
 * other names and ignore this one.
 */
import dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import os from 'node:os'
import multicastDns, { type MulticastDns, type MdnsPacket } from 'multicast-dns'
import { sha256 } from '../../crypto.js'

/** The mDNS name a group's nodes answer to: `<32 hex>.hypergas.local`. */
export function lanName (topic: Uint8Array): string {
  return `${sha256(Buffer.from('hypergas/lan/v1\0'), topic).toString('hex').slice(0, 32)}.hypergas.local`
}

/** Delays between this node's queries, ms; the last one repeats while the node runs. */
const QUERY_BACKOFF_MS = [0, 500, 1000, 2000, 4000, 8000, 15000, 30000]

/**
 * The IPv4 address other machines of the LAN reach this one at: the first non-internal IPv4
 * address, interfaces taken in name order; null when there is none (no LAN).
 */
export function lanAddress (): string | null {
  const ifaces = os.networkInterfaces()
  for (const name of Object.keys(ifaces).sort()) {
    for (const a of ifaces[name] ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return null
}

/** A free UDP port on all interfaces (bound then released: the LAN DHT node binds it next). */
export async function freeUdpPort (): Promise<number> {
  const s = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.bind(0, resolve) })
  const port = s.address().port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

/** A LAN DHT node heard on the network. */
export interface LanPeer {
  host: string
  port: number
}

/** This machine's LAN DHT nodes: one address, one or more UDP ports. */
export interface LanSelf {
  host: string
  ports: number[]
}

/**
 * Announces this node's LAN DHT ports under the group's name and reports the others' ('peer'
 * events, once per host:port). Queries with a backoff, and answers every query for the name.
 */
export class LanDiscovery extends EventEmitter {
  readonly name: string
  private mdns: MulticastDns | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly heard = new Set<string>()

  /** `self` is this node's own LAN DHT address (its own answers come back and are skipped). */
  constructor (topic: Uint8Array, private readonly self: LanSelf) {
    super()
    this.name = lanName(topic)
  }

  /**
   * Starts answering and querying. Errors of the socket, and a query or answer that cannot be
   * sent (once per cause), are emitted as 'warning' (never thrown).
   */
  start (): void {
    this.open(false)
    this.answer() // an unsolicited answer: nodes already running hear of this one at once
    this.schedule(0)
  }

  /**
   * Opens the multicast DNS socket: on every interface, sending where the routing table says; or,
   * `pinned`, sending from and listening on the interface of this node's LAN address only.
   */
  private open (pinned: boolean): void {
    const m = multicastDns(pinned ? { interface: this.self.host, bind: '0.0.0.0' } : undefined)
    this.mdns = m
    m.on('error', (err: Error) => this.emit('warning', err))
    m.on('warning', (err: Error) => this.emit('warning', err))
    m.on('query', (q: MdnsPacket) => {
      if (q.questions?.some((x) => x.name === this.name) === true) this.answer()
    })
    m.on('response', (r: MdnsPacket, rinfo: { address: string }) => {
      for (const a of [...(r.answers ?? []), ...(r.additionals ?? [])]) {
        if (a.name !== this.name || a.type !== 'TXT') continue
        for (const port of portsOf(a.data)) {
          const peer: LanPeer = { host: rinfo.address, port }
          const key = `${peer.host}:${peer.port}`
          if ((peer.host === this.self.host && this.self.ports.includes(port)) || this.heard.has(key)) continue
          this.heard.add(key)
          this.emit('peer', peer)
        }
      }
    })
  }

  private answer (): void {
    this.mdns?.respond({ answers: [{ name: this.name, type: 'TXT', ttl: 120, data: this.self.ports.map((p) => Buffer.from(`port=${p}`)) }] }, null, this.sent)
  }

  /** Causes of failed sends already reported. */
  private readonly failed = new Set<string>()

  /** True once sends go from the LAN address's interface ({@link open}). */
  private pinned = false

  /**
   * A send's callback. With no route for multicast (a LAN with no router: no default route) the
   * kernel cannot send to 224.0.0.251 (ENETUNREACH): the socket is opened again on the interface
   * of this node's LAN address, which needs none. Not from the start: that interface is the first
   * address found, and a machine with a bridge (a VM's, a container's) that sorts before its
   * Wi-Fi would then be heard by no one. Any other failure is a warning, once per cause.
   */
  private readonly sent = (err?: Error & { code?: string } | null): void => {
    if (err === null || err === undefined) return
    if (!this.pinned && this.mdns !== null && (err.code === 'ENETUNREACH' || err.code === 'EHOSTUNREACH')) {
      this.pinned = true
      this.mdns.destroy()
      this.open(true)
      this.answer()
      return
    }
    if (this.failed.has(err.code ?? err.message)) return
    this.failed.add(err.code ?? err.message)
    this.emit('warning', err)
  }

  private schedule (step: number): void {
    if (this.mdns === null) return
    this.timer = setTimeout(() => {
      this.mdns?.query({ questions: [{ name: this.name, type: 'TXT' }] }, this.sent)
      this.schedule(step + 1)
    }, QUERY_BACKOFF_MS[Math.min(step, QUERY_BACKOFF_MS.length - 1)])
    this.timer.unref()
  }

  /** Stops answering and querying; closes the socket. */
  close (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.mdns?.destroy()
    this.mdns = null
  }
}

/** The ports of a TXT record's `port=N` strings (at most 4; anything else is skipped). */
export function portsOf (data: unknown): number[] {
  const parts = Array.isArray(data) ? data : [data]
  const ports: number[] = []
  for (const p of parts) {
    const m = /^port=(\d{1,5})$/.exec(Buffer.isBuffer(p) ? p.toString() : String(p))
    if (m !== null && Number(m[1]) > 0 && Number(m[1]) < 65536 && !ports.includes(Number(m[1]))) ports.push(Number(m[1]))
    if (ports.length === 4) break
  }
  return ports
}
