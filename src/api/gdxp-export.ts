/**
 * The order of a purchase with a catalogue written as GDXP v1 (SPEC §4.5), for the supplier and
 * for GASdottoNG and the other programs that read it; the import is src/api/gdxp.ts. Pure.
 */
import { HypergasError } from '../errors.js'
import { formatCents, formatQuantity } from '../money.js'
import { gdxpContacts } from './gdxp-contacts.js'
import { shownVisible } from '../acts/visible.js'
import { withoutInvisible } from '../ids.js'
import type { ProductView, PurchaseView } from './dto.js'

/**
 * The unit price (cents) to write for product `x`: the one price every line of it holds, in the
 * non-rejected bookings as delivered (as booked before their delivery) — a price changed at the
 * delivery, or a booking made before a `SetPrice` (SPEC §4.5) — else the catalogue's. One entry
 * per product (the schema's `bookingInfo.totalQty` is its whole quantity), so lines at two prices
 * are written at the catalogue's, and umPrice × totalQty is then not what the members pay.
 */
function unitPrice (p: PurchaseView, x: ProductView): number {
  const prices = new Set<number>()
  for (const b of p.order?.bookings ?? []) {
    if (b.status === 'rejected') continue
    for (const l of b.delivered ?? b.lines) if (l.product === x.key && l.qtyMilli > 0) prices.add(l.priceCents)
  }
  return prices.size === 1 ? [...prices][0] : x.priceCents
}

/**
 * A JSON number written from its exact decimal text, never through a float: a marked string that
 * {@link exactNumbers} turns into the bare number once stringified (JSON.rawJSON would do it in one
 * step, but Node 20 lacks it). The mark starts with U+0000, which no text field of an act holds.
 */
const exactNumber = (decimalText: string): string => EXACT + decimalText
const EXACT = '\u0000exact:'
/** `json` with every marked string of {@link exactNumber} replaced by its number; throws if one is left (not a number). */
function exactNumbers (json: string): string {
  const out = json.replace(/"\\u0000exact:(-?\d+(?:\.\d+)?)"/g, '$1')
  if (out.includes('\\u0000exact:')) throw new Error('GDXP export: a quantity or price is not a decimal number')
  return out
}

/**
 * The order of a purchase with a catalogue as GDXP v1 (SPEC §4.5), as the schema has it
 * (madbob/GDXP, v1/GDXP-1.json) so that GASdottoNG and others read it: protocolVersion 1, the
 * creation date as YYYY-MM-DD, the supplier block with its VAT number (empty when the directory
 * has none), its contacts and address (src/api/gdxp-contacts.ts) and every product with
 * `bookingInfo.totalQty`, the quantity the group booked (delivered, once delivered; 0 for a
 * failed purchase, whose bookings were refunded) at the one price its lines hold, else the
 * catalogue's ({@link unitPrice}). Prices and quantities are JSON numbers written
 * from their exact decimal text. The supplier's `orderInfo` says the file is the group's booking (phase
 * `booking`, as the GDXP v1 documentation has it for a file with `bookingInfo`) with the closing
 * and delivery dates the purchase has; no `order` (the schema's name for it), whose GASdottoNG
 * reader requires an opening date the purchase does not have. `today`: the date of the export,
 * YYYY-MM-DD where the user is; `day`: a time (ms since the epoch) as YYYY-MM-DD there. Texts
 * are written without invisible characters and controls of direction (src/acts/visible.ts).
 * @throws HypergasError BAD_ARGUMENT for a purchase without a catalogue
 */
export function exportGdxp (view: PurchaseView, group: string, today: string, day: (ms: number) => string): string {
  const p = shownVisible(view)
  const groupName = withoutInvisible(group)
  if (p.order === null) throw new HypergasError('BAD_ARGUMENT', `"${p.name}" has no catalogue: its commitments export as CSV (--csv)`, { variant: 'noCatalogue', input: p.name.slice(0, 40) })
  const q = (m: number | undefined): string | undefined => (m === undefined ? undefined : exactNumber(formatQuantity(m)))
  const { contacts, address } = gdxpContacts(p.supplierContacts)
  return exactNumbers(JSON.stringify({
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
        products: p.order.products.map((x) => ({
          name: x.name,
          um: x.unit,
          sku: x.key,
          ...(x.category === undefined ? {} : { category: x.category }),
          ...(x.description === undefined ? {} : { description: x.description }),
          active: true,
          orderInfo: { umPrice: exactNumber(formatCents(unitPrice(p, x))), packageQty: x.packageQty, minQty: q(x.minQtyMilli), mulQty: q(x.mulQtyMilli), maxQty: q(x.maxQtyMilli), availableQty: q(x.availableQtyMilli) },
          bookingInfo: { totalQty: p.phase === 'failed' ? 0 : q(x.deliveredQtyMilli ?? x.bookedQtyMilli) }
        })),
        orderInfo: {
          phase: 'booking',
          ...(p.closesAtMs === null ? {} : { closeDate: day(p.closesAtMs) }),
          ...(p.deliveryAtMs === null ? {} : { deliveryDate: day(p.deliveryAtMs) })
        }
      }
    }]
  }, null, 2)) + '\n'
}
