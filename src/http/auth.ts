/**
 * Logging in over HTTP (SPEC §7 "Who may read and act over HTTP"): who a request stands for
 * ({@link Who}), and the routes that open a browser session. An admin's browser logs in once with
 * a one-time code minted with the node's token (`hypergas login`, or the link `start` prints); a
 * member's phone with the personal link an admin gave them (`hypergas link`), or by signing a
 * challenge with their key in the page (the key never leaves the browser). A session is an
 * HttpOnly, SameSite=Strict cookie together with a key the page sends inside the sealed head of
 * each request (src/http/sealing.ts puts it in {@link SESSION_HEADER}; another client may send
 * that header in clear, which the page never does).
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authMessage } from '../acts/member-sign.js'
import { verify } from '../crypto.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import type { LinkStore } from '../node/storage/links.js'
import type { GasNode } from '../node/node.js'
import { isLoopbackAddress, isLoopbackName, hostOf } from './access.js'
import { SESSION_MS, type Sessions } from './sessions.js'

/** Who a request stands for. */
export interface Who {
  /** The node's token, or an admin's browser session: may act and read everything. */
  admin: boolean
  /** On the node's own machine (loopback address and name): may read everything, not act. */
  local: boolean
  /** A member who proved who they are: may read their own data. */
  member: MemberId | null
  /** A bearer token was sent and is not this node's (said as such when it is refused). */
  badToken?: true
}

/**
 * Name of the session cookie of the node listening on `port`: a browser keeps cookies per host,
 * not per port, and two nodes on one machine must not overwrite each other's.
 */
export function sessionCookie (port: number): string {
  return `hypergas_session_${port}`
}

/** The header carrying the session key the page got at login (see {@link Session.keyHash}). */
export const SESSION_HEADER = 'x-hypergas-session'

/** Requests a client may make to the login routes per minute (each route, per address). */
export const AUTH_PER_MINUTE = 20

/** What the login routes need. */
export interface AuthOptions {
  node: GasNode
  token: string
  sessions: Sessions
  links: LinkStore
}

function sameSecret (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * True for a request from the node's own machine: a loopback socket, a loopback name with the
 * node's own port in `Host`, and no sign of a proxy in between (a reverse proxy or a tunnel on
 * the machine would otherwise make every client it forwards "local").
 */
function isLocal (req: FastifyRequest): boolean {
  const h = req.headers
  if (h.forwarded !== undefined || h['x-forwarded-for'] !== undefined || h['x-forwarded-host'] !== undefined || h.via !== undefined) return false
  if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackName(hostOf(h.host) ?? '')) return false
  const port = /:(\d+)$/.exec(String(h.host))?.[1] ?? '80'
  // (A socket with no local port is fastify's inject in tests: no port to compare.)
  return req.socket.localPort === undefined || Number(port) === req.socket.localPort
}

/** Who `req` stands for: its bearer token, its session (cookie and key), its address and Host. */
export function whoIs (req: FastifyRequest, opts: AuthOptions): Who {
  const auth = req.headers.authorization
  // The scheme's name is case-insensitive (RFC 9110 §11.1).
  const admin = typeof auth === 'string' && /^bearer /i.test(auth) && sameSecret(auth.slice(7), opts.token)
  const local = isLocal(req)
  const key = req.headers[SESSION_HEADER]
  const s = opts.sessions.get(req.cookies[sessionCookie(req.socket.localPort ?? 0)], typeof key === 'string' ? key : undefined)
  const who: Who = s === null || (s.linkId !== null && !opts.links.has(s.linkId))
    ? { admin, local, member: null }
    // A revoked link, or a member removed from the group since, reads nothing any more.
    : { admin: admin || s.admin, local, member: s.member !== null && opts.node.view?.state.members.has(s.member) !== true ? null : s.member }
  if (typeof auth === 'string' && !admin) who.badToken = true
  return who
}

/** The refusal of a request whose bearer token is not this node's. */
export function badToken (): HypergasError {
  return new HypergasError('UNAUTHORIZED', 'the token sent is not this node\'s: use the one in its data directory (the file "token")', { variant: 'token' })
}

/** @throws HypergasError UNAUTHORIZED unless `who` is an admin */
export function requireAdmin (who: Who): void {
  if (!who.admin && who.badToken === true) throw badToken()
  if (!who.admin) throw new HypergasError('UNAUTHORIZED', 'acting on this node needs an admin\'s login: the node\'s token, or the link "hypergas login" prints', { variant: 'admin' })
}

