// Issue 3 / SPEC §5 hazards, at the merge level: hostile or broken input is refused or skipped,
// never crashes the merge, and never changes the final prefix. Each test builds feeds block by
// block with explicit links, so the scenario is exact.
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { ActBody, SignedAct } from '../src/acts/types.js'
import { stateHash } from '../src/fold/hash.js'
import type { GroupId, MemberId } from '../src/ids.js'
import { decodeBlock, encodeBlock, MAX_BLOCK_BYTES, NO_PREV } from '../src/merge/block.js'
import { decodeBlockEntries } from '../src/merge/entries.js'
import { Graph } from '../src/merge/graph.js'
import { replay, type GroupRef, type Replay } from '../src/merge/replay.js'
import { HypergasError } from '../src/errors.js'
import { finalityView, recoveryView } from '../src/api/views.js'
import { recoveryCount, type RecoveryCount } from '../src/merge/removals.js'
import { logView } from '../src/api/log-view.js'
import { chainBlock } from './helpers/blocks.js'
import { person } from './helpers/fixtures.js'

type Person = ReturnType<typeof person>
const A = person('h-anna')
const B = person('h-bruno')
const X = person('h-xenia')
const M = person('h-marta')
const N = person('h-nino') // registered nowhere: acts about N are rejected, which is fine here

/** Feeds written by hand: each block's links are given explicitly as {writer: length}. */
class Feeds {
  readonly blocks = new Map<MemberId, Buffer[]>()
  readonly g: GroupRef
  private t = 0

  constructor (founder: Person = A) {
    const genesis = createAct({ type: 'CreateGroup', name: 'H', founderName: 'Anna' }, { keyPair: founder, timeMs: 0 })
    this.g = { groupId: genesis.id as GroupId, founder: founder.id }
    // A: genesis, members, B and X cassieri (3 admins: quorum 2).
    this.write(founder, {}, [genesis,
      this.act(founder, { type: 'VoteRegisterMember', name: 'Bruno', member: B.id }),
      this.act(founder, { type: 'VoteRegisterMember', name: 'Xenia', member: X.id }),
      this.act(founder, { type: 'VoteRegisterMember', name: 'Marta', member: M.id }),
      this.act(founder, { type: 'VoteElectCassiere', member: B.id }),
      this.act(founder, { type: 'VoteElectCassiere', member: X.id })])
  }

  act (by: Person, body: ActBody, group: GroupId = this.g.groupId): SignedAct {
    return createAct(body, { group, keyPair: by, timeMs: ++this.t })
  }

  /** Appends a block to `by`'s feed; returns its index. */
  write (by: Person, links: Record<string, number>, acts: Array<SignedAct | Buffer> = []): number {
    chainBlock(this.blocks, by.id, Object.entries(links) as Array<[MemberId, number]>, acts.map((a) => (Buffer.isBuffer(a) ? a : a.bytes)))
    return this.len(by) - 1
  }

  len (p: Person): number {
    return this.blocks.get(p.id)?.length ?? 0
  }

  /** A graph holding the first `hold[feed]` blocks of each feed (all of them by default). */
  graph (hold: Record<string, number> = {}): Graph {
    const graph = new Graph()
    for (const [feed, list] of [...this.blocks].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const n = hold[feed] ?? list.length
      for (let i = 0; i < n; i++) {
        const d = decodeBlockEntries(list[i], feed as MemberId, this.g.groupId)
        graph.add(feed as MemberId, i, d.block, d.entries, d.hash)
      }
    }
    return graph
  }

  replay (hold: Record<string, number> = {}): Replay {
    return replay(this.graph(hold), this.g)
  }
}

/** B and X join and everyone acknowledges everyone: all final. */
function started (): Feeds {
  const f = new Feeds()
  f.write(B, { [A.id]: 1 })
  f.write(X, { [A.id]: 1, [B.id]: 1 })
  f.write(A, { [B.id]: 1, [X.id]: 1 })
  f.write(B, { [A.id]: 2, [X.id]: 1 })
  f.write(X, { [A.id]: 2, [B.id]: 2 })
  return f
}

const finalLog = (v: Replay): string[] => v.log.slice(0, v.finalCount).map((e) => `${e.actId} ${e.status}`)

function isPrefix (t: { ok: (v: boolean, m: string) => void }, a: string[], b: string[], msg: string): void {
  t.ok(a.length <= b.length && a.every((x, i) => b[i] === x), msg)
}

test('set-up: three admins, everything final', (t) => {
  const v = started().replay()
  t.is(v.state.admins.size, 3)
  t.is(v.finalCount, v.log.length, 'all final')
  t.is(v.finalCount, 6)
})

test('forged signature on a relayed act: refused with BAD_SIGNATURE, nothing changes', (t) => {
  const f = started()
  const opened = f.act(A, { type: 'OpenPurchase', name: 'Pane' })
  const deposit = f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [deposit, opened])
  const good = f.act(M, { type: 'Commit', member: M.id, cents: 300, purchase: opened.id as never })
  const forged = Buffer.from(good.bytes)
  forged[forged.length - 1] ^= 1
  const clean = started()
  clean.write(A, { [B.id]: 2, [X.id]: 2 }, [deposit, opened])
  clean.write(B, { [A.id]: 3, [X.id]: 2 }, [])
  f.write(B, { [A.id]: 3, [X.id]: 2 }, [forged])
  const v = f.replay()
  t.is(v.log[v.log.length - 1].status, 'BAD_SIGNATURE', 'the member-signed act relayed by B is verified')
  t.is(stateHash(v.state), stateHash(clean.replay().state), 'state as if the block were empty')
})

