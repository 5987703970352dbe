// SPEC §4.5 / issue 16: catalogues in (GDXP v1 and CSV with named columns, with the deviations
// real files have) and orders out (GDXP with bookingInfo.totalQty, the pick-up list), and a month
// of one order through the CLI on a real data directory: import, book, close, deliver with a
// weight and a changed price, share the transport, close and pay; every statement explains each cent.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { gdxpContacts } from '../src/api/gdxp-contacts.js'
import { countedUnit, importCatalogue, importCsv, importGdxp, slug } from '../src/api/gdxp.js'
import { exportGdxp } from '../src/api/gdxp-export.js'
import { digest } from '../src/api/mail.js'
import type { PurchaseView } from '../src/api/dto.js'
import { localDay } from '../src/local-time.js'
import { unitFor } from '../src/units.js'
import { decimalToScaled, formatQuantity, parseQuantity } from '../src/money.js'
import { BIN, cli } from '../examples/procs.js'
import type { HypergasError } from '../src/errors.js'
import { refusal } from '../src/cli/format.js'
import { setLang, t as i18nT } from '../src/cli/i18n.js'
import { skippedLine, skipText } from '../src/api/refusal-text.js'

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

test('decimals: euros to cents and quantities to milli-units from their text, exactly, never a float', (t) => {
  t.is(decimalToScaled('2.49', 2), 249)
  t.is(decimalToScaled('4,20', 2), 420)
  t.is(decimalToScaled('0.105', 2), null, 'no exact number of cents: not read (never rounded)')
  t.is(decimalToScaled('0.1049', 2), null)
  t.is(decimalToScaled('1.2345', 3), null, 'nor of milli-units')
  t.is(decimalToScaled('2.3500000000000001', 2), 235, 'floating-point noise of the program that wrote the file')
  t.is(decimalToScaled('0.30000000000000004', 2), 30)
  t.is(decimalToScaled('4.99999999', 2), 500, 'six nines past the cents round up')
  t.is(decimalToScaled('4.9999999', 2), null, 'five are a value')
  t.is(decimalToScaled('18.900000', 2), 1890, 'zeros are exact')
  t.is(decimalToScaled('18.9', 2), 1890)
  t.is(decimalToScaled('0.5', 3), 500)
  t.is(decimalToScaled('1e3', 2), 100000, 'an exponent moves the point')
  t.is(decimalToScaled('1.0E7', 3), 10_000_000_000, 'as Java writes 10,000,000')
  t.is(decimalToScaled('2.55e-1', 2), null, 'and stays exact')
  t.is(decimalToScaled('-1', 2), null)
  t.is(parseQuantity('1,5'), 1500)
  t.is(parseQuantity('0'), 0)
  t.exception(() => parseQuantity('1,2345'), /BAD_AMOUNT/)
  t.exception(() => parseQuantity('999999'), /more than 10000 units/, 'six digits: too large, not malformed')
  t.exception(() => parseQuantity('000001'), /expected a quantity like/)
  t.is(parseQuantity('1,500'), 1500, 'a weight as an Italian scale shows it')
  t.is(parseQuantity('0.250'), 250)
  t.is(parseQuantity('1.25'), 1250)
  t.exception(() => parseQuantity('1.500'), /BAD_AMOUNT: "1.500": thousands or decimals/, '1.500 is one and a half to some, fifteen hundred to others: refused')
  t.exception(() => parseQuantity('1.000'), /thousands or decimals/)
  t.is(formatQuantity(1120, ','), '1,12')
  t.is(slug('Mele Fuji 1ª scelta'), 'mele-fuji-1a-scelta')
})

test('GDXP import: what can be read exactly, keys from unique SKUs else a slug, and why the rest was left out', (t) => {
  const r = importGdxp(GDXP)
  t.alike(r.supplier, { name: 'Cascina Rossi', vatNumber: null, contacts: null })
  const by = new Map(r.products.map((p) => [p.name, p]))
  t.alike(by.get('Miele millefiori 500 g'), { key: 'M500', name: 'Miele millefiori 500 g', unit: 'vasetto', priceCents: 650, mulQtyMilli: 1000, maxQtyMilli: 6000 }, 'jars, booked whole')
  t.alike(by.get('Mele Fuji 1ª scelta'), { key: 'mele-fuji-1a-scelta', name: 'Mele Fuji 1ª scelta', unit: 'kg', priceCents: 249, minQtyMilli: 1000, mulQtyMilli: 500 }, 'a string "true", numbers as strings')
  t.is(by.get('Toma d\'alpeggio')?.key, 'toma-d-alpeggio', 'an SKU used twice is no key')
  t.is(by.get('Toma d\'alpeggio')?.priceCents, 1890, '18.90 from its text')
  t.is(by.get('Ricotta')?.priceCents, 420, 'a decimal comma in a string')
  t.absent(by.has('Caro'), '0.105 is no exact number of cents: left out')
  t.is(by.get('Pane')?.priceCents, 0, 'no price: imported, not bookable')
  t.alike(r.unpriced, ['Pane'])
  t.alike(r.skipped.map((x) => [x.name, x.reason]), [['Vecchio', 'inactive'], ['Strano', 'bad price'], ['Caro', 'bad price'], ['(no name)', 'no name']])
  t.alike(r.skipped.find((x) => x.name === 'Caro'), { name: 'Caro', reason: 'bad price', detail: '0.105' }, 'and why, with the price as the file wrote it')
  t.exception(() => importGdxp('{"blocks": []}'), /BAD_ARGUMENT/, 'no supplier block: not GDXP')
  t.exception(() => importGdxp('{"blocks": '), /BAD_ARGUMENT/, 'not JSON')
  // A field of the wrong kind: named, in the reader's words, with no English of the schema library (its numbers are read as exact text, so it would even say "string" of a number).
  const wrong = ((): HypergasError | undefined => { try { importGdxp('{"blocks": 5}') } catch (e) { return e as HypergasError } })()
  t.alike(wrong?.details, { variant: 'gdxpField', input: 'blocks', detail: wrong?.details?.detail })
  setLang('it')
  t.is(refusal('BAD_ARGUMENT', '', wrong?.details), 'non è un file GDXP che hypergas legge: il campo blocks non è quello che GDXP vi mette')
  setLang('en')
})

