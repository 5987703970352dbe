/**
 * Catalogues in and orders out (SPEC §4.5): GDXP v1 JSON, the Italian GAS interchange format
 * (GASdottoNG and others), and CSV with named columns. Import reads what can be read exactly and
 * says what it left out and why; real files deviate from the schema (numbers as strings, `umPrice`
 * 0, `protocolVersion` "1.0" or 1, empty VAT numbers, extra arrays), so the structure is checked
 * with zod leniently and every value converted on its own. Euros become cents and quantities
 * milli-units from their decimal text, never through floating point (JSON numbers are read from
 * their source text). Pure: text in, products or text out.
 */
import { csvTable, PRICE_COLUMNS, QUANTITY_NAMES } from './csv-table.js'
import { z } from '../zod.js'
import type { ProductSpec } from '../acts/types.js'
import { MAX_NAME_CHARS, MAX_PRICE_CENTS, MAX_UNIT_CHARS, MAX_PRODUCTS, MAX_QTY_MILLI, parseActBody } from '../acts/schema.js'
import { HypergasError, type SkippedProduct } from '../errors.js'
import { parseGdxpJson } from './gdxp-json.js'
import { withoutInvisible } from '../ids.js'
import { decimalToScaled, thousandsOnly, ungrouped, withoutEuroSign } from '../money.js'

/**
 * The largest catalogue file an import reads, in bytes (16 MiB: GASdottoNG embeds each product's
 * picture in base64, ~5 MB for a supplier of five products; without pictures real files are a few hundred kB).
 */
export const MAX_CATALOGUE_BYTES = 16 * 1024 * 1024

/** A product left out of an import, and why (the product's name as the file gives it, or its row). */
export type Skipped = SkippedProduct

/**
 * What a file asks for that the import does not carry out, for the referente to add by hand
 * (`hypergas cost`): per-unit shipping costs of `count` products, or `count` rules of the supplier
 * or of its active products (GDXP `transformations`: discounts over a threshold, shipping).
 */
export interface NotApplied {
  /**
   * `sharedSku`: `count` products whose code (SKU) another product of the file has too; `oddSku`:
   * whose code cannot be a key (a space, a sign, over 64 characters): both keyed by their name instead.
   * `package`: products imported without their package, not a whole number of units.
   */
  what: 'shippingCost' | 'transformations' | 'sharedSku' | 'oddSku' | 'package'
  count: number
}

/** What an import read: the supplier, the products to add, and the ones left out. */
export interface CatalogueImport {
  /** The supplier a GDXP file names (its name on one line, shortened to a name's length); null for CSV. */
  supplier: { name: string, vatNumber: string | null, contacts: string | null } | null
  products: ProductSpec[]
  skipped: Skipped[]
  /** Products imported without a price (`umPrice` 0 or missing): in the catalogue, not bookable until priced. */
  unpriced: string[]
  notApplied: NotApplied[]
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
    packageQty: numText, minQty: numText, mulQty: numText, maxQty: numText, availableQty: numText, umPrice: numText, shippingCost: numText
  }).partial().passthrough().nullish()
}).passthrough()
const gdxpFile = z.object({
  protocolVersion: z.union([z.string(), z.number()]).nullish(),
  blocks: z.array(z.object({
    supplier: z.object({
      name: text, vatNumber: text, products: z.array(z.unknown()).nullish(), transformations: z.array(z.unknown()).nullish(),
      // Read only when well formed: a file's contacts or address in another shape are left out, not refused.
      contacts: z.array(z.object({ value: text }).passthrough()).nullish().catch(null),
      address: z.object({ street: text, locality: text, zipCode: text }).passthrough().nullish().catch(null)
    }).passthrough()
  }).passthrough()).min(1)
}).passthrough()

/** A key from a name: lowercase, accents folded, anything else a dash (`Mele Fuji 1ª scelta` → `mele-fuji-1a-scelta`). */
export function slug (name: string): string {
  const s = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
  return s === '' ? 'prodotto' : s
}

const inactive = (v: unknown): boolean => v === false || v === 0 || (typeof v === 'string' && ['false', '0', 'no'].includes(v.trim().toLowerCase()))

/** Fields of one product read from a file, before checks. */
interface RawProduct { name: string, unit: string, sku: string, category: string, description: string, price: string | null, packageQty: string | null, minQty: string | null, mulQty: string | null, maxQty: string | null, availableQty: string | null, weighed: boolean, active: boolean, problem?: { reason: 'extra fields' | 'ambiguous price' | 'ambiguous quantity', detail: string, field?: SkippedProduct['field'] } }