test("an admin's own act is authenticated by the admin's feed signature", (t) => {
  // Hypercore verified A's signature over A's block, so the act's own signature adds nothing:
  // every node applies the same rule and skips it (docs/decisions.md).
  const f = started()
  const own = Buffer.from(f.act(A, { type: 'Deposit', member: M.id, cents: 500 }).bytes)
  own[own.length - 1] ^= 1
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [own])
  const v = f.replay()
  t.is(v.log[v.log.length - 1].status, 'applied')
  // The same bytes relayed in another writer's feed are verified there, and refused.
  f.write(B, { [A.id]: 3, [X.id]: 2 }, [own])
  t.is(f.replay().log.at(-1)?.status, 'BAD_SIGNATURE')
})

test('act copied from another group: WRONG_GROUP, nothing changes', (t) => {
  const f = started()
  const other = createAct({ type: 'CreateGroup', name: 'Other', founderName: 'Anna' }, { keyPair: A, timeMs: 1 })
  const foreign = f.act(A, { type: 'Deposit', member: M.id, cents: 700 }, other.id as GroupId)
  const before = stateHash(f.replay().state)
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [foreign])
  const v = f.replay()
  t.is(v.log[v.log.length - 1].status, 'WRONG_GROUP')
  t.is(v.state.members.get(M.id)!.creditCents, 0)
  t.is(v.state.rejections.length, 0, 'a decode refusal is not a fold rejection')
  t.is(stateHash(v.state), before)
})

test('feed of a key that is not an admin: skipped as NOT_A_WRITER, nothing changes', (t) => {
  const f = started()
  const before = f.replay()
  f.write(M, { [A.id]: 2, [B.id]: 2, [X.id]: 2 }, [f.act(M, { type: 'Deposit', member: M.id, cents: 900 })])
  const v = f.replay()
  t.is(v.ignored.length, 1)
  t.is(v.ignored[0].reason, 'NOT_A_WRITER')
  t.is(stateHash(v.state), stateHash(before.state))
  t.is(v.finalCount, before.finalCount)
})

test('member-signed act relayed by two admins applies once', (t) => {
  const f = started()
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 }), f.act(A, { type: 'OpenPurchase', name: 'Pane' })])
  const open = f.replay()
  const purchase = [...open.state.purchases.keys()][0]
  const commit = f.act(M, { type: 'Commit', member: M.id, cents: 300, purchase })
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [commit])
  f.write(B, { [A.id]: 3, [X.id]: 2 }, [commit])
  const v = f.replay()
  const statuses = v.log.filter((e) => e.actId === commit.id).map((e) => e.status)
  t.alike(statuses.sort(), ['applied', 'duplicate'])
  t.is(v.state.members.get(M.id)!.creditCents, 700, 'charged once')
})

test('links to blocks that never arrive: the block waits, nothing else is affected', (t) => {
  const f = started()
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 100 })])
  const before = f.replay()
  f.write(B, { [A.id]: 99, [X.id]: 2 }, [f.act(B, { type: 'Deposit', member: M.id, cents: 5 })])
  const g = f.graph()
  t.is(g.usableLength(B.id), 2, 'the block is never used')
  const v = replay(g, f.g)
  t.is(stateHash(v.state), stateHash(before.state))
  t.alike(finalLog(v), finalLog(before))
})

test('equal L from different writers: ordered by writer key', (t) => {
  const f = started()
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1 })])
  f.write(B, { [A.id]: 2, [X.id]: 2 }, [f.act(B, { type: 'Deposit', member: M.id, cents: 2 })])
  const g = f.graph()
  const [a, b] = [g.latest(A.id)!, g.latest(B.id)!]
  t.is(a.L, b.L, 'same L')
  const order = g.order()
  const pos = (n: typeof a): number => order.indexOf(n)
  t.is(pos(a) < pos(b), A.id < B.id, 'the smaller writer key sorts first')
})

