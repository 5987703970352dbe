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
