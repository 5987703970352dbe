/**
 * The seal of a checkpoint a node wrote itself (issue 18 item 4, cold start; issue 13 item 6, "or
 * an equivalent that catches an edited-and-re-encoded file"). Next to `checkpoint`, the file
 * `checkpoint.seal` holds HMAC-SHA-256 of the checkpoint's header (magic, version and the SHA-256
 * checksum of every other byte) under a key derived from the node's Ed25519 seed with HKDF-SHA-256.
 *
 * A checkpoint whose seal matches was written by a node holding this identity, and its checksum
 * still covers every byte: the node skips the costly part of the verification (the state hash
 * recomputed, the state's consistency and the final log's against it: ~0.2 s at 100,000 acts)
 * and keeps every check against the blocks. Any other checkpoint (no seal, another node's, an
 * edit re-encoded with a recomputed checksum, a seal damaged) is verified in full, as before.
 * The seal trusts what the `verified` signatures (src/node/storage/verified.ts) and the Corestore
 * already trust: the node's own data directory, where the seed is. What it gives up: a node no
 * longer re-checks, at every start, a checkpoint its own fold wrote (a bug of its own fold would
 * be caught only on a start without the seal; the tests verify the checkpoint of every final
 * prefix of simulated histories in full). The header names the format version, which any change
 * to what the fold or the merge computes bumps (checkpoint-file.ts): a checkpoint of another
 * hypergas is never taken on its seal.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { HEADER_BYTES } from './checkpoint-header.js'

/** Bytes of a seal (HMAC-SHA-256). */
export const SEAL_BYTES = 32

/** The checkpoint-sealing key of a node: 32 bytes, HKDF-SHA-256 of its 32-byte Ed25519 `seed`. */
export function sealKey (seed: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', seed, 'hypergas', 'checkpoint seal v1', SEAL_BYTES))
}

/**
 * The seal of checkpoint file `file` under `key` (the bytes of `checkpoint.seal`): HMAC-SHA-256
 * of its header. A file shorter than a header gets one too; it is refused by its own checks.
 */
export function checkpointMac (key: Uint8Array, file: Uint8Array): Buffer {
  return mac(key, file.subarray(0, HEADER_BYTES))
}

/** HMAC-SHA-256 under `key` of `parts` one after the other (the seal; remembered state hashes). */
export function mac (key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** True when `seal` (the bytes of `checkpoint.seal`, or null) is `file`'s seal under `key`. */
export function isSealed (key: Uint8Array, file: Uint8Array, seal: Uint8Array | null): boolean {
  return seal !== null && seal.byteLength === SEAL_BYTES && timingSafeEqual(seal, checkpointMac(key, file))
}
