/**
 * Deterministic benchmark data (issues 5 and 18): the act mix of a GAS season, written by 3 admin feeds
 * that see each other (every block links the others' current lengths), with member-signed
 * commitments relayed by admins. Signed with libsodium (Ed25519 is deterministic: the same bytes
 * as @noble/ed25519, ~15× faster, which matters for a million acts).
 */
import fs from 'node:fs'
import path from 'node:path'
import Corestore from 'corestore'
import sodium from 'sodium-native'
import { ACT_VERSION, SIGN_DOMAIN, encodeUnsigned } from '../../src/acts/encoding.js'
import type { ActBody } from '../../src/acts/types.js'
import { actIdOf } from '../../src/acts/act.js'
import type { ActId, GroupId, MemberId, PurchaseId } from '../../src/ids.js'
import { lineCents } from '../../src/fold/lines.js'
import { shares } from '../../src/fold/shares.js'
import { saveGroup } from '../../src/node/storage/datadir.js'
import { chainBlock } from '../helpers/blocks.js'
import { prng } from '../helpers/fixtures.js'

interface Key { id: MemberId, sk: Buffer }

function key (seed: Buffer): Key {
  const pk = Buffer.alloc(32)
  const sk = Buffer.alloc(64)
  sodium.crypto_sign_seed_keypair(pk, sk, seed)
  return { id: pk.toString('hex') as MemberId, sk }
}

function signed (k: Key, group: string, body: ActBody, timeMs: number): Buffer {
  const u = encodeUnsigned({ v: ACT_VERSION, group, author: k.id, timeMs, body })
  const sig = Buffer.alloc(64)
  sodium.crypto_sign_detached(sig, Buffer.concat([SIGN_DOMAIN, u]), k.sk)
  return Buffer.concat([u, sig])
}

/** A generated season: the group, each feed's encoded blocks, and counts. */
export interface Season {
  groupId: GroupId
  founder: MemberId
  /** Encoded blocks per feed key, in feed order. */
  feeds: Map<MemberId, Buffer[]>
  acts: number
  memberSigned: number
  /** The admins' key pairs (libsodium 64-byte secret keys), founder first. */
  admins: Array<{ id: MemberId, secretKey: Buffer }>
}

/** A purchase as the generator tracks it (the fold's view of it, in the order the acts are written). */
interface OpenP {
  id: PurchaseId
  owner: Key
  /** Commitments or bookings still to take. */
  budget: number
  pending: Set<MemberId>
  voters: Set<MemberId>
  /** Orders by product (SPEC §4.5): the catalogue, bookings, then close, deliveries and a shared cost. */
  order: null | { products: Array<{ key: string, priceCents: number, weighed: boolean }>, booked: Map<MemberId, Array<{ product: string, qtyMilli: number, priceCents: number }>>, open: boolean, undelivered: MemberId[], delivered: Map<MemberId, number>, cost: boolean }
}

const SUPPLIERS = ['Cascina Rossi', 'Orto Bio', 'Apicoltura Verdi', 'Caseificio Alpino', 'Forno del Borgo']

/**
 * Generates about `acts` acts (deterministic from `seed`) in blocks of 1 to `maxPerBlock` acts.
 * The founder (referente + cassiere) elects a cassiere and a referente; 300 members are
 * registered and the suppliers of the directory too; then a season: deposits; purchases, three
 * in five of them orders by product (a catalogue of 8–24 products, bookings by quantity, the
 * bookings closed, a delivery per booking with weighed items lighter than booked, a transport
 * cost shared by amount) and the rest free-amount commitments (a third of commitments and
 * bookings signed by the member); approvals, close votes and closes; transfers between members
 * accepted by the payee; overdrafts voted by two admins and used; offers and wants; withdrawals;
 * cash settlements. Every act is applied by the fold (the generator keeps the credit and the
 * purchases as the fold will see them; test/bench-data.test.ts checks it).
 */
