// Issue 16 item 4: reminders and notices derived from the state and a clock (src/api/notices.ts):
// for a member, purchases to book, bookings closing within 24 hours, approved and rejected
// bookings, a delivery with its difference, a low credit; for the admin who owns a purchase,
// commitments to decide and deliveries to record.
import test from 'brittle'
import { adminNotices, memberNotices, notCounted, notCountedRead, noticeKey, refusedEntries, refusedInOrder, REFUSED_RECENT_MS } from '../src/api/notices.js'
import { notice, receipt } from '../src/cli/format.js'
import type { ActReceipt } from '../src/api/receipt.js'
import { setLang } from '../src/cli/i18n.js'
import type { ActId, MemberId } from '../src/ids.js'
import type { MergedLog } from '../src/merge/log.js'
import type { LogEntry } from '../src/merge/replay-types.js'
import { person, Season } from './helpers/fixtures.js'

test('notices: what a member and the referente are told, and when', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  s.do(s.founder, { type: 'Deposit', member: bruno.id, cents: 5000 })
  s.do(s.founder, { type: 'Deposit', member: carla.id, cents: 300 })
  const p = s.open(s.founder, 'Malga')
  s.do(s.founder, { type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890 }] })
  const hour = 3600 * 1000
  s.do(s.founder, { type: 'SetDates', purchase: p, closesAtMs: 100 * hour, deliveryAtMs: 0 })
  const kinds = (who: typeof bruno, now: number): string[] => memberNotices(s.state, who.id, now).map((n) => n.kind)
  t.alike(kinds(bruno, 0), ['open'], 'a purchase to book, the deadline days away')
  t.alike(kinds(bruno, 90 * hour), ['closing', 'open'], 'within 24 hours: a reminder first')
  t.alike(kinds(carla, 0), ['lowCredit', 'open'], 'a credit of 3 € with a purchase open')
  s.do(bruno, { type: 'Book', member: bruno.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] })
  t.alike(kinds(bruno, 0), [], 'booked: nothing to say')
  t.alike(adminNotices(s.state, s.founder.id, 0).map((n) => [n.kind, n.count]), [['toDecide', 1]])
  s.do(s.founder, { type: 'CloseBookings', purchase: p })
  s.do(s.founder, { type: 'ApproveCommitment', member: bruno.id, purchase: p })
  t.alike(kinds(bruno, 0), ['approved'])
  t.alike(adminNotices(s.state, s.founder.id, 0).map((n) => [n.kind, n.count]), [['toDeliver', 1]])
  s.do(s.founder, { type: 'Deliver', purchase: p, member: bruno.id, lines: [{ product: 'toma', qtyMilli: 1120 }] })
  const d = memberNotices(s.state, bruno.id, 0).find((n) => n.kind === 'delivered')!
  t.alike([d.bookedCents, d.deliveredCents], [1890, 2117], 'the difference of the delivery')
  t.alike(adminNotices(s.state, s.founder.id, 0), [], 'nothing left for the referente')
  t.alike(adminNotices(s.state, bruno.id, 0), [], 'a member who owns nothing has no admin notices')
  // A purchase without a catalogue takes a free amount: the notice says to commit, not to book.
  const olio = s.open(s.founder, 'Olio')
  const free = memberNotices(s.state, carla.id, 0).find((n) => n.kind === 'open' && n.purchase === olio)!
  t.is(noticeKey(free), 'n_open_free')
  setLang('it')
  t.is(notice(free), 'acquisto aperto: "Olio", impegna un importo')
  s.do(carla, { type: 'Commit', member: carla.id, cents: 100, purchase: olio })
  s.do(s.founder, { type: 'ApproveCommitment', member: carla.id, purchase: olio })
  const approved = memberNotices(s.state, carla.id, 0).find((n) => n.kind === 'approved' && n.purchase === olio)!
  t.is(notice(approved), 'il tuo impegno su "Olio" è approvato', 'a free amount is a commitment, not a booking')
})

