// SPEC §7: a refusal in the reader's language with its figures, the same on the CLI and the web
// page (src/api/refusal-text.ts); on the page without the CLI commands it points to.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'brittle'
import i18next from 'i18next'
import { importCatalogue } from '../src/api/gdxp.js'
import { parseActBody } from '../src/acts/schema.js'
import { refusalText, withoutCommands } from '../src/api/refusal-text.js'
import type { HypergasError } from '../src/errors.js'
import { formatQuantity } from '../src/money.js'
import { en } from '../src/cli/messages-en.js'
import { it } from '../src/cli/messages-it.js'
import { resources } from '../src/web/i18n.js'
import { withRefusals } from '../src/web/refusals.js'
import { RECEIPT_KEYS } from '../src/api/receipt-text.js'

test('a refusal on the page: the CLI\'s message and figures, without its commands', async (t) => {
  const i = i18next.createInstance()
  await i.init({ lng: 'it', resources: { it: { translation: it }, en: { translation: en } }, interpolation: { escapeValue: false } })
  const words = { t: (k: string, v: Record<string, string | number | undefined> = {}) => i.t(k, v), eur: (c: number) => `${(c / 100).toFixed(2).replace('.', ',')} €`, qty: (m: number) => formatQuantity(m, ',') }
  const text = (code: string, d?: Parameters<typeof refusalText>[2]): string => withoutCommands(refusalText(code, 'the node\'s message', d, words))
  t.is(text('INSUFFICIENT_CREDIT', { member: 'Marta', creditCents: 500, neededCents: 750 }), 'Marta ha 5,00 € di credito, ne servono 7,50 €')
  t.is(text('INSUFFICIENT_CREDIT'), it.e_INSUFFICIENT_CREDIT_bare, 'without the figures, which are someone else\'s')
  t.is(text('INSUFFICIENT_CREDIT', { member: 'Marta', creditCents: 500, neededCents: 750, variant: 'withdraw' }), 'Marta ha 5,00 € di credito: al massimo tanto si restituisce in contanti, non 7,50 €', 'a withdrawal beyond the credit: no deposit to suggest')
  t.is(text('INSUFFICIENT_CREDIT', { member: 'Marta', creditCents: -350, neededCents: 100, variant: 'withdrawNone' }), 'Marta ha -3,50 € di credito: non si può restituire nulla in contanti', 'a member who owes: nothing at most')
  t.is(text('PENDING_COMMITMENTS', { pending: 1 }), 'impegni ancora da approvare o rifiutare: 1', 'a bracketed command left out; no number agreement to get wrong for one')
  t.is(text('NO_QUORUM', { votes: 1, quorum: 2 }), 'voti 1 su 2: ne manca 1', 'a trailing one too, and one vote missing in the singular')
  t.is(text('NO_QUORUM', { votes: 1, quorum: 3 }), 'voti 1 su 3: ne mancano 2')
  t.is(text('NO_QUORUM', { votes: 0, quorum: 1, variant: 'fail' }), 'voti per annullare 0 su 1: ne manca 1', 'a failure counts the votes to fail')
  t.is(text('MEMBER_HAS_FUNDS', { member: 'Dario', creditCents: -1000, variant: 'owes' }), 'Dario ha un credito di -10,00 €: prima salda il debito con un versamento', 'who owes pays in first')
  t.is(text('MEMBER_HAS_FUNDS', { member: 'Dario', creditCents: 0, variant: 'commitment' }), 'Dario ha un impegno su un acquisto ancora aperto: si può cancellare quando l\'acquisto è chiuso o annullato, o l\'impegno rifiutato', 'a commitment holds them, not credit')
  t.is(text('NOT_AUTHORIZED', { variant: 'initiator' }), it.e_NOT_AUTHORIZED_initiator, 'who asked for a transfer is told the other side accepts it')
  t.is(text('INSUFFICIENT_CREDIT', { variant: 'payer' }), it.e_INSUFFICIENT_CREDIT_payer, 'a payee accepting a transfer the payer cannot cover is told so, without the payer\'s figures')
  t.is(text('BAD_ARGUMENT', { variant: 'nothingImported', matches: 1, skipped: [{ name: 'Toma', reason: 'bad quantity', detail: '5.0001', field: 'available' }] }), 'nessun prodotto del file si può importare; esclusi: 1, fra cui Toma (quantità disponibile 5.0001: al più 3 decimali, fino a 10.000)', 'the limit named in the reader\'s words')
  t.is(text('AMOUNT_OVERFLOW'), it.e_AMOUNT_OVERFLOW, '"hypergas" as a word is no command: the message stays whole')
  t.is(text('SOME_CODE_WITHOUT_MESSAGE'), 'the node\'s message', 'a code with no message keeps the node\'s')
  t.is(text('WRONG_GROUP'), 'l\'atto è firmato per un altro gruppo, non per questo', 'a signed act refused before the fold reads in Italian too')
  t.is(text('BAD_SIGNATURE'), it.e_BAD_SIGNATURE)
  t.is(text('UNAUTHORIZED', { variant: 'link' }), it.e_UNAUTHORIZED_link, 'a refused login by its variant, as the node names it')
  t.is(text('ABOVE_MAX', { variant: 'product', product: 'Miele', unit: 'vasetto', qtyMilli: 2000 }), 'Miele: al massimo 2 vasetto per socio', 'a booking refused with its product and limit')
  t.is(text('ABOVE_MAX'), it.e_ABOVE_MAX, 'without the figures, the bare message')
  t.is(text('NO_PRICE', { variant: 'product', product: 'Pane' }), 'Pane non ha ancora un prezzo: non si può prenotare', 'a booking of a product without a price names it')
  t.is(text('NOT_FOUND', { variant: 'member', input: 'Mraco' }), 'nessun socio "Mraco"', 'a name typed wrong, in the reader\'s language, without the command')
  t.is(text('NOT_FOUND', { variant: 'members', input: 'ma', candidates: ['Marta (ab12cd34)', 'Mario (ab99ff00)'], matches: 2 }), '"ma" corrisponde a 2 soci: Marta (ab12cd34), Mario (ab99ff00); scrivi più caratteri o il nome')
  t.is(text('NOT_FOUND', { variant: 'products', input: 'p', candidates: ['p1', 'p2', 'p3', 'p4', 'p5'], matches: 7 }), '"p" corrisponde a 7 prodotti: p1, p2, p3, p4, p5, …; scrivi più caratteri', 'more matches than shown end with an ellipsis')
  t.is(text('INSUFFICIENT_CREDIT', { member: 'Bruno', creditCents: 9350, neededCents: 1500, variant: 'discount', commitmentCents: 650 }), 'la quota dello sconto di Bruno, 15,00 €, supera il suo impegno di 6,50 €', 'a discount beyond a commitment: no deposit to suggest')
  t.is(text('ABOVE_CEILING', { member: 'Bruno', creditCents: 9350, neededCents: 1000, ceilingCents: 10_000, variant: 'ceiling' }), 'Bruno ha 93,50 € di credito: con altri 10,00 € supererebbe il tetto di 100,00 €')
  const field = (body: unknown): string => { try { parseActBody(body); return 'accepted' } catch (err) { return text((err as HypergasError).code, (err as HypergasError).details) } }
  t.is(field({ type: 'OpenPurchase', name: '  ' }), 'il campo «nome» è vuoto', 'an empty name, in Italian (zod said "Too small: expected string to have >=1 characters")')
  t.is(field({ type: 'OpenPurchase', name: 'x'.repeat(65) }), 'il campo «nome» supera i 64 caratteri')
  t.is(field({ type: 'Transfer', from: 'ab'.repeat(32), to: 'cd'.repeat(32), cents: 5, memo: 'a\tb' }), 'il campo «causale» contiene caratteri di controllo (una tabulazione, un a capo)')
  t.is(field({ type: 'Book', member: 'ab'.repeat(32), purchase: 'cd'.repeat(32), lines: [{ product: 'miele', qtyMilli: 1000 }, { product: 'miele', qtyMilli: 2000 }] }), 'lo stesso prodotto due volte in «righe»')
  t.is(field({ type: 'AddProducts', purchase: 'cd'.repeat(32), products: [{ key: 'a', name: 'A', unit: 'kg', priceCents: 1 }, { key: 'b c', name: 'B', unit: 'kg', priceCents: 1 }] }), 'il campo «prodotti › 2 › codice»: solo lettere, cifre e . _ - /', 'a path into a list: its position from 1')
  t.is(text('BAD_FIELD', undefined), 'the node\'s message', 'a field refused without its name: the node\'s words')
  t.is(field({ type: 'AddProducts', purchase: 'cd'.repeat(32), products: [{ key: 'a', name: 'A', unit: 'kg', priceCents: 1 }, { key: 'a', name: 'B', unit: 'kg', priceCents: 1 }] }), 'lo stesso prodotto due volte in «prodotti»', 'a code twice in a catalogue')
  t.is(field({ type: 'AddProducts', purchase: 'cd'.repeat(32), products: [] }), 'il campo «prodotti» è vuoto')
  t.is(field({ type: 'Book', member: 'ab'.repeat(32), purchase: 'cd'.repeat(32), lines: [{ product: 'miele', qtyMilli: 1000, priceCents: 5 }] }), 'una prenotazione prende i prezzi del listino: nessun prezzo in «righe»')
  t.is(field({ type: 'Book', member: 'ab'.repeat(32), purchase: 'cd'.repeat(32), lines: [{ product: 'miele', qtyMilli: 0.5 }] }), 'il campo «righe › 1 › quantità»: Invalid input: expected int, received number', 'a case without a message of its own: zod\'s words, the field in Italian')
  t.is(field({ type: 'OpenPurchase', name: 'X', extra: 1 }), 'the node\'s message', 'a key the body should not have: no field to name')
  t.is(field({ type: 'SetPrice', purchase: 'cd'.repeat(32), product: 'miele', priceCents: 200_000_000 }), 'il campo «prezzo» può essere al massimo 1000000,00 €', 'a price past its bound: the bound in euros, not zod\'s cents')
  t.is(field({ type: 'Book', member: 'ab'.repeat(32), purchase: 'cd'.repeat(32), lines: [{ product: 'miele', qtyMilli: 20_000_000 }] }), 'il campo «righe › 1 › quantità» può essere al massimo 10000', 'a quantity past its bound: in units, not milli-units')
  let thrown: HypergasError | undefined
  try { importCatalogue('{"blocks": [{"supplier": {"name": "S", "products": [{"name": "A", "um": "kg", "orderInfo": {"umPrice": 1.234}}, {"name": "B", "active": false, "um": "kg", "orderInfo": {"umPrice": 1}}]}}]}') } catch (err) { thrown = err as HypergasError }
  t.is(text('BAD_ARGUMENT', thrown?.details), 'nessun prodotto del file si può importare; esclusi: 2, fra cui A (prezzo 1.234: non è un importo in euro con al più 2 decimali); B (non attivo)', 'an import that leaves every product out: the reasons in the reader\'s words')
  await i.changeLanguage('en')
  t.is(text('BAD_ARGUMENT', thrown?.details), 'no product of the file can be imported; left out: 2, among them A (price 1.234: not an amount of euros with at most 2 decimals); B (inactive)')
  t.is(text('INSUFFICIENT_CREDIT', { member: 'Marta', creditCents: 500, neededCents: 750 }).startsWith('Marta has'), true, 'in English too')
  t.absent(text('INSUFFICIENT_CREDIT', { member: 'Marta', creditCents: 500, neededCents: 750 }).includes('hypergas'))
})

