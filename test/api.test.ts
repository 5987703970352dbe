// Issue 4 / SPEC §7: every HTTP endpoint, including refused input (bad signature, wrong group,
// oversized body, admin act without token) with the expected code and no change to the log.
// A real node on a real Corestore on disk, requests through fastify's inject.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { GroupId, PurchaseId } from '../src/ids.js'
import { LazyCompilers } from '../src/http/compilers.js'
import { createServer } from '../src/http/server.js'
import { GasNode } from '../src/node/node.js'
import { LocalApi } from '../src/api/api.js'
import { stateHash } from '../src/fold/hash.js'
import { person } from './helpers/fixtures.js'
import { watchEvents } from '../examples/procs.js'

type Row = Record<string, unknown>
const marta = person('api-marta')
const TOKEN = 'test-token'

async function setUp (): Promise<{ node: GasNode, app: ReturnType<typeof createServer>, compilers: LazyCompilers, group: GroupId, purchase: PurchaseId, close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-api-'))
  const node = await GasNode.open({ dir, createIdentity: true })
  const g = await node.createGroup('API', 'Anna')
  await node.submit({ type: 'VoteRegisterMember', name: 'Marta', member: marta.id })
  await node.submit({ type: 'Deposit', member: marta.id, cents: 2000 })
  const open = await node.submit({ type: 'OpenPurchase', name: 'Pane', supplier: 'Forno' })
  const compilers = new LazyCompilers()
  const app = createServer({ node, token: TOKEN, host: '127.0.0.1', compilers })
  return {
    node, app, compilers, group: g.groupId, purchase: open.id as PurchaseId,
    close: async () => { await app.close(); await node.close(); fs.rmSync(dir, { recursive: true, force: true }) }
  }
}

const json = (r: { body: string }): Row => JSON.parse(r.body) as Row

test('read endpoints', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const page = await s.app.inject('/')
  t.is(page.statusCode, 200)
  t.ok(page.headers['content-type']?.toString().startsWith('text/html'))
  const status = json(await s.app.inject('/api/status'))
  t.is((status.group as Row).name, 'API')
  t.ok((status.group as Row).finality !== undefined, 'finality in status')
  const members = JSON.parse((await s.app.inject('/api/members')).body) as Row[]
  t.alike(members.map((m) => m.name), ['Anna', 'Marta'])
  const m = json(await s.app.inject('/api/members/marta'))
  t.is(m.creditCents, 2000)
  t.is(m.confirmedCreditCents, 2000, 'one admin: confirmed at once')
  t.is((m.statement as Row[]).length, 1)
  const purchases = JSON.parse((await s.app.inject('/api/purchases')).body) as Row[]
  t.is(purchases[0].name, 'Pane')
  const p = json(await s.app.inject('/api/purchases/pane'))
  t.is(p.supplier, 'Forno')
  const log = json(await s.app.inject('/api/log?offset=1&limit=2'))
  t.is((log.entries as Row[]).length, 2)
  t.is((log.entries as Row[])[0].seq, 1)
  const missing = await s.app.inject('/api/members/nobody')
  t.is(missing.statusCode, 404)
  t.is((json(missing).error as Row).code, 'NOT_FOUND')
  const badPage = await s.app.inject('/api/log?limit=100000')
  t.is(badPage.statusCode, 400)
  t.is((json(badPage).error as Row).code, 'BAD_REQUEST')
})

test('every route schema of the server builds (as fastify\'s own compilers would check at ready)', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  await s.app.ready()
  t.ok(s.compilers.unbuiltCount > 15, `${s.compilers.unbuiltCount} validators waiting after ready`)
  t.execution(() => { s.compilers.buildAll() }, 'all of them build')
  t.is(s.compilers.unbuiltCount, 0)
})

test('CSV exports: statement and the order for the supplier', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  await s.node.submit({ type: 'Commit', member: marta.id, cents: 1250, purchase: s.purchase })
  const st = await s.app.inject('/api/members/Marta/statement.csv')
  t.ok(st.headers['content-type']?.toString().startsWith('text/csv'))
  const lines = st.body.trim().split('\n')
  t.is(lines[0], 'date,movement,amount_eur,balance_eur,state,act,purchase,note')
  t.ok(/,deposit,20\.00,20\.00,confirmed,/.test(lines[1]), lines[1])
  t.ok(/,commit,-12\.50,7\.50,confirmed,[0-9a-f]{64},Pane,$/.test(lines[2]), `the commitment names its purchase: ${lines[2]}`)
  const order = (await s.app.inject('/api/purchases/Pane/commitments.csv')).body.trim().split('\n')
  t.alike(order, ['member,member_id,amount_eur,status,confirmed_status', `Marta,${marta.id},12.50,pending,pending`, 'TOTAL,,12.50,,'])
  const gdxp = await s.app.inject('/api/purchases/Pane/order.gdxp.json')
  t.alike([gdxp.statusCode, (JSON.parse(gdxp.body) as { error: { code: string } }).error.code], [400, 'BAD_ARGUMENT'], 'a purchase without a catalogue has no GDXP order: said so')
})

