// SPEC §7 `export` and §5 finality as the interfaces show it: the whole log read in pages is the
// log of one replay, even when a sync confirms acts between two pages (a chaos run once took the
// pages of two replays for acts confirmed twice over; `hypergas export` held acts twice).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { HypergasError } from '../src/errors.js'
import type { ActId, MemberId } from '../src/ids.js'
import { LocalApi } from '../src/api/api.js'
import { readWholeLog, type LogEntryView, type LogView } from '../src/api/log-view.js'
import { GasNode } from '../src/node/node.js'
import { person } from './helpers/fixtures.js'

/** A replay as pages see it: act ids in order, how many are final, its version. */
interface FakeReplay { ids: string[], finalCount: number, version: string }

const entryOf = (r: FakeReplay, seq: number): LogEntryView => ({
  seq, actId: r.ids[seq] as ActId, type: 'Deposit', author: null, authorName: null, memberName: null, payeeName: null, booking: false, cancel: null,
  cents: null, purchaseName: null, productName: null, timeMs: null, feed: 'f'.repeat(64) as MemberId, index: seq, L: seq, status: 'applied', final: seq < r.finalCount, body: null
})

const pageOf = (r: FakeReplay, offset: number, limit: number): LogView => ({
  total: r.ids.length, finalCount: r.finalCount, offset, version: r.version, ignored: [],
  entries: Array.from({ length: Math.max(0, Math.min(limit, r.ids.length - offset)) }, (_, k) => entryOf(r, offset + k))
})

const ids = (n: number, from = 0): string[] => Array.from({ length: n }, (_, k) => `act-${from + k}`)

test('whole log: pages read across a replay that confirmed acts are read again after what was final', async (t) => {
  // Before: 935 final of 1,100. After a sync: the tentative tail confirmed in another order, and
  // 10 acts more (1,007 final of 1,110).
  const before: FakeReplay = { ids: ids(1100), finalCount: 935, version: 'a' }
  const after: FakeReplay = { ids: [...ids(935), ...ids(165, 935).reverse(), ...ids(10, 1100)], finalCount: 1007, version: 'b' }
  const calls: number[] = []
  const read = async (offset: number, limit: number): Promise<LogView> => { calls.push(offset); return pageOf(calls.length === 1 ? before : after, offset, limit) }
  const log = await readWholeLog(read)
  t.alike(log.map((e) => e.actId), after.ids, 'the log of the replay after the sync, every act once')
  t.alike(log.map((e) => e.seq), after.ids.map((_, k) => k))
  t.alike(calls, [0, 1000, 934], 'the final entries are kept, the rest read again from the last one kept (which must read the same)')

  // What reading page after page without the version made of it: acts twice, others missing.
  const naive = [...pageOf(before, 0, 1000).entries, ...pageOf(after, 1000, 1000).entries].map((e) => e.actId)
  t.ok(new Set(naive).size < naive.length, 'the two pages alone hold an act twice (the case is real)')
  const confirmed = [...pageOf(before, 0, 1000).entries, ...pageOf(after, 1000, 1000).entries].filter((e) => e.final).map((e) => e.actId)
  t.not(confirmed[935], after.ids[935], 'and their final entries shift: position 935 shows the act at 1000')
})

test('whole log: when an entry kept as final reads otherwise in the next round, everything is read again; a node without versions is taken by its counts', async (t) => {
  // A confirmed entry replaced (docs/ordering.md §5: a member's recovery vote on both sides).
  const before: FakeReplay = { ids: ids(1100), finalCount: 935, version: 'a' }
  const after: FakeReplay = { ids: [...ids(934), 'other', ...ids(175, 935)], finalCount: 1000, version: 'b' }
  let n = 0
  const log = await readWholeLog(async (offset, limit) => pageOf(n++ === 0 ? before : after, offset, limit))
  t.alike(log.map((e) => e.actId), after.ids, 'the log of the replay after, read again from the start')
  // An older node's pages carry no version: a change of its counts between pages is one too.
  n = 0
  const noVersion = await readWholeLog(async (offset, limit) => { const p = pageOf(n++ === 0 ? before : { ...after, ids: [...ids(935), ...ids(175, 935).reverse()] }, offset, limit); delete (p as Partial<LogView>).version; return p })
  t.is(new Set(noVersion.map((e) => e.actId)).size, noVersion.length, 'no act twice')
  t.is(noVersion.length, 1110)
})

test('whole log: a log that changes between every two pages is refused with BUSY, after bounded rounds', async (t) => {
  let n = 0
  // Nothing final, and a new version at every page: no round can finish.
  const read = async (offset: number, limit: number): Promise<LogView> => pageOf({ ids: ids(2500), finalCount: 0, version: String(n++) }, offset, limit)
  await t.exception(async () => await readWholeLog(read), /BUSY/)
  t.is(n, 100, '50 rounds of two pages each')
  const err = await readWholeLog(read).catch((e: unknown) => e)
  t.ok(err instanceof HypergasError && err.code === 'BUSY')
})

test('whole log: a node\'s pages carry the version of their replay; an act makes a new one', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-whole-log-'))
  const node = await GasNode.open({ dir, createIdentity: true })
  t.teardown(async () => { await node.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  await node.createGroup('Log', 'Anna')
  const marta = person('whole-log-marta')
  await node.submit({ type: 'VoteRegisterMember', name: 'Marta', member: marta.id })
  const api = new LocalApi(node)
  const a = await api.log(0, 1)
  const b = await api.log(1, 1)
  t.is(a.version, b.version, 'two pages of one replay')
  await node.submit({ type: 'Deposit', member: marta.id, cents: 500 })
  const c = await api.log(0, 1)
  t.not(c.version, a.version, 'a new act: a new replay, a new version')
  const whole = await readWholeLog(async (offset, limit) => await api.log(offset, limit))
  t.alike(whole.map((e) => e.type), ['CreateGroup', 'VoteRegisterMember', 'Deposit'])
})
