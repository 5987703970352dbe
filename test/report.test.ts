// Issue 17 item 3: the treasurer's year (`hypergas report`): every movement of the group's cash in
// a period with income and outgoing, totals by kind and by supplier, transfers and shared costs,
// cash per admin and credits at the start and the end, the invariant, confirmed acts only; CSV
// for an Italian spreadsheet. A real data directory through the CLI.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { BIN, cli } from '../examples/procs.js'
import { costsBorne, monthly } from '../src/api/report.js'
import { statementCsv } from '../src/api/csv.js'
import type { StatementLine } from '../src/api/views.js'
import type { ActId, MemberId, PurchaseId } from '../src/ids.js'
import { Season, prng } from './helpers/fixtures.js'

type Row = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

test('report: the year\'s accounts from the CLI, as text, JSON and CSV', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-report-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  for (const n of ['Bruno', 'Carla']) cli(dir, 'member', 'add', n, String(cli(dir, 'keygen').publicKey))
  cli(dir, 'deposit', 'Bruno', '50')
  cli(dir, 'deposit', 'Carla', '30')
  cli(dir, 'withdraw', 'Carla', '5', '--reason', 'resto')
  cli(dir, 'purchase', 'open', 'Verdure', '--supplier', 'Cascina Rossi')
  cli(dir, 'commit', 'Bruno', '12,50', 'Verdure')
  cli(dir, 'approve', 'Bruno', 'Verdure')
  cli(dir, 'vote-close', 'Verdure')
  cli(dir, 'close', 'Verdure')
  const x = cli(dir, 'transfer', 'Bruno', 'Carla', '2')
  cli(dir, 'accept', String(x.actId))
  const r = cli(dir, 'report') as Row
  t.alike([r.totals.depositsCents, r.totals.withdrawalsCents, r.totals.supplierPaymentsCents, r.totals.transfersCents], [8000, 500, 1250, 200])
  t.alike(r.totals.bySupplier, [{ supplier: 'Cascina Rossi', cents: 1250 }], 'supplier payments per supplier')
  t.is(r.rows.length, 4, 'two deposits, a withdrawal, a supplier payment: the group\'s cash')
  t.alike(r.rows.map((x: Row) => [x.kind, x.incomeCents, x.outgoingCents]), [['deposit', 5000, 0], ['deposit', 3000, 0], ['withdraw', 0, 500], ['supplier-payment', 0, 1250]])
  t.is(r.creditsEndCents, 8000 - 500 - 1250, 'credits at the end')
  t.ok(r.holds, 'the invariant holds')
  t.is(r.confirmedActs > 0, true, 'says up to where it is confirmed')
  const csv = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'report', '--csv'], { encoding: 'utf8' }).trim().split('\n')
  t.is(csv[0], 'data;movimento;admin;controparte;entrate_eur;uscite_eur;atto;totale_eur')
  t.ok(csv.some((l) => /;versamento;Anna;Bruno;50,00;;/.test(l)), 'decimal commas and ";" for an Italian spreadsheet, in Italian')
  t.ok(csv.some((l) => l === 'fornitore Cascina Rossi;;;;;;;12,50'), 'a total in a column of its own')
  const column = (i: number): number => csv.slice(1).reduce((sum, l) => sum + Number((l.split(';')[i] || '0').replace(/[.,]/g, '')), 0) // amounts have two decimals: cents once the separators go
  t.alike([column(4), column(5)], [8000, 500 + 1250], 'summing the income and outgoing columns adds the movements, not the totals')
  t.is(csv.at(-1), 'crediti + impegni aperti = cassa;;;;;;;sì', 'and whether the books balance, after each admin\'s cash')
  t.ok(csv.some((l) => /^cassa alla fine;;Anna;;/.test(l)))
  t.ok(csv.some((l) => l.startsWith('TOTALE versamenti;')))
  const en = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'en', 'report', '--csv'], { encoding: 'utf8' }).trim().split('\n')
  t.is(en[0], 'date,movement,admin,other,income_eur,outgoing_eur,act,total_eur', 'English: the codes as before')
  t.ok(en.some((l) => /,deposit,Anna,Bruno,50.00,,/.test(l)) && en.some((l) => l === 'supplier Cascina Rossi,,,,,,,12.50'))
  const later = cli(dir, 'report', '--from', '2999-01-01', '--to', '2999-12-31') as Row
  t.is(later.rows.length, 0, 'a period with nothing in it')
  t.is(later.creditsStartCents, later.creditsEndCents, 'credits unchanged through it')
  for (const period of [['--from', '2026-12-31', '--to', '2026-01-01'], ['--from', '2026-13-01'], ['--from', '2999-01-01']]) {
    const bad = spawnSync(process.execPath, [BIN, '--dir', dir, 'report', ...period], { encoding: 'utf8' })
    t.ok(bad.status === 1 && /^error BAD_ARGUMENT: /.test(bad.stderr) && bad.stdout === '', `report ${period.join(' ')}: ${bad.stderr.trim()}`)
  }
  const text = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'report'], { encoding: 'utf8' })
  t.ok(text.includes('pagamenti ai fornitori') && text.includes('i conti tornano'), 'in Italian, with the invariant')
  t.ok(/quando\s+cosa\s+amministratore\s+controparte\s+entrate\s+uscite/.test(text), 'every column of the movements has its header')
  t.ok(text.startsWith('rendiconto dall\'inizio a oggi · '), 'a period with no dates reads as the whole ledger')
  // The whole ledger for the archive.
  const all = JSON.parse(execFileSync(process.execPath, [BIN, '--dir', dir, 'export'], { encoding: 'utf8' })) as Row
  t.is(all.log.length, r.confirmedActs, 'every act in the export')
  t.is(all.members.length, 3)
  const rows = execFileSync(process.execPath, [BIN, '--dir', dir, 'export', '--csv'], { encoding: 'utf8' }).trim().split('\n')
  t.is(rows.length, all.log.length + 1, 'one CSV row per act')
  // A member who leaves keeps their name in the accounts (SPEC §4 invariant 3), not a bare id.
  cli(dir, 'withdraw', 'Carla', '27')
  cli(dir, 'member', 'remove', 'Carla')
  const after = cli(dir, 'report') as Row
  const carlaId = String((all.members as Row[]).find((m) => m.name === 'Carla')?.id)
  t.alike(after.rows.filter((x: Row) => x.kind === 'deposit').map((x: Row) => x.other), ['Bruno', `Carla (${carlaId.slice(0, 8)})`], 'the report names a removed member, with the start of their id (a new member may take the name)')
  const journal = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'log'], { encoding: 'utf8' })
  t.ok(journal.includes('Versamento di 30,00 € da Carla'), `and so does the log: ${journal}`)
  const cash = cli(dir, 'statement', 'Anna', '--cash') as Row
  t.ok((cash.cashMovements as Row[]).some((m) => m.counterpartName === `Carla (${carlaId.slice(0, 8)})`), 'and the cassiere\'s cash statement')
  const gone = cli(dir, 'statement', 'Carla') as Row
  t.alike([gone.creditCents, (gone.statement as Row[]).map((m) => m.deltaCents)], [0, [3000, -500, 200, -2700]], 'a removed member\'s statement is still the treasurer\'s to read, by the name she had')
  // The same supplier typed another way (case, spaces), no directory entry: one line by supplier.
  cli(dir, 'purchase', 'open', 'Frutta', '--supplier', ' cascina ROSSI ')
  cli(dir, 'commit', 'Bruno', '1', 'Frutta')
  cli(dir, 'approve', 'Bruno', 'Frutta')
  cli(dir, 'vote-close', 'Frutta')
  cli(dir, 'close', 'Frutta')
  t.alike((cli(dir, 'report') as Row).totals.bySupplier, [{ supplier: 'Cascina Rossi', cents: 1350 }], 'one supplier, as first spelled')
})

