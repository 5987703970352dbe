/**
 * The order of a purchase with a catalogue written as GDXP v1 (SPEC §4.5), for the supplier and
 * for GASdottoNG and the other programs that read it; the import is src/api/gdxp.ts. Pure.
 */
import { HypergasError } from '../errors.js'
import { formatCents, formatQuantity } from '../money.js'
import { gdxpContacts } from './gdxp-contacts.js'
import type { ProductView, PurchaseView } from './dto.js'

/**
 * The quantity (milli-units) of product `x` the group takes at each unit price (cents), ascending:
 * the non-rejected bookings as delivered (as booked before their delivery), each line at the price
 * it was booked or delivered at (SPEC §4.5: a booking keeps its price after a `SetPrice`, a
 * delivery may change it). One entry at the catalogue's price with quantity 0 when nothing is
 * taken (a failed purchase's bookings were refunded: nothing is ordered), and the total at that
 * price when the view does not hold every booking.
 */
function byPrice (p: PurchaseView, x: ProductView): Array<[number, number]> {
  const total = x.deliveredQtyMilli ?? x.bookedQtyMilli
  if (p.phase === 'failed' || total === 0) return [[x.priceCents, 0]]
  const qty = new Map<number, number>()
  for (const b of p.order?.bookings ?? []) {
    if (b.status === 'rejected') continue
    for (const l of b.delivered ?? b.lines) if (l.product === x.key && l.qtyMilli > 0) qty.set(l.priceCents, (qty.get(l.priceCents) ?? 0) + l.qtyMilli)
  }
  let sum = 0
  for (const v of qty.values()) sum += v
  // A view without every booking (not an admin's) gives the total at the catalogue's price.
  return sum === total ? [...qty].sort((a, b) => a[0] - b[0]) : [[x.priceCents, total]]
}

/** A JSON number written from its exact decimal text (JSON.rawJSON, Node ≥ 21): never a float. */
const exactNumber = (decimalText: string): unknown => (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON(decimalText)

/**
 * The order of a purchase with a catalogue as GDXP v1 (SPEC §4.5), as the schema has it
 * (madbob/GDXP, v1/GDXP-1.json) so that GASdottoNG and others read it: protocolVersion 1, the
 * creation date as YYYY-MM-DD, the supplier block with its VAT number (empty when the directory
 * has none), its contacts and address (src/api/gdxp-contacts.ts) and every product with
 * `bookingInfo.totalQty`, the quantity the group booked (delivered, once delivered; 0 for a
 * failed purchase, whose bookings were refunded) at the unit price its lines hold: a product
 * booked or delivered at two prices is written twice, once per price, with the same sku, so that
 * umPrice × totalQty adds up to what the members pay for it ({@link byPrice}, up to each line's
 * rounding to the cent). Prices and quantities are JSON numbers written
 * from their exact decimal text. The supplier's `orderInfo` says the file is the group's booking (phase
 * `booking`, as the GDXP v1 documentation has it for a file with `bookingInfo`) with the closing
 * and delivery dates the purchase has; no `order` (the schema's name for it), whose GASdottoNG
 * reader requires an opening date the purchase does not have. `today`: the date of the export,
 * YYYY-MM-DD where the user is; `day`: a time (ms since the epoch) as YYYY-MM-DD there.
 * @throws HypergasError BAD_ARGUMENT for a purchase without a catalogue
 */
export function exportGdxp (p: PurchaseView, groupName: string, today: string, day: (ms: number) => string): string {
  if (p.order === null) throw new HypergasError('BAD_ARGUMENT', `"${p.name}" has no catalogue: its commitments export as CSV (--csv)`, { variant: 'noCatalogue', input: p.name.slice(0, 40) })
  const q = (m: number | undefined): unknown => (m === undefined ? undefined : exactNumber(formatQuantity(m)))
  const { contacts, address } = gdxpContacts(p.supplierContacts)
  return JSON.stringify({
    protocolVersion: 1,
    creationDate: today,
    applicationSignature: 'hypergas',
    subject: { name: groupName },
    blocks: [{
      supplier: {
        name: p.supplier ?? '',
        vatNumber: p.supplierVatNumber ?? '',
        ...(address === null ? {} : { address }),
        contacts,
        products: p.order.products.flatMap((x) => byPrice(p, x).map(([priceCents, qtyMilli]) => ({
          name: x.name,
          um: x.unit,
          sku: x.key,
          ...(x.category === undefined ? {} : { category: x.category }),
          ...(x.description === undefined ? {} : { description: x.description }),
          active: true,
          orderInfo: { umPrice: exactNumber(formatCents(priceCents)), packageQty: x.packageQty, minQty: q(x.minQtyMilli), mulQty: q(x.mulQtyMilli), maxQty: q(x.maxQtyMilli), availableQty: q(x.availableQtyMilli) },
          bookingInfo: { totalQty: q(qtyMilli) }
        }))),
        orderInfo: {
          phase: 'booking',
          ...(p.closesAtMs === null ? {} : { closeDate: day(p.closesAtMs) }),
          ...(p.deliveryAtMs === null ? {} : { deliveryDate: day(p.deliveryAtMs) })
        }
      }
    }]
  }, null, 2) + '\n'
}
