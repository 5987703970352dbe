// Issue 18 item 2: the merged log in columns (src/merge/log.ts) reads back exactly what was
// pushed, through copies, cuts, appends to shared columns and merged views, against plain arrays.
import test from 'brittle'
import type { SignedAct } from '../src/acts/types.js'
import type { ActId, MemberId } from '../src/ids.js'
import { LogColumns, mergedLog, splitLog } from '../src/merge/log.js'
import type { LogEntry } from '../src/merge/replay.js'
import { prng } from './helpers/fixtures.js'

const SEED = 20261201

/** Entries as the columns give them back: positions from 0, no `seq`/`final` of their own. */
type Row = Omit<LogEntry, 'seq' | 'final'>

function randomRow (next: () => number, n: number): Row {
  // An empty feed or status is never written, but the numbering must not care.
  const feed = (next() < 0.05 ? '' : `${'f'.repeat(63)}${Math.floor(next() * 5)}`) as MemberId
  const decoded = next() < 0.8
  return {
    actId: n.toString(16).padStart(64, '0') as ActId,
    feed,
    index: Math.floor(next() * 2 ** 32),
    L: Math.floor(next() * 2 ** 32),
    status: ['applied', 'duplicate', 'INSUFFICIENT_CREDIT', '', `CODE_${Math.floor(next() * 40)}`][Math.floor(next() * 5)],
    timeMs: decoded ? 1_700_000_000_000 + Math.floor(next() * 1e9) : null,
    act: decoded && next() < 0.5 ? ({ id: n } as unknown as SignedAct) : undefined
  }
}

const push = (c: LogColumns, r: Row): void => c.push(r.actId, r.feed, r.index, r.L, r.status, r.timeMs, r.act)
const rowOf = (c: LogColumns, i: number): Row => ({ actId: c.actId(i), feed: c.feed(i), index: c.index(i), L: c.L(i), status: c.status(i), timeMs: c.timeMs(i), act: c.act(i) })
/** Field by field, with Object.is (a NaN time is not null, an act is the same object). */
const same = (a: Row, b: Row): boolean => (Object.keys(b) as Array<keyof Row>).every((k) => Object.is(a[k], b[k]))

test('log columns: pushes, copies, cuts and appends read back as plain arrays do', (t) => {
  t.comment(`seed ${SEED}`)
  const next = prng(SEED)
  let made = 0
  /**
   * Columns and the model they must equal. Copies and appends go to random live ones; three roots
   * number their feeds and statuses apart (a checkpoint's columns and a walk's).
   */
  const first = Array.from({ length: 20 }, () => randomRow(next, made++))
  const live: Array<{ c: LogColumns, model: Row[] }> = [
    { c: new LogColumns(1), model: [] },
    { c: new LogColumns(), model: [] },
    { c: LogColumns.of(first.map((r, i) => ({ ...r, seq: i, final: true }))), model: [...first] }
  ]
  for (let step = 0; step < 4000; step++) {
    const x = live[Math.floor(next() * live.length)]
    const r = next()
    if (r < 0.85) {
      const row = randomRow(next, made++)
      push(x.c, row)
      x.model.push(row)
    } else if (r < 0.915) {
      const n = Math.floor(next() * (x.model.length + 1))
      live.push({ c: x.c.copy(n), model: x.model.slice(0, n) })
    } else if (r < 0.93) {
      // A resumed walk's columns: empty, numbered as the final log they are appended to in bulk.
      live.push({ c: x.c.sibling(Math.floor(next() * 40)), model: [] })
    } else if (r < 0.95) {
      // A full replay moves its tentative tail out and keeps its final entries.
      const n = Math.floor(next() * (x.model.length + 1))
      live.push({ c: x.c.cut(n), model: x.model.splice(n) })
    } else {
      const y = live[Math.floor(next() * live.length)]
      const from = Math.floor(next() * (y.model.length + 1))
      const to = from + Math.floor(next() * (y.model.length - from + 1))
      const rows = y.model.slice(from, to)
      x.c.append(y.c, from, to)
      x.model.push(...rows)
    }
  }
  let bad = 0
  for (const { c, model } of live) {
    if (c.length !== model.length) bad++
    for (let i = 0; i < model.length; i++) if (!same(rowOf(c, i), model[i])) bad++
  }
  t.ok(live.length > 100 && made > 3000, `${live.length} columns, ${made} entries made`)
  t.is(bad, 0, 'every entry of every copy reads back as pushed')
})

