/**
 * The admin's view of the page (SPEC §7): the cash each admin holds, the cash desk (deposits,
 * withdrawals, cash received from another admin), every member's credit, new purchases and members, roles, the
 * commitments to decide, the votes on open purchases, orders by product and the year's report
 * (src/web/report.ts). Acting needs the admin's login
 * (`hypergas login`); on the node's own machine without it, the view is read-only and says so.
 */
import { html, nothing, type TemplateResult } from 'lit-html'
import { repeat } from 'lit-html/directives/repeat.js'
import type { ActRequest, PurchaseSummary, PurchaseView, StatusView } from '../api/dto.js'
import type { MemberSummary } from '../api/views.js'
import type { Notice } from '../api/notices.js'
import { money, noticeList, t } from './format.js'
import { ordersSection, type OrdersActions } from './orders-admin.js'
import { reportSection, type ReportActions } from './report.js'
import type { Report } from '../api/report.js'

/** What the admin's view shows. */
export interface AdminData {
  status: StatusView
  members: MemberSummary[]
  /** Logged in as an admin (else: the node's own machine, reading only). */
  admin: boolean
  open: Array<{ p: PurchaseSummary, full: PurchaseView }>
  /** The purchases closed or failed, as `GET /api/purchases` lists them. */
  past: PurchaseSummary[]
  notices: Notice[]
  /** The treasurer's report of the period chosen (SPEC §7); null until read. */
  report: Report | null
}

/** What the admin's view can do: act (amounts typed as euros are parsed by the caller), import a price list, log out. */
export interface AdminActions extends OrdersActions, ReportActions {
  logout: () => void
}

const value = (id: string): string => (document.getElementById(id) as HTMLInputElement).value
const options = (list: Array<{ id: string, name: string | null }>): TemplateResult[] => list.map((m) => html`<option value=${m.id}>${m.name ?? m.id.slice(0, 8)}</option>`)

function cashDesk (d: AdminData, a: AdminActions): TemplateResult {
  const g = d.status.group
  const me = d.status.me
  const amount = (id: string, then: (cents: number) => void): void => { const c = a.cents(value(id)); if (c !== null) then(c) }
  // Cash is received from another admin, past or present: none, no settlement to record.
  const others = g.admins.filter((x) => x.id !== me.id)
  return html`<h2>${t('cash')}</h2><div class="scroll"><table id="cash"><tr><th></th><th>${t('roles')}</th><th>${t('cashNow')}</th><th>${t('confirmedCash')}</th></tr>
    ${g.admins.map((x) => html`<tr><td>${x.name}</td><td>${x.roles.join(', ')}</td><td class="n ${x.cashCents < 0 ? 'bad' : ''}">${money(x.cashCents)}</td><td class="n">${money(x.confirmedCashCents)}</td></tr>`)}</table></div>
    <h2>${t('cashDesk')}</h2><div class="row"><select id="cash-member" aria-label=${t('memberName')}>${options(d.members)}</select>
    <input id="cash-amount" inputmode="decimal" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}>
    <button id="dep" @click=${() => amount('cash-amount', (cents) => a.act({ type: 'Deposit', member: value('cash-member'), cents }))}>${t('doDeposit')}</button>
    <button id="wd" @click=${() => amount('cash-amount', (cents) => a.act({ type: 'Withdraw', member: value('cash-member'), cents, reason: value('cash-reason').trim() }))}>${t('doWithdraw')}</button>
    <input id="cash-reason" maxlength="200" placeholder=${t('withdrawReason')} aria-label=${t('withdrawReason')}></div>
    ${others.length === 0 ? nothing : html`<div class="row"><label for="settle-from">${t('settleFrom')}</label><select id="settle-from">${options(others)}</select>
    <input id="settle-amount" inputmode="decimal" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}>
    <button id="settle" data-enter @click=${() => amount('settle-amount', (cents) => a.act({ type: 'SettleCash', from: value('settle-from'), cents }))}>${t('doSettle')}</button></div>`}`
}

