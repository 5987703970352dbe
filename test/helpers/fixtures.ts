/**
 * Deterministic fixtures for tests: key pairs from names, act builders, a folding harness that
 * checks SPEC §4's invariants after every act, and a seeded PRNG.
 */
import { LogColumns } from '../../src/merge/log.js'
import { createAct } from '../../src/acts/act.js'
import type { ActBody, SignedAct } from '../../src/acts/types.js'
import { keyPairFromSeed, sha256, type KeyPair } from '../../src/crypto.js'
import { applyAct, type Outcome } from '../../src/fold/fold.js'
import { checkInvariants } from '../../src/fold/invariants.js'
import { createState, type GroupState } from '../../src/fold/state.js'
import { hex, type GroupId, type MemberId, type PurchaseId } from '../../src/ids.js'

/** The key pair of a test person, derived from their name. */
export function person (name: string): KeyPair & { id: MemberId } {
  const kp = keyPairFromSeed(sha256(Buffer.from(`hypergas-test/${name}`)))
  return { ...kp, id: hex(kp.publicKey) as MemberId }
}

/** Mulberry32: a small seeded PRNG (tests only). */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A group being folded act by act, with invariants checked after each one. */
export class Season {
  readonly state: GroupState = createState()
  readonly groupId: GroupId
  readonly founder = person('anna')
  private clock = 1_700_000_000_000

  constructor (readonly onViolation: (lines: string[], act: SignedAct) => void = (l) => { throw new Error(l.join('\n')) }) {
    const genesis = createAct({ type: 'CreateGroup', name: 'GAS Test', founderName: 'Anna' }, { keyPair: this.founder, timeMs: this.clock })
    this.groupId = genesis.id as GroupId
    this.fold(genesis)
  }

  /** Signs `body` as `by` for this group. */
  sign (by: KeyPair, body: ActBody): SignedAct {
    return createAct(body, { group: this.groupId, keyPair: by, timeMs: ++this.clock })
  }

  /** Every act folded, in order, with its outcome: the final log a checkpoint of this state would hold (feed = author, index = position, L 0). */
  readonly log = new LogColumns()

  /** Folds a signed act and checks the invariants. */
  fold (act: SignedAct): Outcome {
    // Each act in a block of its own at the log's position, in its author's feed (where an admin's election is recorded).
    const out = applyAct(this.state, act, { feed: act.author, index: this.log.length })
    this.log.push(act.id, act.author, this.log.length, 0, out, act.timeMs, act)
    const v = checkInvariants(this.state)
    if (v.length > 0) this.onViolation(v, act)
    return out
  }

  /** Signs and folds. */
  do (by: KeyPair, body: ActBody): Outcome {
    return this.fold(this.sign(by, body))
  }

  /** Signs and folds an OpenPurchase, returning the purchase id. */
  open (by: KeyPair, name: string): PurchaseId {
    const a = this.sign(by, { type: 'OpenPurchase', name })
    const out = this.fold(a)
    if (out !== 'applied') throw new Error(`open ${name}: ${out}`)
    return a.id
  }

  /** Registers a member (votes until quorum from the given admins). */
  register (name: string, voters: KeyPair[] = [this.founder]): KeyPair & { id: MemberId } {
    const p = person(name)
    for (const v of voters) this.do(v, { type: 'VoteRegisterMember', name, member: p.id })
    return p
  }

  credit (p: { id: MemberId }): number {
    return this.state.members.get(p.id)?.creditCents ?? NaN
  }
}

/**
 * Every field of a state as plain data, in the state's own order (Map and Set entries in
 * insertion order, object keys as present): two states with equal plain forms are the same,
 * including the fields the state hash leaves out.
 */
export function plainState (s: GroupState): unknown {
  const plain = (x: unknown): unknown => {
    if (x instanceof Map) return ['Map', [...x].map(([k, v]) => [plain(k), plain(v)])]
    if (x instanceof Set) return ['Set', [...x].map(plain)]
    if (Array.isArray(x)) return x.map(plain)
    if (x !== null && typeof x === 'object') {
      if (typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function') return ['Iterable', [...(x as Iterable<unknown>)].map(plain)]
      return Object.entries(x).map(([k, v]) => [k, plain(v)])
    }
    return x
  }
  return plain(s)
}
