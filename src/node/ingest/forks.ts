/**
 * Fork detection (SPEC §5 forks): Hypercore proves a fork of a writer feed (two signed trees at
 * one length) with a 'conflict' event, or truncates a feed, and then closes the core. Either
 * becomes the sides of one ForkReport (kept in the data directory by the node).
 *
 * Hypercore tells a conflict only to the peers connected when it finds one, and only its own tree.
 * A laptop restored from a backup while the old one still wrote shares its key with the old one,
 * so no admin's node is connected to both at once (Hyperswarm keeps one connection per key), and
 * the side whose tree the other admins hold never hears of the fork: it would go on taking
 * deposits the group never uses. So a node that found a fork keeps the other side's signed tree
 * ({@link ForkRelay}) and proves the fork to every peer that replicates the feed with it, at any
 * later time, with the message Hypercore itself sends to prove one.
 */
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { MerkleTree } from 'hypercore/lib/merkle-tree.js'
import type { ForkReport } from '../storage/datadir.js'

/** A fork as seen on one core: where the trees differ, what the node keeps, both signatures. */
export type ForkSides = Pick<ForkReport, 'length' | 'held' | 'local' | 'remote'>

/**
 * Hypercore's proof of a signed tree, as a peer sent it (its replication message `data` with an
 * upgrade from 0): what {@link ForkRelay} sends on. Its byte fields are Buffers.
 */
export interface TreeProof {
  fork: number
  upgrade: { start: number, length: number, signature?: Buffer }
  manifest?: unknown
}

/**
 * Calls `onFork` when `core` proves or shows a fork, with the peer's signed tree when it proved
 * one; `received()` is how many blocks of the feed the node has taken in. After a proof it keeps
 * those and every other block it holds from the first (all of its own tree), and reads no further.
 */
export function watchForks (core: Hypercore, received: () => number, onFork: (sides: ForkSides, proof: TreeProof | null) => void): void {
  core.on('conflict', (length: number, _fork: number, proof: TreeProof) => {
    const sig = (core as unknown as { state?: { signature?: Buffer | null } }).state?.signature ?? null
    onFork({
      length,
      // Every block held from the first is of the one signed tree this core holds, read or not
      // yet: a node proved the fork just after downloading the blocks keeps them all.
      held: Math.max(received(), core.contiguousLength),
      local: { length: core.length, signature: sig?.toString('hex') ?? null },
      remote: { length: proof.upgrade?.length ?? length, signature: proof.upgrade?.signature?.toString('hex') ?? null }
    }, proof)
  })
  core.on('truncate', (length: number) => {
    onFork({ length, held: Math.min(length, received()), local: { length, signature: null }, remote: { length, signature: null } }, null)
  })
}

/** What {@link serveHeld} changes of a core (Hypercore 11 internals). */
interface FrozenCore { header: { frozen: boolean }, replicator: { eagerUpgrade: boolean } }

/**
 * Lets a followed core that Hypercore froze on a fork (it then neither takes nor serves a block,
 * and keeps the mark on disk) serve the blocks it holds again, and take no newer tree: without
 * it, once every node had been proved a fork, no node could give a feed's blocks to a node that
 * joins later, which could then use none of the blocks linking to them and never sync. In memory
 * only: the mark stays, and is lifted again at each open. A writable core (the node's own feed)
 * is left frozen. Hypercore still proves a fork to a peer that sends another tree. True when it
 * lifted the mark: the core's signed tree no longer changes, so every block it holds from the
 * first is of the tree the node kept.
 */
export function serveHeld (core: Hypercore): boolean {
  const c = (core as unknown as { core?: FrozenCore | null }).core
  if (c === undefined || c === null || !c.header.frozen || core.writable) return false
  c.replicator.eagerUpgrade = false
  c.header.frozen = false
  return true
}

/** A proof as text (the fork report's `proof`): JSON with every byte field as `{"hex": …}`. */
export function proofText (proof: TreeProof): string {
  return JSON.stringify(proof, (_k, v: unknown) => (v instanceof Uint8Array ? { hex: Buffer.from(v).toString('hex') } : isBufferJson(v) ? { hex: Buffer.from(v.data).toString('hex') } : v))
}

/** The proof of {@link proofText}; null for text that is not one (a damaged or edited forks.json). */
export function proofOf (text: string): TreeProof | null {
  let v: unknown
  try {
    v = JSON.parse(text, (_k, x: unknown) => (typeof x === 'object' && x !== null && typeof (x as { hex?: unknown }).hex === 'string' && Object.keys(x).length === 1 ? Buffer.from((x as { hex: string }).hex, 'hex') : x))
  } catch {
    return null
  }
  const p = v as Partial<TreeProof> | null
  const ok = typeof p === 'object' && p !== null && Number.isSafeInteger(p.fork) && typeof p.upgrade === 'object' && p.upgrade !== null &&
    Number.isSafeInteger(p.upgrade.start) && Number.isSafeInteger(p.upgrade.length) && (p.upgrade.signature === undefined || Buffer.isBuffer(p.upgrade.signature))
  return ok ? p as TreeProof : null
}

/** Buffer.toJSON's shape (JSON.stringify calls it before a replacer sees the Buffer). */
function isBufferJson (v: unknown): v is { type: 'Buffer', data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)
}

/**
 * A replication peer of a core, as far as the relay uses it (Hypercore's replicator peer, and the
 * connection it runs on): the length of the tree it holds and how many blocks of it from the
 * first it has, in blocks.
 */
