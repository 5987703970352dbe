// SPEC §4.6, issue 17 item 1: transfers between members with consent, and credit limits voted by
// the admins — every code, invariant 2 with an overdraft (checked after every act by the Season
// harness), the ceiling on deposits and incoming transfers, statements showing only completed
// transfers; and the same through the CLI on a real data directory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type { ActBody } from '../src/acts/types.js'
import type { ActId } from '../src/ids.js'
import { Season } from './helpers/fixtures.js'
import { refusalDetails } from '../src/fold/refusal.js'
import { spawnSync } from 'node:child_process'
import { BIN, NODE_FLAGS, cli } from '../examples/procs.js'
import { pickTransfer } from '../src/api/transfer-views.js'
import type { HypergasError } from '../src/errors.js'

test('transfers: asked by the payer or (an invoice) the payee, moved only when the other side accepts', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  const dario = s.register('Dario')
  s.do(s.founder, { type: 'Deposit', member: bruno.id, cents: 2000 })
  const pay = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 500, memo: 'uova' })
  t.is(s.fold(pay), 'applied')
  t.is(s.credit(bruno), 2000, 'nothing moves while pending')
  t.is(s.do(dario, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 1, memo: '' }), 'NOT_AUTHORIZED', 'a third member cannot ask')
  t.is(s.do(bruno, { type: 'Transfer', from: bruno.id, to: bruno.id, cents: 1, memo: '' }), 'SAME_MEMBER')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: pay.id }), 'NOT_AUTHORIZED', 'the payer who asked cannot accept it')
  t.alike(refusalDetails(s.state, { type: 'AcceptTransfer', transfer: pay.id }, 'NOT_AUTHORIZED', bruno.id), { variant: 'initiator' }, 'and is told the other side accepts')
  t.alike(refusalDetails(s.state, { type: 'AcceptTransfer', transfer: pay.id }, 'INSUFFICIENT_CREDIT', carla.id), { variant: 'payer' }, 'the payee of a transfer the payer cannot cover: none of the payer\'s figures')
  t.is(refusalDetails(s.state, { type: 'AcceptTransfer', transfer: pay.id }, 'NOT_AUTHORIZED', dario.id).variant, undefined, 'a third member is told it is not theirs')
  const toAnna = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: s.founder.id, cents: 5000, memo: 'quota' })
  t.is(s.fold(toAnna), 'applied')
  t.alike(refusalDetails(s.state, { type: 'AcceptTransfer', transfer: toAnna.id }, 'INSUFFICIENT_CREDIT', s.founder.id), { member: 'Bruno', creditCents: 2000, neededCents: 5000 }, 'a payee who is an admin, who reads every credit, is given the payer\'s figures')
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: pay.id }), 'applied')
  t.alike(refusalDetails(s.state, { type: 'CancelTransfer', transfer: pay.id }, 'NO_PENDING_TRANSFER', bruno.id), { variant: 'completed' }, 'a cancel of a transfer already accepted says so')
  t.alike([s.credit(bruno), s.credit(carla)], [1500, 500])
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: pay.id }), 'NO_PENDING_TRANSFER', 'once')
  t.is(s.do(dario, { type: 'AcceptTransfer', transfer: pay.id }), 'NOT_AUTHORIZED', 'who before what: a stranger is not told the transfer is done')
  t.is(refusalDetails(s.state, { type: 'Withdraw', member: dario.id, cents: 100, reason: '' }, 'INSUFFICIENT_CREDIT').variant, 'withdrawNone', 'cash with no credit at all: its own words')
  t.is(s.do(dario, { type: 'CancelTransfer', transfer: pay.id }), 'NOT_AUTHORIZED')
  t.is(s.do(carla, { type: 'CancelTransfer', transfer: pay.id }), 'NO_PENDING_TRANSFER', 'a party is')
  // An invoice: Carla asks Bruno for 2000; he has 1500.
  const invoice = s.sign(carla, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 2000, memo: 'cassetta' })
  s.fold(invoice)
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: invoice.id }), 'INSUFFICIENT_CREDIT', 'prepaid only by default')
  t.is(s.do(dario, { type: 'CancelTransfer', transfer: invoice.id }), 'NOT_AUTHORIZED')
  t.is(s.do(bruno, { type: 'CancelTransfer', transfer: invoice.id }), 'applied', 'refused by the payer')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: invoice.id }), 'NO_PENDING_TRANSFER')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: 'ab'.repeat(32) as ActId }), 'NO_PENDING_TRANSFER')
  t.alike(s.state.statements.get(carla.id)!.map((m) => [m.kind, m.deltaCents, m.counterpart]), [['transfer-in', 500, bruno.id]], 'only completed transfers in statements')
  // An admin who invoices a member is a party, not the member's agent: the member consents.
  const own = s.sign(s.founder, { type: 'Transfer', from: bruno.id, to: s.founder.id, cents: 1000, memo: 'nothing' })
  t.is(s.fold(own), 'applied')
  t.is(s.state.transfers.get(own.id)!.initiator, s.founder.id, 'a transfer to its admin author is the admin\'s own invoice')
  t.is(s.do(s.founder, { type: 'AcceptTransfer', transfer: own.id }), 'NOT_AUTHORIZED', 'the admin who asked for it cannot accept it for the payer')
  t.alike(refusalDetails(s.state, { type: 'AcceptTransfer', transfer: own.id }, 'NOT_AUTHORIZED', s.founder.id), { variant: 'initiator' }, 'and is told the other side accepts')
  t.is(s.credit(bruno), 1500, 'nothing moved')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: own.id }), 'applied', 'the payer does')
  t.is(s.credit(bruno), 500)
  // An admin paying a member is the initiator too.
  const gift = s.sign(s.founder, { type: 'Transfer', from: s.founder.id, to: dario.id, cents: 100, memo: '' })
  s.fold(gift)
  t.is(s.do(s.founder, { type: 'AcceptTransfer', transfer: gift.id }), 'NOT_AUTHORIZED', 'nor accept their own payment')
  // An admin acting at the counter for a payer (neither party) may accept for the payee.
  const counter = s.sign(s.founder, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 100, memo: '' })
  s.fold(counter)
  t.is(s.do(s.founder, { type: 'AcceptTransfer', transfer: counter.id }), 'applied', 'an admin on both parties\' behalf, at the counter')
})

