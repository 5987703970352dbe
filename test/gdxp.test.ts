// SPEC §4.5 / issue 16: catalogues in (GDXP v1 and CSV with named columns, with the deviations
// real files have) and orders out (GDXP with bookingInfo.totalQty, the pick-up list), and a month
// of one order through the CLI on a real data directory: import, book, close, deliver with a
// weight and a changed price, share the transport, close and pay; every statement explains each cent.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { importCatalogue, importCsv, importGdxp, slug } from '../src/api/gdxp.js'
import { decimalToScaled, formatQuantity, parseQuantity } from '../src/money.js'
import { BIN, cli } from '../examples/procs.js'

type Row = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** A GDXP file as GASdottoNG writes them, with the deviations of real files (SPEC §4.5). */
const GDXP = `{"protocolVersion": 1, "creationDate": "2026-11-01", "applicationSignature": "GASdottoNG",
 "subject": {"name": "GAS Roma Nord"},
 "blocks": [{"supplier": {"name": "Cascina Rossi", "vatNumber": "", "taxCode": "", "products": [
   {"name": "Miele millefiori 500 g", "um": "vasetto", "sku": "M500", "active": true, "orderInfo": {"umPrice": 6.5, "maxQty": "6", "vatRate": "10"}},
   {"name": "Mele Fuji 1ª scelta", "um": "kg", "sku": "", "active": "true", "orderInfo": {"umPrice": "2.49", "minQty": 1, "mulQty": 0.5, "transformations": []}},
   {"name": "Toma d'alpeggio", "um": "kg", "sku": "T1", "orderInfo": {"umPrice": 18.90, "availableQty": 10}},
   {"name": "Ricotta", "um": "kg", "sku": "T1", "orderInfo": {"umPrice": "4,20"}},
   {"name": "Pane", "um": "kg", "orderInfo": {"umPrice": 0}},
   {"name": "Vecchio", "um": "kg", "active": false, "orderInfo": {"umPrice": 3}},
   {"name": "Strano", "um": "kg", "orderInfo": {"umPrice": "tre euro"}},
   {"name": "Caro", "um": "pz", "orderInfo": {"umPrice": 0.105}},
   {"um": "kg", "orderInfo": {"umPrice": 1}}
 ]}}]}`

test('decimals: euros to cents and quantities to milli-units from their text, half up, never a float', (t) => {
  t.is(decimalToScaled('2.49', 2), 249)
  t.is(decimalToScaled('4,20', 2), 420)
  t.is(decimalToScaled('0.105', 2), 11, 'half up past the cents')
  t.is(decimalToScaled('0.1049', 2), 10)
  t.is(decimalToScaled('18.9', 2), 1890)
  t.is(decimalToScaled('0.5', 3), 500)
  t.is(decimalToScaled('1e3', 2), null)
  t.is(decimalToScaled('-1', 2), null)
  t.is(parseQuantity('1,5'), 1500)
  t.is(parseQuantity('0'), 0)
  t.exception(() => parseQuantity('1,2345'), /BAD_AMOUNT/)
  t.is(formatQuantity(1120, ','), '1,12')
  t.is(slug('Mele Fuji 1ª scelta'), 'mele-fuji-1a-scelta')
})

test('GDXP import: what can be read exactly, keys from unique SKUs else a slug, and why the rest was left out', (t) => {
  const r = importGdxp(GDXP)
  t.alike(r.supplier, { name: 'Cascina Rossi', vatNumber: null })
  const by = new Map(r.products.map((p) => [p.name, p]))
  t.alike(by.get('Miele millefiori 500 g'), { key: 'M500', name: 'Miele millefiori 500 g', unit: 'vasetto', priceCents: 650, maxQtyMilli: 6000 })
  t.alike(by.get('Mele Fuji 1ª scelta'), { key: 'mele-fuji-1a-scelta', name: 'Mele Fuji 1ª scelta', unit: 'kg', priceCents: 249, minQtyMilli: 1000, mulQtyMilli: 500 }, 'a string "true", numbers as strings')
  t.is(by.get('Toma d\'alpeggio')?.key, 'toma-d-alpeggio', 'an SKU used twice is no key')
  t.is(by.get('Toma d\'alpeggio')?.priceCents, 1890, '18.90 from its text')
  t.is(by.get('Ricotta')?.priceCents, 420, 'a decimal comma in a string')
  t.is(by.get('Caro')?.priceCents, 11)
  t.is(by.get('Pane')?.priceCents, 0, 'no price: imported, not bookable')
  t.alike(r.unpriced, ['Pane'])
  t.alike(r.skipped.map((x) => [x.name, x.reason]), [['Vecchio', 'inactive'], ['Strano', 'bad price'], ['(no name)', 'no name']])
  t.exception(() => importGdxp('{"blocks": []}'), /BAD_ARGUMENT/, 'no supplier block: not GDXP')
  t.exception(() => importGdxp('{"blocks": '), /BAD_ARGUMENT/, 'not JSON')
})

