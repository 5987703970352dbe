/**
 * The members' web page (SPEC §7, issues 4, 14 and 15), bundled for the browser by esbuild into
 * dist/web/app.js and served by `hypergas start`. Built on lit-html: templates escape every value
 * by construction, and a re-render updates only what changed (a selection or a half-typed amount
 * stays). Who the browser is decides what it shows (src/http/auth.ts): anyone sees the group's
 * name and open purchases; a member who opened their personal link (`#link=…`) or loaded their
 * key (the page signs the node's challenge; the key stays in localStorage) sees their credit,
 * statement and commitments, and commits by signing in the browser (src/web/member.ts); an admin's
 * browser, logged in once with `#login=…` (`hypergas login`), gets the admin view
 * (src/web/admin.ts); on the node's own machine everything can be read. Italian or English from
 * the browser, switchable; live updates over Server-Sent Events (read with the session key: {@link follow}).
 */
import i18next from 'i18next'
import { TO_NAME_FORMAT, toName } from '../italian.js'
import { html, render } from 'lit-html'
import { memberIdOf, signActHex } from '../acts/member-sign.js'
import type { ActBody } from '../acts/types.js'
import type { ActRequest, PurchaseSummary, PurchaseView, StatusView, TransferView } from '../api/dto.js'
import type { PublicPurchase, PublicStatus } from '../api/public-views.js'
import type { ActReceipt } from '../api/receipt.js'
import type { ImportSummary, NoticesView } from '../api/api.js'
import type { SearchHit } from '../api/directory.js'
import type { MemberSummary, MemberView } from '../api/views.js'
import { listingEntries, shellArg, type ActId, type MemberId, type PurchaseId } from '../ids.js'
import { parseEuros, parseQuantity } from '../money.js'
import { adminView } from './admin.js'
import { drawChart } from './report.js'
import type { Report } from '../api/report.js'
import { money, nameOf, quantity, recoveryTooFew, setPageLang, t, unitOf } from './format.js'
import { notAppliedLines, refusalText, skippedLine, withoutCommands, type RefusalVars } from '../api/refusal-text.js'
import { receiptLines } from '../api/receipt-text.js'
import { HypergasError } from '../errors.js'
import { withRefusals } from './refusals.js'
import { resources, type Lang } from './i18n.js'
import { memberView, type MemberData } from './member.js'
import { api, download, follow, keyLogin, logIn, logOut, NodeError, nodeNow, store, type Who } from './session.js'
import { clearForm, justActed, once, pressedForm, rowsShifted, say } from './pacing.js'

const $ = (id: string): HTMLElement => document.getElementById(id)!

let lang: Lang = (store.get('lang') as Lang | null) ?? (navigator.language.toLowerCase().startsWith('it') ? 'it' : 'en')
let who: Who = { admin: false, local: false, member: null, name: null }
let view: 'member' | 'admin' = 'member'
/** The member chosen by name where everything can be read (else the one logged in). */
let chosen: string | null = store.get('member')
/** The report's period on the admin view, ms since the epoch (null: open). */
let period: { from: number | null, to: number | null } = { from: null, to: null }
const periodQuery = (): string => [period.from === null ? '' : `from=${period.from}`, period.to === null ? '' : `to=${period.to}`].filter((x) => x !== '').join('&')

const readsAll = (): boolean => who.admin || who.local
const isFull = (s: StatusView | PublicStatus): s is StatusView => 'me' in s

/** The page's `t` with the variables of a CLI message (src/api/refusal-text.ts, receipt-text.ts). */
const tVars = (k: string, v?: RefusalVars): string => t(k, v as Record<string, string | number>)

/**
 * An error in the page's language: a node's refusal, or an amount the page itself refused
 * (HypergasError), as the CLI words it with its figures (src/web/refusals.ts: without the CLI's commands).
 */
