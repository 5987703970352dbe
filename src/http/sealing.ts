/**
 * The node's side of sealed requests (src/seal.ts; SPEC §7 "member data is personal"): its X25519
 * key for as long as it runs, the pages it links with, and the hooks that open a sealed request
 * (its head, with the session key, before anyone asks who the request is; its body before it is
 * parsed) and seal the answer. A request without {@link SEAL_HEADER} is served as before: the
 * CLI with the token, and the node's own machine.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HypergasError } from '../errors.js'
import { headBinding, INNER_TYPE_HEADER, NONCE_BYTES, seal, SEAL_HEADER, SEALED_TYPE, sealKeys, unseal, type SealedHead, type SealKeys } from '../seal.js'
import { SESSION_HEADER } from './auth.js'

/** DER prefix of an X25519 public key (SubjectPublicKeyInfo): the 32 raw bytes follow. */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')
/** Pages whose keys are kept (a cache of key agreements): a new one beyond this forgets the one unused the longest. */
export const MAX_PAGES = 4096
/** How far before the node's clock a head's time may be, ms. */
export const SEAL_PAST_MS = 2 * 60_000
/** How far after it, ms (the page takes its clock from the node's answers: a second or two off). */
export const SEAL_FUTURE_MS = 30_000
/**
 * How long every head taken is remembered, ms on a monotonic clock: longer than any head stays
 * acceptable ({@link SEAL_PAST_MS} + {@link SEAL_FUTURE_MS}), so that forgetting a page's keys, or the
 * wall clock stepping back by less than the difference, never lets a captured head in again.
 */
export const SEAL_MEMORY_MS = 4 * 60_000
/** Heads remembered at most, from every page (about 100 bytes each): beyond, new heads are refused, none forgotten early. */
export const MAX_HEADS = 300_000
/**
 * Heads of requests the rate limiter refused remembered at most (about 100 bytes each), counted
 * against no quota: beyond, the oldest of them is forgotten first (src/http/server.ts).
 */
export const MAX_REFUSED_HEADS = 100_000
/** Of which per client: beyond, that client's own oldest is forgotten first (a flood forgets its own, not a phone's). */
export const MAX_REFUSED_PER_CLIENT = 2_000
/** Heads remembered at most per client (its address, or its IPv6 /64: src/http/clients.ts), beyond which its new heads are refused (a page makes a few to ten per update it shows). */
export const MAX_HEADS_PER_ADDRESS = 20_000

/** What an opened request carries for the rest of its way. */
export interface OpenedSeal {
  keys: SealKeys
  /** The head's nonce: the body and the answer are bound to it. */
  nonce: Uint8Array
  /** The nonce in hex: what the node remembers of the head. */
  id: string
}

declare module 'fastify' {
  interface FastifyRequest { sealed: OpenedSeal | null }
}

/**
 * Why a sealed request was refused (`details.variant` of BAD_SEAL): `key` — not sealed for this
 * node's key of now (it restarted since the page linked: the page links again and may send it
 * once more, nothing was done); `clock` — its time too far from the node's (nothing was done);
 * `again` — a head taken before (the first may have been done: never sent again by the page);
 * `busy` — too many heads remembered; `invalid` — malformed, or a body not sealed with its head.
 */
export type BadSealVariant = 'key' | 'clock' | 'again' | 'busy' | 'invalid'

const badSeal = (variant: BadSealVariant, message: string): HypergasError => new HypergasError('BAD_SEAL', message, { variant })
const AGAIN = (): HypergasError => badSeal('again', 'this sealed request reached the node before: it is not taken twice (see whether it was done before doing it again)')

/** The node's key, the pages' keys and the heads taken (in memory: a restart makes a new key, which no old head opens with). */
export class NodeSeal {
  /** The node's X25519 public key (32 bytes), as `GET /api/seal` gives it in hex. */
  readonly key: Buffer
  private readonly secret: KeyObject
  private readonly pages = new Map<string, SealKeys>()
  /** Nonces (hex) of the heads taken, in the order taken: when each may be forgotten (monotonic ms) and whose address it counts against. */
  private readonly taken = new Map<string, { until: number, client: string }>()
  private readonly perClient = new Map<string, number>()
  /** Nonces (hex) of the heads of requests refused for their rate, in the order refused: when each may be forgotten (monotonic ms) and whose they were. */
  private readonly refused = new Map<string, { until: number, client: string }>()
  /** Each client's refused heads, oldest first. */
  private readonly refusedOf = new Map<string, string[]>()