interface ProofPeer { stream: object, remoteLength: number, remoteContiguousLength: number, wireData: { send: (msg: unknown) => void } }

/** How often (ms) the relay looks again at the peers it has not proved a fork to yet. */
const RELAY_CHECK_MS = 500

/**
 * Whether a peer is ready to be proved a fork: it has a tree of the feed and holds every block of
 * it it can get here (`served`: the blocks this node holds, from the first). Proved earlier, a
 * node that had not downloaded the blocks the group agreed on would have its core closed by
 * Hypercore holding none of them, and could never use the blocks that link to them.
 */
export function readyForProof (peer: Pick<ProofPeer, 'remoteLength' | 'remoteContiguousLength'>, served: number): boolean {
  return peer.remoteLength > 0 && peer.remoteContiguousLength >= Math.min(peer.remoteLength, served)
}

/**
 * Proves the forks a node found to the peers of each forked feed (see the module comment). For
 * each feed it holds a session of the core open, sends the other side's signed tree to every
 * peer now and to each peer that joins later, once per connection, as soon as the peer holds the
 * blocks it can download here ({@link readyForProof}; looked at every {@link RELAY_CHECK_MS}); a
 * peer holding another tree at that length finds the fork itself (Hypercore checks the signature), one holding the same
 * tree ignores it. A session closed by Hypercore (a conflict closes them all) is opened again
 * after a second: the connections it had are not sent the proof again, so two nodes relaying to
 * each other do not bounce it back and forth.
 */
export class ForkRelay {
  private readonly relayed = new Map<string, { key: Buffer, proof: TreeProof, session: Hypercore | null, sentTo: WeakSet<object>, send?: (peer: ProofPeer) => void }>()
  private closed = false

  constructor (private readonly store: Corestore) {}

  /** Relays `proof` for the feed whose core key is `key` from now on (a later one replaces it). */
  add (key: Buffer, proof: TreeProof): void {
    if (this.closed) return
    const id = key.toString('hex')
    const known = this.relayed.get(id)
    if (known !== undefined) {
      if (sameTree(known.proof, proof)) return
      known.sentTo = new WeakSet()
      known.proof = proof
      for (const peer of (known.session?.peers ?? []) as unknown as ProofPeer[]) known.send?.(peer)
      return
    }
    this.relayed.set(id, { key, proof, session: null, sentTo: new WeakSet() })
    this.open(id)
  }

  /** Feeds relayed. */
  get size (): number { return this.relayed.size }

  /** Closes every session; relays nothing more. */
  async close (): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.relayed.values()].map(async (r) => await r.session?.close()))
  }

  private open (id: string): void {
    const r = this.relayed.get(id)
    if (r === undefined || this.closed) return
    const session = this.store.get({ key: r.key })
    r.session = session
    const send = (peer: ProofPeer): void => {
      if (r.sentTo.has(peer.stream) || !readyForProof(peer, session.contiguousLength)) return
      r.sentTo.add(peer.stream)
      // Hypercore's own message proving a fork (its replicator sends it with request 0).
      try { peer.wireData.send({ request: 0, fork: r.proof.fork, block: null, hash: null, seek: null, upgrade: r.proof.upgrade, manifest: r.proof.manifest ?? null }) } catch {}
    }
    r.send = send
    session.on('peer-add', send)
    const pending = setInterval(() => { for (const peer of session.peers as unknown as ProofPeer[]) send(peer) }, RELAY_CHECK_MS).unref()
    session.on('close', () => {
      clearInterval(pending)
      if (this.closed || r.session !== session) return
      r.session = null
      setTimeout(() => this.open(id), 1000).unref()
    })
    session.ready().then(() => {
      for (const peer of session.peers as unknown as ProofPeer[]) send(peer)
    }).catch(() => {})
  }
}

/** What {@link ownTreeProof} reads of a session's core (Hypercore 11 internals). */
interface CoreInternals { state: { fork: number, length: number }, storage: { read: (fork: number) => { tryFlush: () => void } } }

/**
 * This node's own signed tree of `core` (every block it holds), as Hypercore's proof of an upgrade
 * from 0: what a peer holding another tree at that length finds a fork with. Null when the core
 * holds nothing or cannot make one.
 *
 * Used when a block in the graph links to another version of a feed than the one held here (a
 * LinkConflict): the peers who hold that other version would never hear of this one from
 * Hypercore while both have the same length (no upgrade is asked between equal lengths), so a
 * restored laptop's blocks and its old laptop's stayed each on their side, unknown to the group.
 */
export async function ownTreeProof (core: Hypercore): Promise<TreeProof | null> {
  const c = (core as unknown as { core?: CoreInternals | null }).core
  if (c === undefined || c === null || c.state.length === 0) return null
  try {
    const rx = c.storage.read(c.state.fork)
    const pending = await MerkleTree.proof(c.state, rx, { block: null, hash: null, seek: null, upgrade: { start: 0, length: c.state.length } })
    rx.tryFlush()
    const p = await pending.settle()
    return p.upgrade === null ? null : { fork: p.fork, upgrade: p.upgrade }
  } catch {
    return null
  }
}

/** Whether two proofs are of the same signed tree (same length and signature). */
function sameTree (a: TreeProof, b: TreeProof): boolean {
  return a.upgrade.length === b.upgrade.length && a.upgrade.signature !== undefined && b.upgrade.signature !== undefined && Buffer.from(a.upgrade.signature).equals(Buffer.from(b.upgrade.signature))
}