test('limits: an overdraft lets credit go below zero, a ceiling caps deposits and incoming transfers', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  t.is(s.do(bruno, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 1000, ceilingCents: 0 }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 1000, ceilingCents: 0 }), 'applied')
  t.alike(s.state.limits.get(bruno.id), { overdraftCents: 1000, ceilingCents: null }, 'one admin: quorum at once')
  const x = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 800, memo: '' })
  s.fold(x)
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: x.id }), 'applied')
  t.is(s.credit(bruno), -800, 'below zero, within the overdraft')
  const y = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 300, memo: '' })
  s.fold(y)
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: y.id }), 'INSUFFICIENT_CREDIT', 'not past it')
  s.do(s.founder, { type: 'VoteSetLimits', member: carla.id, overdraftCents: 0, ceilingCents: 1000 })
  t.is(s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 300 }), 'ABOVE_CEILING', '800 + 300 > 1000')
  t.is(s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 200 }), 'applied')
  t.is(s.do(s.founder, { type: 'Withdraw', member: bruno.id, cents: 300, reason: '' }), 'INSUFFICIENT_CREDIT')
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: bruno.id }), 'MEMBER_HAS_FUNDS', 'a member who owes cannot be removed')
  t.is(refusalDetails(s.state, { type: 'VoteRemoveMember', member: bruno.id }, 'MEMBER_HAS_FUNDS').variant, 'owes', 'and the message asks for a deposit, not a withdrawal')
  t.is(refusalDetails(s.state, { type: 'VoteRemoveMember', member: carla.id }, 'MEMBER_HAS_FUNDS').variant, undefined, 'a member in credit: a withdrawal')
})

