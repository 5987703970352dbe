/**
 * The HTTP API and web page served by `hypergas start` (SPEC §7), with fastify. Every request
 * passes the Host and Origin rules (src/http/access.ts); then who it stands for (src/http/auth.ts)
 * decides what it may do:
 *
 * | who                                   | reads                          | acts            |
 * |---------------------------------------|--------------------------------|-----------------|
 * | admin (token, or login session)       | everything                     | admin acts      |
 * | the node's own machine (loopback)     | everything                     | —               |
 * | a member (personal link or key login) | their own data, open purchases | their signed acts |
 * | anyone else                           | group name, open purchases     | signed acts     |
 *
 * Signed acts are verified before anything is kept. Unauthenticated clients are rate-limited per
 * address (@fastify/rate-limit). Errors are JSON: `{ error: { code, message } }`.
 */
import { STATUS_CODES } from 'node:http'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import { ClientKeys } from './clients.js'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { HypergasError, type ErrorCode, type HypergasCode, type RefusalDetails } from '../errors.js'
import { LocalApi, type NoticeWriter } from '../api/api.js'
import type { GasNode } from '../node/node.js'
import { HostNames, checkRequest } from './access.js'
import { authRoutes, requireAdmin, whoIs, type Who } from './auth.js'
import { LazyCompilers } from './compilers.js'
import { eventRoutes } from './events.js'
import { BAD_HOST_PAGE, pageScript, renderPage } from './page.js'
import { actRoutes, lookupRoutes, readRoutes } from './routes.js'
import { Sessions } from './sessions.js'
import { NodeSeal, openSealedHead, sealRoutes } from './sealing.js'

export { MAX_ANONYMOUS_STREAMS, MAX_STREAMS, MAX_STREAMS_PER_CLIENT } from './events.js'
export { SIGNED_PER_MINUTE } from './routes.js'

/** Options of {@link createServer}. */
export interface ServerOptions {
  node: GasNode
  /** The node's token (data directory `token`): admin rights for the CLI and other devices. */
  token: string
  /** The address the server binds to (`--host`), one of the names it answers to. */
  host: string
  /** More host names to answer to (`--allow-host`). */
  allowHosts?: string[]
  /** The browser sessions (the caller mints the login code `start` prints); default a new store. */
  sessions?: Sessions
  /** Requests per minute an unauthenticated client may make (default {@link PUBLIC_PER_MINUTE}); 0: no limit. */
  publicPerMinute?: number
  /**
   * What a device without credentials sees (`--public`): `purchases` (default: the group's name
   * and its open purchases) or `name` (the group's name only). Members see the open purchases
   * either way.
   */
  publicView?: 'purchases' | 'name'
  /** How notices read in an email (the CLI's language); default a plain English line. */
  writer?: NoticeWriter
  /** The route validators' compilers, built on first use (default new ones; tests pass theirs to build them all). */
  compilers?: LazyCompilers
  /** The node's key for sealed requests (src/http/sealing.ts); default a new one. */
  seals?: NodeSeal
  /** The keys clients count under for the rate limits (default: this machine's interfaces, src/http/clients.ts). */
  clientKeys?: ClientKeys
}

/** Requests per minute a client that is neither an admin nor on the node's machine may make. */
export const PUBLIC_PER_MINUTE = 300
/** A member's session (at most 8 per member: src/http/sessions.ts) may make this many times as many. */
export const MEMBER_FACTOR = 4

/** The HTTP status of every code that is not a fold rejection (those are 422). */
const STATUS: Record<ErrorCode, number> = {
  BAD_ENCODING: 422, BAD_VERSION: 422, UNKNOWN_TYPE: 422, BAD_FIELD: 422, BAD_AMOUNT: 422, BAD_KEY: 422, BAD_SIGNATURE: 422, WRONG_GROUP: 422,
  OVERSIZED: 413, BAD_ARGUMENT: 400, NOT_FOUND: 404, DATA_DIR: 500, BAD_INVITE: 422, UNAUTHORIZED: 401, FORBIDDEN: 403, BAD_HOST: 421,
  BAD_ORIGIN: 403, RATE_LIMITED: 429, NOT_RUNNING: 409, PORT_IN_USE: 500, RESTORING: 503, BAD_CHECKPOINT: 500, STALE_CHECKPOINT: 500,
  BAD_BACKUP: 422, BAD_PASSPHRASE: 422, WEAK_PASSPHRASE: 422, PASSPHRASE_MISMATCH: 422, NO_PASSPHRASE: 422, DUPLICATE_ACT: 422,
  PERMISSION: 500, BAD_REQUEST: 400, INTERNAL: 500, MAIL: 502, NO_MAIL_SERVER: 409, ADMIN_ONLINE: 409, STALE_ACT: 422, BUSY: 503, BAD_SEAL: 400
}
const statusOf = (code: HypergasCode): number => (code in STATUS ? STATUS[code as ErrorCode] : 422)

