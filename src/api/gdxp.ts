/**
 * Catalogues in and orders out (SPEC §4.5): GDXP v1 JSON, the Italian GAS interchange format
 * (GASdottoNG and others), and CSV with named columns. Import reads what can be read exactly and
 * says what it left out and why; real files deviate from the schema (numbers as strings, `umPrice`
 * 0, `protocolVersion` "1.0" or 1, empty VAT numbers, extra arrays), so the structure is checked
 * with zod leniently and every value converted on its own. Euros become cents and quantities
 * milli-units from their decimal text, never through floating point (JSON numbers are read from
 * their source text). Pure: text in, products or text out.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { z } from '../zod.js'
import type { ProductSpec } from '../acts/types.js'
import { MAX_PRICE_CENTS, MAX_QTY_MILLI, parseActBody } from '../acts/schema.js'
import { HypergasError } from '../errors.js'
import { decimalToScaled, formatCents, formatQuantity } from '../money.js'
import type { PurchaseView } from './dto.js'

/** A product left out of an import, and why. */
export interface Skipped {
  /** The product's name as the file gives it (or its row). */
  name: string
  reason: 'inactive' | 'no name' | 'bad price' | 'bad quantity' | 'invalid' | 'duplicate'
  detail?: string
}

/** What an import read: the supplier, the products to add, and the ones left out. */
export interface CatalogueImport {
  supplier: { name: string, vatNumber: string | null } | null
  products: ProductSpec[]
  skipped: Skipped[]
  /** Products imported without a price (`umPrice` 0 or missing): in the catalogue, not bookable until priced. */
  unpriced: string[]
}

/** A number or a numeric string of the file, as its decimal text; null when absent or empty. */
const numText = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim()))
const text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? '' : String(v).trim()))
const gdxpProduct = z.object({
  name: text,
  um: text,
  sku: text,
  category: text,
  description: text,
  active: z.union([z.boolean(), z.string(), z.number()]).nullish(),
  orderInfo: z.object({
    packageQty: numText, minQty: numText, mulQty: numText, maxQty: numText, availableQty: numText, umPrice: numText
  }).partial().passthrough().nullish()
}).passthrough()
const gdxpFile = z.object({
  protocolVersion: z.union([z.string(), z.number()]).nullish(),
  blocks: z.array(z.object({
    supplier: z.object({ name: text, vatNumber: text, products: z.array(z.unknown()).nullish() }).passthrough()
  }).passthrough()).min(1)
}).passthrough()

/**
 * JSON.parse keeping every number as its source text (a price of 2.49 stays "2.49", never the
 * float 2.4900000000000002). Where the runtime gives no source text, the number's shortest form.
 */
function parseJsonExact (raw: string): unknown {
  return JSON.parse(raw, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    return typeof value === 'number' ? (context?.source ?? String(value)) : value
  } as (this: unknown, key: string, value: unknown) => unknown)
}

/** A key from a name: lowercase, accents folded, anything else a dash (`Mele Fuji 1ª scelta` → `mele-fuji-1a-scelta`). */
export function slug (name: string): string {
  const s = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
  return s === '' ? 'prodotto' : s
}

const inactive = (v: unknown): boolean => v === false || v === 0 || (typeof v === 'string' && ['false', '0', 'no'].includes(v.trim().toLowerCase()))

/** Fields of one product read from a file, before checks. */
interface RawProduct { name: string, unit: string, sku: string, category: string, description: string, price: string | null, packageQty: string | null, minQty: string | null, mulQty: string | null, maxQty: string | null, availableQty: string | null, weighed: boolean, active: boolean }