test('report: cash and credits at each month\'s end, for the chart, in the node\'s time zone', (t) => {
  // Months are the treasurer's: in Rome, 00:30 on 1 January is January's (23:30 UTC the day before).
  const tz = process.env.TZ
  process.env.TZ = 'Europe/Rome'
  t.teardown(() => { if (tz === undefined) delete process.env.TZ; else process.env.TZ = tz })
  const s = new Season()
  const bruno = s.register('Bruno')
  const time = new Map<string, number | null>()
  // Local times (no zone): as the treasurer reads them.
  const at = (local: string, body: Parameters<Season['sign']>[1]): void => {
    const act = s.sign(s.founder, body)
    t.is(s.fold(act), 'applied')
    time.set(act.id, Date.parse(local))
  }
  at('2026-01-01T00:30:00', { type: 'Deposit', member: bruno.id, cents: 5000 })
  at('2026-01-31T23:59:59', { type: 'Withdraw', member: bruno.id, cents: 1000, reason: '' })
  at('2026-03-02T08:00:00', { type: 'Deposit', member: bruno.id, cents: 250 })
  at('2026-03-20T08:00:00', { type: 'Deposit', member: bruno.id, cents: 100 })
  const all = monthly(s.state, time, null, null)
  t.alike(all.map((m) => [m.month, m.cashCents, m.creditsCents]), [['2025-12', 0, 0], ['2026-01', 4000, 4000], ['2026-02', 4000, 4000], ['2026-03', 4350, 4350]], 'from the month before, a point per month, February with none (its balances unchanged, so the chart keeps its months evenly); the deposit at 00:30 on 1 January is January\'s')
  t.is(all[2].endMs, Date.parse('2026-03-01T00:00:00') - 1, 'the month with no movement ends where months end')
  t.alike(all.slice(0, 2).map((m) => m.endMs), [Date.parse('2026-01-01T00:00:00') - 1, Date.parse('2026-02-01T00:00:00') - 1], 'each month\'s last instant, local (the first point\'s too)')
  const upTo = monthly(s.state, time, null, Date.parse('2026-03-10T00:00:00'))
  t.alike(upTo.map((m) => [m.month, m.cashCents]), [['2025-12', 0], ['2026-01', 4000], ['2026-02', 4000], ['2026-03', 4250]], 'the period ends mid-month: only what came before')
  t.alike(monthly(s.state, time, Date.parse('2026-02-01T00:00:00'), null).map((m) => [m.month, m.cashCents]), [['2026-02', 4000], ['2026-03', 4350]], 'a later period starts from the balances before it')
  time.delete([...time.keys()][0])
  t.is(monthly(s.state, time, null, null)[1].cashCents, -1000, 'an act not confirmed (not in the map) does not count')
})