test('the page\'s refusal messages: the CLI\'s, without commands, placeholders kept; its own where the CLI\'s would lose their point', (t) => {
  const page = withRefusals(resources)
  t.is(page.it.translation.e_INSUFFICIENT_CREDIT, '{{name}} ha {{credit}} di credito, ne servono {{needed}}', 'cut before the figures are filled in')
  for (const l of ['it', 'en'] as const) {
    const left = Object.entries(page[l].translation).filter(([k, v]) => k.startsWith('e_') && /hypergas (?!tiene|keeps|legge|reads|non|not|integro|valid)/.test(v)).map(([k]) => k)
    const cliOnly = ['e_BAD_INVITE', 'e_BAD_KEY_keyFile', 'e_BAD_ARGUMENT_hostPort', 'e_BAD_ARGUMENT_noBackupFile', 'e_NOT_RUNNING_login', 'e_NOT_RUNNING_stoppedAct'] // joining, key files, bootstrap nodes, a restore, admin login links, the CLI's own node stopping
    t.alike(left.filter((k) => !k.startsWith('e_DATA_DIR') && !k.startsWith('e_BAD_BACKUP') && !cliOnly.includes(k)), [], `${l}: no refusal a phone can meet points to a command`)
  }
  t.is(page.it.translation.e_NEEDS_MEMBERS, resources.it.translation.e_NEEDS_MEMBERS, 'the page\'s own message wins')
})