/** Turns raw products into catalogue products: keys, exact cents and milli-units, the schema's checks. */
function build (raw: RawProduct[], supplier: CatalogueImport['supplier']): CatalogueImport {
  const skipped: Skipped[] = []
  const unpriced: string[] = []
  const skus = new Map<string, number>()
  for (const r of raw) if (r.sku !== '') skus.set(r.sku, (skus.get(r.sku) ?? 0) + 1)
  const used = new Set<string>()
  const products: ProductSpec[] = []
  for (const r of raw) {
    const name = r.name.replace(/\p{Cc}/gu, ' ').trim()
    if (name === '') { skipped.push({ name: '(no name)', reason: 'no name' }); continue }
    if (!r.active) { skipped.push({ name, reason: 'inactive' }); continue }
    const priceCents = r.price === null ? 0 : decimalToScaled(r.price, 2)
    if (priceCents === null || priceCents > MAX_PRICE_CENTS) { skipped.push({ name, reason: 'bad price', detail: String(r.price) }); continue }
    const qty = (v: string | null): number | undefined | null => {
      if (v === null) return undefined
      const q = decimalToScaled(v, 3)
      return q === null || q > MAX_QTY_MILLI ? null : q === 0 ? undefined : q
    }
    const fields = { minQtyMilli: qty(r.minQty), mulQtyMilli: qty(r.mulQty), maxQtyMilli: qty(r.maxQty), availableQtyMilli: qty(r.availableQty) }
    const pkg = r.packageQty === null ? undefined : decimalToScaled(r.packageQty, 0)
    if (Object.values(fields).some((v) => v === null) || pkg === null) { skipped.push({ name, reason: 'bad quantity' }); continue }
    let key = r.sku !== '' && skus.get(r.sku) === 1 && /^[\p{L}\p{N}._\-/]{1,64}$/u.test(r.sku) ? r.sku : slug(name)
    for (let n = 2; used.has(key); n++) key = `${slug(name).slice(0, 56)}-${n}`
    const p: ProductSpec = { key, name: name.slice(0, 120), unit: (r.unit === '' ? 'pz' : r.unit).slice(0, 24), priceCents }
    if (pkg !== undefined && pkg > 0) p.packageQty = pkg
    if (typeof fields.minQtyMilli === 'number') p.minQtyMilli = fields.minQtyMilli
    if (typeof fields.mulQtyMilli === 'number') p.mulQtyMilli = fields.mulQtyMilli
    if (typeof fields.maxQtyMilli === 'number') p.maxQtyMilli = fields.maxQtyMilli
    if (typeof fields.availableQtyMilli === 'number') p.availableQtyMilli = fields.availableQtyMilli
    if (r.weighed) p.weighed = true
    if (r.category !== '') p.category = r.category.slice(0, 64)
    if (r.description !== '') p.description = r.description.replace(/\p{Cc}/gu, ' ').slice(0, 500)
    try {
      parseActBody({ type: 'AddProducts', purchase: '0'.repeat(64), products: [p] })
    } catch (err) {
      skipped.push({ name, reason: 'invalid', detail: (err as HypergasError).reason })
      continue
    }
    used.add(key)
    products.push(p)
    if (priceCents === 0) unpriced.push(name)
  }
  return { supplier, products, skipped, unpriced }
}

/**
 * The products of the first supplier block of a GDXP v1 file (JSON text).
 * @throws HypergasError BAD_ARGUMENT when the text is not GDXP at all
 */
export function importGdxp (raw: string): CatalogueImport {
  let data: unknown
  try { data = parseJsonExact(raw) } catch (err) { throw HypergasError.BAD_ARGUMENT(`not a GDXP file (not JSON: ${(err as Error).message})`) }
  const file = gdxpFile.safeParse(data)
  if (!file.success) throw HypergasError.BAD_ARGUMENT(`not a GDXP file: ${file.error.issues[0]?.path.join('.') ?? ''} ${file.error.issues[0]?.message ?? ''}`.trim())
  const s = file.data.blocks[0].supplier
  const raws: RawProduct[] = []
  const skipped: Skipped[] = []
  for (const [i, item] of (s.products ?? []).entries()) {
    const r = gdxpProduct.safeParse(item)
    if (!r.success) { skipped.push({ name: `(product ${i + 1})`, reason: 'invalid', detail: r.error.issues[0]?.message }); continue }
    const p = r.data
    const o = p.orderInfo ?? {}
    raws.push({ name: p.name, unit: p.um, sku: p.sku, category: p.category, description: p.description, price: o.umPrice ?? null, packageQty: o.packageQty ?? null, minQty: o.minQty ?? null, mulQty: o.mulQty ?? null, maxQty: o.maxQty ?? null, availableQty: o.availableQty ?? null, weighed: false, active: !inactive(p.active) })
  }
  const out = build(raws, { name: s.name, vatNumber: s.vatNumber === '' ? null : s.vatNumber })
  return { ...out, skipped: [...skipped, ...out.skipped] }
}

