// Issue 15 item 5: tests of modules that had none — the data directory's files, the euro
// formatter and parser, the HTTP client of NodeApi, the work queue, and reading a feed into the
// graph (a real Corestore on disk, blocks written by hand, one that does not decode).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { createAct } from '../src/acts/act.js'
import type { SignedAct } from '../src/acts/types.js'
import { sodiumSecretKey } from '../src/crypto.js'
import { HypergasError } from '../src/errors.js'
import type { GroupId, MemberId } from '../src/ids.js'
import { HttpApi } from '../src/http/client.js'
import { createServer } from '../src/http/server.js'
import { Graph } from '../src/merge/graph.js'
import { euroText, formatCents, parseEuros } from '../src/money.js'
import { readFeed } from '../src/node/ingest/reader.js'
import { Verifier } from '../src/node/ingest/verifier.js'
import { GasNode } from '../src/node/node.js'
import { WorkQueue } from '../src/node/queue.js'
import { loadFeeds, loadForks, loadGroup, loadIdentity, loadRunning, ownDataDir, paths, saveRunning, writePrivate } from '../src/node/storage/datadir.js'
import { VerifiedActs } from '../src/node/storage/verified.js'
import { chainBlock, type FeedBytes } from './helpers/blocks.js'
import { person } from './helpers/fixtures.js'

const tmp = (t: { teardown: (fn: () => void) => void }, name: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hypergas-${name}-`))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}
const code = (fn: () => unknown): string | null => { try { fn(); return null } catch (err) { return err instanceof HypergasError ? err.code : 'NOT_HYPERGAS' } }

test('data directory: identity, group, running node, forks and feeds are read only when they are what they should be', (t) => {
  const dir = tmp(t, 'datadir')
  fs.chmodSync(dir, 0o755)
  ownDataDir(dir)
  t.is(fs.statSync(dir).mode & 0o777, 0o700, 'a data directory made beforehand with 0755 becomes its owner\'s alone (the store holds the secret key)')
  t.is(code(() => loadIdentity(dir, false)), 'DATA_DIR', 'no identity and none to create')
  const kp = loadIdentity(dir, true)
  t.is(fs.statSync(paths(dir).identity).mode & 0o777, 0o600, 'the identity is private')
  t.alike(loadIdentity(dir, false).publicKey, kp.publicKey, 'read back')
  writePrivate(paths(dir).identity, '{"seed": "xyz"}')
  t.is(code(() => loadIdentity(dir, false)), 'DATA_DIR', 'a damaged identity is refused, not guessed')
  t.is(loadGroup(dir), null, 'no group yet')
  writePrivate(paths(dir).group, '{"groupId": 1}')
  t.is(code(() => loadGroup(dir)), 'DATA_DIR')
  writePrivate(paths(dir).group, '{not json\nsecret line')
  t.is(code(() => loadGroup(dir)), 'DATA_DIR')
  try { loadGroup(dir) } catch (err) { t.ok(/is damaged \(not JSON\)/.test((err as Error).message) && !(err as Error).message.includes('\n') && !(err as Error).message.includes('secret'), `one line, without the file's text: ${(err as Error).message}`) }
  writePrivate(paths(dir).forks, '[{"feed": "nope"}]')
  t.is(code(() => loadForks(dir)), 'DATA_DIR', 'fork evidence of the wrong shape')
  writePrivate(paths(dir).feeds, JSON.stringify(['ab'.repeat(32)]))
  t.alike(loadFeeds(dir), ['ab'.repeat(32)])
  t.is(loadRunning(dir), null, 'no node running')
  saveRunning(dir, { pid: process.pid, host: '127.0.0.1', port: 7465 })
  t.alike(loadRunning(dir), { pid: process.pid, host: '127.0.0.1', port: 7465 })
  saveRunning(dir, { pid: 2 ** 22 + 12345, host: '127.0.0.1', port: 7465 })
  t.is(loadRunning(dir), null, 'a record whose process is gone')
  writePrivate(paths(dir).running, '{"pid": ')
  t.is(loadRunning(dir), null, 'a torn record')
})

