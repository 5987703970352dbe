// SPEC §4.5 Dates, issue 16 item 3: a purchase's deadline and delivery day (SetDates), and the
// owner's node closing the bookings itself at the deadline while it runs (a real node on a real
// Corestore); the fold never reads a clock, so only the owner's node acts, with an ordinary act.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type { PurchaseId } from '../src/ids.js'
import { it } from '../src/cli/messages-it.js'
import { DeadlineKeeper, dueClosings, nextDeadline } from '../src/node/deadlines.js'
import { GasNode } from '../src/node/node.js'
import { parseDate, parsePeriodEnd } from '../src/cli/commands/orders.js'
import { Season } from './helpers/fixtures.js'

test('SetDates: the owner sets them; due and next deadlines are read from the state and a clock', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const p = s.open(s.founder, 'Formaggi')
  t.is(s.do(bruno, { type: 'SetDates', purchase: p, closesAtMs: 5000, deliveryAtMs: 9000 }), 'NOT_OWNER')
  t.is(s.do(s.founder, { type: 'SetDates', purchase: p, closesAtMs: 5000, deliveryAtMs: 9000 }), 'applied')
  const v = { state: s.state } as never
  t.alike(dueClosings(v, s.founder.id, 6000), [p], 'a free-amount purchase closes its commitments at the deadline too (SPEC §4.5)')
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890 }] })
  t.alike(dueClosings(v, s.founder.id, 4999), [])
  t.is(nextDeadline(v, s.founder.id, 4999), 5000)
  t.alike(dueClosings(v, s.founder.id, 5000), [p])
  t.alike(dueClosings(v, bruno.id, 6000), [], 'only the owner\'s node closes')
  s.do(s.founder, { type: 'SetDates', purchase: p, closesAtMs: 0, deliveryAtMs: 0 })
  t.absent(s.state.purchases.get(p)!.dates, 'cleared')
})

test('the owner\'s node closes the bookings at the deadline, with an act of its own', { timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-deadline-'))
  const node = await GasNode.open({ dir, createIdentity: true })
  t.teardown(async () => { await node.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  await node.createGroup('Deadline', 'Anna')
  const open = await node.submit({ type: 'OpenPurchase', name: 'Formaggi' })
  const p = open.id as PurchaseId
  await node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890 }] })
  await node.submit({ type: 'SetDates', purchase: p, closesAtMs: Date.now() + 400, deliveryAtMs: 0 })
  const lines: string[] = []
  const said: string[] = []
  const keeper = new DeadlineKeeper(node, (line) => { lines.push(line.text); said.push(((it as { [key: string]: string })[line.key] ?? '').replace('{{name}}', String(line.vars.name))) })
  t.teardown(() => keeper.stop())
  t.is(node.requireView().state.purchases.get(p)!.order!.bookingsOpen, true, 'open before the deadline')
  const end = Date.now() + 40_000
  while (node.requireView().state.purchases.get(p)!.order!.bookingsOpen && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50))
  t.is(node.requireView().state.purchases.get(p)!.order!.bookingsOpen, false, 'closed at the deadline')
  t.alike(lines, ['bookings of "Formaggi" closed at their deadline'], 'and said so once')
  t.alike(said, ['prenotazioni di "Formaggi" chiuse alla scadenza'], 'in the words of the user\'s language')
  const last = node.requireView().log[node.requireView().log.length - 1]
  t.is(last.act?.body.type, 'CloseBookings', 'an ordinary act in the log')
})

test('the deadline passing between two readings of the clock still closes the bookings', { timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-deadline-tick-'))
  const node = await GasNode.open({ dir, createIdentity: true })
  t.teardown(async () => { await node.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  await node.createGroup('Deadline', 'Anna')
  const p = (await node.submit({ type: 'OpenPurchase', name: 'Formaggi' })).id as PurchaseId
  await node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890 }] })
  const closes = Date.now() + 60_000
  await node.submit({ type: 'SetDates', purchase: p, closesAtMs: closes, deliveryAtMs: 0 })
  while (node.view?.state.purchases.get(p)?.dates === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 200)) // no refresh left to wake the keeper
  // A clock a millisecond before the deadline when first read, past it from then on (a timer that
  // fired a millisecond early, or a pause between two readings).
  let reads = 0
  const clock = (): number => (reads++ === 0 ? closes - 1 : closes + 5)
  const lines: string[] = []
  const keeper = new DeadlineKeeper(node, (line) => lines.push(line.text), clock)
  t.teardown(() => keeper.stop())
  const end = Date.now() + 5_000
  while (lines.length === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
  t.alike(lines, ['bookings of "Formaggi" closed at their deadline'], 'closed, the next reading of the clock being past the deadline')
})

test('dates typed at the command line', (t) => {
  const d = new Date(parseDate('2026-12-05', true))
  t.alike([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()], [2026, 11, 5, 23, 59], 'a deadline day ends at 23:59')
  t.is(new Date(parseDate('2026-12-05 18:00', true)).getHours(), 18)
  t.is(new Date(parseDate('2026-12-06', false)).getHours(), 0, 'a delivery day starts at 0:00')
  t.is(parseDate('5/12/2026', true), parseDate('2026-12-05', true), 'day first, as Italians write it')
  t.is(parseDate('05.12.2026 18:00', false), parseDate('2026-12-05 18:00', false))
  for (const no of ['12/31/2026', '5/12-2026', '5/12/26', '2026/12/05']) t.exception(() => parseDate(no, false), /BAD_ARGUMENT/, `${no}: no such date, or not a form read`)
  for (const no of ['2026-13-01', '2026-11-31', '2026-02-29', '2026-12-05 24:00', '2026-12-05 18:60']) t.exception(() => parseDate(no, false), /BAD_ARGUMENT/, `${no} does not exist`)
  t.is(new Date(parseDate('2028-02-29', false)).getDate(), 29, 'a leap day does')
  // A report's end takes in the whole last minute: acts carry times to the millisecond.
  t.is(parsePeriodEnd('2026-12-31'), new Date(2027, 0, 1).getTime() - 1, '--to a day: up to its last millisecond (a deposit at 23:59:30 is in it)')
  t.is(parsePeriodEnd('03/12/2026 07:59'), new Date(2026, 11, 3, 8, 0).getTime() - 1, '--to a time: its whole minute, as listings show 07:59:40')
  t.is(parsePeriodEnd('2026-12-31') + 1, parseDate('2027-01-01', false), 'one period ends where the next --from begins: no act is in neither')
  // The night the clocks go forward in Rome: 02:30 does not exist; a day alone is still a day.
  const tz = process.env.TZ
  process.env.TZ = 'Europe/Rome'
  try {
    t.exception(() => parseDate('2026-03-29 02:30', false), /BAD_ARGUMENT: 2026-03-29 02:30 does not exist in this time zone: the clocks go forward then \(it is 03:30\)/)
    t.is(new Date(parseDate('2026-03-29', false)).getDate(), 29, 'a day alone on that night')
    t.is(new Date(parseDate('2026-03-29 03:30', false)).getHours(), 3)
  } finally {
    if (tz === undefined) delete process.env.TZ
    else process.env.TZ = tz
  }
})
