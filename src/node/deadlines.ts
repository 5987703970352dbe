/**
 * Scheduled acts (SPEC §4.5 Dates): the owner's node closes the bookings of its purchases itself
 * at their deadline, when it runs (like reactivegas's programmed events). The fold never reads the
 * clock; this keeper does, on the node, and appends an ordinary CloseBookings signed by the owner.
 */
import { failureOf } from '../errors.js'
import type { PurchaseId, MemberId } from '../ids.js'
import type { Replay } from '../merge/replay.js'
import type { GasNode } from './node.js'
import type { LogLine } from './types.js'
import { bookingsOpen } from '../fold/state.js'

/** The purchases owned by `me` whose bookings are open and whose deadline has come, by id. */
export function dueClosings (v: Replay, me: MemberId, nowMs: number): PurchaseId[] {
  const out: PurchaseId[] = []
  for (const p of v.state.purchases.values()) {
    if (p.phase === 'open' && p.owner === me && bookingsOpen(p) && p.dates !== undefined && p.dates.closesAtMs > 0 && p.dates.closesAtMs <= nowMs) out.push(p.id)
  }
  return out.sort()
}

/** The next deadline after `nowMs` of a purchase owned by `me` with open bookings, ms; null when none. */
export function nextDeadline (v: Replay, me: MemberId, nowMs: number): number | null {
  let next: number | null = null
  for (const p of v.state.purchases.values()) {
    const at = p.dates?.closesAtMs ?? 0
    if (p.phase === 'open' && p.owner === me && bookingsOpen(p) && at > nowMs && (next === null || at < next)) next = at
  }
  return next
}

/** Longest a timer may wait (setTimeout's limit, about 24.8 days); later deadlines are looked at again then. */
const MAX_WAIT_MS = 2 ** 31 - 1

/** Closes the bookings of the node's purchases at their deadlines while it runs. */
export class DeadlineKeeper {
  private timer: NodeJS.Timeout | null = null
  private busy = false
  private stopped = false

  /**
   * @param node the running node (its admin is the owner)
   * @param log a line for the node's log, once per purchase closed (or failing to)
   * @param now the clock, ms
   */
  constructor (private readonly node: GasNode, private readonly log: (line: LogLine, purchase: PurchaseId) => void, private readonly now: () => number = Date.now) {
    node.on('update', this.check)
    this.check()
  }

  private readonly check = (): void => {
    if (this.stopped || this.busy) return
    const v = this.node.view
    if (v === null) return
    // One reading of the clock: read twice, a deadline passed in between was neither due nor next,
    // and no timer was set for it (a timer fires up to a millisecond early: then it happened).
    const now = this.now()
    const due = dueClosings(v, this.node.id, now)
    if (due.length > 0) {
      this.busy = true
      void this.close(due).finally(() => { this.busy = false; this.check() })
      return
    }
    if (this.timer !== null) clearTimeout(this.timer)
    const next = nextDeadline(v, this.node.id, now)
    this.timer = next === null ? null : setTimeout(this.check, Math.min(MAX_WAIT_MS, Math.max(0, next - now)))
    this.timer?.unref()
  }

  private async close (due: PurchaseId[]): Promise<void> {
    for (const id of due) {
      const name = this.node.view?.state.purchases.get(id)?.name ?? id.slice(0, 8)
      try {
        await this.node.submit({ type: 'CloseBookings', purchase: id })
        this.log({ key: 'deadlineClosed', vars: { name }, text: `bookings of "${name}" closed at their deadline` }, id)
      } catch (err) {
        const { reason, refusal } = failureOf(err as Error)
        this.log({ key: 'deadlineFailed', vars: { name, error: reason }, text: `bookings of "${name}" could not be closed at their deadline: ${(err as Error).message}`, ...(refusal === undefined ? {} : { refusal }) }, id)
        this.stopped = true // not again on every update: the next start tries again
      }
    }
  }

  /** Stops the keeper. */
  stop (): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.node.off('update', this.check)
  }
}
