// SPEC §7 invites: group id, founder, and up to 16 writer feeds as hints (issue 5: a new node
// downloads every admin feed at once); invites without hints still decode.
import test from 'brittle'
import type { GroupId, MemberId } from '../src/ids.js'
import { decodeInvite, encodeInvite, MAX_INVITE_FEEDS } from '../src/api/invite.js'

const id = (c: string): string => c.repeat(64)
const g = { groupId: id('a') as GroupId, founder: id('b') as MemberId }

test('invite: the hints round-trip sorted, without duplicates or the founder', (t) => {
  const s = encodeInvite(g, [id('d'), id('c'), id('d'), id('b')] as MemberId[])
  t.ok(s.startsWith(`hypergas1${id('a')}${id('b')}${id('c')}${id('d')}`) && s.length === 9 + 4 * 64 + 8, 'then 8 chars of check')
  t.alike(decodeInvite(s), { group: g, feeds: [id('c'), id('d')] })
  t.alike(decodeInvite(encodeInvite(g)), { group: g, feeds: [] }, 'an invite without hints')
  t.alike(decodeInvite(`hypergas1${id('a')}${id('b')}${id('c')}`), { group: g, feeds: [id('c')] }, 'an invite from before the check')
  const many = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(64, '0') as MemberId)
  t.is(decodeInvite(encodeInvite(g, many)).feeds.length, MAX_INVITE_FEEDS, 'at most 16 hints')
})

test('invite: bad lengths and characters are BAD_INVITE', (t) => {
  const good = encodeInvite(g, [id('c')] as MemberId[])
  // One hex digit changed (an audit's mistyped invite followed a group nobody has, for good).
  const typo = good.slice(0, 20) + (good[20] === '0' ? '1' : '0') + good.slice(21)
  t.exception(() => decodeInvite(typo), /BAD_INVITE/, 'a changed digit is refused')
  for (const bad of [good.slice(0, -1), `${good}${id('e').slice(1)}`, good.replace('c', 'C'), `hypergas2${good.slice(9)}`, `${encodeInvite(g)}${id('f').repeat(MAX_INVITE_FEEDS + 1)}`]) {
    t.exception(() => decodeInvite(bad), /BAD_INVITE|expected|lowercase/, `${bad.length} chars refused`)
  }
})
