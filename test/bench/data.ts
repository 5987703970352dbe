/**
 * Deterministic benchmark data (issue 5): the act mix of a GAS season, written by 3 admin feeds
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
import type { GroupId, MemberId } from '../../src/ids.js'
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

/**
 * Generates about `acts` acts (deterministic from `seed`) in blocks of 1 to `maxPerBlock` acts.
 * The founder (referente + cassiere) elects a cassiere and a referente; 300 members are
 * registered; then a season: deposits, purchases, commitments (a third signed by the member),
 * approvals, adjustments, close votes and closes, withdrawals, cash settlements.
 */
export function season (acts: number, seed = 1, maxPerBlock = 16): Season {
  const rnd = prng(seed)
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
  const act = (w: Key, body: ActBody): Buffer => signed(w, groupId, body, ++time)
  const first = [genesisBytes, act(a, { type: 'VoteElectCassiere', member: b.id }), act(a, { type: 'VoteElectReferente', member: c.id })]
  first.splice(1, 0, act(a, { type: 'VoteRegisterMember', name: 'Bruno', member: b.id }), act(a, { type: 'VoteRegisterMember', name: 'Carla', member: c.id }))
  write(a, first)
  write(b, [])
  write(c, [])
  // Registrations need 2 of 3 votes now: Anna and Bruno vote for every member.
  for (const voter of [a, b]) {
    for (let i = 0; i < members.length; i += 50) write(voter, members.slice(i, i + 50).map((m, j) => act(voter, { type: 'VoteRegisterMember', name: `Member ${i + j}`, member: m.id })))
  }
  const credit = new Map<MemberId, number>()
  // Purchases as the fold will see them. Each takes commitments until its budget (20-50 of
  // them, as for a weekly order); then its referente approves what is pending, two admins vote
  // to close, and the referente closes it (quorum 2 of 3, nothing pending).
  let open: Array<{ id: MemberId, owner: Key, budget: number, pending: Set<MemberId>, voters: Set<MemberId> }> = []
  const settleFrom = (w: Key): MemberId => writers.filter((x) => x !== w)[Math.floor(rnd() * 2)].id
  while (count < acts) {
    const w = writers[Math.floor(rnd() * 3)]
    const n = 1 + Math.floor(rnd() * maxPerBlock)
    const list: Buffer[] = []
    for (let k = 0; k < n && count + list.length < acts; k++) {
      const m = members[Math.floor(rnd() * members.length)]
      const r = rnd()
      const cassiere = w !== c
      const referente = w !== b
      const collecting = open.filter((x) => x.budget > 0)
      const p = open.length > 0 ? open[Math.floor(rnd() * open.length)] : undefined
      if (r < 0.3 && referente && collecting.length < 2 && open.length < 8) {
        const x = act(w, { type: 'OpenPurchase', name: `P${time}`, supplier: 'Cascina' })
        open.push({ id: actIdOf(x) as string as MemberId, owner: w, budget: 20 + Math.floor(rnd() * 31), pending: new Set(), voters: new Set() })
        list.push(x)
      } else if (r < 0.55 && collecting.length > 0 && (credit.get(m.id) ?? 0) > 500) {
        const q = collecting[Math.floor(rnd() * collecting.length)]
        const cents = 100 + Math.floor(rnd() * 400)
        credit.set(m.id, credit.get(m.id)! - cents)
        q.pending.add(m.id)
        q.budget--
        const body: ActBody = { type: 'Commit', member: m.id, cents, purchase: q.id as never }
        if (rnd() < 0.33) { list.push(act(m, body)); memberSigned++ } else list.push(act(w, body))
      } else if (r < 0.85 && p !== undefined && p.owner === w && p.pending.size > 0) {
        const who = p.pending.values().next().value!
        list.push(act(w, { type: 'ApproveCommitment', member: who, purchase: p.id as never }))
        p.pending.delete(who)
      } else if (r < 0.85 && p !== undefined && p.budget === 0 && !p.voters.has(w.id)) {
        list.push(act(w, { type: 'VoteClosePurchase', purchase: p.id as never }))
        p.voters.add(w.id)
      } else if (r < 0.9 && p !== undefined && p.owner === w && p.budget === 0 && p.voters.size >= 2 && p.pending.size === 0) {
        list.push(act(w, { type: 'ClosePurchase', purchase: p.id as never }))
        open = open.filter((x) => x !== p)
      } else if (r >= 0.9 && r < 0.93 && cassiere && (credit.get(m.id) ?? 0) > 200) {
        credit.set(m.id, credit.get(m.id)! - 100)
        list.push(act(w, { type: 'Withdraw', member: m.id, cents: 100, reason: '' }))
      } else if (r < 0.95 && cassiere) {
        // The most common act of a season, also where the step drawn was not possible.
        const cents = 1000 + Math.floor(rnd() * 5000)
        credit.set(m.id, (credit.get(m.id) ?? 0) + cents)
        list.push(act(w, { type: 'Deposit', member: m.id, cents }))
      } else {
        list.push(act(w, { type: 'SettleCash', from: settleFrom(w), cents: 100 }))
      }
    }
    write(w, list)
  }
  return { groupId, founder: a.id, feeds, acts: count, memberSigned, admins: writers.map((k) => ({ id: k.id, secretKey: k.sk })) }
}

/** Writes the data directory of the founder's node holding season `s` (its 3 feeds, on disk). */
export async function makeDataDir (s: Season, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const founder = s.admins[0]
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
