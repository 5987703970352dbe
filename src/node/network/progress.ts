/**
 * Sync progress (SPEC §6, issue 6): from what a node holds of each writer feed and what its
 * peers say they have, the blocks received out of those known, per feed and per peer, and a
 * one-line bar for the terminal. Pure: the node gathers the numbers.
 */

/** One feed as the node sees it: blocks held (contiguous), usable by the merge, and per peer. */
export interface FeedCounts {
  feed: string
  /** Blocks held from 0 without a gap. */
  local: number
  /** Blocks the merge uses (held and causally complete). */
  usable: number
  /** For each connected peer (by its connection key, hex): how many blocks it has. */
  peers: Record<string, number>
}

/** Progress of one feed: `received` of `known` blocks (known = the most anyone has). */
export interface FeedProgress extends FeedCounts {
  known: number
  received: number
}

/** Progress of the whole sync. */
export interface SyncProgress {
  feeds: FeedProgress[]
  /** Per peer: blocks this node holds of what that peer has, over all feeds. */
  peers: Array<{ peer: string, received: number, known: number }>
  received: number
  known: number
  /** True when every feed holds every block any peer has. */
  synced: boolean
}

/** Sums the counts of each feed into the progress figures (feeds and peers sorted by key). */
export function syncProgress (feeds: FeedCounts[]): SyncProgress {
  const out: FeedProgress[] = [...feeds].sort((a, b) => (a.feed < b.feed ? -1 : 1)).map((f) => {
    const known = Math.max(f.local, ...Object.values(f.peers))
    return { ...f, known, received: Math.min(f.local, known) }
  })
  const perPeer = new Map<string, { received: number, known: number }>()
  for (const f of out) {
    for (const [peer, has] of Object.entries(f.peers)) {
      const p = perPeer.get(peer) ?? { received: 0, known: 0 }
      p.known += has
      p.received += Math.min(f.local, has)
      perPeer.set(peer, p)
    }
  }
  const received = out.reduce((s, f) => s + f.received, 0)
  const known = out.reduce((s, f) => s + f.known, 0)
  return {
    feeds: out,
    peers: [...perPeer].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([peer, p]) => ({ peer, ...p })),
    received,
    known,
    synced: received === known
  }
}

/** The share of the known blocks received, in whole percent rounded down (100 when none is known). */
export function syncPercent (p: SyncProgress): number {
  return p.known === 0 ? 100 : Math.floor((p.received * 100) / p.known)
}

/** `[########------------]` for the terminal: `width` characters, filled as {@link syncPercent} says. */
export function progressBar (p: SyncProgress, width = 24): string {
  const full = p.known === 0 ? width : Math.floor((p.received * width) / p.known)
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`
}