test('admin acts: only with the token, never on the strength of the address', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const body = { type: 'Deposit', member: 'Marta', cents: 100 }
  const auth = { authorization: `Bearer ${TOKEN}` }
  const total = (json(await s.app.inject('/api/log')).total as number)
  for (const remoteAddress of ['192.168.1.20', '127.0.0.1']) {
    const refused = await s.app.inject({ method: 'POST', url: '/api/acts', payload: body, remoteAddress, headers: { host: '127.0.0.1:7465' } })
    t.is(refused.statusCode, 401, `no token from ${remoteAddress}`)
    t.is((json(refused).error as Row).code, 'UNAUTHORIZED')
  }
  const wrong = await s.app.inject({ method: 'POST', url: '/api/acts', payload: body, headers: { authorization: `Bearer ${TOKEN}x` } })
  t.is(wrong.statusCode, 401, 'a wrong token')
  t.alike((json(wrong).error as Row).details, { variant: 'token' }, 'said as a wrong token, not as none')
  const withToken = await s.app.inject({ method: 'POST', url: '/api/acts', payload: body, headers: auth })
  t.is(withToken.statusCode, 200)
  t.is(json(await s.app.inject('/api/log')).total, total + 1, 'the refused acts are not in the log')
  const refused = await s.app.inject({ method: 'POST', url: '/api/acts', headers: auth, payload: { type: 'Withdraw', member: 'Marta', cents: 999_999 } })
  t.is((json(refused).error as Row).code, 'INSUFFICIENT_CREDIT', 'a withdrawal without a reason is read with none (refused here for the credit, not the field)')
  const offline = await s.app.inject({ method: 'POST', url: '/api/swarm', headers: auth, payload: { online: false } })
  t.is((json(offline).error as Row).code, 'NOT_RUNNING', 'no swarm to leave')
})

test('member-signed acts: verified before appending; refusals change nothing', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const post = async (act: string): Promise<{ statusCode: number, body: string }> => await s.app.inject({ method: 'POST', url: '/api/acts/signed', payload: { act } })
  const total = (): Promise<number> => s.app.inject('/api/log').then((r) => json(r).total as number)
  const before = await total()
  const commit = createAct({ type: 'Commit', member: marta.id, cents: 500, purchase: s.purchase }, { group: s.group, keyPair: marta, timeMs: Date.now() })

  const forged = Buffer.from(commit.bytes)
  forged[forged.length - 1] ^= 1
  const bad = await post(forged.toString('hex'))
  t.is((json(bad).error as Row).code, 'BAD_SIGNATURE')
  const other = createAct({ type: 'Commit', member: marta.id, cents: 500, purchase: s.purchase }, { group: 'ab'.repeat(32) as GroupId, keyPair: marta, timeMs: Date.now() })
  const wrongGroup = json(await post(other.bytes.toString('hex'))).error as Row
  t.is(wrongGroup.code, 'WRONG_GROUP')
  t.absent(String(wrongGroup.message).includes(String(s.group).slice(0, 8)), `the refusal does not name this group to whoever sent it: ${String(wrongGroup.message)}`)
  const big = await post('ab'.repeat(5000))
  t.is(big.statusCode, 413)
  t.is((json(big).error as Row).code, 'OVERSIZED')
  t.is((json(await post('zz')).error as Row).code, 'BAD_ENCODING')
  t.is(await total(), before, 'nothing appended')

  const ok = await post(commit.bytes.toString('hex'))
  t.is(json(ok).actId, commit.id)
  t.is(await total(), before + 1)
  // A phone that lost the answer sends the act again: it counts once, and the answer is its receipt.
  const again = json(await post(commit.bytes.toString('hex')))
  t.alike([again.actId, again.status], [commit.id, 'applied'], 'the same act again: its receipt')
  t.is(await total(), before + 1, 'counted once')

  // A signed act is taken within 10 minutes of its signature: a refused one posted again later
  // by whoever captured it does not apply once the credit is there (SPEC §8: replayed input).
  const signedAt = (timeMs: number): string => createAct({ type: 'Commit', member: marta.id, cents: 700, purchase: s.purchase }, { group: s.group, keyPair: marta, timeMs }).bytes.toString('hex')
  const old = json(await post(signedAt(Date.now() - 11 * 60_000))).error as Row
  t.alike([old.code, old.details], ['STALE_ACT', { variant: 'old', detail: '11' }], 'signed 11 minutes ago')
  const ahead = json(await post(signedAt(Date.now() + 30 * 60_000))).error as Row
  t.alike([ahead.code, ahead.details], ['STALE_ACT', { variant: 'ahead', detail: '30' }], 'a device\'s clock half an hour ahead')
  t.is(json(await post(signedAt(Date.now() - 9 * 60_000))).status, 'applied', 'nine minutes ago: taken')
  t.is(await total(), before + 2, 'the stale ones appended nothing')
})

