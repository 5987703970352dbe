// SPEC §3 / issue 12: members named by full id, unique id prefix or name in any case; an
// ambiguous prefix is refused with the candidates, an unknown reference with NOT_FOUND.
import test from 'brittle'
import { createState } from '../src/fold/state.js'
import type { MemberId } from '../src/ids.js'
import { resolveMember } from '../src/api/views.js'
import type { HypergasError } from '../src/errors.js'

const state = (): ReturnType<typeof createState> => {
  const s = createState()
  for (const [id, name] of [['abcd1111'.padEnd(64, '0'), 'Bruno'], ['abcd2222'.padEnd(64, '0'), 'Carla'], ['ef000000'.padEnd(64, '0'), 'Jos\u00e9']] as Array<[MemberId, string]>) {
    s.members.set(id, { id, name, creditCents: 0 })
    s.memberNames.set(name.toLowerCase(), id)
  }
  return s
}

test('resolveMember: name in any case, unique prefix, full id', (t) => {
  const s = state()
  t.is(resolveMember(s, 'bruno'), 'abcd1111'.padEnd(64, '0'))
  t.is(resolveMember(s, 'CARLA'), 'abcd2222'.padEnd(64, '0'))
  t.is(resolveMember(s, 'abcd2'), 'abcd2222'.padEnd(64, '0'))
  t.exception(() => resolveMember(s, 'abc'), /an id is found by its first 4 characters or more/, 'three characters of an id: said, not "no member"')
  t.exception(() => resolveMember(s, 'fff'), /no member "fff"$/, 'three that start no id: no member')
  t.is(resolveMember(s, ' jose\u0301'), 'ef000000'.padEnd(64, '0'), 'a name typed with a combining accent')
  t.is(resolveMember(s, 'jose'), 'ef000000'.padEnd(64, '0'), 'or without it, when that names one member')
  const two = state()
  two.members.set('ef111111'.padEnd(64, '0') as MemberId, { id: 'ef111111'.padEnd(64, '0') as MemberId, name: 'Jose', creditCents: 0 })
  two.memberNames.set('jose', 'ef111111'.padEnd(64, '0') as MemberId)
  t.is(resolveMember(two, 'JOSE'), 'ef111111'.padEnd(64, '0'), 'the name as written first')
  two.memberNames.delete('jose'); two.members.delete('ef111111'.padEnd(64, '0') as MemberId)
  two.members.set('ef222222'.padEnd(64, '0') as MemberId, { id: 'ef222222'.padEnd(64, '0') as MemberId, name: 'Josè', creditCents: 0 })
  two.memberNames.set('josè', 'ef222222'.padEnd(64, '0') as MemberId)
  t.exception(() => resolveMember(two, 'jose'), /NOT_FOUND|no member/, 'two names that differ only in their accents: money does not guess')
})

test('resolveMember: an ambiguous prefix names the candidates; nothing matching is NOT_FOUND', (t) => {
  const s = state()
  try {
    resolveMember(s, 'abcd')
    t.fail('an ambiguous prefix was accepted')
  } catch (err) {
    const e = err as { code: string, message: string }
    t.is(e.code, 'NOT_FOUND')
    t.ok(e.message.includes('Bruno (abcd1111)') && e.message.includes('Carla (abcd2222)'), e.message)
    t.alike((err as HypergasError).details, { variant: 'members', input: 'abcd', candidates: ['Bruno (abcd1111)', 'Carla (abcd2222)'], matches: 2 }, 'the interfaces word it from the details')
  }
  t.exception(() => resolveMember(s, 'Zeno'), /NOT_FOUND/)
  // A member named like the start of another's id: the name alone would send money to the wrong one.
  const dede = 'dede0000'.padEnd(64, '0') as MemberId
  s.members.set(dede, { id: dede, name: 'abcd1', creditCents: 0 })
  s.memberNames.set('abcd1', dede)
  t.exception(() => resolveMember(s, 'abcd1'), /NOT_FOUND: "abcd1" matches 2 members: abcd1 \(dede0000\), Bruno \(abcd1111\)/, 'ambiguous: both named')
  t.is(resolveMember(s, 'abcd11'), 'abcd1111'.padEnd(64, '0'), 'a longer prefix is not the name: Bruno')
})