test('limits the credit already breaks are refused; the ceiling counts the open bookings, so no refund passes it; a removed member comes back prepaid and unlisted', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  s.do(s.founder, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 1000, ceilingCents: 0 })
  const x = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 800, memo: '' })
  s.fold(x)
  s.do(carla, { type: 'AcceptTransfer', transfer: x.id })
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 500, ceilingCents: 0 }), 'INSUFFICIENT_CREDIT', 'Bruno is at −800: an overdraft of 500 is refused until he pays back')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: bruno.id, overdraftCents: 800, ceilingCents: 0 }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: carla.id, overdraftCents: 0, ceilingCents: 500 }), 'ABOVE_CEILING', 'Carla holds 800')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: carla.id, overdraftCents: 0, ceilingCents: 1500 }), 'applied')
  // The ceiling bounds the credit plus the open bookings (SPEC §4.6 and invariant 2): whatever
  // comes back from a booking, withdrawn or failed, stays under it.
  const p = s.open(s.founder, 'Apicoltura')
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [{ key: 'miele', name: 'Miele', unit: 'vasetto', priceCents: 650 }] })
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'miele', qtyMilli: 1000 }] }), 'applied')
  const deposit: ActBody = { type: 'Deposit', member: carla.id, cents: 1000 }
  t.is(s.do(s.founder, deposit), 'ABOVE_CEILING', '150 of credit + 650 booked + 1000 = 1800, above 1500')
  t.alike(refusalDetails(s.state, deposit, 'ABOVE_CEILING'), { member: 'Carla', creditCents: 150, neededCents: 1000, ceilingCents: 1500, commitmentCents: 650, variant: 'ceilingBooked' }, 'the booking that may come back is among the figures')
  t.is(s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 700 }), 'applied', '150 + 650 + 700 = 1500')
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [] }), 'applied', 'a withdrawn booking comes back within the ceiling')
  t.is(s.credit(carla), 1500)
  t.is(s.do(carla, { type: 'Book', member: carla.id, purchase: p, lines: [{ product: 'miele', qtyMilli: 2000 }] }), 'applied', 'a larger one takes credit')
  t.is(s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 1 }), 'ABOVE_CEILING', 'with 1300 booked, 200 of credit is all the room there is')
  const lower: ActBody = { type: 'VoteSetLimits', member: carla.id, overdraftCents: 0, ceilingCents: 1000 }
  t.is(s.do(s.founder, lower), 'ABOVE_CEILING', 'a lower ceiling than the credit and the bookings together')
  t.alike(refusalDetails(s.state, lower, 'ABOVE_CEILING'), { member: 'Carla', creditCents: 200, ceilingCents: 1000, commitmentCents: 1300, variant: 'limitsBooked' })
  s.do(s.founder, { type: 'VoteFailPurchase', purchase: p })
  t.is(s.do(s.founder, { type: 'FailPurchase', purchase: p }), 'applied')
  t.is(s.credit(carla), 1500, 'the failed purchase refunds her up to the ceiling and no further')
  // Removed, then registered again: the limits and the listing of before are gone.
  const dario = s.register('Dario')
  s.do(s.founder, { type: 'VoteSetLimits', member: dario.id, overdraftCents: 5000, ceilingCents: 9000 })
  s.do(dario, { type: 'SetListing', member: dario.id, offers: ['uova'], wants: [] })
  const owed = s.sign(carla, { type: 'Transfer', from: dario.id, to: carla.id, cents: 100, memo: '' })
  s.fold(owed)
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: dario.id }), 'applied')
  t.absent(s.state.limits.has(dario.id) || s.state.listings.has(dario.id), 'no limits, no listing kept for a member who left')
  t.is(s.state.transfers.get(owed.id)!.status, 'cancelled', 'an invoice to him ends with him')
  s.register('Dario')
  t.is(s.do(s.founder, { type: 'Withdraw', member: dario.id, cents: 3000, reason: '' }), 'INSUFFICIENT_CREDIT', 'back as a new member: prepaid only')
})