/** A file's text as one line of the catalogue: in Unicode NFC (as names are signed), control characters (tabs, line breaks) as spaces, trimmed. */
const oneLine = (text: string): string => withoutInvisible(text).normalize('NFC').replace(/\p{Cc}/gu, ' ').trim()

/**
 * A price as a spreadsheet writes it in a CSV cell: the euro sign or "EUR" before or after it
 * dropped (`€ 3,20`, `3,20 €`), thousands separators dropped when decimals follow (`1.234,56`).
 */
const csvPrice = (cell: string): string => ungrouped(withoutEuroSign(cell))

/**
 * A unit that names none: empty, or GASdottoNG's "Non Specificato" (its measure for products sold
 * by the piece, written as the unit in its GDXP files) and the like; such a product is sold by the piece.
 */
const unspecified = (unit: string): boolean => ['', 'non specificato', 'non specificata', 'n/d', 'nd', '-'].includes(unit.trim().toLowerCase())
/** Units of measure, whose quantities may be fractional (1,5 kg); words of a unit that say "per" (al kg). */
const MEASURES = new Set(['kg', 'g', 'gr', 'grammi', 'grammo', 'hg', 'etto', 'etti', 'l', 'lt', 'litro', 'litri', 'ml', 'cl', 'dl', 'q', 'quintale', 'quintali', 'm', 'mt', 'metro', 'metri', 'lb', 'oz', 'kilo', 'chilo', 'chili', 'kilogrammo', 'kilogrammi', 'chilogrammo', 'chilogrammi', 'kilogram', 'kilograms', 'kgs', 'millilitro', 'millilitri', 'centilitro', 'centilitri', 'decilitro', 'decilitri', 'gram', 'grams', 'litre', 'liter', 'litres', 'liters', 'lbs'])
const PER = new Set(['al', 'per', 'a', 'il', 'la', 'lo', 'un', 'una', 'uno', 'by', 'the'])
/**
 * Whether a product sold in `unit` is counted in whole units (pezzo, vasetto, confezione, mazzo…),
 * not measured (kg, l, "al kg"): the first word of the unit, after a "per", is no unit of measure.
 */
export function countedUnit (unit: string): boolean {
  const words = unit.toLowerCase().match(/\p{L}+/gu) ?? []
  const first = words.find((w) => !PER.has(w))
  return first !== undefined && !MEASURES.has(first)
}

/**
 * A GDXP supplier's contacts (e-mail, phone, web site…) and address as the one line of text the
 * directory keeps (SPEC §4.7: at most 200 characters, cut at a contact): `info@… · 0123 … · Via …,
 * 12032 Barge (CN)`; null when the file gives none.
 */
function contactsText (contacts: Array<{ value: string }> | null | undefined, address: { street: string, locality: string, zipCode: string } | null | undefined): string | null {
  const place = address === null || address === undefined ? '' : [address.street, [address.zipCode, address.locality].filter((x) => x !== '').join(' ')].filter((x) => x !== '').join(', ')
  const parts = [...(contacts ?? []).map((c) => c.value), place].map(oneLine).filter((x) => x !== '')
  let line = ''
  for (const x of parts) if ((line === '' ? x : `${line} · ${x}`).length <= 200) line = line === '' ? x : `${line} · ${x}`
  return line === '' ? null : line
}

/** `text` cut to at most `max` UTF-16 units, never inside a surrogate pair. */
function cut (text: string, max: number): string {
  if (text.length <= max) return text
  const c = text.slice(0, max)
  return /[\uD800-\uDBFF]$/.test(c) ? c.slice(0, -1) : c
}

/** `text` longer than `max` (a product's name, its unit), cut at a word where it can be, with "…". */
function shorten (text: string, max = MAX_NAME_CHARS): string {
  if (text.length <= max) return text
  const c = cut(text, max - 1)
  const space = c.lastIndexOf(' ')
  return `${(space >= max / 2 ? c.slice(0, space) : c).trimEnd()}…`
}

/**
 * Turns raw products into catalogue products: keys, exact cents and milli-units, the schema's
 * checks. A name or unit too long for a product is shortened and kept whole at the start of its
 * description.
 * @throws HypergasError TOO_MANY_PRODUCTS past {@link MAX_PRODUCTS} products to import
 */
