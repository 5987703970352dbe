// SPEC §4.6, issue 17 item 1: transfers between members with consent, and credit limits voted by
// the admins — every code, invariant 2 with an overdraft (checked after every act by the Season
// harness), the ceiling on deposits and incoming transfers, statements showing only completed
// transfers; and the same through the CLI on a real data directory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type { ActId } from '../src/ids.js'
import { Season } from './helpers/fixtures.js'
import { cli } from '../examples/procs.js'

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
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: pay.id }), 'applied')
  t.alike([s.credit(bruno), s.credit(carla)], [1500, 500])
  t.is(s.do(carla, { type: 'AcceptTransfer', transfer: pay.id }), 'NO_PENDING_TRANSFER', 'once')
  // An invoice: Carla asks Bruno for 2000; he has 1500.
  const invoice = s.sign(carla, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 2000, memo: 'cassetta' })
  s.fold(invoice)
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: invoice.id }), 'INSUFFICIENT_CREDIT', 'prepaid only by default')
  t.is(s.do(dario, { type: 'CancelTransfer', transfer: invoice.id }), 'NOT_AUTHORIZED')
  t.is(s.do(bruno, { type: 'CancelTransfer', transfer: invoice.id }), 'applied', 'refused by the payer')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: invoice.id }), 'NO_PENDING_TRANSFER')
  t.is(s.do(bruno, { type: 'AcceptTransfer', transfer: 'ab'.repeat(32) as ActId }), 'NO_PENDING_TRANSFER')
  t.alike(s.state.statements.get(carla.id)!.map((m) => [m.kind, m.deltaCents, m.counterpart]), [['transfer-in', 500, bruno.id]], 'only completed transfers in statements')
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
  cli(dir, 'accept', String(r.actId).slice(0, 10), '--key', path.join(dir, 'carla.json'))
  t.alike([cli(dir, 'balance', 'Bruno').creditCents, cli(dir, 'balance', 'Carla').creditCents], [550, 450])
  cli(dir, 'limit', 'Carla', '--overdraft', '5')
  const x = cli(dir, 'transfer', 'Carla', 'Bruno', '8')
  cli(dir, 'accept', String(x.actId))
  t.is(cli(dir, 'balance', 'Carla').creditCents, -350, 'Carla owes 3,50 within her 5 € overdraft')
  t.ok((cli(dir, 'status').group as { totals: { hold: boolean } }).totals.hold, 'credits + open commitments = cash')
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