function fail (err: unknown): void {
  const words = { t: tVars, eur: money, qty: quantity, unit: unitOf }
  // A HypergasError's message starts with its code; its reason is the rest.
  const refused = err instanceof NodeError ? { code: err.code, message: err.message, details: err.details } : err instanceof HypergasError ? { code: err.code, message: err.reason, details: err.details } : null
  // fetch's own failure (a TypeError, in the browser's language or English): the connection, not a refusal.
  const message = refused === null ? (err instanceof TypeError ? t('connectionLost') : (err as Error).message) : refusalText(refused.code, refused.message, refused.details, words)
  say(t('error', { message }), true, refused?.code)
}

/** Runs an action, showing its error. */
const attempt = (fn: () => Promise<void>): void => { fn().catch(fail) }
/** {@link attempt} for an act sent from a form: nothing just after the last one from the same form went ({@link justActed}). */
const formAct = (fn: () => Promise<void>): void => { if (!justActed(pressedForm())) attempt(fn) }


/** The group id to sign with, from either kind of status. */
function groupIdOf (s: StatusView | PublicStatus): string {
  return isFull(s) ? String(s.group.groupId) : s.member?.groupId ?? ''
}

/** What an act did, as the CLI says it (src/api/receipt-text.ts): who, how much, the balance after, confirmed or not; red when the group's order refused it. */
function sayReceipt (r: ActReceipt): void {
  const refused = r.status !== 'applied' && r.status !== 'pending'
  say(receiptLines(r, { t: tVars, eur: money }, false).join('\n'), refused, refused ? r.status : undefined)
}

/** The admin acts a page sends from a row of a list that closes up once they apply (a vote may reach its quorum and close the purchase). */
const ROW_ACTS: ReadonlySet<string> = new Set(['ApproveCommitment', 'RejectCommitment', 'ClosePurchase', 'FailPurchase', 'VoteClosePurchase', 'VoteFailPurchase'])

/** Signs the act `make` builds for the member with the key loaded on this page, and sends it (one at a time: {@link once}; `row`: from a list's row). */
async function memberAct (status: StatusView | PublicStatus, member: string, make: (member: MemberId) => ActBody, row = false): Promise<void> {
  await once(async () => await signAndSend(status, member, make), row)
}

async function signAndSend (status: StatusView | PublicStatus, member: string, make: (member: MemberId) => ActBody): Promise<void> {
  const seed = store.get('seed')
  if (seed === null) { say(t('needKey'), true); return }
  const hexAct = await signActHex(make(member as MemberId), groupIdOf(status), seed, nodeNow())
  const send = async (): Promise<ActReceipt> => await api<ActReceipt>('/api/acts/signed', { act: hexAct })
  // An answer lost on the way (the Wi-Fi dropped): the same signed act once more, which the node
  // counts once and answers with its receipt, so that nobody commits twice for want of an answer.
  const r = await send().catch(async (err: unknown) => {
    if (!(err instanceof TypeError)) throw err
    await new Promise((resolve) => setTimeout(resolve, 1500))
    return await send()
  })
  clearForm()
  // Sent before the page logged in again (the node restarted): the node names no one to a reader
  // it does not know, and the page knows whose commitment or booking it signed.
  const own = (r.type === 'Commit' || r.type === 'Book') && r.member === undefined && r.name === undefined && who.member !== null && who.name !== null
  sayReceipt(own ? { ...r, name: who.name ?? undefined } : r)
}

/** Sends an admin act (one at a time: {@link once}) and shows its receipt. */
async function adminAct (body: ActRequest): Promise<void> {
  await once(async () => {
    const r = await api<ActReceipt>('/api/acts', body)
    clearForm()
    sayReceipt(r)
  }, ROW_ACTS.has(body.type))
}