  /**
   * @param now the wall clock heads' times are checked against, ms since the epoch
   * @param monotonic a clock that never steps back, ms (how long heads are remembered)
   * @param maxPages pages whose keys are kept ({@link MAX_PAGES})
   */
  constructor (private readonly now: () => number = Date.now, private readonly monotonic: () => number = () => performance.now(), private readonly maxPages = MAX_PAGES) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519')
    this.secret = privateKey
    this.key = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length)
  }

  /**
   * Opens the head of a request (`value`: its {@link SEAL_HEADER}) to `method` `url` without
   * remembering it: a head taken before, or whose time is too far from the node's clock, is
   * refused. The server opens a head before the rate limiter (the login is in it) and takes it
   * after, so that a request refused for its rate takes no quota of heads (SPEC §7; it is
   * remembered apart: {@link NodeSeal.refuse}).
   * @throws HypergasError BAD_SEAL `key`, `clock`, `again` or `invalid`
   */
  open (value: string, method: string, url: string): { opened: OpenedSeal, head: SealedHead } {
    const m = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{40,2048})$/.exec(value)
    if (m === null) throw badSeal('invalid', 'the sealed request\'s header is not valid')
    const keys = this.keysOf(m[1])
    const box = Buffer.from(m[2], 'base64url')
    const plain = keys === null ? null : unseal(keys.request, box, headBinding(method, url))
    if (keys === null || plain === null) throw badSeal('key', 'the request was not sealed for this node (it restarted since the page opened): load the page again')
    let head: SealedHead
    try { head = JSON.parse(Buffer.from(plain).toString('utf8')) as SealedHead } catch { throw badSeal('invalid', 'the sealed request\'s head is not valid') }
    if (typeof head.t !== 'number' || (head.k !== null && typeof head.k !== 'string')) throw badSeal('invalid', 'the sealed request\'s head is not valid')
    const now = this.now()
    if (head.t < now - SEAL_PAST_MS || head.t > now + SEAL_FUTURE_MS) throw badSeal('clock', 'the sealed request is older than 2 minutes, or from a clock far from the node\'s: try again')
    const nonce = box.subarray(0, NONCE_BYTES)
    const opened = { keys, nonce: new Uint8Array(nonce), id: nonce.toString('hex') }
    this.forget()
    if (this.seen(opened.id)) throw AGAIN()
    return { opened, head }
  }

  /**
   * Remembers an opened head (for {@link SEAL_MEMORY_MS}) against `client`'s quota, once: a head
   * taken meanwhile (the same request twice at once) is refused, and so is any beyond the quotas.
   * @throws HypergasError BAD_SEAL `again` or `busy`
   */
  take (opened: OpenedSeal, client: string): void {
    const id = opened.id
    this.forget()
    if (this.seen(id)) throw AGAIN()
    const count = this.perClient.get(client) ?? 0
    if (this.taken.size >= MAX_HEADS || count >= MAX_HEADS_PER_ADDRESS) throw badSeal('busy', 'too many sealed requests: try again in a few minutes')
    this.taken.set(id, { until: this.monotonic() + SEAL_MEMORY_MS, client })
    this.perClient.set(client, count + 1)
  }

  /**
   * Remembers the head of a request from `client` the rate limiter refused, so that nobody who
   * captured it has it served later, from an address with room (the page said "refused" to its
   * member). It counts against no quota (a flood the limiter refuses locks no one out): beyond
   * {@link MAX_REFUSED_PER_CLIENT}, the client's own oldest is forgotten first, and beyond
   * {@link MAX_REFUSED_HEADS}, the oldest of all.
   */
  refuse (opened: OpenedSeal, client: string): void {
    const id = opened.id
    this.forget()
    if (this.seen(id)) return
    const own = this.refusedOf.get(client) ?? []
    if (own.length >= MAX_REFUSED_PER_CLIENT) this.dropRefused(own[0])
    else if (this.refused.size >= MAX_REFUSED_HEADS) this.dropRefused(this.refused.keys().next().value as string)
    this.refused.set(id, { until: this.monotonic() + SEAL_MEMORY_MS, client })
    own.push(id)
    this.refusedOf.set(client, own)
  }

  /** Forgets refused head `id`, the oldest of its client's too (both are in the order refused). */
  private dropRefused (id: string): void {
    const x = this.refused.get(id)
    if (x === undefined) return
    this.refused.delete(id)
    const own = this.refusedOf.get(x.client)
    own?.shift()
    if (own?.length === 0) this.refusedOf.delete(x.client)
  }

  /** How many heads are remembered now, counted against the quotas (taken in the last {@link SEAL_MEMORY_MS}), and how many refused for their rate. */
  get remembered (): { taken: number, refused: number } {
    this.forget()
    return { taken: this.taken.size, refused: this.refused.size }
  }

  private seen (id: string): boolean {
    return this.taken.has(id) || this.refused.has(id)
  }

  /** Forgets the heads remembered long enough (the oldest first: they were taken in order). */
  private forget (): void {
    const t = this.monotonic()
    for (const [id, x] of this.taken) {
      if (x.until > t) break
      this.taken.delete(id)
      const n = (this.perClient.get(x.client) ?? 1) - 1
      if (n <= 0) this.perClient.delete(x.client)
      else this.perClient.set(x.client, n)
    }
    for (const [id, x] of this.refused) {
      if (x.until > t) break
      this.dropRefused(id)
    }
  }

  /** The keys with page key `pageHex` (kept, most recently used last); null for a key no secret can be agreed with (a point of small order). */
  private keysOf (pageHex: string): SealKeys | null {
    const kept = this.pages.get(pageHex)
    if (kept !== undefined) {
      this.pages.delete(pageHex)
      this.pages.set(pageHex, kept)
      return kept
    }
    const keys = this.agree(pageHex)
    if (keys === null) return null
    this.pages.set(pageHex, keys)
    if (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as string)
    return keys
  }

  /** The keys agreed with page key `pageHex`; null for a key no secret can be agreed with. */
  private agree (pageHex: string): SealKeys | null {
    const page = Buffer.from(pageHex, 'hex')
    let shared: Buffer
    try {
      shared = diffieHellman({ privateKey: this.secret, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, page]), format: 'der', type: 'spki' }) })
    } catch { return null }
    return sealKeys(shared, page, this.key)
  }
}

