/**
 * Signature checks on another thread (issue 5, SPEC §8 sync): a fresh node verifies every
 * relayed act once (~55 µs each with libsodium); on the thread that also serves Hypercore that
 * adds to the sync time, on a worker thread it runs beside the download and the decoding. Same
 * function, same result as verifying inline (src/crypto.ts): the thread changes no outcome.
 * Small batches (a live update) are verified inline: a round trip to the worker costs more, and
 * so are checks of the wrong sizes (they fail inline; the worker's packing assumes the sizes).
 */
import { Worker } from 'node:worker_threads'
import type { SignatureCheck } from '../../acts/act.js'
import { verify } from '../../crypto.js'
import { packChecks } from './packed-checks.js'

/** Batches smaller than this are verified on the calling thread. */
const INLINE_BELOW = 16

interface Waiting {
  checks: SignatureCheck[]
  resolve: (ok: boolean[]) => void
}

const inline = (checks: SignatureCheck[]): boolean[] => checks.map((c) => verify(c.sig, c.msg, c.pk))

/** One worker thread, started on first use; if it fails, checks run inline. */
export class Verifier {
  private worker: Worker | null = null
  private next = 0
  private readonly waiting = new Map<number, Waiting>()
  /** Batches answered by the worker thread (not inline). */
  batchesOnWorker = 0

  /** One boolean per check, in order: true when the signature verifies. Never rejects. */
  async verify (checks: SignatureCheck[]): Promise<boolean[]> {
    if (checks.length < INLINE_BELOW || checks.some((c) => c.sig.byteLength !== 64 || c.pk.byteLength !== 32)) return inline(checks)
    const w = this.start()
    const id = this.next++
    return await new Promise((resolve) => {
      this.waiting.set(id, { checks, resolve })
      // While a batch is out the worker keeps the process alive (a one-shot command must not
      // exit waiting for it); idle, it does not.
      if (this.waiting.size === 1) w.ref()
      const packed = packChecks(checks)
      w.postMessage({ id, packed }, [packed.buffer as ArrayBuffer])
    })
  }

  /**
   * Starts the worker thread now, ahead of a long read (src/node/ingest/reader.ts): it takes
   * 0.1–0.2 s to load, which otherwise passes with the reader waiting for the first answer.
   */
  warm (): void {
    this.start()
  }

  private start (): Worker {
    if (this.worker !== null) return this.worker
    const w = new Worker(new URL('./verify-worker.js', import.meta.url))
    w.unref()
    w.on('message', (m: { id: number, ok: boolean[] }) => {
      const x = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (this.waiting.size === 0) w.unref()
      this.batchesOnWorker++
      x?.resolve(m.ok)
    })
    const fail = (): void => {
      if (this.worker === w) this.worker = null
      for (const [id, x] of this.waiting) {
        this.waiting.delete(id)
        x.resolve(inline(x.checks))
      }
    }
    w.on('error', fail)
    w.on('exit', fail)
    this.worker = w
    return w
  }

  /** Stops the worker (checks still waiting are verified inline). */
  async close (): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w !== null) await w.terminate()
  }
}
