// Issue 13 (SPEC §5, docs/ordering.md §4 and §6): what a removed admin's frozen length F counts
// when admins are removed on one side of a partition. Two admins removed together by the majority,
// who kept writing and acknowledging each other on their side, must not vouch for each other when
// the sides meet (a rule that counted every block before the removal fails the first test). An
// admin's acknowledgement that kept a block in F (a voucher) vouches for it only once the other
// admins include it: before that, a later removal of that admin may drop it, so the block is not
// confirmed. Admins elected after the block are not asked, and a set of vouchers that the other
// asked admins include is enough, however many vouchers are written later.
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { ActBody, SignedAct } from '../src/acts/types.js'
import type { GroupId, MemberId } from '../src/ids.js'
import { decodeBlockEntries } from '../src/merge/entries.js'
import { Graph } from '../src/merge/graph.js'
import { replay, type GroupRef, type Replay } from '../src/merge/replay.js'
import { chainBlock } from './helpers/blocks.js'
import { person } from './helpers/fixtures.js'

type Person = ReturnType<typeof person>
const A = person('z-anna')
const B = person('z-bruno')
const C = person('z-carla')
const X = person('z-xenia')
const Y = person('z-yuri')
const M = person('z-marta')
const ALL = [A, B, C, X, Y]

/** Five admins' feeds written by hand, each block's view given by its writer's lengths. */
function world () {
  const blocks = new Map<MemberId, Buffer[]>()
  let t = 0
  const genesis = createAct({ type: 'CreateGroup', name: 'Z', founderName: 'Anna' }, { keyPair: A, timeMs: 0 })
  const g: GroupRef = { groupId: genesis.id as GroupId, founder: A.id }
  const act = (by: Person, body: ActBody): SignedAct => createAct(body, { group: g.groupId, keyPair: by, timeMs: ++t })
  const len = (p: Person): number => blocks.get(p.id)?.length ?? 0
  /** Writes a block of `by` that has seen `view` (default: everything held now). */
  const write = (by: Person, acts: SignedAct[] = [], view?: Record<string, number>): void => {
    const links = ALL.filter((p) => p !== by).map((p) => [p.id, view?.[p.id] ?? len(p)] as const)
    chainBlock(blocks, by.id, links, acts.map((a) => a.bytes))
  }
  /** Replays the first `hold[feed]` blocks of each feed (all by default). */
  const rep = (hold: Record<string, number> = {}): Replay => {
    const graph = new Graph()
    for (const [feed, list] of [...blocks].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const n = hold[feed] ?? list.length
      for (let i = 0; i < n; i++) {
        const d = decodeBlockEntries(list[i], feed, g.groupId)
        graph.add(feed, i, d.block, d.entries, d.hash)
      }
    }
    return replay(graph, g)
  }
  const reg = (p: Person, name: string): SignedAct => act(A, { type: 'VoteRegisterMember', name, member: p.id })
  // Five admins, cassieri but the founder; everyone acknowledges everyone: all final.
  write(A, [genesis, reg(B, 'B'), reg(C, 'C'), reg(X, 'X'), reg(Y, 'Y'), reg(M, 'M'), act(A, { type: 'VoteElectCassiere', member: B.id }), act(A, { type: 'VoteElectCassiere', member: C.id }), act(A, { type: 'VoteElectCassiere', member: X.id })])
  write(B, [act(B, { type: 'VoteElectCassiere', member: X.id }), act(B, { type: 'VoteElectCassiere', member: Y.id })])
  write(A, [act(A, { type: 'VoteElectCassiere', member: Y.id })])
  for (let round = 0; round < 2; round++) for (const p of ALL) write(p)
  return { act, len, write, rep }
}

const finalLog = (v: Replay): string[] => v.log.slice(0, v.finalCount).map((e) => `${e.actId} ${e.status}`)
const isPrefix = (a: string[], b: string[]): boolean => a.every((x, i) => b[i] === x)