function build (raw: RawProduct[], supplier: CatalogueImport['supplier']): CatalogueImport {
  const skipped: Skipped[] = []
  const unpriced: string[] = []
  const skus = new Map<string, number>()
  // Over the products that can be imported: an inactive old version does not take an SKU away.
  for (const r of raw) if (r.sku !== '' && r.active && r.name.trim() !== '') skus.set(r.sku, (skus.get(r.sku) ?? 0) + 1)
  const used = new Set<string>()
  // A product's own SKU is its key when no other product has it; a slug made for a product
  // without one never takes it (the supplier reads the keys back as SKUs in the order).
  const ownKey = (r: RawProduct): boolean => r.sku !== '' && skus.get(r.sku) === 1 && /^[\p{L}\p{N}._\-/]{1,64}$/u.test(r.sku)
  const reserved = new Set(raw.filter(ownKey).map((r) => r.sku))
  const products: ProductSpec[] = []
  let shared = 0 // products imported whose SKU another product has too (keyed by a slug instead)
  let odd = 0 // products imported whose SKU cannot be a key (keyed by a slug instead)
  let packages = 0 // products imported without the package the file gives them (not a whole number)
  for (const r of raw) {
    const name = oneLine(r.name)
    if (name === '') { skipped.push({ name: '(no name)', reason: 'no name' }); continue }
    if (!r.active) { skipped.push({ name, reason: 'inactive' }); continue }
    if (r.problem !== undefined) { skipped.push({ name, ...r.problem }); continue }
    const priceCents = r.price === null ? 0 : decimalToScaled(r.price, 2)
    if (priceCents === null || priceCents > MAX_PRICE_CENTS) {
      skipped.push({ name, reason: priceCents === null ? 'bad price' : 'price too high', detail: String(r.price) })
      continue
    }
    const texts = { min: r.minQty, mul: r.mulQty, max: r.maxQty, available: r.availableQty }
    /** A quantity; past the largest one, a limit (`ceiling`) is no limit, a minimum or multiple is wrong. */
    const qty = (v: string | null, ceiling = false): number | undefined | null => {
      if (v === null) return undefined
      const q = decimalToScaled(v, 3)
      return q === null ? null : q > MAX_QTY_MILLI ? (ceiling ? undefined : null) : q === 0 ? undefined : q
    }
    const fields = { min: qty(r.minQty), mul: qty(r.mulQty), max: qty(r.maxQty, true), available: qty(r.availableQty, true) }
    // A package that is not a whole number of units (`0.5`, a kg split in two) is optional: the
    // product comes in without it, and the import says how many lost it.
    const pkg = r.packageQty === null ? undefined : decimalToScaled(r.packageQty, 0)
    const badQty = (Object.keys(fields) as Array<keyof typeof fields>).find((k) => fields[k] === null)
    if (badQty !== undefined) {
      skipped.push({ name, reason: 'bad quantity', detail: String(texts[badQty]), field: badQty })
      continue
    }
    if (typeof fields.min === 'number' && typeof fields.max === 'number' && fields.min > fields.max) {
      skipped.push({ name, reason: 'min above max', detail: `${r.minQty} > ${r.maxQty}` })
      continue
    }
    const own = ownKey(r)
    let key = own ? r.sku : slug(name)
    for (let n = 2; used.has(key) || (!own && reserved.has(key)); n++) key = `${slug(name).slice(0, 56)}-${n}`
    const unit = unspecified(r.unit) ? 'pz' : oneLine(r.unit)
    const p: ProductSpec = { key, name: shorten(name), unit: shorten(unit, MAX_UNIT_CHARS), priceCents }
    if (typeof pkg === 'number' && pkg > 0) p.packageQty = pkg
    if (typeof fields.min === 'number') p.minQtyMilli = fields.min
    if (typeof fields.mul === 'number') p.mulQtyMilli = fields.mul
    // A product counted in pieces, jars, boxes is booked in whole ones unless the file says otherwise;
    // so is one whose unit names none, shown as `pz` (GASdottoNG's "Non Specificato" is a discrete measure).
    else if (countedUnit(unit) && !r.weighed && (p.minQtyMilli ?? 0) % 1000 === 0) p.mulQtyMilli = 1000
    if (typeof fields.max === 'number') p.maxQtyMilli = fields.max
    if (typeof fields.available === 'number') p.availableQtyMilli = fields.available
    if (r.weighed) p.weighed = true
    if (!unspecified(r.category)) p.category = cut(r.category, 64)
    const description = [p.name === name ? '' : name, p.unit === unit ? '' : unit, oneLine(r.description)].filter((x) => x !== '').join(' — ')
    if (description !== '') p.description = cut(description, 500)
    try {
      parseActBody({ type: 'AddProducts', purchase: '0'.repeat(64), products: [p] })
    } catch (err) {
      skipped.push({ name, reason: 'invalid', detail: (err as HypergasError).reason })
      continue
    }
    used.add(key)
    products.push(p)
    if (r.sku !== '' && (skus.get(r.sku) ?? 0) > 1) shared++
    else if (r.sku !== '' && !own) odd++
    if (pkg === null) packages++
    if (priceCents === 0) unpriced.push(name)
  }
  if (products.length > MAX_PRODUCTS) throw new HypergasError('TOO_MANY_PRODUCTS', `the file has ${products.length} products to import and a purchase holds at most ${MAX_PRODUCTS}: split it into two purchases`)
  return { supplier, products, skipped, unpriced, notApplied: [{ what: 'sharedSku' as const, count: shared }, { what: 'oddSku' as const, count: odd }, { what: 'package' as const, count: packages }].filter((x) => x.count > 0) }
}

