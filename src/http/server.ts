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
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import type { ServerResponse } from 'node:http'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import { LocalApi, MAX_SIGNED_ACT_HEX } from '../node/api.js'
import { commitmentsCsv, statementCsv } from '../node/csv.js'
import { publicPurchases, publicPurchaseView, publicStatus } from '../node/public-views.js'
import { groupView, resolveMember } from '../node/views.js'
import type { GasNode } from '../node/node.js'
import { HostNames, checkRequest } from './access.js'
import { authRoutes, requireAdmin, whoIs, type Who } from './auth.js'
import { pageScript, renderPage } from './page.js'
import { Sessions } from './sessions.js'

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
}

/** Requests per minute a client that is neither an admin nor on the node's machine may make. */
export const PUBLIC_PER_MINUTE = 300
/** Signed acts per minute such a client may post. */
export const SIGNED_PER_MINUTE = 60
/** Live update streams open at once, and per address. */
export const MAX_STREAMS = 256
export const MAX_STREAMS_PER_CLIENT = 8

const STATUS: Record<string, number> = { NOT_FOUND: 404, UNAUTHORIZED: 401, FORBIDDEN: 403, BAD_ORIGIN: 403, BAD_HOST: 421, OVERSIZED: 413, RATE_LIMITED: 429, RESTORING: 503 }

/** Headers on every answer: no sniffing, no embedding in another site, no referrer leaks. */
const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY'
}
const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

declare module 'fastify' {
  interface FastifyRequest { who: Who }
}