test('GDXP import of what real files hold: a BOM, long names, several suppliers, shipping costs and discount rules, and files that are no catalogue', (t) => {
  const long = '[F] Mele MISTE (tutti i tipi) BIO/lotta integrata 5Kg/9Kg/15Kg circa, cassetta'
  const file = JSON.stringify({
    protocolVersion: '1.0',
    blocks: [
      { supplier: { name: 'Uno', vatNumber: '01234567890', address: { street: 'Via Antica Torriana 11', locality: 'Barge (CN)', zipCode: '12032' }, contacts: [{ type: 'emailAddress', value: 'info@uno.example' }, { type: 'phoneNumber', value: '0175 123456' }], transformations: [{ type: 'discount' }, { type: 'shipping' }], products: [
        { name: long, um: 'Cassette', orderInfo: { umPrice: 12, shippingCost: 0.5 }, description: 'Mele miste' },
        { name: 'Pere', um: 'Confezione da sei bottiglie da 750 ml', orderInfo: { umPrice: 2, shippingCost: 0, availableQty: 99999, minQty: 1 } },
        { name: 'Amido di riso', um: 'Non Specificato', category: 'Non Specificato', orderInfo: { umPrice: 5.87, transformations: [{ type: 'discount' }] }, transformations: [{ type: 'shipping' }] },
        { name: 'Vecchio', um: 'kg', active: false, orderInfo: { umPrice: 1 }, transformations: [{ type: 'discount' }] },
        { name: 'Fichi', um: 'kg', orderInfo: { umPrice: 'x' }, active: { yes: 1 } }
      ] } },
      { supplier: { name: 'Due', products: [{ name: 'B', um: 'kg', orderInfo: { umPrice: 1 } }] } }
    ]
  })
  const r = importCatalogue('\uFEFF' + file)
  t.is(r.products.length, 3, 'a byte-order mark is no obstacle')
  t.is(r.products[2].unit, 'pz', 'GASdottoNG\'s unit "Non Specificato": by the piece')
  t.is(r.products[2].mulQtyMilli, 1000, 'booked in whole pieces (a discrete measure in GASdottoNG)')
  t.is(r.products[2].category, undefined, 'and its category "Non Specificato": none')
  t.is(r.supplier?.contacts, 'info@uno.example · 0175 123456 · Via Antica Torriana 11, 12032 Barge (CN)', 'the supplier\'s contacts and address, for the directory')
  t.alike(gdxpContacts(r.supplier?.contacts), { contacts: [{ type: 'emailAddress', value: 'info@uno.example' }, { type: 'phoneNumber', value: '0175 123456' }], address: { street: 'Via Antica Torriana 11', locality: 'Barge (CN)', zipCode: '12032' } }, 'and written back as the file had them, for the export')
  t.alike(gdxpContacts('+39 333 1234567, www.orto.example; Cascina Alta'), { contacts: [{ type: 'mobileNumber', value: '+39 333 1234567' }, { type: 'webSite', value: 'www.orto.example' }], address: { street: 'Cascina Alta', locality: '', zipCode: '' } }, 'as a referente types them')
  t.alike(gdxpContacts(null), { contacts: [], address: null })
  const apples = r.products[0]
  t.ok(apples.name.length <= 64 && apples.name.endsWith('…'), `a name too long for a product is shortened: ${apples.name}`)
  t.is(apples.description, `${long} — Mele miste`, 'and kept whole in its description')
  t.alike([r.products[1].unit, r.products[1].description], ['Confezione da sei…', 'Confezione da sei bottiglie da 750 ml'], 'a unit too long is shortened at a word and kept whole in the description')
  t.alike([r.products[1].availableQtyMilli, r.products[1].minQtyMilli], [undefined, 1000], 'a group limit past the largest quantity is no limit')
  t.alike(r.skipped.map((x) => [x.name, x.reason]), [['Fichi', 'invalid'], ['Due', 'other supplier'], ['Vecchio', 'inactive']], 'an invalid product by its name; the second supplier block said, not dropped silently')
  t.alike(r.notApplied, [{ what: 'shippingCost', count: 1 }, { what: 'transformations', count: 4 }], 'what the import does not apply is said: the supplier\'s rules and an active product\'s own (an inactive one\'s are not imported)')
  const refused = (text: string): string => { try { importCatalogue(text); return 'accepted' } catch (err) { return (err as Error).message } }
  t.ok(refused(Buffer.from('\uFEFF' + file, 'utf16le').toString('utf8')).includes('not UTF-8'), 'UTF-16')
  t.ok(refused(Buffer.from('nome;prezzo\nCaffè;3\n', 'latin1').toString('utf8')).includes('not UTF-8'), 'Latin-1')
  t.ok(refused(' \n').includes('empty'), 'an empty file')
  t.ok(refused('<?xml version="1.0"?><gdxp/>').includes('XML'), 'GDXP v0 (XML)')
  t.ok(refused('[1, 2]').includes('one JSON object'), 'a JSON array')
  t.ok(refused('{"blocks": [{"supplier": {"name": "S", "products": [{"name": "A", "um": "kg", "orderInfo": {"umPrice": 1.234}}]}}]}').includes('A (bad price: 1.234)'), 'nothing to import: the reasons')
  // A file the parser refuses: where, in the reader's words, not the library's English sentence.
  const said = (text: string, csv: boolean): string => { try { (csv ? importCsv : importGdxp)(text); return 'accepted' } catch (err) { const e = err as HypergasError; return refusal(e.code, e.reason, e.details) } }
  setLang('it')
  t.is(said('{"blocks": [\n {"supplier": }]}', false), 'non è un file GDXP: non è JSON (un «}» fuori posto)', 'JSON with a character out of place: which')
  t.is(said('{"blocks": [\n {"supplier" {}}]}', false), 'non è un file GDXP: non è JSON (riga 2, colonna 14)', 'JSON broken at a place the runtime gives: its line and column')
  t.is(said('{"blocks": ', false), 'non è un file GDXP: finisce a metà (troncato?)', 'JSON cut short')
  t.is(said('nome;prezzo\n"Mele;2\n', true), 'non è un listino CSV: delle virgolette si aprono e non si chiudono più', 'a quote never closed')
  t.is(said('nome;prezzo\n"Mele" bio;2\n', true), 'non è un listino CSV: la riga 2 non è scritta bene (virgolette dentro un campo?)', 'a quote inside a field: its line')
  const many = JSON.stringify({ blocks: [{ supplier: { name: 'S', products: Array.from({ length: 2001 }, (_, i) => ({ name: `P${i}`, um: 'pz', orderInfo: { umPrice: 1 } })) } }] })
  t.exception(() => importCatalogue(many), /TOO_MANY_PRODUCTS: the file has 2001 products/, 'more than a purchase holds: refused before anything is written')
})