async function loadKey (text: string): Promise<void> {
  let seed = text.trim()
  if (seed.startsWith('{')) seed = String((JSON.parse(seed) as { seed?: unknown }).seed ?? '')
  const id = await memberIdOf(seed)
  if (readsAll()) {
    const all = await api<MemberSummary[]>('/api/members')
    if (!all.some((x) => x.id === id)) { say(t('keyWrong'), true); return }
  } else {
    const before = who.member
    try { await keyLogin(seed) } catch { say(t('keyWrong'), true); return }
    who = await api<Who>('/api/me')
    // Another member's key on a phone logged in by a link: that link is no longer this browser's login.
    if (before !== null && before !== id) store.drop('link')
  }
  store.set('seed', seed)
  store.set('member', id)
  chosen = id
  await refresh()
  say(t('keyLoaded', { name: who.name ?? id.slice(0, 8) }))
}

/** Reads what the member's view needs. */
async function memberData (status: StatusView | PublicStatus): Promise<MemberData> {
  const members = readsAll() ? await api<MemberSummary[]>('/api/members') : []
  const id = who.member ?? (readsAll() ? chosen : null)
  const member = id === null || id === '' ? null : await api<MemberView>(`/api/members/${id}`)
  // A node shown as `--public name` answers its purchases to members only: before a login the
  // page shows how to log in, not the refusal.
  let membersOnly = false
  const list = await api<Array<PurchaseSummary | PublicPurchase>>('/api/purchases').catch((err: unknown) => {
    if (!(err instanceof NodeError && err.code === 'UNAUTHORIZED' && err.details?.variant === 'membersOnly' && who.member === null && !readsAll())) throw err
    membersOnly = true
    return []
  })
  const open = await Promise.all(list.filter((p) => p.phase === 'open').map(async (p) => ({ p, full: readsAll() ? await api<PurchaseView>(`/api/purchases/${p.id}`) : null })))
  const recovery = isFull(status) ? status.group.finality.recovery : status.member?.recovery ?? []
  const notices = member === null ? [] : (await api<NoticesView>(`/api/notices?member=${member.id}`)).member
  const transfers = member === null ? [] : (await api<TransferView[]>('/api/transfers')).filter((x) => x.from === member.id || x.to === member.id)
  const matches = member === null ? [] : await api<MemberData['matches']>(`/api/matches?member=${member.id}`)
  return { who, members, member, open, membersOnly, recovery, keyed: store.get('seed') !== null && store.get('member') === member?.id, notices, transfers, matches }
}

function finalityLine (s: StatusView | PublicStatus): string {
  if (!isFull(s) && s.member === null) return ''
  const waiting = isFull(s) ? s.group.finality.waitingFor.map(nameOf) : s.member!.waitingFor.map((n) => n ?? '?')
  const recovery = isFull(s) ? s.group.finality.recovery : s.member!.recovery
  // Only the node's own machine has its terminal: elsewhere (a member's phone, an admin's) the commands are left out.
  const words = who.local ? (x: string): string => x : withoutCommands
  const stuck = recovery.map((r) => ' ' + words(!r.started ? t('notStarted', { name: nameOf(r) }) : t(r.forked ? 'recoveryHintForked' : 'recoveryHint', { name: nameOf(r), arg: shellArg(nameOf(r)), votes: r.votes, needed: r.needed }) + (r.eligible < r.needed ? ' ' + recoveryTooFew(r) : ''))).join('')
  return (waiting.length === 0 ? t('allConfirmed') : t('waitingFor', { names: waiting.join(', ') })) + stuck
}

