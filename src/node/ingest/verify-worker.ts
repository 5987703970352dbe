/**
 * The thread of src/node/ingest/verifier.ts: runs batches of Ed25519 checks with the one verifier of
 * every node (libsodium, src/crypto.ts) and answers with a boolean per check, in order.
 */
import { parentPort } from 'node:worker_threads'
import { verify } from '../../crypto.js'
import { unpackChecks } from './packed-checks.js'

/** A batch: its number and its checks (src/node/ingest/packed-checks.ts). */
interface Batch {
  id: number
  packed: Uint8Array
}

parentPort?.on('message', (b: Batch) => {
  const ok = unpackChecks(b.packed).map((c) => verify(c.sig, c.msg, c.pk))
  parentPort?.postMessage({ id: b.id, ok })
})
