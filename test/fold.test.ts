// SPEC §4: every act, its accepted case and each rejection code of its row; invariants after
// every act (checked inside Season.fold).
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { ActBody } from '../src/acts/types.js'
import { quorum } from '../src/fold/state.js'
import { checkAct } from '../src/fold/fold.js'
import { refusalDetails } from '../src/fold/refusal.js'
import { person, Season } from './helpers/fixtures.js'
import { shellArg, foldedName } from '../src/ids.js'
import { refusal } from '../src/cli/format.js'
import { setLang } from '../src/cli/i18n.js'

test('quorum(n) = floor((n + 1) / 2)', (t) => {
  t.alike([1, 2, 3, 4, 5].map(quorum), [1, 1, 2, 2, 3])
})

test('CreateGroup: founder is member, referente, cassiere; a second one is GENESIS_ONLY', (t) => {
  const s = new Season()
  const a = s.founder.id
  t.ok(s.state.members.has(a))
  t.ok(s.state.referenti.has(a) && s.state.cassieri.has(a))
  t.is(s.state.groupId, s.groupId)
  const other = s.sign(person('x'), { type: 'Deposit', member: a, cents: 1 })
  t.is(s.fold(other), 'NOT_CASSIERE')
  const again = createAct({ type: 'CreateGroup', name: 'again', founderName: 'A' }, { keyPair: s.founder, timeMs: 1 })
  t.is(s.fold(again), 'GENESIS_ONLY')
})

test('VoteRegisterMember: applied, NOT_ADMIN, MEMBER_EXISTS, NAME_TAKEN, duplicate vote', (t) => {
  const s = new Season()
  const b = person('bruno')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Bruno', member: b.id }), 'applied')
  t.is(s.state.members.get(b.id)?.creditCents, 0)
  t.is(s.do(b, { type: 'VoteRegisterMember', name: 'Carla', member: person('carla').id }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Bruno2', member: b.id }), 'MEMBER_EXISTS')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'bRUNO', member: person('other').id }), 'NAME_TAKEN')
  // The same name typed with a combining accent (NFD) is the same name (the schema signs NFC).
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Jos\u00e9', member: person('jose').id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'JOSE\u0301', member: person('jose2').id }), 'NAME_TAKEN')
  // Names that read the same are one name: spaces of other widths or doubled, joiners, Greek and Cyrillic capitals.
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Anna Maria', member: person('am').id }), 'applied')
  for (const [i, name] of ['anna\u00a0maria', 'Anna  Maria', 'An\u200dna Maria', 'ANNA\u3000MARIA'].entries()) t.is(s.do(s.founder, { type: 'VoteRegisterMember', name, member: person(`am${i}`).id }), 'NAME_TAKEN', JSON.stringify(name))
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Σοφία', member: person('sofia').id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'ΣΟΦΊΑ', member: person('sofia2').id }), 'NAME_TAKEN')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'ОЛЬГА', member: person('olga').id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Ольга', member: person('olga2').id }), 'NAME_TAKEN')
})

test('foldedName: lower case for Latin, Greek, Cyrillic, Armenian and Georgian letters only, spaces of any width as one, invisible characters dropped', (t) => {
  t.is(foldedName('ÉLODIE\u2003Ünal'), 'élodie ünal')
  t.is(foldedName('Car\u200bla'), 'carla', 'a name signed elsewhere with a zero-width space is the same name')
  t.is(foldedName('\u2068Anna\u2069'), 'anna', 'or wrapped in isolates')
  t.is(foldedName('NGUYỄN'), foldedName('Nguyễn'), 'Vietnamese (Latin Extended Additional)')
  t.is(foldedName('ẞ'), 'ß')
  t.is(foldedName('ＡＮＮＡ'), 'ａｎｎａ', 'fullwidth letters')
  t.is(foldedName('ΣΟΦΊΑΣ'), foldedName('Σοφίας'), 'a final sigma is a sigma')
  t.is(foldedName('ԱՆՆԱ'), foldedName('աննա'), 'Armenian')
  t.is(foldedName('Ἀθηνᾶ'), 'Ἀθηνᾶ', 'Greek Extended is left as it is')
  t.is(foldedName('\u{10D50}'), '\u{10D50}', 'a script given lower case by Unicode 16 (Garay) is left as it is: nodes of two Node versions agree')
  t.is(foldedName('Zoë'), 'zoë')
})