test('money: euros typed by a person, cents shown back, never through floating point', (t) => {
  for (const [text, cents] of [['12', 1200], ['12.5', 1250], ['12,50', 1250], ['0,01', 1], [' 7 ', 700], ['90071992547409.91', Number.MAX_SAFE_INTEGER], ['1.000,00', 100_000], ['90,071,992,547,409.91', Number.MAX_SAFE_INTEGER]] as const) t.is(parseEuros(text), cents, text)
  for (const bad of ['', '0', '0,00', '-1', '1e3', '12.', '12.345', '1.000', '1 000', 'abc', '90071992547409.92', '90.071.992.547.409,92', '١٢', '€', '€ €12', '12 € €', '-5 €', '€-5', '12 $']) t.is(code(() => parseEuros(bad)), 'BAD_AMOUNT', `"${bad}"`)
  for (const n of [1, 1250, 130630, 123456789012345]) t.alike([parseEuros(euroText(n, 'it')), parseEuros(euroText(n, 'en'))], [n, n], `what the CLI shows reads back: ${euroText(n, 'it')} ${euroText(n, 'en')}`)
  t.alike(['12,50 €', '€12.50', '€ 12', '12 EUR', '12eur', '5 euro', '5 Euro', '2,50 euros'].map(parseEuros), [1250, 1250, 1200, 1200, 1200, 500, 500, 250], 'a euro sign or word before or after')
  t.is(formatCents(1250), '12.50')
  t.is(formatCents(-5, ','), '-0,05')
  t.is(formatCents(Number.MAX_SAFE_INTEGER), '90071992547409.91')
  t.alike([euroText(130630, 'it'), euroText(130630, 'en'), euroText(-5, 'it'), euroText(123456789012345, 'en')], ['1.306,30 €', '€1,306.30', '-0,05 €', '€1,234,567,890,123.45'], 'shown: thousands grouped from 1.000 on, exact past what a float holds to the cent')
})

test('HTTP client: the answers and the refusals of a real node, codes and figures intact', async (t) => {
  const dir = tmp(t, 'client')
  const node = await GasNode.open({ dir, createIdentity: true })
  await node.createGroup('Client', 'Anna')
  const app = createServer({ node, token: 'tok', host: '127.0.0.1' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close(); await node.close() })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const client = new HttpApi(base, 'tok')
  t.is((await client.status()).group.name, 'Client')
  const r = await client.act({ type: 'Deposit', member: 'Anna', cents: 500 })
  t.is(r.member?.creditCents, 500, 'the receipt with the balance after')
  try {
    await client.act({ type: 'Withdraw', member: 'Anna', cents: 900, reason: '' })
    t.fail('refused')
  } catch (err) {
    const e = err as HypergasError
    t.is(e.code, 'INSUFFICIENT_CREDIT')
    t.is(e.details?.creditCents, 500, 'the figures travel')
    t.absent(e.reason.startsWith('INSUFFICIENT_CREDIT'), 'no code repeated in the reason')
  }
  try {
    await new HttpApi(base, 'wrong').act({ type: 'Deposit', member: 'Anna', cents: 1 })
    t.fail('refused')
  } catch (err) { t.is((err as HypergasError).code, 'UNAUTHORIZED', 'a wrong token') }
})

test('work queue: one job at a time in order, a schedule runs once per turn, errors reported', async (t) => {
  const seen: string[] = []
  let runs = 0
  const errors: Error[] = []
  let fail = false
  const q = new WorkQueue(async () => { runs++; if (fail) throw new Error('boom') }, (e) => errors.push(e), () => false)
  const slow = q.run(async () => { await new Promise((resolve) => setTimeout(resolve, 20)); seen.push('a') })
  const fast = q.run(async () => { seen.push('b'); return 7 })
  t.is(await fast, 7)
  await slow
  t.alike(seen, ['a', 'b'], 'in the order asked, not the order finished')
  q.schedule(); q.schedule(); q.schedule()
  await q.idle()
  t.is(runs, 1, 'three schedules in one turn: one run')
  fail = true
  q.schedule()
  await q.idle()
  t.is(errors.length, 1, 'a failing scheduled job goes to onError')
  await t.exception(q.run(async () => { throw new Error('mine') }), /mine/, 'a failing run throws to its caller')
  const stopped = new WorkQueue(async () => { runs++ }, () => {}, () => true)
  stopped.schedule()
  await stopped.idle()
  t.is(runs, 2, 'nothing is scheduled once stopped')
})