/** Headers on every answer: no sniffing, no embedding in another site, no referrer leaks. */
const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // A member's credit and statement are not kept in a shared phone's browser cache after a
  // logout or a revoked link (the page and its script say `no-cache` themselves).
  'cache-control': 'no-store'
}
const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

declare module 'fastify' {
  interface FastifyRequest {
    who: Who
    /** The key the request's address counts under for rates and quotas ({@link ClientKeys}). */
    client: string
  }
}

/** Builds the fastify app (not yet listening). */
export function createServer (opts: ServerOptions): FastifyInstance {
  const api = new LocalApi(opts.node, false, opts.writer)
  const sessions = opts.sessions ?? new Sessions()
  const names = new HostNames({ bind: opts.host, extra: opts.allowHosts })
  const auth = { node: opts.node, token: opts.token, sessions, links: api.links }
  // Route validators are compiled on first use, the rest once the server listens (compilers.ts).
  const compilers = opts.compilers ?? new LazyCompilers()
  const app = Fastify({
    bodyLimit: 64 * 1024,
    schemaController: { compilersFactory: compilers.compilersFactory },
    // A request fastify refuses before any hook (an address with a malformed %-escape): the same
    // shape, headers and Host rule as every other answer.
    frameworkErrors: (err, req, res) => {
      const reply = res as unknown as FastifyReply
      void reply.headers(SAFE_HEADERS)
      const refusal = checkRequest({ method: req.method, host: req.headers.host, origin: req.headers.origin, fetchSite: req.headers['sec-fetch-site'] as string | undefined }, names)
      if (refusal !== null) return reply.status(statusOf(refusal.code)).send({ error: { code: refusal.code, message: refusal.message } })
      return reply.status(400).send({ error: { code: 'BAD_REQUEST', message: err.code === 'FST_ERR_BAD_URL' ? 'the address is not valid (a malformed %-escape)' : err.message } })
    },
    // A request Node's HTTP parser cannot read (a raw non-ASCII character in the address, a
    // broken header): no route or hook runs, and the answer keeps the API's shape.
    // As fastify's own handler: the status by the parser's code, written if it can be, then the socket destroyed.
    clientErrorHandler: (err, socket) => {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ECONNRESET' || socket.destroyed) return
      const [status, refusal, message] = code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'BAD_REQUEST', 'the request took too long to arrive']
        : code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'OVERSIZED', 'the request\'s headers are too large']
          : [400, 'BAD_REQUEST', 'the request could not be read (in an address, write every character outside ASCII as a %-escape)']
      const body = JSON.stringify({ error: { code: refusal, message } })
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`)
      socket.destroy(err)
    }
  })
  app.addHook('onListen', async () => { compilers.warm() })
  const perMinute = opts.publicPerMinute ?? PUBLIC_PER_MINUTE

  app.decorateRequest('who', null as unknown as Who)
  app.decorateRequest('client', '')
  const clients = opts.clientKeys ?? new ClientKeys()
  const seals = opts.seals ?? new NodeSeal()
  sealRoutes(app, seals)
  /** Who a request is, computed once (the rate limiter asks before the handlers do). */
  const whoOf = (req: FastifyRequest): Who => {
    if (req.who === null) req.who = whoIs(req, auth)
    return req.who
  }
  void app.register(cookie)
  // Host and Origin first: a refused request reaches nothing else, not even the rate limiter.
  // Then the admin routes that take large bodies (a catalogue, a batch of acts) refuse anyone
  // else before the body is read: an unauthenticated request costs no parsing (SPEC §7).
  app.addHook('onRequest', async (req, reply) => {
    req.client = clients.keyOf(req.ip)
    for (const [k, v] of Object.entries(SAFE_HEADERS)) void reply.header(k, v)
    const refusal = checkRequest({ method: req.method, host: req.headers.host, origin: req.headers.origin, fetchSite: req.headers['sec-fetch-site'] as string | undefined }, names)
    if (refusal !== null) throw new HypergasError(refusal.code, refusal.message)
    // A sealed request's login is in its head: opened before anyone asks who the request is,
    // remembered (against replays) only past the rate limiter (src/http/sealing.ts).
    openSealedHead(req, seals)
    if (req.routeOptions.config?.adminOnly === true) requireAdmin(whoOf(req))
  })
  app.addHook('preHandler', async (req) => { whoOf(req) })
  if (perMinute > 0) {
    void app.register(rateLimit, {
      global: true,
      // A member's page refreshes on every update of the group (about ten requests each time):
      // members who proved who they are count per member, with a larger allowance, so phones
      // behind one address (a NAT, or a test on one machine) do not starve each other. Per
      // member, not per session: a new login is no new allowance (logins and signed acts too).
      max: (req: FastifyRequest) => (whoOf(req).member === null ? perMinute : perMinute * MEMBER_FACTOR),
      // Anyone else per address, an IPv6 client per /64 unless on this machine's network
      // (src/http/clients.ts).
      keyGenerator: (req: FastifyRequest) => { const m = whoOf(req).member; return m === null ? req.client : `member:${m}` },
      timeWindow: 60_000,
      // Before the body is read: a client over its limit costs no parsing.
      hook: 'onRequest',
      // The admin and the node's own machine are not limited; everyone else is.
      allowList: (req: FastifyRequest) => whoOf(req).admin || whoOf(req).local,
      // A refused sealed request is never served later (src/http/sealing.ts NodeSeal.refuse).
      onExceeded: (req: FastifyRequest) => { if (req.sealed !== null) seals.refuse(req.sealed, req.client) },
      // Only when to try again: the counts would tell a listener that two devices are one member's.
      addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      errorResponseBuilder: (_req, ctx) => Object.assign(new HypergasError('RATE_LIMITED', `too many requests: try again in ${ctx.after}`), { statusCode: 429 })
    })
  }

  app.setErrorHandler((err, req, reply) => {
    const e = err as Error & { code?: string, statusCode?: number }
    // A browser opening the page by a name the node does not answer to: a page that says so.
    if (e instanceof HypergasError && e.code === 'BAD_HOST' && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      return reply.status(statusOf(e.code)).type('text/html; charset=utf-8').send(BAD_HOST_PAGE)
    }
    if (e instanceof HypergasError) {
      return reply.status(statusOf(e.code)).send({ error: { code: e.code, message: e.reason, ...(e.details === undefined ? {} : { details: e.details }) } })
    }
    if (e.statusCode !== undefined && e.statusCode < 500) {
      const code = e.statusCode === 413 ? 'OVERSIZED' : 'BAD_REQUEST'
      const details = validationDetails(e as FastifyError)
      return reply.status(e.statusCode).send({ error: { code, message: e.message, ...(details === undefined ? {} : { details }) } })
    }
    return reply.status(500).send({ error: { code: 'INTERNAL', message: e.message } })
  })
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such page or endpoint', details: { variant: 'endpoint' } } }))

  // Routes in a plugin registered after the rate limiter, so its per-route limits apply to them.
  const routes = { api, sessions, publicView: opts.publicView ?? 'purchases', limited: perMinute > 0 }
  void app.register(async (r) => {
    r.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').send(renderPage()))
    r.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(pageScript()))
    readRoutes(r, routes)
    lookupRoutes(r, routes)
    actRoutes(r, routes)
    eventRoutes(r, opts.node, SAFE_HEADERS, routes, (req) => whoIs(req, auth))
    authRoutes(r, auth, (req) => req.who)
  })
  return app
}

/**
 * What a request the route's schema refused got wrong, for the interfaces to say it in the
 * reader's language as they say a refused field (src/api/refusal-text.ts): the field (`input`:
 * `q`, `member`), the case (`variant`: `empty`, `tooLong`, `tooMany`) and the limit. Undefined
 * for an error that is not a schema's, or whose first issue names no field.
 */
export function validationDetails (e: FastifyError): RefusalDetails | undefined {
  const issue = e.validation?.[0]
  if (issue === undefined) return undefined
  const missing = issue.keyword === 'required' ? (issue.params as { missingProperty?: unknown }).missingProperty : undefined
  const input = (typeof missing === 'string' ? missing : issue.instancePath.replace(/^\//, '').replaceAll('/', '.')).slice(0, 40)
  if (input === '') return undefined
  const limit = Number((issue.params as { limit?: unknown }).limit)
  if (issue.keyword === 'required' || (issue.keyword === 'minLength' && limit === 1)) return { input, variant: 'empty' }
  if (issue.keyword === 'maxLength' || issue.keyword === 'maxItems') return { input, variant: issue.keyword === 'maxLength' ? 'tooLong' : 'tooMany', limit }
  return { input, detail: (issue.message ?? '').slice(0, 200) }
}
