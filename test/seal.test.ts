// SPEC §7 "member data is personal" over plain HTTP on a LAN: the page seals its requests
// (src/seal.ts) and the node its answers (src/http/sealing.ts). What travels holds neither the
// session key, nor the personal link, nor a member's credit; a sealed request is taken once.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { INNER_TYPE_HEADER, PageSeal, SEAL_HEADER, SEALED_TYPE, type SealedHead, type SealedRequest } from '../src/seal.js'
import { createServer } from '../src/http/server.js'
import { MAX_REFUSED_PER_CLIENT, NodeSeal, SEAL_PAST_MS } from '../src/http/sealing.js'
import type { HypergasError } from '../src/errors.js'
import { GasNode } from '../src/node/node.js'
import { LinkStore } from '../src/node/storage/links.js'
import { person } from './helpers/fixtures.js'

type Row = Record<string, unknown>
const marta = person('seal-marta')
/** A LAN client, not the node's own machine: only a login reads a member's data. */
const LAN = { remoteAddress: '192.168.1.20', host: 'gas.local:8080' }

/** Opens a head and takes it from `client`, as a request the rate limiter let through. */
function openHead (node: NodeSeal, value: string, method: string, url: string, client: string): ReturnType<NodeSeal['open']> {
  const r = node.open(value, method, url)
  node.take(r.opened, client)
  return r
}

