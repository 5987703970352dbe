/**
 * Branded identifiers (SPEC §3). All ids travel as lowercase hex strings in memory and in every
 * interface; the wire encoding (src/acts/encoding.ts) carries the raw 32 bytes.
 */
import { HypergasError } from './errors.js'

/** A member's Ed25519 public key, 64 lowercase hex chars. Also the key of an admin's feed. */
export type MemberId = string & { readonly __memberId: true }
/** Hash of a signed act encoding, 64 lowercase hex chars (SPEC §4). */
export type ActId = string & { readonly __actId: true }
/** A purchase id: the act id of its OpenPurchase (SPEC §4). */
export type PurchaseId = ActId
/** The group id: the act id of its CreateGroup (SPEC §4 Genesis). */
export type GroupId = ActId
/** A writer feed's signing public key (equal to the owning admin's MemberId, SPEC §3). */
export type FeedKey = MemberId

/**
 * True when `x` is an id: 64 lowercase hex characters (a member key, an act id, a hash). By
 * character code: twice as fast as a regular expression, and every act's ids go through it.
 */
export function isHexId (x: unknown): x is string {
  if (typeof x !== 'string' || x.length !== 64) return false
  for (let i = 0; i < 64; i++) {
    const k = x.charCodeAt(i)
    if (!((k >= 48 && k <= 57) || (k >= 97 && k <= 102))) return false // 0-9, a-f
  }
  return true
}

/**
 * Checks that `s` is 64 lowercase hex chars.
 * @throws HypergasError BAD_KEY otherwise, saying what came.
 */
export function assertHex32 (s: unknown, what: string): string {
  if (!isHexId(s)) {
    const got = typeof s === 'string' ? `string of length ${s.length}` : typeof s
    throw HypergasError.BAD_KEY(`expected ${what} as 64 lowercase hex chars, got ${got}`)
  }
  return s
}

/** Parses a MemberId. @throws HypergasError BAD_KEY */
export function toMemberId (s: unknown): MemberId { return assertHex32(s, 'member id') as MemberId }
/** Parses an ActId. @throws HypergasError BAD_KEY */
export function toActId (s: unknown): ActId { return assertHex32(s, 'act id') as ActId }

/** Lowercase hex of bytes. */
export function hex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Bytes of a lowercase hex string (no validation: callers validate first). */
export function unhex (s: string): Buffer {
  return Buffer.from(s, 'hex')
}

/** Short display form of an id: first 8 hex chars (SPEC §3). */
export function short (id: string): string {
  return id.slice(0, 8)
}

/**
 * The form in which a typed name is looked up among the group's names (members, purchases,
 * suppliers: unique case-insensitively, stored in Unicode NFC by the act schema): outer spaces
 * dropped, NFC, lower case.
 */
export function nameKey (typed: string): string {
  return typed.trim().normalize('NFC').toLowerCase()
}
