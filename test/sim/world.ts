/**
 * Deterministic simulation of a group (issue 3): N admin nodes (3–7), each holding a block graph
 * built from the blocks it received, exchanging blocks over a simulated network with random
 * delays, duplicates, partitions that heal, crashes with restart from what was stored, an admin
 * that vanishes, is removed by majority vote and may come back writing backdated blocks, and
 * member-signed acts relayed by admins (sometimes by two). Every random choice comes from one
 * seed. After every step {@link World.check} verifies the properties of SPEC §4 and §5.
 *
 * The merge code under test is the real one (Graph, replay, fold); only Hypercore and the wire
 * are replaced by arrays.
 */
import { createAct } from '../../src/acts/act.js'
import type { ActBody } from '../../src/acts/types.js'
import { checkInvariants } from '../../src/fold/invariants.js'
import { stateHash } from '../../src/fold/hash.js'
import type { GroupState } from '../../src/fold/state.js'
import type { GroupId, MemberId } from '../../src/ids.js'
import { decodeBlockEntries, type DecodedBlock } from '../../src/merge/entries.js'
import { shouldAck } from '../../src/merge/ack.js'
import { needsAck } from '../../src/merge/graph.js'
import type { GroupRef } from '../../src/merge/replay.js'
import { person, prng } from '../helpers/fixtures.js'
import { SimNode, type Person, type SimHost } from './node.js'
import { orderAct, otherAct } from './orders.js'

/** What one simulated run does. */
export interface SimOptions {
  seed: number
  /** Random steps before the final heal-and-settle phase. */
  steps: number
  /** Compare every resumed replay with a replay from scratch. */
  checkResume?: boolean
  /**
   * Groups of every size from 2 admins (default 3–7), an admin of any of them may vanish, and the
   * members recover the group (VoteRecover) when its admins alone cannot remove the vanished one.
   */
  allSizes?: boolean
  /**
   * Whether a third of the steps play the order acts of §4.5–4.7 (test/sim/orders.ts; default
   * true). Off, a seed plays exactly as before they were added (the regression seeds found then).
   */
  orders?: boolean
  /**
   * Whether the steps an admin would leave idle play the acts the others leave out (default true):
   * members removed and registered again, prices and dates changed, suppliers and listings
   * (test/sim/orders.ts `otherAct`). Off, a seed plays exactly as before they were added.
   */
  allActs?: boolean
}

/** Outcome of one run. */
export interface SimResult {
  seed: number
  admins: number
  /** The first property that failed, with the step; null when every check passed. */
  violation: string | null
  /** Acts in the final log of the live nodes at the end. */
  acts: number
  /** Counts of each event kind. */
  events: Record<string, number>
}

/** Rounds of full sync + acknowledgements after healing within which everything must be final. */
export const SETTLE_ROUNDS = 12

interface Msg { to: number, from: number, feed: MemberId, index: number }

/** One simulated group. */
export class World implements SimHost {
  readonly rnd: () => number
  readonly g: GroupRef
  readonly nodes: SimNode[] = []
  readonly members: Person[] = []
  private readonly keys = new Map<MemberId, Person>()
  private readonly cache = new Map<string, DecodedBlock>()
  private msgs: Msg[] = []
  /** Partition side of each node, or null when the network is whole. */
  private side: number[] | null = null
  private clock = 1_700_000_000_000
  vanished: SimNode | null = null
  private step = 0
  /** Longest final log seen on any node ("actId status" per act) and confirmed hash by length. */
  private canon: string[] = []
  private readonly confirmedHash = new Map<number, string>()
  readonly events: Record<string, number> = {}

