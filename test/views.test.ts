// SPEC §3 / issue 12: members named by full id, unique id prefix or name in any case; an
// ambiguous prefix is refused with the candidates, an unknown reference with NOT_FOUND.
import test from 'brittle'
import { createState } from '../src/fold/state.js'
import type { MemberId } from '../src/ids.js'
import { memberSummary, refuseLookalikeName, resolveMember } from '../src/api/views.js'
import type { Replay } from '../src/merge/replay.js'
import type { HypergasError } from '../src/errors.js'
import { beforeAct } from '../src/api/receipt.js'
import { Season, person } from './helpers/fixtures.js'
import { applyAct } from '../src/fold/fold.js'
import type { KeyPair } from '../src/crypto.js'
import type { ActBody } from '../src/acts/types.js'

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

test('resolveMember: a former admin no longer a member is found by name and id while their cash is on the books', (t) => {
  const season = new Season()
  // Folded with block positions, as the merge folds: registrations are recorded with theirs.
  let index = 0
  const act = (by: KeyPair, body: ActBody): string => applyAct(season.state, season.sign(by, body), { feed: season.founder.id, index: index++ })
  const [bruno, carla, marta] = ['Bruno', 'Carla', 'Marta'].map((name) => {
    const p = person(name)
    act(season.founder, { type: 'VoteRegisterMember', member: p.id, name })
    return p
  })
  t.is(act(season.founder, { type: 'VoteElectCassiere', member: bruno.id }), 'applied')
  t.is(act(season.founder, { type: 'VoteElectReferente', member: carla.id }), 'applied', 'a third admin: two may revoke the third')
  t.is(act(bruno, { type: 'Deposit', member: marta.id, cents: 500 }), 'applied', 'Bruno takes 5 € of cash')
  for (const by of [season.founder, carla]) act(by, { type: 'VoteRevokeCassiere', member: bruno.id })
  t.absent(season.state.admins.has(bruno.id), 'Bruno is no admin')
  t.is(act(season.founder, { type: 'SettleCash', from: bruno.id, cents: 300 }), 'applied', 'he hands over 3 €')
  for (const by of [season.founder, carla]) act(by, { type: 'VoteRemoveMember', member: bruno.id })
  const s = season.state
  t.absent(s.members.has(bruno.id), 'no member any more')
  t.is(s.cash.get(bruno.id), 200, 'with 2 € of the group\'s cash still on the books')
  t.is(resolveMember(s, 'bruno'), bruno.id, 'by name')
  t.is(resolveMember(s, bruno.id.slice(0, 8)), bruno.id, 'by the first characters of the id')
  t.is(beforeAct(s, [{ type: 'SettleCash', from: bruno.id, cents: 200 }]).names.get(bruno.id), `Bruno (${bruno.id.slice(0, 8)})`, 'a receipt names him')
  t.is(act(season.founder, { type: 'SettleCash', from: resolveMember(s, 'Bruno'), cents: 200 }), 'applied', 'and the rest is settled')
  t.exception(() => resolveMember(s, 'Zeno'), /NOT_FOUND/, 'another name is still no one')
  const summary = memberSummary({ state: s, confirmed: s } as unknown as Replay, bruno.id)
  t.alike([summary.name, summary.creditCents, summary.roles, summary.cashCents], [`Bruno (${bruno.id.slice(0, 8)})`, 0, [], 0], 'statement --cash: a former admin\'s summary, no credit, no roles, their cash')
  // A member whose id starts as Bruno's: a prefix naming both is refused, with both named.
  const twin = (bruno.id.slice(0, 6) + '0'.repeat(58)) as MemberId
  s.members.set(twin, { id: twin, name: 'Gemella', creditCents: 0 })
  t.exception(() => resolveMember(s, bruno.id.slice(0, 6)), new RegExp(`matches 2 members: Gemella \\(${bruno.id.slice(0, 6)}00\\), Bruno \\(${bruno.id.slice(0, 8)}\\)`), 'money does not guess between a member and a former admin')
})

test('a registration whose name reads as a member\'s without accents, apostrophes and case is refused before it is signed', (t) => {
  const s = state()
  const dan = 'da000000'.padEnd(64, '0') as MemberId
  s.members.set(dan, { id: dan, name: "Marta D'Angelo", creditCents: 0 })
  s.memberNames.set("marta d'angelo", dan)
  const add = (name: string, member = 'fe000000'.padEnd(64, '0') as MemberId): string | null => {
    try { refuseLookalikeName(s, { type: 'VoteRegisterMember', name, member }); return null } catch (err) { const e = err as HypergasError; return `${e.code} ${e.details?.variant ?? ''} ${e.details?.member ?? ''}` }
  }
  t.is(add('Jose'), "NAME_TAKEN lookalike Jos\u00e9", 'Jose beside José')
  t.is(add('Marta D\u2019Angelo'), "NAME_TAKEN lookalike Marta D'Angelo", 'a phone\'s apostrophe beside the keyboard\'s')
  t.is(add('Marta DAngelo'), "NAME_TAKEN lookalike Marta D'Angelo", 'without the apostrophe (from an audit: both were registered, and dangelo named either)')
  t.is(add('Marta D Angelo'), "NAME_TAKEN lookalike Marta D'Angelo", 'a space for the apostrophe')
  t.is(add('\u041carta D\u2019Angelo'), "NAME_TAKEN lookalike Marta D'Angelo", 'a Cyrillic М for the M')
  t.is(add('Mαrta D\u2019Angelo'), "NAME_TAKEN lookalike Marta D'Angelo", 'a Greek alpha for the a')
  s.members.set('ca000000'.padEnd(64, '0') as MemberId, { id: 'ca000000'.padEnd(64, '0') as MemberId, name: 'Nicola', creditCents: 0 })
  t.is(add('\u039Dicola'), 'NAME_TAKEN lookalike Nicola', 'a Greek capital Nu for the N (its small letter looks like a v)')
  t.is(add('Nicola Conti'), null, 'a plain Italian name beside it')
  t.is(add('Marta Dangeli'), null, 'another name')
  t.is(add('jos\u00e9'), null, 'the same name in another case: the fold\'s own NAME_TAKEN says it')
  t.is(add('Jos\u00e8', 'ef000000'.padEnd(64, '0') as MemberId), null, 'the member themself registered again')
  t.is(add('Josefa'), null)
  t.is(resolveMember(s, 'marta d\u2019angelo'), dan, 'typed with a phone\'s apostrophe, the member is found')
  t.is(resolveMember(s, 'marta dangelo'), dan, 'and without one')
})
