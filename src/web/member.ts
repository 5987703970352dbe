/**
 * The member's view of the page (SPEC §7): who they are (a login, or a name chosen where
 * everything can be read), their key, credit (confirmed and pending), statement, the recovery
 * vote when the group is stuck, and the open purchases with their own commitment. Templates of
 * lit-html: every value is escaped by construction, and a re-render changes only what changed.
 */
import { html, nothing, type TemplateResult } from 'lit-html'
import { repeat } from 'lit-html/directives/repeat.js'
import type { CommitmentStatus } from '../fold/state.js'
import type { ProductSpec } from '../acts/types.js'
import type { BookingView, LineView, PurchaseSummary, PurchaseView, RecoveryView, TransferView } from '../api/dto.js'
import type { PublicPurchase } from '../api/public-views.js'
import type { MemberSummary, MemberView, StatementLine } from '../api/views.js'
import { shownKind } from '../api/shown-kind.js'
import type { Notice } from '../api/notices.js'
import type { SearchHit } from '../api/directory.js'
import { lineCents } from '../fold/lines.js'
import { parseQuantity } from '../money.js'
import { shellArg } from '../ids.js'
import { dateTime, day, dayOrDateTime, money, nameOf, noticeList, quantity, recoveryTooFew, stateCell, t, timeLeft, unitOf } from './format.js'
import type { Who } from './session.js'

/** What the member's view shows. */
export interface MemberData {
  who: Who
  /** Every member, where this browser may read them all (else empty). */
  members: MemberSummary[]
  /** The member shown, with their statement; null when nobody is chosen or logged in. */
  member: MemberView | null
  /** The open purchases; `full` (with every commitment) where this browser may read them all. */
  open: Array<{ p: PurchaseSummary | PublicPurchase, full: PurchaseView | null }>
  /** The node shows its purchases and directory to members only (`--public name`) and nobody is logged in here. */
  membersOnly: boolean
  recovery: RecoveryView[]
  /** The member's key is loaded here: they can sign. */
  keyed: boolean
  notices: Notice[]
  /** The member's pending transfers (SPEC §4.6), to accept or cancel. */
  transfers: TransferView[]
  /** The member's matches (SPEC §4.7): others' offers for their wants, others' wants for their offers. */
  matches: Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }>
}

/** What the member's view can do. */
export interface MemberActions {
  choose: (id: string) => void
  loadKey: (text: string) => void
  forgetKey: () => void
  logout: () => void
  csv: (member: string) => void
  commit: (purchase: string, amount: string) => void
  /** Books the quantities typed (product key → text as typed); `unchanged`: they are the booking held (nothing to send: a Book again would ask for approval again). */
  book: (purchase: string, quantities: Array<[string, string]>, unchanged: boolean) => void
  recover: (admin: string) => void
  /** Accepts (true) or cancels (false) a pending transfer, signed with the member's key. */
  transfer: (id: string, accept: boolean) => void
  /** Starts a transfer with the member named `name`: pays them, or (`ask`) asks them to pay, euros as typed (SPEC §4.6). */
  send: (name: string, amount: string, memo: string, ask: boolean) => void
  /** Searches the directory and shows what it finds. */
  search: (query: string) => void
  /** Publishes the member's listing (SPEC §4.7 SetListing): offers and wants as typed, one per line, signed with their key. */
  listing: (offers: string, wants: string) => void
}

/** Above this many products a purchase's price list is folded, with a search box. */
const MANY_PRODUCTS = 30

const readsAll = (w: Who): boolean => w.admin || w.local