test('a product counted in pieces is booked in whole ones unless the file says otherwise; one measured in kg or litres takes fractions', (t) => {
  for (const u of ['pezzo', 'pz', 'vasetto', 'confezione da 6', 'vaschetta 500 g', 'mazzo', 'Bottiglia 0,75 l', 'jar']) t.ok(countedUnit(u), `"${u}" is counted`)
  for (const u of ['kg', 'Kg.', 'al kg', '€/kg', 'hg', 'litro', 'l', 'per 100 g', '1 kg', 'Kilogrammi', 'chilogrammo', 'Litri', 'millilitri']) t.absent(countedUnit(u), `"${u}" is a measure`)
  // A unit after a quantity: the first word in the plural, when it is one the table knows.
  t.alike(['vasetto', 'Vasetto da 250 g', 'BOTTIGLIA 0,75 l', 'uovo', 'kg', 'pz', 'al kg', 'cestone'].map((u) => unitFor(u, 6000, 'it')), ['vasetti', 'Vasetti da 250 g', 'BOTTIGLIE 0,75 l', 'uova', 'kg', 'pz', 'al kg', 'cestone'], 'six: plurals the table knows, measures and unknown words as written')
  t.alike([unitFor('vasetto', 1000, 'it'), unitFor('vasetto', 1500, 'it'), unitFor('vasetto', 0, 'it'), unitFor('loaf', 2000, 'en'), unitFor('jar', 1000, 'en')], ['vasetto', 'vasetti', 'vasetti', 'loaves', 'jar'], 'one in the singular; any other quantity, zero too, in the plural; English too')
  t.alike([unitFor('panetto', 2000, 'en'), unitFor('box', 2000, 'en'), unitFor('box', 2000, 'it'), unitFor('jar', 2000, 'it')], ['panetti', 'boxes', 'box', 'jars'], 'the unit is the price list\'s word: an Italian unit in the plural on an English page too, the reader\'s language first')
  const r = importCatalogue('nome;unità;prezzo;multiplo;minimo;pesato\nUova;confezione;3,20;;;\nFormaggio;pezzo;12,00;;;sì\nMezze forme;pezzo;40,00;0,5;;\nSpicchi;pezzo;2,00;;0,5;\nMele;kg;2,50;;;\nSenza unità;;1,00;;;\n')
  const mul = new Map(r.products.map((p) => [p.name, p.mulQtyMilli]))
  t.alike([...mul], [['Uova', 1000], ['Formaggio', undefined], ['Mezze forme', 500], ['Spicchi', undefined], ['Mele', undefined], ['Senza unità', 1000]], 'whole eggs boxes and pieces of a unit that names none (shown as pz); a weighed piece, a multiple the file gives, a minimum of half a piece and kilos are left as they are')
})