  constructor (readonly seed: number, readonly checkResume = false, readonly allSizes = false, readonly orders = true, readonly allActs = true) {
    this.rnd = prng(seed)
    const n = allSizes ? 2 + Math.floor(this.rnd() * 6) : 3 + Math.floor(this.rnd() * 5)
    const admins = Array.from({ length: n }, (_, i) => person(`sim-admin-${i}`))
    for (let i = 0; i < 6; i++) this.members.push(person(`sim-member-${i}`))
    for (const p of [...admins, ...this.members]) this.keys.set(p.id, p)
    const genesis = createAct({ type: 'CreateGroup', name: `sim ${seed}`, founderName: 'Admin 0' }, { keyPair: admins[0], timeMs: this.clock })
    this.g = { groupId: genesis.id as GroupId, founder: admins[0].id }
    admins.forEach((a, i) => this.nodes.push(new SimNode(i, a, this)))
    // Block 0 of the founder: genesis, every person registered, admins 1 and 2 elected (quorum 1).
    const f = this.nodes[0]
    const b0 = [genesis.bytes]
    admins.forEach((a, i) => { if (i > 0) b0.push(this.sign(admins[0], { type: 'VoteRegisterMember', name: `Admin ${i}`, member: a.id })) })
    this.members.forEach((m, i) => b0.push(this.sign(admins[0], { type: 'VoteRegisterMember', name: `Member ${i}`, member: m.id })))
    b0.push(this.sign(admins[0], { type: 'VoteElectCassiere', member: admins[1].id }))
    if (n > 2) b0.push(this.sign(admins[0], { type: 'VoteElectReferente', member: admins[2].id }))
    f.append(b0)
    this.syncAll()
    // Admins 0, 1, 2 vote the others in (alternating roles), everyone in sync after each block.
    for (const v of [1, 2, 0]) {
      const votes = admins.slice(3).map((a, j) => this.sign(admins[v], { type: j % 2 === 0 ? 'VoteElectCassiere' : 'VoteElectReferente', member: a.id }))
      if (votes.length > 0) { this.nodes[v].append(votes); this.syncAll() }
    }
    for (const node of this.nodes) if (needsAck(node.graph, node.who.id)) node.append([])
    this.syncAll()
  }

  sign (by: Person, body: ActBody): Buffer {
    return createAct(body, { group: this.g.groupId, keyPair: by, timeMs: ++this.clock }).bytes
  }

  /** Decoded blocks are shared between nodes (the same bytes decode the same way everywhere). */
  decoded (feed: MemberId, index: number, bytes: Buffer): DecodedBlock {
    const k = `${feed}:${index}`
    let d = this.cache.get(k)
    if (d === undefined) {
      d = decodeBlockEntries(bytes, feed, this.g.groupId)
      this.cache.set(k, d)
    }
    return d
  }

  broadcast (from: number, feed: MemberId, index: number): void {
    for (const n of this.nodes) if (n.i !== from) this.msgs.push({ to: n.i, from, feed, index })
  }

  /** Whether `from` can send to `to` now. */
  private connected (to: SimNode, from: SimNode): boolean {
    if (to.vanished || (from.vanished && !from.zombie)) return false
    return this.side === null || this.side[to.i] === this.side[from.i]
  }

  /** `to` pulls every block `from` holds and it lacks (Hypercore replication of all feeds). */
  private pull (to: SimNode, from: SimNode): void {
    if (!this.connected(to, from)) return
    for (const [feed, blocks] of from.store) {
      for (let i = to.held(feed); i < blocks.length; i++) to.receive(feed, i, blocks[i])
    }
  }

  private syncAll (): void {
    for (let round = 0; round < 2; round++) {
      for (const a of this.nodes) for (const b of this.nodes) if (a !== b) this.pull(a, b)
    }
    this.msgs = []
  }

  private count (e: string): void {
    this.events[e] = (this.events[e] ?? 0) + 1
  }

  private pick<T> (list: T[]): T {
    return list[Math.floor(this.rnd() * list.length)]
  }

  private live (): SimNode[] {
    return this.nodes.filter((n) => !n.vanished)
  }

  /** One random step. */
  randomStep (): void {
    this.step++
    const r = this.rnd()
    if (r < 0.34) this.actStep()
    else if (r < 0.60) this.deliverStep()
    else if (r < 0.72) { this.count('pull'); this.pull(this.pick(this.nodes), this.pick(this.nodes)) }
    else if (r < 0.84) this.ackStep(this.pick(this.live()))
    else if (r < 0.90) this.partitionStep()
    else if (r < 0.94) { const n = this.pick(this.nodes); this.count('crash'); n.restart() }
    else if (r < 0.96) this.vanishStep()
    else this.zombieStep()
  }

  private deliverStep (): void {
    for (let k = 0; k < 3 && this.msgs.length > 0; k++) {
      const at = Math.floor(this.rnd() * this.msgs.length)
      const m = this.msgs[at]
      const to = this.nodes[m.to]
      if (to.vanished) { this.msgs.splice(at, 1); continue }
      if (!this.connected(to, this.nodes[m.from])) continue // delayed until the partition heals
      const bytes = this.nodes[m.from].store.get(m.feed)?.[m.index]
      if (this.rnd() < 0.85) this.msgs.splice(at, 1) // else delivered again later (duplicate)
      if (bytes === undefined) continue // the sender crashed before storing it: cannot happen, kept safe
      this.count('deliver')
      to.receive(m.feed, m.index, bytes)
    }
  }