function identity (d: MemberData, a: MemberActions): TemplateResult {
  if (readsAll(d.who)) {
    return html`<label>${t('whoAreYou')} <select id="who" @change=${(e: Event) => a.choose((e.target as HTMLSelectElement).value)}>
      <option value="">${t('choose')}</option>
      ${d.members.map((m) => html`<option value=${m.id} ?selected=${m.id === d.member?.id}>${m.name}</option>`)}</select></label>`
  }
  if (d.who.member !== null) return html`<p>${t('loggedInAs', { name: d.who.name })} <button id="logout" @click=${a.logout}>${t('logout')}</button></p>`
  return html`<p id="login-help">${t('loginHelp')}</p>`
}

function keyBox (d: MemberData, a: MemberActions): TemplateResult {
  const text = (): string => (document.getElementById('key') as HTMLTextAreaElement).value
  const file = async (e: Event): Promise<void> => {
    const input = e.target as HTMLInputElement
    const f = input.files?.[0]
    // Emptied once read: the same file chosen again (after a logout) is read again.
    input.value = ''
    if (f !== undefined) a.loadKey(await f.text())
  }
  return html`<details id="keybox" ?open=${!d.keyed}><summary>${t('loadKey')}</summary><p class="help">${t('keyHelp')}</p>
    <textarea id="key" rows="3" autocomplete="off" spellcheck="false" aria-label=${t('loadKey')}></textarea>
    <div class="row"><button id="usekey" @click=${() => a.loadKey(text())}>OK</button>
    <input type="file" id="keyfile" accept=".json,.txt" aria-label=${t('loadKey')} @change=${file}>
    ${d.keyed ? html`<button id="forget" @click=${a.forgetKey}>${t('forgetKey')}</button>` : nothing}</div></details>`
}

function credit (m: MemberView, a: MemberActions): TemplateResult {
  return html`<div class="card"><div>${t('credit')} · ${m.name}</div><div class="big" id="credit">${money(m.confirmedCreditCents)}</div>
    <div class="small">${t('confirmed')}</div>
    ${m.creditCents !== m.confirmedCreditCents ? html`<div class="pending">${t('withPending', { amount: money(m.creditCents) })}</div>` : nothing}</div>
    <h2>${t('statement')} <button class="small" id="csv" @click=${() => a.csv(m.id)}>${t('downloadCsv')}</button></h2>
    <div class="scroll"><table id="statement"><tr><th>${t('date')}</th><th>${t('movement')}</th><th>${t('amount')}</th><th>${t('balance')}</th><th title=${t('state')} aria-label=${t('state')}>✓</th></tr>
    ${m.statement.map((s) => html`<tr><td>${s.timeMs === null ? '' : day(s.timeMs)}</td><td>${movementText(s)}</td>
      <td class="n">${money(s.deltaCents)}</td><td class="n">${money(s.balanceCents)}</td><td>${stateCell(s.final)}</td></tr>`)}</table></div>`
}

/** What a statement line is: its kind (a shared cost giving credit back is a discount), and the other member or admin, the purchase, the reason or memo. */
function movementText (s: StatementLine): string {
  return [t(`kind_${shownKind(s)}`), s.counterpartName, s.purchaseName === null ? null : `"${s.purchaseName}"`, s.reason === null ? null : `(${s.reason})`].filter((x) => x !== null).join(' ')
}

/** The member's orders of purchases no longer open: booked vs delivered, what they paid (SPEC §7, §4.5). */
function pastOrders (m: MemberView): TemplateResult | typeof nothing {
  const past = (m.orders ?? []).filter((o) => o.phase !== 'open')
  if (past.length === 0) return nothing
  // A delivered line names its price when it is not the one booked (a price changed at the delivery).
  const lines = (ls: LineView[], booked?: LineView[]): string => ls.map((l) => {
    const was = booked?.find((b) => b.product === l.product)
    return `${quantity(l.qtyMilli)} ${unitOf(l.unit, l.qtyMilli)} ${l.name}${booked === undefined || l.qtyMilli === 0 || was?.priceCents === l.priceCents ? '' : ` × ${money(l.priceCents)}`}`
  }).join(', ')
  return html`<h2>${t('yourOrders')}</h2><div class="scroll"><table id="orders"><tr><th>${t('purchase')}</th><th>${t('booked')}</th><th>${t('delivered')}</th><th>${t('amount')}</th><th>${t('state')}</th></tr>
    ${past.map((o) => html`<tr><td>${o.purchaseName}</td><td>${o.booking === null ? '' : lines(o.booking.lines)}</td><td>${o.booking?.delivered == null ? '' : lines(o.booking.delivered, o.booking.lines)}</td>
      <td class="n">${money(o.amountCents)}</td><td>${o.status === 'rejected' ? t('status_rejected') : t(`phase_${o.phase}`)}</td></tr>`)}</table></div>`
}