test('CSV import: named columns in Italian or English, `;` and decimal commas', (t) => {
  const it = importCsv('nome;unità;prezzo;min;multiplo;pesato;codice\nMele;kg;2,49;1;0,5;;MEL\nToma;kg;18,90;;;sì;\n;kg;1;;;;\n')
  t.alike(it.products, [
    { key: 'MEL', name: 'Mele', unit: 'kg', priceCents: 249, minQtyMilli: 1000, mulQtyMilli: 500 },
    { key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890, weighed: true }
  ])
  t.is(it.skipped.length, 1)
  t.is(importCsv('nome;prezzo;a peso\nToma;18,90;sì\n').products[0].weighed, true, 'the weighed column also as "a peso"')
  const sheet = importCsv('nome;prezzo\nForma intera;1.234,56\nCaffè;€ 3,20\nTè;4,10 €\nOlio;12,5 EUR\nStrano;1.234\n')
  t.alike(sheet.products.map((p) => [p.name, p.priceCents]), [['Forma intera', 123456], ['Caffè', 320], ['Tè', 410], ['Olio', 1250]], 'prices as a spreadsheet writes them: thousands, the euro sign')
  t.alike(sheet.skipped.map((x) => [x.name, x.detail]), [['Strano', '1.234']], 'a thousands separator without decimals could be either: left out')
  const en = importCatalogue('name,unit,price,available\nHoney,jar,6.50,20\n')
  t.alike(en.products, [{ key: 'honey', name: 'Honey', unit: 'jar', priceCents: 650, mulQtyMilli: 1000, availableQtyMilli: 20000 }])
  t.exception(() => importCsv('a,b\n1,2\n'), /BAD_ARGUMENT/, 'no name column')
  t.is(importCsv('name,price,sku,active\nPane vecchio,1,P01,no\nPane,2,P01,\n').products[0].key, 'P01', 'an inactive old version takes no SKU away')
  const keys = importCsv('name,price,sku\nMele,1,\nAltro,2,mele\nMele,3,\n')
  t.alike(keys.products.map((p) => p.key), ['mele-2', 'mele', 'mele-3'], 'a slug never takes another product\'s own SKU')
  const twice = importCsv('nome;prezzo;codice\nSemi A;1;M1\nSemi B;2;M1\nSemi C;3;M2\n')
  t.alike(twice.products.map((p) => p.key), ['semi-a', 'semi-b', 'M2'], 'a code two products share is no key')
  t.alike(twice.notApplied, [{ what: 'sharedSku', count: 2 }], 'and the import says so')
  t.alike(importCsv('nome;prezzo;codice\nSemi A;1;M1\nSemi B;tre;M1\n').notApplied, [{ what: 'sharedSku', count: 1 }], 'counting only the products imported')
  const odd = importCsv('nome;prezzo;codice\nOlio;9;OL 1\nSale;1;S1\n')
  t.alike([odd.products.map((p) => p.key), odd.notApplied], [['olio', 'S1'], [{ what: 'oddSku', count: 1 }]], 'a code with a space cannot be a key: the product is keyed by its name, and the import says so')
  t.alike(keys.notApplied, [], 'nothing to say when every code is one product\'s')
  t.alike(importCsv('name,price,min,max\nToma,10,5,2\n').skipped, [{ name: 'Toma', reason: 'min above max', detail: '5 > 2' }], 'a minimum above the most per member: left out, and said why')
  t.alike(importCsv('name,price,available\nToma,10,5.0001\n').skipped, [{ name: 'Toma', reason: 'bad quantity', detail: '5.0001', field: 'available' }], 'a quantity of four decimals: which limit, as the file wrote it')
  // What a treasurer's spreadsheet saves (the review of a real import found each one).
  const commas = importCsv('nome,um,prezzo\nMele,kg,2,50\nPere,kg,3\nUva,kg,"2,80"\n')
  t.alike(commas.products.map((p) => [p.name, p.priceCents]), [['Pere', 300], ['Uva', 280]], 'a decimal comma in quotes is read')
  t.alike(commas.skipped, [{ name: 'Mele', reason: 'extra fields', detail: 'Mele,kg,2,50' }], 'unquoted, its cents made a fourth cell: left out, and said why (it was imported at 2,00 €)')
  const points = importCsv('nome;um;prezzo\nOlio;l;1.500\nAceto;b;12.000\nSale;kg;1.500,00\nPepe;kg;1,500\n')
  t.alike(points.products.map((p) => [p.name, p.priceCents]), [['Sale', 150000]], 'thousands with decimals: read')
  t.alike(points.skipped.map((x) => [x.name, x.reason]), [['Olio', 'ambiguous price'], ['Aceto', 'ambiguous price'], ['Pepe', 'ambiguous price']], '1.500 was read as 1,50 €: now left out, as the CLI refuses 1.234')
  setLang('en')
  const why = (csv: string): string[] => importCsv(csv).skipped.map((x) => skipText(x, i18nT))
  t.alike(why('nome;um;prezzo\nOlio;l;1.500\nCipolle;kg;1,005\nSacchi;pz;1.234.000\n'), [
    'price 1.500: a thousands separator or 3 decimals? write it as 1500 or 1.50',
    'price 1,005: a thousands separator or 3 decimals? write 1005 for thousands; a price has at most 2 decimals',
    'price 1.234.000: a thousands separator or 3 decimals? write 1234000 for thousands; a price has at most 2 decimals'
  ], 'the figures to write come from the file\'s own (1,005 used to be told "1500 or 1,50")')
  t.alike(why('nome;prezzo;min\nMiele;6,50;2,000\n'), ['minimum 2,000: a thousands separator or 3 decimals? write 2000 or 2'])
  t.alike(importCsv('nome;prezzo\n;2,00\nPane;3\n').skipped.map((x) => skippedLine(x, i18nT)), ['no name'], 'a product with no name is its reason alone, not "(no name) (no name)"')
  // A package that is not a whole number of units is optional: the product comes in without it.
  const halves = importCsv('nome;um;prezzo;confezione\nFormaggio;kg;18,90;0.5\nBurro;panetto;3,20;4\n')
  t.alike(halves.products.map((p) => [p.name, p.priceCents, p.packageQty ?? null]), [['Formaggio', 1890, null], ['Burro', 320, 4]], 'imported, without a package of 0.5')
  t.alike([halves.skipped, halves.notApplied], [[], [{ what: 'package', count: 1 }]], 'and said so')
  const titled = importCsv('Listino marzo 2026;;\n\nNome;UM;Prezzo €\nMiele;vasetto;6,50\n')
  t.alike(titled.products.map((p) => [p.name, p.unit, p.priceCents]), [['Miele', 'vasetto', 650]], 'a title line above the header, and a header "Prezzo €"')
  t.alike(importCsv('\r\nNome;UM;Prezzo (EUR)\r\nMiele;vasetto;6,50\r\n').products.map((p) => p.priceCents), [650], 'an empty first line, CRLF, "Prezzo (EUR)"')
  t.alike(importCsv('name\t__proto__\tprice\nMiele\tx\t6.5\n').products.map((p) => p.priceCents), [650], 'separated by tabs; a column headed __proto__ is a column like any other')
  // Every shape the review found of a decimal comma splitting a price in a file separated by commas.
  for (const csv of ['nome,um,prezzo,note\nMele,kg,2,50,\n', 'nome,prezzo,um,note\nMele,2,50,kg,\n', 'nome,prezzo,categoria\nMele,2,50\n', 'Listino,,,\nnome,um,prezzo,\nMele,kg,2,50\n']) {
    const c = importCsv(csv)
    t.alike([c.products.length, c.skipped.map((x) => [x.name, x.reason])], [0, [['Mele', 'extra fields']]], JSON.stringify(csv))
  }
  t.alike(importCsv('nome,prezzo,min\nPane,3,1\n').products.map((p) => [p.name, p.priceCents]), [['Pane', 300]], 'a whole price before a minimum: no split')
  t.alike(importCsv('nome,prezzo,categoria\nPere,3,frutta\n').products.map((p) => [p.name, p.priceCents]), [['Pere', 300]], 'nor before a word')
  t.alike(importCsv('nome;um;prezzo\nMiele;vasetto;6,50;bio\n').products.map((p) => p.priceCents), [650], 'a note past the columns of a file separated by ;: no decimal comma can split there')
  t.alike(importCsv('nome;um;prezzo\nMele;kg;2;50\nPere;kg;3;\n').skipped, [{ name: 'Mele', reason: 'extra fields', detail: 'Mele;kg;2;50' }], 'a whole price and two digits past the header, separated by ;: 2,50 or 2 and a note? Left out, with why')
  const block = importCsv('Fornitore;Cascina Rossi\nNome;Mario Rossi\nTelefono;333\n\nNome;UM;Prezzo\nMiele;vasetto;6,50\n')
  t.alike([block.products.map((p) => p.name), block.skipped], [['Miele'], []], 'a title block with a "Nome" line: the header is the line with a price column too')
  t.alike(importCsv('nome;prezzo unitario\nMiele;6,50\n').products.map((p) => p.priceCents), [650], '"Prezzo unitario" is the price')
  t.alike(importCsv('nome;prezzo;disponibile\nMiele;6,50;1.000\n').skipped, [{ name: 'Miele', reason: 'ambiguous quantity', detail: '1.000', field: 'available' }], 'an available 1.000: one or a thousand?')
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
  const big = path.join(dir, 'grande.json')
  fs.writeFileSync(big, JSON.stringify({ blocks: [{ supplier: { name: 'S', products: Array.from({ length: 2001 }, (_, i) => ({ name: `P${i}`, um: 'pz', orderInfo: { umPrice: 1 } })) } }] }))
  t.exception(() => cli(dir, 'purchase', 'open', 'Grande', '--catalogue', big), /TOO_MANY_PRODUCTS/)
  t.exception(() => cli(dir, 'purchase', 'open', 'Passato', '--catalogue', file, '--closes', '2020-01-01'), /BAD_ARGUMENT: --closes 2020-01-01 has passed/)
  t.exception(() => cli(dir, 'purchase', 'open', 'Passato', '--delivery', '2020-01-01'), /BAD_ARGUMENT: --delivery 2020-01-01 has passed/)
  const today = localDay(Date.now())
  t.is(cli(dir, 'purchase', 'open', 'Oggi', '--delivery', today).type, 'OpenPurchase', 'a delivery today, without a time, is not past')
  t.ok(execText(dir, '--lang', 'en', 'purchase', 'Oggi').includes(`delivery ${today}\n`), 'and it is shown as the day, not its 00:00')
  cli(dir, 'vote-fail', 'Oggi')
  cli(dir, 'fail', 'Oggi')
  t.exception(() => cli(dir, 'purchase', 'open', 'Rovescio', '--closes', '2999-01-10', '--delivery', '2999-01-09'), /BAD_ARGUMENT: --delivery 2999-01-09 comes before the bookings close/)
  t.exception(() => cli(dir, 'purchase', 'open', 'Rovescio', '--closes', '10/01/2999', '--delivery', '10.01.2999 18:00'), /BAD_ARGUMENT: --delivery 10.01.2999 18:00 comes before the bookings close/, 'a delivery at six on the day the bookings close at its end')
  t.is((cli(dir, 'purchases') as unknown as Row[]).filter((p) => p.phase === 'open').length, 0, 'a catalogue too large, or a deadline passed, opens no purchase')
  t.is(cli(dir, 'purchase', 'open', 'Mezzogiorno', '--closes', '2999-01-10 12:00', '--delivery', '2999-01-10 18:00').type, 'OpenPurchase', 'bookings till noon, delivery at six the same day')
  const opened = cli(dir, 'purchase', 'open', 'Cascina', '--catalogue', file, '--delivery', '2999-01-09 18:00')
  t.is(opened.imported, 5)
  t.is((opened.skipped as Row[]).length, 4)
  t.is(opened.supplierRegistered, 'Cascina Rossi', 'the file\'s supplier is registered in the directory')
  t.is(opened.otherSupplier, null, 'the purchase is the file\'s supplier\'s')
  t.alike(cli(dir, 'purchase', 'open', 'Sbaglio', '--supplier', 'Orto Chili', '--catalogue', file).otherSupplier, { file: 'Cascina Rossi', purchase: 'Orto Chili' }, 'a price list of another supplier is said (from an audit: accepted without a word)')
  t.alike((cli(dir, 'search', 'cascina') as unknown as Row[]).filter((h) => h.kind === 'supplier').map((h) => h.title), ['Cascina Rossi'], 'and found by the search')
  t.is(cli(dir, 'purchase', 'open', 'Cascina bis', '--catalogue', file).supplierRegistered, null, 'a second import registers nothing')
  cli(dir, 'purchase', 'open', 'Extra', '--supplier', 'cascina ROSSI')
  t.is(cli(dir, 'purchase', 'Extra').supplier, 'Cascina Rossi', 'a purchase naming a registered supplier takes its registered name')
  t.ok(cli(dir, 'purchase', 'Extra').supplierId, 'and its id')
  cli(dir, 'close-bookings', 'Extra')
  t.ok(execText(dir, '--lang', 'en', 'purchase', 'Extra').split('\n')[1].endsWith(' · commitments closed'), 'a purchase without a catalogue says its commitments are closed')
  t.exception(() => cli(dir, 'book', 'Anna', 'Cascina', 'miele=2', '--key', path.join(dir, 'marta.json')), /NOT_AUTHORIZED/, 'Marta\'s key does not book for Anna (the member typed is never replaced by the key\'s)')
  t.exception(() => cli(dir, 'commit', 'Anna', '1', 'Cascina', '--key', path.join(dir, 'marta.json')), /NOT_AUTHORIZED/, 'nor commit for her')
  cli(dir, 'keygen', '--out', path.join(dir, 'stranger.json'))
  const edited = { ...JSON.parse(fs.readFileSync(path.join(dir, 'marta.json'), 'utf8')), publicKey: 'ab'.repeat(32) }
  fs.writeFileSync(path.join(dir, 'edited.json'), JSON.stringify(edited))
  t.exception(() => cli(dir, '--lang', 'en', 'book', 'Marta', 'Cascina', 'miele=1', '--key', path.join(dir, 'edited.json')), /BAD_KEY: in .*edited\.json the seed does not give the public key written beside it/, 'a key file whose public key is not its seed\'s is refused, not taken as a stranger')
  t.exception(() => cli(dir, '--lang', 'en', 'book', 'Marta', 'Cascina', 'miele=1', '--key', path.join(dir, 'stranger.json')), /NOT_AUTHORIZED: the key that signed is not a member's of this group/, 'a key no member holds (never registered, another group\'s) is told so, not that only the member may')
  t.is(cli(dir, 'balance', 'Marta').creditCents, 5000, 'nothing taken from Marta')
  const booked = cli(dir, 'book', 'Marta', 'Cascina', 'miele=2', 'mele=1,5', 'toma=1', '--key', path.join(dir, 'marta.json'))
  t.is(booked.orderCents, 1300 + 374 + 1890, 'the receipt gives the booking\'s total')
  const catalogue = execText(dir, '--lang', 'it', 'products', 'Cascina')
  t.ok(catalogue.includes('disponibile') && /Toma d'alpeggio\s+kg\s+18,90 €\s+10\s+1\s+18,90 €/.test(catalogue), `the catalogue shows what the group can have: ${catalogue}`)
  t.is(cli(dir, 'balance', 'Marta').creditCents, 5000 - 1300 - 374 - 1890, 'signed by Marta herself: 13,00 + 3,74 + 18,90')
  cli(dir, 'close-bookings', 'Cascina')
  const exported = execText(dir, 'purchase', 'Cascina', '--gdxp')
  const order = JSON.parse(exported) as Row
  const products = order.blocks[0].supplier.products as Row[]
  t.is(products.find((p) => p.sku === 'M500')!.bookingInfo.totalQty, 2, 'the order for the supplier: quantities booked')
  t.ok(exported.includes('"umPrice": 18.90,'), 'prices as JSON numbers written from their exact decimal text')
  t.is(order.protocolVersion, 1, 'as the GDXP schema has it: a number')
  t.ok(/^\d{4}-\d{2}-\d{2}$/.test(order.creationDate), 'a date')
  t.alike([order.blocks[0].supplier.vatNumber, order.blocks[0].supplier.contacts], ['', []], 'the supplier\'s required fields')
  t.absent('order' in order.blocks[0].supplier, 'no supplier order: GASdottoNG reads one only with an opening date')
  t.alike(order.blocks[0].supplier.orderInfo, { phase: 'booking', deliveryDate: '2999-01-09' }, 'the order: a booking (it carries totalQty), with the delivery date')
  t.is(importCatalogue(exported).products.length, 5, 'the export imports back')
  const approved = execText(dir, '--lang', 'it', 'approve', 'Marta', 'Cascina')
  t.ok(approved.startsWith('Prenotazione di Marta su "Cascina" approvata'), `a booking's approval speaks of a booking: ${approved}`)
  const journal = execText(dir, '--lang', 'it', 'log')
  t.ok(journal.includes('Prenotazione di Marta su "Cascina" approvata') && !journal.includes('(poi'), `so does the journal, which tells no one what comes next: ${journal}`)
  const refused = (...args: string[]): string => spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'en', ...args], { encoding: 'utf8' }).stderr.trim()
  t.is(refused('deliver', 'Cascina', 'Marta', 'pane=1'), 'error BAD_ARGUMENT: "Pane" has no price yet: give the price it was delivered at, pane=1@<euros> (@0 if it came free)', 'an unpriced product nobody booked is not delivered free without a word')
  t.is(refused('book', 'Marta', 'Cascina bis', 'xyz=1'), 'error UNKNOWN_PRODUCT: no product "xyz" in this purchase\'s catalogue (hypergas products lists them)', 'the code of SPEC §4.5\'s table')
  t.is(cli(dir, 'set-price', 'Cascina bis', 'toma', '0').status, 'applied', 'a price taken back to 0: not known after all')
  const delivered = execText(dir, '--lang', 'it', 'deliver', 'Cascina', 'Marta', 'toma=1,12', 'mele=1,5@2,39', 'miele=1', 'ricotta=0,5@0')
  t.ok(delivered.includes('totale della consegna, con i costi ripartiti: 31,26 €'), `the delivery's total: ${delivered}`)
  const sent = (JSON.parse(execText(dir, 'purchase', 'Cascina', '--gdxp')) as Row).blocks[0].supplier.products as Row[]
  t.alike(sent.filter((x) => x.bookingInfo.totalQty > 0).map((x) => [x.sku, x.orderInfo.umPrice, x.bookingInfo.totalQty]), [['M500', 6.5, 1], ['mele-fuji-1a-scelta', 2.39, 1.5], ['ricotta', 0, 0.5], ['toma-d-alpeggio', 18.9, 1.12]], 'after the delivery the order holds what came, at the price it came at (mele: 2,39, not the catalogue\'s 2,49; the ricotta came free)')
  const cost = execText(dir, '--lang', 'it', 'cost', 'Cascina', 'Trasporto', '2,50')
  t.ok(cost.includes('quote: Marta 2,50 €'), `the cost's receipt gives each member's share: ${cost}`)
  const pickup = execText(dir, '--lang', 'it', 'purchase', 'Cascina', '--pickup').trim().split('\n')
  t.ok(pickup.some((l) => /^Marta;Ricotta;kg;[^;]*;0,5;0,00;0,00$/.test(l)), 'a free item at the delivery (@0): recorded, at no cost')
  t.alike(pickup.slice(1).filter((l) => !l.includes('Ricotta')), ['Marta;Miele millefiori 500 g;vasetto;2;1;6,50;6,50', 'Marta;Mele Fuji 1ª scelta;kg;1,5;1,5;2,39;3,59', 'Marta;Toma d\'alpeggio;kg;1;1,12;18,90;21,17', 'Marta;costi;;;;;2,50', 'Marta;TOTALE;;;;;33,76'], 'the pick-up list: booked and delivered, by product key, in Italian')
  t.is(pickup[0], 'socio;prodotto;unità;prenotato;consegnato;prezzo_eur;importo_eur')
  cli(dir, 'vote-close', 'Cascina')
  const closed = execText(dir, '--lang', 'it', 'close', 'Cascina')
  t.ok(closed.startsWith('Acquisto "Cascina" chiuso: fornitore pagato 33,76 €'), `the close says what the supplier was paid: ${closed}`)
  t.absent(closed.includes('senza consegna registrata'), 'every booking delivered: nothing paid as booked')
  t.ok(/Anna\s+Acquisto "Cascina" chiuso: fornitore pagato 33,76 €/.test(execText(dir, '--lang', 'it', 'log')), 'and so does the log, whoever reads it (not "your cash")')
  const st = cli(dir, 'statement', 'Marta') as Row
  t.alike((st.statement as Row[]).map((m) => [m.kind, m.deltaCents]), [['deposit', 5000], ['booking', -3564], ['delivery', 438], ['cost', -250]], 'each cent has its act')
  t.is(st.creditCents, 5000 - 3376)
  t.is((st.statement as Row[]).at(-1)?.reason, 'Trasporto', 'a shared cost names its label')
  const status = cli(dir, 'status') as Row
  t.ok(status.group.totals.hold, 'credits + open commitments = cash')
  t.is(status.group.admins[0].cashCents, 5000 - 3376, 'Anna paid the supplier 33,76 from the cash')
  // Closed with its bookings still open and no delivery recorded (SPEC §4 allows it): the receipt says what it paid as booked.
  cli(dir, 'book', 'Marta', 'Cascina bis', 'miele=1')
  cli(dir, 'approve', 'Marta', 'Cascina bis')
  t.ok(execText(dir, '--lang', 'it', 'vote-close', 'Cascina bis').includes('le prenotazioni di "Cascina bis" sono ancora aperte'), 'a close vote while bookings are open says so')
  const asBooked = execText(dir, '--lang', 'it', 'close', 'Cascina bis')
  t.ok(asBooked.includes('fornitore pagato 6,50 €') && asBooked.includes('pagata come prenotata: 1 prenotazione senza consegna registrata'), `a close says what it paid as booked: ${asBooked}`)
  // A failed purchase: everyone refunded, so its exports owe nothing and list nothing to pick up.
  cli(dir, 'purchase', 'open', 'Fallito', '--catalogue', file)
  cli(dir, 'deposit', 'Marta', '20')
  cli(dir, 'book', 'Marta', 'Fallito', 'miele=2')
  cli(dir, 'vote-fail', 'Fallito')
  cli(dir, 'fail', 'Fallito')
  const csv = execText(dir, '--lang', 'it', 'purchase', 'Fallito', '--csv').trim().split('\n')
  t.alike([csv[1].split(';').filter((_, i) => i !== 1), csv[2]], [['Marta', '13,00', 'rimborsato', 'rimborsato'], 'TOTALE;;0,00;;'], `a failed purchase's commitments: refunded, nothing owed: ${csv.join(' | ')}`)
  t.alike(execText(dir, '--lang', 'it', 'purchase', 'Fallito', '--pickup').trim().split('\n'), ['socio;prodotto;unità;prenotato;consegnato;prezzo_eur;importo_eur'], 'nothing to pick up')
  t.ok(execText(dir, '--lang', 'it', 'purchase', 'Fallito', '--pickup').startsWith('\uFEFFsocio;'), 'an Italian CSV starts with a byte-order mark, so that Excel reads it as UTF-8')
  t.ok(execText(dir, '--lang', 'en', 'purchase', 'Fallito', '--csv').startsWith('member,'), 'an English one, for programs, does not')
  const gdxp = JSON.parse(execText(dir, 'purchase', 'Fallito', '--gdxp')) as { blocks: Array<{ supplier: { products: Array<{ bookingInfo: { totalQty: number } }> } }> }
  t.ok(gdxp.blocks[0].supplier.products.every((x) => x.bookingInfo.totalQty === 0), 'nothing to order from the supplier')
})