/** Reads the node's answers and renders the page (only what changed is touched). */
async function refresh (): Promise<void> {
  const status = await api<StatusView | PublicStatus>('/api/status')
  if (!readsAll()) view = 'member'
  const report = view === 'admin' && isFull(status) ? await api<Report>(`/api/report?${periodQuery()}`) : null
  const purchases = view === 'admin' && isFull(status) ? await api<PurchaseSummary[]>('/api/purchases') : []
  const main = view === 'admin' && isFull(status)
    ? adminView({
      status,
      members: await api<MemberSummary[]>('/api/members'),
      admin: who.admin,
      notices: (await api<NoticesView>('/api/notices')).admin,
      report,
      open: await Promise.all(purchases.filter((p) => p.phase === 'open').map(async (p) => ({ p, full: await api<PurchaseView>(`/api/purchases/${p.id}`) }))),
      past: purchases.filter((p) => p.phase !== 'open')
    }, {
      act: (body) => attempt(async () => await adminAct(body)),
      cents: (text) => { try { return parseEuros(text) } catch (err) { fail(err); return null } },
      gdxp: (purchase, name) => attempt(async () => await download(`/api/purchases/${purchase}/order.gdxp.json`, `${name.replace(/[^\p{L}\p{N}.-]+/gu, '_')}.gdxp.json`)),
      importFile: (purchase, file) => attempt(async () => {
        const r = await api<ImportSummary>(`/api/purchases/${purchase}/catalogue`, { text: await file.text() })
        // What the file asks that hypergas did not apply (shipping costs, a supplier's discounts): as the CLI says it.
        // Which products were left out and why, as the CLI says it (SPEC §4.5).
        const left = r.skipped.length === 0 ? [] : [t('leftOut', { products: r.skipped.map((x) => skippedLine(x, tVars)).join('; ') })]
        say([t('imported', { count: r.imported, skipped: r.skipped.length }), ...left, ...notAppliedLines(r, tVars)].join('. '))
      }),
      fail,
      logout: () => attempt(leave),
      period: (from, to) => attempt(async () => {
        // Days where the phone is, as the CLI reads them where the node is: a date-time without a zone is local time.
        const before = period
        period = { from: from === '' ? null : Date.parse(`${from}T00:00:00`), to: to === '' ? null : Date.parse(`${to}T23:59:59.999`) }
        // A period the node refuses is not kept: every later refresh would fail on it, and the page stop showing what it records.
        try { await refresh() } catch (err) { period = before; await refresh(); throw err }
        say('')
      }),
      reportCsv: () => attempt(async () => await download(`/api/report.csv?${[periodQuery(), `lang=${lang}`].filter((x) => x !== '').join('&')}`, 'report.csv'))
    })
    : memberView(await memberData(status), {
      choose: (id) => attempt(async () => { chosen = id === '' ? null : id; if (chosen === null) store.drop('member'); else store.set('member', chosen); await refresh() }),
      loadKey: (text) => attempt(async () => await loadKey(text)),
      forgetKey: () => attempt(async () => { store.drop('seed'); await refresh() }),
      logout: () => attempt(leave),
      csv: (member) => attempt(async () => await download(`/api/members/${member}/statement.csv?lang=${lang}`, 'statement.csv')),
      commit: (purchase, amount) => formAct(async () => {
        const cents = parseEuros(amount)
        await memberAct(status, who.member ?? chosen ?? '', (member) => ({ type: 'Commit', member, cents, purchase: purchase as PurchaseId }))
      }),
      book: (purchase, quantities, unchanged) => formAct(async () => {
        if (unchanged) { say(t('bookingUnchanged')); return }
        if (quantities.length === 0) { say(t('nothingToBook'), true); return }
        const lines = quantities.map(([product, text]) => ({ product, qtyMilli: parseQuantity(text) }))
        await memberAct(status, who.member ?? chosen ?? '', (member) => ({ type: 'Book', member, purchase: purchase as PurchaseId, lines }))
      }),
      search: (query) => attempt(async () => {
        const hits = query.trim() === '' ? [] : await api<SearchHit[]>(`/api/search?q=${encodeURIComponent(query)}`)
        render(hits.length === 0 ? html`<li>${t('nothingFound')}</li>` : html`${hits.map((h) => html`<li class=${`hit-${h.kind}`}>${t(`hit_${h.kind}`)}: <b>${h.title}</b> · ${h.detail}</li>`)}`, $('search-results'))
      }),
      listing: (offers, wants) => attempt(async () => {
        // One entry per line; blank lines and an entry typed twice (in any case) are not listed.
        const entries = (text: string): string[] => listingEntries(text.split('\n'))
        await memberAct(status, who.member ?? chosen ?? '', (member) => ({ type: 'SetListing', member, offers: entries(offers), wants: entries(wants) }))
      }),
      transfer: (id, accept) => attempt(async () => await memberAct(status, who.member ?? chosen ?? '', () => (accept ? { type: 'AcceptTransfer', transfer: id as ActId } : { type: 'CancelTransfer', transfer: id as ActId }), true)),
      // The whole of it one at a time: a second press while the credit and the payee are read would send a second transfer.
      send: (name, amount, memo, ask) => formAct(async () => await once(async () => {
        const cents = parseEuros(amount)
        // Paying more than one has: refused here, as its acceptance would be (SPEC §4.6), not sent to wait.
        const payer = who.member ?? chosen
        const mine = ask || payer === null || payer === '' ? null : await api<MemberView>(`/api/members/${payer}`)
        const room = mine === null ? null : mine.creditCents + (mine.limits?.overdraftCents ?? 0)
        if (room !== null && cents > room) { say(t((mine?.limits?.overdraftCents ?? 0) > 0 ? 'overCredit_overdraft' : 'overCredit', { credit: money(room) }), true); return }
        const other = await api<{ id: MemberId, name: string }>(`/api/payee?name=${encodeURIComponent(name.trim())}`)
        await signAndSend(status, who.member ?? chosen ?? '', (member) => ({ type: 'Transfer', from: ask ? other.id : member, to: ask ? member : other.id, cents, memo: memo.trim() }))
      })),
      recover: (admin) => attempt(async () => await memberAct(status, who.member ?? chosen ?? '', () => ({ type: 'VoteRecover', member: admin as MemberId })))
    })
  document.title = `${status.group.name} · hypergas`
  $('title').textContent = status.group.name
  $('finality').textContent = finalityLine(status)
  $('tab-member').textContent = t('member')
  $('tab-admin').textContent = t('admin')
  $('tab-member').classList.toggle('on', view === 'member')
  $('tab-admin').classList.toggle('on', view === 'admin')
  $('tab-admin').hidden = !readsAll()
  for (const l of ['it', 'en']) $(`lang-${l}`).classList.toggle('on', l === lang)
  render(main, $('main'))
  rowsShifted()
  await drawChart(report?.months ?? null, lang)
}

