/**
 * Purchases and orders by product (SPEC §4.5, §7): `purchase open <name> [--catalogue file]`
 * (GDXP or CSV), `purchase <ref>` with `--csv` (commitments), `--gdxp` (the order for the
 * supplier) or `--pickup` (what each member takes home), `products`, `book`, `close-bookings`,
 * `deliver`, `cost`, `set-price`. Quantities as typed by people (`1,5`), products by key or a
 * unique beginning of their name. Registered on import.
 */
import fs from 'node:fs'
import { Option } from 'commander'
import type { LineSpec } from '../../acts/types.js'
import type { NodeApi } from '../../api/api.js'
import { commitmentsCsv, pickupCsv } from '../../api/csv.js'
import type { LineView, PurchaseView } from '../../api/dto.js'
import { unaccented } from '../../api/views.js'
import { importCatalogue, MAX_CATALOGUE_BYTES } from '../../api/gdxp.js'
import { exportGdxp } from '../../api/gdxp-export.js'
import { notAppliedLines, skippedLine } from '../../api/refusal-text.js'
import { HypergasError } from '../../errors.js'
import { nameKey } from '../../ids.js'
import { localDay } from '../../local-time.js'
import { parseEuros, parseEurosOrZero, parseQuantity } from '../../money.js'
import * as fmt from '../format.js'
import { euro, lang, quantity, t } from '../i18n.js'
import { act, EUROS, helpText, MEMBER, print, program, PURCHASE, withApi } from '../program.js'
import { actAsMember } from './acts.js'

/**
 * Reads a catalogue file's text, at most {@link MAX_CATALOGUE_BYTES} (a device such as /dev/zero,
 * or a file far too large, is refused after that many bytes, not read for ever).
 * @throws HypergasError BAD_ARGUMENT (`noFile`, `unreadable`, `fileTooLarge`)
 */
function readText (file: string): string {
  const buf = Buffer.alloc(MAX_CATALOGUE_BYTES + 1)
  let n = 0
  try {
    const fd = fs.openSync(file, 'r')
    try {
      for (let got = -1; got !== 0 && n < buf.length;) n += (got = fs.readSync(fd, buf, n, buf.length - n, null))
    } finally { fs.closeSync(fd) }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new HypergasError('BAD_ARGUMENT', `cannot read ${file}: ${code ?? (err as Error).message}`, { variant: code === 'ENOENT' ? 'noFile' : 'unreadable', input: file.slice(0, 200), detail: code ?? (err as Error).message })
  }
  if (n > MAX_CATALOGUE_BYTES) throw new HypergasError('BAD_ARGUMENT', `${file} is larger than ${MAX_CATALOGUE_BYTES / 1024 / 1024} MiB: not a catalogue`, { variant: 'fileTooLarge', input: file.slice(0, 200) })
  return buf.toString('utf8', 0, n)
}

/** The product `ref` names in a purchase: its key, or a unique beginning of its name (any case, any Unicode form, with or without accents). @throws HypergasError NO_CATALOGUE, UNKNOWN_PRODUCT (none), NOT_FOUND (more than one) */
function productOf (p: PurchaseView, ref: string): string {
  if (p.order === null) throw HypergasError.REJECTED('NO_CATALOGUE', `"${p.name}" has no catalogue: its members commit an amount`)
  const list = p.order.products
  if (list.some((x) => x.key === ref)) return ref
  // A key typed in another case (`parm` for PARM) is that product, before any name it begins.
  const keyed = list.filter((x) => x.key.toLowerCase() === ref.toLowerCase())
  if (keyed.length === 1) return keyed[0].key
  const r = nameKey(ref)
  // A name without its accents too (`creme` for Crème), as members are found.
  const bare = unaccented(r)
  const hits = list.filter((x) => (bare !== '' && unaccented(x.name).startsWith(bare)) || x.key.toLowerCase().startsWith(r))
  if (hits.length === 1) return hits[0].key
  // The code of the act's own refusal (SPEC §4.5 `UNKNOWN_PRODUCT`), refused before it is signed.
  if (hits.length === 0) throw HypergasError.REJECTED('UNKNOWN_PRODUCT', `no product "${ref}" in "${p.name}"`, { variant: 'named', input: ref.slice(0, 40) })
  const shown = hits.slice(0, 5).map((x) => x.key)
  throw HypergasError.NOT_FOUND(`"${ref}" names ${hits.length} products of "${p.name}": ${shown.join(', ')}`, 'products', ref, { shown, matches: hits.length })
}

