// The seen act ids (src/fold/idset.ts): a fork sees what its origin held, adds only to itself,
// and its origin refuses adds from then on; merging layers keeps every id.
import test from 'brittle'
import { ActIdSet } from '../src/fold/idset.js'
import type { ActId } from '../src/ids.js'

const id = (n: number): ActId => n.toString(16).padStart(64, '0') as ActId

test('ActIdSet: add reports duplicates; a fork shares the ids and keeps its own apart', (t) => {
  const a = ActIdSet.empty()
  t.is(a.add(id(1)), true)
  t.is(a.add(id(1)), false, 'second add of the same id is a duplicate')
  t.is(a.add(id(2)), true)
  const b = a.fork()
  t.is(b.add(id(2)), false, 'the fork holds its origin ids')
  t.is(b.add(id(3)), true)
  t.is(a.has(id(3)), false, 'the origin does not see the fork additions')
  t.exception(() => a.add(id(4)), /add after fork/, 'the origin is read-only once forked')
  const c = b.fork()
  t.is(c.add(id(3)), false)
  t.alike([...c].sort(), [id(1), id(2), id(3)])
  t.is(c.size, 3)
})

test('ActIdSet: a long chain of forks (each layer merged when large) loses no id', (t) => {
  let s = ActIdSet.of([id(0)])
  let fresh = true
  for (let n = 1; n < 2000; n++) {
    s = s.fork()
    if (!s.add(id(n))) fresh = false
  }
  t.ok(fresh, 'every new id was added as new')
  t.is(s.size, 2000)
  let all = true
  for (let n = 0; n < 2000; n++) if (!s.has(id(n)) || s.add(id(n))) all = false
  t.ok(all, 'every id is there and a duplicate')
})

test('ActIdSet: random adds and forks (layers copied and joined) agree with a Set, in insertion order', (t) => {
  const SEED = 1818
  t.comment(`seed ${SEED}`)
  let x = SEED
  const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 4294967296 }
  // Ids that share their last 32 bits with others (the table's key): found by comparing the whole id.
  const pool = Array.from({ length: 6000 }, (_, n) => (n % 3 === 0 ? `${n.toString(16).padStart(56, 'a')}0000beef` : id(n * 7919)) as ActId)
  let problems = 0
  for (let trial = 0; trial < 30; trial++) {
    let s = ActIdSet.empty()
    const order: ActId[] = []
    const held = new Set<ActId>()
    // Fork often in some trials (small layers copied), rarely in others (large layers joined).
    const forkRate = trial % 2 === 0 ? 0.2 : 0.002
    for (let step = 0; step < 4000; step++) {
      if (rnd() < forkRate) { s = s.fork(); continue }
      const v = pool[Math.floor(rnd() * pool.length)]
      if (s.add(v) !== !held.has(v)) problems++
      if (!held.has(v)) { held.add(v); order.push(v) }
    }
    if (s.size !== order.length || JSON.stringify([...s]) !== JSON.stringify(order) || JSON.stringify(s.toArray()) !== JSON.stringify(order)) problems++
    for (const v of pool) if (s.has(v) !== held.has(v)) problems++
  }
  t.is(problems, 0, '30 runs of 4,000 adds and forks: every add, size, order and membership as a Set and an array say')
})
