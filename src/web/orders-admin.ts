/**
 * The referente's screens of a purchase with a catalogue (SPEC §7, §4.5), in the admin view:
 * importing the price list (GDXP or CSV, read by the node), the order per product for the
 * supplier, closing the bookings, the delivery screen (member by member, product by product:
 * weighed quantities and changed prices typed in, a missing item at 0) and shared costs.
 */
import { html, nothing, type TemplateResult } from 'lit-html'
import { repeat } from 'lit-html/directives/repeat.js'
import type { ActRequest, BookingView, LineView, ProductView, PurchaseSummary, PurchaseView } from '../api/dto.js'
import { parseEurosOrZero, parseQuantity } from '../money.js'
import { money, quantity, t, unitOf } from './format.js'

/** What the orders screens can do. */
export interface OrdersActions {
  act: (body: ActRequest) => void
  cents: (text: string) => number | null
  /** Downloads the order for the supplier as GDXP (SPEC §4.5), named after the purchase. */
  gdxp: (purchase: string, name: string) => void
  /** Sends a catalogue file's text to the node for the purchase. */
  importFile: (purchase: string, file: File) => void
  /** Shows an error (a quantity that is not one). */
  fail: (err: unknown) => void
}

/**
 * One product of a member's delivery screen: its booked line (null: delivered without being
 * booked, a substitute), and what its empty fields stand for: `qtyMilli`, and `priceCents`, the
 * price recorded at the delivery before (undefined: none, the booked price stands).
 */
interface DeliveryItem { product: string, name: string, unit: string, booked: LineView | null, qtyMilli: number, priceCents: number | undefined }

/**
 * The products of `b`'s delivery screen: the booked ones, then those delivered without being
 * booked. An empty field keeps what was recorded before (SPEC §4.5: a Deliver holds all the member
 * received, so a field left empty must not undo an earlier weight or price): before any delivery,
 * the booked quantity at the booked price; after one, the delivered quantity (0 for a product it
 * left out) at the price it was delivered at.
 */
export function deliveryItems (b: BookingView): DeliveryItem[] {
  const got = (product: string): LineView | undefined => b.delivered?.find((x) => x.product === product)
  const booked = b.lines.map((l) => {
    const d = got(l.product)
    return { product: l.product, name: l.name, unit: l.unit, booked: l, qtyMilli: b.delivered === null ? l.qtyMilli : d?.qtyMilli ?? 0, priceCents: d?.priceCents }
  })
  const extra = (b.delivered ?? []).filter((d) => !b.lines.some((l) => l.product === d.product))
  return [...booked, ...extra.map((d) => ({ product: d.product, name: d.name, unit: d.unit, booked: null, qtyMilli: d.qtyMilli, priceCents: d.priceCents }))]
}

/** The delivery of one member: each product with its quantity and price, an empty field keeping what {@link deliveryItems} says. */
function deliveryRow (p: PurchaseSummary, b: BookingView, a: OrdersActions): TemplateResult {
  const items = deliveryItems(b)
  const send = (e: Event): void => {
    const row = (e.target as HTMLElement).closest('.delivery')!
    const lines = []
    for (const x of items) {
      const q = (row.querySelector(`input.dq[data-product="${CSS.escape(x.product)}"]`) as HTMLInputElement).value.trim()
      const price = (row.querySelector(`input.dp[data-product="${CSS.escape(x.product)}"]`) as HTMLInputElement).value.trim()
      let qtyMilli = x.qtyMilli
      let priceCents = x.priceCents
      // A price of 0: something that came free, as the CLI's @0.
      try {
        if (q !== '') qtyMilli = parseQuantity(q)
        if (price !== '') priceCents = parseEurosOrZero(price)
      } catch (err) { a.fail(err); return }
      lines.push({ product: x.product, qtyMilli, ...(priceCents === undefined ? {} : { priceCents }) })
    }
    a.act({ type: 'Deliver', purchase: p.id, member: b.member, lines })
  }
  return html`<div class="card delivery" data-member=${b.name}><b>${b.name}</b> · ${money(b.amountCents)} · ${t(`status_${b.status}`)}
    <table>${items.map((x) => {
      const price = x.priceCents ?? x.booked?.priceCents ?? 0
      const recorded = b.delivered === null ? '' : ` · ${t('delivered')} ${quantity(x.qtyMilli)} ${unitOf(x.unit, x.qtyMilli)}`
      return html`<tr><td>${x.name}<div class="small">${x.booked === null ? '' : `${t('booked')} ${quantity(x.booked.qtyMilli)} ${unitOf(x.unit, x.booked.qtyMilli)} · ${money(x.booked.priceCents)}`}${recorded}</div></td>
        <td><input class="dq" size="5" inputmode="decimal" aria-label=${`${x.name}: ${t('delivered')}`} data-product=${x.product} placeholder=${quantity(x.qtyMilli)}></td>
        <td><input class="dp" size="6" inputmode="decimal" aria-label=${`${x.name}: €`} data-product=${x.product} placeholder=${money(price)}></td></tr>`
    })}</table>
    <button class="deliver" data-enter ?disabled=${b.status !== 'approved'} @click=${send}>${t('deliver')}</button></div>`
}