/**
 * `<product>=<qty>[@<euros>]` arguments as lines, in their order (a price only where `prices`, 0 allowed; asked for where a delivered product has none).
 * With `earlier`, the member's delivery recorded before, a named product without @euros keeps the price it was delivered at.
 * @throws HypergasError BAD_ARGUMENT, BAD_AMOUNT, UNKNOWN_PRODUCT, NOT_FOUND, NO_CATALOGUE
 */
function lines (p: PurchaseView, args: string[], prices: boolean, earlier: readonly LineView[] | null = null): LineSpec[] {
  const seen = new Map<string, string>()
  return args.map((a) => {
    const m = /^(.+)=([^@]+)(?:@(.+))?$/.exec(a)
    if (m === null || (!prices && m[3] !== undefined)) throw new HypergasError('BAD_ARGUMENT', `expected <product>=<quantity>${prices ? '[@<euros>]' : ''}, got "${a}"`, { variant: prices ? 'productPrice' : 'product', input: a.slice(0, 40) })
    const line: LineSpec = { product: productOf(p, m[1].trim()), qtyMilli: parseQuantity(m[2]) }
    const x = p.order?.products.find((y) => y.key === line.product)
    // One line per product: two would be refused as a whole; which product, and how to say it once.
    const first = seen.get(line.product)
    if (first !== undefined) throw new HypergasError('BAD_ARGUMENT', `${first} and ${a} name the same product "${x?.name ?? line.product}": give it once, with its whole quantity`, { variant: 'productTwice', input: `${first} ${a}`.slice(0, 80), product: x?.name ?? line.product })
    seen.set(line.product, a)
    const before = earlier?.find((e) => e.product === line.product)
    // A price of 0 at a delivery: something the supplier gave for free.
    if (m[3] !== undefined) line.priceCents = parseEurosOrZero(m[3])
    else if (before !== undefined) line.priceCents = before.priceCents
    // A product without a price that nobody booked would be delivered free without a word: its price is asked for.
    if (prices && m[3] === undefined && before === undefined && x !== undefined && x.priceCents === 0 && x.bookedQtyMilli === 0) throw new HypergasError('BAD_ARGUMENT', `"${x.name}" has no price yet: give the price it was delivered at, ${a}@<euros> (@0 if it came free)`, { variant: 'unpriced', product: x.name, input: a.slice(0, 40) })
    return line
  })
}

/**
 * A date typed by a person (`2026-12-05`, `2026-12-05 18:00`, or day first as Italians write it:
 * `5/12/2026`, `05.12.2026 18:00`), in this machine's time zone, as ms since the epoch (a day
 * alone means its end of day for a deadline, its start for a delivery).
 * @throws HypergasError BAD_ARGUMENT
 */
