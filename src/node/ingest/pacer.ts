/**
 * Replays during a long sync (issue 5, SPEC §8 sync): blocks are read and decoded as they
 * arrive, but a replay walks every block after the final prefix, so while feeds are still
 * downloading (a backlog of more than CATCH_UP_BACKLOG blocks) the node replays at most once per interval: the base interval, or four times the
 * last replay's duration when that is longer (a replay of a growing log costs more each time:
 * without this, replays would take most of a long sync). A replay put off is owed: a wake-up
 * runs it when the interval ends, even if no block arrives by then.
 */

/**
 * A node is catching up (its replays paced) while more than this many blocks are known in its
 * feeds and not downloaded yet. Fewer is live use: admins acting while the node receives (each
 * block announced before it arrives) must see each act at once, not a second later (issue 18
 * item 7: with 100,000 acts held, pacing on a backlog of one block made the median 475 ms).
 */
export const CATCH_UP_BACKLOG = 16

/** During a long sync, the shortest time between two replays of a node, ms. */
export const CATCH_UP_REPLAY_MS = 1000

/** The interval is at least this many times the last replay's duration. */
const DURATION_FACTOR = 4

/** Paces the replays of one node. */
export class ReplayPacer {
  private lastMs = -Infinity
  private tookMs = 0
  private timer: NodeJS.Timeout | null = null
  /** A replay was put off and has not run yet. */
  owed = false

  /**
   * @param intervalMs shortest time between two replays while catching up, ms
   * @param wake asks the node to refresh (it replays what is owed)
   * @param now clock, ms
   */
  constructor (private readonly intervalMs: number, private readonly wake: () => void, private readonly now: () => number = Date.now) {}

  /**
   * True when the replay must wait: the node is catching up and replayed less than an interval
   * ago. The replay is then owed and a wake-up is set for the end of the interval.
   */
  putOff (catchingUp: boolean): boolean {
    const wait = Math.max(this.intervalMs, DURATION_FACTOR * this.tookMs) - (this.now() - this.lastMs)
    if (!catchingUp || wait <= 0) return false
    this.owed = true
    this.timer ??= setTimeout(() => { this.timer = null; this.wake() }, wait).unref()
    return true
  }

  /** Records that a replay ran now, having started at `startMs` (same clock). */
  replayed (startMs: number = this.now()): void {
    this.owed = false
    this.lastMs = this.now()
    this.tookMs = this.lastMs - startMs
  }

  /** True while a wake-up is set. */
  get waiting (): boolean {
    return this.timer !== null
  }

  /** Cancels the wake-up. */
  stop (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