test('report: the shared costs members bore in a closed purchase are what it paid the supplier less the goods', (t) => {
  const seed = Number(process.env.SEED ?? 20261202)
  t.comment(`seed ${seed}`)
  const rnd = prng(seed)
  const s = new Season()
  const anna = s.founder
  const people = ['Bruno', 'Carla', 'Dario', 'Elsa'].map((n) => s.register(n))
  for (const p of people) s.do(anna, { type: 'Deposit', member: p.id, cents: 100_000 })
  const prices: Record<string, number> = { mele: 250, pane: 400 }
  /** What the supplier was paid at the close, from the owner's cash movements, cents. */
  const paid = (id: PurchaseId): number => -(s.state.cashMovements.get(anna.id) ?? []).filter((m) => m.kind === 'supplier-payment' && m.purchase === id).reduce((sum, m) => sum + m.deltaCents, 0)
  /** The goods of the bookings paid at the close, priced here from their lines, cents. */
  const goods = (id: PurchaseId): number => {
    const p = s.state.purchases.get(id)!
    let sum = 0
    for (const [m, b] of p.order!.bookings) if (p.commitments.get(m)?.status === 'approved') for (const l of (b.delivered ?? b.lines)) sum += Math.floor((l.qtyMilli * prices[l.product] + 500) / 1000)
    return sum
  }
  let closed = 0
  for (let round = 0; round < 40; round++) {
    const id = s.open(anna, `Ordine ${round}`)
    s.do(anna, { type: 'AddProducts', purchase: id, products: [{ key: 'mele', name: 'Mele', unit: 'kg', priceCents: 250 }, { key: 'pane', name: 'Pane', unit: 'pz', priceCents: 400 }] })
    const book = (p: { id: MemberId }, drop = false): void => { s.do(anna, { type: 'Book', member: p.id, purchase: id, lines: drop ? [] : [{ product: rnd() < 0.5 ? 'mele' : 'pane', qtyMilli: 1000 * (1 + Math.floor(rnd() * 4)) }] }) }
    for (const p of people) if (rnd() < 0.8) book(p)
    const cost = (): void => { s.do(anna, { type: 'AddCost', purchase: id, label: 'trasporto', cents: 1 + Math.floor(rnd() * 900), split: rnd() < 0.5 ? 'amount' : 'equal', discount: rnd() < 0.4 }) }
    cost()
    for (const p of people) if (rnd() < 0.4) book(p, rnd() < 0.4) // dropped, or booked again (smaller or larger) with its shares
    cost()
    s.do(anna, { type: 'CloseBookings', purchase: id })
    for (const m of [...s.state.purchases.get(id)!.order!.bookings.keys()]) s.do(anna, { type: rnd() < 0.2 ? 'RejectCommitment' : 'ApproveCommitment', purchase: id, member: m })
    const p = s.state.purchases.get(id)!
    if (rnd() < 0.25) {
      s.do(anna, { type: 'VoteFailPurchase', purchase: id })
      t.is(s.do(anna, { type: 'FailPurchase', purchase: id }), 'applied')
      t.is(costsBorne(p), 0, `round ${round}: a failed purchase paid nothing`)
      continue
    }
    s.do(anna, { type: 'VoteClosePurchase', purchase: id })
    t.is(s.do(anna, { type: 'ClosePurchase', purchase: id }), 'applied')
    closed++
    t.is(costsBorne(p), paid(id) - goods(id), `round ${round}: the shares borne are the payment less the goods`)
  }
  t.ok(closed > 20, `${closed} purchases closed`)
  // A discount larger than what is left of a booking (a booking cut below it, then booked again).
  const id = s.open(anna, 'Sconto')
  s.do(anna, { type: 'AddProducts', purchase: id, products: [{ key: 'mele', name: 'Mele', unit: 'kg', priceCents: 250 }] })
  s.do(anna, { type: 'Book', member: people[0].id, purchase: id, lines: [{ product: 'mele', qtyMilli: 4000 }] })
  s.do(anna, { type: 'AddCost', purchase: id, label: 'sconto', cents: 600, split: 'equal', discount: true })
  s.do(anna, { type: 'Book', member: people[0].id, purchase: id, lines: [{ product: 'mele', qtyMilli: 1000 }] })
  s.do(anna, { type: 'Book', member: people[0].id, purchase: id, lines: [{ product: 'mele', qtyMilli: 4000 }] })
  for (const body of [{ type: 'CloseBookings' }, { type: 'ApproveCommitment', member: people[0].id }, { type: 'VoteClosePurchase' }, { type: 'ClosePurchase' }]) s.do(anna, { ...body, purchase: id } as Parameters<Season['do']>[1])
  t.alike([paid(id), costsBorne(s.state.purchases.get(id)!)], [400, -600], 'the discount kept through the cut counts whole: 10,00 of apples paid with 4,00')
})