test('notices: a pending transfer asks the other party to accept, and tells the initiator it waits', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  s.do(s.founder, { type: 'Deposit', member: bruno.id, cents: 5000 })
  const pay = s.sign(bruno, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 500, memo: 'uova' })
  const invoice = s.sign(carla, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 250, memo: 'cassetta' })
  t.is(s.fold(pay), 'applied')
  t.is(s.fold(invoice), 'applied')
  const of = (who: typeof bruno): Array<[string, string | undefined, number | undefined]> => memberNotices(s.state, who.id, 0).map((n) => [n.kind, n.other, n.creditCents])
  t.alike(of(carla), [['toAccept', 'Bruno', 500], ['awaiting', 'Bruno', 250]], 'Carla accepts what Bruno sends, and waits on her invoice')
  t.alike(of(bruno), [['toAccept', 'Carla', -250], ['awaiting', 'Carla', -500]], 'Bruno is asked to pay, and waits on his payment')
  t.is(noticeKey(memberNotices(s.state, bruno.id, 0)[0]), 'n_toAccept_pay')
  t.is(noticeKey(memberNotices(s.state, carla.id, 0)[0]), 'n_toAccept_get')
  // The memo says what the money is for; an email tells a member to use their page, not the admin's CLI.
  setLang('it')
  const asked = memberNotices(s.state, bruno.id, 0)[0]
  t.is(notice(asked), `Carla ti chiede 2,50 € («cassetta»): hypergas accept ${invoice.id.slice(0, 8)} (o cancel ${invoice.id.slice(0, 8)})`)
  t.is(notice(asked, true), 'Carla ti chiede 2,50 € («cassetta»): accetta o rifiuta dalla tua pagina (il link che ti ha dato l\'amministratore)')
  t.is(notice(memberNotices(s.state, bruno.id, 0)[1], true), 'il tuo trasferimento di 5,00 € («uova») a Carla aspetta di essere accettato')
  setLang('en')
  t.is(notice(asked, true), 'Carla asks you for €2.50 ("cassetta"): accept or refuse it on your page (the link your admin gave you)')
  const bare = s.sign(carla, { type: 'Transfer', from: bruno.id, to: carla.id, cents: 100, memo: '   ' })
  t.is(s.fold(bare), 'applied')
  t.is(notice(memberNotices(s.state, bruno.id, 0).find((n) => n.transfer === bare.id)!, true), 'Carla asks you for €1.00: accept or refuse it on your page (the link your admin gave you)', 'a blank memo says nothing')
  s.do(bruno, { type: 'CancelTransfer', transfer: bare.id })
  s.do(carla, { type: 'AcceptTransfer', transfer: pay.id })
  s.do(bruno, { type: 'CancelTransfer', transfer: invoice.id })
  t.alike(of(carla), [], 'nothing pending, nothing to say')
  t.alike(of(bruno), [])
})

test('notices: an admin is told of their acts the group\'s order refused in the last week', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const now = 1_800_000_000_000
  const me = s.founder.id
  const deposit = s.sign(s.founder, { type: 'Deposit', member: bruno.id, cents: 500 })
  const open = s.sign(s.founder, { type: 'OpenPurchase', name: 'Latte' })
  const entry = (act: typeof deposit, feed: MemberId, status: string, ageMs: number): LogEntry => ({ seq: 0, actId: act.id, feed, index: 0, L: 1, status, final: true, timeMs: now - ageMs, act })
  const entries = [
    entry(deposit, me, 'applied', 1000),
    entry(open, me, 'NAME_TAKEN', 60_000),
    entry(deposit, bruno.id, 'NOT_CASSIERE', 1000),
    entry(deposit, me, 'NOT_CASSIERE', REFUSED_RECENT_MS + 1)
  ]
  const log = { length: entries.length, at: (i: number) => entries[i] } as unknown as MergedLog
  const got = refusedInOrder(refusedEntries(log, me, now), s.state)
  t.alike(got.map((n) => [n.kind, n.actType, n.code, n.purchaseName]), [['refusedInOrder', 'OpenPurchase', 'NAME_TAKEN', 'Latte']], 'only this admin\'s feed, only refused, only the last week')
  const restored = entries.map((e) => ({ ...e, act: undefined }))
  const fromCheckpoint = { length: restored.length, at: (i: number) => restored[i] } as unknown as MergedLog
  t.alike(refusedInOrder(refusedEntries(fromCheckpoint, me, now), s.state), [], 'acts restored from a checkpoint carry no act')
  t.alike(refusedEntries(fromCheckpoint, me, now).map((e) => e.actId), [open.id], 'which entries to read back')
  t.alike(refusedInOrder(refusedEntries(fromCheckpoint, me, now), s.state, new Map([[open.id, open]])), got, 'read back from their blocks, the same notice')
  setLang('it')
  t.ok(notice(got[0]).startsWith('rifiutato nell\'ordine del gruppo (NAME_TAKEN; un atto di un altro amministratore è venuto prima): Acquisto "Latte"'), notice(got[0]))
  const withdrawal = { ...got[0], actType: 'Withdraw' as const, code: 'INSUFFICIENT_CREDIT', other: 'Marta', amountCents: 3000 }
  t.is(noticeKey(withdrawal), 'n_refusedInOrder_withdraw')
  t.ok(notice(withdrawal).includes('Se hai già dato il contante, non è nei conti'), `a withdrawal refused in the order: the cash handed over is not in the books: ${notice(withdrawal)}`)
  setLang('en')
})

