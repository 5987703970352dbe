/**
 * The members' web page (SPEC §7, issues 4 and 14), bundled for the browser by esbuild into
 * dist/web/app.js and served by `hypergas start`. Who the browser is decides what it shows
 * (src/http/auth.ts): anyone sees the group's name and open purchases; a member who opened their
 * personal link (`#link=…`) or loaded their key (the page signs the node's challenge; the key
 * stays in localStorage) sees their credit (confirmed and pending), statement with running
 * balance and their commitments, and commits by signing in the browser. An admin's browser,
 * logged in once with `#login=…` (`hypergas login`), gets cash per admin, deposits, commitments
 * to decide and votes; on the node's own machine everything can be read. Italian or English from
 * the browser, switchable; live updates over Server-Sent Events.
 */
import i18next from 'i18next'
import { memberIdOf, signActHex, signChallengeHex } from '../acts/member-sign.js'
import type { ActBody } from '../acts/types.js'
import { parseEuros } from '../money.js'
import { resources, type Lang } from './i18n.js'

type Row = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const $ = (id: string): HTMLElement => document.getElementById(id)!
const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const t = (key: string, vars: Record<string, unknown> = {}): string => i18next.t(key, vars)
const store = window.localStorage

let lang: Lang = (store.getItem('hypergas.lang') as Lang | null) ?? (navigator.language.toLowerCase().startsWith('it') ? 'it' : 'en')
const locale = (): string => (lang === 'it' ? 'it-IT' : 'en-GB')
const money = (cents: number): string => new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(cents / 100)
const day = (ms: number): string => new Date(ms).toLocaleDateString(locale(), { day: '2-digit', month: '2-digit', year: '2-digit' })

let status: Row = {}
let members: Row[] = []
let view: 'member' | 'admin' = 'member'
/** Who this browser is to the node (GET /api/me). */
let who: { admin: boolean, local: boolean, member: string | null, name: string | null } = { admin: false, local: false, member: null, name: null }
/** The admin's browser, or the node's own machine: every member's data may be read. */
const readsAll = (): boolean => who.admin || who.local

/** A request to the node with this page's session key (kept in this origin's storage, src/http/sessions.ts). */
async function call (path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'x-hypergas-session': store.getItem('hypergas.sessionKey') ?? '' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, body === undefined ? { credentials: 'same-origin', headers } : { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) })
  if (!res.ok) {
    const json = await res.json().catch(() => ({})) as Row
    throw Object.assign(new Error(json.error?.message ?? res.statusText), { code: json.error?.code ?? `HTTP_${res.status}` })
  }
  return res
}

async function api (path: string, body?: unknown): Promise<Row> {
  const json = await (await call(path, body)).json() as Row
  // A login answers the session's key: the page sends it with every request from now on.
  if (typeof json.sessionKey === 'string') store.setItem('hypergas.sessionKey', json.sessionKey)
  return json
}