test('a vote about a removed member does not carry over to the member registered again', (t) => {
  const s = new Season()
  const bea = s.register('Bea')
  s.do(s.founder, { type: 'VoteElectReferente', member: bea.id }) // 2 admins: quorum 1
  const caio = s.register('Caio')
  s.do(s.founder, { type: 'VoteElectCassiere', member: caio.id }) // 3 admins: quorum 2
  const dario = s.register('Dario', [s.founder, bea])
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: dario.id, overdraftCents: 5000, ceilingCents: 0 }), 'applied', 'one vote of two')
  s.do(s.founder, { type: 'VoteRemoveMember', member: dario.id })
  t.is(s.do(bea, { type: 'VoteRemoveMember', member: dario.id }), 'applied')
  s.register('Dario', [s.founder, bea])
  t.is(s.do(caio, { type: 'VoteSetLimits', member: dario.id, overdraftCents: 5000, ceilingCents: 0 }), 'applied')
  t.absent(s.state.limits.has(dario.id), 'Caio\'s vote is the first of a new tally, not the second of the old one')
})

test('transfers and limits from the CLI', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-transfers-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  const b = cli(dir, 'keygen', '--out', path.join(dir, 'bruno.json'))
  const c = cli(dir, 'keygen', '--out', path.join(dir, 'carla.json'))
  cli(dir, 'member', 'add', 'Bruno', String(b.publicKey))
  cli(dir, 'member', 'add', 'Carla', String(c.publicKey))
  cli(dir, 'deposit', 'Bruno', '10')
  const r = cli(dir, 'transfer', 'Bruno', 'Carla', '4,50', '--memo', 'uova', '--key', path.join(dir, 'bruno.json'))
  const accepted = cli(dir, 'accept', String(r.actId).slice(0, 10), '--key', path.join(dir, 'carla.json'))
  t.alike(accepted.member, { id: c.publicKey, name: 'Carla', creditCents: 450, confirmedCreditCents: 450 }, 'the payee who accepts reads their own credit after it, nothing of the payer\'s')
  t.alike([cli(dir, 'balance', 'Bruno').creditCents, cli(dir, 'balance', 'Carla').creditCents], [550, 450])
  const statement = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'statement', 'Carla'], { encoding: 'utf8' }).stdout
  t.ok(statement.includes('trasferimento da Bruno (uova)'), `the statement names the payer and the memo: ${statement}`)
  const journal = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'log'], { encoding: 'utf8' }).stdout
  t.ok(journal.includes('Trasferimento di 4,50 € da Bruno a Carla (da accettare)') && journal.includes('Trasferimento di 4,50 € da Bruno a Carla accettato'), `the journal names payer, payee and amount, also of the acceptance: ${journal}`)
  t.absent(journal.includes('{{'), 'no placeholder left')
  const rows = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'export', '--csv'], { encoding: 'utf8' }).stdout.trim().split('\n')
  t.is(rows[0], 'n;data;atto;tipo;autore;riguarda;beneficiario;acquisto;importo_eur;esito;stato;descrizione')
  t.ok(rows.some((r) => /;AcceptTransfer;Carla;Bruno;Carla;;4,50;applicato;.*;Trasferimento di 4,50 € da Bruno a Carla accettato$/.test(r)), 'the archive names payer, payee and amount of an acceptance, and says it in Italian beside the type\'s code')
  cli(dir, 'limit', 'Carla', '--overdraft', '5')
  const ceiling = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'limit', 'Carla', '--ceiling', '300'], { encoding: 'utf8' }).stdout
  t.ok(ceiling.includes('limiti votati: scoperto 5,00 €, tetto 300,00 €'), `the receipt says the limits voted: ${ceiling}`)
  t.alike(cli(dir, 'balance', 'Carla').limits, { overdraftCents: 500, ceilingCents: 30_000 }, 'a ceiling alone keeps the overdraft voted before')
  cli(dir, 'limit', 'Carla', '--overdraft', '5')
  t.alike(cli(dir, 'balance', 'Carla').limits, { overdraftCents: 500, ceilingCents: 30_000 }, 'and an overdraft alone keeps the ceiling (it used to lift it)')
  cli(dir, 'limit', 'Carla', '--ceiling', '0')
  const x = cli(dir, 'transfer', 'Carla', 'Bruno', '8')
  const byAdmin = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'en', 'accept', String(x.actId)], { encoding: 'utf8' })
  t.ok(byAdmin.stdout.includes('Carla\'s credit: -€3.50'), `an accepted transfer answers with the payer's balance after: ${byAdmin.stdout.trim()}`)
  t.is(cli(dir, 'balance', 'Carla').creditCents, -350, 'Carla owes 3,50 within her 5 € overdraft')
  const smaller = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'en', 'limit', 'Carla', '--overdraft', '1'], { encoding: 'utf8' })
  t.is(smaller.status, 1)
  t.is(smaller.stderr.trim(), 'error INSUFFICIENT_CREDIT: Carla has -€3.50 of credit, below that overdraft: €2.50 must come back first', 'an overdraft she is already past: refused, with what must come back')
  t.ok((cli(dir, 'status').group as { totals: { hold: boolean } }).totals.hold, 'credits + open commitments = cash')
  const asked = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'en', 'transfer', 'Bruno', 'Carla', '1'], { encoding: 'utf8' })
  const id = /hypergas accept ([0-9a-f]{8}) /.exec(asked.stdout)?.[1]
  t.ok(id !== undefined, `the receipt says how to accept it: ${asked.stdout.trim().split('\n').at(-1)}`)
  t.is(cli(dir, 'cancel', id ?? 'none').status, 'applied', 'and the id it prints is the transfer\'s')
  const again = cli(dir, 'transfer', 'Bruno', 'Carla', '1', '--key', path.join(dir, 'bruno.json'))
  const byPayee = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'en', 'accept', String(again.actId), '--key', path.join(dir, 'carla.json')], { encoding: 'utf8' }).stdout
  t.ok(byPayee.includes('from Bruno to Carla'), `the payee's receipt names the payer as payer: ${byPayee.trim()}`)
  const cancel = (lang: string, key: string): string => spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', lang, 'cancel', String(cli(dir, 'transfer', 'Bruno', 'Carla', '1', '--key', path.join(dir, 'bruno.json')).actId), '--key', path.join(dir, key)], { encoding: 'utf8' }).stdout
  t.ok(cancel('en', 'carla.json').startsWith('Transfer of €1.00 from Bruno to Carla refused'), 'the payee refuses')
  t.ok(cancel('it', 'bruno.json').startsWith('Trasferimento di 1,00 € da Bruno a Carla ritirato'), 'the payer withdraws')
  const cancelled = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'log'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('Trasferimento di 1,00 € da Bruno a Carla'))
  t.ok(cancelled.some((l) => l.includes('rifiutato')) && cancelled.some((l) => l.includes('ritirato')), `the journal says refused and withdrawn as the receipts did: ${cancelled.join(' / ')}`)
  // The ceiling bounds the credit plus the open commitments (SPEC §4.6, invariant 2): a refund
  // never passes it, and the refusals give the figures.
  cli(dir, 'purchase', 'open', 'Pane')
  cli(dir, 'commit', 'Bruno', '5', 'Pane')
  const twice = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'it', 'commit', 'Bruno', '1', 'Pane'], { encoding: 'utf8' }).stdout
  t.ok(twice.includes('impegno totale su questo acquisto: 6,00 €'), `a second commit adds to the first, and says the total: ${twice}`)
  const run = (lang: string, ...args: string[]): string => spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', lang, ...args], { encoding: 'utf8' }).stderr.trim()
  t.is(run('it', 'limit', 'Bruno', '--ceiling', '8'), 'errore ABOVE_CEILING: Bruno ha 6,50 € di credito e 6,00 € prenotati negli acquisti aperti, che possono tornargli: insieme superano quel tetto, prima devono scendere', 'a ceiling below the credit and the commitment together')
  cli(dir, 'limit', 'Bruno', '--ceiling', '13')
  t.is(run('en', 'deposit', 'Bruno', '1,50'), 'error ABOVE_CEILING: Bruno has €6.50 of credit and €6.00 booked in open purchases, which may come back to it: €1.50 more would pass the ceiling of €13.00')
  cli(dir, 'deposit', 'Bruno', '0,50')
  cli(dir, 'reject', 'Bruno', 'Pane')
  t.is(cli(dir, 'balance', 'Bruno').creditCents, 1300, 'the refund takes Bruno to his 13 € ceiling, no further')
  const invoice = cli(dir, 'transfer', 'Carla', 'Bruno', '1', '--key', path.join(dir, 'bruno.json'))
  t.is(run('en', 'accept', String(invoice.actId), '--key', path.join(dir, 'carla.json')), 'error ABOVE_CEILING: the payee cannot receive this much: their credit would pass the ceiling the admins set for them', 'the payer accepting is not told the payee\'s figures')
  t.is(run('en', 'accept', String(invoice.actId)), 'error ABOVE_CEILING: Bruno has €13.00 of credit: €1.00 more would pass the ceiling of €13.00', 'an admin is')
  t.is(cli(dir, 'balance', 'Carla').creditCents, -250, 'nothing moved')
  t.is(run('en', 'withdraw', 'Carla', '1'), 'error INSUFFICIENT_CREDIT: Carla has -€2.50 of credit: no cash can be given back', 'a member who owes is given no cash')
})

