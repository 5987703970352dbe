/**
 * The checkpoint file (src/node/storage/checkpoint.ts says what it is for and why it cannot lie):
 * its format (the header and its checksum: src/node/storage/checkpoint-header.ts), encoding, and
 * decoding with every check that needs no block — the
 * shape and range of every field, the block columns, the confirmed state against its recomputed
 * hash (src/node/storage/checkpoint-verify.ts) and the walk's variables.
 *
 * File format (version {@link CHECKPOINT_VERSION}):
 *
 *   file     = magic:8 ("HGASCKPT")  version:uint32le  checksum:32  body
 *   checksum = SHA-256(magic ‖ version ‖ body): every byte of the file but the checksum itself
 *   body     = metaLength:uint32le  meta  final
 *   meta     = node:v8 structured serialisation of {@link CheckpointBody} without `final`
 *   final    = the confirmed state and final log, encodeFinal of src/node/storage/statecodec.ts
 *
 * The meta keeps the small parts of {@link Resume} with their Maps and shared references (a
 * performed freeze is one of the freezes); the final part stores each id once. Final log entries
 * are stored without their acts (see LogEntry.act). The final part (95% of the bytes) is never
 * copied: node:v8 serialising it copied ~13 MB at 100,000 acts in one 40–90 ms piece, and joining
 * the file's parts copied it again (~40 ms); the parts are written one after the other.
 */
import v8 from 'node:v8'
import { HypergasError } from '../../errors.js'
import { rememberStateHash, stateHash } from '../../fold/hash.js'
import type { GroupId, MemberId } from '../../ids.js'
import { HASH_BYTES, MAX_ACTS_PER_BLOCK, MAX_LINKS, type Link } from '../../merge/block.js'
import type { Resume, SkipReason } from '../../merge/replay.js'
import { isHexId } from '../../ids.js'
import { badCheckpoint, checkConfirmed, isInt } from './checkpoint-verify.js'
import { decodeFinal } from './statecodec.js'
import { CHECKPOINT_VERSION, sealCheckpointSteps, unsealCheckpoint } from './checkpoint-header.js'
import { drain, type Steps } from '../../slices.js'


/** One feed's part of the final prefix. */
export interface CheckpointFeed {
  feed: MemberId
  /** Blocks of the feed inside the final prefix (they are its first `length` blocks), ≥ 1. */
  length: number
  /** The feed's Merkle tree hash at `length`, hex (Hypercore `treeHash(length)`). */
  treeHash: string
  /**
   * Its `length` blocks as the graph needs them, so a start reads none of them: per block, the
   * number of acts, the number of links, then (position of the linked feed in `feeds`, length)
   * per link, links in the order of `feeds` (by key).
   */
  blocks: Uint32Array
  /** The blockHash of each of its `length` blocks, 32 bytes each, in index order. */
  hashes: Uint8Array
}

/** A block of the final prefix as restored from the checkpoint: its links and act count. */
export interface PrefixBlock {
  links: Link[]
  acts: number
}

/** A verified checkpoint, as {@link decodeCheckpoint} returns it. */
export interface Checkpoint {
  /** Always {@link CHECKPOINT_VERSION}. */
  version: number
  groupId: GroupId
  /** Feeds with at least one block in the final prefix, sorted by key. */
  feeds: CheckpointFeed[]
  /** Per feed of `feeds`, its blocks in the final prefix. */
  prefix: PrefixBlock[][]
  /** Where the walk resumes; its confirmed state already carries its (recomputed) state hash. */
  resume: Resume
}

/**
 * The walk's variables besides the state and the final log, as stored: `pos` (last position of
 * the final prefix), `seen`, `ignored` (exactly the ignored blocks of the final prefix),
 * `freezes` and `performed` (each performed freeze is the same object as one of `freezes`).
 */
export type CheckpointRest = Omit<Resume, 'state' | 'log' | 'logLength' | 'ignoredLength'>

/** What the body of a checkpoint file holds: `final` as it is, the rest serialised with node:v8. */
export interface CheckpointBody {
  groupId: GroupId
  feeds: CheckpointFeed[]
  rest: CheckpointRest
  /** The confirmed state and the final log, encodeFinal of src/node/statecodec.ts. */
  final: Uint8Array
  /** State hash of the confirmed state (src/fold/hash.ts), hex. */
  confirmedHash: string
}


/** The checkpoint file holding `body`, in one buffer. */
export function encodeCheckpoint (body: CheckpointBody): Buffer {
  return Buffer.concat(drain(encodeCheckpointSteps(body)))
}

/**
 * {@link encodeCheckpoint} in steps, returning the file as parts to write one after the other
 * (header, meta length, meta, `body.final` itself): a node writes its checkpoint while it serves
 * (issue 18 item 5).
 */
