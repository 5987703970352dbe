/**
 * The page's link to its node (SPEC §7, src/http/): requests with the session key, logging in by
 * one-time admin code, personal link or the member's key, and what this browser keeps
 * (localStorage: the language, the member's key and personal link, the session key).
 */
import { memberIdOf, signChallengeHex } from '../acts/member-sign.js'
import type { HypergasCode, RefusalDetails } from '../errors.js'
import { shownVisible } from '../acts/visible.js'
import { INNER_TYPE_HEADER, PageSeal, SEAL_HEADER, SEALED_TYPE } from '../seal.js'

/** Who this browser is to the node (`GET /api/me`). */
export interface Who {
  admin: boolean
  local: boolean
  member: string | null
  name: string | null
}

/** An error the node answered, with its code. */
export class NodeError extends Error {
  /** `details`: the refusal's figures, as the node sent them (SPEC §7). */
  constructor (readonly code: HypergasCode | `HTTP_${number}`, message: string, readonly details?: RefusalDetails) { super(message) }
}

/** What this browser keeps, by name. */
export const store = {
  get: (k: 'lang' | 'seed' | 'member' | 'link' | 'sessionKey'): string | null => window.localStorage.getItem(`hypergas.${k}`),
  set: (k: 'lang' | 'seed' | 'member' | 'link' | 'sessionKey', v: string): void => window.localStorage.setItem(`hypergas.${k}`, v),
  drop: (...ks: Array<'seed' | 'member' | 'link' | 'sessionKey'>): void => { for (const k of ks) window.localStorage.removeItem(`hypergas.${k}`) }
}

/** The node's clock less this device's, ms, from the `Date` of its last answer (to the second). */
let clockOffset = 0

/**
 * The time on the node's clock now, ms since the epoch: what a signed act carries, since the node
 * takes one only within 10 minutes of its own clock (src/api/signed.ts), whatever this phone's says.
 */
export function nodeNow (): number {
  return Date.now() + clockOffset
}

/** This page's sealed link with its node (src/seal.ts); made at the first request, again after the node restarted. */
let sealing: Promise<PageSeal> | null = null

/** Keeps the node's clock offset from the `Date` of an answer (to the second: half a second added). */
function clockFrom (res: Response): void {
  const date = Date.parse(res.headers.get('date') ?? '')
  if (Number.isFinite(date)) clockOffset = date + 500 - Date.now()
}

/** The page's seal with the node's key of now (`GET /api/seal`). @throws NodeError */
async function sealed (): Promise<PageSeal> {
  sealing ??= (async () => {
    const res = await fetch('/api/seal', { credentials: 'same-origin' })
    clockFrom(res)
    if (!res.ok) throw new NodeError(`HTTP_${res.status}`, res.statusText)
    return new PageSeal(((await res.json()) as { key: string }).key)
  })()
  try { return await sealing } catch (err) { sealing = null; throw err }
}

/**
 * A request to the node, sealed (src/seal.ts: whoever listens on the Wi-Fi sees neither the
 * session key, nor a body, nor an answer); the answer as the node wrote it. A node that restarted
 * since the page opened refuses the seal (BAD_SEAL `key`): the page links with its new key and
 * sends the request once more (it was refused before anything was done); so after a `clock`
 * refusal, with the node's time of its answer; and a GET refused as `again` (the browser sent it
 * twice by itself, on a connection that closed: reading is safe to ask for again). Never after
 * any other refusal, nor a POST refused as `again` (it may have been done).
 * @throws NodeError
 */
async function call (path: string, body?: unknown, signal?: AbortSignal, again = true): Promise<Response> {
  const seal = await sealed()
  const method = body === undefined ? 'GET' : 'POST'
  const url = new URL(path, location.href)
  const r = seal.request(method, url.pathname + url.search, { t: nodeNow(), k: store.get('sessionKey') }, body === undefined ? undefined : JSON.stringify(body))
  const headers: Record<string, string> = { [SEAL_HEADER]: r.header }
  if (r.body !== undefined) headers['content-type'] = SEALED_TYPE
  let res = await fetch(url.pathname + url.search, { method, credentials: 'same-origin', headers, body: r.body, signal })
  clockFrom(res)
  if (res.headers.get('content-type') === SEALED_TYPE) {
    const plain = r.open(new Uint8Array(await res.arrayBuffer()))
    if (plain === null) throw new NodeError('BAD_SEAL', 'the node\'s answer was not sealed for this request')
    res = new Response(plain, { status: res.status, statusText: res.statusText, headers: { 'content-type': res.headers.get(INNER_TYPE_HEADER) ?? 'application/json' } })
  }
  if (!res.ok) {
    const json = await res.json().catch(() => ({})) as { error?: { code: HypergasCode, message: string, details?: RefusalDetails } }
    // Sent once more only when the node refused it before doing anything: sealed for the key it
    // had before a restart (if its key did change), or with a time off its clock (now corrected).
    const why = json.error?.code === 'BAD_SEAL' ? json.error.details?.variant : undefined
    if (again && (why === 'clock' || why === 'key' || (why === 'again' && method === 'GET'))) {
      if (why !== 'key') return await call(path, body, signal, false)
      if ((await sealing?.catch(() => null))?.nodeKey === seal.nodeKey) sealing = null
      // (Unless another request already linked with the node's new key.)
      if ((await sealed()).nodeKey !== seal.nodeKey) return await call(path, body, signal, false)
    }
    throw new NodeError(json.error?.code ?? `HTTP_${res.status}`, json.error?.message ?? res.statusText, json.error?.details)
  }
  return res
}

/**
 * GET (no body) or POST (`body`) an endpoint; answers its JSON as `T` (the server's answer types,
 * src/api/dto.ts). A login's answer carries the session key: kept for every request after it.
 * @throws NodeError
 */
