/**
 * The read and act routes of the HTTP API (SPEC §7), each with who may call it (the table in
 * src/http/server.ts). Answers come from {@link LocalApi} for the admin and the node's own
 * machine, and from the public read model (src/api/public-views.ts) for everyone else.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { LocalApi, MAX_QUERY_CHARS, MAX_SIGNED_ACT_HEX, type ActRequest } from '../api/api.js'
import { commitmentsCsv, reportCsv, statementCsv } from '../api/csv.js'
import { MAX_CATALOGUE_BYTES } from '../api/gdxp.js'
import { exportGdxp } from '../api/gdxp-export.js'
import { localDay } from '../local-time.js'
import { publicPurchases, publicPurchaseView, publicStatus } from '../api/public-views.js'
import { resolveMember } from '../api/views.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import { badToken, requireAdmin, type Who } from './auth.js'
import type { Sessions } from './sessions.js'

/** Signed acts per minute a client that is neither an admin nor the node's machine may post. */
export const SIGNED_PER_MINUTE = 60

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An admin route with a large body: refused to anyone else before the body is read (src/http/server.ts). */
    adminOnly?: boolean
  }
}

/** What the routes need. */
export interface RoutesOptions {
  api: LocalApi
  sessions: Sessions
  /** `--public`: what a device without a login sees (src/http/server.ts). */
  publicView: 'purchases' | 'name'
  /** False when the rate limiter is off (benchmarks): no per-route limits then. */
  limited: boolean
}

/** Everything may be read by the admin and on the node's machine. */
const readsAll = (who: Who): boolean => who.admin || who.local

/** @throws HypergasError UNAUTHORIZED/FORBIDDEN unless `who` may read member `id`'s data */
function mayRead (who: Who, id: MemberId | null): void {
  if (readsAll(who) || (id !== null && who.member === id)) return
  if (who.member !== null) throw HypergasError.FORBIDDEN('a member reads only their own data')
  if (who.badToken === true) throw badToken()
  throw new HypergasError('UNAUTHORIZED', 'members\' data needs a login: your personal link, your key, or the admin\'s', { variant: 'login' })
}

/**
 * What a device without a login may read beyond the group's name: the open purchases, the
 * directory and the live updates, unless the node shows them to members only (`--public name`).
 * @throws HypergasError UNAUTHORIZED for an anonymous request under `--public name`
 */
export function mayReadPublic (o: Pick<RoutesOptions, 'publicView'>, who: Who, what: 'purchases' | 'directory' | 'live updates'): void {
  if (o.publicView === 'name' && who.member === null && !readsAll(who)) throw new HypergasError('UNAUTHORIZED', `this group shows its ${what} to members only: open your personal link or load your key`, { variant: 'membersOnly' })
}

const paging = {
  querystring: {
    type: 'object',
    properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
    additionalProperties: false
  }
}
const ref = { params: { type: 'object', required: ['ref'], properties: { ref: { type: 'string', minLength: 1, maxLength: 128 } } } }

function csv (name: string, body: string, reply: FastifyReply): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]+/g, '_')}.csv"`).send(body)
}