/** How many rules a `transformations` field holds: its length when it is an array, else none. */
const ruleCount = (v: unknown): number => (Array.isArray(v) ? v.length : 0)

/** The name a product of the file gives itself, for a product that is left out as invalid. */
function nameOf (item: unknown, i: number): string {
  const n = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined
  return typeof n === 'string' && n.trim() !== '' ? n.trim() : `(product ${i + 1})`
}

/**
 * The products of the first supplier block of a GDXP v1 file (JSON text); the products of any
 * other block are left out (one supplier per purchase), and said so.
 * @throws HypergasError BAD_ARGUMENT when the text is not GDXP at all; TOO_MANY_PRODUCTS
 */
export function importGdxp (raw: string): CatalogueImport {
  const data = parseGdxpJson(raw)
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new HypergasError('BAD_ARGUMENT', 'not a GDXP file: GDXP is one JSON object with its suppliers in "blocks"', { variant: 'notGdxp' })
  const file = gdxpFile.safeParse(data)
  if (!file.success) throw new HypergasError('BAD_ARGUMENT', `not a GDXP file: ${file.error.issues[0]?.path.join('.') ?? ''} ${file.error.issues[0]?.message ?? ''}`.trim(), { variant: 'gdxpField', input: (file.error.issues[0]?.path.join('.') ?? '').slice(0, 40), detail: (file.error.issues[0]?.message ?? '').slice(0, 200) })
  const [first, ...others] = file.data.blocks
  const s = first.supplier
  const raws: RawProduct[] = []
  const skipped: Skipped[] = []
  let shipping = 0
  let rules = s.transformations?.length ?? 0
  for (const [i, item] of (s.products ?? []).entries()) {
    const r = gdxpProduct.safeParse(item)
    if (!r.success) { skipped.push({ name: nameOf(item, i), reason: 'invalid', detail: [r.error.issues[0]?.path.join('.'), r.error.issues[0]?.message].filter((x) => x !== undefined && x !== '').join(': ') }); continue }
    const p = r.data
    const o = p.orderInfo ?? {}
    const active = !inactive(p.active)
    if (active && (o.shippingCost ?? null) !== null && decimalToScaled(o.shippingCost!, 2) !== 0) shipping++
    // A product's own rules (a discount, a shipping cost of its own), beside it or in its orderInfo.
    if (active) rules += ruleCount(p.transformations) + ruleCount((o as { transformations?: unknown }).transformations)
    raws.push({ name: p.name, unit: p.um, sku: p.sku, category: p.category, description: p.description, price: o.umPrice ?? null, packageQty: o.packageQty ?? null, minQty: o.minQty ?? null, mulQty: o.mulQty ?? null, maxQty: o.maxQty ?? null, availableQty: o.availableQty ?? null, weighed: false, active })
  }
  for (const [i, b] of others.entries()) {
    const n = b.supplier.products?.length ?? 0
    skipped.push({ name: b.supplier.name === '' ? `(${i + 2})` : b.supplier.name, reason: 'other supplier', detail: String(n) })
  }
  const out = build(raws, { name: shorten(oneLine(s.name)), vatNumber: s.vatNumber === '' ? null : s.vatNumber, contacts: contactsText(s.contacts, s.address) })
  const notApplied: NotApplied[] = [...out.notApplied]
  if (shipping > 0) notApplied.push({ what: 'shippingCost', count: shipping })
  if (rules > 0) notApplied.push({ what: 'transformations', count: rules })
  return { ...out, skipped: [...skipped, ...out.skipped], notApplied }
}

/**
 * Products from CSV with named columns (`,` or `;`): name (or nome), unit (um, unità), price (euros,
 * decimal point or comma; prezzo), and optional key (sku, codice), category, description, package,
 * min (minimo), mul (multiplo), max (massimo), available (disponibile), weighed (pesato: sì/yes/1).
 * @throws HypergasError BAD_ARGUMENT when there is no header with a name column
 */