test('governance votes need quorum of current admins; duplicates are refused', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  const c = s.register('carla')
  t.is(s.do(s.founder, { type: 'VoteElectReferente', member: b.id }), 'applied') // 1 admin: quorum 1
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: c.id }), 'applied') // 2 admins: quorum 1
  t.is(s.state.admins.size, 3)
  const d = person('dario')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Dario', member: d.id }), 'applied')
  t.absent(s.state.members.has(d.id), '1 of 3 votes: not yet')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Dario', member: d.id }), 'DUPLICATE_VOTE')
  t.is(s.do(b, { type: 'VoteRegisterMember', name: 'Dario', member: d.id }), 'applied')
  t.ok(s.state.members.has(d.id), '2 of 3 votes: registered')
  t.is(s.state.tallies.size, 0, 'tally cleared')
})

test('elect and revoke: ALREADY_IN_ROLE, UNKNOWN_MEMBER, NOT_IN_ROLE, LAST_IN_ROLE', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  t.is(s.do(s.founder, { type: 'VoteElectReferente', member: s.founder.id }), 'ALREADY_IN_ROLE')
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: person('nobody').id }), 'UNKNOWN_MEMBER')
  t.is(s.do(s.founder, { type: 'VoteRevokeReferente', member: b.id }), 'NOT_IN_ROLE')
  t.is(s.do(s.founder, { type: 'VoteRevokeReferente', member: s.founder.id }), 'LAST_IN_ROLE')
  t.is(s.do(s.founder, { type: 'VoteRevokeCassiere', member: s.founder.id }), 'LAST_IN_ROLE')
  t.is(s.do(b, { type: 'VoteElectCassiere', member: b.id }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: b.id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteRevokeCassiere', member: s.founder.id }), 'applied') // 2 admins: quorum 1
  t.absent(s.state.cassieri.has(s.founder.id))
  t.ok(s.state.admins.has(s.founder.id), 'still referente, so still admin')
})

test('revoking a referente fails their open purchases and refunds everyone', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  s.do(s.founder, { type: 'VoteElectReferente', member: b.id })
  const m = s.register('mara')
  s.do(s.founder, { type: 'Deposit', member: m.id, cents: 1000 })
  const p = s.open(b, 'Pane')
  s.do(m, { type: 'Commit', member: m.id, cents: 400, purchase: p })
  t.is(s.credit(m), 600)
  t.is(s.do(s.founder, { type: 'VoteRevokeReferente', member: b.id }), 'NEEDS_MEMBERS', 'with two admins one cannot take the other\'s last role')
  t.is(s.do(b, { type: 'VoteRevokeReferente', member: b.id }), 'applied', 'stepping down is allowed')
  t.is(s.state.purchases.get(p)?.phase, 'failed')
  t.is(s.credit(m), 1000)
  t.absent(s.state.admins.has(b.id), 'no role left: no longer a writer')
  t.is(s.state.cash.get(b.id), 0, 'former admin keeps a cash entry')
})

test('VoteRemoveMember: UNKNOWN_MEMBER, MEMBER_HAS_FUNDS, MEMBER_IS_ADMIN, applied', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: person('x').id }), 'UNKNOWN_MEMBER')
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: s.founder.id }), 'MEMBER_IS_ADMIN')
  s.do(s.founder, { type: 'Deposit', member: b.id, cents: 100 })
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: b.id }), 'MEMBER_HAS_FUNDS')
  const p = s.open(s.founder, 'Olio')
  s.do(b, { type: 'Commit', member: b.id, cents: 100, purchase: p })
  t.is(s.credit(b), 0)
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: b.id }), 'MEMBER_HAS_FUNDS', 'open commitment counts')
  t.is(refusalDetails(s.state, { type: 'VoteRemoveMember', member: b.id }, 'MEMBER_HAS_FUNDS').variant, 'commitment', 'and the message names the commitment, not a withdrawal of no credit')
  s.do(s.founder, { type: 'RejectCommitment', member: b.id, purchase: p })
  s.do(s.founder, { type: 'Withdraw', member: b.id, cents: 100, reason: 'leaving' })
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: b.id }), 'applied')
  t.absent(s.state.members.has(b.id))
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Bruno', member: person('bruno2').id }), 'applied', 'name is free again')
})

