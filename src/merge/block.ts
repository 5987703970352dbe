/**
 * Blocks of an admin's feed (SPEC §5): the hash of the feed's previous block, causal links (for
 * every other writer feed the author had seen, the length seen and the hash of the last block
 * seen) and zero or more signed acts. A block with no acts is an acknowledgement.
 *
 *   block = v:uint(2)  prev:fixed32  links:array<feed:fixed32 length:uint hash:fixed32>  acts:array<buffer>
 *
 * `prev` is the {@link blockHash} of block index-1 of the same feed (32 zero bytes at index 0), so
 * the hash of a feed's last block fixes every block before it: a link's hash pins "the first
 * `length` blocks of `feed`" against any other branch of a forked feed (docs/ordering.md §6).
 * Links are sorted by feed key, unique, with length ≥ 1, never to the block's own feed (the
 * previous block of the own feed is an implicit link). Decoding is strict and canonical.
 * Version 1 (links without hashes) is refused with BAD_VERSION.
 */
import c from 'compact-encoding'
import { HypergasError } from '../errors.js'
import { sha256Prefixed } from '../crypto.js'
import { hex, unhex, type FeedKey } from '../ids.js'

/** Current block format version (2: `prev` and link hashes, issue 13). */
export const BLOCK_VERSION = 2
/** Bytes of a block hash. */
export const HASH_BYTES = 32
/** The `prev` of block 0 of every feed. */
export const NO_PREV: Buffer = Buffer.alloc(HASH_BYTES)
/** Largest block, bytes. */
export const MAX_BLOCK_BYTES = 1 << 20
/** Most acts in one block. */
export const MAX_ACTS_PER_BLOCK = 4096
/** Most links in one block (one per writer feed). */
export const MAX_LINKS = 256

/**
 * A causal link: the author had seen `length` blocks of `feed`, the last of them with
 * {@link blockHash} `hash` (32 bytes).
 */
export interface Link {
  feed: FeedKey
  length: number
  hash: Buffer
}

/**
 * A decoded block: the hash of the feed's previous block (32 bytes, {@link NO_PREV} at index 0),
 * links and the raw signed act bytes (decoded later, SPEC §4).
 */
export interface Block {
  prev: Buffer
  links: Link[]
  acts: Buffer[]
}

const BLOCK_DOMAIN = Buffer.from('hypergas/block\0')

/** SHA-256 of the domain-separated block bytes: what the next block's `prev` and links name. */
export function blockHash (bytes: Uint8Array): Buffer {
  return sha256Prefixed(BLOCK_DOMAIN, bytes)
}

const linkEnc = {
  preencode (s: c.State, l: Link) { c.fixed32.preencode(s, unhex(l.feed)); c.uint.preencode(s, l.length); c.fixed32.preencode(s, l.hash) },
  encode (s: c.State, l: Link) { c.fixed32.encode(s, unhex(l.feed)); c.uint.encode(s, l.length); c.fixed32.encode(s, l.hash) },
  decode (s: c.State): Link {
    const feed = hex(c.fixed32.decode(s)) as FeedKey
    const length = uintOf(s)
    return { feed, length, hash: Buffer.from(c.fixed32.decode(s)) } // a copy: a kept link must not keep the block's bytes
  }
}

const linksEnc = c.array(linkEnc)
const actsEnc = c.array(c.buffer)

/**
 * Encodes a block. Links are sorted here; the caller passes links to feeds other than its own.
 * @throws HypergasError OVERSIZED (too many acts/links or bytes), BAD_FIELD (bad link)
 */