/**
 * Every member's credit, as the treasurer reads it (SPEC §7): now and confirmed, roles, the
 * overdraft and ceiling the admins voted, and the sum of the credits.
 */
function memberList (d: AdminData): TemplateResult {
  const limits = (m: MemberSummary): string => [
    (m.limits?.overdraftCents ?? 0) > 0 ? t('overdraftOf', { amount: money(m.limits!.overdraftCents) }) : '',
    (m.limits?.ceilingCents ?? 0) > 0 ? t('ceilingOf', { amount: money(m.limits!.ceilingCents) }) : ''
  ].filter((x) => x !== '').join(' · ')
  return html`<h2>${t('membersTitle')}</h2><div class="scroll"><table id="members"><tr><th></th><th>${t('roles')}</th><th>${t('credit')}</th><th>${t('confirmedCredit')}</th><th>${t('limits')}</th></tr>
    ${d.members.map((m) => html`<tr><td>${m.name}</td><td>${m.roles.join(', ')}</td><td class="n ${m.creditCents < 0 ? 'bad' : ''}">${money(m.creditCents)}</td><td class="n">${money(m.confirmedCreditCents)}</td><td class="small">${limits(m)}</td></tr>`)}
    <tr><td>${t('membersTotal', { count: d.members.length })}</td><td></td><td class="n">${money(d.status.group.totals.creditsCents)}</td><td></td><td></td></tr></table></div>`
}

function groupForms (d: AdminData, a: AdminActions): TemplateResult {
  const role = (): 'Referente' | 'Cassiere' => value('r-role') === 'Cassiere' ? 'Cassiere' : 'Referente'
  const supplier = (): string | undefined => value('p-supplier') === '' ? undefined : value('p-supplier')
  return html`<h2>${t('newPurchase')}</h2><div class="row"><input id="p-name" placeholder=${t('purchaseName')} aria-label=${t('purchaseName')}>
    <input id="p-supplier" placeholder=${t('supplier')} aria-label=${t('supplier')}><button id="p-open" data-enter @click=${() => a.act({ type: 'OpenPurchase', name: value('p-name'), supplier: supplier() })}>${t('doOpen')}</button></div>
    <h2>${t('newMember')}</h2><div class="row"><input id="m-name" placeholder=${t('memberName')} aria-label=${t('memberName')}>
    <input id="m-key" placeholder=${t('memberKey')} aria-label=${t('memberKey')} autocomplete="off"><button id="m-add" data-enter @click=${() => a.act({ type: 'VoteRegisterMember', name: value('m-name'), member: value('m-key').trim().toLowerCase() })}>${t('doRegister')}</button></div>
    <h2>${t('rolesTitle')}</h2><div class="row"><select id="r-member" aria-label=${t('memberName')}>${options(d.members)}</select>
    <select id="r-role" aria-label=${t('rolesTitle')}><option value="Referente">referente</option><option value="Cassiere">cassiere</option></select>
    <button id="r-elect" @click=${() => a.act({ type: role() === 'Referente' ? 'VoteElectReferente' : 'VoteElectCassiere', member: value('r-member') })}>${t('doElect')}</button>
    <button id="r-revoke" @click=${() => a.act({ type: role() === 'Referente' ? 'VoteRevokeReferente' : 'VoteRevokeCassiere', member: value('r-member') })}>${t('doRevoke')}</button>
    <button id="r-remove" @click=${() => a.act({ type: 'VoteRemoveMember', member: value('r-member') })}>${t('doRemoveMember')}</button></div>`
}