/** The CLI's plain output (CSV, GDXP), not --json. */
function execText (dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [BIN, '--dir', dir, ...args], { encoding: 'utf8' })
}

test('GDXP export and the mail digest: texts signed elsewhere are written without controls of direction', (t) => {
  const product = { key: 'mele', name: 'Mele \u202eoiB', unit: 'kg', priceCents: 260, bookedQtyMilli: 0, bookedCents: 0, deliveredQtyMilli: null, deliveredCents: null }
  const view = { name: 'Frutta', phase: 'open', supplier: '\u2067Orto\u2069', supplierVatNumber: null, supplierContacts: null, closesAtMs: null, deliveryAtMs: null, order: { products: [product], bookings: [] } } as unknown as PurchaseView
  const file = exportGdxp(view, 'GAS\u200f', '2026-12-03', () => '')
  t.absent(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(file), 'none in the file')
  const x = JSON.parse(file) as Row
  t.is(x.blocks[0].supplier.products[0].name, 'Mele oiB')
  t.is(x.blocks[0].supplier.name, 'Orto')
  t.is(x.subject.name, 'GAS')
  const d = digest('GAS', '\u202eatraM', [], () => '', 'avvisi')
  t.absent(/\u202e/.test(d.body + d.subject), 'nor in a mail')
})