test('an overdraft granted by the admins\' vote lets a member book beyond their credit, up to the limit and not further', (t) => {
  const s = new Season()
  const b = s.register('Bruno')
  const c = s.register('Carla')
  const marta = s.register('Marta')
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: b.id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: c.id }), 'applied')
  t.is(s.state.admins.size, 3, 'three admins: a vote needs two')
  t.is(s.do(s.founder, { type: 'Deposit', member: marta.id, cents: 1000 }), 'applied')
  const p = s.open(s.founder, 'Miele')
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [{ key: 'miele', name: 'Miele', unit: 'vasetto', priceCents: 400 }] })
  const book = (units: number): string => s.do(marta, { type: 'Book', purchase: p, member: marta.id, lines: [{ product: 'miele', qtyMilli: units * 1000 }] })
  t.is(book(3), 'INSUFFICIENT_CREDIT', '12 € of honey on 10 € of credit: no')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: marta.id, overdraftCents: 500, ceilingCents: 0 }), 'applied')
  t.is(s.state.limits.get(marta.id), undefined, 'one vote of three admins: not yet')
  t.is(book(3), 'INSUFFICIENT_CREDIT')
  t.is(s.do(b, { type: 'VoteSetLimits', member: marta.id, overdraftCents: 500, ceilingCents: 0 }), 'applied')
  t.alike(s.state.limits.get(marta.id), { overdraftCents: 500, ceilingCents: null }, 'the second vote grants it')
  t.is(book(3), 'applied', '12 € booked: 2 € into the overdraft')
  t.is(s.credit(marta), -200)
  t.is(book(4), 'INSUFFICIENT_CREDIT', '16 € would pass the 5 € overdraft')
  t.is(s.credit(marta), -200, 'and nothing changed')
})

test('a transfer is named by the first 4 characters of its code or more, in any case', (t) => {
  const ids = ['6b3f' + '0'.repeat(60), '6b40' + '1'.repeat(60), 'abcd' + '2'.repeat(60)]
  t.is(pickTransfer(ids, 'ABCD'), ids[2])
  t.is(pickTransfer(ids, ` ${ids[0]} `), ids[0], 'whole, spaces around')
  const code = (ref: string): string | undefined => { try { pickTransfer(ids, ref); return undefined } catch (err) { return `${(err as HypergasError).code} ${(err as HypergasError).details?.variant ?? ''}` } }
  t.is(code('6b3'), 'NOT_FOUND transferShortId', 'three characters: told to type four')
  t.is(code('6b'), 'NOT_FOUND transferShortId')
  t.is(code('6b4f'), 'NOT_FOUND transfer', 'none starts so')
  t.is(code('zzzz'), 'NOT_FOUND transfer', 'not a code')
})