/** Reads `stream` whole, refusing more than `limit` bytes. @throws HypergasError OVERSIZED */
async function readAll (stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let n = 0
  for await (const part of stream) {
    n += (part as Buffer).length
    if (n > limit) throw new HypergasError('OVERSIZED', 'the request\'s body is too large')
    parts.push(part as Buffer)
  }
  return Buffer.concat(parts)
}

/**
 * Opens the head of a sealed request, if it is one, and puts the session key it carries where
 * src/http/auth.ts reads it (a header in clear is dropped: a sealed request's login is the one in
 * its head). Call before anything asks who the request is; the head is taken later, past the rate
 * limiter ({@link sealRoutes}).
 * @throws HypergasError BAD_SEAL as {@link NodeSeal.open}
 */
export function openSealedHead (req: FastifyRequest, seals: NodeSeal): void {
  const value = req.headers[SEAL_HEADER]
  if (value === undefined) return
  if (typeof value !== 'string') throw badSeal('invalid', 'the sealed request\'s header is not valid')
  const { opened, head } = seals.open(value, req.method, req.url)
  req.sealed = opened
  if (head.k === null) delete req.headers[SESSION_HEADER]
  else req.headers[SESSION_HEADER] = head.k
}

/**
 * Registers `GET /api/seal` (the node's key) and the hooks that take a sealed request's head
 * ({@link NodeSeal.take}, after every onRequest hook: the rate limiter's included), open its body
 * and seal its answer (a box of the response key bound to the head's nonce, with the answer's own
 * content type in {@link INNER_TYPE_HEADER}, and no `content-disposition`). A sealed request's
 * body must be sealed too.
 * @throws HypergasError BAD_SEAL (from the hooks) `again`, `busy` or `invalid`
 */
export function sealRoutes (app: FastifyInstance, seals: NodeSeal): void {
  app.decorateRequest('sealed', null)
  app.get('/api/seal', async () => ({ key: seals.key.toString('hex') }))
  app.addHook('preParsing', async (req, _reply, payload) => {
    const s = req.sealed
    // Past the rate limiter (its hooks are the routes' onRequest): only now is the head remembered,
    // by the routes it limits. The node's key and a page not found answer the same to anyone:
    // served again they give nothing away, so their heads take no memory.
    if (s !== null && !req.is404 && req.routeOptions.url !== '/api/seal') seals.take(s, req.client)
    const bodyless = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0')
    if (s === null || bodyless) return payload
    if (req.headers['content-type'] !== SEALED_TYPE) throw badSeal('invalid', 'a sealed request\'s body must be sealed too')
    const box = await readAll(payload, (req.routeOptions.bodyLimit ?? 64 * 1024) + NONCE_BYTES + 16)
    const plain = unseal(s.keys.request, box, s.nonce)
    if (plain === null) throw badSeal('invalid', 'the sealed request\'s body was not sealed with its head')
    req.headers['content-type'] = 'application/json'
    req.headers['content-length'] = String(plain.length)
    return Readable.from([Buffer.from(plain)])
  })
  app.addHook('onSend', async (req, reply, payload) => {
    const s = req.sealed
    if (s === null) return payload
    let bytes: Buffer
    if (payload === null || payload === undefined) bytes = Buffer.alloc(0)
    else if (typeof payload === 'string') bytes = Buffer.from(payload, 'utf8')
    else if (Buffer.isBuffer(payload)) bytes = payload
    else throw new HypergasError('INTERNAL', 'a sealed request\'s answer is a stream') // none of the API's is
    void reply.header(INNER_TYPE_HEADER, String(reply.getHeader('content-type') ?? 'application/json'))
    void reply.header('content-type', SEALED_TYPE)
    // A download's name holds a member's or a purchase's (the page names the file itself).
    void reply.removeHeader('content-disposition')
    return Buffer.from(seal(s.keys.response, bytes, s.nonce))
  })
}
