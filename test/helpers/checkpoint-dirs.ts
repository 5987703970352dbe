// Data directories and starts shared by the checkpoint tests (test/checkpoint.test.ts,
// test/checkpoint-seal.test.ts): a small season whose every block is final, a start and close of
// its node with stderr captured, and what two replays must agree on.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Assert } from 'brittle'
import { createAct } from '../../src/acts/act.js'
import type { ActBody } from '../../src/acts/types.js'
import { sodiumSecretKey, type KeyPair } from '../../src/crypto.js'
import { stateHash } from '../../src/fold/hash.js'
import type { GroupId, MemberId } from '../../src/ids.js'
import { UNREAD } from '../../src/merge/entries.js'
import { readCheckpointBody, unsealCheckpoint, type CheckpointBody } from '../../src/node/storage/checkpoint.js'
import { paths } from '../../src/node/storage/datadir.js'
import { GasNode } from '../../src/node/node.js'
import { makeDataDir, type Season as BenchSeason } from '../bench/data.js'
import { chainBlock, type FeedBytes } from './blocks.js'
import { person, plainState } from './fixtures.js'

/** What two replays must agree on: hashes, the final prefix, every act's place and status. */
export interface Summary {
  state: string
  confirmed: string
  /** The confirmed state as canonical JSON (brittle's deep equality is quadratic on a state this size: 75 s). */
  confirmedState: string
  finalCount: number
  finalBlocks: number
  log: string
}

export function summary (node: GasNode): Summary {
  const v = node.requireView()
  return {
    state: stateHash(v.state),
    confirmed: stateHash(v.confirmed),
    confirmedState: JSON.stringify(plainState(v.confirmed)),
    finalCount: v.finalCount,
    finalBlocks: v.finalBlocks,
    log: v.log.map((e) => `${e.seq}:${e.actId}:${e.feed.slice(0, 8)}:${e.index}:${e.status}:${String(e.final)}:${String(e.timeMs)}`).join(',')
  }
}

/** True when the first block of the node's order came from the checkpoint, unread. */
export const resumed = (node: GasNode): boolean => node.graph.order()[0].acts.includes(UNREAD)

/**
 * A small season of 3 writer feeds (Anna the founder, Bruno cassiere, Carla referente) whose
 * every block is final: a pending tally, a member, deposits, a rejected withdrawal, a duplicate
 * act, an act of another group, a purchase with an approved commitment, failed when Carla is
 * revoked (a freeze of her feed), then a block of Carla's that is ignored (NOT_A_WRITER).
 */
export function smallSeason (): BenchSeason {
  const [a, b, c] = ['anna', 'bruno', 'carla'].map(person)
  const dora = person('dora')
  let time = 1_700_000_000_000
  const genesis = createAct({ type: 'CreateGroup', name: 'GAS Piccolo', founderName: 'Anna' }, { keyPair: a, timeMs: ++time })
  const group = genesis.id as GroupId
  const act = (by: KeyPair, body: ActBody): Buffer => createAct(body, { group, keyPair: by, timeMs: ++time }).bytes
  const feeds: FeedBytes = new Map([[a.id, []], [b.id, []], [c.id, []]])
  let acts = 0
  const write = (w: { id: MemberId }, lengths: Array<[{ id: MemberId }, number]>, list: Buffer[]): void => {
    chainBlock(feeds, w.id, lengths.map(([k, n]) => [k.id, n] as const), list)
    acts += list.length
  }
  const purchase = createAct({ type: 'OpenPurchase', name: 'Verdura', supplier: 'Cascina' }, { group, keyPair: c, timeMs: ++time })
  const deposit = act(b, { type: 'Deposit', member: dora.id, cents: 5000 })
  const foreign = createAct({ type: 'Deposit', member: dora.id, cents: 1 }, { group: 'ab'.repeat(32) as GroupId, keyPair: b, timeMs: ++time }).bytes
  write(a, [], [
    genesis.bytes,
    act(a, { type: 'VoteRegisterMember', name: 'Bruno', member: b.id }),
    act(a, { type: 'VoteRegisterMember', name: 'Carla', member: c.id }),
    act(a, { type: 'VoteElectCassiere', member: b.id }),
    act(a, { type: 'VoteElectReferente', member: c.id }),
    act(a, { type: 'VoteRegisterMember', name: 'Dora', member: dora.id })
  ])
  write(b, [[a, 1]], [act(b, { type: 'VoteRegisterMember', name: 'Dora', member: dora.id }), deposit, act(b, { type: 'Withdraw', member: dora.id, cents: 9999, reason: 'troppo' }), deposit, foreign, act(b, { type: 'VoteRegisterMember', name: 'Elio', member: person('elio').id })])
  write(c, [[a, 1], [b, 1]], [purchase.bytes, act(c, { type: 'Commit', member: dora.id, cents: 1000, purchase: purchase.id }), act(c, { type: 'ApproveCommitment', member: dora.id, purchase: purchase.id })])
  write(a, [[b, 1], [c, 1]], [act(a, { type: 'VoteRevokeReferente', member: c.id })])
  write(b, [[a, 2], [c, 1]], [act(b, { type: 'VoteRevokeReferente', member: c.id })])
  write(c, [[a, 2], [b, 2]], [act(c, { type: 'OpenPurchase', name: 'Frutta' })])
  write(a, [[b, 2], [c, 2]], [])
  write(b, [[a, 3], [c, 2]], [])
  return { groupId: group, founder: a.id, feeds, acts, memberSigned: 0, admins: [a, b, c].map((k) => ({ id: k.id, secretKey: sodiumSecretKey(k) })) }
}