/**
 * Enter in a one-line field presses the button marked `data-enter` of the nearest box around the
 * field that has one, looking no further than its card (a phone keyboard's "Go": a booking's Book,
 * a commitment's Commit, a new member's Add). Where a field has two actions of equal weight
 * (deposit or withdraw, pay or ask) none is marked and Enter presses nothing; nor on a disabled
 * button, a key held down, or the Enter that ends a composition (an accent typed by an input
 * method). Search fields are left alone (the catalogue's filter is not a booking).
 */
function pressForEnter (e: KeyboardEvent): void {
  const field = e.target
  if (e.key !== 'Enter' || e.repeat || e.isComposing || e.keyCode === 229 || !(field instanceof HTMLInputElement) || field.form !== null || field.type !== 'text') return
  for (let box = field.parentElement; box !== null && box.id !== 'main' && box !== document.body; box = box.parentElement) {
    const marked = box.querySelectorAll<HTMLButtonElement>('button[data-enter]')
    if (marked.length === 1 && !marked[0].disabled) { e.preventDefault(); marked[0].click() }
    if (marked.length > 0 || box.classList.contains('card')) return
  }
}

async function leave (): Promise<void> {
  who = await logOut()
  // The last receipt named the member and their credit: gone with the login.
  say('')
  // What the search found (offers of members) is for members only: gone with the login.
  const found = document.getElementById('search-results')
  if (found !== null) render(html``, found)
  chosen = null
  view = 'member'
  await refresh()
}