/** Builds the fastify app (not yet listening). */
export function createServer (opts: ServerOptions): FastifyInstance {
  const api = new LocalApi(opts.node)
  const sessions = opts.sessions ?? new Sessions()
  const names = new HostNames({ bind: opts.host, extra: opts.allowHosts })
  const auth = { node: opts.node, token: opts.token, sessions, links: api.links }
  const app = Fastify({ bodyLimit: 64 * 1024 })
  const perMinute = opts.publicPerMinute ?? PUBLIC_PER_MINUTE

  app.decorateRequest('who', null as unknown as Who)
  /** Who a request is, computed once (the rate limiter asks before the handlers do). */
  const whoOf = (req: FastifyRequest): Who => {
    if (req.who === null) req.who = whoIs(req, auth)
    return req.who
  }
  void app.register(cookie)
  // Host and Origin first: a refused request reaches nothing else, not even the rate limiter.
  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SAFE_HEADERS)) void reply.header(k, v)
    const refusal = checkRequest({ method: req.method, host: req.headers.host, origin: req.headers.origin, fetchSite: req.headers['sec-fetch-site'] as string | undefined }, names)
    if (refusal !== null) throw new HypergasError(refusal.code, refusal.message)
  })
  app.addHook('preHandler', async (req) => { whoOf(req) })
  if (perMinute > 0) {
    void app.register(rateLimit, {
      global: true,
      max: perMinute,
      timeWindow: 60_000,
      // Before the body is read: a client over its limit costs no parsing.
      hook: 'onRequest',
      // The admin and the node's own machine are not limited; everyone else is, per address
      // (an IPv6 client per /64, the plugin's default).
      allowList: (req: FastifyRequest) => whoOf(req).admin || whoOf(req).local,
      errorResponseBuilder: (_req, ctx) => Object.assign(new HypergasError('RATE_LIMITED', `too many requests: try again in ${ctx.after}`), { statusCode: 429 })
    })
  }

  app.setErrorHandler((err, _req, reply) => {
    const e = err as Error & { code?: string, statusCode?: number }
    if (e instanceof HypergasError) {
      return reply.status(STATUS[e.code] ?? 422).send({ error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } })
    }
    if (e.statusCode !== undefined && e.statusCode < 500) {
      const code = e.statusCode === 413 ? 'OVERSIZED' : 'BAD_REQUEST'
      return reply.status(e.statusCode).send({ error: { code, message: e.message } })
    }
    return reply.status(500).send({ error: { code: 'INTERNAL', message: e.message } })
  })
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such page or endpoint' } }))

  /** Everything may be read by the admin and on the node's machine. */
  const readsAll = (who: Who): boolean => who.admin || who.local
  /** @throws HypergasError UNAUTHORIZED/FORBIDDEN unless `who` may read member `id`'s data */
  const mayRead = (who: Who, id: MemberId | null): void => {
    if (readsAll(who) || (id !== null && who.member === id)) return
    if (who.member !== null) throw HypergasError.FORBIDDEN('a member reads only their own data')
    throw HypergasError.UNAUTHORIZED('members\' data needs a login: your personal link, your key, or the admin\'s')
  }
  /** The member `ref` names, as far as `who` may know: a member learns nothing of others. */
  const memberFor = (who: Who, ref: string): MemberId => {
    let id: MemberId | null = null
    try { id = resolveMember(opts.node.requireView().state, ref) } catch (err) { if (readsAll(who)) throw err }
    mayRead(who, id)
    return id!
  }

  // The live update streams and the last event sent to them (src: the node's 'update' event).
  const streams = new Map<ServerResponse, string>()
  let lastEvent = ''
  const broadcast = (): void => {
    const v = opts.node.view
    if (v === null) return
    const g = groupView(v)
    const event = `event: update\ndata: ${JSON.stringify({ stateHash: g.stateHash, confirmedStateHash: g.confirmedStateHash, acts: g.acts })}\n\n`
    if (event === lastEvent) return
    lastEvent = event
    for (const res of streams.keys()) res.write(event)
  }
  broadcast()
  opts.node.on('update', broadcast)
  const beat = setInterval(() => { for (const res of streams.keys()) res.write(': keep-alive\n\n') }, 15_000)
  beat.unref()
  // Before the server waits for its connections to end: end the streams, which never would.
  app.addHook('preClose', async () => {
    clearInterval(beat)
    opts.node.off('update', broadcast)
    for (const res of streams.keys()) res.end()
  })

  // Routes in a plugin registered after the rate limiter, so its per-route limits apply to them.
  void app.register(async (r) => routes(r))
  return app

  function routes (app: FastifyInstance): void {
  const paging = {
    querystring: {
      type: 'object',
      properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      additionalProperties: false
    }
  }
  const ref = { params: { type: 'object', required: ['ref'], properties: { ref: { type: 'string', minLength: 1, maxLength: 128 } } } }
  const csv = (name: string, body: string, reply: FastifyReply): FastifyReply =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}.csv"`).send(body)

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').send(renderPage()))
  app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(pageScript()))
  app.get('/api/status', async (req) => readsAll(req.who) ? await api.status() : publicStatus(opts.node.requireView(), req.who.member))
  app.get('/api/members', async (req) => { mayRead(req.who, null); return await api.members() })
  app.get<{ Params: { ref: string } }>('/api/members/:ref', { schema: ref }, async (req) => await api.member(memberFor(req.who, req.params.ref)))
  app.get<{ Params: { ref: string } }>('/api/members/:ref/statement.csv', { schema: ref }, async (req, reply) => {
    const m = await api.member(memberFor(req.who, req.params.ref))
    return csv(`statement-${m.name}`, statementCsv(m.statement), reply)
  })
  /** @throws HypergasError UNAUTHORIZED when the node shows purchases to members only (`--public name`) */
  const mayReadPurchases = (who: Who): void => {
    if (opts.publicView === 'name' && who.member === null && !readsAll(who)) throw HypergasError.UNAUTHORIZED('this group shows its purchases to members only: open your personal link or load your key')
  }
  app.get('/api/purchases', async (req) => {
    if (readsAll(req.who)) return await api.purchases()
    mayReadPurchases(req.who)
    return publicPurchases(opts.node.requireView(), req.who.member)
  })
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref', { schema: ref }, async (req) => {
    if (readsAll(req.who)) return await api.purchase(req.params.ref)
    mayReadPurchases(req.who)
    return publicPurchaseView(opts.node.requireView(), req.params.ref, req.who.member)
  })
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref/commitments.csv', { schema: ref }, async (req, reply) => {
    mayRead(req.who, null)
    const p = await api.purchase(req.params.ref)
    return csv(`order-${String(p.name)}`, commitmentsCsv(p), reply)
  })
  // Live updates (Server-Sent Events): one "update" event with the state hashes and act counts
  // whenever the node's state changes, and a comment every 15 s to keep proxies from closing it.
  // Nothing personal: any page may follow it to know when to read again. Bounded: at most
  // MAX_STREAMS open, MAX_STREAMS_PER_CLIENT per address; the event is built once for all.
  app.get('/api/events', (req, reply) => {
    const client = req.socket.remoteAddress ?? ''
    if (streams.size >= MAX_STREAMS || [...streams.values()].filter((c) => c === client).length >= MAX_STREAMS_PER_CLIENT) {
      throw new HypergasError('RATE_LIMITED', 'too many live update streams open: close another page')
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { ...SAFE_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    if (lastEvent !== '') res.write(lastEvent)
    streams.set(res, client)
    req.raw.on('close', () => streams.delete(res))
  })
  app.get<{ Querystring: { offset: number, limit: number } }>('/api/log', { schema: paging }, async (req) => {
    mayRead(req.who, null)
    return await api.log(req.query.offset, req.query.limit)
  })
  app.post<{ Body: { type: string } & Record<string, unknown> }>('/api/acts', {
    schema: { body: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 64 } } } }
  }, async (req) => {
    requireAdmin(req.who)
    return await api.act(req.body)
  })
  app.post<{ Body: { online: boolean } }>('/api/swarm', {
    schema: { body: { type: 'object', required: ['online'], additionalProperties: false, properties: { online: { type: 'boolean' } } } }
  }, async (req) => {
    requireAdmin(req.who)
    return await api.setOnline(req.body.online)
  })
  app.post<{ Body: { member: string, revoke?: boolean } }>('/api/links', {
    schema: { body: { type: 'object', required: ['member'], additionalProperties: false, properties: { member: { type: 'string', minLength: 1, maxLength: 128 }, revoke: { type: 'boolean' } } } }
  }, async (req) => {
    requireAdmin(req.who)
    const r = await api.link(req.body.member, req.body.revoke === true)
    sessions.closeLinks(r.ended)
    return r
  })
  app.post<{ Body: { act: string } }>('/api/acts/signed', {
    bodyLimit: MAX_SIGNED_ACT_HEX + 1024,
    config: perMinute > 0 ? { rateLimit: { max: SIGNED_PER_MINUTE, timeWindow: 60_000 } } : {},
    schema: { body: { type: 'object', required: ['act'], additionalProperties: false, properties: { act: { type: 'string', maxLength: MAX_SIGNED_ACT_HEX } } } }
  }, async (req) => await api.signedAct(req.body.act))
  authRoutes(app, auth, (req) => req.who)
  }
}