async function setUp (t: { teardown: (fn: () => Promise<void>) => void }, now = Date.now, publicPerMinute?: number): Promise<{ app: ReturnType<typeof createServer>, link: string, seals: NodeSeal }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-seal-'))
  const node = await GasNode.open({ dir, createIdentity: true })
  await node.createGroup('Sealed', 'Anna')
  await node.submit({ type: 'VoteRegisterMember', name: 'Marta', member: marta.id })
  await node.submit({ type: 'Deposit', member: marta.id, cents: 4321 })
  const secret = new LinkStore(dir).create(marta.id, new Date()).secret
  const seals = new NodeSeal(now, () => performance.now())
  const app = createServer({ node, token: 'tok', host: '0.0.0.0', allowHosts: ['gas.local'], seals, publicPerMinute })
  t.teardown(async () => { await app.close(); await node.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  return { app, link: secret, seals }
}

/** A request as the page sends it: sealed head (and body); answers the status, the opened answer and what travelled. */
async function sealedCall (app: ReturnType<typeof createServer>, seal: PageSeal, url: string, head: SealedHead, body?: unknown, cookie = ''): Promise<{ status: number, json: Row, wire: string, header: string, cookie: string, disposition: string }> {
  const r = seal.request(body === undefined ? 'GET' : 'POST', url, head, body === undefined ? undefined : JSON.stringify(body))
  const res = await app.inject({
    method: body === undefined ? 'GET' : 'POST',
    url,
    ...LAN,
    headers: { host: LAN.host, cookie, [SEAL_HEADER]: r.header, ...(r.body === undefined ? {} : { 'content-type': SEALED_TYPE }) },
    ...(r.body === undefined ? {} : { payload: Buffer.from(r.body) })
  })
  const raw = res.rawPayload
  const sealedAnswer = res.headers['content-type'] === SEALED_TYPE
  const plain = sealedAnswer ? r.open(raw) : raw
  const text = plain === null ? '' : Buffer.from(plain).toString('utf8')
  return { status: res.statusCode, json: text.startsWith('{') ? JSON.parse(text) as Row : {}, wire: `${r.header} ${JSON.stringify(res.headers)} ${raw.toString('latin1')} ${r.body === undefined ? '' : Buffer.from(r.body).toString('latin1')}`, header: String(res.headers[INNER_TYPE_HEADER] ?? ''), cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; '), disposition: String(res.headers['content-disposition'] ?? '') }
}

test('sealed: a member logs in with a personal link and reads their credit; neither the link, the session key nor the credit travels in clear', async (t) => {
  const { app, link } = await setUp(t)
  const key = JSON.parse((await app.inject({ url: '/api/seal', ...LAN, headers: { host: LAN.host } })).body) as { key: string }
  t.ok(/^[0-9a-f]{64}$/.test(key.key), 'the node\'s key is public')
  const seal = new PageSeal(key.key)
  const login = await sealedCall(app, seal, '/api/auth/link', { t: Date.now(), k: null }, { secret: link })
  t.is(login.status, 200, JSON.stringify(login.json))
  const sessionKey = login.json.sessionKey as string
  t.ok(typeof sessionKey === 'string' && sessionKey.length > 20, 'the session key, inside the sealed answer')
  t.is(login.header, 'application/json; charset=utf-8', 'the answer\'s own type is said beside the box')
  t.absent(login.wire.includes(link), 'the personal link does not travel in clear')
  t.absent(login.wire.includes(sessionKey), 'nor the session key')
  const me = await sealedCall(app, seal, `/api/members/${marta.id}`, { t: Date.now(), k: sessionKey }, undefined, login.cookie)
  t.is(me.status, 200, JSON.stringify(me.json))
  t.is(me.json.creditCents, 4321, 'the member reads their credit')
  t.absent(/4321|43[.,]21|Marta/.test(me.wire), 'which does not travel in clear (nor their name)')
  t.absent(me.wire.includes(sessionKey), 'the session key is in the sealed head only')
  // Without the session key in the head the same request is a stranger's.
  const stranger = await sealedCall(app, new PageSeal(key.key), `/api/members/${marta.id}`, { t: Date.now(), k: null }, undefined, login.cookie)
  t.is(stranger.status, 401, 'the cookie that travels in clear, without the session key in the head, reads nothing of hers')
  const clear = await app.inject({ url: `/api/members/${marta.id}`, ...LAN, headers: { host: LAN.host, cookie: login.cookie } })
  t.is(clear.statusCode, 401, 'nor without a seal')
  // The statement's file name holds her name: not said beside the sealed answer.
  const csv = await sealedCall(app, seal, `/api/members/${marta.id}/statement.csv`, { t: Date.now(), k: sessionKey }, undefined, login.cookie)
  t.is(csv.header, 'text/csv; charset=utf-8')
  t.absent(/Marta/.test(csv.wire), `no name in what travels: ${csv.disposition}`)
  // The cookie heard on the Wi-Fi does not log her out.
  await app.inject({ method: 'POST', url: '/api/auth/logout', ...LAN, headers: { host: LAN.host, cookie: login.cookie, 'content-type': 'application/json' }, payload: '{}' })
  t.is((await sealedCall(app, seal, `/api/members/${marta.id}`, { t: Date.now(), k: sessionKey }, undefined, login.cookie)).status, 200, 'a logout with the cookie alone ends nothing')
})

test('sealed: a request sent twice, changed, moved to another address, off the clock or for another node is refused BAD_SEAL', async (t) => {
  let clock = Date.now()
  const { app } = await setUp(t, () => clock)
  const key = (JSON.parse((await app.inject({ url: '/api/seal', ...LAN, headers: { host: LAN.host } })).body) as { key: string }).key
  const seal = new PageSeal(key)
  /** The status, and the error's code; `sealed` for an answer sealed for the page, unless `r` opens it. */
  const send = async (url: string, header: string, extra: Row = {}, r?: SealedRequest): Promise<{ status: number, code: string }> => {
    const res = await app.inject({ method: 'GET', url, ...LAN, headers: { host: LAN.host, [SEAL_HEADER]: header }, ...extra })
    const opened = res.headers['content-type'] !== SEALED_TYPE ? res.rawPayload : r?.open(res.rawPayload) ?? null
    return { status: res.statusCode, code: opened === null ? 'sealed' : String((JSON.parse(Buffer.from(opened).toString('utf8')) as { error?: { code: string } }).error?.code) }
  }
  const r = seal.request('GET', '/api/me', { t: clock, k: null })
  t.alike(await send('/api/me', r.header), { status: 200, code: 'sealed' }, 'taken once')
  t.alike(await send('/api/me', r.header), { status: 400, code: 'BAD_SEAL' }, 'not twice')
  t.alike(await send('/api/members', seal.request('GET', '/api/me', { t: clock, k: null }).header), { status: 400, code: 'BAD_SEAL' }, 'a head bound to another address')
  const flipped = r.header.slice(0, -2) + (r.header.endsWith('A') ? 'B' : 'A') + r.header.slice(-1)
  t.alike(await send('/api/me', flipped), { status: 400, code: 'BAD_SEAL' }, 'a changed head')
  t.alike(await send('/api/me', seal.request('GET', '/api/me', { t: clock - SEAL_PAST_MS - 1000, k: null }).header), { status: 400, code: 'BAD_SEAL' }, 'a head older than 2 minutes')
  const other = new PageSeal('09'.repeat(32))
  t.alike(await send('/api/me', other.request('GET', '/api/me', { t: clock, k: null }).header), { status: 400, code: 'BAD_SEAL' }, 'sealed for another node (or before a restart)')
  t.alike(await send('/api/me', 'zz.not-a-seal'), { status: 400, code: 'BAD_SEAL' }, 'a malformed header')
  // A body in clear under a sealed head, or a body sealed for another head.
  const post = seal.request('POST', '/api/auth/logout', { t: clock, k: null }, '{}')
  t.alike(await send('/api/auth/logout', post.header, { method: 'POST', payload: '{}', headers: { host: LAN.host, [SEAL_HEADER]: post.header, 'content-type': 'application/json' } }, post), { status: 400, code: 'BAD_SEAL' }, 'a body in clear (said in a sealed answer: the head opened)')
  const a = seal.request('POST', '/api/auth/logout', { t: clock, k: null }, '{}')
  const b = seal.request('POST', '/api/auth/logout', { t: clock, k: null }, '{}')
  t.alike(await send('/api/auth/logout', a.header, { method: 'POST', payload: Buffer.from(b.body!), headers: { host: LAN.host, [SEAL_HEADER]: a.header, 'content-type': SEALED_TYPE } }, a), { status: 400, code: 'BAD_SEAL' }, 'a body sealed with another head')
  clock += 2 * SEAL_PAST_MS
  t.alike(await send('/api/me', seal.request('GET', '/api/me', { t: clock, k: null }).header), { status: 200, code: 'sealed' }, 'the page goes on with heads of now')
})

test('sealed: a captured head stays refused when the node forgot its page\'s keys, after the page came back, and when the wall clock steps back', (t) => {
  let clock = 1_700_000_000_000
  let mono = 0
  const node = new NodeSeal(() => clock, () => mono, 2)
  const key = node.key.toString('hex')
  const victim = new PageSeal(key)
  const captured = victim.request('POST', '/api/acts', { t: clock, k: 'session' }, '{}')
  t.is(openHead(node, captured.header, 'POST', '/api/acts', 'victim').head.k, 'session', 'taken once')
  const variant = (f: () => unknown): string | undefined => { try { f(); return 'taken' } catch (err) { return (err as HypergasError).details?.variant } }
  // Two more pages push the victim's keys out; the victim's page then goes on.
  for (const p of [new PageSeal(key), new PageSeal(key)]) openHead(node, p.request('GET', '/api/me', { t: clock, k: null }).header, 'GET', '/api/me', 'other')
  t.is(variant(() => openHead(node, captured.header, 'POST', '/api/acts', 'listener')), 'again', 'the captured head is refused')
  t.is(openHead(node, victim.request('GET', '/api/me', { t: clock, k: 'session' }).header, 'GET', '/api/me', 'victim').head.k, 'session', 'the page itself goes on')
  t.is(variant(() => openHead(node, captured.header, 'POST', '/api/acts', 'listener')), 'again', 'and the captured head is still refused after it came back')
  // Three minutes later (the heads are remembered four) the wall clock steps back two.
  mono += 3 * 60_000
  clock += 60_000
  t.is(variant(() => openHead(node, captured.header, 'POST', '/api/acts', 'listener')), 'again', 'a clock stepped back does not make it new')
  // Once forgotten, it is too old anyway.
  mono += 2 * 60_000
  clock += 4 * 60_000
  t.is(variant(() => openHead(node, captured.header, 'POST', '/api/acts', 'listener')), 'clock', 'remembered until it is too old to take')
  t.is(variant(() => openHead(node, victim.request('GET', '/api/me', { t: clock + 60_000, k: null }).header, 'GET', '/api/me', 'victim')), 'clock', 'a head a minute ahead of the node\'s clock is refused')
  t.is(variant(() => openHead(node, new PageSeal('09'.repeat(32)).request('GET', '/api/me', { t: clock, k: null }).header, 'GET', '/api/me', 'x')), 'key', 'sealed for another key: the node restarted')
})

test('sealed: a request refused for its rate takes no quota (a flood the limiter refuses locks no one out), and is never served later', async (t) => {
  const { app, seals } = await setUp(t, Date.now, 5)
  const seal = new PageSeal(JSON.parse((await app.inject({ url: '/api/seal', ...LAN, headers: { host: LAN.host } })).body).key as string)
  const statuses: number[] = []
  let counts = 0
  for (let i = 0; i < 12; i++) {
    const r = await sealedCall(app, seal, '/api/status', { t: Date.now(), k: null })
    statuses.push(r.status)
    if (r.wire.includes('x-ratelimit')) counts++
  }
  t.alike(statuses, [200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429], 'five a minute from this address')
  t.is(counts, 0, 'no answer, served or refused, carries the limiter\'s counts in clear')
  t.alike(seals.remembered, { taken: 5, refused: 7 }, 'the heads served count against the quotas; the refused ones are remembered apart')
  // A refused request captured on the Wi-Fi and sent again from an address with room.
  const r = seal.request('GET', '/api/status', { t: Date.now(), k: null })
  const send = async (remoteAddress: string): Promise<{ status: number, headers: string }> => {
    const res = await app.inject({ url: '/api/status', remoteAddress, headers: { host: LAN.host, [SEAL_HEADER]: r.header } })
    return { status: res.statusCode, headers: Object.keys(res.headers).filter((h) => h.startsWith('x-ratelimit')).join() }
  }
  t.alike(await send(LAN.remoteAddress), { status: 429, headers: '' }, 'refused for its rate, with no counts in clear')
  const again = await app.inject({ url: '/api/status', remoteAddress: '192.168.1.21', headers: { host: LAN.host, [SEAL_HEADER]: r.header } })
  t.alike([again.statusCode, again.statusCode === 400 ? (JSON.parse(again.body) as { error: { details: { variant: string } } }).error.details.variant : null], [400, 'again'], 'sent again from elsewhere: refused, not served')
  // A page not found and the node's key answer the same to anyone: their heads take no memory.
  for (const url of ['/api/nosuch', '/api/seal']) t.is((await app.inject({ url, remoteAddress: '192.168.1.22', headers: { host: LAN.host, [SEAL_HEADER]: seal.request('GET', url, { t: Date.now(), k: null }).header } })).statusCode, url === '/api/seal' ? 200 : 404)
  t.alike(seals.remembered, { taken: 5, refused: 8 }, 'none taken for them')
})

test('sealed: a flood of refused requests forgets its own heads, not the refused head of a phone', (t) => {
  const node = new NodeSeal(Date.now, () => 0)
  const page = new PageSeal(node.key.toString('hex'))
  const head = (): string => page.request('POST', '/api/acts/signed', { t: Date.now(), k: 'session' }, '{}').header
  const victim = head()
  node.refuse(node.open(victim, 'POST', '/api/acts/signed').opened, 'phone')
  const flood = Array.from({ length: MAX_REFUSED_PER_CLIENT + 10 }, head)
  for (const h of flood) node.refuse(node.open(h, 'POST', '/api/acts/signed').opened, 'flood')
  t.alike(node.remembered, { taken: 0, refused: MAX_REFUSED_PER_CLIENT + 1 }, 'the flood keeps its own newest')
  const variant = (h: string): string | undefined => { try { node.open(h, 'POST', '/api/acts/signed'); return 'opened' } catch (err) { return (err as HypergasError).details?.variant } }
  t.is(variant(victim), 'again', 'the phone\'s refused head is still refused')
  t.is(variant(flood[0]), 'opened', 'the flood\'s oldest was forgotten')
  t.is(variant(flood[flood.length - 1]), 'again')
})

test('sealed: one address cannot fill the node\'s memory of heads', (t) => {
  const node = new NodeSeal(Date.now, () => 0)
  const page = new PageSeal(node.key.toString('hex'))
  let taken = 0
  let refused: string | undefined
  for (let i = 0; i < 20_001 && refused === undefined; i++) {
    try { openHead(node, page.request('GET', '/api/me', { t: Date.now(), k: null }).header, 'GET', '/api/me', 'flood'); taken++ } catch (err) { refused = (err as HypergasError).details?.variant }
  }
  t.is(taken, 20_000)
  t.is(refused, 'busy', 'beyond 20,000 heads in four minutes, its new ones wait')
  t.ok(openHead(node, page.request('GET', '/api/me', { t: Date.now(), k: null }).header, 'GET', '/api/me', 'phone').opened, 'another address is still served')
})