async function main (): Promise<void> {
  setPageLang(lang)
  await i18next.init({ lng: lang, fallbackLng: 'en', resources: withRefusals(resources), interpolation: { escapeValue: false } })
  i18next.services.formatter?.add(TO_NAME_FORMAT, (value: string) => toName(value))
  for (const l of ['it', 'en'] as Lang[]) {
    $(`lang-${l}`).addEventListener('click', () => {
      lang = l
      store.set('lang', l)
      setPageLang(l)
      say('')
      i18next.changeLanguage(l).then(refresh).catch(fail)
    })
  }
  document.addEventListener('keydown', pressForEnter)
  // Another tab of this page logged in or out (a shared phone): this one shows who it is now, not
  // the member before, whose credit and buttons it would keep.
  // (The key and the link say who; not a new session key alone, which a browser without cookies
  // gets on every load, nor the member an admin's page chose to look at.)
  window.addEventListener('storage', (e) => { if (e.key === 'hypergas.seed' || e.key === 'hypergas.link') location.reload() })
  $('tab-member').addEventListener('click', () => { view = 'member'; refresh().catch(fail) })
  $('tab-admin').addEventListener('click', () => { view = 'admin'; refresh().catch(fail) })
  if (location.hash === '#admin') view = 'admin'
  const enter = async (): Promise<void> => {
    let failed = false
    const r = await logIn(() => window.confirm(t('switchLogin')), (err) => { failed = true; fail(err) })
    who = r.who
    chosen = store.get('member')
    if (r.admin) view = 'admin'
    // Logged in anew: what was said before (the last login ended, a receipt of someone else) goes.
    if (!failed && (who.admin || who.member !== null)) say('')
    await refresh()
  }
  await enter()
  // A link opened in a tab already on this page changes only the fragment: log in with it too.
  window.addEventListener('hashchange', () => { if (/[#&](login|link)=/.test(location.hash)) enter().catch(fail) })
  // A node that restarted forgot every login (README): a member's page logs in again with the
  // link or key this browser keeps, and reads again, instead of showing what it read before the
  // restart. (An admin's page, logged in with a one-time code, drops the admin's view and says how
  // to log in again: it must not become the member whose link this browser also keeps, nor keep
  // showing the members' credits with buttons that can no longer act.)
  const update = async (): Promise<void> => {
    try { await refresh() } catch (err) {
      if (!(err instanceof NodeError && err.code === 'UNAUTHORIZED') || (!who.admin && who.member === null)) throw err
      if (who.admin) {
        say(t('adminLoginEnded'), true)
        who = await api<Who>('/api/me')
        view = 'member'
        await refresh()
        return
      }
      // (A link revoked meanwhile: said, in place of the last receipt with the member's credit.)
      say('')
      who = (await logIn(() => false, fail)).who
      await refresh()
    }
  }
  // Re-render on every update (lit-html keeps what is typed and selected), and when the live
  // updates come back after they were cut (a restart sends no update of its own).
  let queued = false
  const later = (): void => {
    if (queued) return
    queued = true
    setTimeout(() => { queued = false; update().catch(fail) }, 100)
  }
  let wasLive = true
  follow('/api/events', later, (live) => {
    $('live').textContent = live ? '' : t('offlineEvents')
    // Back: a "node not answering" said meanwhile (an error with no code) is no longer true.
    if (live && !wasLive && $('msg').classList.contains('bad') && $('msg').dataset.code === undefined) say('')
    if (live && !wasLive) later()
    wasLive = live
  }, () => { if (who.admin || who.member !== null) later() }) // (`--public name`: a stream refused once logged in; the admin's login ended)
}


main().catch(fail)