export function parseDate (text: string, endOfDay: boolean): number {
  const dayFirst = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})((?:[ T]\d{2}:\d{2})?)$/.exec(text.trim())
  const iso = dayFirst === null ? text.trim() : `${dayFirst[4]}-${dayFirst[3].padStart(2, '0')}-${dayFirst[1].padStart(2, '0')}${dayFirst[5]}`
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(iso)
  const [y, mo, d, h, min] = m === null ? [NaN, NaN, NaN, NaN, NaN] : [Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4] === undefined ? (endOfDay ? 23 : 0) : Number(m[4]), m[5] === undefined ? (endOfDay ? 59 : 0) : Number(m[5])]
  const date = new Date(y, mo, d, h, min)
  // Date rolls a 13th month or a 31st of November over into the next: such a date does not exist.
  const sameDay = date.getFullYear() === y && date.getMonth() === mo && date.getDate() === d
  const exists = sameDay && date.getHours() === h && date.getMinutes() === min
  // An hour the clocks skip (spring forward): a day alone takes the moment the clock shows
  // instead; an hour typed is refused with the one it stands for.
  if (sameDay && !exists && h < 24 && min < 60) {
    const shown = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
    if (m![4] !== undefined) throw new HypergasError('BAD_ARGUMENT', `${text.trim()} does not exist in this time zone: the clocks go forward then (it is ${shown})`, { variant: 'dstGap', input: text.trim().slice(0, 40), detail: shown })
  }
  const ms = sameDay && h < 24 && min < 60 ? date.getTime() : NaN
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new HypergasError('BAD_ARGUMENT', `expected a date like 2026-12-05 or 2026-12-05 18:00, got "${text.slice(0, 40)}" (or day first: 05/12/2026)`, { variant: 'date', input: text.slice(0, 40) })
  return ms
}

/**
 * The inclusive end of a period typed as {@link parseDate} reads it: the last millisecond of the
 * minute named, so `--to 2026-12-31` takes in an act of 23:59:30 and `--to "2026-12-03 07:59"` one
 * of 07:59:40 (acts carry times to the millisecond; a period's end is compared with `<=`).
 * @throws HypergasError BAD_ARGUMENT
 */
export function parsePeriodEnd (text: string): number {
  return parseDate(text, true) + 59_999
}

/** Opens a purchase, with its dates and, with a catalogue file, its products (the node reads the file's text: src/api/gdxp.ts). */
async function openPurchase (name: string, o: { supplier?: string, notes?: string, catalogue?: string, closes?: string, delivery?: string }): Promise<void> {
  const closesAtMs = o.closes === undefined ? 0 : parseDate(o.closes, true)
  if (closesAtMs > 0 && closesAtMs <= Date.now()) throw new HypergasError('BAD_ARGUMENT', `--closes ${o.closes} has passed: the bookings would be closed as soon as they open`, { variant: 'closesPassed', input: String(o.closes).slice(0, 40) })
  const deliveryAtMs = o.delivery === undefined ? 0 : parseDate(o.delivery, false)
  // A delivery day already gone, or a day before the bookings close (the supplier is sent the
  // order when they close): a typo. The same day is allowed (bookings till noon, delivery at six),
  // but not a delivery at an hour before they close (a day alone closes at its end).
  // A day alone (its start) is past only from the next day on.
  const deliveryHour = /\d:\d/.test(o.delivery ?? '')
  const passed = deliveryHour ? deliveryAtMs <= Date.now() : localDay(deliveryAtMs) < localDay(Date.now())
  if (deliveryAtMs > 0 && passed) throw new HypergasError('BAD_ARGUMENT', `--delivery ${o.delivery} has passed`, { variant: 'deliveryPassed', input: String(o.delivery).slice(0, 40) })
  if (deliveryAtMs > 0 && closesAtMs > 0 && (localDay(deliveryAtMs) < localDay(closesAtMs) || (deliveryHour && deliveryAtMs < closesAtMs))) throw new HypergasError('BAD_ARGUMENT', `--delivery ${o.delivery} is before the bookings close (--closes ${o.closes})`, { variant: 'deliveryBeforeCloses', input: String(o.delivery).slice(0, 40) })
  const withDates = async (api: NodeApi, purchase: string): Promise<void> => { if (closesAtMs + deliveryAtMs > 0) await api.act({ type: 'SetDates', purchase, closesAtMs, deliveryAtMs }) }
  if (o.catalogue === undefined) {
    const r = await withApi(async (api) => { const opened = await api.act({ type: 'OpenPurchase', name, supplier: o.supplier, notes: o.notes }); await withDates(api, opened.actId); return opened })
    return print(r, () => fmt.receipt(r))
  }
  const text = readText(o.catalogue)
  const cat = importCatalogue(text) // read here too: a file that is no catalogue, or too large, opens no purchase
  const supplier = o.supplier ?? (cat.supplier?.name === '' ? undefined : cat.supplier?.name)
  const r = await withApi(async (api: NodeApi) => {
    const opened = await api.act({ type: 'OpenPurchase', name, supplier, notes: o.notes })
    await withDates(api, opened.actId)
    return await api.importCatalogue(opened.actId, text)
  })
  print({ ...r, supplier: supplier ?? null }, () => [
    t('importDone', { name, count: r.imported }),
    ...(r.supplierRegistered === null ? [] : [t('importSupplier', { name: r.supplierRegistered })]),
    ...(r.unpriced.length === 0 ? [] : [t('importUnpriced', { count: r.unpriced.length, names: r.unpriced.slice(0, 5).join(', ') + (r.unpriced.length > 5 ? ` ${t('andMore', { count: r.unpriced.length - 5 })}` : '') })]),
    ...r.skipped.map((x) => t('importSkipped', { what: skippedLine(x, t) })),
    ...notAppliedLines(r, t)
  ].join('\n'))
}