test('a dead admin is removed by majority; finality resumes; backdated blocks change nothing', (t) => {
  const f = started() // X's last block is index 1
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  f.write(B, { [A.id]: 3, [X.id]: 2 }, [f.act(B, { type: 'Deposit', member: M.id, cents: 200 })])
  const stalled = f.replay()
  t.ok(stalled.finalCount < stalled.log.length, 'finality waits for X')
  f.write(A, { [B.id]: 3, [X.id]: 2 }, [f.act(A, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(B, { [A.id]: 4, [X.id]: 2 }, [f.act(B, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(A, { [B.id]: 4, [X.id]: 2 })
  const v = f.replay()
  t.not(v.state.admins.has(X.id), true, 'X removed')
  t.alike(v.freezes.map((z) => [z.feed, z.length]), [[X.id, 2]], 'frozen at the length the removal saw')
  t.is(v.finalCount, v.log.length, 'everything final again, without X')
  // X comes back from its stale view and writes a deposit that would sort before the removal.
  f.write(X, { [A.id]: 2, [B.id]: 2 }, [f.act(X, { type: 'Deposit', member: M.id, cents: 99_999 })])
  const after = f.replay()
  t.is(after.ignored[after.ignored.length - 1].reason, 'FROZEN')
  t.alike(finalLog(after), finalLog(v), 'final log unchanged')
  t.is(stateHash(after.confirmed), stateHash(v.confirmed), 'confirmed state unchanged')
  t.is(after.finalCount, after.log.length)
})

test("removal concurrent with the removed writer's own act: a final act is never frozen", (t) => {
  const f = started()
  // A races ahead alone (its L grows), while X, stale, deposits (u); B acknowledges u.
  for (let i = 0; i < 8; i++) f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 10 })])
  const u = f.write(X, { [A.id]: 2, [B.id]: 2 }, [f.act(X, { type: 'Deposit', member: M.id, cents: 4242 })])
  f.write(B, { [A.id]: 2, [X.id]: u + 1 })
  // A votes to remove X without having seen u (r); then A acknowledges everything but B's vote.
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(A, { [B.id]: 3, [X.id]: u + 1 })
  f.write(X, { [A.id]: f.len(A), [B.id]: 3 })
  // B's vote (v) includes u and sorts before r; at first a node does not hold it.
  f.write(B, { [A.id]: 2, [X.id]: u + 1 }, [f.act(B, { type: 'VoteRevokeCassiere', member: X.id })])
  const without = f.replay({ [B.id]: 3 })
  const deposit = without.log.find((e) => e.act?.body.type === 'Deposit' && e.act.author === X.id)!
  t.ok(deposit.final && deposit.status === 'applied', "X's deposit is final before B's vote arrives")
  const withVote = f.replay()
  t.not(withVote.state.admins.has(X.id), true, 'X removed once the vote arrives')
  t.ok(withVote.freezes[0].length > u, 'the freeze keeps every block some voter had seen')
  isPrefix(t, finalLog(without), withVote.log.map((e) => `${e.actId} ${e.status}`), 'the final log is still a prefix')
})

test('oversized and malformed blocks are refused with a code', (t) => {
  const big = Buffer.alloc(MAX_BLOCK_BYTES + 1)
  const code = (fn: () => unknown): string | null => {
    try { fn(); return null } catch (err) { return err instanceof HypergasError ? err.code : 'THROWN' }
  }
  t.is(code(() => decodeBlock(big, A.id)), 'OVERSIZED')
  t.is(code(() => decodeBlock(Buffer.from([2, 2, 3]), A.id)), 'BAD_ENCODING')
  t.is(code(() => decodeBlock(Buffer.from([1, 0, 0]), A.id)), 'BAD_VERSION', 'a block of format 1 (links without hashes) is refused')
  t.is(code(() => decodeBlock(Buffer.alloc(0), A.id)), 'BAD_ENCODING')
  // A block whose version is written as a 3-byte number decodes to the same value: only the
  // canonical check refuses it.
  const ack = encodeBlock({ prev: NO_PREV, links: [], acts: [] })
  t.is(code(() => decodeBlock(Buffer.concat([Buffer.from([0xfd, 2, 0]), ack.subarray(1)]), A.id)), 'BAD_ENCODING')
})

test('two admins partitioned: one alone cannot confirm removing the other', (t) => {
  const f = started()
  // X leaves properly (both others vote, everyone acknowledges): two admins remain.
  f.write(A, { [B.id]: 2, [X.id]: 2 }, [f.act(A, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(B, { [A.id]: 3, [X.id]: 2 }, [f.act(B, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(A, { [B.id]: 3, [X.id]: 2 })
  f.write(B, { [A.id]: 4, [X.id]: 2 })
  const two = f.replay()
  t.is(two.state.admins.size, 2)
  t.is(two.finalCount, two.log.length)
  // Partition: A tries to remove B (quorum of 2 is 1) and deposits; B, unaware, deposits too.
  f.write(A, { [B.id]: 4, [X.id]: 2 }, [f.act(A, { type: 'VoteRevokeCassiere', member: B.id }), f.act(A, { type: 'Deposit', member: M.id, cents: 100 })])
  const onA = f.replay({ [B.id]: 4 })
  t.is(onA.log[onA.log.length - 2].status, 'NEEDS_MEMBERS', "with two admins A alone cannot take B's last role")
  t.ok(onA.state.admins.has(B.id), 'B stays an admin')
  t.is(onA.finalCount, two.finalCount, 'nothing confirmed without B')
  t.ok(onA.waitingFor.includes(B.id), 'status says confirmation waits for B')
  f.write(B, { [A.id]: 4, [X.id]: 2 }, [f.act(B, { type: 'Deposit', member: N.id, cents: 5 })])
  const all = f.replay()
  isPrefix(t, finalLog(onA), finalLog(all), 'what A confirmed is a prefix of what everyone confirms')
})

test('a forked feed: a link naming the other branch is fork evidence, and no two nodes confirm different blocks at one position', (t) => {
  const f = started() // every feed has 2 blocks, all final; X is a cassiere
  // X's key on two devices: two different blocks at index 2.
  const sideA = new Map([...f.blocks].map(([k, v]) => [k, [...v]]))
  const sideB = new Map([...f.blocks].map(([k, v]) => [k, [...v]]))
  chainBlock(sideA, X.id, [[A.id, 2], [B.id, 2]], [f.act(X, { type: 'Deposit', member: M.id, cents: 100 }).bytes])
  chainBlock(sideB, X.id, [[A.id, 2], [B.id, 2]], [f.act(X, { type: 'Deposit', member: M.id, cents: 200 }).bytes])
  // A acknowledges the branch it holds, B the other one.
  chainBlock(sideA, A.id, [[B.id, 2], [X.id, 3]], [])
  chainBlock(sideB, B.id, [[A.id, 2], [X.id, 3]], [])
  // Node 1 holds branch A of X and both acknowledgements; node 2 branch B and both.
  const graphOf = (xs: Buffer[]): ReturnType<Feeds['graph']> => {
    const blocks = new Map([[A.id, sideA.get(A.id)!], [B.id, sideB.get(B.id)!], [X.id, xs]])
    const g = new Graph()
    for (const [feed, list] of [...blocks].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      list.forEach((bytes, i) => { const d = decodeBlockEntries(bytes, feed, f.g.groupId); g.add(feed, i, d.block, d.entries, d.hash) })
    }
    return g
  }
  const g1 = graphOf(sideA.get(X.id)!)
  const g2 = graphOf(sideB.get(X.id)!)
  t.is(g1.usableLength(B.id), 2, "node 1 does not use B's block that names X's other branch")
  t.is(g2.usableLength(A.id), 2, "node 2 does not use A's block that names X's other branch")
  t.alike(g1.conflicts().map((c) => [c.by.feed, c.by.index, c.feed, c.length]), [[B.id, 2, X.id, 3]], 'the evidence names the block, the feed and the length')
  t.not(g1.conflicts()[0].ours, g1.conflicts()[0].theirs)
  const [v1, v2] = [replay(g1, f.g), replay(g2, f.g)]
  t.is(v1.finalCount, 6, "node 1 confirms none of X's forked deposit")
  t.is(v2.finalCount, 6, "node 2 confirms none of X's forked deposit")
  isPrefix(t, finalLog(v1), finalLog(v2), 'one final log')
  // A block whose `prev` is not the feed's previous block is refused the same way.
  const bad = new Map([...f.blocks].map(([k, v]) => [k, [...v]]))
  bad.get(A.id)!.push(encodeBlock({ prev: Buffer.alloc(32, 7), links: [], acts: [] }))
  const g3 = new Graph()
  for (const [feed, list] of bad) list.forEach((bytes, i) => { const d = decodeBlockEntries(bytes, feed, f.g.groupId); g3.add(feed, i, d.block, d.entries, d.hash) })
  t.is(g3.usableLength(A.id), 2, 'a block with a wrong prev is not used')
  t.is(g3.conflicts()[0].feed, A.id)
})

const M2 = person('h-marta-2')
const P = [person('h-puppet-1'), person('h-puppet-2'), person('h-puppet-3')]

/** Two admins: A (founder) and X (cassiere); members M and M2; everyone acknowledged. */
/** Feeds holding nothing yet, and the genesis act of `founder`'s group (to write block 0 by hand). */
function emptyFeeds (founder: Person = A): { f: Feeds, genesis: Buffer } {
  const f = new Feeds(founder)
  const genesis = decodeBlock(f.blocks.get(founder.id)![0], founder.id).acts[0]
  f.blocks.clear()
  return { f, genesis }
}

function twoAdmins (): Feeds {
  const { f, genesis } = emptyFeeds()
  f.write(A, {}, [genesis,
    f.act(A, { type: 'VoteRegisterMember', name: 'Xenia', member: X.id }),
    f.act(A, { type: 'VoteRegisterMember', name: 'Marta', member: M.id }),
    f.act(A, { type: 'VoteRegisterMember', name: 'Marta Due', member: M2.id }),
    f.act(A, { type: 'VoteElectCassiere', member: X.id })])
  f.write(X, { [A.id]: 1 })
  f.write(A, { [X.id]: 1 })
  return f
}

test('a member\'s recovery votes against two admins are noted only in concurrent blocks (Graph.doubleRecoveryVoters)', (t) => {
  const seq = twoAdmins()
  seq.write(A, { [X.id]: 1 }, [seq.act(M, { type: 'VoteRecover', member: X.id })])
  seq.write(X, { [A.id]: seq.len(A) }, [seq.act(M, { type: 'VoteRecover', member: A.id })])
  t.is(seq.graph().doubleRecoveryVoters.size, 0, 'the second vote\'s block includes the first: one after the other')
  const cut = twoAdmins()
  cut.write(A, { [X.id]: 1 }, [cut.act(M, { type: 'VoteRecover', member: X.id })])
  cut.write(X, { [A.id]: 2 }, [cut.act(M, { type: 'VoteRecover', member: A.id }), cut.act(M2, { type: 'VoteRecover', member: A.id })])
  t.alike([...cut.graph().doubleRecoveryVoters], [M.id], 'neither block includes the other: Marta voted on both sides')
})

test('two admins, one gone: the members recover the group (VoteRecover), finality resumes, backdated blocks change nothing', (t) => {
  const f = twoAdmins()
  t.is(f.replay().finalCount, f.replay().log.length, 'set-up final')
  // X's laptop is gone. A records deposits: nothing is confirmed without X.
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'VoteRevokeCassiere', member: X.id })])
  const stuck = f.replay()
  t.is(stuck.finalCount, 5, 'the deposit waits')
  t.alike(stuck.waitingFor, [X.id], 'for X, whom one admin of two cannot remove')
  t.is(stuck.log[stuck.log.length - 1].status, 'NEEDS_MEMBERS', 'A alone cannot revoke X (each of two admins is a quorum)...')
  // Three of the four members (A, M, M2) vote at A's counter.
  f.write(A, { [X.id]: 1 }, [A, M, M2].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  const v = f.replay()
  t.is(v.finalCount, v.log.length, '...and once the members recovered, everything is final')
  t.ok(v.freezes.some((z) => z.feed === X.id && z.byMembers), 'a freeze by the members')
  t.is(v.confirmed.members.get(M.id)?.creditCents, 1000)
  // X comes back with blocks from its stale view: nothing final changes.
  f.write(X, { [A.id]: 2 }, [f.act(X, { type: 'Deposit', member: M2.id, cents: 77 })])
  const after = f.replay()
  isPrefix(t, finalLog(v), finalLog(after), 'the final log only grows')
  t.is(after.confirmed.members.get(M2.id)?.creditCents, 0, "X's backdated deposit is not folded")
})

test('two admins partitioned: puppet members registered on one side cannot recover it', (t) => {
  const f = twoAdmins()
  // X, alone, registers three puppets (quorum of 2 is 1) and has them vote A out.
  f.write(X, { [A.id]: 2 }, P.map((p, i) => f.act(X, { type: 'VoteRegisterMember', name: `Puppet ${i}`, member: p.id })))
  f.write(X, { [A.id]: 2 }, [X, ...P].map((p) => f.act(p, { type: 'VoteRecover', member: A.id })))
  f.write(X, { [A.id]: 2 }, [f.act(X, { type: 'Deposit', member: M.id, cents: 500 })])
  const xSide = f.replay({ [A.id]: 2 })
  t.ok(xSide.state.admins.has(A.id), "4 of 7 members voted, but the puppets' registrations were never acknowledged by A: the votes do not carry, A stays an admin")
  t.is(xSide.finalCount, 5, 'nothing of it is confirmed')
  t.absent(xSide.freezes.some((z) => z.byMembers), 'no freeze by the members')
})

test('an admin gone while the group had two admins, who then grew to five: the members recover what the admins cannot', (t) => {
  const f = twoAdmins()
  // A's deposit, which X (gone) never acknowledges, then A alone elects B and M as cassieri.
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 300 })])
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'VoteRegisterMember', name: 'Bruno', member: B.id }), f.act(A, { type: 'VoteElectCassiere', member: B.id })])
  f.write(B, { [A.id]: 4, [X.id]: 1 })
  f.write(A, { [X.id]: 1, [B.id]: 1 }, [f.act(A, { type: 'VoteElectCassiere', member: M.id })])
  f.write(B, { [A.id]: 5, [X.id]: 1 }, [f.act(B, { type: 'VoteElectCassiere', member: M.id })])
  f.write(M, { [A.id]: 5, [B.id]: 2, [X.id]: 1 })
  // The three live admins revoke X (quorum 2 of 4).
  f.write(A, { [X.id]: 1, [B.id]: 2, [M.id]: 1 }, [f.act(A, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(B, { [A.id]: 6, [X.id]: 1, [M.id]: 1 }, [f.act(B, { type: 'VoteRevokeCassiere', member: X.id })])
  f.write(A, { [X.id]: 1, [B.id]: 3, [M.id]: 1 })
  f.write(M, { [A.id]: 7, [B.id]: 3, [X.id]: 1 })
  const stuck = f.replay()
  t.absent(stuck.state.admins.has(X.id))
  t.is(stuck.finalCount, 5, "A's deposit, written when A and X were the only admins, waits for X")
  t.alike(stuck.waitingFor, [X.id])
  // The members (A, B, M of the confirmed 4... registered: A, X, M, M2; B is not confirmed yet) vote.
  f.write(A, { [X.id]: 1, [B.id]: 3, [M.id]: 2 }, [A, M, M2].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  f.write(B, { [A.id]: 8, [X.id]: 1, [M.id]: 2 })
  f.write(M, { [A.id]: 8, [B.id]: 4, [X.id]: 1 })
  const v = f.replay()
  t.is(v.finalCount, v.log.length, 'everything final')
  t.is(v.confirmed.members.get(M.id)?.creditCents, 300)
})

// Review counterexamples (issue 13), kept as regressions: both must keep one final log that only grows.
test('members recovering on both sides of a partition, with different views of who is a member: one final log', (t) => {
  const f = twoAdmins() // A, X admins; M and M2 members
  const Ms = [2, 3, 4, 5, 6].map((i) => person(`h-cx-m${i}`))
  // A alone registers five members; X acknowledges (X:2), A never receives that acknowledgement.
  f.write(A, { [X.id]: 1 }, Ms.map((m, i) => f.act(A, { type: 'VoteRegisterMember', name: `Socio ${i + 2}`, member: m.id })))
  f.write(X, { [A.id]: 3 })
  // Partition. A's side: A registers puppets and A, M and the puppets vote X out.
  f.write(A, { [X.id]: 1 }, P.map((p, i) => f.act(A, { type: 'VoteRegisterMember', name: `Puppet ${i}`, member: p.id })))
  f.write(A, { [X.id]: 1 }, [A, M, ...P].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  // X's side: X and four of the members A registered vote A out.
  f.write(X, { [A.id]: 3 }, [X, ...Ms.slice(0, 4)].map((p) => f.act(p, { type: 'VoteRecover', member: A.id })))
  f.write(X, { [A.id]: 3 }, [f.act(X, { type: 'Deposit', member: M.id, cents: 2000 })])
  const aSide = f.replay({ [X.id]: 2 })
  const xSide = f.replay({ [A.id]: 3 })
  const all = f.replay()
  t.ok(aSide.state.admins.has(X.id), "A's side: the puppets' votes do not carry")
  isPrefix(t, finalLog(aSide), finalLog(all), "A's confirmed log is a prefix of the healed one")
  isPrefix(t, finalLog(xSide), finalLog(all), "X's confirmed log is a prefix of the healed one")
  t.is(all.confirmed.members.get(M.id)?.creditCents, xSide.confirmed.members.get(M.id)?.creditCents, 'the healed group confirms what X confirmed')
})

test('a late acknowledgement of the gone admin never shrinks the final log of a members\' recovery', (t) => {
  const f = twoAdmins()
  const Ms = [2, 3, 4, 5, 6].map((i) => person(`h-cx-m${i}`))
  f.write(A, { [X.id]: 1 }, Ms.map((m, i) => f.act(A, { type: 'VoteRegisterMember', name: `Socio ${i + 2}`, member: m.id })))
  f.write(X, { [A.id]: 3 }) // X's last acknowledgement, written just before its laptop died; reaches A late
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'VoteRemoveMember', member: Ms[3].id }), f.act(A, { type: 'VoteRemoveMember', member: Ms[4].id }),
    ...[A, M, M2, Ms[0], Ms[1]].map((p) => f.act(p, { type: 'VoteRecover', member: X.id }))])
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  const before = f.replay({ [X.id]: 1 })
  const after = f.replay()
  isPrefix(t, finalLog(before), finalLog(after), 'the final log only grows')
  t.ok(finalLog(after).length >= finalLog(before).length)
})

