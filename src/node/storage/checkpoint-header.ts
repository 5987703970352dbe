/**
 * The header of a checkpoint file (src/node/storage/checkpoint-file.ts holds its body): the magic,
 * the format version and the SHA-256 checksum of every other byte, checked before anything of the
 * body is read.
 *
 *   file     = magic:8 ("HGASCKPT")  version:uint32le  checksum:32  body
 *   checksum = SHA-256(magic ‖ version ‖ body)
 */
import { createHash } from 'node:crypto'
import { HypergasError } from '../../errors.js'
import { drain, type Steps } from '../../slices.js'
import { badCheckpoint } from './checkpoint-verify.js'

/**
 * Format version, after the magic (16: a booking emptied of its lines keeps the share of a cost
 * added while bookings were open, instead of being withdrawn with it, and a later cost leaves out
 * a booking with no goods; 15: a member's ceiling bounds their credit plus their open
 * commitments, so deposits and accepted transfers a ceiling refused are no longer the same; 14:
 * the confirmed state after the serialised rest, not inside it; 13: registrations keep where a member was removed, and the
 * members' recovery leaves out of its base a removal every admin has seen, docs/ordering.md §5;
 * 12: names are unique under foldedName — invisible characters
 * and joiners dropped, spaces of any width as one, lower case of the letters of src/ids.ts CASED
 * only — so the name indices are keyed anew; 11: a registration keeps the member's name, a delivery to a
 * rejected booking is refused NOT_APPROVED, a shared cost applies to a free-amount purchase, a
 * freeze measured short is raised, not dropped, docs/ordering.md §4; 10: names are read in Unicode NFC and an overdraft is at most
 * 1,000,000 €, so an act holding another form of a name or a larger overdraft, applied by 9, is
 * malformed; 9: a governance vote again completes a tally that reached
 * quorum as admins left, a withdrawal never draws on an overdraft, the owner's acts check who
 * before what; 8: the fold leaves rejected bookings out of a product's
 * availability, refuses limits the credit already breaks and a smaller booking above the
 * ceiling, forgets a removed member's limits and listing, counts a listing's characters as code
 * points, and shrinks a discount share to the goods delivered; 7: the merge pins a removal that moves between two points,
 * and judges a frozen block seen before its removal among the admins there, docs/ordering.md §4,
 * which changes the confirmed state of some histories; 6: purchases carry
 * their orders by product, SPEC §4.5; 5: the state keeps member registrations; 4: header with
 * magic and checksum, state hash verified; 3: blocks of the prefix, statecodec.ts for the state,
 * no header). A file of another version is deleted and rebuilt. Bumped by any change to what the
 * fold or the merge computes, not only to the format: a checkpoint, its seal and the remembered
 * state hashes (state-hashes.ts) hold what this hypergas's fold computed. A bump for a change to
 * what the fold or the merge computes bumps RULES_VERSION too (src/fold/rules.ts), which nodes say
 * to each other.
 */
export const CHECKPOINT_VERSION = 16

/** First 8 bytes of every checkpoint file since version 4. */
const MAGIC = Buffer.from('HGASCKPT', 'latin1')
/** Bytes of the checksum (SHA-256). */
const CHECKSUM_BYTES = 32
/** Bytes before the body: magic, version (uint32, little-endian), checksum. */
export const HEADER_BYTES = MAGIC.byteLength + 4 + CHECKSUM_BYTES

/** Bytes of the body hashed per step of the checksum (~1 ms of SHA-256). */
const CHECKSUM_STEP_BYTES = 1 << 20

/**
 * SHA-256 of the file without its checksum, whose body is `parts` one after the other, a
 * mebibyte per step (src/slices.ts).
 */
function* checksumSteps (version: Uint8Array, parts: readonly Uint8Array[]): Steps<Buffer> {
  const h = createHash('sha256').update(MAGIC).update(version)
  for (const part of parts) {
    for (let i = 0; i < part.byteLength; i += CHECKSUM_STEP_BYTES) {
      h.update(part.subarray(i, i + CHECKSUM_STEP_BYTES))
      yield
    }
  }
  return h.digest()
}

/**
 * The file holding `body` (any bytes): header with magic, {@link CHECKPOINT_VERSION} and the
 * checksum of all the other bytes, then `body`.
 */
export function sealCheckpoint (body: Uint8Array): Buffer {
  return Buffer.concat(drain(sealCheckpointSteps([body])))
}

/** {@link CHECKPOINT_VERSION} as the 4 bytes of the header (uint32 LE). */
export function versionBytes (): Buffer {
  const version = Buffer.alloc(4)
  version.writeUInt32LE(CHECKPOINT_VERSION)
  return version
}

/**
 * {@link sealCheckpoint} in steps (src/slices.ts), of the body made of `parts` one after the
 * other: the checksum hashed a mebibyte at a time. Returns the file as its parts, not joined: the
 * header ({@link HEADER_BYTES}), then `parts`.
 */
export function* sealCheckpointSteps (parts: readonly Uint8Array[]): Steps<Uint8Array[]> {
  const version = versionBytes()
  return [Buffer.concat([MAGIC, version, yield * checksumSteps(version, parts)]), ...parts]
}

/**
 * The body of a checkpoint file, once its header says it is a checkpoint of this version and its
 * checksum matches every other byte.
 * @throws HypergasError BAD_CHECKPOINT (empty, truncated, not a checkpoint, checksum mismatch),
 *   BAD_VERSION (another format version, or a file from before version 4)
 */
export function unsealCheckpoint (bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.byteLength === 0) throw badCheckpoint('empty file')
  // Versions up to 3 were a bare node:v8 serialisation, which starts with its version tag 0xff.
  if (b[0] === 0xff && !b.subarray(0, MAGIC.byteLength).equals(MAGIC)) throw HypergasError.BAD_VERSION(`a checkpoint of an older format (before version 4), this hypergas reads version ${CHECKPOINT_VERSION}`)
  if (b.byteLength < HEADER_BYTES) throw badCheckpoint(`truncated: ${b.byteLength} bytes, the header alone is ${HEADER_BYTES}`)
  if (!b.subarray(0, MAGIC.byteLength).equals(MAGIC)) throw badCheckpoint('not a checkpoint file (no HGASCKPT header)')
  const version = b.readUInt32LE(MAGIC.byteLength)
  if (version !== CHECKPOINT_VERSION) throw HypergasError.BAD_VERSION(`checkpoint format version ${version}, this hypergas reads version ${CHECKPOINT_VERSION}`)
  const body = b.subarray(HEADER_BYTES)
  const sum = b.subarray(HEADER_BYTES - CHECKSUM_BYTES, HEADER_BYTES)
  if (!drain(checksumSteps(b.subarray(MAGIC.byteLength, MAGIC.byteLength + 4), [body])).equals(sum)) throw badCheckpoint(`checksum mismatch over the file's ${b.byteLength} bytes (damaged or edited)`)
  return body
}
