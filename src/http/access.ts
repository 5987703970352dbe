/**
 * Who a request comes from and whether the node answers it (SPEC §7 "Who may read and act over
 * HTTP"). Pure functions over header values, plus {@link HostNames}, the names and addresses this
 * machine answers to. The server (src/http/server.ts) applies them to every request.
 *
 * - Host: only the node's own names (no DNS rebinding: a page of evil.example resolved to
 *   127.0.0.1 still sends `Host: evil.example`).
 * - Origin: a state-changing request from a browser must come from the node's own page (the
 *   Origin names the same host and port as the Host), never from another site.
 */
import os from 'node:os'

/** Names every node answers to, whatever it binds to. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1']

/**
 * The host name of a `Host` header value, lowercased, without port or IPv6 brackets; null when
 * the value is not a host (empty, a user-info part, a path, spaces).
 */
export function hostOf (header: string | undefined): string | null {
  if (header === undefined) return null
  const h = header.trim().toLowerCase()
  if (h.length === 0 || h.length > 255) return null
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    if (end < 0) return null
    const rest = h.slice(end + 1)
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null
    return h.slice(1, end)
  }
  const m = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h)
  return m === null ? null : m[1].replace(/\.$/, '')
}

/** True for a loopback host name (the node's own machine). */
export function isLoopbackName (name: string): boolean {
  return LOOPBACK_NAMES.includes(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

/** True for a loopback socket address (IPv4, IPv6 or IPv4-mapped IPv6). */
export function isLoopbackAddress (address: string | undefined): boolean {
  if (address === undefined) return false
  const a = address.startsWith('::ffff:') ? address.slice(7) : address
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)
}

/** Options of {@link HostNames}. */
export interface HostNamesOptions {
  /** The address the server binds to (`--host`); `0.0.0.0` and `::` add nothing by themselves. */
  bind: string
  /** More names to answer to (a name the LAN's router gives the laptop, a reverse proxy's). */
  extra?: string[]
  /** Reads the machine's host name and interface addresses (tests pass fixed ones). */
  machine?: () => { hostname: string, addresses: string[] }
}

/** Reads the machine's host name and every address of its interfaces. */
function machineNames (): { hostname: string, addresses: string[] } {
  const addresses: string[] = []
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) addresses.push(a.address)
  return { hostname: os.hostname(), addresses }
}

/**
 * The names and addresses this node answers to: localhost, 127.0.0.1, ::1, the `--host`
 * address, the machine's host name (also with `.local`, as mDNS names it) and every address of
 * its interfaces. Addresses change (DHCP, a new Wi-Fi): a name not known is looked up again, at
 * most once a second.
 */
export class HostNames {
  private names = new Set<string>()
  private readAt = -Infinity
  private readonly machine: () => { hostname: string, addresses: string[] }

  constructor (private readonly opts: HostNamesOptions, private readonly now: () => number = Date.now) {
    this.machine = opts.machine ?? machineNames
    this.reread()
  }

  private reread (): void {
    const m = this.machine()
    const names = new Set<string>(LOOPBACK_NAMES)
    const add = (n: string): void => { const h = n.trim().toLowerCase().replace(/\.$/, ''); if (h !== '') names.add(h) }
    if (this.opts.bind !== '0.0.0.0' && this.opts.bind !== '::') add(this.opts.bind)
    for (const e of this.opts.extra ?? []) add(e)
    if (m.hostname !== '') { add(m.hostname); add(`${m.hostname.split('.')[0]}.local`) }
    for (const a of m.addresses) add(a.replace(/%.*$/, ''))
    this.names = names
    this.readAt = this.now()
  }

  /** True when `name` (from {@link hostOf}) is one of this node's. */
  has (name: string): boolean {
    if (this.names.has(name) || isLoopbackName(name)) return true
    if (this.now() - this.readAt < 1000) return false
    this.reread()
    return this.names.has(name)
  }
}

/** Why a request is refused by {@link checkRequest}, or null when it may go on. */
export type AccessRefusal = { code: 'BAD_HOST', message: string } | { code: 'BAD_ORIGIN', message: string } | null

/** The parts of a request {@link checkRequest} reads. */
export interface RequestHeaders {
  method: string
  host: string | undefined
  origin: string | undefined
  /** `Sec-Fetch-Site`, sent by browsers: same-origin, same-site, cross-site or none. */
  fetchSite: string | undefined
}

/** Methods that change nothing (the only ones a foreign page's request may use). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Host and Origin rules of SPEC §7 for one request: the Host must be one of `names`; a request
 * that may change state (anything but GET/HEAD/OPTIONS) must not come from another site: its
 * Origin, when present, names the same host and port as its Host, and a browser's
 * `Sec-Fetch-Site`, when present, is `same-origin` or `none`. Clients that are not browsers (the
 * CLI) send neither and authenticate with the token.
 */
export function checkRequest (req: RequestHeaders, names: HostNames): AccessRefusal {
  const host = hostOf(req.host)
  if (host === null || !names.has(host)) {
    return { code: 'BAD_HOST', message: `this node does not answer to the name ${JSON.stringify(String(req.host ?? '').slice(0, 80))}` }
  }
  if (SAFE_METHODS.has(req.method)) return null
  if (req.fetchSite !== undefined && req.fetchSite !== 'same-origin' && req.fetchSite !== 'none') {
    return { code: 'BAD_ORIGIN', message: `a ${req.fetchSite} request cannot act on this node` }
  }
  if (req.origin !== undefined) {
    let ok = false
    try {
      const u = new URL(req.origin)
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.host === String(req.host).trim().toLowerCase()
    } catch { ok = false }
    if (!ok) return { code: 'BAD_ORIGIN', message: `requests from ${JSON.stringify(req.origin.slice(0, 80))} cannot act on this node: only its own page can` }
  }
  return null
}