program.command('purchase')
  .description(helpText('d_purchase'))
  .argument('[args...]', helpText('h_purchase_args'))
  .option('--supplier <name>', helpText('h_purchase_supplier'))
  .option('--notes <text>', helpText('h_purchase_notes'))
  .option('--catalogue <file>', helpText('h_purchase_catalogue'))
  .option('--csv', helpText('h_purchase_csv'))
  .option('--gdxp', helpText('h_purchase_gdxp'))
  .option('--pickup', helpText('h_purchase_pickup'))
  .option('--closes <date>', helpText('h_purchase_closes'))
  .option('--delivery <date>', helpText('h_purchase_delivery'))
  .action(async (args: string[], o: { supplier?: string, notes?: string, catalogue?: string, csv?: boolean, gdxp?: boolean, pickup?: boolean, closes?: string, delivery?: string }) => {
    if (args.length === 0) throw new HypergasError('BAD_ARGUMENT', 'usage: hypergas purchase <ref> [--csv | --gdxp | --pickup], or hypergas purchase open <name> [options]', { variant: 'usage', input: 'hypergas purchase <ref> [--csv | --gdxp | --pickup], hypergas purchase open <name> [...]' })
    if (args[0] === 'open') {
      if (args.length < 2) throw new HypergasError('BAD_ARGUMENT', 'usage: hypergas purchase open <name> [--supplier S] [--notes N] [--catalogue file] [--closes date] [--delivery date]', { variant: 'usage', input: 'hypergas purchase open <name> [--supplier S] [--notes N] [--catalogue file] [--closes date] [--delivery date]' })
      return await openPurchase(args.slice(1).join(' '), o)
    }
    const { p, group } = await withApi(async (api) => ({ p: await api.purchase(args.join(' ')), group: (await api.status()).group.name }))
    if (o.csv === true) process.stdout.write(commitmentsCsv(p, lang()))
    else if (o.gdxp === true) {
      process.stdout.write(exportGdxp(p, group, localDay(Date.now()), localDay)) // the export's date, in this machine's time zone (as the user dates it)
    }
    else if (o.pickup === true) process.stdout.write(pickupCsv(p, lang()))
    else print(p, fmt.purchase)
  })

program.command('products').description(helpText('d_products')).argument('<purchase>', PURCHASE())
  .action(async (ref: string) => print(await withApi((api) => api.purchase(ref)), fmt.products))