export function importCsv (raw: string): CatalogueImport {
  const rows = csvTable(raw)
  const col = (r: Record<string, string>, ...names: string[]): string => names.map((n) => r[n]).find((v) => v !== undefined && v !== '') ?? ''
  const n = (v: string): string | null => (v === '' ? null : v)
  return build(rows.map(({ cells: r, split, line }) => {
    const price = csvPrice(col(r, ...PRICE_COLUMNS))
    // A decimal comma in a file separated by commas (`Mele,kg,2,50`), or a price whose separator
    // could be thousands or decimals (`1.500`): left out, with why.
    const limits = { min: col(r, ...QUANTITY_NAMES.min), mul: col(r, ...QUANTITY_NAMES.mul), max: col(r, ...QUANTITY_NAMES.max), available: col(r, ...QUANTITY_NAMES.available) }
    const vague = (Object.keys(limits) as Array<keyof typeof limits>).find((k) => thousandsOnly(limits[k]))
    const problem: RawProduct['problem'] = split
      ? { reason: 'extra fields', detail: line.slice(0, 120) }
      : thousandsOnly(price) ? { reason: 'ambiguous price', detail: price } : vague !== undefined ? { reason: 'ambiguous quantity', detail: limits[vague], field: vague } : undefined
    return {
      name: col(r, 'name', 'nome'), unit: col(r, 'unit', 'um', 'unità', 'unita'), sku: col(r, 'key', 'sku', 'codice'),
      category: col(r, 'category', 'categoria'), description: col(r, 'description', 'descrizione'),
      price: n(price), packageQty: n(col(r, ...QUANTITY_NAMES.package)),
      minQty: n(limits.min), mulQty: n(limits.mul), maxQty: n(limits.max), availableQty: n(limits.available), weighed: ['sì', 'si', 'yes', '1', 'true'].includes(col(r, 'weighed', 'pesato', 'a peso').toLowerCase()),
      active: !inactive(col(r, 'active', 'attivo') === '' ? true : col(r, 'active', 'attivo')),
      ...(problem === undefined ? {} : { problem })
    }
  }), null)
}

/**
 * Reads a catalogue file's text: GDXP when it looks like JSON, else CSV; a byte-order mark is
 * dropped. Text that is not UTF-8 (read with replacement characters, or NULs: UTF-16, Latin-1),
 * empty, or XML/HTML is refused with what it is, and so is a file with no product to import (with
 * the first reasons).
 * @throws HypergasError BAD_ARGUMENT; TOO_MANY_PRODUCTS
 */
export function importCatalogue (raw: string): CatalogueImport {
  const text = raw.replace(/^\uFEFF/, '')
  if (/[\uFFFD\u0000]/.test(text)) throw new HypergasError('BAD_ARGUMENT', 'the file is not UTF-8 text (UTF-16, or an older encoding such as Latin-1): save it as UTF-8 and try again', { variant: 'notUtf8' })
  const head = text.trimStart()
  if (head === '') throw new HypergasError('BAD_ARGUMENT', 'the file is empty', { variant: 'empty' })
  if (head.startsWith('<')) throw new HypergasError('BAD_ARGUMENT', 'an XML or HTML file: hypergas reads GDXP as JSON (v1) and CSV with named columns', { variant: 'xml' })
  const cat = head.startsWith('{') || head.startsWith('[') ? importGdxp(text) : importCsv(text)
  if (cat.products.length > 0) return cat
  if (cat.skipped.length === 0) throw new HypergasError('BAD_ARGUMENT', 'the file lists no products', { variant: 'noProducts' })
  const why = cat.skipped.slice(0, 3).map((x) => `${x.name} (${x.reason}${x.field === undefined ? '' : ` ${x.field}`}${x.detail === undefined ? '' : `: ${x.detail}`})`).join('; ') + (cat.skipped.length > 3 ? '…' : '')
  const first = cat.skipped.slice(0, 3).map((x) => ({ name: x.name.slice(0, 80), reason: x.reason, ...(x.detail === undefined ? {} : { detail: x.detail.slice(0, 160) }), ...(x.field === undefined ? {} : { field: x.field }) }))
  throw new HypergasError('BAD_ARGUMENT', `no product can be imported: ${cat.skipped.length} left out, ${why}`, { variant: 'nothingImported', matches: cat.skipped.length, detail: why.slice(0, 400), skipped: first })
}
