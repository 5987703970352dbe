/**
 * The HTTP API served by `hypergas start` (SPEC §7), with fastify. Read endpoints are open to
 * whoever reaches the address the admin chose; act endpoints need the node's token or a request
 * from the local machine. Errors are JSON: `{ error: { code, message } }`.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { HypergasError } from '../errors.js'
import { LocalApi, MAX_SIGNED_ACT_HEX } from '../node/api.js'
import { commitmentsCsv, statementCsv } from '../node/csv.js'
import { groupView } from '../node/views.js'
import type { GasNode } from '../node/node.js'
import { pageScript, renderPage } from './page.js'

/** Options of {@link createServer}. */
export interface ServerOptions {
  node: GasNode
  /** Token that authorises act endpoints from other machines. */
  token: string
}

const STATUS: Record<string, number> = { NOT_FOUND: 404, UNAUTHORIZED: 401, OVERSIZED: 413, RESTORING: 503 }

function isLocal (req: FastifyRequest): boolean {
  const a = req.socket.remoteAddress ?? ''
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1'
}

/** Builds the fastify app (not yet listening). */
export function createServer (opts: ServerOptions): FastifyInstance {
  const api = new LocalApi(opts.node)
  const app = Fastify({ bodyLimit: 64 * 1024 })

  const authorize = (req: FastifyRequest): void => {
    if (isLocal(req)) return
    if (req.headers.authorization !== `Bearer ${opts.token}`) throw HypergasError.UNAUTHORIZED('act endpoints need the node token from another machine')
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

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(renderPage()))
  app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(pageScript()))
  app.get('/api/status', async () => await api.status())
  app.get('/api/members', async () => await api.members())
  app.get<{ Params: { ref: string } }>('/api/members/:ref', { schema: ref }, async (req) => await api.member(req.params.ref))
  app.get<{ Params: { ref: string } }>('/api/members/:ref/statement.csv', { schema: ref }, async (req, reply) => {
    const m = await api.member(req.params.ref)
    return csv(`statement-${String(m.name)}`, statementCsv(m.statement), reply)
  })
  app.get('/api/purchases', async () => await api.purchases())
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref', { schema: ref }, async (req) => await api.purchase(req.params.ref))
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref/commitments.csv', { schema: ref }, async (req, reply) => {
    const p = await api.purchase(req.params.ref)
    return csv(`order-${String(p.name)}`, commitmentsCsv(p), reply)
  })
  // Live updates (Server-Sent Events): one "update" event with the state hashes and act counts
  // whenever the node's state changes, and a comment every 15 s to keep proxies from closing it.
  app.get('/api/events', (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    let last = ''
    const send = (): void => {
      const v = opts.node.view
      if (v === null) return
      const g = groupView(v)
      const data = JSON.stringify({ stateHash: g.stateHash, confirmedStateHash: g.confirmedStateHash, acts: g.acts })
      if (data !== last) res.write(`event: update\ndata: ${data}\n\n`)
      last = data
    }
    send()
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    opts.node.on('update', send)
    req.raw.on('close', () => { clearInterval(beat); opts.node.off('update', send) })
  })
  app.get<{ Querystring: { offset: number, limit: number } }>('/api/log', { schema: paging }, async (req) => await api.log(req.query.offset, req.query.limit))
  app.post<{ Body: { type: string } & Record<string, unknown> }>('/api/acts', {
    schema: { body: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } }
  }, async (req) => {
    authorize(req)
    return await api.act(req.body)
  })
  app.post<{ Body: { online: boolean } }>('/api/swarm', {
    schema: { body: { type: 'object', required: ['online'], additionalProperties: false, properties: { online: { type: 'boolean' } } } }
  }, async (req) => {
    authorize(req)
    return await api.setOnline(req.body.online)
  })
  app.post<{ Body: { act: string } }>('/api/acts/signed', {
    bodyLimit: MAX_SIGNED_ACT_HEX + 1024,
    schema: { body: { type: 'object', required: ['act'], additionalProperties: false, properties: { act: { type: 'string', maxLength: MAX_SIGNED_ACT_HEX } } } }
  }, async (req) => await api.signedAct(req.body.act))
  return app
}