test('two removed admins who acknowledge each other from their side of a partition do not undo their confirmed removal', (t) => {
  const { act, len, write, rep } = world()
  const before = rep()
  t.is(before.state.admins.size, 5, 'five admins')
  t.is(before.finalCount, before.log.length, 'all final')
  const cut = Object.fromEntries(ALL.map((p) => [p.id, len(p)]))
  // Partition: A, B, C remove X and Y; X and Y, together, deposit and acknowledge each other.
  write(X, [act(X, { type: 'Deposit', member: M.id, cents: 4242 })], cut)
  write(Y, [], { ...cut, [X.id]: len(X) })
  write(X, [], { ...cut, [Y.id]: len(Y) })
  write(Y, [act(Y, { type: 'Deposit', member: M.id, cents: 777 })], { ...cut, [X.id]: len(X) })
  write(X, [], { ...cut, [Y.id]: len(Y) })
  const side = { [X.id]: cut[X.id], [Y.id]: cut[Y.id] } // what A, B and C hold of X and Y
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(C, [act(C, { type: 'VoteRevokeCassiere', member: X.id }), act(C, { type: 'VoteRevokeCassiere', member: Y.id })], side)
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: Y.id }), act(A, { type: 'Deposit', member: M.id, cents: 5 })], side)
  for (let round = 0; round < 3; round++) for (const p of [A, B, C]) write(p, [], side)
  const abc = rep(side)
  t.is(abc.state.admins.size, 3, 'X and Y removed on the majority side')
  t.is(abc.finalCount, abc.log.length, 'and it is final there')
  const all = rep()
  t.comment(`freezes ${JSON.stringify(all.freezes.map((f) => [f.feed.slice(0, 4), f.length]))} final ${all.finalCount}/${all.log.length}`)
  t.ok(isPrefix(finalLog(abc), finalLog(all)), 'what the majority confirmed is a prefix of what is confirmed once the sides meet')
  t.absent(all.log.some((e) => e.act?.body.type === 'Deposit' && (e.act.author === X.id || e.act.author === Y.id)), "the removed admins' deposits of the partition are not folded")
})

test('an admin removed after it acknowledged another removal, by removers who never saw that acknowledgement, vouches for nothing', (t) => {
  const { act, len, write, rep } = world()
  const cut = Object.fromEntries(ALL.map((p) => [p.id, len(p)]))
  // X, stale, deposits (u); Y sees u.
  write(X, [act(X, { type: 'Deposit', member: M.id, cents: 4242 })], cut)
  write(Y, [], { ...cut, [X.id]: len(X) })
  const side = { [X.id]: cut[X.id], [Y.id]: cut[Y.id] } // what A, B and C hold of X and Y
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(C, [act(C, { type: 'VoteRevokeCassiere', member: X.id })], side)
  // Y receives the removal of X (and u), and acknowledges it; A, B and C never receive this.
  write(Y, [], { [A.id]: len(A), [B.id]: len(B), [C.id]: len(C), [X.id]: len(X) })
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: Y.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: Y.id })], side)
  for (let round = 0; round < 3; round++) for (const p of [A, B, C]) write(p, [], side)
  const abc = rep(side)
  t.is(abc.state.admins.size, 3, 'X and Y removed on the majority side')
  t.is(abc.finalCount, abc.log.length, 'and it is final there')
  const all = rep()
  t.ok(isPrefix(finalLog(abc), finalLog(all)), "Y's acknowledgement, which saw X's deposit, does not bring it back")
  t.absent(all.log.some((e) => e.act?.body.type === 'Deposit' && e.act.author === X.id), "X's deposit is not folded")
})

/**
 * X, stale, deposits (u); A, B and C, not holding u, remove X; Y acknowledges the removal having
 * seen u (so F keeps u); A, B and C then receive u from X, but not Y's acknowledgement.
 */
function keptByY () {
  const w = world()
  const { act, len, write } = w
  const cut = Object.fromEntries(ALL.map((p) => [p.id, len(p)]))
  write(X, [act(X, { type: 'Deposit', member: M.id, cents: 4242 })], cut)
  const side = { [X.id]: cut[X.id], [Y.id]: cut[Y.id] }
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(C, [act(C, { type: 'VoteRevokeCassiere', member: X.id })], side)
  for (const p of [A, B, C]) write(p, [], side)
  write(Y)
  const noY = { [Y.id]: cut[Y.id] }
  for (let round = 0; round < 2; round++) for (const p of [A, B, C]) write(p, [], noY)
  return { ...w, noY, yAck: { feed: Y.id, index: len(Y) - 1 } }
}

const uConfirmed = (v: Replay): boolean => v.log.slice(0, v.finalCount).some((e) => e.act?.body.type === 'Deposit' && e.act.author === X.id)