export function* encodeCheckpointSteps (body: CheckpointBody): Steps<Uint8Array[]> {
  const { final, ...rest } = body
  const meta = v8.serialize(rest)
  const length = Buffer.alloc(4)
  length.writeUInt32LE(meta.byteLength)
  yield
  return yield * sealCheckpointSteps([length, meta, final])
}

/**
 * The body of a checkpoint file (after its header) as stored: the meta deserialised, unchecked,
 * and the final part (a view of `body`).
 * @throws HypergasError BAD_CHECKPOINT when the meta's length or bytes do not hold together
 */
export function readCheckpointBody (body: Uint8Array): { meta: unknown, final: Uint8Array } {
  if (body.byteLength < 4) throw badCheckpoint(`a body of ${body.byteLength} bytes`)
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const length = b.readUInt32LE(0)
  if (length > b.byteLength - 4) throw badCheckpoint(`the serialised part claims ${length} bytes, the body holds ${b.byteLength - 4}`)
  try {
    return { meta: v8.deserialize(b.subarray(4, 4 + length)), final: b.subarray(4 + length) }
  } catch (err) {
    throw badCheckpoint(`the body does not deserialise: ${(err as Error).message}`)
  }
}

// ---- shapes of the decoded body ------------------------------------------------------------

/** `x` as an object with exactly the own keys `keys` (any order), from node:v8 data. */
function fields<K extends string> (x: unknown, keys: readonly K[], what: string): { [P in K]: unknown } {
  if (typeof x !== 'object' || x === null || Object.getPrototypeOf(x) !== Object.prototype) throw badCheckpoint(`${what}: not an object`)
  const own = Object.keys(x)
  if (own.length !== keys.length || Object.getOwnPropertySymbols(x).length > 0 || !keys.every((k) => Object.hasOwn(x, k))) throw badCheckpoint(`${what}: fields ${own.join(',')}, expected ${keys.join(',')}`)
  return x as { [P in K]: unknown }
}

/**
 * `x` as a dense array (every index present), from node:v8 data of `bytes` bytes: each element
 * takes at least one of them, so a longer array (a sparse one, which costs nothing to state) is
 * refused before it is walked.
 */
function list (x: unknown, what: string, bytes: number): unknown[] {
  if (!Array.isArray(x) || Object.getPrototypeOf(x) !== Array.prototype) throw badCheckpoint(`${what}: not an array`)
  if (x.length > bytes) throw badCheckpoint(`${what}: ${x.length} elements in ${bytes} bytes`)
  for (let i = 0; i < x.length; i++) if (!(i in x)) throw badCheckpoint(`${what}: a hole at ${i}`)
  return x
}

const SKIP_REASONS: Record<SkipReason, true> = { NOT_A_WRITER: true, NO_ELECTION_LINK: true, NOT_GENESIS: true, FROZEN: true }
/** Largest feed length the columns can state. */
const MAX_LENGTH = 0xffffffff

/**
 * Most feeds in a final prefix: a block links every other feed its writer holds blocks of, at
 * most MAX_LINKS (a node holding more could not append).
 */
const MAX_FEEDS = MAX_LINKS + 1

/** Checks the feeds of a decoded body of `bytes` bytes. */
function checkFeeds (x: unknown, bytes: number): CheckpointFeed[] {
  const feeds = list(x, 'feeds', bytes)
  if (feeds.length > MAX_FEEDS) throw badCheckpoint(`${feeds.length} feeds, at most ${MAX_FEEDS} can link each other`)
  feeds.forEach((raw, i) => {
    const f = fields(raw, ['feed', 'length', 'treeHash', 'blocks', 'hashes'], `feed ${i}`)
    if (!isHexId(f.feed) || (i > 0 && (feeds[i - 1] as CheckpointFeed).feed >= f.feed)) throw badCheckpoint(`feed ${i}: not a key, or not sorted`)
    if (!isInt(f.length, 1) || f.length > MAX_LENGTH) throw badCheckpoint(`feed ${i}: bad length`)
    if (!isHexId(f.treeHash)) throw badCheckpoint(`feed ${i}: bad tree hash`)
    if (!(f.blocks instanceof Uint32Array)) throw badCheckpoint(`feed ${i}: bad block columns`)
    if (!(f.hashes instanceof Uint8Array) || f.hashes.byteLength !== HASH_BYTES * f.length) throw badCheckpoint(`feed ${i}: block hashes do not match the length`)
  })
  return feeds as CheckpointFeed[]
}