  /** As GasNode: an admin, or a removed writer confirmation waits for, acknowledges. */
  private ackStep (n: SimNode): void {
    if (shouldAck(n.replay(), n.graph, n.who.id)) { this.count('ack'); n.append([]) }
  }

  private partitionStep (): void {
    if (this.side !== null) { this.side = null; this.count('heal'); return }
    this.side = this.nodes.map(() => (this.rnd() < 0.5 ? 0 : 1))
    this.count('partition')
  }

  private vanishStep (): void {
    if (this.vanished !== null) return
    // Only an admin of a group of 3 or more can vanish: the others must stay a strict majority
    // (with allSizes, any: the members recover the group when the admins cannot).
    const admins = this.nodes[0].replay().state.admins
    if (admins.size < (this.allSizes ? 2 : 3)) return
    const n = this.nodes[1 + Math.floor(this.rnd() * (this.nodes.length - 1))]
    n.vanished = true
    this.vanished = n
    this.msgs = this.msgs.filter((m) => m.to !== n.i)
    this.count('vanish')
  }

  /** The vanished admin writes a block from its stale view (a backdated block) and sends it. */
  zombieStep (): void {
    const z = this.vanished
    if (z === null) return
    const s = z.replay().state
    const m = this.pick(this.members)
    const body: ActBody = s.cassieri.has(z.who.id)
      ? { type: 'Deposit', member: m.id, cents: 1 + Math.floor(this.rnd() * 10_000) }
      : { type: 'OpenPurchase', name: `zombie ${this.step}` }
    z.zombie = true
    z.append([this.sign(z.who, body)])
    this.count('zombie')
  }

  private actStep (): void {
    const n = this.pick(this.live())
    if (!n.isAdmin()) return
    const acts = this.genActs(n)
    if (acts.length === 0) return
    n.append(acts)
    this.count('act')
  }

  /** A plausible act (or two) for admin node `n` from its tentative state; some will be rejected. */
  private genActs (n: SimNode): Buffer[] {
    const s = n.replay().state
    const me = n.who
    const rnd = this.rnd
    const cents = (): number => 1 + Math.floor(rnd() * 5000)
    const member = this.pick(this.members)
    const open = [...s.purchases.values()].filter((p) => p.phase === 'open')
    const mine = open.filter((p) => p.owner === me.id)
    const z = this.vanished
    if (z !== null && s.admins.has(z.who.id) && rnd() < 0.5) {
      const body: ActBody = s.referenti.has(z.who.id) ? { type: 'VoteRevokeReferente', member: z.who.id } : { type: 'VoteRevokeCassiere', member: z.who.id }
      return [this.sign(me, body)]
    }
    // A third of the steps play the order acts of §4.5–4.7 (test/sim/orders.ts).
    const o = this.orders && rnd() < 0.35 ? orderAct(s, me.id, this.members.map((m) => m.id), rnd) : null
    if (o !== null) return [this.sign(o.by === 'me' ? me : this.keys.get(o.by)!, o.body)]
    const r = rnd()
    if (r < 0.03 && s.admins.size >= 4) {
      // A live admin steps down (their node keeps running, no longer a writer), or comes back.
      // At least 3 admins stay, so a departed one can still be removed by a strict majority.
      const other = this.pick([...s.admins].filter((a) => a !== me.id))
      if (other !== undefined) return [this.sign(me, s.referenti.has(other) ? { type: 'VoteRevokeReferente', member: other } : { type: 'VoteRevokeCassiere', member: other })]
    }
    if (r < 0.05) {
      const former = this.pick([...s.cash.keys()].filter((a) => !s.admins.has(a) && a !== this.vanished?.who.id))
      if (former !== undefined) return [this.sign(me, { type: 'VoteElectCassiere', member: former })]
    }
    if (r < 0.25 && s.cassieri.has(me.id)) return [this.sign(me, { type: 'Deposit', member: member.id, cents: cents() })]
    if (r < 0.32 && s.cassieri.has(me.id)) return [this.sign(me, { type: 'Withdraw', member: member.id, cents: cents(), reason: 'sim' })]
    if (r < 0.40 && s.referenti.has(me.id)) return [this.sign(me, { type: 'OpenPurchase', name: `P${Math.floor(rnd() * 6)}` })]
    if (r < 0.62 && open.length > 0) {
      const p = this.pick(open)
      const body: ActBody = { type: 'Commit', member: member.id, cents: 1 + Math.floor(rnd() * 1500), purchase: p.id }
      if (rnd() < 0.5) return [this.sign(me, body)]
      // Member-signed at the counter, relayed; sometimes a second admin relays the same act.
      const act = this.sign(member, body)
      const other = this.pick(this.live())
      if (other !== n && other.isAdmin() && rnd() < 0.3) { other.append([act]); this.count('relay-twice') }
      return [act]
    }
    if (r < 0.74 && mine.length > 0) {
      const p = this.pick(mine)
      const c = this.pick([...p.commitments.values(), undefined])
      if (c === undefined) return [this.sign(me, rnd() < 0.5 ? { type: 'ClosePurchase', purchase: p.id } : { type: 'FailPurchase', purchase: p.id })]
      const k = rnd()
      const body: ActBody = k < 0.6 ? { type: 'ApproveCommitment', member: c.member, purchase: p.id }
        : k < 0.8 ? { type: 'RejectCommitment', member: c.member, purchase: p.id }
          : { type: 'AdjustCommitment', member: c.member, purchase: p.id, cents: 1 + Math.floor(rnd() * 1500) }
      return [this.sign(me, body)]
    }
    if (r < 0.86 && open.length > 0) {
      const p = this.pick(open)
      return [this.sign(me, rnd() < 0.8 ? { type: 'VoteClosePurchase', purchase: p.id } : { type: 'VoteFailPurchase', purchase: p.id })]
    }
    if (r < 0.92) {
      const from = this.pick([...s.cash.keys()].filter((k) => k !== me.id))
      if (from !== undefined) return [this.sign(me, { type: 'SettleCash', from, cents: cents() })]
    }
    if (this.allActs) {
      const o = otherAct(s, me.id, this.members.map((m) => m.id), rnd)
      if (o !== null) return [this.sign(o.by === 'me' ? me : this.keys.get(o.by)!, o.body)]
    }
    return [] // an idle step
  }