test("a removed admin's block that F keeps by another admin's acknowledgement waits until every admin includes that acknowledgement", (t) => {
  const { write, rep, yAck } = keptByY()
  const atY = rep()
  t.absent(uConfirmed(atY), "u is not confirmed on Y's node while A, B and C have not included Y's acknowledgement")
  t.alike(atY.waitingFor, [A.id, B.id, C.id].sort(), 'confirmation waits for A, B and C')
  t.alike(atY.awaits, [yAck], "to include Y's acknowledgement")
  t.ok(atY.log.some((e) => e.act?.body.type === 'Deposit' && e.act.author === X.id && e.status === 'applied'), 'u is folded (tentative)')
  for (const p of [A, B, C]) write(p)
  const later = rep()
  t.ok(uConfirmed(later), 'once they include it, u is confirmed')
  t.is(later.finalCount, later.log.length, 'and everything is final')
  t.alike(later.awaits, [], 'nothing awaited')
})

test("a block of a removed admin, kept because another admin saw it before the removal, is not confirmed where that admin's later removal, by admins who never saw its acknowledgement, drops it", (t) => {
  const { act, write, rep, noY } = keptByY()
  const atY = rep()
  t.comment(`on Y's node: final ${atY.finalCount}/${atY.log.length}, u confirmed ${uConfirmed(atY)}`)
  // Later, A and B, still without Y's acknowledgement, vote Y out.
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: Y.id })], noY)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: Y.id })], noY)
  for (let round = 0; round < 2; round++) for (const p of [A, B, C]) write(p, [], noY)
  const all = rep()
  t.comment(`everything: final ${all.finalCount}/${all.log.length}, u confirmed ${uConfirmed(all)}, freezes ${JSON.stringify(all.freezes.map((f) => [f.feed.slice(0, 4), f.length]))}`)
  t.is(all.finalCount, all.log.length, 'everything is final once Y is removed')
  t.absent(all.log.some((e) => e.act?.body.type === 'Deposit' && e.act.author === X.id), 'u is frozen')
  t.ok(isPrefix(finalLog(atY), finalLog(all)), "what Y's node confirmed is a prefix of what is confirmed with the removal of Y")
})

/**
 * A and B vote X out and M in; X, having seen both votes, deposits (u); C, without u, completes
 * M's election (after u in the order). Returns the views at the votes and at the election.
 */
function electedAfterU () {
  const w = world()
  const { act, len, write } = w
  const cut = Object.fromEntries(ALL.map((p) => [p.id, len(p)]))
  const side = { [X.id]: cut[X.id], [Y.id]: cut[Y.id] }
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: X.id }), act(A, { type: 'VoteElectCassiere', member: M.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: X.id }), act(B, { type: 'VoteElectCassiere', member: M.id })], { ...side, [A.id]: cut[A.id] })
  write(X, [act(X, { type: 'Deposit', member: M.id, cents: 4242 })], { [A.id]: len(A), [B.id]: len(B), [C.id]: cut[C.id], [Y.id]: cut[Y.id] })
  const votes = { ...side, [A.id]: len(A), [B.id]: len(B) }
  write(C, [], votes)
  write(C, [act(C, { type: 'VoteElectCassiere', member: M.id })], votes)
  return { ...w, votes, elected: { ...votes, [C.id]: len(C) } }
}

test("a removed admin's block confirmed before an admin elected after it completes the removal stays confirmed (docs/ordering.md §6 point 2)", (t) => {
  const { act, len, write, rep, elected } = electedAfterU()
  // Everyone but M acknowledges everything: u is confirmed.
  write(C, [], elected)
  // Each acknowledges from the same view: none includes another's acknowledgement.
  const all = Object.fromEntries([...ALL, M].map((p) => [p.id, len(p)]))
  for (const p of [A, B, C, Y]) write(p, [], all)
  const before = rep()
  t.ok(uConfirmed(before), 'u is confirmed')
  // M, from the view at its election (without u), casts the vote that removes X, in a block that
  // sorts before every acknowledgement of u: F at the removal does not count u, the
  // acknowledgements written before anyone knew of it do.
  write(M, [act(M, { type: 'VoteRevokeCassiere', member: X.id })], elected)
  const after = rep()
  t.is(after.freezes.length, 1, 'X is removed')
  t.ok(uConfirmed(after), 'u stays confirmed')
  t.ok(isPrefix(finalLog(before), finalLog(after)), 'what was confirmed is a prefix of what is confirmed')
})