test('every variant a refusal is thrown with has a message in both languages', (t) => {
  const root = fileURLToPath(new URL('../../src/', import.meta.url))
  const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const keys = new Set<string>()
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8')
    for (const m of text.matchAll(/new HypergasError\('([A-Z_]+)', [^\n]*?\{ variant: ([^,}]+)/g)) {
      for (const v of m[2].matchAll(/'([a-z][A-Za-z-]*)'/g)) keys.add(`e_${m[1]}_${v[1]}`) // a ternary names two
    }
    for (const m of text.matchAll(/HypergasError\.NOT_FOUND\([^\n]*?, '([A-Za-z]+)'[,)]/g)) keys.add(`e_NOT_FOUND_${m[1]}`)
  }
  t.ok(keys.size >= 50, `${keys.size} variants found in the sources`)
  const missing = [...keys].filter((k) => !(k in en) || !(k in it))
  t.alike(missing, [], 'each has an English and an Italian message')
})

test('every message a receipt line names reaches the page (RECEIPT_KEYS)', (t) => {
  const source = fs.readFileSync(fileURLToPath(new URL('../../src/api/receipt-text.ts', import.meta.url)), 'utf8')
  const named = new Set<string>()
  // A key is the first argument of t(), or either side of a ternary there.
  for (const m of source.matchAll(/(?:\bt\(|\? |: )'([A-Za-z][A-Za-z_]*)'/g)) if (m[1] in en && !m[1].startsWith('r_')) named.add(m[1])
  // The CLI's next command for a transfer's payee: a page shows the transfer to accept instead.
  named.delete('transferNext')
  t.ok(named.size >= 15, `${named.size} message keys named in src/api/receipt-text.ts`)
  t.alike([...named].filter((k) => !RECEIPT_KEYS.includes(k)), [], 'each is in RECEIPT_KEYS')
  const page = withRefusals(resources)
  t.alike(RECEIPT_KEYS.filter((k) => !(k in page.it.translation) && !(`${k}_other` in page.it.translation)), [], 'and in the page\'s Italian messages')
})

test('a member\'s phone reads why confirmation waits without the commands an admin types (the page\'s finality line)', (t) => {
  for (const lang of ['it', 'en'] as const) {
    const tr = resources[lang].translation as Record<string, string>
    for (const key of ['notStarted', 'recoveryHint', 'recoveryHintForked']) {
      const said = withoutCommands(tr[key].replace(/\{\{name\}\}/g, 'Carla').replace(/\{\{arg\}\}/g, 'Carla'))
      t.absent(/hypergas (start|join|recover)/.test(said), `${lang} ${key}: ${said}`)
      t.ok(said.includes('Carla') && said.length > 40, `and still says why: ${said}`)
    }
  }
})