test('statement CSV: a shared cost that gives credit back reads as a discount in Italian, as the CLI shows it; English keeps the code', (t) => {
  const line = (deltaCents: number): StatementLine => ({ actId: 'ab'.repeat(32) as ActId, kind: 'cost', deltaCents, balanceCents: 1000 + deltaCents, final: true, timeMs: null, purchaseName: 'Cascina', counterpartName: null, reason: 'Sconto' })
  const it = statementCsv([line(-250), line(200)], 'it').trim().split('\n')
  t.alike(it.slice(1).map((l) => l.split(';')[1]), ['costo ripartito', 'sconto ripartito'])
  t.alike(statementCsv([line(200)], 'en').trim().split('\n')[1].split(',')[1], 'cost', 'the English code for scripts')
  // A label, product or name that starts like a formula is text to a spreadsheet; amounts stay numbers.
  const formula = { ...line(-250), purchaseName: '=HYPERLINK("http://x")', reason: '@SUM(A1)' }
  const row = statementCsv([formula], 'it').trim().split('\n')[1]
  t.ok(row.includes(`"'=HYPERLINK(""http://x"")"`) && row.includes("'@SUM(A1)") && row.includes(';-2,50;'), `a formula becomes text: ${row}`)
  // A name signed elsewhere with a right-to-left override: the row is not turned around, and the
  // override does not hide a formula from the check.
  const hidden = statementCsv([{ ...line(-250), purchaseName: '\u202e=1+2', reason: '\u202eatraM' }], 'it').trim().split('\n')[1]
  t.absent(/[\u202a-\u202e\u2066-\u2069]/.test(hidden), `no control of direction: ${JSON.stringify(hidden)}`)
  t.ok(hidden.includes("'=1+2"), `the formula behind the override becomes text: ${hidden}`)
})