/** The blockHash of block `index` of checkpoint feed `f`. */
export function hashAt (f: CheckpointFeed, index: number): Buffer {
  let list = hashBuffers.get(f)
  if (list === undefined) hashBuffers.set(f, (list = new Array<Buffer | undefined>(f.length)))
  return (list[index] ??= Buffer.from(f.hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES)))
}

/**
 * The hashes {@link hashAt} made, per feed: a block's hash is also the next block's `prev` and
 * other blocks' links, and one Buffer serves them all (three Buffers a block took ~30 MB of heap
 * at 1,000,000 acts). Nothing mutates a block hash.
 */
const hashBuffers = new WeakMap<CheckpointFeed, Array<Buffer | undefined>>()

/**
 * The blocks of each feed from their columns: `length` blocks, each with at most
 * MAX_ACTS_PER_BLOCK acts and MAX_LINKS links, links to other feeds of the prefix in key order
 * with a length inside it.
 * @throws HypergasError BAD_CHECKPOINT otherwise
 */
function prefixBlocks (feeds: CheckpointFeed[]): PrefixBlock[][] {
  return feeds.map((f, i) => {
    const out: PrefixBlock[] = []
    const b = f.blocks
    let k = 0
    while (k < b.length && out.length < f.length) {
      const acts = b[k++]
      const n = b[k++] ?? 0
      if (acts > MAX_ACTS_PER_BLOCK || n > MAX_LINKS || k + 2 * n > b.length) throw badCheckpoint(`feed ${i} block ${out.length}: bad act or link count`)
      const links: Link[] = []
      let last = -1
      for (; n > links.length; k += 2) {
        const to = feeds[b[k]]
        const length = b[k + 1]
        if (b[k] <= last || to === undefined || to === f || length < 1 || length > to.length) throw badCheckpoint(`feed ${i} block ${out.length}: bad link`)
        last = b[k]
        links.push({ feed: to.feed, length, hash: hashAt(to, length - 1) })
      }
      out.push({ links, acts })
    }
    if (k !== b.length || out.length !== f.length) throw badCheckpoint(`feed ${i}: the block columns do not describe ${f.length} blocks`)
    return out
  })
}

/**
 * Checks that every block of the prefix can be used once the blocks it links are (no cycle of
 * links), as Graph.add will need: then restoring adds them all, usable.
 * @throws HypergasError BAD_CHECKPOINT otherwise
 */
function checkClosed (feeds: CheckpointFeed[], prefix: PrefixBlock[][]): void {
  const at = new Map(feeds.map((f, i) => [f.feed, i]))
  const done = feeds.map(() => 0)
  let progress = true
  while (progress) {
    progress = false
    feeds.forEach((f, i) => {
      while (done[i] < f.length && prefix[i][done[i]].links.every((l) => done[at.get(l.feed)!] >= l.length)) {
        done[i]++
        progress = true
      }
    })
  }
  const stuck = feeds.findIndex((f, i) => done[i] < f.length)
  if (stuck >= 0) throw badCheckpoint(`block ${done[stuck]} of feed ${stuck} waits for blocks that wait for it (a cycle of links)`)
}