export async function api<T> (path: string, body?: unknown): Promise<T> {
  const json = shownVisible(await (await call(path, body)).json() as T & { sessionKey?: unknown })
  if (typeof json.sessionKey === 'string') {
    store.set('sessionKey', json.sessionKey)
    rejoin() // the live updates follow with the new session at once
  }
  return json
}

/** Reconnects the live updates now (after a login or a logout); set by {@link follow}. */
let rejoin = (): void => {}

/**
 * Follows the node's live updates (`GET /api/events`, Server-Sent Events) with this page's session
 * key, which an EventSource could not send (a node shown as `--public name` answers them to
 * members only). Calls `onUpdate` on every "update" event and `onLive` with whether the stream is
 * open (a page refused for want of a login is not "offline": it has nothing to follow; `onRefused`
 * is called instead, as a login the node forgot is found); reconnects
 * after 5 s (30 s when refused), at once after a login or a logout, and after 45 s without a byte
 * (the node writes a keep-alive every 15 s), for as long as the page lives.
 */
export function follow (path: string, onUpdate: () => void, onLive: (live: boolean) => void, onRefused: () => void = () => {}): void {
  let ctrl = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0 // a stream replaced by a rejoin says nothing more and schedules nothing
  const once = async (mine: number, signal: AbortSignal): Promise<number> => {
    const live = (x: boolean): void => { if (mine === generation) onLive(x) }
    let res: Response
    try { res = await call(path, undefined, signal) } catch (err) {
      if (err instanceof NodeError && err.code === 'UNAUTHORIZED') {
        if (mine === generation) onRefused()
        return 30_000
      }
      live(false)
      return 5_000
    }
    live(true)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffered = ''
    let silent: ReturnType<typeof setTimeout> | undefined
    const quiet = (): void => { clearTimeout(silent); silent = setTimeout(() => ctrl.abort(), 45_000) }
    try {
      for (quiet(); ; quiet()) {
        const { done, value } = await reader.read()
        if (done) break
        buffered += value
        const events = buffered.split('\n\n')
        buffered = events.pop() ?? ''
        if (events.some((e) => e.split('\n').includes('event: update'))) onUpdate()
      }
    } catch { /* the connection dropped, went silent or was replaced: reconnect below */ }
    clearTimeout(silent)
    live(false)
    return 5_000
  }
  const loop = (): void => {
    const mine = ++generation
    ctrl = new AbortController()
    void once(mine, ctrl.signal).then((wait) => { if (mine === generation) timer = setTimeout(loop, wait) }, () => { if (mine === generation) timer = setTimeout(loop, 5_000) })
  }
  rejoin = () => {
    clearTimeout(timer)
    ctrl.abort()
    loop()
  }
  loop()
}

/** Downloads a CSV the node answers (a plain link could not carry the session key). */
export async function download (path: string, name: string): Promise<void> {
  const url = URL.createObjectURL(await (await call(path)).blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Proves the key (seed hex) to the node by signing its challenge; the session follows. */
export async function keyLogin (seed: string): Promise<void> {
  const member = await memberIdOf(seed)
  const { challenge } = await api<{ challenge: string }>('/api/auth/challenge', {})
  await api('/api/auth/key', { member, challenge, signature: await signChallengeHex(challenge, seed) })
}

/**
 * Logs in with what the address carries (`#login=` for an admin, `#link=` for a member's personal
 * link, then removed from the address bar; `confirm` is asked before it replaces a login), or
 * again with what this browser kept (the link, the key) when the node forgot the session (it
 * restarted). Answers who the browser is now, and whether an admin code was used.
 */
export async function logIn (confirm: () => boolean, fail: (err: unknown) => void): Promise<{ who: Who, admin: boolean }> {
  const hash = new URLSearchParams(location.hash.slice(1))
  let code = hash.get('login')
  let link = hash.get('link')
  if (code !== null || link !== null) history.replaceState(null, '', location.pathname + (hash.has('admin') ? '#admin' : ''))
  let who = await api<Who>('/api/me')
  // A link opened while logged in (perhaps by another site's page): ask before switching.
  if ((code !== null || link !== null) && (who.admin || who.member !== null) && !confirm()) { code = null; link = null }
  let switched = false
  try {
    if (code !== null) { await api('/api/auth/admin', { code }); store.drop('link'); switched = true }
    if (link !== null) { await api('/api/auth/link', { secret: link }); store.set('link', link); switched = true }
  } catch (err) { fail(err) }
  who = await api<Who>('/api/me')
  // Logged in as someone else now (a shared phone): the key kept for the member before goes, or a
  // later login from what is kept (after the link is revoked) would be theirs. (A login that
  // failed changed no one: what is kept stays.)
  if (switched && who.member !== store.get('member')) store.drop('seed', 'member')
  if (who.admin || who.member !== null || who.local) return { who, admin: code !== null }
  const kept = store.get('link')
  const seed = store.get('seed')
  if (kept !== null) {
    // A link revoked since (or for another node): said, and forgotten; kept when the login only
    // failed to arrive (a lost connection, too many requests).
    try { await api('/api/auth/link', { secret: kept }) } catch (err) {
      if (err instanceof NodeError && err.code === 'UNAUTHORIZED') store.drop('link')
      fail(err)
    }
  } else if (seed !== null) {
    try { await keyLogin(seed) } catch { /* shown as not logged in */ }
  }
  return { who: await api<Who>('/api/me'), admin: false }
}

/** Logs out and forgets the key, the link and the session here. */
export async function logOut (): Promise<Who> {
  await api('/api/auth/logout', {})
  store.drop('link', 'seed', 'member', 'sessionKey')
  rejoin()
  return await api<Who>('/api/me')
}