test('log columns: a merged view reads final entries from one, tentative from another', (t) => {
  const next = prng(SEED + 1)
  const final = new LogColumns()
  const tentative = new LogColumns()
  const rows: Row[] = []
  for (let i = 0; i < 300; i++) rows.push(randomRow(next, i))
  rows.slice(0, 200).forEach((r) => push(final, r))
  // The walk's own columns start at the final log's base (150): its first 50 entries became final.
  rows.slice(150, 300).forEach((r) => push(tentative, r))
  const v = mergedLog(final, 200, tentative, 50)
  t.is(v.length, 300)
  t.is(v.finalCount, 200)
  const all = v.slice(0)
  t.alike(all.map((e) => e.seq), rows.map((_, i) => i), 'positions from 0')
  t.alike(all.map((e) => e.final), rows.map((_, i) => i < 200), 'final flags: the first 200')
  t.alike(all.map((e) => e.actId), rows.map((r) => r.actId), 'act ids in order')
  t.ok(all.every((e, i) => e.act === rows[i].act && e.timeMs === rows[i].timeMs && v.actId(i) === rows[i].actId && v.timeMs(i) === rows[i].timeMs && v.act(i) === rows[i].act), 'acts and times, by entry and by column')
  t.alike(v.slice(290, 400).map((e) => e.seq), [290, 291, 292, 293, 294, 295, 296, 297, 298, 299], 'a slice past the end is clamped')
  t.alike(v.slice(-5, 2).map((e) => e.seq), [0, 1], 'and before the start')
  t.exception.all(() => v.at(300), /log entry 300 of 300/, 'an entry past the end is a programmer error (a RangeError)')
})

test('log columns: a replay\'s final and tentative entries, full or resumed, shared or copied', (t) => {
  const next = prng(SEED + 2)
  const rows = Array.from({ length: 120 }, (_, i) => randomRow(next, i))
  const columns = (list: Row[]): LogColumns => { const c = new LogColumns(); list.forEach((r) => push(c, r)); return c }
  const read = (v: ReturnType<typeof mergedLog>): Row[] => Array.from({ length: v.length }, (_, i) => { const e = v.at(i); return { actId: e.actId, feed: e.feed, index: e.index, L: e.L, status: e.status, timeMs: e.timeMs, act: e.act } })
  const check = (name: string, s: ReturnType<typeof splitLog>, finalCount: number, want: Row[]): void => {
    const v = mergedLog(s.final, finalCount, s.tentative, s.from)
    t.ok(v.length === want.length && read(v).every((r, i) => same(r, want[i])), `${name}: ${finalCount} final of ${want.length}, entries as made`)
  }
  // A full replay: all final, most final (the tail moves out), few final (the final ones are copied).
  for (const n of [100, 90, 10]) {
    const fresh = columns(rows.slice(0, 100))
    const s = splitLog(undefined, 0, fresh, n)
    t.is(s.final === fresh, n >= 50, n >= 50 ? `full replay, ${n} final: keeps its columns as the final log` : `full replay, ${n} final: copies them`)
    check(`full replay, ${n} final`, s, n, rows.slice(0, 100))
  }
  // Resumed: appends in place when nothing follows the base, copies when a later replay appended.
  const shared = columns(rows.slice(0, 60))
  const first = splitLog(shared, 60, columns(rows.slice(60, 80)), 15)
  t.is(first.final, shared, 'resumed at the end of the shared columns: appended in place')
  check('resumed', first, 75, rows.slice(0, 80))
  const second = splitLog(shared, 60, columns(rows.slice(100, 110)), 10)
  t.not(second.final, shared, 'resumed from the same replay again: the shared columns hold more, so they are copied')
  check('resumed again', second, 70, [...rows.slice(0, 60), ...rows.slice(100, 110)])
  check('the first resumed replay still reads its own', first, 75, rows.slice(0, 80))
})