/**
 * What the member offers and looks for (SPEC §4.7), one entry per line, to publish with their key.
 * The fields keep what is being typed while the page re-renders (the value is set only when the listing changes).
 */
function listingForm (l: { offers: string[], wants: string[] }, keyed: boolean, a: MemberActions): TemplateResult {
  const v = (id: string): string => (document.getElementById(id) as HTMLTextAreaElement).value
  return html`<div class="card" id="listing"><b>${t('yourListing')}</b>
    <label>${t('offersLabel')}<textarea id="offers" rows="3" maxlength="4000" placeholder=${t('onePerLine')} .value=${l.offers.join('\n')}></textarea></label>
    <label>${t('wantsLabel')}<textarea id="wants" rows="3" maxlength="4000" placeholder=${t('onePerLine')} .value=${l.wants.join('\n')}></textarea></label>
    <div class="row"><button id="save-listing" ?disabled=${!keyed} @click=${() => a.listing(v('offers'), v('wants'))}>${t('saveListing')}</button></div>
    ${keyed ? nothing : html`<div class="small">${t('needKeyListing')}</div>`}</div>`
}

/** The directory's search box (SPEC §4.7), the member's listing and their matches. */
function directory (d: MemberData, a: MemberActions): TemplateResult {
  const go = (e: Event): void => { e.preventDefault(); a.search((document.getElementById('search') as HTMLInputElement).value) }
  return html`<h2>${t('searchTitle')}</h2><form class="row" @submit=${go}><input id="search" type="search" placeholder=${t('searchPlaceholder')} aria-label=${t('searchPlaceholder')}><button id="search-go">${t('searchGo')}</button></form>
    <ul id="search-results"></ul>
    ${d.member === null ? nothing : listingForm(d.member.listing ?? { offers: [], wants: [] }, d.keyed, a)}
    ${d.matches.length === 0 ? nothing : html`<div class="card" id="matches"><b>${t('matchesTitle')}</b><ul>${d.matches.map((m) => html`<li>${t(m.kind === 'want' ? 'youWant' : 'youOffer', { what: m.for })} ${m.hits.slice(0, 3).map((h) => `${h.title} (${h.detail})`).join(' · ')}</li>`)}</ul></div>`}`
}

/** Pending transfers: the other side accepts; either side may cancel (SPEC §4.6). */
function transfers (d: MemberData, a: MemberActions): TemplateResult {
  const pending = d.transfers.filter((x) => x.status === 'pending')
  if (pending.length === 0 || d.member === null) return html``
  const me = d.member.id
  return html`<h2>${t('pendingTransfers')}</h2>${pending.map((x) => html`<div class="card transfer" data-transfer=${x.id}>
    ${x.from === me ? t('transferTo', { name: x.toName ?? '', amount: money(x.cents) }) : t('transferFrom', { name: x.fromName ?? '', amount: money(x.cents) })}
    ${x.memo === '' ? nothing : html`<div class="small">${x.memo}</div>`}
    <div class="row">${x.initiator !== me ? html`<button class="accept" ?disabled=${!d.keyed} @click=${() => a.transfer(x.id, true)}>${t('accept')}</button>` : nothing}
    <button class="cancel" ?disabled=${!d.keyed} @click=${() => a.transfer(x.id, false)}>${t(x.initiator === me ? 'withdraw' : 'refuse')}</button></div></div>`)}`
}