/** Checks the walk's variables of a decoded body of `bytes` bytes against its feeds. */
function checkRest (x: unknown, feeds: CheckpointFeed[], bytes: number): CheckpointRest {
  const r = fields(x, ['pos', 'seen', 'ignored', 'freezes', 'performed'], 'resume')
  const lengths = new Map(feeds.map((f) => [f.feed, f.length]))
  const blocks = feeds.reduce((n, f) => n + f.length, 0)
  if (!isInt(r.pos, -1) || r.pos + 1 !== blocks) throw badCheckpoint(`the final prefix ends at position ${String(r.pos)}, its feeds hold ${blocks} blocks`)
  const inPrefix = (feed: unknown, index: unknown): boolean => isInt(index, 0) && index < (lengths.get(feed as MemberId) ?? 0)

  if (!(r.seen instanceof Map)) throw badCheckpoint('seen lengths: not a map')
  for (const [k, v] of r.seen as Map<unknown, unknown>) {
    if (!isInt(v, 1) || !inPrefix(k, v - 1)) throw badCheckpoint('seen lengths: a length outside the prefix')
  }

  for (const [i, raw] of list(r.ignored, 'ignored blocks', bytes).entries()) {
    const b = fields(raw, ['feed', 'index', 'L', 'reason', 'actIds'], `ignored block ${i}`)
    if (!inPrefix(b.feed, b.index) || !isInt(b.L, 1)) throw badCheckpoint(`ignored block ${i}: not a block of the prefix`)
    if (typeof b.reason !== 'string' || !Object.hasOwn(SKIP_REASONS, b.reason)) throw badCheckpoint(`ignored block ${i}: reason ${String(b.reason)}`)
    const ids = list(b.actIds, `ignored block ${i}: act ids`, bytes)
    if (ids.length === 0 || !ids.every(isHexId)) throw badCheckpoint(`ignored block ${i}: bad act ids`)
  }

  if (!(r.freezes instanceof Map)) throw badCheckpoint('freezes: not a map')
  const all = new Set<unknown>()
  for (const [k, v] of r.freezes as Map<unknown, unknown>) {
    const fz = list(v, 'freezes', bytes)
    if (!isHexId(k) || fz.length === 0) throw badCheckpoint('freezes: bad writer or empty list')
    let last = -1
    for (const raw of fz) {
      const f: { feed: unknown, length: unknown, by: unknown, byMembers: unknown, pos: unknown } = fields(raw, ['feed', 'length', 'by', 'byMembers', 'pos'], `freeze of ${k.slice(0, 8)}`)
      const by = fields(f.by, ['feed', 'index'], `freeze of ${k.slice(0, 8)}: removal block`)
      if (f.feed !== k || !isInt(f.length, 0) || f.length > (lengths.get(k as MemberId) ?? 0) || typeof f.byMembers !== 'boolean') throw badCheckpoint(`freeze of ${k.slice(0, 8)}: bad length or kind`)
      if (!inPrefix(by.feed, by.index) || !isInt(f.pos, 0) || f.pos > r.pos || f.pos <= last) throw badCheckpoint(`freeze of ${k.slice(0, 8)}: removal block outside the prefix or out of order`)
      last = f.pos
      all.add(raw)
    }
  }
  // A resumed walk gives up on a freeze it did not perform: every one of them was performed.
  if (!(r.performed instanceof Set) || r.performed.size !== all.size || ![...r.performed].every((f) => all.has(f))) throw badCheckpoint('performed freezes are not the freezes')
  return r as CheckpointRest
}

/**
 * Decodes and verifies checkpoint file `bytes` of group `groupId`: header and checksum, the
 * shape of every field, the block columns (counts within the block limits, links inside the
 * prefix, no cycle), the confirmed state (its recomputed state hash equal to the recorded one,
 * then checkConfirmed of src/node/checkpoint-verify.ts) and the walk's variables. The returned
 * confirmed state carries its state hash (finishedStateHash does not hash it again). What the
 * blocks must agree with is checked by {@link restoreCheckpoint}. `sealed`: the file carries
 * this node's seal (src/node/storage/checkpoint-seal.ts), so the recorded state hash is taken as
 * it is and the confirmed state's consistency is not checked again; every other check runs.
 * @throws HypergasError BAD_CHECKPOINT (damaged, edited or inconsistent, another group's) or
 *   BAD_VERSION (another format version); never another error
 */
export function decodeCheckpoint (bytes: Uint8Array, groupId: GroupId, sealed = false): Checkpoint {
  try {
    const raw = unsealCheckpoint(bytes)
    const { meta, final: finalBytes } = readCheckpointBody(raw)
    const body = fields(meta, ['groupId', 'feeds', 'rest', 'confirmedHash'], 'checkpoint')
    if (body.groupId !== groupId) throw badCheckpoint(`a checkpoint of another group (${String(body.groupId).slice(0, 8)})`)
    if (!isHexId(body.confirmedHash)) throw badCheckpoint('bad recorded state hash')
    const feeds = checkFeeds(body.feeds, raw.byteLength)
    const prefix = prefixBlocks(feeds)
    checkClosed(feeds, prefix)
    const rest = checkRest(body.rest, feeds, raw.byteLength)
    let final: ReturnType<typeof decodeFinal>
    try {
      final = decodeFinal(finalBytes)
    } catch (err) {
      throw badCheckpoint(`the confirmed state does not decode: ${(err as Error).message}`)
    }
    const { state, log } = final
    if (!sealed) {
      const hash = stateHash(state)
      if (hash !== body.confirmedHash) throw badCheckpoint(`the confirmed state hashes to ${hash.slice(0, 8)}, the checkpoint records ${body.confirmedHash.slice(0, 8)}`)
      checkConfirmed(state, log, groupId)
    }
    rememberStateHash(state, body.confirmedHash)
    const resume: Resume = { ...rest, state, log, logLength: log.length, ignoredLength: rest.ignored.length }
    return { version: CHECKPOINT_VERSION, groupId, feeds, prefix, resume }
  } catch (err) {
    if (err instanceof HypergasError) throw err
    throw badCheckpoint(`does not decode: ${(err as Error)?.message ?? String(err)}`)
  }
}

// ---- the restored blocks -------------------------------------------------------------------
