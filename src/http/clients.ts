/**
 * Who a request counts as for the rate limits and the quotas of the HTTP layer (SPEC §7
 * "unauthenticated input is bounded: … rate per client"): the key of a client address.
 *
 * An IPv4 client counts by its address. An IPv6 client counts by its /64, as @fastify/rate-limit
 * groups them, because one device can take any address of its /64 — except a client on this
 * machine's own network (a link-local address, or one within the prefix of an interface of this
 * machine): every device of a home network shares that /64, so one device flooding would make
 * every other phone wait. There it counts per address, as IPv4 clients on the same network do.
 */
import { BlockList, isIPv6 } from 'node:net'
import os from 'node:os'
import { normalizeIP } from '@fastify/rate-limit'

/** How long the machine's interfaces are trusted before they are read again, ms (a new Wi-Fi). */
export const INTERFACES_READ_MS = 10_000

/** An interface address as `os.networkInterfaces()` gives it (the fields read here). */
export interface InterfaceAddress { family: string | number, cidr: string | null }

/** Keys of client addresses; the machine's IPv6 prefixes are read at most every {@link INTERFACES_READ_MS}. */
export class ClientKeys {
  private onLink = new BlockList()
  private readAt = -Infinity

  /**
   * @param interfaces the machine's interface addresses (tests pass fixed ones)
   * @param now a clock, ms (when to read the interfaces again)
   */
  constructor (private readonly interfaces: () => NodeJS.Dict<InterfaceAddress[]> = os.networkInterfaces, private readonly now: () => number = Date.now) {}

  /** The key `ip` (a request's address, as Node gives it) counts under: the address, or its /64 for an IPv6 client off this machine's network. */
  keyOf (ip: string): string {
    if (!isIPv6(ip)) return normalizeIP(ip)
    const bare = ip.replace(/%.*$/, '')
    return normalizeIP(bare, /^fe[89ab]/i.test(bare) || this.prefixes().check(bare, 'ipv6') ? 128 : 64)
  }

  /** The IPv6 prefixes of this machine's interfaces, read again when older than {@link INTERFACES_READ_MS}. */
  private prefixes (): BlockList {
    if (this.now() - this.readAt < INTERFACES_READ_MS) return this.onLink
    const list = new BlockList()
    let interfaces: NodeJS.Dict<InterfaceAddress[]>
    // (It throws on some systems, Android's among them: then the prefixes known before are kept.)
    try { interfaces = this.interfaces() } catch { this.readAt = this.now(); return this.onLink }
    for (const addresses of Object.values(interfaces)) {
      for (const a of addresses ?? []) {
        const m = a.cidr === null ? null : /^([0-9a-f:.]+)(?:%[^/]*)?\/(\d+)$/i.exec(a.cidr)
        // A host route (/128) or a prefix shorter than /48 is no home network's.
        if ((a.family !== 'IPv6' && a.family !== 6) || m === null || Number(m[2]) < 48 || Number(m[2]) >= 128) continue
        try { list.addSubnet(m[1], Number(m[2]), 'ipv6') } catch { /* not an address Node's BlockList takes: skipped */ }
      }
    }
    this.onLink = list
    this.readAt = this.now()
    return list
  }
}