test('notices: the acts of this node\'s blocks the merge ignored (a removed admin\'s, a frozen writer\'s) are said not to be in the books', async (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const me = s.founder.id
  const deposit = s.sign(s.founder, { type: 'Deposit', member: bruno.id, cents: 700 })
  const ack = { feed: me, index: 4, L: 6, reason: 'FROZEN' as const, actIds: [] }
  const ignored = [{ feed: bruno.id, index: 2, L: 4, reason: 'NOT_A_WRITER' as const, actIds: [deposit.id] }, ack, { feed: me, index: 5, L: 7, reason: 'FROZEN' as const, actIds: [deposit.id] }]
  const got = notCounted(ignored, me, s.state, (feed, index) => (feed === me && index === 5 ? [deposit] : []))
  t.alike(got.map((n) => [n.kind, n.actType, n.code, n.other, n.amountCents]), [['notCounted', 'Deposit', 'FROZEN', 'Bruno', 700]], 'only this node\'s feed, only blocks with acts')
  // After a restart from a checkpoint, the graph holds those blocks undecoded: their acts are read back.
  const asked: number[] = []
  const again = await notCountedRead(ignored, me, s.state, () => [], async (blocks) => { asked.push(...blocks.map((b) => b.index)); return new Map([[deposit.id, deposit]]) })
  t.alike(again, got, 'the same notice, from the acts read back')
  t.alike(asked, [5], 'only this node\'s block with acts is read')
  setLang('it')
  t.ok(notice(got[0]).startsWith('non è nei conti (FROZEN: il gruppo non ha usato il blocco di questo nodo)') && notice(got[0]).includes('Versamento di 7,00 € da Bruno') && notice(got[0]).includes('sono ancora nelle tue mani'), notice(got[0]))
  const handed = { ...got[0], actType: 'Withdraw' as const }
  t.ok(notice(handed).includes('Se hai dato il contante, il credito non è stato scalato'), `a withdrawal's cash was handed over: ${notice(handed)}`)
  setLang('en')
})

test('a withdrawal\'s receipt, before it is confirmed, says it may still be refused', (t) => {
  setLang('it')
  const base: ActReceipt = { actId: 'ab'.repeat(32) as ActId, type: 'Withdraw', status: 'applied', final: false, cents: 1500, member: { id: 'cd'.repeat(32) as MemberId, name: 'Marta', creditCents: 500, confirmedCreditCents: 2000 }, cashCents: 0 }
  t.ok(receipt(base).includes('un altro cassiere potrebbe aver già restituito lo stesso credito'), receipt(base))
  t.absent(receipt({ ...base, final: true }).includes('un altro cassiere'), 'confirmed: nothing to fear')
  t.absent(receipt({ ...base, type: 'Deposit' }).includes('un altro cassiere'), 'a deposit: nothing to say')
})

test('notices: a vote another admin started waits for this admin\'s, with its figures', (t) => {
  const s = new Season()
  const bruno = s.register('Bruno')
  const carla = s.register('Carla')
  const dario = s.register('Dario')
  s.do(s.founder, { type: 'VoteElectCassiere', member: bruno.id })
  s.do(s.founder, { type: 'VoteElectReferente', member: carla.id })
  t.is(s.state.admins.size, 3, 'three admins: a quorum of 2')
  t.is(s.do(s.founder, { type: 'VoteSetLimits', member: dario.id, overdraftCents: 500, ceilingCents: 0 }), 'applied')
  t.is(s.do(s.founder, { type: 'VoteRemoveMember', member: dario.id }), 'applied')
  const forBruno = adminNotices(s.state, bruno.id, 0)
  t.alike(forBruno.map((n) => [n.kind, n.actType, n.other, n.count, n.quorum]), [['toVote', 'VoteRemoveMember', 'Dario', 1, 2], ['toVote', 'VoteSetLimits', 'Dario', 1, 2]], 'each proposal once, in a defined order')
  t.alike(adminNotices(s.state, s.founder.id, 0), [], 'not to the admin who voted')
  t.alike(adminNotices(s.state, dario.id, 0), [], 'nor to a member')
  setLang('en')
  t.is(notice(forBruno[1]), 'Vote on the credit limits of Dario (overdraft €5.00, ceiling none: a vote with other figures starts a count of its own): 1 of 2 votes, yours missing')
  setLang('it')
  t.is(notice(forBruno[0]), 'Cancellazione di Dario: 1 voto su 2, manca il tuo')
  t.is(s.do(bruno, { type: 'VoteSetLimits', member: dario.id, overdraftCents: 500, ceilingCents: 0 }), 'applied')
  t.alike(adminNotices(s.state, carla.id, 0).map((n) => n.actType), ['VoteRemoveMember'], 'a vote that reached its quorum asks no one')
  // A proposal another act made impossible asks no one: the name Elio taken by another key meanwhile.
  const elio = person('Elio')
  const other = person('Elio bis')
  t.is(s.do(s.founder, { type: 'VoteRegisterMember', name: 'Elio', member: elio.id }), 'applied')
  t.alike(adminNotices(s.state, bruno.id, 0).map((n) => n.actType), ['VoteRegisterMember', 'VoteRemoveMember'], 'Bruno is asked')
  s.do(bruno, { type: 'VoteRegisterMember', name: 'elio', member: other.id })
  t.is(s.do(carla, { type: 'VoteRegisterMember', name: 'elio', member: other.id }), 'applied')
  t.ok(s.state.members.has(other.id), 'the other key took the name')
  t.alike(adminNotices(s.state, bruno.id, 0).map((n) => n.actType), ['VoteRemoveMember'], 'the name taken: the first proposal asks no one')
})