/** Pay another member, or ask them to pay (an invoice they accept): by their name, signed with the member's key. */
function sendForm (d: MemberData, a: MemberActions): TemplateResult {
  const v = (id: string): string => (document.getElementById(id) as HTMLInputElement).value
  const go = (ask: boolean) => (): void => a.send(v('to-name'), v('to-amount'), v('to-memo'), ask)
  return html`<h2>${t('sendTitle')}</h2><div class="card" id="send"><div class="row"><input id="to-name" autocomplete="off" placeholder=${t('payeeName')} aria-label=${t('payeeName')}>
    <input id="to-amount" inputmode="decimal" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}></div>
    <div class="row"><input id="to-memo" maxlength="200" placeholder=${t('memo')} aria-label=${t('memo')}>
    <button id="pay" ?disabled=${!d.keyed} @click=${go(false)}>${t('pay')}</button><button id="ask" ?disabled=${!d.keyed} @click=${go(true)}>${t('ask')}</button></div>
    ${d.keyed ? nothing : html`<div class="small">${t('needKeyPay')}</div>`}</div>`
}

/** A group its admins cannot unstick: the member may vote the gone admin out (docs/ordering.md §5). */
function recovery (d: MemberData, a: MemberActions): TemplateResult[] {
  // An admin whose node has not written yet is not gone: nothing to vote (the status line says what it waits for).
  return d.recovery.filter((r) => r.started).map((r) => html`<div class="card" id="recovery"><p>${t(r.forked ? 'recoveryHintForked' : 'recoveryHint', { name: nameOf(r), arg: shellArg(nameOf(r)), votes: r.votes, needed: r.needed })}</p>
    ${r.eligible < r.needed ? html`<p class="bad">${recoveryTooFew(r)}</p>` : nothing}
    <button class="recover" ?disabled=${!d.keyed} @click=${() => a.recover(r.admin)}>${t('recoverVote', { name: nameOf(r) })}</button></div>`)
}

/** A purchase's catalogue and the member's booking, from the public view or (reading all) the full one. */
function catalogueOf (o: MemberData['open'][number], member: string | null): { products: ProductSpec[], open: boolean, mine: BookingView | null } | null {
  if (o.full !== null) {
    if (o.full.order === null) return null
    return { products: o.full.order.products, open: o.full.order.bookingsOpen, mine: o.full.order.bookings.find((b) => b.member === member) ?? null }
  }
  return 'products' in o.p && o.p.products !== null ? { products: o.p.products, open: o.p.bookingsOpen, mine: o.p.myBooking } : null
}

/**
 * The catalogue with a quantity to type per product, and the member's booking booked vs delivered
 * (SPEC §4.5); a device with no member chosen (the public view) sees the products and prices alone.
 */
