/**
 * Signatures and hashes (SPEC §3, §4).
 *
 * Signing uses @noble/ed25519 (RFC 8032, deterministic: any implementation produces the same
 * signature bytes). Verification uses ONE implementation on every node: libsodium's
 * `crypto_sign_verify_detached` through sodium-native (the library hypercore itself verifies its
 * feeds with). A signature accepted by one node and refused by another would split the group, so
 * no other verifier exists in this codebase. See docs/decisions.md.
 */
import { createHash, hash, randomBytes } from 'node:crypto'
import * as ed from '@noble/ed25519'
import sodium from 'sodium-native'

ed.hashes.sha512 = (msg) => new Uint8Array(createHash('sha512').update(msg).digest())

/** An Ed25519 key pair: 32-byte public key and 32-byte seed (the RFC 8032 secret key). */
export interface KeyPair {
  publicKey: Buffer
  /** The 32-byte seed. */
  seed: Buffer
}

/** A new random key pair (the only place hypergas reads randomness, outside tests). */
export function generateKeyPair (): KeyPair {
  return keyPairFromSeed(randomBytes(32))
}

/**
 * The key pair of a 32-byte seed. The public key is derived by libsodium: the same bytes as
 * @noble/ed25519's (RFC 8032), without noble's ~25 ms of first-call tables on every CLI start.
 * @throws RangeError when `seed` is not 32 bytes
 */
export function keyPairFromSeed (seed: Uint8Array): KeyPair {
  if (seed.byteLength !== 32) throw new RangeError(`an Ed25519 seed is 32 bytes, not ${seed.byteLength}`)
  const publicKey = Buffer.alloc(32)
  const secretKey = Buffer.alloc(64)
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, Buffer.from(seed))
  sodium.sodium_memzero(secretKey) // only the public key is kept from it
  return { publicKey, seed: Buffer.from(seed) }
}

/** libsodium's 64-byte secret key (seed ‖ public key), as hypercore wants it for a writable core. */
export function sodiumSecretKey (kp: KeyPair): Buffer {
  return Buffer.concat([kp.seed, kp.publicKey])
}

/** Ed25519 signature (64 bytes) of `message` with the seed's key. */
export function sign (message: Uint8Array, seed: Uint8Array): Buffer {
  return Buffer.from(ed.sign(message, seed))
}

/**
 * Verifies an Ed25519 signature with libsodium (the single verification rule of every node).
 * Returns false (never throws) for wrong lengths.
 */
export function verify (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false
  return sodium.crypto_sign_verify_detached(toBuffer(signature), toBuffer(message), toBuffer(publicKey))
}

/** Scratch space of {@link sha256Prefixed}: hashing a few hundred bytes is cheaper in one call. */
let scratch = Buffer.alloc(8192)

/** `prefix ‖ bytes` in the scratch space (valid until the next call). */
function prefixed (prefix: Uint8Array, bytes: Uint8Array): Buffer {
  const n = prefix.byteLength + bytes.byteLength
  if (n > scratch.byteLength) scratch = Buffer.alloc(n)
  scratch.set(prefix, 0)
  scratch.set(bytes, prefix.byteLength)
  return scratch.subarray(0, n)
}

/**
 * SHA-256 of `prefix ‖ bytes`, as 32 bytes (a block hash). One-shot OpenSSL, which uses the CPU's
 * SHA instructions when it has them: 3 µs for a 5 KB block here, against libsodium's 15.
 */
export function sha256Prefixed (prefix: Uint8Array, bytes: Uint8Array): Buffer {
  return hash('sha256', prefixed(prefix, bytes), 'buffer')
}

/** {@link sha256Prefixed} as 64 lowercase hex characters (an act id per act, issue 5). */
export function sha256PrefixedHex (prefix: Uint8Array, bytes: Uint8Array): string {
  return hash('sha256', prefixed(prefix, bytes), 'hex')
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256 (...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

function toBuffer (b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}