export function encodeBlock (block: Block): Buffer {
  const links = [...block.links].sort((a, b) => (a.feed < b.feed ? -1 : 1))
  checkLinks(links)
  if (block.acts.length > MAX_ACTS_PER_BLOCK) throw HypergasError.OVERSIZED(`${block.acts.length} acts in a block, limit ${MAX_ACTS_PER_BLOCK}`)
  if (block.prev.byteLength !== HASH_BYTES || links.some((l) => l.hash.byteLength !== HASH_BYTES)) throw HypergasError.BAD_FIELD(`block hashes are ${HASH_BYTES} bytes`)
  const s = c.state()
  c.uint.preencode(s, BLOCK_VERSION)
  c.fixed32.preencode(s, block.prev)
  linksEnc.preencode(s, links)
  actsEnc.preencode(s, block.acts)
  if (s.end > MAX_BLOCK_BYTES) throw HypergasError.OVERSIZED(`block of ${s.end} bytes, limit ${MAX_BLOCK_BYTES}`)
  s.buffer = Buffer.allocUnsafe(s.end)
  c.uint.encode(s, BLOCK_VERSION)
  c.fixed32.encode(s, block.prev)
  linksEnc.encode(s, links)
  actsEnc.encode(s, block.acts)
  return s.buffer as Buffer
}

function checkLinks (links: Link[]): void {
  if (links.length > MAX_LINKS) throw HypergasError.OVERSIZED(`${links.length} links, limit ${MAX_LINKS}`)
  for (let i = 0; i < links.length; i++) {
    const l = links[i]
    if (!Number.isSafeInteger(l.length) || l.length < 1) throw HypergasError.BAD_FIELD(`link length ${l.length} to ${l.feed.slice(0, 8)}`)
    if (i > 0 && links[i - 1].feed >= l.feed) throw HypergasError.BAD_FIELD('links not sorted or not unique')
  }
}

/**
 * Decodes untrusted block bytes of feed `feed`.
 * @throws HypergasError OVERSIZED, BAD_VERSION, BAD_ENCODING (truncated, trailing bytes,
 *   non-canonical), BAD_FIELD (bad links, a link to the own feed)
 */
export function decodeBlock (bytes: Buffer, feed: FeedKey): Block {
  if (bytes.byteLength > MAX_BLOCK_BYTES) throw HypergasError.OVERSIZED(`block of ${bytes.byteLength} bytes, limit ${MAX_BLOCK_BYTES}`)
  let block: Block
  canonical = true
  try {
    const s = c.state(0, bytes.byteLength, bytes)
    const v = uintOf(s)
    if (v !== BLOCK_VERSION) throw HypergasError.BAD_VERSION(`block format version ${v}, this hypergas reads ${BLOCK_VERSION} (docs/ordering.md §6)`)
    const prev = Buffer.from(c.fixed32.decode(s))
    const links: Link[] = new Array(countOf(s))
    for (let i = 0; i < links.length; i++) links[i] = linkEnc.decode(s)
    const acts: Buffer[] = new Array(countOf(s))
    for (let i = 0; i < acts.length; i++) {
      const n = uintOf(s)
      if (s.end - s.start < n) throw new Error('Out of bounds')
      acts[i] = bytes.subarray(s.start, (s.start += n))
    }
    if (s.start !== bytes.byteLength) throw HypergasError.BAD_ENCODING('trailing bytes after block')
    block = { prev, links, acts }
  } catch (err) {
    if (err instanceof HypergasError) throw err
    throw HypergasError.BAD_ENCODING(`block does not decode: ${(err as Error).message}`)
  }
  checkLinks(block.links)
  if (block.acts.length > MAX_ACTS_PER_BLOCK) throw HypergasError.OVERSIZED(`${block.acts.length} acts in a block`)
  if (block.links.some((l) => l.feed === feed)) throw HypergasError.BAD_FIELD('block links to its own feed')
  // Every other part re-encodes to itself (links sorted and unique, checked above); the numbers
  // must have taken their shortest form. Refused last, as a re-encoding that differs would be.
  if (!canonical) throw HypergasError.BAD_ENCODING('block is not in canonical encoding')
  return block
}

/** False once a number of the block being decoded was not in its shortest form. */
let canonical = true
/** Where compact-encoding measures the shortest form of a number. */
const width = c.state()

/** A uint of compact-encoding, noting in `canonical` a longer form than its value needs. */
function uintOf (s: c.State): number {
  const from = s.start
  const n = c.uint.decode(s)
  width.end = 0
  c.uint.preencode(width, n)
  if (s.start - from !== width.end) canonical = false
  return n
}

/** The length of an array (compact-encoding's limit: 2^20 elements). */
function countOf (s: c.State): number {
  const n = uintOf(s)
  if (n > 0x100000) throw new Error('Array is too big')
  return n
}