test('Deposit and Withdraw: NOT_CASSIERE, UNKNOWN_MEMBER, INSUFFICIENT_CREDIT, AMOUNT_OVERFLOW', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  t.is(s.do(b, { type: 'Deposit', member: b.id, cents: 100 }), 'NOT_CASSIERE')
  t.is(s.do(s.founder, { type: 'Deposit', member: person('x').id, cents: 100 }), 'UNKNOWN_MEMBER')
  t.is(s.do(s.founder, { type: 'Deposit', member: b.id, cents: 2500 }), 'applied')
  t.is(s.credit(b), 2500)
  t.is(s.state.cash.get(s.founder.id), 2500)
  t.is(s.do(s.founder, { type: 'Withdraw', member: b.id, cents: 2501, reason: '' }), 'INSUFFICIENT_CREDIT')
  t.is(s.do(b, { type: 'Withdraw', member: b.id, cents: 1, reason: '' }), 'NOT_CASSIERE')
  t.is(s.do(s.founder, { type: 'Withdraw', member: b.id, cents: 500, reason: 'rimborso' }), 'applied')
  t.is(s.credit(b), 2000)
  t.is(s.do(s.founder, { type: 'Deposit', member: b.id, cents: Number.MAX_SAFE_INTEGER }), 'AMOUNT_OVERFLOW')
  t.is(s.credit(b), 2000, 'unchanged')
})

test('SettleCash: NOT_ADMIN for non-admins, unknown or self counterpart; moves cash', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  s.do(s.founder, { type: 'VoteElectCassiere', member: b.id })
  s.do(b, { type: 'Deposit', member: b.id, cents: 3000 })
  const m = s.register('mara', [s.founder, b])
  t.is(s.do(m, { type: 'SettleCash', from: b.id, cents: 100 }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'SettleCash', from: s.founder.id, cents: 100 }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'SettleCash', from: m.id, cents: 100 }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'SettleCash', from: b.id, cents: 1000 }), 'applied')
  t.is(s.state.cash.get(s.founder.id), 1000)
  t.is(s.state.cash.get(b.id), 2000)
})

test('purchase life: open, commit, approve, reject, adjust, votes, close pays from owner cash', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  const m = s.register('mara')
  s.do(s.founder, { type: 'Deposit', member: b.id, cents: 5000 })
  s.do(s.founder, { type: 'Deposit', member: m.id, cents: 5000 })
  t.is(s.do(b, { type: 'OpenPurchase', name: 'x' }), 'NOT_REFERENTE')
  const p = s.open(s.founder, 'Arance')
  t.is(s.do(s.founder, { type: 'OpenPurchase', name: 'ARANCE' }), 'NAME_TAKEN')
  t.is(s.do(b, { type: 'Commit', member: m.id, cents: 100, purchase: p }), 'NOT_AUTHORIZED')
  t.is(s.do(b, { type: 'Commit', member: b.id, cents: 100, purchase: person('nope').id as string as typeof p }), 'UNKNOWN_PURCHASE')
  t.is(s.do(b, { type: 'Commit', member: b.id, cents: 6000, purchase: p }), 'INSUFFICIENT_CREDIT')
  t.is(s.do(b, { type: 'Commit', member: b.id, cents: 1200, purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'Commit', member: m.id, cents: 800, purchase: p }), 'applied', 'admin on behalf')
  t.is(s.credit(b), 3800)
  t.is(s.do(b, { type: 'ApproveCommitment', member: b.id, purchase: p }), 'NOT_OWNER')
  t.alike(refusalDetails(s.state, { type: 'ApproveCommitment', member: b.id, purchase: p }, 'NOT_OWNER', b.id), { variant: 'owner', input: 'Anna' }, 'the refusal names who may: the referente who opened it')
  t.is(s.do(s.founder, { type: 'ApproveCommitment', member: s.founder.id, purchase: p }), 'NO_PENDING_COMMITMENT')
  t.is(s.do(s.founder, { type: 'ApproveCommitment', member: b.id, purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'ApproveCommitment', member: b.id, purchase: p }), 'NO_PENDING_COMMITMENT')
  t.is(s.do(s.founder, { type: 'AdjustCommitment', member: b.id, cents: 9000, purchase: p }), 'INSUFFICIENT_CREDIT')
  t.is(s.do(s.founder, { type: 'AdjustCommitment', member: b.id, cents: 1500, purchase: p }), 'applied')
  t.is(s.credit(b), 3500)
  t.is(s.do(s.founder, { type: 'AdjustCommitment', member: s.founder.id, cents: 1, purchase: p }), 'NO_COMMITMENT')
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'NO_QUORUM')
  t.is(s.do(b, { type: 'VoteClosePurchase', purchase: p }), 'NOT_ADMIN')
  t.is(s.do(s.founder, { type: 'VoteClosePurchase', purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteClosePurchase', purchase: p }), 'DUPLICATE_VOTE')
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'PENDING_COMMITMENTS')
  t.is(s.do(s.founder, { type: 'RejectCommitment', member: m.id, purchase: p }), 'applied')
  t.is(s.credit(m), 5000, 'rejected commitment refunded')
  t.is(s.do(s.founder, { type: 'RejectCommitment', member: m.id, purchase: p }), 'NO_COMMITMENT')
  t.is(s.do(b, { type: 'ClosePurchase', purchase: p }), 'NOT_OWNER')
  const cashBefore = s.state.cash.get(s.founder.id)!
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'applied')
  t.is(s.state.cash.get(s.founder.id), cashBefore - 1500, 'owner paid the approved total')
  t.is(s.state.purchases.get(p)?.paidCents, 1500)
  t.is(s.do(s.founder, { type: 'Commit', member: b.id, cents: 1, purchase: p }), 'PURCHASE_NOT_OPEN')
  t.is(s.do(s.founder, { type: 'VoteFailPurchase', purchase: p }), 'PURCHASE_NOT_OPEN')
  t.is(s.open(s.founder, 'Arance').length, 64, 'the name is free once closed')
})