function catalogue (c: NonNullable<ReturnType<typeof catalogueOf>>, purchase: string, member: string | null, d: MemberData, a: MemberActions): TemplateResult {
  const booked = (key: string): string => { const l = c.mine?.lines.find((x) => x.product === key); return l === undefined ? '' : `${quantity(l.qtyMilli)}` }
  // A line's quantity as shown, with its unit price when it is not the catalogue's (booked before a SetPrice, priced at the delivery).
  const priced = (l: LineView | undefined, x: ProductSpec): string => (l === undefined ? '' : `${quantity(l.qtyMilli)}${l.qtyMilli === 0 || l.priceCents === x.priceCents ? '' : ` × ${money(l.priceCents)}`}`)
  const got = (x: ProductSpec): string => (c.mine?.delivered == null ? '' : priced(c.mine.delivered.find((l) => l.product === x.key), x) || '0')
  // A booking replaces the last one: a product left empty keeps what was booked; 0 drops it.
  const typed = (e: Event): Array<[string, string]> => [...(e.target as HTMLElement).closest('.purchase')!.querySelectorAll<HTMLInputElement>('input.qty')]
    .map((i): [string, string] => [i.dataset.product!, i.value.trim() === '' ? i.dataset.booked ?? '' : i.value])
    .filter(([, v]) => v !== '')
  const canBook = member !== null && c.open && d.keyed
  // Every quantity 0 with nothing booked before: nothing to send (the app says so).
  const bookable = (q: Array<[string, string]>): Array<[string, string]> =>
    (c.mine?.lines.some((l) => l.qtyMilli > 0) ?? false) || q.some(([, v]) => { try { return parseQuantity(v) > 0 } catch { return true } }) ? q : []
  // The booking held, typed again (fields left empty, or the same quantities): a Book would change
  // nothing but its approval, which it would ask for again. (A rejected one may be booked again,
  // and one held at a price the catalogue no longer has: booked again, it takes today's, SPEC §4.5.)
  const unchanged = (q: Array<[string, string]>): boolean => {
    const lines = c.mine === null || c.mine.status === 'rejected' ? [] : c.mine.lines.filter((l) => l.qtyMilli > 0)
    if (lines.some((l) => l.priceCents !== c.products.find((x) => x.key === l.product)?.priceCents)) return false
    const held = new Map(lines.map((l) => [l.product, l.qtyMilli]))
    try {
      const now = q.map(([k, v]): [string, number] => [k, parseQuantity(v)]).filter(([, n]) => n > 0)
      return held.size > 0 && now.length === held.size && now.every(([k, n]) => held.get(k) === n)
    } catch { return false }
  }
  // The running total of what is typed (at the catalogue's prices) and the credit left after it.
  const recount = (e: Event): void => {
    const card = (e.target as HTMLElement).closest('.purchase')!
    let total = 0
    for (const [key, text] of typed(e)) {
      const x = c.products.find((p) => p.key === key)
      try { total += lineCents(parseQuantity(text), x?.priceCents ?? 0) } catch { /* a quantity still being typed */ }
    }
    const left = (d.member?.creditCents ?? 0) + (c.mine?.amountCents ?? 0) - (c.mine?.costCents ?? 0) - total
    card.querySelector('.running')!.textContent = t('runningTotal', { total: money(total), left: money(left) })
    card.querySelector('.running')!.classList.toggle('bad', left < 0)
  }
  /** − and + step by the product's multiple (or one unit), never below zero, between zero and the minimum, or past the maximum. */
  const step = (x: ProductSpec, sign: number) => (e: Event): void => {
    const input = (e.target as HTMLElement).closest('td')!.querySelector('input.qty') as HTMLInputElement
    let now = 0
    try { now = parseQuantity(input.value.trim() === '' ? input.dataset.booked ?? '0' : input.value) } catch { now = 0 }
    const by = x.mulQtyMilli ?? 1000
    // With a multiple, to the next one up or down (1,25 with steps of 0,5: + gives 1,5, not 1,75,
    // which the node refuses); without one, a unit more or less.
    const up = (q: number): number => (x.mulQtyMilli === undefined ? q + by : (Math.floor(q / by) + 1) * by)
    const down = (q: number): number => (x.mulQtyMilli === undefined ? q - by : (Math.ceil(q / by) - 1) * by)
    const min = x.mulQtyMilli === undefined ? x.minQtyMilli ?? 0 : Math.ceil((x.minQtyMilli ?? 0) / by) * by
    const max = x.maxQtyMilli === undefined ? Infinity : x.mulQtyMilli === undefined ? x.maxQtyMilli : Math.floor(x.maxQtyMilli / by) * by
    let next = Math.max(0, sign > 0 ? up(now) : down(now))
    // Between 0 and the minimum nothing can be booked: + goes up to the minimum, − down to 0; + stops at the most a member may book.
    if (sign > 0 && now < min) next = min
    else if (sign < 0 && next < min) next = 0
    else if (sign > 0 && next > max) next = Math.max(Math.min(now, max), min)
    input.value = quantity(next)
    recount(e)
  }
  // A long price list (a GDXP catalogue of hundreds of products) folds away, with a search box: the phone's page is not 2,000 rows long.
  const many = c.products.length > MANY_PRODUCTS
  const folded = (x: string): string => x.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
  const filter = (e: Event): void => {
    const card = (e.target as HTMLElement).closest('.purchase')!
    const q = folded((e.target as HTMLInputElement).value.trim())
    const list = card.querySelector('details.catalogue-list') as HTMLDetailsElement | null
    if (list !== null && q !== '') list.open = true
    for (const tr of card.querySelectorAll<HTMLTableRowElement>('tr[data-name]')) tr.hidden = q !== '' && !tr.dataset.name!.includes(q)
  }
  const table = html`<div class="scroll"><table class="catalogue"><tr><th>${t('product')}</th><th>${t('price')}</th>${member === null ? nothing : html`<th>${t('yourBooking')}</th>`}${c.mine?.delivered == null ? nothing : html`<th>${t('delivered')}</th>`}${canBook ? html`<th></th>` : nothing}</tr>
    ${repeat(c.products, (x) => x.key, (x) => html`<tr data-name=${folded(`${x.name} ${x.key}`)}><td>${x.name}<div class="small">${x.unit}${x.weighed === true ? ` · ${t('weighed')}` : ''}${x.minQtyMilli === undefined ? '' : ` · min ${quantity(x.minQtyMilli)}`}${x.mulQtyMilli === undefined ? '' : ` · × ${quantity(x.mulQtyMilli)}`}${x.maxQtyMilli === undefined ? '' : ` · max ${quantity(x.maxQtyMilli)}`}${x.packageQty === undefined ? '' : ` · ${t('package')} ${x.packageQty}`}${x.priceCents === 0 ? ` · ${t('noPriceYet')}` : ''}</div></td>
      <td class="n">${x.priceCents === 0 ? '—' : money(x.priceCents)}</td>${member === null ? nothing : html`<td class="n">${priced(c.mine?.lines.find((l) => l.product === x.key), x)}</td>`}
      ${c.mine?.delivered == null ? nothing : html`<td class="n">${got(x)}</td>`}
      ${canBook ? html`<td class="stepper"><button class="minus" aria-label=${`− ${x.name}`} ?disabled=${x.priceCents === 0} @click=${step(x, -1)}>−</button><input class="qty" aria-label=${x.name} inputmode="decimal" size="4" data-product=${x.key} data-booked=${booked(x.key)} placeholder=${booked(x.key) || '0'} ?disabled=${x.priceCents === 0} @input=${recount}><button class="plus" aria-label=${`+ ${x.name}`} ?disabled=${x.priceCents === 0} @click=${step(x, 1)}>+</button></td>` : nothing}</tr>`)}</table></div>`
  return html`${!many ? table : html`<input class="filter" type="search" placeholder=${t('findProduct')} aria-label=${t('findProduct')} @input=${filter}><details class="catalogue-list" ?open=${c.mine !== null}><summary>${t('catalogueCount', { count: c.products.length })}</summary>${table}</details>`}
    ${c.mine === null ? nothing : html`<div>${t('yourBooking')}: ${money(c.mine.amountCents)}${c.mine.costCents === 0 ? '' : ` (${t('costs')} ${money(c.mine.costCents)})`} · ${t(`bstatus_${c.mine.status}`)}</div>`}
    ${canBook ? html`<div class="running small"></div><div class="row"><button class="book" data-enter @click=${(e: Event) => { const q = typed(e); a.book(purchase, bookable(q), unchanged(q)) }}>${t('book')}</button></div>` : nothing}
    ${!c.open ? html`<div class="small">${t('bookingsClosed')}</div>` : member !== null && !d.keyed ? html`<div class="small">${t('needKey')}</div>` : nothing}`
}