  /** Heals, then runs rounds of full sync and acknowledgements; removes the vanished admin. */
  settle (): number {
    this.side = null
    for (let round = 1; round <= SETTLE_ROUNDS; round++) {
      for (const a of this.live()) for (const b of this.nodes) if (a !== b) this.pull(a, b)
      this.msgs = this.msgs.filter((m) => !this.nodes[m.to].vanished)
      const z = this.vanished
      for (const n of this.live()) {
        const v = n.replay()
        const s = v.state
        // Two admins, or a removal by the admins that cannot waive (blocks written when the group
        // had two admins): the members vote the vanished admin out, relayed by a live admin.
        const stuck = z !== null && this.allSizes && n.isAdmin() && (s.admins.size <= 2 || round > 3) && v.waitingFor.includes(z.who.id)
        if (stuck && !this.recovered.has(n.i)) { this.recovered.add(n.i); n.append(this.recoveryVotes(n, z.who.id)); this.count('recover') }
        else if (z !== null && s.admins.has(z.who.id) && n.isAdmin() && s.admins.size > 2) n.append([this.sign(n.who, this.removalStep(s, z.who.id))])
        else this.ackStep(n)
      }
      const err = this.check(`settle round ${round}`)
      if (err !== null) throw new Error(err)
      if (this.settled()) return round
    }
    return -1
  }

  /** Live nodes that relayed the members' recovery votes (once each). */
  private readonly recovered = new Set<number>()

  /** VoteRecover against `z` signed by every live member (the sim's members and live admins). */
  private recoveryVotes (n: SimNode, z: MemberId): Buffer[] {
    const voters = [...this.members, ...this.live().map((l) => l.who)]
    return voters.map((m) => this.sign(m, { type: 'VoteRecover', member: z }))
  }

  /**
   * The next vote to remove departed admin `z`: revoke a role, or first elect a live admin to it
   * when `z` is the last in that role (SPEC §4 LAST_IN_ROLE), as a GAS would.
   */
  private removalStep (s: GroupState, z: MemberId): ActBody {
    const referente = s.referenti.has(z)
    const holders = referente ? s.referenti : s.cassieri
    if (holders.size === 1) {
      const heir = this.live().map((n) => n.who.id).find((id) => s.admins.has(id) && !holders.has(id))!
      return referente ? { type: 'VoteElectReferente', member: heir } : { type: 'VoteElectCassiere', member: heir }
    }
    return referente ? { type: 'VoteRevokeReferente', member: z } : { type: 'VoteRevokeCassiere', member: z }
  }

