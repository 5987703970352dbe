/**
 * The node's work queue: one job at a time on the graph and the own feed (a refresh, an append),
 * in the order asked, and a refresh scheduled at most once per turn of the event loop.
 */

/** Serialises async jobs and schedules a recurring one (the node's refresh). */
export class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private scheduled = false

  /**
   * @param job the job {@link schedule} runs (the refresh)
   * @param onError where a scheduled job's failure goes (the node's 'error' event)
   * @param stopped true once nothing new may be scheduled (the node is closing)
   */
  constructor (private readonly job: () => Promise<void>, private readonly onError: (err: Error) => void, private readonly stopped: () => boolean) {}

  /** Runs `fn` after every job asked before it; answers its result (or throws its error). */
  async run<T> (fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn)
    this.tail = p.catch(() => {})
    return await p
  }

  /** Runs the job on the next turn of the event loop, once however often it is asked meanwhile. */
  schedule (): void {
    if (this.scheduled || this.stopped()) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.run(this.job).catch((err: Error) => this.onError(err))
    })
  }

  /** Waits until no job runs or is scheduled, and `busy` (more work kept elsewhere) is false. */
  async idle (busy: () => boolean = () => false): Promise<void> {
    while (true) {
      const q = this.tail
      await q
      if (q === this.tail && !this.scheduled && !busy()) return
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}