function decisions (d: AdminData, a: AdminActions): TemplateResult {
  const me = d.status.me.id
  const adjust = (e: Event): string => ((e.target as HTMLElement).parentElement!.querySelector('.adjust') as HTMLInputElement).value
  // Keyed by purchase and member: a row that goes or comes above keeps a half-typed amount in its own row.
  const pending = d.open.filter((o) => o.p.owner === me).flatMap(({ p, full }) => full.commitments.filter((c) => c.status === 'pending').map((c) => ({ p, full, c })))
  const rows = repeat(pending, ({ p, c }) => `${p.id} ${c.member}`, ({ p, full, c }) => html`<tr>
    <td>${p.name}</td><td>${c.name}</td><td class="n">${money(c.amountCents)}</td>
    <td><button data-act="ApproveCommitment" @click=${() => a.act({ type: 'ApproveCommitment', purchase: p.id, member: c.member })}>${t('approve')}</button>
    <button data-act="RejectCommitment" @click=${() => a.act({ type: 'RejectCommitment', purchase: p.id, member: c.member })}>${t('reject')}</button>
    ${full.order !== null ? nothing : html`<input class="adjust" inputmode="decimal" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}>
    <button data-act="AdjustCommitment" data-enter @click=${(e: Event) => { const cents = a.cents(adjust(e)); if (cents !== null) a.act({ type: 'AdjustCommitment', purchase: p.id, member: c.member, cents }) }}>${t('adjust')}</button>`}</td></tr>`)
  const votes = d.open.map(({ p }) => html`<tr><td>${p.name}</td><td>${t('closeVotes', { n: p.closeVotes, q: p.quorum })}<br>${t('failVotes', { n: p.failVotes, q: p.quorum })}</td>
    <td><button data-act="VoteClosePurchase" @click=${() => a.act({ type: 'VoteClosePurchase', purchase: p.id })}>${t('voteClose')}</button>
    <button data-act="VoteFailPurchase" @click=${() => a.act({ type: 'VoteFailPurchase', purchase: p.id })}>${t('voteFail')}</button>
    ${p.owner === me
      ? html`<button data-act="ClosePurchase" @click=${() => a.act({ type: 'ClosePurchase', purchase: p.id })}>${t('close')}</button>
        <button data-act="FailPurchase" @click=${() => a.act({ type: 'FailPurchase', purchase: p.id })}>${t('fail')}</button>`
      : nothing}</td></tr>`)
  return html`<h2>${t('pendingCommitments')}</h2>${pending.length === 0 ? html`<p>${t('noneToDecide')}</p>` : html`<table id="decide">${rows}</table>`}
    <h2>${t('votes')}</h2>${votes.length === 0 ? html`<p>${t('noOpen')}</p>` : html`<table id="votes">${votes}</table>`}`
}

/**
 * The purchases no longer open (closed first, then failed, by name, as the node lists them),
 * folded away: a referente who closed one still finds it, with what the supplier was paid
 * (SPEC §4: Σ of the commitments not rejected) or that it failed and refunded everyone.
 */
function pastPurchases (d: AdminData): TemplateResult {
  if (d.past.length === 0) return html``
  return html`<details id="past"><summary>${t('pastPurchases', { count: d.past.length })}</summary><div class="scroll"><table><tr><th>${t('purchase')}</th><th>${t('supplier')}</th><th>${t('referenteCol')}</th><th></th><th>${t('paidSupplier')}</th></tr>
    ${d.past.map((p) => html`<tr><td>${p.name}</td><td>${p.supplier ?? ''}</td><td>${p.ownerName ?? p.owner.slice(0, 8)}</td><td>${t(`phase_${p.phase}`)}</td><td class="n">${p.phase === 'closed' ? money(p.paidCents) : ''}</td></tr>`)}</table></div></details>`
}

/** The admin's view. */
export function adminView (d: AdminData, a: AdminActions): TemplateResult {
  const me = d.status.me
  return html`<p>${t('me')}: <b>${me.name ?? me.id.slice(0, 8)}</b></p>
    ${d.admin ? html`<p><button id="logout" @click=${a.logout}>${t('logout')}</button></p>` : html`<p class="bad" id="admin-login">${t('adminOnly')}</p>`}
    ${noticeList(d.notices, 'admin-notices')}
    ${cashDesk(d, a)}${memberList(d)}${groupForms(d, a)}${decisions(d, a)}
    <h2>${t('orders')}</h2>${repeat(d.open, ({ p }) => p.id, ({ p, full }) => ordersSection(p, full, me.id, a))}
    ${pastPurchases(d)}
    ${reportSection(d.report, a)}`
}