/** Registers the read routes: status, members, statements, purchases, the log. */
export function readRoutes (app: FastifyInstance, o: RoutesOptions): void {
  const node = o.api.node
  /** The member `ref` names, as far as `who` may know: a member learns nothing of others. */
  const memberFor = (who: Who, ref: string): MemberId => {
    let id: MemberId | null = null
    try { id = resolveMember(node.requireView().state, ref) } catch (err) { if (readsAll(who)) throw err }
    mayRead(who, id)
    return id!
  }
  app.get('/api/status', async (req) => readsAll(req.who) ? await o.api.status() : publicStatus(node.requireView(), req.who.member, o.api.presence()))
  app.get('/api/members', async (req) => { mayRead(req.who, null); return await o.api.members() })
  app.get<{ Params: { ref: string } }>('/api/members/:ref', { schema: ref }, async (req) => await o.api.member(memberFor(req.who, req.params.ref)))
  // A statement as CSV (`lang=it`: Italian words, ";" and decimal commas, as the page in Italian asks it).
  app.get<{ Params: { ref: string }, Querystring: { lang?: 'it' | 'en' } }>('/api/members/:ref/statement.csv', { schema: { ...ref, querystring: { type: 'object', additionalProperties: false, properties: { lang: { type: 'string', enum: ['it', 'en'] } } } } }, async (req, reply) => {
    const m = await o.api.member(memberFor(req.who, req.params.ref))
    return csv(`statement-${m.name}`, statementCsv(m.statement, req.query.lang ?? 'en'), reply)
  })
  app.get('/api/purchases', async (req) => {
    if (readsAll(req.who)) return await o.api.purchases()
    mayReadPublic(o, req.who, 'purchases')
    return publicPurchases(node.requireView(), req.who.member)
  })
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref', { schema: ref }, async (req) => {
    if (readsAll(req.who)) return await o.api.purchase(req.params.ref)
    mayReadPublic(o, req.who, 'purchases')
    return publicPurchaseView(node.requireView(), req.params.ref, req.who.member)
  })
  // The order for the supplier as GDXP (SPEC §4.5), as `hypergas purchase <ref> --gdxp` writes it; dated in the node's time zone.
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref/order.gdxp.json', { schema: ref }, async (req, reply) => {
    mayRead(req.who, null)
    const p = await o.api.purchase(req.params.ref)
    const body = exportGdxp(p, node.requireView().state.groupName, localDay(Date.now()), localDay)
    return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="order-${p.name.replace(/[^\w.-]+/g, '_')}.gdxp.json"`).send(body)
  })
  app.get<{ Params: { ref: string } }>('/api/purchases/:ref/commitments.csv', { schema: ref }, async (req, reply) => {
    mayRead(req.who, null)
    const p = await o.api.purchase(req.params.ref)
    return csv(`order-${String(p.name)}`, commitmentsCsv(p), reply)
  })
  app.get<{ Querystring: { offset: number, limit: number } }>('/api/log', { schema: paging }, async (req) => {
    mayRead(req.who, null)
    return await o.api.log(req.query.offset, req.query.limit)
  })
}

/** Registers the routes of what members look up: notices, the directory and matches, the report, transfers. */
export function lookupRoutes (app: FastifyInstance, o: RoutesOptions): void {
  // Notices: a member's own (logged in), or any member's and the admin's where everything is read.
  app.get<{ Querystring: { member?: string } }>('/api/notices', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { member: { type: 'string', minLength: 1, maxLength: 128 } } } }
  }, async (req) => {
    if (readsAll(req.who)) return await o.api.notices(req.query.member ?? null)
    if (req.who.member === null) throw new HypergasError('UNAUTHORIZED', 'notices are for members: open your personal link or load your key', { variant: 'login' })
    return { member: (await o.api.notices(req.who.member)).member, admin: [] }
  })
  // The directory: suppliers and catalogues are public; members' offers and wants are for members.
  app.get<{ Querystring: { q: string, listings?: boolean } }>('/api/search', {
    schema: { querystring: { type: 'object', required: ['q'], additionalProperties: false, properties: { q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS }, listings: { type: 'boolean' } } } }
  }, async (req) => {
    mayReadPublic(o, req.who, 'directory')
    return await o.api.search(req.query.q, req.query.listings !== false && (readsAll(req.who) || req.who.member !== null))
  })
  app.get<{ Querystring: { member?: string } }>('/api/matches', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { member: { type: 'string', minLength: 1, maxLength: 128 } } } }
  }, async (req) => {
    const ref = readsAll(req.who) ? req.query.member ?? null : req.who.member
    if (ref === null) throw new HypergasError('UNAUTHORIZED', 'matches are for members: open your personal link or load your key', { variant: 'login' })
    return await o.api.matches(ref)
  })
  const period = { querystring: { type: 'object', additionalProperties: false, properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 }, lang: { type: 'string', enum: ['it', 'en'] } } } }
  app.get<{ Querystring: { from?: number, to?: number } }>('/api/report', { schema: period }, async (req) => {
    mayRead(req.who, null)
    return await o.api.report(req.query.from ?? null, req.query.to ?? null)
  })
  // The same as CSV for a spreadsheet (`lang=it`: ";" and decimal commas).
  app.get<{ Querystring: { from?: number, to?: number, lang?: 'it' | 'en' } }>('/api/report.csv', { schema: period }, async (req, reply) => {
    mayRead(req.who, null)
    return csv('report', reportCsv(await o.api.report(req.query.from ?? null, req.query.to ?? null), req.query.lang ?? 'en'), reply)
  })
  // Transfers: every one where everything is read; a member's own otherwise.
  app.get('/api/transfers', async (req) => {
    if (readsAll(req.who)) return await o.api.transfers()
    if (req.who.member === null) throw new HypergasError('UNAUTHORIZED', 'transfers are personal: open your personal link or load your key', { variant: 'login' })
    return (await o.api.transfers()).filter((x) => x.from === req.who.member || x.to === req.who.member)
  })
  // A payee by name (in any case, or without its accents when that names one member), for a member's transfer (id and name only).
  app.get<{ Querystring: { name: string } }>('/api/payee', {
    schema: { querystring: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 64 } } } }
  }, async (req) => {
    if (!readsAll(req.who) && req.who.member === null) throw new HypergasError('UNAUTHORIZED', 'transfers are for members: open your personal link or load your key', { variant: 'login' })
    return await o.api.payee(req.query.name)
  })
}

/** Registers the act routes: admin acts, the swarm switch, personal links, member-signed acts. */
export function actRoutes (app: FastifyInstance, o: RoutesOptions): void {
  app.post<{ Body: ActRequest }>('/api/acts', {
    schema: { body: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 64 } } } }
  }, async (req) => {
    requireAdmin(req.who)
    // Typed as a request, but any JSON object with a type: LocalApi.act validates every field.
    return await o.api.act(req.body)
  })
  app.post<{ Body: { acts: ActRequest[] } }>('/api/acts/batch', {
    bodyLimit: 2 * 1024 * 1024,
    config: { adminOnly: true },
    schema: { body: { type: 'object', required: ['acts'], additionalProperties: false, properties: { acts: { type: 'array', minItems: 1, maxItems: 4096, items: { type: 'object', required: ['type'] } } } } }
  }, async (req) => {
    requireAdmin(req.who)
    return await o.api.actAll(req.body.acts)
  })
  app.post<{ Params: { ref: string }, Body: { text: string } }>('/api/purchases/:ref/catalogue', {
    // (JSON's escapes and UTF-8 may double a text's size; only an admin's body is read.)
    bodyLimit: 2 * MAX_CATALOGUE_BYTES,
    config: { adminOnly: true },
    schema: { ...ref, body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: MAX_CATALOGUE_BYTES } } } }
  }, async (req) => {
    requireAdmin(req.who)
    return await o.api.importCatalogue(req.params.ref, req.body.text)
  })
  app.post('/api/notices/send', async (req) => {
    requireAdmin(req.who)
    return await o.api.sendNotices()
  })
  app.post<{ Body: { online: boolean } }>('/api/swarm', {
    schema: { body: { type: 'object', required: ['online'], additionalProperties: false, properties: { online: { type: 'boolean' } } } }
  }, async (req) => {
    requireAdmin(req.who)
    return await o.api.setOnline(req.body.online)
  })
  app.post<{ Body: { member: string, revoke?: boolean } }>('/api/links', {
    schema: { body: { type: 'object', required: ['member'], additionalProperties: false, properties: { member: { type: 'string', minLength: 1, maxLength: 128 }, revoke: { type: 'boolean' } } } }
  }, async (req) => {
    requireAdmin(req.who)
    const r = await o.api.link(req.body.member, req.body.revoke === true)
    o.sessions.closeLinks(r.ended)
    return r
  })
  app.post<{ Body: { act: string } }>('/api/acts/signed', {
    bodyLimit: MAX_SIGNED_ACT_HEX + 1024,
    config: o.limited ? { rateLimit: { max: SIGNED_PER_MINUTE, timeWindow: 60_000 } } : {},
    schema: { body: { type: 'object', required: ['act'], additionalProperties: false, properties: { act: { type: 'string', maxLength: MAX_SIGNED_ACT_HEX } } } }
  }, async (req) => await o.api.signedAct(req.body.act, (author) => req.who.admin || req.who.local || req.who.member === author))
}