/** Opens a session: the cookie goes in the answer's header, the key in its body (the page keeps it). */
function startSession (req: FastifyRequest, reply: FastifyReply, sessions: Sessions, s: { admin: boolean, member: MemberId | null, linkId: string | null }): { sessionKey: string } {
  const { id, key } = sessions.open(s)
  reply.setCookie(sessionCookie(req.socket.localPort ?? 0), id, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: SESSION_MS / 1000 })
  return { sessionKey: key }
}

const HEX64 = { type: 'string', pattern: '^[0-9a-f]{64}$' }
const body = (props: Record<string, unknown>): { body: Record<string, unknown> } =>
  ({ body: { type: 'object', required: Object.keys(props), additionalProperties: false, properties: props } })
const limited = { rateLimit: { max: AUTH_PER_MINUTE, timeWindow: 60_000 } }

/** Registers the login routes under `/api/auth/`. */
export function authRoutes (app: FastifyInstance, opts: AuthOptions, who: (req: FastifyRequest) => Who): void {
  const { node, sessions, links } = opts
  // An admin's browser, with a one-time code minted with the token.
  app.post<{ Body: { code: string } }>('/api/auth/admin', { config: limited, schema: body({ code: HEX64 }) }, async (req, reply) => {
    if (!sessions.redeemLoginCode(req.body.code)) throw new HypergasError('UNAUTHORIZED', 'this login link was used already or has expired: run "hypergas login" for a new one', { variant: 'loginCode' })
    return { admin: true, ...startSession(req, reply, sessions, { admin: true, member: null, linkId: null }) }
  })
  app.post('/api/auth/login-code', async (req) => {
    requireAdmin(who(req))
    return sessions.loginCode()
  })
  // A member's phone, with the personal link an admin gave them.
  app.post<{ Body: { secret: string } }>('/api/auth/link', { config: limited, schema: body({ secret: HEX64 }) }, async (req, reply) => {
    const link = links.find(req.body.secret)
    if (link === null || !node.requireView().state.members.has(link.member)) throw new HypergasError('UNAUTHORIZED', 'this personal link is not valid (revoked, or for another node): ask an admin for a new one', { variant: 'link' })
    return { member: link.member, ...startSession(req, reply, sessions, { admin: false, member: link.member, linkId: link.id }) }
  })
  // A member's page, signing a challenge with the key it holds.
  app.post('/api/auth/challenge', { config: limited }, async () => ({ challenge: sessions.challenge() }))
  app.post<{ Body: { member: string, challenge: string, signature: string } }>('/api/auth/key', {
    config: limited,
    schema: body({ member: HEX64, challenge: HEX64, signature: { type: 'string', pattern: '^[0-9a-f]{128}$' } })
  }, async (req, reply) => {
    const { member, challenge, signature } = req.body
    if (!sessions.takeChallenge(challenge)) throw new HypergasError('UNAUTHORIZED', 'the login challenge was used already or has expired: try again', { variant: 'challenge' })
    const msg = authMessage(challenge)
    if (!verify(Buffer.from(signature, 'hex'), msg, Buffer.from(member, 'hex'))) throw HypergasError.BAD_SIGNATURE('the signature of the login does not verify with that key')
    if (!node.requireView().state.members.has(member as MemberId)) throw new HypergasError('UNAUTHORIZED', 'this key is not a member of the group', { variant: 'notMember' })
    return { member, ...startSession(req, reply, sessions, { admin: false, member: member as MemberId, linkId: null }) }
  })
  app.post('/api/auth/logout', async (req, reply) => {
    const name = sessionCookie(req.socket.localPort ?? 0)
    // The cookie alone (it travels in clear) ends nothing: the session key with it does.
    const key = req.headers[SESSION_HEADER]
    if (sessions.get(req.cookies[name], typeof key === 'string' ? key : undefined) !== null) sessions.close(req.cookies[name])
    reply.clearCookie(name, { path: '/' })
    return { loggedOut: true }
  })
  app.get('/api/me', async (req) => {
    const w = who(req)
    return { ...w, name: w.member === null ? null : node.requireView().state.members.get(w.member)?.name ?? null }
  })
}