test("a removed admin's block confirmed by its vouchers stays confirmed when an admin elected after it writes another voucher", (t) => {
  const { act, len, write, rep, votes, elected } = electedAfterU()
  // Y sees M's election, and C removes X (r).
  write(Y, [], elected)
  write(C, [act(C, { type: 'VoteRevokeCassiere', member: X.id })], { ...votes, [Y.id]: len(Y) })
  write(Y, [], elected) // so that the acknowledgements below sort after r
  // A, B and Y acknowledge u without knowing of r, each without the others' acknowledgements:
  // three vouchers. C then includes all three.
  const seen = { [A.id]: len(A), [B.id]: len(B), [C.id]: len(C) - 1, [X.id]: len(X), [Y.id]: len(Y) }
  for (const p of [A, B, Y]) write(p, [], seen)
  t.absent(uConfirmed(rep()), 'u waits: C has not included it')
  write(C)
  const before = rep()
  t.is(before.freezes.length, 1, 'X is removed')
  t.is(before.freezes[0].length, len(X), 'u is kept')
  t.ok(uConfirmed(before), 'u is confirmed: C, who wrote no voucher, includes every voucher')
  // M, elected after u, acknowledges r having seen u: a fourth voucher, which C does not include.
  write(M)
  const after = rep()
  t.ok(uConfirmed(after), 'u stays confirmed')
  t.ok(isPrefix(finalLog(before), finalLog(after)), 'what was confirmed is a prefix of what is confirmed')
})

test('four admins, two gone: the two left revoke them, a block the four shared waits (a 2–2 split looks the same), and one members\' recovery resumes finality (docs/ordering.md §5)', (t) => {
  const { act, len, write, rep } = world()
  // C steps down (quorum 3 of 5: C, A, B): four admins, A, B, X and Y.
  write(C, [act(C, { type: 'VoteRevokeCassiere', member: C.id })])
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: C.id })])
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: C.id })])
  for (let round = 0; round < 2; round++) for (const p of ALL) write(p)
  const four = rep()
  t.alike([...four.state.admins].sort(), [A.id, B.id, X.id, Y.id].sort(), 'four admins')
  t.is(four.finalCount, four.log.length, 'all final')
  // A's deposit b; X and Y are gone and never see it. A and B revoke both (quorum 2 of 4, then 2 of 3).
  const side = { [X.id]: len(X), [Y.id]: len(Y) }
  write(A, [act(A, { type: 'Deposit', member: M.id, cents: 1234 })], side)
  const b = rep().log.length - 1
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: X.id })], side)
  write(A, [act(A, { type: 'VoteRevokeCassiere', member: X.id }), act(A, { type: 'VoteRevokeCassiere', member: Y.id })], side)
  write(B, [act(B, { type: 'VoteRevokeCassiere', member: Y.id })], side)
  for (let round = 0; round < 2; round++) for (const p of [A, B]) write(p, [], side)
  const stuck = rep(side)
  t.alike([...stuck.state.admins].sort(), [A.id, B.id].sort(), 'X and Y removed by A and B')
  t.ok(stuck.finalCount <= b, 'the deposit written when the group had four admins is not confirmed: two of four are no majority')
  t.alike(stuck.waitingFor, [X.id, Y.id].sort(), 'it waits for X and Y')
  // The members' recovery of X: A, B, C and M are 4 of the 6 ever registered.
  write(A, [M, C, A].map((p) => act(p, { type: 'VoteRecover', member: X.id })), side)
  write(B, [act(B, { type: 'VoteRecover', member: X.id })], side)
  for (let round = 0; round < 2; round++) for (const p of [A, B]) write(p, [], side)
  const v = rep(side)
  t.ok(v.freezes.some((f) => f.byMembers && f.feed === X.id), 'the members froze X')
  t.is(v.finalCount, v.log.length, 'everything final: X counts as gone, and A and B are a majority of A, B and Y')
  t.alike(v.waitingFor, [])
  t.is(v.confirmed.members.get(M.id)?.creditCents, 1234, 'the deposit is confirmed')
})
