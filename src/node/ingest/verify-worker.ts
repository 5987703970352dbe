/**
 * The thread of src/node/ingest/verifier.ts: runs batches of Ed25519 checks with the one verifier of
 * every node (libsodium, src/crypto.ts) and answers with a boolean per check, in order.
 */
import { parentPort } from 'node:worker_threads'
import { verify } from '../../crypto.js'

/** A batch: its number and its checks packed by `pack` in src/node/ingest/verifier.ts. */
interface Batch {
  id: number
  packed: Uint8Array
}

parentPort?.on('message', (b: Batch) => {
  const p = Buffer.from(b.packed.buffer, b.packed.byteOffset, b.packed.byteLength)
  const ok: boolean[] = []
  for (let at = 0; at < p.byteLength;) {
    const length = p.readUInt32LE(at + 96)
    ok.push(verify(p.subarray(at, at + 64), p.subarray(at + 100, at + 100 + length), p.subarray(at + 64, at + 96)))
    at += 100 + length
  }
  parentPort?.postMessage({ id: b.id, ok })
})