/**
 * Products from CSV with named columns (`,` or `;`): name (or nome), unit (um, unità), price (euros,
 * decimal point or comma; prezzo), and optional key (sku, codice), category, description, package,
 * min, mul, max, available, weighed (sì/yes/1).
 * @throws HypergasError BAD_ARGUMENT when there is no header with a name column
 */
export function importCsv (raw: string): CatalogueImport {
  const delimiter = (raw.split('\n')[0].match(/;/g)?.length ?? 0) > (raw.split('\n')[0].match(/,/g)?.length ?? 0) ? ';' : ','
  let rows: Array<Record<string, string>>
  try {
    rows = parseCsv(raw, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), delimiter, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true })
  } catch (err) { throw HypergasError.BAD_ARGUMENT(`not a CSV catalogue: ${(err as Error).message}`) }
  const col = (r: Record<string, string>, ...names: string[]): string => names.map((n) => r[n]).find((v) => v !== undefined && v !== '') ?? ''
  if (rows.length > 0 && col(rows[0], 'name', 'nome') === '' && !('name' in rows[0]) && !('nome' in rows[0])) throw HypergasError.BAD_ARGUMENT('a CSV catalogue needs a "name" (or "nome") column')
  const n = (v: string): string | null => (v === '' ? null : v)
  return build(rows.map((r) => ({
    name: col(r, 'name', 'nome'), unit: col(r, 'unit', 'um', 'unità', 'unita'), sku: col(r, 'key', 'sku', 'codice'),
    category: col(r, 'category', 'categoria'), description: col(r, 'description', 'descrizione'),
    price: n(col(r, 'price', 'prezzo', 'umprice')), packageQty: n(col(r, 'package', 'packageqty', 'confezione')),
    minQty: n(col(r, 'min', 'minqty')), mulQty: n(col(r, 'mul', 'mulqty', 'multiplo')), maxQty: n(col(r, 'max', 'maxqty')),
    availableQty: n(col(r, 'available', 'availableqty', 'disponibile')), weighed: ['sì', 'si', 'yes', '1', 'true'].includes(col(r, 'weighed', 'pesato').toLowerCase()),
    active: !inactive(col(r, 'active', 'attivo') === '' ? true : col(r, 'active', 'attivo'))
  })), null)
}

/** Reads a catalogue file: GDXP when it looks like JSON, else CSV. @throws HypergasError BAD_ARGUMENT */
export function importCatalogue (raw: string): CatalogueImport {
  return raw.trimStart().startsWith('{') ? importGdxp(raw) : importCsv(raw)
}

/**
 * The order of a purchase with a catalogue as GDXP v1 (SPEC §4.5): its supplier block with every
 * product and `bookingInfo.totalQty`, the quantity the group booked (delivered, once delivered),
 * prices and quantities as decimal text. `nowIso`: the creation date.
 */
export function exportGdxp (p: PurchaseView, groupName: string, nowIso: string): string {
  if (p.order === null) throw HypergasError.BAD_ARGUMENT(`"${p.name}" has no catalogue: its commitments export as CSV (--csv)`)
  const q = (m: number | undefined): string | undefined => (m === undefined ? undefined : formatQuantity(m))
  return JSON.stringify({
    protocolVersion: '1.0',
    creationDate: nowIso,
    applicationSignature: 'hypergas',
    subject: { name: groupName, purchase: p.name },
    blocks: [{
      supplier: {
        name: p.supplier ?? '',
        products: p.order.products.map((x) => ({
          name: x.name,
          um: x.unit,
          sku: x.key,
          ...(x.category === undefined ? {} : { category: x.category }),
          ...(x.description === undefined ? {} : { description: x.description }),
          active: true,
          orderInfo: { umPrice: formatCents(x.priceCents), packageQty: x.packageQty, minQty: q(x.minQtyMilli), mulQty: q(x.mulQtyMilli), maxQty: q(x.maxQtyMilli), availableQty: q(x.availableQtyMilli) },
          bookingInfo: { totalQty: formatQuantity(x.deliveredQtyMilli ?? x.bookedQtyMilli) }
        }))
      }
    }]
  }, null, 2) + '\n'
}