test('GDXP export: one entry per product, at the one price its lines hold (delivered, else booked), else the catalogue\'s', (t) => {
  const line = (qtyMilli: number, priceCents: number): Row => ({ product: 'mele', name: 'Mele', unit: 'kg', qtyMilli, priceCents, cents: 0 })
  const booking = (status: string, lines: Row[], delivered: Row[] | null = null): Row => ({ status, lines, delivered })
  const product = { key: 'mele', name: 'Mele', unit: 'kg', priceCents: 260, bookedQtyMilli: 3000, bookedCents: 0, deliveredQtyMilli: null, deliveredCents: null }
  const view = (phase: string, bookings: Row[], p: Row = product): PurchaseView => ({ name: 'Frutta', phase, supplier: 'Orto', supplierVatNumber: null, supplierContacts: null, closesAtMs: null, deliveryAtMs: null, order: { products: [p], bookings } }) as unknown as PurchaseView
  const sent = (v: PurchaseView): Array<[number, number]> => (JSON.parse(exportGdxp(v, 'GAS', '2026-12-03', () => '')) as Row).blocks[0].supplier.products.map((x: Row) => [x.orderInfo.umPrice, x.bookingInfo.totalQty])
  // Luca booked 1 kg at 2,50 and Elena 2 kg at 2,50; the catalogue now says 2,60; Bea's booking, at 2,40, was rejected.
  t.alike(sent(view('open', [booking('approved', [line(1000, 250)]), booking('approved', [line(2000, 250)]), booking('rejected', [line(5000, 240)])])), [[2.5, 3]], 'booked at 2,50 before the new price: written at 2,50, the rejected booking left out')
  const delivered = [booking('approved', [line(1000, 250)], [line(1200, 270)]), booking('approved', [line(2000, 260)], [line(1800, 270)])]
  t.alike(sent(view('open', delivered, { ...product, deliveredQtyMilli: 3000 })), [[2.7, 3]], 'delivered at one price: the delivered price')
  t.alike(sent(view('open', [booking('approved', [line(1000, 250)]), booking('approved', [line(2000, 260)])])), [[2.6, 3]], 'two prices: one entry, at the catalogue\'s')
  t.alike(sent(view('failed', [booking('approved', [line(3000, 250)])])), [[2.5, 0]], 'a failed purchase orders nothing')
})

