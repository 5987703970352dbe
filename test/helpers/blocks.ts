/**
 * Writing blocks by hand in tests (SPEC §5, block format 2): `prev` and link hashes taken from the
 * encoded blocks each feed already holds, so a test names links by length only.
 */
import type { MemberId } from '../../src/ids.js'
import { blockHash, encodeBlock, NO_PREV, type Link } from '../../src/merge/block.js'

/** Encoded blocks per feed, in index order. */
export type FeedBytes = Map<MemberId, Buffer[]>

/**
 * The link to the first `length` blocks of `feed` in `feeds` (with the hash of block length-1;
 * 32 zero bytes for a block that was never written: a link to blocks that never arrive).
 */
export function linkTo (feeds: FeedBytes, feed: MemberId, length: number): Link {
  const bytes = feeds.get(feed)?.[length - 1]
  return { feed, length, hash: bytes === undefined ? Buffer.alloc(32) : blockHash(bytes) }
}

/**
 * Encodes the next block of `author` (prev = hash of its last block in `feeds`) with links to the
 * given lengths, appends it to `feeds` and returns its bytes.
 */
export function chainBlock (feeds: FeedBytes, author: MemberId, lengths: Iterable<readonly [MemberId, number]>, acts: Buffer[]): Buffer {
  const own = feeds.get(author) ?? []
  const links = [...lengths].filter(([f, n]) => f !== author && n > 0).map(([f, n]) => linkTo(feeds, f, n))
  const bytes = encodeBlock({ prev: own.length === 0 ? NO_PREV : blockHash(own[own.length - 1]), links, acts })
  own.push(bytes)
  feeds.set(author, own)
  return bytes
}