/** Anna's feed in a real Corestore, holding the genesis of a new group, for the reader's tests. */
async function readerFeed (t: { teardown: (fn: () => unknown) => void }, name: string): Promise<{ dir: string, core: Hypercore, anna: ReturnType<typeof person>, genesis: SignedAct, group: GroupId, feeds: FeedBytes, verifier: Verifier }> {
  const dir = tmp(t, name)
  const store = new Corestore(dir)
  const anna = person(`${name}-anna`)
  const core = store.get({ keyPair: { publicKey: anna.publicKey, secretKey: sodiumSecretKey(anna) } })
  await core.ready()
  const verifier = new Verifier()
  t.teardown(async () => { await verifier.close(); await store.close() })
  const genesis = createAct({ type: 'CreateGroup', name, founderName: 'Anna' }, { keyPair: anna, timeMs: 1 })
  const feeds: FeedBytes = new Map()
  await core.append(chainBlock(feeds, anna.id, [], [genesis.bytes]))
  return { dir, core, anna, genesis, group: genesis.id as GroupId, feeds, verifier }
}

test('reader: blocks of a real feed into the graph, up to one that does not decode', async (t) => {
  const { dir, core, anna, group, feeds, verifier } = await readerFeed(t, 'reader')
  await core.append(chainBlock(feeds, anna.id, [], [createAct({ type: 'Deposit', member: anna.id, cents: 5 }, { group, keyPair: anna, timeMs: 2 }).bytes]))
  await core.append(Buffer.from([2, 0xff, 0xff])) // format 2, then bytes that are no block
  await core.append(chainBlock(feeds, anna.id, [], []))
  const graph = new Graph()
  graph.addFeed(anna.id as MemberId)
  const invalid: Array<[number, string]> = []
  const opts = { group, verified: new VerifiedActs(dir), verifier, onInvalid: (i: number, c: string) => invalid.push([i, c]) }
  t.is(await readFeed(core, graph, anna.id, opts), 2, 'the two good blocks')
  t.alike(invalid, [[2, 'BAD_ENCODING']], 'the bad one reported with its code')
  t.is(graph.receivedLength(anna.id), 2)
  t.is(await readFeed(core, graph, anna.id, opts), 0, 'the feed is read no further')
  const limited = new Graph()
  limited.addFeed(anna.id as MemberId)
  t.is(await readFeed(core, limited, anna.id, { ...opts, limit: 1 }), 1, 'a limit (a forked feed\'s held length) is respected')
})

test('reader: a feed of several windows (256 blocks each, the next read while one decodes), with a limit and a bad block', async (t) => {
  const { dir, core, anna, genesis, group, feeds, verifier } = await readerFeed(t, 'reader-windows')
  const deposits: string[] = []
  for (let i = 1; i < 700; i++) {
    const d = createAct({ type: 'Deposit', member: anna.id, cents: i }, { group, keyPair: anna, timeMs: 1 + i })
    deposits.push(d.id)
    await core.append(chainBlock(feeds, anna.id, [], [d.bytes]))
  }
  const opts = { group, verified: new VerifiedActs(dir), verifier, onInvalid: () => {} }
  const graph = new Graph()
  graph.addFeed(anna.id as MemberId)
  t.is(await readFeed(core, graph, anna.id, { ...opts, limit: 517 }), 517, 'up to a limit inside the third window')
  t.is(graph.receivedLength(anna.id), 517)
  t.is(await readFeed(core, graph, anna.id, opts), 183, 'then the rest, from where it stopped')
  const ids = graph.order().flatMap((b) => b.acts.map((e) => (e.ok ? e.act.id : null)))
  t.alike(ids, [genesis.id, ...deposits], 'every block once, in order')

  await core.append(Buffer.from([0xff])) // index 700: no block
  await core.append(chainBlock(feeds, anna.id, [], []))
  const again = new Graph()
  again.addFeed(anna.id as MemberId)
  const invalid: number[] = []
  t.is(await readFeed(core, again, anna.id, { ...opts, onInvalid: (i: number) => invalid.push(i) }), 700, 'a bad block in the third window stops the feed there')
  t.alike(invalid, [700], 'and is reported once')
})