test('a delivery typed one product at a time keeps what was recorded before; the receipt names what was booked and not delivered', { timeout: 120_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-deliver-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'frutta.csv')
  fs.writeFileSync(file, 'nome;um;prezzo;pesato\nPere;kg;2,35;sì\nMele;kg;1,90;sì\nCrème brûlée;vasetto;3,00;\n;;;\n')
  cli(dir, 'init', '--name', 'GAS Test', '--founder', 'Anna')
  const luca = cli(dir, 'keygen', '--out', path.join(dir, 'luca.json'))
  cli(dir, 'member', 'add', 'Luca', String(luca.publicKey))
  cli(dir, 'deposit', 'Luca', '50')
  cli(dir, 'purchase', 'open', 'Frutta', '--catalogue', file)
  cli(dir, 'book', 'Luca', 'Frutta', 'pere=3', 'mele=2')
  t.is(cli(dir, 'set-price', 'Frutta', 'creme', '3,10').status, 'applied', 'a product found by its name typed without accents')
  cli(dir, 'close-bookings', 'Frutta')
  cli(dir, 'approve', 'Luca', 'Frutta')
  const run = (...args: string[]): { out: string, err: string } => {
    const r = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'en', ...args], { encoding: 'utf8' })
    return { out: r.stdout, err: r.stderr }
  }
  const pickup = (): string[] => execText(dir, 'purchase', 'Frutta', '--pickup').trim().split('\n').filter((l) => l.startsWith('Luca,'))
  const first = run('deliver', 'Frutta', 'Luca', 'pere=2,87@2,20')
  t.ok(first.out.includes('booked and not delivered (0): Mele'), `the first delivery names the product it leaves out: ${first.out}`)
  t.is(first.err, '', 'nothing recorded before: nothing kept')
  const second = run('deliver', 'Frutta', 'Luca', 'mele=2,1')
  t.is(second.err.trim(), 'kept as recorded before: Pere 2.87 kg (a product that did not arrive after all: name it with =0)', 'what stays is said before it is signed')
  t.absent(second.out.includes('not delivered'), `nothing booked is left out now: ${second.out}`)
  t.alike(pickup(), ['Luca,Mele,kg,2,2.1,1.90,3.99', 'Luca,Pere,kg,3,2.87,2.20,6.31', 'Luca,TOTAL,,,,,10.30'], 'Pere kept its weight and its price at the delivery')
  const again = run('deliver', 'Frutta', 'Luca', 'pere=2,9')
  t.is(again.err.trim().split('\n').at(-1), 'at the price of the delivery before: Pere €2.20 (another price: give it with @euros)', 'a price kept from the delivery before is said, being not the booked one')
  t.alike(pickup(), ['Luca,Mele,kg,2,2.1,1.90,3.99', 'Luca,Pere,kg,3,2.9,2.20,6.38', 'Luca,TOTAL,,,,,10.37'], 'a weight typed again keeps the price it was delivered at')
  const none = run('deliver', 'Frutta', 'Luca', 'mele=0')
  t.ok(none.out.includes('booked and not delivered (0): Mele'), `=0 takes a product out: ${none.out}`)
  t.is(cli(dir, 'balance', 'Luca').creditCents, 5000 - 638, 'Luca pays for what he received')
  t.ok((cli(dir, 'status') as Row).group.totals.hold, 'credits + open commitments = cash')
})