program.command('book').description(helpText('d_book'))
  .argument('<member>', MEMBER()).argument('<purchase>', PURCHASE()).argument('<lines...>', helpText('h_book_lines'))
  .option('--key <file>', helpText('h_book_key'))
  .action(async (m: string, ref: string, args: string[], o: { key?: string }) => {
    if (o.key === undefined) {
      const p = await withApi((api) => api.purchase(ref))
      return await act({ type: 'Book', member: m, purchase: p.id, lines: lines(p, args, false) })
    }
    await actAsMember(o.key, async (api) => { const p = await api.purchase(ref); return { type: 'Book', member: (await api.member(m)).id, purchase: p.id, lines: lines(p, args, false) } })
  })

program.command('close-bookings').description(helpText('d_close-bookings')).argument('<purchase>', PURCHASE())
  .action(async (ref: string) => await act({ type: 'CloseBookings', purchase: ref }))

program.command('deliver').description(helpText('d_deliver'))
  .argument('<purchase>', PURCHASE()).argument('<member>', MEMBER()).argument('<lines...>', helpText('h_deliver_lines'))
  .action(async (ref: string, m: string, args: string[]) => {
    const [p, who] = await withApi(async (api) => [await api.purchase(ref), (await api.member(m)).id] as const)
    const booking = p.order?.bookings.find((b) => b.member === who)
    const earlier = booking?.delivered ?? null
    // A Deliver holds all the member received (SPEC §4.5): the lines typed change the delivery
    // recorded before, whose products not named stay as they were. Both are said before it is
    // signed (one product at a time is how a delivery is often typed), and so is a price kept
    // from the delivery before that is not the booked one (or the catalogue's, for a product not booked).
    const typed = lines(p, args, true, earlier)
    const kept = (earlier ?? []).filter((e) => !typed.some((l) => l.product === e.product))
    const all = [...typed, ...kept.map((e) => ({ product: e.product, qtyMilli: e.qtyMilli, priceCents: e.priceCents }))]
    if (kept.length > 0) process.stderr.write(`${t('deliveryKept', { products: kept.map((e) => `${e.name} ${quantity(e.qtyMilli)} ${e.unit}`).join(', ') })}\n`)
    const usual = (product: string): number | undefined => booking?.lines.find((l) => l.product === product)?.priceCents ?? p.order?.products.find((x) => x.key === product)?.priceCents
    const priced = typed.filter((l, i) => !args[i].includes('@') && l.priceCents !== undefined && l.priceCents !== usual(l.product))
    if (priced.length > 0) process.stderr.write(`${t('deliveryKeptPrice', { products: priced.map((l) => `${earlier?.find((e) => e.product === l.product)?.name ?? l.product} ${euro(l.priceCents!)}`).join(', ') })}\n`)
    await act({ type: 'Deliver', purchase: p.id, member: m, lines: all })
  })

program.command('cost').description(helpText('d_cost'))
  .argument('<purchase>', PURCHASE()).argument('<label>', helpText('h_cost_label')).argument('<euros>', EUROS())
  .addOption(new Option('--split <how>', helpText('h_cost_split')).choices(['amount', 'equal']).default('amount'))
  .option('--discount', helpText('h_cost_discount'))
  .action(async (ref: string, label: string, e: string, o: { split: 'amount' | 'equal', discount?: boolean }) =>
    await act({ type: 'AddCost', purchase: ref, label, cents: parseEuros(e), split: o.split, discount: o.discount === true }))

program.command('set-price').description(helpText('d_set-price')).argument('<purchase>', PURCHASE()).argument('<product>', helpText('h_set-price_product')).argument('<euros>', EUROS())
  .action(async (ref: string, product: string, e: string) => {
    const p = await withApi((api) => api.purchase(ref))
    // 0: the price is not known after all (SPEC §4.5: not bookable until priced again).
    await act({ type: 'SetPrice', purchase: p.id, product: productOf(p, product), priceCents: parseEurosOrZero(e) })
  })