function purchaseCard (o: MemberData['open'][number], member: string | null, d: MemberData, a: MemberActions): TemplateResult {
  const { p, full } = o
  const cat = catalogueOf(o, member)
  if (cat !== null) {
    return html`<div class="card purchase" data-purchase=${p.id}><b>${p.name}</b>${p.supplier === null ? nothing : html` · ${t('supplier')}: ${p.supplier}`}
      ${'notes' in p && p.notes !== null ? html`<div class="small">${p.notes}</div>` : nothing}
      ${p.closesAtMs === null || !cat.open ? nothing : html`<div class="deadline">${t('closesAt', { when: dateTime(p.closesAtMs), left: timeLeft(p.closesAtMs) })}</div>`}
      ${p.deliveryAtMs === null ? nothing : html`<div class="small">${t('deliveryAt', { when: dayOrDateTime(p.deliveryAtMs) })}</div>`}
      ${catalogue(cat, p.id, member, d, a)}</div>`
  }
  const mine: { amountCents: number, status: CommitmentStatus } | undefined = full === null ? ('mine' in p ? p.mine ?? undefined : undefined) : full.commitments.find((c) => c.member === member)
  const amount = (e: Event): string => ((e.target as HTMLElement).closest('.purchase')!.querySelector('.amount') as HTMLInputElement).value
  return html`<div class="card purchase" data-purchase=${p.id}><b>${p.name}</b>${p.supplier === null ? nothing : html` · ${t('supplier')}: ${p.supplier}`}
    ${'notes' in p && p.notes !== null ? html`<div class="small">${p.notes}</div>` : nothing}
    ${p.closesAtMs === null || !p.bookingsOpen ? nothing : html`<div class="deadline">${t('closesAt', { when: dateTime(p.closesAtMs), left: timeLeft(p.closesAtMs) })}</div>`}
    ${member === null ? nothing : html`<div>${t('yourCommitment')}: ${mine === undefined ? '—' : `${money(mine.amountCents)} · ${t(`status_${mine.status}`)}`}</div>`}
    ${full === null ? nothing : html`<div>${t('committed')}: ${money('committedCents' in p ? p.committedCents : 0)}</div>
      <ul>${full.commitments.map((c) => html`<li>${c.name}: ${money(c.amountCents)} · ${t(`status_${c.status}`)}</li>`)}</ul>`}
    ${member === null
      ? nothing
      : !p.bookingsOpen
          ? html`<div class="small">${t('commitsClosed')}</div>`
          : html`<div class="row"><input class="amount" inputmode="decimal" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}>
        <button class="commit" data-enter ?disabled=${!d.keyed} @click=${(e: Event) => a.commit(p.id, amount(e))}>${t('commit')}</button></div>
        ${d.keyed ? nothing : html`<div class="small">${t('needKey')}</div>`}`}</div>`
}

/** The member's view. */
export function memberView (d: MemberData, a: MemberActions): TemplateResult {
  const m = d.member
  return html`${identity(d, a)}${noticeList(d.notices, 'member-notices')}${keyBox(d, a)}
    ${m === null ? nothing : html`${credit(m, a)}${transfers(d, a)}${sendForm(d, a)}${recovery(d, a)}`}
    ${d.membersOnly
      ? html`<p id="members-only">${t('membersOnly')}</p>`
      : html`<h2>${t('openPurchases')}</h2>
        ${d.open.length === 0 ? html`<p>${t('noOpen')}</p>` : repeat(d.open, (o) => o.p.id, (o) => purchaseCard(o, m?.id ?? null, d, a))}
        ${m === null ? nothing : pastOrders(m)}
        ${directory(d, a)}`}`
}
