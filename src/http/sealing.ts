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
/** Pages kept linked (their keys): a new one beyond this forgets the one unused the longest. */
export const MAX_PAGES = 4096
/** How far a head's time may be from the node's clock, ms; heads are remembered this long. */
export const SEAL_SKEW_MS = 5 * 60_000
/** Heads one page may send within {@link SEAL_SKEW_MS}. */
export const MAX_HEADS_PER_PAGE = 4096

/** A page the node links with: its keys, and the nonces of its heads not yet too old (by their time). */
interface PageLink {
  keys: SealKeys
  seen: Map<string, number>
}

/** What an opened request carries for the rest of its way. */
export interface OpenedSeal {
  keys: SealKeys
  /** The head's nonce: the body and the answer are bound to it. */
  nonce: Uint8Array
}

declare module 'fastify' {
  interface FastifyRequest { sealed: OpenedSeal | null }
}

const badSeal = (message: string): HypergasError => new HypergasError('BAD_SEAL', message)

/** The node's key and the pages linked with it (in memory: a restart links every page again). */
export class NodeSeal {
  /** The node's X25519 public key (32 bytes), as `GET /api/seal` gives it in hex. */
  readonly key: Buffer
  private readonly secret: KeyObject
  private readonly pages = new Map<string, PageLink>()
  /**
   * The latest head time of every page forgotten (pushed out by newer ones): a page not known
   * must send heads after it, or a head captured from a forgotten page could be taken again.
   */
  private floor = -Infinity

  /** @param maxPages pages kept linked ({@link MAX_PAGES}) */
  constructor (private readonly now: () => number = Date.now, private readonly maxPages = MAX_PAGES) {
    const { privateKey, publicKey } = generateKeyPairSync('x25519')
    this.secret = privateKey
    this.key = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length)
  }

  /**
   * Opens the head of a request (`value`: its {@link SEAL_HEADER}) to `method` `url`, once: a head
   * seen before, or too far from the node's clock, is refused. A page is remembered only once one
   * of its heads opened (random keys cost a key agreement each, and push no page out).
   * @throws HypergasError BAD_SEAL (a malformed header, a head not sealed for this node — it
   *   restarted since —, changed, replayed or off the clock by more than 5 minutes)
   */
  openHead (value: string, method: string, url: string): { opened: OpenedSeal, head: SealedHead } {
    const m = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{40,2048})$/.exec(value)
    if (m === null) throw badSeal('the sealed request\'s header is not valid')
    const known = this.pages.get(m[1])
    const link = known ?? this.link(m[1])
    const box = Buffer.from(m[2], 'base64url')
    const plain = link === null ? null : unseal(link.keys.request, box, headBinding(method, url))
    if (link === null || plain === null) throw badSeal('the request was not sealed for this node (it restarted since the page opened): load the page again')
    let head: SealedHead
    try { head = JSON.parse(Buffer.from(plain).toString('utf8')) as SealedHead } catch { throw badSeal('the sealed request\'s head is not valid') }
    if (typeof head.t !== 'number' || (head.k !== null && typeof head.k !== 'string')) throw badSeal('the sealed request\'s head is not valid')
    const now = this.now()
    if (Math.abs(head.t - now) > SEAL_SKEW_MS) throw badSeal('the sealed request is older than 5 minutes, or from a clock far from the node\'s: try again')
    if (known === undefined && head.t <= this.floor) throw badSeal('the sealed request is older than this node\'s memory of the page: try again')
    const nonce = box.subarray(0, NONCE_BYTES)
    const id = nonce.toString('hex')
    for (const [n, t] of link.seen) if (t < now - SEAL_SKEW_MS) link.seen.delete(n)
    if (link.seen.has(id)) throw badSeal('this sealed request was sent before: it is not taken twice')
    if (link.seen.size >= MAX_HEADS_PER_PAGE) throw badSeal('too many sealed requests from this page: load it again')
    link.seen.set(id, head.t)
    if (known === undefined) {
      this.pages.set(m[1], link)
      for (const [k, gone] of this.pages) {
        if (this.pages.size <= this.maxPages) break
        this.pages.delete(k)
        for (const t of gone.seen.values()) this.floor = Math.max(this.floor, t)
      }
    } else {
      // Most recently used last: the one unused the longest goes first.
      this.pages.delete(m[1])
      this.pages.set(m[1], link)
    }
    return { opened: { keys: link.keys, nonce: new Uint8Array(nonce) }, head }
  }

  /** The link with page key `pageHex`; null for a key no secret can be agreed with (a point of small order). */
  private link (pageHex: string): PageLink | null {
    const page = Buffer.from(pageHex, 'hex')
    let shared: Buffer
    try {
      shared = diffieHellman({ privateKey: this.secret, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, page]), format: 'der', type: 'spki' }) })
    } catch { return null }
    return { keys: sealKeys(shared, page, this.key), seen: new Map() }
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
 * its head). Call before anything asks who the request is.
 * @throws HypergasError BAD_SEAL as {@link NodeSeal.openHead}
 */
export function openSealedHead (req: FastifyRequest, seals: NodeSeal): void {
  const value = req.headers[SEAL_HEADER]
  if (value === undefined) return
  if (typeof value !== 'string') throw badSeal('the sealed request\'s header is not valid')
  const { opened, head } = seals.openHead(value, req.method, req.url)
  req.sealed = opened
  if (head.k === null) delete req.headers[SESSION_HEADER]
  else req.headers[SESSION_HEADER] = head.k
}

/**
 * Registers `GET /api/seal` (the node's key) and the hooks that open a sealed request's body and
 * seal its answer (a box of the response key bound to the head's nonce, with the answer's own
 * content type in {@link INNER_TYPE_HEADER}). A sealed request's body must be sealed too.
 */
export function sealRoutes (app: FastifyInstance, seals: NodeSeal): void {
  app.decorateRequest('sealed', null)
  app.get('/api/seal', async () => ({ key: seals.key.toString('hex') }))
  app.addHook('preParsing', async (req, _reply, payload) => {
    const s = req.sealed
    const bodyless = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0')
    if (s === null || bodyless) return payload
    if (req.headers['content-type'] !== SEALED_TYPE) throw badSeal('a sealed request\'s body must be sealed too')
    const box = await readAll(payload, (req.routeOptions.bodyLimit ?? 64 * 1024) + NONCE_BYTES + 16)
    const plain = unseal(s.keys.request, box, s.nonce)
    if (plain === null) throw badSeal('the sealed request\'s body was not sealed with its head')
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
    return Buffer.from(seal(s.keys.response, bytes, s.nonce))
  })
}