test('members removed long ago, with every admin acknowledging it, leave the base of the members\' recovery', (t) => {
  const f = twoAdmins() // A, X admins; M and M2 members
  const Ms = [2, 3, 4, 5, 6].map((i) => person(`h-left-m${i}`))
  f.write(A, { [X.id]: 1 }, Ms.map((m, i) => f.act(A, { type: 'VoteRegisterMember', name: `Socio ${i + 2}`, member: m.id })))
  f.write(X, { [A.id]: 3 })
  // Years later five of the nine members ever registered have left the group; X acknowledges it.
  f.write(A, { [X.id]: 2 }, Ms.map((m) => f.act(A, { type: 'VoteRemoveMember', member: m.id })))
  f.write(X, { [A.id]: 4 })
  f.write(A, { [X.id]: 3 })
  t.is(f.replay().finalCount, f.replay().log.length, 'the removals are confirmed')
  // X's laptop is gone. A's deposit waits for X; the four members left (A, X, M, M2) are the base.
  f.write(A, { [X.id]: 3 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  const stuck = f.replay()
  t.alike(stuck.waitingFor, [X.id])
  t.is(finalityView(stuck).recovery[0]?.needed, 3, 'the page and the CLI ask for 3 votes of 4, not 5 of 9')
  f.write(A, { [X.id]: 3 }, [A, M, M2].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  const v = f.replay()
  t.ok(v.freezes.some((z) => z.feed === X.id && z.byMembers), 'three of the four members carry the recovery')
  t.is(v.finalCount, v.log.length, 'everything final')
  t.is(v.confirmed.members.get(M.id)?.creditCents, 1000)
})

test('two admins partitioned: members removed on one side alone still count in the base, so that side cannot recover with fewer votes', (t) => {
  const f = twoAdmins()
  const Ms = [2, 3, 4, 5, 6].map((i) => person(`h-side-m${i}`))
  f.write(A, { [X.id]: 1 }, Ms.map((m, i) => f.act(A, { type: 'VoteRegisterMember', name: `Socio ${i + 2}`, member: m.id })))
  f.write(X, { [A.id]: 3 })
  f.write(A, { [X.id]: 2 })
  // Partition. X alone (each of two admins is a quorum) removes four members, then X, M2 and the
  // fifth vote A out: 3 of the 5 left would be a majority, but A never acknowledged the removals.
  f.write(X, { [A.id]: 4 }, Ms.slice(0, 4).map((m) => f.act(X, { type: 'VoteRemoveMember', member: m.id })))
  f.write(X, { [A.id]: 4 }, [X, M2, Ms[4]].map((p) => f.act(p, { type: 'VoteRecover', member: A.id })))
  // A's side: A, M and the four members X removed vote X out (6 of 9).
  f.write(A, { [X.id]: 2 }, [A, M, ...Ms.slice(0, 4)].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  f.write(A, { [X.id]: 2 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 700 })])
  const xSide = f.replay({ [A.id]: 4 })
  const aSide = f.replay({ [X.id]: 2 })
  const all = f.replay()
  t.ok(xSide.state.admins.has(A.id), "X's side: 3 votes of a base of 9, A stays an admin")
  t.absent(xSide.freezes.some((z) => z.byMembers), 'no freeze by the members on X\'s side')
  t.absent(aSide.state.admins.has(X.id), "A's side: 6 of 9 carry")
  isPrefix(t, finalLog(aSide), finalLog(all), "A's confirmed log is a prefix of the healed one")
  isPrefix(t, finalLog(xSide), finalLog(all), "X's confirmed log is a prefix of the healed one")
  t.is(all.confirmed.members.get(M.id)?.creditCents, 700)
})

test('the log lists the acts of an ignored block: what a frozen feed wrote is not in the books, and says what it was', (t) => {
  const f = twoAdmins()
  f.write(A, { [X.id]: 1 }, [A, M, M2].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  f.write(X, { [A.id]: 2 }, [f.act(X, { type: 'Deposit', member: M2.id, cents: 777 })]) // X, recovered, writes on
  const g = f.graph()
  const v = replay(g, f.g)
  const l = logView(v, 0, 100, new Map(), (feed, index) => (g.node(feed, index)?.acts ?? []).flatMap((e) => (e.ok ? [e.act] : [])))
  const frozen = l.ignored.find((b) => b.feed === X.id && b.reason === 'FROZEN')
  t.ok(frozen !== undefined, "X's block after the recovery is ignored")
  t.alike(frozen?.acts.map((a) => [a.type, a.memberName, a.cents]), [['Deposit', 'Marta Due', 777]], 'with the deposit it held: whose, and how much')
  t.is(frozen?.feedName, 'Xenia')
})

test('review counterexample: voters whose registration the recovered admin never acknowledged do not count (two recoveries both carried, a confirmed deposit was lost)', (t) => {
  // A and Y admins; Y registers V1 and V2 and steps down in a block concurrent with A's election
  // of X, which sorts first (Y's key is the smaller), so X's feed never includes the registrations.
  let a = person('t-anna0')
  let y = person('t-ugo0')
  for (let i = 1; Buffer.from(y.id, 'hex').compare(Buffer.from(a.id, 'hex')) >= 0; i++) { a = person(`t-anna${i}`); y = person(`t-ugo${i}`) }
  const x = person('t-xenia')
  const [v1, v2] = [person('t-v1'), person('t-v2')]
  const { f, genesis } = emptyFeeds(a)
  f.write(a, {}, [genesis,
    f.act(a, { type: 'VoteRegisterMember', name: 'Ugo', member: y.id }),
    f.act(a, { type: 'VoteRegisterMember', name: 'Xenia', member: x.id }),
    f.act(a, { type: 'VoteElectCassiere', member: y.id })])
  f.write(y, { [a.id]: 1 })
  f.write(a, { [y.id]: 1 })
  f.write(y, { [a.id]: 2 })
  f.write(y, { [a.id]: 2 }, [
    f.act(y, { type: 'VoteRegisterMember', name: 'Vito', member: v1.id }),
    f.act(y, { type: 'VoteRegisterMember', name: 'Vera', member: v2.id }),
    f.act(y, { type: 'VoteRevokeCassiere', member: y.id })])
  f.write(a, { [y.id]: 2 }, [f.act(a, { type: 'VoteElectCassiere', member: x.id })])
  f.write(x, { [a.id]: 3, [y.id]: 2 })
  f.write(a, { [x.id]: 1, [y.id]: 3 })
  // Partition {A, V1, V2} | {X, Y}: each side's members vote the other side's admin out.
  f.write(a, { [x.id]: 1, [y.id]: 3 }, [a, v1, v2].map((p) => f.act(p, { type: 'VoteRecover', member: x.id })))
  f.write(a, { [x.id]: 1, [y.id]: 3 }, [f.act(a, { type: 'Deposit', member: v1.id, cents: 700 })])
  f.write(x, { [a.id]: 3, [y.id]: 2 }, [x, y].map((p) => f.act(p, { type: 'VoteRecover', member: a.id })))
  f.write(x, { [a.id]: 3, [y.id]: 3 }, [f.act(x, { type: 'Deposit', member: y.id, cents: 500 })])
  const aSide = f.replay({ [x.id]: 1 })
  const xSide = f.replay({ [a.id]: 3 })
  const all = f.replay()
  isPrefix(t, finalLog(aSide), finalLog(all), "A's confirmed log is a prefix of the merged one")
  isPrefix(t, finalLog(xSide), finalLog(all), "X's confirmed log is a prefix of the merged one")
  t.ok(aSide.state.admins.has(x.id), "A's side: V1 and V2, whose registration X never acknowledged, do not count against X")
})

test('review counterexample: with three admins a members\' recovery on a minority side is refused (ADMINS_CAN_REMOVE), so it cannot confirm beside the majority\'s removal', (t) => {
  const [a, x, y, m, m2] = ['s-anna', 's-xenia', 's-ugo', 's-marta', 's-marta2'].map((n) => person(n))
  const { f, genesis } = emptyFeeds(a)
  f.write(a, {}, [genesis,
    f.act(a, { type: 'VoteRegisterMember', name: 'Xenia', member: x.id }),
    f.act(a, { type: 'VoteRegisterMember', name: 'Ugo', member: y.id }),
    f.act(a, { type: 'VoteRegisterMember', name: 'Marta', member: m.id }),
    f.act(a, { type: 'VoteRegisterMember', name: 'Marta Due', member: m2.id }),
    f.act(a, { type: 'VoteElectCassiere', member: x.id }),
    f.act(a, { type: 'VoteElectReferente', member: x.id }),
    f.act(a, { type: 'VoteElectCassiere', member: y.id })])
  f.write(x, { [a.id]: 1 })
  f.write(y, { [a.id]: 1, [x.id]: 1 })
  f.write(a, { [x.id]: 1, [y.id]: 1 })
  f.write(x, { [a.id]: 2, [y.id]: 1 })
  f.write(y, { [a.id]: 2, [x.id]: 2 })
  // Partition {A} | {X, Y}: X and Y revoke A by majority and confirm a deposit...
  f.write(x, { [a.id]: 2, [y.id]: 2 }, [f.act(x, { type: 'VoteRevokeReferente', member: a.id }), f.act(x, { type: 'VoteRevokeCassiere', member: a.id })])
  f.write(y, { [a.id]: 2, [x.id]: 3 }, [f.act(y, { type: 'VoteRevokeReferente', member: a.id }), f.act(y, { type: 'VoteRevokeCassiere', member: a.id })])
  f.write(x, { [a.id]: 2, [y.id]: 3 }, [f.act(x, { type: 'Deposit', member: m.id, cents: 500 })])
  f.write(y, { [a.id]: 2, [x.id]: 4 })
  f.write(x, { [a.id]: 2, [y.id]: 4 })
  // ...while on A's side the members vote X out, then Y.
  f.write(a, { [x.id]: 2, [y.id]: 2 }, [a, m, m2].map((p) => f.act(p, { type: 'VoteRecover', member: x.id })))
  f.write(a, { [x.id]: 2, [y.id]: 2 }, [a, m, m2].map((p) => f.act(p, { type: 'VoteRecover', member: y.id })))
  f.write(a, { [x.id]: 2, [y.id]: 2 }, [f.act(a, { type: 'Deposit', member: m2.id, cents: 700 })])
  const aSide = f.replay({ [x.id]: 2, [y.id]: 2 })
  const xySide = f.replay({ [a.id]: 2 })
  const all = f.replay()
  t.ok(aSide.log.some((e) => e.act?.body.type === 'VoteRecover' && e.status === 'ADMINS_CAN_REMOVE'), "A's side: the members' votes against one of three admins are refused")
  isPrefix(t, finalLog(aSide), finalLog(all), "A's confirmed log is a prefix of the merged one")
  isPrefix(t, finalLog(xySide), finalLog(all), "X and Y's confirmed log is a prefix of the merged one")
  t.is(all.confirmed.members.get(m.id)?.creditCents, 500, 'the deposit the majority confirmed stays confirmed')
})

test('members registered after the gone admin\'s last block: the view counts the votes as the merge does, and says when they can never carry', (t) => {
  const f = twoAdmins() // A, X admins; M and M2 members, acknowledged by X
  // X's laptop is gone. A alone registers three members, then a deposit waits for X.
  f.write(A, { [X.id]: 1 }, P.map((p, i) => f.act(A, { type: 'VoteRegisterMember', name: `Nuovo ${i}`, member: p.id })))
  f.write(A, { [X.id]: 1 }, [f.act(A, { type: 'Deposit', member: M.id, cents: 1000 })])
  f.write(A, { [X.id]: 1 }, [A, ...P].map((p) => f.act(p, { type: 'VoteRecover', member: X.id })))
  const graph = f.graph()
  const v = replay(graph, f.g)
  t.alike(v.waitingFor, [X.id], 'the four votes do not carry')
  const counted = (voters: MemberId[]): RecoveryCount => recoveryCount(graph, (w) => graph.usableLength(w), v.state, X.id, new Set(voters))
  t.alike(counted([A.id, ...P.map((p) => p.id)]), { votes: 1, base: 7, eligible: 3 }, 'only A counts of the four: X never saw the three registrations')
  const view = recoveryView(v, { notGone: new Set(), forked: new Set(), recoveryCount: (admin, voters) => recoveryCount(graph, (w) => graph.usableLength(w), v.state, admin, voters) })[0]
  t.alike([view.votes, view.needed, view.eligible], [1, 4, 3], 'the page and the CLI show 1 vote of 4, and that 3 members are all who can count')
  t.is(recoveryView(v)[0].votes, 4, 'a lone replay, without the graph, counts every member who voted (the figure the view used to show)')
})
