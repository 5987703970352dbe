/**
 * Blocks of an admin's feed (SPEC §5): causal links (for every other writer feed the author had
 * seen, the length seen) and zero or more signed acts. A block with no acts is an
 * acknowledgement.
 *
 *   block = v:uint  links:array<feed:fixed32 length:uint>  acts:array<buffer>
 *
 * Links are sorted by feed key, unique, with length ≥ 1, never to the block's own feed (the
 * previous block of the own feed is an implicit link). Decoding is strict and canonical.
 */
import c from 'compact-encoding'
import { HypergasError } from '../errors.js'
import { hex, unhex, type FeedKey } from '../ids.js'

/** Current block format version. */
export const BLOCK_VERSION = 1
/** Largest block, bytes. */
export const MAX_BLOCK_BYTES = 1 << 20
/** Most acts in one block. */
export const MAX_ACTS_PER_BLOCK = 4096
/** Most links in one block (one per writer feed). */
export const MAX_LINKS = 256

/** A causal link: the author had seen `length` blocks of `feed`. */
export interface Link {
  feed: FeedKey
  length: number
}

/** A decoded block: links and the raw signed act bytes (decoded later, SPEC §4). */
export interface Block {
  links: Link[]
  acts: Buffer[]
}

const linkEnc = {
  preencode (s: c.State, l: Link) { c.fixed32.preencode(s, unhex(l.feed)); c.uint.preencode(s, l.length) },
  encode (s: c.State, l: Link) { c.fixed32.encode(s, unhex(l.feed)); c.uint.encode(s, l.length) },
  decode (s: c.State): Link { return { feed: hex(c.fixed32.decode(s)) as FeedKey, length: c.uint.decode(s) } }
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
  const s = c.state()
  c.uint.preencode(s, BLOCK_VERSION)
  linksEnc.preencode(s, links)
  actsEnc.preencode(s, block.acts)
  if (s.end > MAX_BLOCK_BYTES) throw HypergasError.OVERSIZED(`block of ${s.end} bytes, limit ${MAX_BLOCK_BYTES}`)
  s.buffer = Buffer.allocUnsafe(s.end)
  c.uint.encode(s, BLOCK_VERSION)
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
  try {
    const s = c.state(0, bytes.byteLength, bytes)
    const v = c.uint.decode(s)
    if (v !== BLOCK_VERSION) throw HypergasError.BAD_VERSION(`block format version ${v}`)
    const links = linksEnc.decode(s)
    const acts = actsEnc.decode(s).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    if (s.start !== bytes.byteLength) throw HypergasError.BAD_ENCODING('trailing bytes after block')
    block = { links, acts }
  } catch (err) {
    if (err instanceof HypergasError) throw err
    throw HypergasError.BAD_ENCODING(`block does not decode: ${(err as Error).message}`)
  }
  checkLinks(block.links)
  if (block.acts.length > MAX_ACTS_PER_BLOCK) throw HypergasError.OVERSIZED(`${block.acts.length} acts in a block`)
  if (block.links.some((l) => l.feed === feed)) throw HypergasError.BAD_FIELD('block links to its own feed')
  if (!encodeBlock(block).equals(bytes)) throw HypergasError.BAD_ENCODING('block is not in canonical encoding')
  return block
}