test('a shared discount reads as a discount in the journal and gives back in the archive CSV', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-discount-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  cli(dir, 'member', 'add', 'Bruno', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'deposit', 'Bruno', '50')
  const list = path.join(dir, 'listino.csv')
  fs.writeFileSync(list, 'nome;prezzo;unità\nMiele;6,50;vasetto\n')
  cli(dir, 'purchase', 'open', 'Cascina', '--catalogue', list)
  const priced = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'set-price', 'Cascina', 'miele', '6,50'], { encoding: 'utf8' })
  t.ok(priced.startsWith('Nuovo prezzo di Miele in "Cascina": 6,50 €'), `a new price says which product and what price: ${priced}`)
  t.ok(execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'log'], { encoding: 'utf8' }).includes('Nuovo prezzo di Miele in "Cascina": 6,50 €'), 'so does the journal')
  cli(dir, 'book', 'Bruno', 'Cascina', 'miele=2')
  cli(dir, 'cost', 'Cascina', 'Sconto', '1,30', '--discount')
  cli(dir, 'cost', 'Cascina', 'Trasporto', '2')
  const journal = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'log'], { encoding: 'utf8' })
  t.ok(journal.includes('Sconto di 1,30 € ripartito su "Cascina"') && journal.includes('Costo di 2,00 € ripartito su "Cascina"'), `a discount is no cost in the journal: ${journal}`)
  const rows = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'export', '--csv'], { encoding: 'utf8' }).trim().split('\n')
  t.ok(rows.some((r) => /;AddCost;Anna;;;Cascina;-1,30;/.test(r)) && rows.some((r) => /;AddCost;Anna;;;Cascina;2,00;/.test(r)), `the archive tells them apart by the sign: ${rows.filter((r) => r.includes('AddCost')).join(' / ')}`)
  t.ok(rows.some((r) => /;Book;Anna;Bruno;;Cascina;13,00;/.test(r)), `a booking's row says what it took from the credit: ${rows.filter((r) => r.includes(';Book;')).join(' / ')}`)
  // A period that starts while Bruno's booking is open: its start balances with the commitments.
  const r = cli(dir, 'report', '--from', '2999-01-01 10:30', '--to', '2999-02-01') as Row
  t.alike([r.creditsStartCents, r.openCommitmentsStartCents, r.cash[0].startCents], [5000 - 1370, 1370, 5000], 'credits + open commitments = cash at the start too')
  const text = execFileSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'report', '--from', '2999-01-01 10:30', '--to', '2999-02-01'], { encoding: 'utf8' })
  t.ok(text.startsWith('rendiconto dal 2999-01-01 10:30 al 2999-02-01 '), `the period as typed, with its time: ${text.split('\n')[0]}`)
  t.ok(text.includes('inizio: crediti 36,30 € + impegni aperti 13,70 € = cassa 50,00 €'), 'and the start\'s balance')
})

test('report: totals past the largest exact amount are refused, not rounded (SPEC §4)', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-report-big-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  cli(dir, 'member', 'add', 'Giulia', String(cli(dir, 'keygen', '--out', path.join(dir, 'g.json')).publicKey))
  // Each act within the limit (the credit goes back to 0 between them); their sum is not.
  for (const e of ['90071992547000', '90071992547000,01']) {
    cli(dir, 'deposit', 'Giulia', e)
    cli(dir, 'withdraw', 'Giulia', e)
  }
  const r = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'en', 'report'], { encoding: 'utf8' })
  t.is(r.status, 1)
  t.ok(r.stderr.startsWith('error AMOUNT_OVERFLOW'), `said, not shown with cents lost: ${r.stderr}`)
})
