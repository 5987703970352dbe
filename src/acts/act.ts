/**
 * Creating, verifying and decoding signed acts (SPEC §4). The only way untrusted act bytes become
 * a {@link SignedAct}: {@link decodeAct}.
 */
import { HypergasError } from '../errors.js'
import { hex, type ActId, type GroupId, type MemberId } from '../ids.js'
import { sha256PrefixedHex, sign, verify, type KeyPair } from '../crypto.js'
import { ACT_VERSION, ID_DOMAIN, SIGN_DOMAIN, decodeRaw, encodeUnsigned, type DecodedAct, type UnsignedAct } from './encoding.js'
import { decodeOnePass } from './onepass.js'
import { parseActBody } from './schema.js'
import { visibleOnly } from './visible.js'
import type { ActBody, SignedAct } from './types.js'

/** Options of {@link createAct}. */
export interface CreateActOptions {
  /** Group id; omit only for CreateGroup. */
  group?: GroupId
  /** Signer. */
  keyPair: KeyPair
  /** Author's wall clock, ms since epoch (display only). */
  timeMs: number
}

/**
 * Validates, encodes and signs an act body, its texts without invisible characters (src/acts/visible.ts).
 * @throws HypergasError BAD_FIELD / BAD_AMOUNT / BAD_KEY / UNKNOWN_TYPE for an invalid body;
 *   BAD_ARGUMENT when the group is missing (or given for CreateGroup) or timeMs is not a safe uint.
 */
export function createAct (body: ActBody, opts: CreateActOptions): SignedAct {
  const valid = parseActBody(visibleOnly(body))
  const isGenesis = valid.type === 'CreateGroup'
  if (isGenesis === (opts.group !== undefined)) {
    throw HypergasError.BAD_ARGUMENT(isGenesis ? 'CreateGroup carries no group id' : 'a group id is required')
  }
  if (!Number.isSafeInteger(opts.timeMs) || opts.timeMs < 0) throw HypergasError.BAD_ARGUMENT('timeMs must be a non-negative safe integer')
  const unsigned: UnsignedAct = {
    v: ACT_VERSION,
    group: opts.group ?? '',
    author: hex(opts.keyPair.publicKey),
    timeMs: opts.timeMs,
    body: valid
  }
  const u = encodeUnsigned(unsigned)
  const sig = sign(Buffer.concat([SIGN_DOMAIN, u]), opts.keyPair.seed)
  return finish(unsigned, Buffer.concat([u, sig]))
}

/** An Ed25519 signature check left to the caller ({@link DecodeOptions.defer}). */
export interface SignatureCheck {
  sig: Buffer
  /** The signed message: the signing domain and the unsigned encoding. */
  msg: Buffer
  /** The author's public key. */
  pk: Buffer
}

/** How {@link decodeAct} treats the signature. */
export interface DecodeOptions {
  /** The writer whose Hypercore feed carried the bytes (see {@link decodeAct}). */
  feed?: MemberId
  /** True when this node verified the act's signature before (VerifiedActs). */
  verified?: (id: ActId) => boolean
  /**
   * Takes the signature check instead of running it: the act is returned as if it verified, and
   * the caller must refuse it with BAD_SIGNATURE when the check fails (src/node/ingest/verifier.ts runs
   * such checks on another thread). The check is the last one, so deferring it changes no
   * outcome.
   */
  defer?: (check: SignatureCheck) => void
}

/**
 * Decodes and verifies untrusted act bytes.
 *
 * `group` is the group the act must belong to; for a CreateGroup act it must equal the act's own
 * id. Pass `null` to accept any group (only when reading a group's genesis to learn its id).
 *
 * `opts.feed`: the writer whose Hypercore feed carried the bytes. Hypercore has already verified
 * that writer's signature over them, so an act *authored by that writer* needs no second
 * signature check (the one rule every node applies: docs/decisions.md); any other act (a
 * member-signed act relayed by an admin) is verified, unless `opts.verified(id)` says this node
 * verified it before. Omit both for bytes from anywhere else (HTTP, CLI). With `feed`, the act's
 * `bytes` are not kept (the feed holds them). The signature is checked after everything else.
 * @throws HypergasError OVERSIZED, BAD_ENCODING (including any non-canonical encoding),
 *   BAD_VERSION, UNKNOWN_TYPE, BAD_FIELD, BAD_AMOUNT, BAD_KEY, WRONG_GROUP, BAD_SIGNATURE
 */
export function decodeAct (bytes: Buffer, group: GroupId | null, opts: DecodeOptions = {}): SignedAct {
  const { unsigned, sig, unsignedLength } = decodeOnePass(bytes, opts.feed !== undefined) ?? decodeChecked(bytes, opts.feed !== undefined)
  const u = bytes.subarray(0, unsignedLength)
  const act = finish(unsigned, bytes, opts.feed === undefined)
  const isGenesis = unsigned.body.type === 'CreateGroup'
  if (isGenesis !== (unsigned.group === '')) throw HypergasError.WRONG_GROUP('only CreateGroup has an empty group id')
  const actGroup = isGenesis ? act.id : unsigned.group
  if (group !== null && actGroup !== group) {
    // (the group's id is not named: whoever sent the act may not know it, SPEC §7)
    throw HypergasError.WRONG_GROUP(`act belongs to group ${actGroup.slice(0, 8)}, not this one`)
  }
  if (unsigned.author !== opts.feed && opts.verified?.(act.id) !== true) {
    const check = { sig: Buffer.from(sig), msg: Buffer.concat([SIGN_DOMAIN, u]), pk: Buffer.from(unsigned.author, 'hex') }
    if (opts.defer !== undefined) opts.defer(check)
    else if (!verify(check.sig, check.msg, check.pk)) throw badSignature(act)
  }
  return act
}

/**
 * The full path of {@link decodeAct}: decode, validate the body with the schema, prove the bytes
 * canonical by encoding them again. Taken when {@link decodeOnePass} is not sure; exported for
 * test/onepass.test.ts, which holds the two to the same answers.
 * @throws HypergasError as {@link decodeAct}, but not WRONG_GROUP or BAD_SIGNATURE
 */
export function decodeChecked (bytes: Buffer, learn: boolean): DecodedAct {
  const raw = decodeRaw(bytes, learn)
  const { unsigned } = raw
  if (!Number.isSafeInteger(unsigned.timeMs)) throw HypergasError.BAD_FIELD('timeMs is not a safe integer')
  unsigned.body = parseActBody(unsigned.body)
  if (!encodeUnsigned(unsigned).equals(bytes.subarray(0, raw.unsignedLength))) throw HypergasError.BAD_ENCODING('act is not in canonical encoding')
  return raw
}

/** The refusal of an act whose signature does not verify. */
export function badSignature (act: SignedAct): HypergasError {
  return HypergasError.BAD_SIGNATURE(`signature of act by ${act.author.slice(0, 8)} does not verify`)
}

/** The act id of signed act bytes: SHA-256 over the id domain and the bytes. */
export function actIdOf (bytes: Buffer): ActId {
  return sha256PrefixedHex(ID_DOMAIN, bytes) as ActId
}

const NO_BYTES = Buffer.alloc(0)

function finish (u: UnsignedAct, bytes: Buffer, keepBytes = true): SignedAct {
  return {
    id: actIdOf(bytes),
    v: u.v,
    group: u.group as GroupId | '',
    author: u.author as MemberId,
    timeMs: u.timeMs,
    body: u.body,
    bytes: keepBytes ? bytes : NO_BYTES
  }
}
