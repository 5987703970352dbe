/**
 * Live updates (SPEC §7 web view), as Server-Sent Events on `GET /api/events`: one "update"
 * event with the act counts whenever the node's state changes, and a comment every 15 s to keep
 * proxies from closing the stream. Nothing personal, but more than the group's name: any page may
 * follow it to know when to read again, except under `--public name`, where members only may
 * (a logged-in page sends its session key: src/web/session.ts `follow`). There a stream is asked
 * again at every event and keep-alive, and ends once its login no longer holds (logged out,
 * expired, its link revoked, the member removed). Bounded: at most {@link MAX_STREAMS} open,
 * {@link MAX_STREAMS_PER_CLIENT} per client, {@link MAX_ANONYMOUS_STREAMS} for pages nobody logged
 * in to; the event is built once for all streams.
 */
import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { actCounts } from '../api/views.js'
import { HypergasError } from '../errors.js'
import type { GasNode } from '../node/node.js'
import type { Who } from './auth.js'
import { mayReadPublic, type RoutesOptions } from './routes.js'

/** Live update streams open at once, and per client (an address or an IPv6 /64, src/http/clients.ts; or a login). */
export const MAX_STREAMS = 256
export const MAX_STREAMS_PER_CLIENT = 8
/**
 * Of {@link MAX_STREAMS}, what pages nobody logged in to may hold: anonymous clients from many
 * addresses could otherwise take every stream and leave the members none (the rest is theirs).
 */
export const MAX_ANONYMOUS_STREAMS = 128
const KEEP_ALIVE_MS = 15_000

/**
 * Registers `GET /api/events` on `app`, fed by `node`'s 'update' event; `headers` go on every
 * stream's answer; `o.publicView` says who may follow, and `whoNow` answers who a request stands
 * for at the moment it is called (not the answer cached at its start). The streams end when the
 * app closes.
 * @throws HypergasError (answered) UNAUTHORIZED to an anonymous request under `--public name`;
 *   RATE_LIMITED past {@link MAX_STREAMS}, {@link MAX_STREAMS_PER_CLIENT} or {@link MAX_ANONYMOUS_STREAMS}
 */
export function eventRoutes (app: FastifyInstance, node: GasNode, headers: Record<string, string>, o: Pick<RoutesOptions, 'publicView'>, whoNow: (req: FastifyRequest) => Who): void {
  const streams = new Map<ServerResponse, { client: string, anonymous: boolean, req: FastifyRequest }>()
  let last = ''
  /** Writes `text` to every stream whose reader may still follow; ends the others. */
  const send = (text: string): void => {
    for (const [res, s] of streams) {
      if (o.publicView === 'name') {
        try { mayReadPublic(o, whoNow(s.req), 'live updates') } catch { streams.delete(res); res.end(); continue }
      }
      res.write(text)
    }
  }
  const broadcast = (): void => {
    const v = node.view
    if (v === null) return
    // The counts only: they change with every act, and cost nothing. The state hash (hashing the
    // whole state, ~100 ms at 100,000 acts) is in /api/status for whoever needs it (issue 18 item 7).
    const event = `event: update\ndata: ${JSON.stringify({ acts: actCounts(v) })}\n\n`
    if (event === last) return
    last = event
    send(event)
  }
  broadcast()
  node.on('update', broadcast)
  const beat = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS)
  beat.unref()
  // Before the server waits for its connections to end: end the streams, which never would.
  app.addHook('preClose', async () => {
    clearInterval(beat)
    node.off('update', broadcast)
    for (const res of streams.keys()) res.end()
  })
  app.get('/api/events', (req, reply) => {
    mayReadPublic(o, req.who, 'live updates')
    // A page logged in counts by its login (phones behind one address); anyone else by address,
    // as the rate limit counts (src/http/clients.ts).
    const w = req.who
    const anonymous = !w.admin && !w.local && w.member === null
    const client = anonymous ? `ip:${req.client}` : w.member !== null ? `member:${w.member}` : `admin:${req.ip}`
    let same = 0
    let strangers = 0
    for (const x of streams.values()) {
      if (x.client === client) same++
      if (x.anonymous) strangers++
    }
    if (streams.size >= MAX_STREAMS || same >= MAX_STREAMS_PER_CLIENT || (anonymous && strangers >= MAX_ANONYMOUS_STREAMS)) {
      throw new HypergasError('RATE_LIMITED', 'too many live update streams open: close another page')
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    if (last !== '') res.write(last)
    streams.set(res, { client, anonymous, req })
    req.raw.on('close', () => streams.delete(res))
  })
}