test('FailPurchase: NO_QUORUM, then every non-rejected commitment refunded', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  s.do(s.founder, { type: 'Deposit', member: b.id, cents: 1000 })
  const p = s.open(s.founder, 'Miele')
  s.do(b, { type: 'Commit', member: b.id, cents: 300, purchase: p })
  s.do(s.founder, { type: 'ApproveCommitment', member: b.id, purchase: p })
  s.do(b, { type: 'Commit', member: b.id, cents: 200, purchase: p })
  t.is(s.state.purchases.get(p)?.commitments.get(b.id)?.amountCents, 500)
  t.is(s.do(s.founder, { type: 'FailPurchase', purchase: p }), 'NO_QUORUM')
  t.alike(refusalDetails(s.state, { type: 'FailPurchase', purchase: p }, 'NO_QUORUM'), { votes: 0, quorum: 1, variant: 'fail' }, 'the votes to fail it, and the command to vote so')
  s.do(s.founder, { type: 'VoteFailPurchase', purchase: p })
  t.is(s.do(s.founder, { type: 'FailPurchase', purchase: p }), 'applied')
  t.is(s.credit(b), 1000)
  t.is(s.state.purchases.get(p)?.phase, 'failed')
})

test('a duplicate act id is ignored; checkAct never changes the state', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  const dep = s.sign(s.founder, { type: 'Deposit', member: b.id, cents: 100 })
  t.is(checkAct(s.state, dep), null)
  t.is(s.credit(b), 0, 'dry run changed nothing')
  t.is(s.fold(dep), 'applied')
  t.is(s.fold(dep), 'duplicate')
  t.is(s.credit(b), 100)
})

test('rejections are recorded with their act id and code', (t) => {
  const s = new Season()
  const a = s.sign(person('z'), { type: 'OpenPurchase', name: 'x' })
  s.fold(a)
  t.alike(s.state.rejections, [{ actId: a.id, code: 'NOT_REFERENTE' }])
})

