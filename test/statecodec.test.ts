// Issue 5: the checkpoint's state encoding (src/node/storage/statecodec.ts) gives back the same state,
// field by field (also those the state hash leaves out), after a random season of every act type.
import test from 'brittle'
import type { LogEntry } from '../src/merge/replay.js'
import { LogColumns } from '../src/merge/log.js'
import { decodeFinal, encodeFinal } from '../src/node/storage/statecodec.js'
import { drain } from '../src/slices.js'
import { arrayOf, encodeWithTable, readTable, ref, type TableState } from '../src/node/storage/tablecodec.js'
import { prng } from './helpers/fixtures.js'
import { plainState } from './helpers/fixtures.js'
import { randomSeason } from './helpers/random-season.js'

const SEED = 20261121

test('statecodec: a random season state and log round-trip field by field', (t) => {
  const { season, violation } = randomSeason(SEED, 3000)
  t.is(violation, null, `seed ${SEED}: no invariant broken`)
  const s = season.state
  t.ok(s.rejections.length > 0 && s.tallies.size > 0 && [...s.purchases.values()].some((p) => p.phase !== 'open'), 'the season has rejections, open tallies and ended purchases')
  s.adminSince.set(season.founder.id, { feed: season.founder.id, index: 0 })
  const log: LogEntry[] = s.rejections.slice(0, 50).map((r, i) => ({ seq: i, actId: r.actId, feed: season.founder.id, index: i, L: i + 1, status: r.code, final: true, timeMs: i % 2 === 0 ? 1_700_000_000_000 + i : null }))
  const back = decodeFinal(encodeFinal({ state: s, log: LogColumns.of(log) }))
  t.alike(plainState(back.state), plainState(s), 'same state, every field, same order')
  t.alike(back.log.toEntries(true), log.map((e) => ({ ...e, act: undefined })), 'same final log entries (a decoded entry holds no act)')
  t.ok(back.state.members.get(season.founder.id)!.id === back.state.founder, 'an id decodes to one shared string')
})

test('statecodec: bytes it did not write are refused', (t) => {
  const { season } = randomSeason(SEED, 300)
  const bytes = encodeFinal({ state: season.state, log: new LogColumns() })
  t.exception(() => decodeFinal(bytes.subarray(0, bytes.length - 3)), 'cut short')
  t.exception(() => decodeFinal(Buffer.concat([bytes, Buffer.from([0])])), /trailing/, 'trailing bytes')
})

test('statecodec: a final log longer than 1,048,576 entries round-trips (compact-encoding arrays stop there)', (t) => {
  const { season } = randomSeason(SEED, 50)
  const s = season.state
  const id = s.rejections[0]?.actId ?? [...s.members.keys()][0]
  const n = 1_100_000
  const log = new LogColumns()
  for (let i = 0; i < n; i++) log.push(id as LogEntry['actId'], season.founder.id, i, i + 1, 'applied', null)
  const back = decodeFinal(encodeFinal({ state: s, log }))
  t.is(back.log.length, n)
  t.alike(back.log.entry(n - 1, n - 1, true), { seq: n - 1, actId: id, feed: season.founder.id, index: n - 1, L: n, status: 'applied', final: true, timeMs: null, act: undefined })
})

test('statecodec: the string table numbers strings in order of first use, 64-character texts and ids alike', (t) => {
  // 64-character strings go through an open-addressing table keyed by their last characters;
  // texts of any characters must find themselves there as ids do (names may be 64 characters).
  const rnd = prng(SEED)
  const pick = (chars: string, n: number): string => Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]).join('')
  const distinct = [
    ...Array.from({ length: 300 }, () => pick('0123456789abcdef', 64)), // ids
    ...Array.from({ length: 300 }, () => pick('AZaz09 éü鮮膫勂辳姳劥績惕', 64)), // names of 64 characters
    'A'.repeat(56) + '鮮膫勂辳姳劥績惕', '😀'.repeat(32), 'x'.repeat(64), 'short', ''
  ]
  const uses = Array.from({ length: 5000 }, () => distinct[Math.floor(rnd() * distinct.length)])
  const list = arrayOf(ref)
  const bytes = drain(encodeWithTable(() => list.split(uses)))
  const s = readTable(bytes)
  const firstUse = [...new Set(uses)]
  t.alike((s as TableState).table.list, firstUse, 'one entry per distinct string, in order of first use')
  t.alike(list.decode(s), uses, 'every use decodes to its string')
})