/** The purchases whose price list the referente opened: it stays open while the page redraws. */
const pricesOpen = new Set<string>()

/**
 * The catalogue with its prices, for the referente while bookings are open (SPEC §4.5 SetPrice):
 * a price typed in euros (0: not known yet) applies to later bookings. Open when a product has
 * none, or when the referente opened it.
 */
function prices (p: PurchaseSummary, products: ProductView[], a: OrdersActions): TemplateResult {
  const send = (key: string) => (e: Event): void => {
    const text = ((e.target as HTMLElement).closest('tr')!.querySelector('input.price') as HTMLInputElement).value
    try {
      a.act({ type: 'SetPrice', purchase: p.id, product: key, priceCents: parseEurosOrZero(text) })
    } catch (err) { a.fail(err) }
  }
  const toggled = (e: Event): void => { if ((e.target as HTMLDetailsElement).open) pricesOpen.add(p.id); else pricesOpen.delete(p.id) }
  return html`<details class="prices" ?open=${pricesOpen.has(p.id) || products.some((x) => x.priceCents === 0)} @toggle=${toggled}><summary>${t('catalogueTitle', { count: products.length })}</summary>
    <div class="scroll"><table>${products.map((x) => html`<tr><td>${x.name}<div class="small">${x.unit}</div></td>
      <td class="n">${x.priceCents === 0 ? t('noPriceYet') : money(x.priceCents)}</td>
      <td class="stepper"><input class="price" inputmode="decimal" size="6" data-product=${x.key} placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}><button class="set-price" data-enter @click=${send(x.key)}>${t('setPrice')}</button></td></tr>`)}</table></div></details>`
}

/** The pick-up list: what each member takes home (delivered, else booked) and pays, to print for the distribution. */
function pickupList (bookings: BookingView[]): TemplateResult {
  const live = bookings.filter((b) => b.status !== 'rejected')
  return html`<h3>${t('pickupList')} <button class="small print" @click=${() => window.print()}>${t('print')}</button></h3>
    <div class="scroll"><table class="pickup"><tr><th>${t('member')}</th><th>${t('product')}</th><th></th><th>${t('amount')}</th></tr>
    ${live.flatMap((b) => [
      ...(b.delivered ?? b.lines).map((l) => html`<tr><td>${b.name}</td><td>${l.name}</td><td class="n">${quantity(l.qtyMilli)} ${unitOf(l.unit, l.qtyMilli)}</td><td class="n">${money(l.cents)}</td></tr>`),
      html`<tr><td>${b.name}</td><td><b>${t('total')}</b>${b.costCents === 0 ? '' : ` (${t('costs')} ${money(b.costCents)})`}</td><td></td><td class="n"><b>${money(b.amountCents)}</b></td></tr>`
    ])}</table></div>`
}

