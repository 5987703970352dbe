/**
 * Fork detection (SPEC §5 forks): Hypercore proves a fork of a writer feed (two signed trees at
 * one length) with a 'conflict' event, or truncates a feed, and then closes the core. Either
 * becomes the sides of one ForkReport (kept in the data directory by the node).
 */
import type Hypercore from 'hypercore'
import type { ForkReport } from '../storage/datadir.js'

/** A fork as seen on one core: where the trees differ, what the node keeps, both signatures. */
export type ForkSides = Pick<ForkReport, 'length' | 'held' | 'local' | 'remote'>

/**
 * Calls `onFork` when `core` proves or shows a fork; `received()` is how many blocks of the feed
 * the node has taken in (it keeps those up to the fork and reads no further).
 */
export function watchForks (core: Hypercore, received: () => number, onFork: (sides: ForkSides) => void): void {
  core.on('conflict', (length: number, _fork: number, proof: { upgrade?: { length: number, signature?: Buffer } }) => {
    const sig = (core as unknown as { state?: { signature?: Buffer | null } }).state?.signature ?? null
    onFork({
      length,
      held: received(),
      local: { length: core.length, signature: sig?.toString('hex') ?? null },
      remote: { length: proof.upgrade?.length ?? length, signature: proof.upgrade?.signature?.toString('hex') ?? null }
    })
  })
  core.on('truncate', (length: number) => {
    onFork({ length, held: Math.min(length, received()), local: { length, signature: null }, remote: { length, signature: null } })
  })
}