export function season (acts: number, seed = 1, maxPerBlock = 16): Season {
  const rnd = prng(seed)
  const pick = <T>(l: readonly T[]): T => l[Math.floor(rnd() * l.length)]
  const seedOf = (s: string): Buffer => { const b = Buffer.alloc(32); b.write(`bench-${seed}-${s}`); return b }
  const [a, b, c] = ['anna', 'bruno', 'carla'].map((n) => key(seedOf(n)))
  const members = Array.from({ length: 300 }, (_, i) => key(seedOf(`m${i}`)))
  let time = 1_700_000_000_000
  const genesisBytes = signed(a, '', { type: 'CreateGroup', name: 'Bench GAS', founderName: 'Anna' }, time)
  const groupId = actIdOf(genesisBytes) as string as GroupId
  const feeds = new Map<MemberId, Buffer[]>([[a.id, []], [b.id, []], [c.id, []]])
  const writers = [a, b, c]
  let count = 0
  let memberSigned = 0
  const write = (w: Key, list: Buffer[]): void => {
    chainBlock(feeds, w.id, [...feeds].map(([f, blocks]) => [f, blocks.length] as const), list)
    count += list.length
  }
  // Acts sit ~90 s apart: a million span about three years, so the report has its months.
  const act = (w: Key, body: ActBody): Buffer => signed(w, groupId, body, time += 90_000)
  const first = [genesisBytes, act(a, { type: 'VoteElectCassiere', member: b.id }), act(a, { type: 'VoteElectReferente', member: c.id })]
  first.splice(1, 0, act(a, { type: 'VoteRegisterMember', name: 'Bruno', member: b.id }), act(a, { type: 'VoteRegisterMember', name: 'Carla', member: c.id }))
  write(a, first)
  write(b, [])
  write(c, [])
  // Registrations need 2 of 3 votes now: Anna and Bruno vote for every member.
  for (const voter of [a, b]) {
    for (let i = 0; i < members.length; i += 50) write(voter, members.slice(i, i + 50).map((m, j) => act(voter, { type: 'VoteRegisterMember', name: `Member ${i + j}`, member: m.id })))
  }
  write(a, SUPPLIERS.map((name, i) => act(a, { type: 'RegisterSupplier', name, categories: [['verdura', 'frutta'], ['organic-vegetables'], ['miele'], ['formaggi', 'latte'], ['pane']][i] })))
  const credit = new Map<MemberId, number>()
  const overdraft = new Map<MemberId, number>()
  const limitVotes = new Map<MemberId, Set<MemberId>>()
  const spendable = (m: MemberId): number => (credit.get(m) ?? 0) + (overdraft.get(m) ?? 0)
  const move = (m: MemberId, cents: number): void => { credit.set(m, (credit.get(m) ?? 0) + cents) }
  const transfers: Array<{ id: ActId, from: Key, to: Key, cents: number }> = []
  // Purchases as the fold will see them. Each takes commitments or bookings until its budget
  // (20-50 of them, as for a weekly order); then its referente approves what is pending (and, for
  // an order, closes the bookings, records each delivery and shares the transport), two admins
  // vote to close, and the referente closes it (quorum 2 of 3, nothing pending).
  let open: OpenP[] = []
  const settleFrom = (w: Key): MemberId => writers.filter((x) => x !== w)[Math.floor(rnd() * 2)].id
  /** The member signs (a third of the time) or the admin at the counter does. */
  const byMember = (w: Key, m: Key, body: ActBody): Buffer => {
    if (rnd() < 0.33) { memberSigned++; return act(m, body) }
    return act(w, body)
  }
  const openPurchase = (w: Key): Buffer[] => {
    const supplier = pick(SUPPLIERS)
    const x = act(w, { type: 'OpenPurchase', name: `P${time}`, supplier })
    const id = actIdOf(x) as string as PurchaseId
    const p: OpenP = { id, owner: w, budget: 20 + Math.floor(rnd() * 31), pending: new Set(), voters: new Set(), order: null }
    open.push(p)
    if (rnd() >= 0.6) return [x]
    const products = Array.from({ length: 8 + Math.floor(rnd() * 17) }, (_, i) => ({ key: `p${i}`, priceCents: 150 + Math.floor(rnd() * 1800), weighed: rnd() < 0.3 }))
    // A delivery day, no deadline: a node running the bench must not close bookings by the clock.
    p.order = { products, booked: new Map(), open: true, undelivered: [], delivered: new Map(), cost: false }
    const specs = products.map((q) => ({ key: q.key, name: `${supplier} ${q.key}`, unit: q.weighed ? 'kg' : 'pz', priceCents: q.priceCents, ...(q.weighed ? { weighed: true } : {}) }))
    return [x, act(w, { type: 'AddProducts', purchase: id, products: specs }), act(w, { type: 'SetDates', purchase: id, closesAtMs: 0, deliveryAtMs: time + 9 * 86_400_000 })]
  }
  /** A commitment or a booking of member `m` on purchase `q`, if their credit allows it with a margin. */
  const commit = (w: Key, m: Key, q: OpenP): Buffer | null => {
    if (q.order === null) {
      const cents = 100 + Math.floor(rnd() * 400)
      if (spendable(m.id) - cents < 100 || q.pending.has(m.id)) return null
      move(m.id, -cents)
      q.pending.add(m.id)
      q.budget--
      return byMember(w, m, { type: 'Commit', member: m.id, cents, purchase: q.id })
    }
    if (q.order.booked.has(m.id)) return null
    const lines = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(q.order!.products)))].map((x) => ({ product: x.key, qtyMilli: (1 + Math.floor(rnd() * 3)) * (x.weighed ? 500 : 1000), priceCents: x.priceCents }))
    const cents = lines.reduce((sum, l) => sum + lineCents(l.qtyMilli, l.priceCents), 0)
    // The margin covers the transport share to come.
    if (spendable(m.id) - cents < 1000) return null
    move(m.id, -cents)
    q.order.booked.set(m.id, lines)
    q.pending.add(m.id)
    q.budget--
    return byMember(w, m, { type: 'Book', member: m.id, purchase: q.id, lines: lines.map((l) => ({ product: l.product, qtyMilli: l.qtyMilli })) })
  }
  /** The referente's next step on an order whose bookings are all in and approved. */
  const orderStep = (w: Key, p: OpenP): Buffer | null => {
    const o = p.order!
    if (o.open) {
      o.open = false
      o.undelivered = [...o.booked.keys()]
      return act(w, { type: 'CloseBookings', purchase: p.id })
    }
    const m = o.undelivered.shift()
    if (m !== undefined) {
      // Weighed items arrive 0–10 % lighter; a crate in twenty is missing.
      const lines = o.booked.get(m)!.map((l) => ({ product: l.product, qtyMilli: rnd() < 0.05 ? 0 : o.products.find((x) => x.key === l.product)!.weighed ? l.qtyMilli - Math.floor(rnd() * l.qtyMilli / 10) : l.qtyMilli, priceCents: l.priceCents }))
      const before = o.booked.get(m)!.reduce((sum, l) => sum + lineCents(l.qtyMilli, l.priceCents), 0)
      const after = lines.reduce((sum, l) => sum + lineCents(l.qtyMilli, l.priceCents), 0)
      move(m, before - after)
      o.delivered.set(m, after)
      return act(w, { type: 'Deliver', purchase: p.id, member: m, lines: lines.filter((l) => l.qtyMilli > 0).map((l) => ({ product: l.product, qtyMilli: l.qtyMilli })) })
    }
    if (!o.cost) {
      o.cost = true
      const weights = new Map([...o.delivered].filter(([, v]) => v > 0))
      if (weights.size === 0) return null
      const cents = 300 + Math.floor(rnd() * 900)
      const each = shares(cents, weights)
      // The fold refuses the whole cost if one share is beyond its member's credit: then no cost.
      if ([...each].some(([who, share]) => share > spendable(who))) return null
      for (const [who, share] of each) move(who, -share)
      return act(w, { type: 'AddCost', purchase: p.id, label: 'Trasporto', cents, split: 'amount', discount: false })
    }
    return null
  }
  const ready = (p: OpenP): boolean => p.budget === 0 && p.pending.size === 0 && (p.order === null || (!p.order.open && p.order.undelivered.length === 0 && p.order.cost))
  while (count < acts) {
    const w = writers[Math.floor(rnd() * 3)]
    const n = 1 + Math.floor(rnd() * maxPerBlock)
    const list: Buffer[] = []
    for (let k = 0; k < n && count + list.length < acts; k++) {
      const m = pick(members)
      const r = rnd()
      const cassiere = w !== c
      const referente = w !== b
      const collecting = open.filter((x) => x.budget > 0)
      const p = open.length > 0 ? pick(open) : undefined
      let x: Buffer | null = null
      if (r < 0.3 && referente && collecting.length < 2 && open.length < 8) {
        list.push(...openPurchase(w))
        continue
      } else if (r < 0.55 && collecting.length > 0) {
        x = commit(w, m, pick(collecting))
      } else if (r < 0.85 && p !== undefined && p.owner === w && p.pending.size > 0) {
        const who = p.pending.values().next().value!
        x = act(w, { type: 'ApproveCommitment', member: who, purchase: p.id })
        p.pending.delete(who)
      } else if (r < 0.85 && p !== undefined && p.owner === w && p.order !== null && p.budget === 0 && p.pending.size === 0) {
        x = orderStep(w, p)
      } else if (r < 0.85 && p !== undefined && ready(p) && !p.voters.has(w.id)) {
        x = act(w, { type: 'VoteClosePurchase', purchase: p.id })
        p.voters.add(w.id)
      } else if (r < 0.9 && p !== undefined && p.owner === w && ready(p) && p.voters.size >= 2) {
        x = act(w, { type: 'ClosePurchase', purchase: p.id })
        open = open.filter((y) => y !== p)
      } else if (r >= 0.9 && r < 0.91 && transfers.length > 0) {
        // The payee accepts (or the admin does for them at the counter).
        const t = transfers.shift()!
        move(t.to.id, t.cents)
        x = byMember(w, t.to, { type: 'AcceptTransfer', transfer: t.id })
      } else if (r >= 0.91 && r < 0.92) {
        const to = pick(members)
        // A member with an overdraft pays a larger debt (a share of a crate, the month's eggs) with it.
        const cents = overdraft.has(m.id) && spendable(m.id) > 1000 ? spendable(m.id) - 100 - Math.floor(rnd() * 500) : 100 + Math.floor(rnd() * 900)
        if (to !== m && spendable(m.id) - cents >= 100) {
          // Reserved now: the fold moves it at the acceptance, which comes later.
          move(m.id, -cents)
          x = byMember(w, m, { type: 'Transfer', from: m.id, to: to.id, cents, memo: 'uova' })
          transfers.push({ id: actIdOf(x) as string as ActId, from: m, to, cents })
        }
      } else if (r >= 0.92 && r < 0.922) {
        // Two admins grant an overdraft of 20 € (quorum 2 of 3): a second admin seconds a proposal first.
        const proposed = [...limitVotes].find(([id, v]) => v.size === 1 && !v.has(w.id) && !overdraft.has(id))?.[0]
        const target = proposed ?? (overdraft.has(m.id) || limitVotes.has(m.id) ? null : m.id)
        if (target !== null) {
          const votes = limitVotes.get(target) ?? new Set<MemberId>()
          votes.add(w.id)
          limitVotes.set(target, votes)
          if (votes.size === 2) overdraft.set(target, 2000)
          x = act(w, { type: 'VoteSetLimits', member: target, overdraftCents: 2000, ceilingCents: 0 })
        }
      } else if (r >= 0.922 && r < 0.926) {
        x = byMember(w, m, { type: 'SetListing', member: m.id, offers: [pick(['uova fresche', 'pane fatto in casa', 'passata di pomodoro', 'lavoretti di cucito'])], wants: [pick(['miele', 'verdura di stagione', 'formaggio', 'organic-vegetables'])] })
      } else if (r >= 0.926 && r < 0.95 && cassiere && (credit.get(m.id) ?? 0) > 200) {
        move(m.id, -100)
        x = act(w, { type: 'Withdraw', member: m.id, cents: 100, reason: '' })
      } else if (r >= 0.95) {
        x = act(w, { type: 'SettleCash', from: settleFrom(w), cents: 100 })
      }
      if (x === null && cassiere) {
        // The most common act of a season, also where the step drawn was not possible.
        const cents = 1000 + Math.floor(rnd() * 5000)
        // Members with an overdraft do not deposit (another member does): some live below zero.
        const to = overdraft.has(m.id) ? members[(members.indexOf(m) + 1) % members.length] : m
        move(to.id, cents)
        x = act(w, { type: 'Deposit', member: to.id, cents })
      }
      if (x === null) x = act(w, { type: 'SettleCash', from: settleFrom(w), cents: 100 })
      list.push(x)
    }
    write(w, list)
  }
  return { groupId, founder: a.id, feeds, acts: count, memberSigned, admins: writers.map((k) => ({ id: k.id, secretKey: k.sk })) }
}

/** Writes the data directory of admin `who`'s node (0: the founder) holding season `s` (its 3 feeds, on disk). */
export async function makeDataDir (s: Season, dir: string, who = 0): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const founder = s.admins[who]
  fs.writeFileSync(path.join(dir, 'identity.json'), JSON.stringify({ publicKey: founder.id, seed: founder.secretKey.subarray(0, 32).toString('hex') }), { mode: 0o600 })
  saveGroup(dir, { groupId: s.groupId, founder: s.founder })
  const store = new Corestore(path.join(dir, 'corestore'))
  for (const a of s.admins) {
    const core = store.get({ keyPair: { publicKey: Buffer.from(a.id, 'hex'), secretKey: a.secretKey } })
    const blocks = s.feeds.get(a.id)!
    for (let i = 0; i < blocks.length; i += 1000) await core.append(blocks.slice(i, i + 1000))
  }
  await store.close()
}