  /** True when every live node holds the same blocks and every act in its log is final. */
  private settled (): boolean {
    const live = this.live()
    const key = (n: SimNode): string => [...n.store].map(([f, b]) => `${f}:${b.length}`).sort().join(',')
    const k0 = key(live[0])
    return live.every((n) => key(n) === k0 && n.replay().finalCount === n.replay().log.length)
  }

  /** Checks every property; returns the first violation, or null. */
  check (where: string): string | null {
    const byBlocks = new Map<string, { hash: string, order: string, final: number }>()
    for (const n of this.nodes) {
      const v = n.replay()
      const at = `seed ${this.seed} step ${this.step} (${where}) node ${n.i}`
      for (const [label, s] of [['state', v.state], ['confirmed', v.confirmed]] as Array<[string, GroupState]>) {
        const bad = checkInvariants(s)
        if (bad.length > 0) return `${at}: ${label} invariants: ${bad[0]}`
      }
      // Causality: every block after its previous block and every block it links to.
      const order = n.graph.order()
      const pos = new Map(order.map((b, i) => [`${b.feed}:${b.index}`, i]))
      for (let i = 0; i < order.length; i++) {
        const b = order[i]
        if (b.index > 0 && pos.get(`${b.feed}:${b.index - 1}`)! >= i) return `${at}: block ${b.feed.slice(0, 6)}:${b.index} before its previous block`
        for (const l of b.links) if (pos.get(`${l.feed}:${l.length - 1}`)! >= i) return `${at}: block ${b.feed.slice(0, 6)}:${b.index} before a block it links`
      }
      // Final prefix: never shrinks, and is a prefix of every other node's (one canonical log).
      if (v.finalCount < n.finalCount) return `${at}: final prefix shrank from ${n.finalCount} to ${v.finalCount}`
      n.finalCount = v.finalCount
      for (let i = 0; i < v.finalCount; i++) {
        const e = `${v.log[i].actId} ${v.log[i].status}`
        if (i < this.canon.length) {
          if (this.canon[i] !== e) return `${at}: final act #${i} is "${e}", elsewhere "${this.canon[i]}"`
        } else this.canon.push(e)
      }
      const ch = stateHash(v.confirmed)
      const known = this.confirmedHash.get(v.finalCount)
      if (known === undefined) this.confirmedHash.set(v.finalCount, ch)
      else if (known !== ch && v.finalCount > 0) return `${at}: confirmed state after ${v.finalCount} acts differs from another node's`
      // Nodes holding the same usable blocks: same order and same state hash.
      const key = n.graph.feedKeys().map((f) => `${f}:${n.graph.usableLength(f)}`).join(',')
      const mine = { hash: stateHash(v.state), order: order.map((b) => `${b.feed}:${b.index}`).join(','), final: v.finalCount }
      const other = byBlocks.get(key)
      if (other === undefined) byBlocks.set(key, mine)
      else if (other.hash !== mine.hash || other.order !== mine.order || other.final !== mine.final) return `${at}: same blocks as another node, different order, state or final prefix`
    }
    return null
  }

  /** Runs the whole simulation for `opts`. */
  static run (opts: SimOptions): SimResult {
    const w = new World(opts.seed, opts.checkResume === true, opts.allSizes === true, opts.orders !== false, opts.allActs !== false)
    let violation: string | null = null
    try {
      violation = w.check('set-up')
      for (let i = 0; i < opts.steps && violation === null; i++) {
        w.randomStep()
        violation = w.check('random step')
      }
      if (violation === null && w.settle() < 0) violation = `seed ${opts.seed}: not everything final after ${SETTLE_ROUNDS} rounds of sync and acknowledgement`
      // The removed admin comes back and writes backdated blocks after its removal is final:
      // they must change nothing final, and everything must settle again.
      if (violation === null && w.vanished !== null) {
        for (let k = 0; k < 3; k++) w.zombieStep()
        if (w.settle() < 0) violation = `seed ${opts.seed}: not everything final after the removed admin's backdated blocks`
      }
    } catch (err) {
      violation = (err as Error).message
    }
    const live = w.live()[0].replay()
    return { seed: opts.seed, admins: w.nodes.length, violation, acts: live.finalCount, events: w.events }
  }
}