test('a tally that reached quorum as admins left takes effect with a vote again (SPEC §4: quorum at that point in the order)', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  const c = s.register('carla')
  s.do(s.founder, { type: 'VoteElectCassiere', member: b.id })
  s.do(s.founder, { type: 'VoteElectCassiere', member: c.id })
  const d = person('dario')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Dario', member: d.id }), 'applied')
  t.absent(s.state.members.has(d.id), '1 of 2 votes')
  // Bruno and Carla step down: Anna alone, quorum 1.
  for (const x of [b, c]) {
    s.do(x, { type: 'VoteRevokeCassiere', member: x.id })
    s.do(s.founder, { type: 'VoteRevokeCassiere', member: x.id })
  }
  t.is(s.state.admins.size, 1)
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Dario', member: d.id }), 'applied', 'her vote again is no duplicate now: 1 of 1')
  t.ok(s.state.members.has(d.id), 'registered (with the old rule the last admin could never complete her own tally)')
  t.is(s.do(s.founder, { type: 'VoteElectCassiere', member: d.id }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteElectReferente', member: d.id }), 'applied', 'two admins: quorum 1')
})

test('who before what: a revoke of a key never registered is NOT_IN_ROLE, an owner act of another\'s closed purchase NOT_OWNER', (t) => {
  const s = new Season()
  t.is(s.do(s.founder, { type: 'VoteRevokeReferente', member: person('nobody').id }), 'NOT_IN_ROLE')
  t.is(s.do(s.founder, { type: 'VoteRevokeCassiere', member: person('nobody').id }), 'NOT_IN_ROLE')
  const b = s.register('bruno')
  s.do(s.founder, { type: 'VoteElectReferente', member: b.id })
  const opened = s.sign(b, { type: 'OpenPurchase', name: 'Pane' })
  s.fold(opened)
  const p = opened.id as never
  s.do(b, { type: 'VoteFailPurchase', purchase: p })
  t.is(s.do(b, { type: 'FailPurchase', purchase: p }), 'applied')
  const bodies: ActBody[] = [{ type: 'ApproveCommitment', member: b.id, purchase: p }, { type: 'ClosePurchase', purchase: p }, { type: 'AddProducts', purchase: p, products: [{ key: 'x', name: 'X', unit: 'pz', priceCents: 1 }] }]
  for (const body of bodies) {
    t.is(s.do(s.founder, body), 'NOT_OWNER', `${body.type} by another referente`)
    t.is(s.do(b, body), 'PURCHASE_NOT_OPEN', `${body.type} by the owner`)
  }
})

test('Withdraw never draws on an overdraft (SPEC §4: credit ≥ cents; §4.6: deposits and bookings respect the limits)', (t) => {
  const s = new Season()
  const b = s.register('bruno')
  s.do(s.founder, { type: 'VoteSetLimits', member: b.id, overdraftCents: 5000, ceilingCents: 0 })
  t.is(s.state.limits.get(b.id)?.overdraftCents, 5000)
  s.do(s.founder, { type: 'Deposit', member: b.id, cents: 1000 })
  t.is(s.do(s.founder, { type: 'Withdraw', member: b.id, cents: 1001, reason: '' }), 'INSUFFICIENT_CREDIT', 'no cash lent over the counter')
  t.is(s.do(s.founder, { type: 'Withdraw', member: b.id, cents: 1000, reason: '' }), 'applied')
  const opened = s.sign(s.founder, { type: 'OpenPurchase', name: 'Olio' })
  s.fold(opened)
  t.is(s.do(b, { type: 'Commit', member: b.id, cents: 3000, purchase: opened.id as never }), 'applied', 'a commitment may use it')
  t.is(s.state.members.get(b.id)?.creditCents, -3000)
})

test('shellArg: a name as one argument of the command the interfaces tell a user to type', (t) => {
  t.is(shellArg('Bruno'), 'Bruno')
  t.is(shellArg('Nicolò'), 'Nicolò')
  t.is(shellArg('Bruno Rossi'), "'Bruno Rossi'", 'a name of two words stays one argument')
  t.is(shellArg("D'Amico"), '"D\'Amico"')
  t.is(shellArg('a"b\'c'), "'a\"b'\\''c'")
  t.is(shellArg('x$y'), "'x$y'", 'nothing expands')
})

test('ClosePurchase short of votes: an owner who voted already is told the others vote, not asked to', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  s.do(s.founder, { type: 'VoteElectCassiere', member: bruno.id })
  s.do(s.founder, { type: 'VoteElectReferente', member: carla.id })
  const p = s.open(s.founder, 'Pane')
  t.is(s.do(s.founder, { type: 'VoteClosePurchase', purchase: p }), 'applied')
  t.is(s.do(s.founder, { type: 'ClosePurchase', purchase: p }), 'NO_QUORUM', 'one of three admins: a quorum of 2')
  t.alike(refusalDetails(s.state, { type: 'ClosePurchase', purchase: p }, 'NO_QUORUM', s.founder.id), { votes: 1, quorum: 2, variant: 'voted' }, 'her vote is among them')
  t.alike(refusalDetails(s.state, { type: 'ClosePurchase', purchase: p }, 'NO_QUORUM', bruno.id), { votes: 1, quorum: 2 }, 'one who did not vote is asked to')
  t.alike(refusalDetails(s.state, { type: 'FailPurchase', purchase: p }, 'NO_QUORUM', s.founder.id), { votes: 0, quorum: 2, variant: 'fail' }, 'a vote to close is no vote to fail')
  setLang('en')
  t.is(refusal('NO_QUORUM', '', refusalDetails(s.state, { type: 'ClosePurchase', purchase: p }, 'NO_QUORUM', s.founder.id)), '1 of 2 votes, yours among them: 1 missing. The other admins vote with: hypergas vote-close <purchase>')
})
