/**
 * The thread of src/node/ingest/verifier.ts: runs batches of Ed25519 checks with the one verifier of
 * every node (libsodium, src/crypto.ts) and answers with a boolean per check, in order.
 */
import { parentPort } from 'node:worker_threads'
import { verify } from '../../crypto.js'

/** A batch: its number and the checks (Buffers arrive as Uint8Arrays). */
interface Batch {
  id: number
  checks: Array<{ sig: Uint8Array, msg: Uint8Array, pk: Uint8Array }>
}

parentPort?.on('message', (b: Batch) => {
  parentPort?.postMessage({ id: b.id, ok: b.checks.map((c) => verify(c.sig, c.msg, c.pk)) })
})