test('live updates: an event when the state changes', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  await s.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (s.app.server.address() as { port: number }).port
  const events: Row[] = []
  const watch = await watchEvents(`http://127.0.0.1:${port}`, (data) => events.push(data))
  t.is(watch.contentType, 'text/event-stream')
  const end = Date.now() + 5000
  while (events.length < 1 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
  await s.node.submit({ type: 'Deposit', member: marta.id, cents: 1 })
  while (events.length < 2 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
  await watch.stop()
  t.ok(events.length >= 2, 'the current state, then one update')
  const total = (e: Row): number => (e.acts as { total: number }).total
  t.is(total(events[events.length - 1]), total(events[0]) + 1, 'the update carries the new act counts')
})

test('status: the state hashes of the view of the request (computed in slices); concurrent requests answer the same', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const api = new LocalApi(s.node)
  for (let i = 0; i < 3; i++) {
    await s.node.submit({ type: 'Deposit', member: marta.id, cents: 100 + i })
    const v = s.node.requireView()
    const [a, b] = await Promise.all([api.status(), api.status()])
    t.is(a.group.stateHash, stateHash(v.state), `act ${i + 1}: the hash of the view at the request`)
    t.is(a.group.confirmedStateHash, stateHash(v.confirmed), 'and of its confirmed state')
    t.alike(b.group, a.group, 'a concurrent request answers the same')
  }
  // An act submitted while a status is being answered: the status is of the earlier view.
  const before = s.node.requireView()
  const pending = api.status()
  await s.node.submit({ type: 'Deposit', member: marta.id, cents: 7 })
  const st = await pending
  t.is(st.group.stateHash, stateHash(before.state), 'the view of the request, not a newer one')
  t.is(st.group.acts.total, before.logLength, 'every field of that same view')
})

test('a member\'s booking beyond what the group may still order learns the product, not the others\' bookings', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const cheese = await s.node.submit({ type: 'OpenPurchase', name: 'Formaggi' })
  const p = cheese.id as PurchaseId
  await s.node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 100, availableQtyMilli: 3000 }] })
  const anna = s.node.id
  await s.node.submit({ type: 'Deposit', member: anna, cents: 1000 })
  await s.node.submit({ type: 'Book', member: anna, purchase: p, lines: [{ product: 'toma', qtyMilli: 2000 }] })
  const book = createAct({ type: 'Book', member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1500 }] }, { group: s.group, keyPair: marta, timeMs: Date.now() })
  const refused = json(await s.app.inject({ method: 'POST', url: '/api/acts/signed', payload: { act: book.bytes.toString('hex') } })).error as Row
  t.alike([refused.code, refused.details], ['SOLD_OUT', { variant: 'soldOut', product: 'Toma' }], 'no quantity left is told: it is Anna\'s booking')
  const byAdmin = json(await s.app.inject({ method: 'POST', url: '/api/acts', headers: { authorization: `Bearer ${TOKEN}` }, payload: { type: 'Book', member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1500 }] } })).error as Row
  t.alike([byAdmin.code, (byAdmin.details as Row).qtyMilli], ['SOLD_OUT', 1000], 'the admin at the counter, who reads every booking, is told what is left')
})

test('a Book of nothing for a member with nothing booked is refused unsigned; one that empties a booking says it is withdrawn', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const p = (await s.node.submit({ type: 'OpenPurchase', name: 'Formaggi' })).id as PurchaseId
  await s.node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 100 }] })
  const acts = s.node.view!.entries.length
  const zero = { type: 'Book' as const, member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 0 }] }
  const signed = json(await s.app.inject({ method: 'POST', url: '/api/acts/signed', payload: { act: createAct(zero, { group: s.group, keyPair: marta, timeMs: Date.now() }).bytes.toString('hex') } })).error as Row
  t.alike([signed.code, (signed.details as Row).variant], ['BAD_ARGUMENT', 'nothingToBook'], 'the page\'s Book with every quantity at 0')
  const byAdmin = json(await s.app.inject({ method: 'POST', url: '/api/acts', headers: { authorization: `Bearer ${TOKEN}` }, payload: zero })).error as Row
  t.is(byAdmin.code, 'BAD_ARGUMENT', 'at the counter too')
  t.is(s.node.view!.entries.length, acts, 'nothing appended')
  await s.node.submit({ type: 'Book', member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] })
  const withdrawn = json(await s.app.inject({ method: 'POST', url: '/api/acts', headers: { authorization: `Bearer ${TOKEN}` }, payload: zero })) as Row
  t.is(withdrawn.withdrawn, true, 'a booking emptied is withdrawn, with no approval to wait for')
})

