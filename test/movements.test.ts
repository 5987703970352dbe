// Movement lists shared by state copies (src/fold/movements.ts): whatever is appended to a copy, or
// to a copy of a copy, every map reads exactly the lists a plain map would hold, and no append
// ever changes a list another map reads.
import test from 'brittle'
import type { MemberId } from '../src/ids.js'
import type { Movement } from '../src/fold/state.js'
import { appendMovement, MovementLists } from '../src/fold/movements.js'

const SEED = 4242

/** A map under test, what it must read, and whether it was copied (then only read, as the fold treats a confirmed state). */
interface Case { m: Map<MemberId, Movement[]>, model: Map<MemberId, number[]>, copied: boolean }

const render = (m: Map<MemberId, number[]>): string => JSON.stringify([...m].sort((p, q) => (p[0] < q[0] ? -1 : 1)))
const read = (m: Map<MemberId, Movement[]>): Map<MemberId, number[]> => new Map([...m].map(([k, l]) => [k, l.map((v) => v.balanceCents)]))

test('MovementLists: random appends, copies of copies and reads agree with plain maps', (t) => {
  t.comment(`seed ${SEED}`)
  let x = SEED
  const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 4294967296 }
  const who = ['a', 'b', 'c', 'd'].map((k) => k.repeat(64) as MemberId)
  let made = 0
  const movement = (): Movement => ({ actId: String(++made).padStart(64, '0'), kind: 'deposit', deltaCents: 1, balanceCents: made, purchase: undefined }) as unknown as Movement
  let problems = 0
  let copies = 0
  for (let run = 0; run < 200; run++) {
    const cases: Case[] = [{ m: new Map(), model: new Map(), copied: false }]
    for (let step = 0; step < 80; step++) {
      const c = cases[Math.floor(rnd() * cases.length)]
      const r = rnd()
      if (r < 0.55 && !c.copied) {
        const w = who[Math.floor(rnd() * who.length)]
        const v = movement()
        appendMovement(c.m, w, v)
        c.model.set(w, [...(c.model.get(w) ?? []), v.balanceCents])
      } else if (r < 0.75) {
        c.copied = true
        copies++
        cases.push({ m: MovementLists.sharing(c.m), model: new Map([...c.model].map(([k, l]) => [k, [...l]])), copied: false })
      } else if (r < 0.85) {
        const w = who[Math.floor(rnd() * who.length)]
        if (JSON.stringify(c.m.get(w)?.map((v) => v.balanceCents) ?? null) !== JSON.stringify(c.model.get(w) ?? null)) problems++
      } else if (render(read(c.m)) !== render(c.model)) problems++
    }
    for (const c of cases) if (render(read(c.m)) !== render(c.model) || c.m.size !== c.model.size) problems++
  }
  t.ok(copies > 1000, `${copies} copies made`)
  t.is(problems, 0, '200 runs of 80 steps: every read of every map, origin or copy, as a plain map says')
})

test('MovementLists: set and delete drop a tail; clear empties', (t) => {
  const a = 'a'.repeat(64) as MemberId
  const mv = (n: number): Movement => ({ actId: String(n).padStart(64, '0'), kind: 'deposit', deltaCents: n, balanceCents: n, purchase: undefined }) as unknown as Movement
  const origin = new Map([[a, [mv(1)]]])
  const copy = MovementLists.sharing(origin)
  copy.append(a, mv(2))
  copy.set(a, [mv(3)])
  t.alike(copy.get(a)?.map((v) => v.balanceCents), [3], 'set replaces the list and its tail')
  copy.append(a, mv(4))
  t.alike(copy.get(a)?.map((v) => v.balanceCents), [3, 4])
  copy.delete(a)
  t.is(copy.get(a), undefined, 'delete removes list and tail')
  copy.append(a, mv(5))
  copy.clear()
  t.is(copy.size, 0, 'clear empties')
  t.alike(origin.get(a)?.map((v) => v.balanceCents), [1], 'the origin never changed')
})