/** Downloads a CSV the node answers (a plain link could not carry the session key). */
async function download (path: string, name: string): Promise<void> {
  const url = URL.createObjectURL(await (await call(path)).blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

function say (html: string, bad = false): void {
  const el = $('msg')
  el.innerHTML = html
  el.className = bad ? 'msg bad' : 'msg'
}

function fail (err: unknown): void {
  const e = err as Error & { code?: string }
  say(esc(t('error', { code: e.code ?? 'ERROR', message: e.message })), true)
}

/** The member this page shows: the one logged in, else (reading all) the one chosen by name or key. */
function chosen (): string | null {
  return who.member ?? (readsAll() ? store.getItem('hypergas.member') : null)
}

/** Proves the key (seed hex) to the node by signing its challenge; the session cookie follows. */
async function keyLogin (seed: string): Promise<void> {
  const member = await memberIdOf(seed)
  const { challenge } = await api('/api/auth/challenge', {})
  await api('/api/auth/key', { member, challenge, signature: await signChallengeHex(String(challenge), seed) })
}

async function loadKey (text: string): Promise<void> {
  let seed = text.trim()
  if (seed.startsWith('{')) seed = String((JSON.parse(seed) as Row).seed ?? '')
  const id = await memberIdOf(seed)
  if (readsAll()) {
    const m = members.find((x) => x.id === id)
    if (m === undefined) { say(esc(t('keyWrong')), true); return }
  } else {
    try { await keyLogin(seed) } catch { say(esc(t('keyWrong')), true); return }
  }
  store.setItem('hypergas.seed', seed)
  store.setItem('hypergas.member', id)
  await render()
  say(esc(t('keyLoaded', { name: who.name ?? members.find((x) => x.id === id)?.name ?? id.slice(0, 8) })))
}

/**
 * Logs in with what the address carries (`#login=` for an admin, `#link=` for a member's personal
 * link, then removed from the address bar), or again with what this browser kept (the personal
 * link, the key) when the node has forgotten the session (it restarted).
 */
async function logIn (): Promise<void> {
  const hash = new URLSearchParams(location.hash.slice(1))
  let code = hash.get('login')
  let link = hash.get('link')
  if (code !== null || link !== null) history.replaceState(null, '', location.pathname + (hash.has('admin') ? '#admin' : ''))
  who = await api('/api/me') as typeof who
  // A link opened while already logged in (perhaps by another site's page): ask before switching.
  if ((code !== null || link !== null) && (who.admin || who.member !== null) && !window.confirm(t('switchLogin'))) { code = null; link = null }
  try {
    if (code !== null) { await api('/api/auth/admin', { code }); view = 'admin' }
    if (link !== null) { await api('/api/auth/link', { secret: link }); store.setItem('hypergas.link', link) }
  } catch (err) { fail(err) }
  who = await api('/api/me') as typeof who
  if (who.admin || who.member !== null || who.local) return
  const kept = store.getItem('hypergas.link')
  if (kept !== null) {
    try { await api('/api/auth/link', { secret: kept }) } catch { store.removeItem('hypergas.link') }
  } else if (store.getItem('hypergas.seed') !== null) {
    try { await keyLogin(store.getItem('hypergas.seed')!) } catch { /* shown as not logged in */ }
  }
  who = await api('/api/me') as typeof who
}

async function logOut (): Promise<void> {
  await api('/api/auth/logout', {})
  for (const k of ['hypergas.link', 'hypergas.seed', 'hypergas.member', 'hypergas.sessionKey']) store.removeItem(k)
  who = await api('/api/me') as typeof who
  view = 'member'
  await render()
}

/** Signs the act `make` builds for the chosen member with the key loaded on this page, and sends it. */
async function memberAct (make: (member: string) => ActBody): Promise<void> {
  const seed = store.getItem('hypergas.seed')
  const member = chosen()
  if (seed === null || member === null) { say(esc(t('needKey')), true); return }
  const hexAct = await signActHex(make(member), String(status.group.groupId ?? status.member?.groupId), seed, Date.now())
  const r = await api('/api/acts/signed', { act: hexAct })
  say(esc(t('sent', { id: String(r.actId).slice(0, 8) })))
}

async function commit (purchase: string, amount: string): Promise<void> {
  const cents = parseEuros(amount)
  await memberAct((member) => ({ type: 'Commit', member: member as never, cents, purchase: purchase as never }))
}

async function adminAct (body: Row): Promise<void> {
  const r = await api('/api/acts', body)
  say(esc(t('sent', { id: String(r.actId).slice(0, 8) })))
}

function memberOptions (list: Row[]): string {
  return list.map((m) => `<option value="${esc(m.id)}">${esc(m.name)}</option>`).join('')
}

const value = (id: string): string => ($(id) as HTMLInputElement).value

function stateCell (final: boolean): string {
  return final ? `<span class="ok" title="${esc(t('confirmed'))}" aria-label="${esc(t('confirmed'))}">✓</span>` : `<span class="pending" title="${esc(t('pending'))}" aria-label="${esc(t('pending'))}">⏳</span>`
}

/** Admins the members may vote out (SPEC §5), from the full status or a member's. */
const recoveries = (): Row[] => (status.group.finality?.recovery ?? status.member?.recovery ?? []) as Row[]

function finalityLine (): string {
  if (status.group.finality === undefined && status.member == null) return ''
  const waiting = status.group.finality !== undefined
    ? (status.group.finality.waitingFor as Row[]).map((w) => w.name ?? String(w.id).slice(0, 8))
    : (status.member.waitingFor as Array<string | null>).map((n) => n ?? '?')
  const stuck = recoveries().map((r) => ' ' + t('recoveryHint', { name: String(r.name ?? String(r.admin).slice(0, 8)), votes: r.votes, needed: r.needed })).join('')
  return (waiting.length === 0 ? t('allConfirmed') : t('waitingFor', { names: waiting.join(', ') })) + stuck
}

async function renderMember (): Promise<string> {
  const id = chosen()
  const options = members.map((m) => `<option value="${esc(m.id)}"${m.id === id ? ' selected' : ''}>${esc(m.name)}</option>`).join('')
  const keyed = store.getItem('hypergas.seed') !== null && store.getItem('hypergas.member') === id
  let html = readsAll()
    ? `<label>${esc(t('whoAreYou'))} <select id="who"><option value="">${esc(t('choose'))}</option>${options}</select></label>`
    : who.member !== null
      ? `<p>${esc(t('loggedInAs', { name: who.name ?? '' }))} <button id="logout">${esc(t('logout'))}</button></p>`
      : `<p id="login-help">${esc(t('loginHelp'))}</p>`
  html += `
    <details id="keybox"${keyed ? '' : ' open'}><summary>${esc(t('loadKey'))}</summary><p class="help">${esc(t('keyHelp'))}</p>
    <textarea id="key" rows="3" autocomplete="off" spellcheck="false"></textarea><div class="row"><button id="usekey">OK</button>
    <input type="file" id="keyfile" accept=".json,.txt"> ${keyed ? `<button id="forget">${esc(t('forgetKey'))}</button>` : ''}</div></details>`
  if (id === null || id === '') return html + await renderOpen(null, false)
  const m = await api(`/api/members/${id}`)
  const pending = m.creditCents !== m.confirmedCreditCents ? `<div class="pending">${esc(t('withPending', { amount: money(m.creditCents) }))}</div>` : ''
  html += `<div class="card"><div>${esc(t('credit'))} · ${esc(m.name)}</div><div class="big" id="credit">${esc(money(m.confirmedCreditCents))}</div>
    <div class="small">${esc(t('confirmed'))}</div>${pending}</div>`
  const rows = (m.statement as Row[]).map((s) => `<tr><td>${s.timeMs === null ? '' : esc(day(s.timeMs as number))}</td>
    <td>${esc(t(`kind_${String(s.kind)}`))}</td><td class="n">${esc(money(s.deltaCents))}</td><td class="n">${esc(money(s.balanceCents))}</td><td>${stateCell(s.final === true)}</td></tr>`).join('')
  html += `<h2>${esc(t('statement'))} <button class="small" id="csv" data-member="${esc(id)}">${esc(t('downloadCsv'))}</button></h2>
    <div class="scroll"><table id="statement"><tr><th>${esc(t('date'))}</th><th>${esc(t('movement'))}</th><th>${esc(t('amount'))}</th><th>${esc(t('balance'))}</th><th>${esc(t('state'))}</th></tr>${rows}</table></div>`
  // A group its admins cannot unstick: the member may vote the gone admin out (docs/ordering.md §5).
  for (const r of recoveries()) {
    html += `<div class="card" id="recovery"><p>${esc(t('recoveryHint', { name: String(r.name ?? String(r.admin).slice(0, 8)), votes: r.votes, needed: r.needed }))}</p>
      <button class="recover" data-admin="${esc(r.admin)}"${keyed ? '' : ' disabled'}>${esc(t('recoverVote', { name: String(r.name ?? String(r.admin).slice(0, 8)) }))}</button></div>`
  }
  return html + await renderOpen(id, keyed)
}

/**
 * The open purchases: with every commitment when this browser reads all, else (the public
 * view) with the member's own commitment only. `id`: the member shown (null: nobody).
 */
async function renderOpen (id: string | null, keyed: boolean): Promise<string> {
  const open = (await api('/api/purchases') as unknown as Row[]).filter((p) => p.phase === 'open')
  let html = `<h2>${esc(t('openPurchases'))}</h2>`
  if (open.length === 0) html += `<p>${esc(t('noOpen'))}</p>`
  for (const p of open) {
    const full = readsAll() ? await api(`/api/purchases/${p.id}`) : null
    const mine = full === null ? p.mine ?? undefined : (full.commitments as Row[]).find((c) => c.member === id)
    const list = full === null ? '' : `<div>${esc(t('committed'))}: ${esc(money(p.committedCents))}</div><ul>` + (full.commitments as Row[]).map((c) => `<li>${esc(c.name)}: ${esc(money(c.amountCents))} · ${esc(t(`status_${String(c.status)}`))}</li>`).join('') + '</ul>'
    html += `<div class="card purchase" data-purchase="${esc(p.id)}"><b>${esc(p.name)}</b>${p.supplier === null ? '' : ` · ${esc(t('supplier'))}: ${esc(p.supplier)}`}
      ${p.notes == null ? '' : `<div class="small">${esc(p.notes)}</div>`}
      ${id === null ? '' : `<div>${esc(t('yourCommitment'))}: ${mine == null ? '—' : `${esc(money(mine.amountCents))} · ${esc(t(`status_${String(mine.status)}`))}`}</div>`}
      ${list}
      ${id === null ? '' : `<div class="row"><input class="amount" inputmode="decimal" placeholder="${esc(t('commitAmount'))}"><button class="commit"${keyed ? '' : ' disabled'}>${esc(t('commit'))}</button></div>
      ${keyed ? '' : `<div class="small">${esc(t('needKey'))}</div>`}`}</div>`
  }
  return html
}

async function renderAdmin (): Promise<string> {
  const g = status.group
  const me = status.me
  const cash = (g.admins as Row[]).map((a) => `<tr><td>${esc(a.name)}</td><td>${esc((a.roles as string[]).join(', '))}</td>
    <td class="n${a.cashCents < 0 ? ' bad' : ''}">${esc(money(a.cashCents))}</td><td class="n">${esc(money(a.confirmedCashCents))}</td></tr>`).join('')
  let html = `<p>${esc(t('me'))}: <b>${esc(me.name ?? String(me.id).slice(0, 8))}</b></p>${who.admin ? `<p><button id="logout">${esc(t('logout'))}</button></p>` : `<p class="bad" id="admin-login">${esc(t('adminOnly'))}</p>`}
    <h2>${esc(t('cash'))}</h2><div class="scroll"><table id="cash"><tr><th></th><th>${esc(t('roles'))}</th><th>${esc(t('cashNow'))}</th><th>${esc(t('confirmedCash'))}</th></tr>${cash}</table></div>
    <h2>${esc(t('cashDesk'))}</h2><div class="row"><select id="cash-member">${memberOptions(members)}</select>
    <input id="cash-amount" inputmode="decimal" placeholder="${esc(t('commitAmount'))}"><button id="dep">${esc(t('doDeposit'))}</button>
    <button id="wd">${esc(t('doWithdraw'))}</button></div>
    <div class="row"><select id="settle-from">${memberOptions((g.admins as Row[]).filter((a) => a.id !== me.id))}</select>
    <input id="settle-amount" inputmode="decimal" placeholder="${esc(t('commitAmount'))}"><button id="settle">${esc(t('doSettle'))}</button></div>
    <h2>${esc(t('newPurchase'))}</h2><div class="row"><input id="p-name" placeholder="${esc(t('purchaseName'))}">
    <input id="p-supplier" placeholder="${esc(t('supplier'))}"><button id="p-open">${esc(t('doOpen'))}</button></div>
    <h2>${esc(t('newMember'))}</h2><div class="row"><input id="m-name" placeholder="${esc(t('memberName'))}">
    <input id="m-key" placeholder="${esc(t('memberKey'))}" autocomplete="off"><button id="m-add">${esc(t('doRegister'))}</button></div>
    <h2>${esc(t('rolesTitle'))}</h2><div class="row"><select id="r-member">${memberOptions(members)}</select>
    <select id="r-role"><option value="Referente">referente</option><option value="Cassiere">cassiere</option></select>
    <button id="r-elect">${esc(t('doElect'))}</button><button id="r-revoke">${esc(t('doRevoke'))}</button>
    <button id="r-remove">${esc(t('doRemoveMember'))}</button></div>`
  const open = (await api('/api/purchases') as unknown as Row[]).filter((p) => p.phase === 'open')
  let decide = ''
  let votes = ''
  for (const p of open) {
    const full = await api(`/api/purchases/${p.id}`)
    if (p.owner === me.id) {
      for (const c of (full.commitments as Row[]).filter((x) => x.status === 'pending')) {
        decide += `<tr><td>${esc(p.name)}</td><td>${esc(c.name)}</td><td class="n">${esc(money(c.amountCents))}</td>
          <td><button data-act="ApproveCommitment" data-purchase="${esc(p.id)}" data-member="${esc(c.member)}">${esc(t('approve'))}</button>
          <button data-act="RejectCommitment" data-purchase="${esc(p.id)}" data-member="${esc(c.member)}">${esc(t('reject'))}</button>
          <input class="adjust" inputmode="decimal" placeholder="${esc(t('commitAmount'))}"><button data-act="AdjustCommitment" data-purchase="${esc(p.id)}" data-member="${esc(c.member)}">${esc(t('adjust'))}</button></td></tr>`
      }
    }
    const owner = p.owner === me.id
    votes += `<tr><td>${esc(p.name)}</td><td>${esc(t('closeVotes', { n: p.closeVotes, q: p.quorum }))}<br>${esc(t('failVotes', { n: p.failVotes, q: p.quorum }))}</td>
      <td><button data-act="VoteClosePurchase" data-purchase="${esc(p.id)}">${esc(t('voteClose'))}</button> <button data-act="VoteFailPurchase" data-purchase="${esc(p.id)}">${esc(t('voteFail'))}</button>
      ${owner ? `<button data-act="ClosePurchase" data-purchase="${esc(p.id)}">${esc(t('close'))}</button> <button data-act="FailPurchase" data-purchase="${esc(p.id)}">${esc(t('fail'))}</button>` : ''}</td></tr>`
  }
  html += `<h2>${esc(t('pendingCommitments'))}</h2>${decide === '' ? `<p>${esc(t('noneToDecide'))}</p>` : `<table id="decide">${decide}</table>`}
    <h2>${esc(t('votes'))}</h2>${votes === '' ? `<p>${esc(t('noOpen'))}</p>` : `<table id="votes">${votes}</table>`}`
  return html
}

async function render (): Promise<void> {
  status = await api('/api/status')
  members = readsAll() ? await api('/api/members') as unknown as Row[] : []
  if (!readsAll()) view = 'member'
  $('tab-admin').hidden = !readsAll()
  document.title = `${String(status.group.name)} · hypergas`
  $('title').textContent = String(status.group.name)
  $('finality').textContent = finalityLine()
  $('tab-member').textContent = t('member')
  $('tab-admin').textContent = t('admin')
  $('tab-member').classList.toggle('on', view === 'member')
  $('tab-admin').classList.toggle('on', view === 'admin')
  for (const l of ['it', 'en']) $(`lang-${l}`).classList.toggle('on', l === lang)
  $('main').innerHTML = view === 'member' ? await renderMember() : await renderAdmin()
  wire()
}

function wire (): void {
  const on = (id: string, ev: string, fn: (e: Event) => Promise<void>): void => {
    document.getElementById(id)?.addEventListener(ev, (e) => { fn(e).catch(fail) })
  }
  on('who', 'change', async (e) => {
    const v = (e.target as HTMLSelectElement).value
    if (v === '') store.removeItem('hypergas.member'); else store.setItem('hypergas.member', v)
    await render()
  })
  on('usekey', 'click', async () => await loadKey(($('key') as HTMLTextAreaElement).value))
  on('keyfile', 'change', async (e) => {
    const f = (e.target as HTMLInputElement).files?.[0]
    if (f !== undefined) await loadKey(await f.text())
  })
  on('forget', 'click', async () => { store.removeItem('hypergas.seed'); await render() })
  on('logout', 'click', logOut)
  on('csv', 'click', async (e) => await download(`/api/members/${(e.target as HTMLElement).dataset.member!}/statement.csv`, 'statement.csv'))
  on('dep', 'click', async () => await adminAct({ type: 'Deposit', member: value('cash-member'), cents: parseEuros(value('cash-amount')) }))
  on('wd', 'click', async () => await adminAct({ type: 'Withdraw', member: value('cash-member'), cents: parseEuros(value('cash-amount')), reason: '' }))
  on('settle', 'click', async () => await adminAct({ type: 'SettleCash', from: value('settle-from'), cents: parseEuros(value('settle-amount')) }))
  on('p-open', 'click', async () => await adminAct({ type: 'OpenPurchase', name: value('p-name'), supplier: value('p-supplier') === '' ? undefined : value('p-supplier') }))
  on('m-add', 'click', async () => await adminAct({ type: 'VoteRegisterMember', name: value('m-name'), member: value('m-key').trim().toLowerCase() }))
  on('r-elect', 'click', async () => await adminAct({ type: `VoteElect${value('r-role')}`, member: value('r-member') }))
  on('r-revoke', 'click', async () => await adminAct({ type: `VoteRevoke${value('r-role')}`, member: value('r-member') }))
  on('r-remove', 'click', async () => await adminAct({ type: 'VoteRemoveMember', member: value('r-member') }))
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.recover')) {
    b.addEventListener('click', () => { memberAct(() => ({ type: 'VoteRecover', member: b.dataset.admin as never })).catch(fail) })
  }
  for (const card of document.querySelectorAll<HTMLElement>('.purchase')) {
    card.querySelector('.commit')?.addEventListener('click', () => {
      commit(card.dataset.purchase!, card.querySelector<HTMLInputElement>('.amount')!.value).catch(fail)
    })
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-act]')) {
    b.addEventListener('click', () => {
      const body: Row = { type: b.dataset.act, purchase: b.dataset.purchase }
      if (b.dataset.member !== undefined) body.member = b.dataset.member
      if (b.dataset.act === 'AdjustCommitment') {
        try { body.cents = parseEuros(b.parentElement!.querySelector<HTMLInputElement>('.adjust')!.value) } catch (err) { fail(err); return }
      }
      adminAct(body).catch(fail)
    })
  }
}