/** Runs `fn` with stderr captured: its lines (the node's log) instead of the terminal. */
export async function capturingStderr<T> (fn: () => Promise<T>): Promise<{ value: T, lines: string[] }> {
  const write = process.stderr.write
  let out = ''
  process.stderr.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true }) as typeof process.stderr.write
  try {
    const value = await fn()
    return { value, lines: out.split('\n').filter((l) => l !== '') }
  } finally {
    process.stderr.write = write
  }
}

/** The result of one start and close of the node of `dir`. */
export interface Start {
  summary: Summary
  resumed: boolean
  /** Lines the start wrote on stderr. */
  lines: string[]
  /** Null when the start and close did not throw, else the error. */
  error: unknown
}

export async function start (dir: string): Promise<Start> {
  let error: unknown = null
  const { value, lines } = await capturingStderr(async () => {
    let node: GasNode | null = null
    try {
      node = await GasNode.open({ dir })
      await node.settled()
      return { summary: summary(node), resumed: resumed(node) }
    } catch (err) {
      error = err
      return { summary: null as unknown as Summary, resumed: false }
    } finally {
      await node?.close().catch((err: unknown) => { error ??= err })
    }
  })
  return { ...value, lines, error }
}

/** A data directory of the small season, its honest summary and the checkpoint a close wrote. */
export interface Small {
  dir: string
  groupId: GroupId
  honest: Summary
  good: Buffer
}

export async function smallDir (t: Assert): Promise<Small> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-cp-small-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const s = smallSeason()
  await makeDataDir(s, dir)
  const first = await start(dir)
  if (first.error !== null) throw first.error as Error
  const second = await start(dir)
  if (second.error !== null) throw second.error as Error
  if (!second.resumed) throw new Error('the small season did not resume from its checkpoint')
  return { dir, groupId: s.groupId, honest: second.summary, good: fs.readFileSync(paths(dir).checkpoint) }
}

/** `bytes` with byte `i` xored with `mask`. */
export function flip (bytes: Uint8Array, i: number, mask: number): Buffer {
  const out = Buffer.from(bytes)
  out[i] ^= mask
  return out
}

/**
 * The body of a checkpoint file, deserialised as it is stored (for edits an attacker makes). A
 * copy: node:v8 deserialises typed arrays as views of the bytes it reads.
 */
export function bodyOf (bytes: Uint8Array): CheckpointBody {
  const { meta, final } = readCheckpointBody(Buffer.from(unsealCheckpoint(bytes)))
  return { ...(meta as Omit<CheckpointBody, 'final'>), final }
}