test('CSV import: named columns in Italian or English, `;` and decimal commas', (t) => {
  const it = importCsv('nome;unità;prezzo;min;multiplo;pesato;codice\nMele;kg;2,49;1;0,5;;MEL\nToma;kg;18,90;;;sì;\n;kg;1;;;;\n')
  t.alike(it.products, [
    { key: 'MEL', name: 'Mele', unit: 'kg', priceCents: 249, minQtyMilli: 1000, mulQtyMilli: 500 },
    { key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890, weighed: true }
  ])
  t.is(it.skipped.length, 1)
  const en = importCatalogue('name,unit,price,available\nHoney,jar,6.50,20\n')
  t.alike(en.products, [{ key: 'honey', name: 'Honey', unit: 'jar', priceCents: 650, availableQtyMilli: 20000 }])
  t.exception(() => importCsv('a,b\n1,2\n'), /BAD_ARGUMENT/, 'no name column')
})

test('a month of one order through the CLI: import, book, close, deliver, share the transport, export, close and pay', { timeout: 120_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-orders-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'listino.json')
  fs.writeFileSync(file, GDXP)
  cli(dir, 'init', '--name', 'GAS Test', '--founder', 'Anna')
  const marta = cli(dir, 'keygen', '--out', path.join(dir, 'marta.json'))
  cli(dir, 'member', 'add', 'Marta', String(marta.publicKey))
  cli(dir, 'deposit', 'Marta', '50')
  const opened = cli(dir, 'purchase', 'open', 'Cascina', '--catalogue', file)
  t.is(opened.imported, 6)
  t.is((opened.skipped as Row[]).length, 3)
  t.is(opened.supplierRegistered, 'Cascina Rossi', 'the file\'s supplier is registered in the directory')
  t.alike((cli(dir, 'search', 'cascina') as unknown as Row[]).filter((h) => h.kind === 'supplier').map((h) => h.title), ['Cascina Rossi'], 'and found by the search')
  t.is(cli(dir, 'purchase', 'open', 'Cascina bis', '--catalogue', file).supplierRegistered, null, 'a second import registers nothing')
  cli(dir, 'purchase', 'open', 'Extra', '--supplier', 'cascina ROSSI')
  t.is(cli(dir, 'purchase', 'Extra').supplier, 'Cascina Rossi', 'a purchase naming a registered supplier takes its registered name')
  t.ok(cli(dir, 'purchase', 'Extra').supplierId, 'and its id')
  cli(dir, 'book', 'Marta', 'Cascina', 'miele=2', 'mele=1,5', 'toma=1', '--key', path.join(dir, 'marta.json'))
  t.is(cli(dir, 'balance', 'Marta').creditCents, 5000 - 1300 - 374 - 1890, 'signed by Marta herself: 13,00 + 3,74 + 18,90')
  cli(dir, 'close-bookings', 'Cascina')
  const order = JSON.parse(execText(dir, 'purchase', 'Cascina', '--gdxp')) as Row
  const products = order.blocks[0].supplier.products as Row[]
  t.is(products.find((p) => p.sku === 'M500')!.bookingInfo.totalQty, '2', 'the order for the supplier: quantities booked')
  t.is(products.find((p) => p.name.startsWith('Toma'))!.orderInfo.umPrice, '18.90')
  t.is(importGdxp(JSON.stringify(order)).products.length, 6, 'the export imports back')
  cli(dir, 'approve', 'Marta', 'Cascina')
  cli(dir, 'deliver', 'Cascina', 'Marta', 'toma=1,12', 'mele=1,5@2,39', 'miele=1')
  cli(dir, 'cost', 'Cascina', 'Trasporto', '2,50')
  const pickup = execText(dir, '--lang', 'it', 'purchase', 'Cascina', '--pickup').trim().split('\n')
  t.alike(pickup.slice(1), ['Marta;Miele millefiori 500 g;vasetto;2;1;6,50;6,50', 'Marta;Mele Fuji 1ª scelta;kg;1,5;1,5;2,39;3,59', 'Marta;Toma d\'alpeggio;kg;1;1,12;18,90;21,17', 'Marta;costs;;;;;2,50', 'Marta;TOTAL;;;;;33,76'], 'the pick-up list: booked and delivered, by product key')
  cli(dir, 'vote-close', 'Cascina')
  cli(dir, 'close', 'Cascina')
  const st = cli(dir, 'statement', 'Marta') as Row
  t.alike((st.statement as Row[]).map((m) => [m.kind, m.deltaCents]), [['deposit', 5000], ['booking', -3564], ['delivery', 438], ['cost', -250]], 'each cent has its act')
  t.is(st.creditCents, 5000 - 3376)
  const status = cli(dir, 'status') as Row
  t.ok(status.group.totals.hold, 'credits + open commitments = cash')
  t.is(status.group.admins[0].cashCents, 5000 - 3376, 'Anna paid the supplier 33,76 from the cash')
})

/** The CLI's plain output (CSV, GDXP), not --json. */
function execText (dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [BIN, '--dir', dir, ...args], { encoding: 'utf8' })
}