test('rejecting a booking that bore a cost share says the share went back, and what the costs now collect', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const p = (await s.node.submit({ type: 'OpenPurchase', name: 'Formaggi' })).id as PurchaseId
  await s.node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 100 }] })
  for (const m of [s.node.id, marta.id]) {
    await s.node.submit({ type: 'Deposit', member: m, cents: 1000 })
    await s.node.submit({ type: 'Book', member: m, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] })
  }
  await s.node.submit({ type: 'AddCost', purchase: p, label: 'trasporto', cents: 100, split: 'equal', discount: false })
  const r = json(await s.app.inject({ method: 'POST', url: '/api/acts', headers: { authorization: `Bearer ${TOKEN}` }, payload: { type: 'RejectCommitment', member: marta.id, purchase: p } })) as Row
  t.alike(r.sharesBack, { cents: 50, collectedCents: 50, addedCents: 100 }, 'Marta\'s 0,50 of the transport went back: the costs collect 0,50 of 1,00 (from an audit: silently short)')
})

test('a shared cost refused for one member\'s credit, posted signed: no figures of that member', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const cheese = await s.node.submit({ type: 'OpenPurchase', name: 'Formaggi' })
  const p = cheese.id as PurchaseId
  await s.node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 100 }] })
  await s.node.submit({ type: 'Book', member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 2000 }] })
  const body = { type: 'AddCost' as const, purchase: p, label: 'trasporto', cents: 500_000, split: 'equal' as const, discount: false }
  const cost = createAct(body, { group: s.group, keyPair: s.node.keyPair, timeMs: Date.now() })
  const signed = json(await s.app.inject({ method: 'POST', url: '/api/acts/signed', payload: { act: cost.bytes.toString('hex') } })).error as Row
  t.alike([signed.code, signed.details], ['INSUFFICIENT_CREDIT', undefined], 'whoever holds the referente\'s key learns no member\'s credit on the open route')
  const local = json(await s.app.inject({ method: 'POST', url: '/api/acts', headers: { authorization: `Bearer ${TOKEN}` }, payload: body })).error as Row
  t.alike([local.code, (local.details as Row).member, (local.details as Row).neededCents], ['INSUFFICIENT_CREDIT', 'Marta', 500_000], 'the admin at their node is told whose share and how much')
})

test('a transfer past the payee\'s ceiling, accepted signed: the payee reads their own figures, the payer none of them', async (t) => {
  const s = await setUp()
  t.teardown(s.close)
  const bea = person('api-bea')
  await s.node.submit({ type: 'VoteRegisterMember', name: 'Bea', member: bea.id })
  await s.node.submit({ type: 'VoteSetLimits', member: bea.id, overdraftCents: 0, ceilingCents: 1000 })
  await s.node.submit({ type: 'Deposit', member: bea.id, cents: 900 })
  const post = async (act: ReturnType<typeof createAct>): Promise<Row> => json(await s.app.inject({ method: 'POST', url: '/api/acts/signed', payload: { act: act.bytes.toString('hex') } }))
  // Marta pays Bea 2 €: Bea, accepting, is told her own credit and ceiling.
  const pay = createAct({ type: 'Transfer', from: marta.id, to: bea.id, cents: 200, memo: '' }, { group: s.group, keyPair: marta, timeMs: Date.now() })
  await post(pay)
  const byPayee = (await post(createAct({ type: 'AcceptTransfer', transfer: pay.id }, { group: s.group, keyPair: bea, timeMs: Date.now() }))).error as Row
  t.alike([byPayee.code, byPayee.details], ['ABOVE_CEILING', { member: 'Bea', creditCents: 900, neededCents: 200, ceilingCents: 1000, variant: 'ceiling' }], 'her own figures')
  // Bea invoices Marta 2 €: Marta, accepting, learns only that the payee cannot receive it.
  const invoice = createAct({ type: 'Transfer', from: marta.id, to: bea.id, cents: 200, memo: '' }, { group: s.group, keyPair: bea, timeMs: Date.now() })
  await post(invoice)
  const byPayer = (await post(createAct({ type: 'AcceptTransfer', transfer: invoice.id }, { group: s.group, keyPair: marta, timeMs: Date.now() }))).error as Row
  t.alike([byPayer.code, byPayer.details], ['ABOVE_CEILING', { variant: 'payee' }], 'none of Bea\'s figures')
  t.is(s.node.requireView().state.members.get(bea.id)?.creditCents, 900, 'nothing moved')
})