async function main (): Promise<void> {
  // Every message goes through esc() or textContent: i18next must not escape values a second time.
  await i18next.init({ lng: lang, fallbackLng: 'en', resources, interpolation: { escapeValue: false } })
  for (const l of ['it', 'en'] as Lang[]) {
    $(`lang-${l}`).addEventListener('click', () => {
      lang = l
      store.setItem('hypergas.lang', l)
      say('')
      i18next.changeLanguage(l).then(render).catch(fail)
    })
  }
  $('tab-member').addEventListener('click', () => { view = 'member'; render().catch(fail) })
  $('tab-admin').addEventListener('click', () => { view = 'admin'; render().catch(fail) })
  if (location.hash === '#admin') view = 'admin'
  status = await api('/api/status')
  await logIn()
  await render()
  // A link opened in a tab already on this page changes only the fragment: log in with it too.
  window.addEventListener('hashchange', () => {
    if (!/[#&](login|link)=/.test(location.hash)) return
    logIn().then(render).catch(fail)
  })
  // Re-render on every update, but not under the fingers of someone typing: wait until they
  // leave the field.
  let queued = false
  const refresh = (): void => {
    const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement
    if (typing) { setTimeout(refresh, 1000); return }
    queued = false
    render().catch(fail)
  }
  const events = new EventSource('/api/events')
  events.addEventListener('update', () => {
    if (queued) return
    queued = true
    setTimeout(refresh, 100)
  })
  events.onerror = () => { $('live').textContent = t('offlineEvents') }
  events.onopen = () => { $('live').textContent = '' }
}

main().catch(fail)