/** The screens of one purchase with a catalogue, or the price-list import for one without commitments yet. */
export function ordersSection (p: PurchaseSummary, full: PurchaseView, me: string, a: OrdersActions): TemplateResult {
  const o = full.order
  const mine = p.owner === me
  const file = (e: Event): void => { const f = (e.target as HTMLInputElement).files?.[0]; if (f !== undefined) a.importFile(p.id, f) }
  if (o === null) {
    if (!mine || full.commitments.some((c) => c.status !== 'rejected')) return html``
    return html`<div class="card orders" data-purchase=${p.id}><b>${p.name}</b> · ${t('importList')}
      <input type="file" class="catalogue-file" accept=".json,.csv,.txt" aria-label=${t('importList')} @change=${file}></div>`
  }
  const costSend = (e: Event): void => {
    const box = (e.target as HTMLElement).closest('.costs')!
    const v = (c: string): string => (box.querySelector(c) as HTMLInputElement).value
    const cents = a.cents(v('.cost-amount'))
    if (cents === null) return
    a.act({ type: 'AddCost', purchase: p.id, label: v('.cost-label') || t('cost'), cents, split: v('.cost-split') === 'equal' ? 'equal' : 'amount', discount: (box.querySelector('.cost-discount') as HTMLInputElement).checked })
  }
  return html`<div class="card orders" data-purchase=${p.id}><b>${p.name}</b> · ${t(o.bookingsOpen ? 'bookingsOpenNote' : 'bookingsClosed')} · ${money(o.totalCents)}
    <h3>${t('orderForSupplier')} <button class="small gdxp" @click=${() => a.gdxp(p.id, p.name)}>GDXP</button></h3><div class="scroll"><table class="order"><tr><th>${t('product')}</th><th>${t('booked')}</th><th>${t('amount')}</th><th>${t('delivered')}</th><th>${t('deliveredAmount')}</th></tr>
    ${o.products.filter((x) => x.bookedQtyMilli > 0 || (x.deliveredQtyMilli ?? 0) > 0).map((x) => html`<tr><td>${x.name}</td><td class="n">${quantity(x.bookedQtyMilli)} ${unitOf(x.unit, x.bookedQtyMilli)}</td><td class="n">${money(x.bookedCents)}</td><td class="n">${x.deliveredQtyMilli === null ? '' : `${quantity(x.deliveredQtyMilli)} ${unitOf(x.unit, x.deliveredQtyMilli)}`}</td><td class="n">${x.deliveredCents === null ? '' : money(x.deliveredCents)}</td></tr>`)}</table></div>
    ${mine && o.bookingsOpen ? prices(p, o.products, a) : nothing}
    ${mine && o.bookingsOpen ? html`<div class="row"><button class="close-bookings" @click=${() => a.act({ type: 'CloseBookings', purchase: p.id })}>${t('closeBookings')}</button>
      <label class="small">${t('importList')} <input type="file" class="catalogue-file" accept=".json,.csv,.txt" @change=${file}></label></div>` : nothing}
    ${mine && !o.bookingsOpen ? html`<h3>${t('deliveries')}</h3>${repeat(o.bookings.filter((b) => b.status !== 'rejected'), (b) => b.member, (b) => deliveryRow(p, b, a))}
      <div class="row costs"><input class="cost-label" placeholder=${t('costLabel')} aria-label=${t('costLabel')}><input class="cost-amount" inputmode="decimal" size="6" placeholder=${t('commitAmount')} aria-label=${t('commitAmount')}>
      <select class="cost-split" aria-label=${`${t('splitAmount')} / ${t('splitEqual')}`}><option value="amount">${t('splitAmount')}</option><option value="equal">${t('splitEqual')}</option></select>
      <label><input type="checkbox" class="cost-discount"> ${t('discount')}</label><button class="add-cost" data-enter @click=${costSend}>${t('addCost')}</button></div>
      ${o.costs.map((c) => html`<div class="small">${c.label}: ${money(c.cents)}</div>`)}` : nothing}
    ${o.bookingsOpen ? nothing : pickupList(o.bookings)}</div>`
}
