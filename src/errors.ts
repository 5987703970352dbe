/**
 * One error class for everything hypergas throws, with stable codes (SPEC §4 "reason codes",
 * §8 "refused with a clear code"). Callers and tests branch on `err.code`, never on the message.
 *
 * Rejections of acts by the fold are *not* exceptions: they are data ({@link RejectionCode} in the
 * state). This class is for refused input (decoding, CLI arguments, HTTP bodies) and operating
 * errors of the node.
 */
import type { RejectionCode } from './fold/state.js'

/**
 * The codes of refused input and of the node's own failures (the fold's rejection codes are
 * {@link RejectionCode}). Each has one HTTP status (src/http/server.ts).
 */
export const ERROR_CODES = [
  'BAD_ENCODING', 'BAD_VERSION', 'UNKNOWN_TYPE', 'BAD_FIELD', 'BAD_AMOUNT', 'BAD_KEY', 'BAD_SIGNATURE', 'WRONG_GROUP',
  'OVERSIZED', 'BAD_ARGUMENT', 'NOT_FOUND', 'DATA_DIR', 'BAD_INVITE', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_HOST',
  'BAD_ORIGIN', 'RATE_LIMITED', 'NOT_RUNNING', 'PORT_IN_USE', 'RESTORING', 'BAD_CHECKPOINT', 'STALE_CHECKPOINT',
  'BAD_BACKUP', 'BAD_PASSPHRASE', 'WEAK_PASSPHRASE', 'PASSPHRASE_MISMATCH', 'NO_PASSPHRASE', 'DUPLICATE_ACT',
  'PERMISSION', 'BAD_REQUEST', 'INTERNAL', 'MAIL', 'NO_MAIL_SERVER', 'ADMIN_ONLINE', 'STALE_ACT', 'BUSY', 'BAD_SEAL'
] as const

/** A code of {@link ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number]

/** Every code a {@link HypergasError} carries: refused input, the node's failures, the fold's rejections. */
export type HypergasCode = ErrorCode | RejectionCode

/** An error with a stable {@link HypergasCode}, a message for people and, for refused acts, the figures. */
export class HypergasError extends Error {
  /** Stable machine-readable code, e.g. `BAD_SIGNATURE`. */
  readonly code: HypergasCode
  /** The figures behind a refusal (what credit there is, how many votes), for the interfaces. */
  readonly details?: RefusalDetails

  constructor (code: HypergasCode, message: string, details?: RefusalDetails) {
    super(`${code}: ${message}`)
    this.name = 'HypergasError'
    this.code = code
    if (details !== undefined) this.details = details
  }

  /** The message without its `CODE: ` prefix. */
  get reason (): string {
    return this.message.startsWith(`${this.code}: `) ? this.message.slice(this.code.length + 2) : this.message
  }

  /** Bytes that do not decode as the expected structure (truncated, trailing bytes, bad tag). */
  static BAD_ENCODING (msg: string): HypergasError { return new HypergasError('BAD_ENCODING', msg) }
  /** Format version this build does not know. */
  static BAD_VERSION (msg: string): HypergasError { return new HypergasError('BAD_VERSION', msg) }
  /** Act type tag that does not exist. */
  static UNKNOWN_TYPE (msg: string): HypergasError { return new HypergasError('UNKNOWN_TYPE', msg) }
  /** A required field is absent or of the wrong type. */
  static BAD_FIELD (msg: string): HypergasError { return new HypergasError('BAD_FIELD', msg) }
  /** An amount that is not a strictly positive safe integer of cents. */
  static BAD_AMOUNT (msg: string): HypergasError { return new HypergasError('BAD_AMOUNT', msg) }
  /** A key or id of the wrong length or alphabet. */
  static BAD_KEY (msg: string): HypergasError { return new HypergasError('BAD_KEY', msg) }
  /** Ed25519 signature that does not verify. */
  static BAD_SIGNATURE (msg: string): HypergasError { return new HypergasError('BAD_SIGNATURE', msg) }
  /** An act whose group id is not this group's. */
  static WRONG_GROUP (msg: string): HypergasError { return new HypergasError('WRONG_GROUP', msg) }
  /** Input larger than its limit. */
  static OVERSIZED (msg: string): HypergasError { return new HypergasError('OVERSIZED', msg) }
  /** A command-line or HTTP argument that cannot be used. */
  static BAD_ARGUMENT (msg: string): HypergasError { return new HypergasError('BAD_ARGUMENT', msg) }
  /**
   * A member name, short id or purchase reference matching nothing, or more than one thing:
   * `variant` says what was looked for (see {@link RefusalDetails.variant}), `input` is the
   * reference typed (cut to 40 characters, a file's path to 200), `candidates` what an ambiguous
   * one could mean (at most 5 shown of `matches`).
   */
  static NOT_FOUND (msg: string, variant?: NotFoundVariant, input?: string, candidates?: { shown: string[], matches: number }): HypergasError {
    if (variant === undefined) return new HypergasError('NOT_FOUND', msg)
    const d: RefusalDetails = { variant, input: String(input ?? '').slice(0, variant === 'file' ? 200 : 40) }
    if (candidates !== undefined) { d.candidates = candidates.shown.slice(0, 5); d.matches = candidates.matches }
    return new HypergasError('NOT_FOUND', msg, d)
  }
  /** The data directory is missing, already initialised, or locked by a running node. */
  static DATA_DIR (msg: string): HypergasError { return new HypergasError('DATA_DIR', msg) }
  /** An invite string that does not parse. */
  static BAD_INVITE (msg: string): HypergasError { return new HypergasError('BAD_INVITE', msg) }
  /** An HTTP request without the credentials it needs: the admin's token or session, a member's login (SPEC §7). */
  static UNAUTHORIZED (msg: string): HypergasError { return new HypergasError('UNAUTHORIZED', msg) }
  /** A logged-in member asking for another member's data (SPEC §7). */
  static FORBIDDEN (msg: string): HypergasError { return new HypergasError('FORBIDDEN', msg) }
  /** An act refused before appending because the fold would reject it now (code in message). */
  static REJECTED (code: RejectionCode | 'DUPLICATE_ACT', msg: string, details?: RefusalDetails): HypergasError { return new HypergasError(code, msg, details) }
}

/**
 * The figures of a refused act (SPEC §7: errors that give the figures). Amounts in cents; every
 * field is optional and present only where it applies to the code.
 */
export interface RefusalDetails {
  /** The member the act is about (name, else short id). */
  member?: string
  /** Their credit now, cents (INSUFFICIENT_CREDIT, MEMBER_HAS_FUNDS). */
  creditCents?: number
  /** The overdraft the admins granted the member, cents, when there is one (INSUFFICIENT_CREDIT: they may go this far below zero). */
  overdraftCents?: number
  /** What the act needed, cents (INSUFFICIENT_CREDIT; ABOVE_CEILING: what it would add). */
  neededCents?: number
  /** The longest length or the most entries a field allows (BAD_FIELD `tooLong`, `tooMany`). */
  limit?: number
  /** The member's commitment to the purchase, cents (INSUFFICIENT_CREDIT `discount`: a discount share beyond it). */
  commitmentCents?: number
  /** The ceiling the admins set for the member, cents (ABOVE_CEILING). */
  ceilingCents?: number
  /** Votes of current admins so far and the quorum (NO_QUORUM). */
  votes?: number
  quorum?: number
  /** Commitments still pending (PENDING_COMMITMENTS). */
  pending?: number
  /** What a node restored from a backup waits for before it writes (RESTORING). */
  restore?: RestoreWait
  /** The text typed that was refused, at most 40 characters (BAD_AMOUNT, NOT_FOUND; a file's path: 200). */
  input?: string
  /** What an ambiguous reference could mean, at most 5 (NOT_FOUND `members`, `products`), of {@link matches} in all. */
  candidates?: string[]
  /** How many things an ambiguous reference matched (NOT_FOUND `members`, `products`). */
  matches?: number
  /** The product a booking's refusal is about (BELOW_MIN, NOT_MULTIPLE, ABOVE_MAX, SOLD_OUT), its unit, and the quantity its rule allows, milli-units (the minimum, the multiple, the most per member, what the group has left). */
  product?: string
  unit?: string
  qtyMilli?: number
  /**
   * The particular of the case in the words of what found it, shown as it is in every language:
   * a parser's position, the products left out and why, a system error code, a time of day.
   */
  detail?: string
  /** The first products a catalogue import left out, and why (BAD_ARGUMENT `nothingImported`): at most 3, each reason worded in the reader's language. */
  skipped?: SkippedProduct[]
  /**
   * Which case of the code it is, when one code has several; the interfaces (the CLI and the web
   * page, src/api/refusal-text.ts) pick their message `e_<CODE>_<variant>` by it:
   * - BAD_BACKUP: `not-backup`, `damaged`, `version`, `kdf`, `contents`;
   * - DATA_DIR: `occupied`, `copied`, `busy` (another process has it open), `store`, `running`,
   *   `noIdentity`, `noGroup`, `hasGroup`, `damaged`, `unreadable`, `notDir`, `links`, `mail`, `frozen`;
   * - BAD_ARGUMENT: `exists`, and the others of the CLI (`e_BAD_ARGUMENT_*` in src/cli/messages-en.ts);
   * - BAD_FIELD: `empty`, `tooLong`, `tooMany`, `twice`, `control`, `format`, `bookingPrice`, `overdraft` (the field's path in `input`);
   * - INSUFFICIENT_CREDIT: `overdraft`, `limits`, `discount` (a shared discount beyond a commitment), `withdraw` (cash asked beyond the credit), `payer`; ABOVE_CEILING: `limits`;
   * - BAD_AMOUNT: `euros`, `positive`, `large`, `quantity`, `quantity-large`, `overdraft`;
   * - UNAUTHORIZED: `admin`, `loginCode`, `link`, `challenge`, `notMember`, `login`, `membersOnly`;
   * - BAD_KEY: `keyFile`, `seed`; PORT_IN_USE: `udp`; NOT_RUNNING: `login`, `swarm`;
   * - BELOW_MIN, NOT_MULTIPLE, ABOVE_MAX, SOLD_OUT: `product` (with its figures); SOLD_OUT `soldOut`
   *   (to a member: the product alone, the others' bookings being theirs);
   * - ADMIN_ONLINE: `self` (the vote is cast on the admin's own node);
   * - NOT_FOUND: {@link NotFoundVariant}.
   */
  variant?: string
}

/** Why a catalogue import left a product out (SPEC §4.5; src/api/gdxp.ts). */
/**
 * Why an import left a product out (`skip_<reason>` in src/cli/messages-*.ts, which say it with
 * the product's {@link SkippedProduct.detail}): `bad price` (not whole cents), `price too high`,
 * `bad quantity` (a limit's column and value), `min above max`
 * (the two values), `other supplier` (how many products), `invalid` (the schema's words).
 */
export type SkipReason = 'inactive' | 'no name' | 'bad price' | 'ambiguous price' | 'ambiguous quantity' | 'extra fields' | 'price too high' | 'bad quantity' | 'min above max' | 'invalid' | 'other supplier'

/** A product a catalogue import left out: its name in the file (or its row), why, and what the file said there (a value as written, a column and value, a count). */
export interface SkippedProduct {
  name: string
  reason: SkipReason
  detail?: string
  /** `bad quantity`: which limit (`qf_<field>` in the reader's words). */
  field?: 'min' | 'mul' | 'max' | 'available'
}

/**
 * What a NOT_FOUND reference was looked for as: `member` (none), `members` (more than one),
 * `purchase`, `openPurchase` (a member's page sees open ones only), `transfer`, `product` (none),
 * `products` (more than one), `file`, `gone` (the logged-in member left the group), `endpoint`.
 */
export type NotFoundVariant = 'member' | 'memberShortId' | 'members' | 'purchase' | 'purchases' | 'openPurchase' | 'transfer' | 'transferShortId' | 'product' | 'products' | 'file' | 'gone' | 'endpoint'

/**
 * What a node restored from a backup waits for before it writes (SPEC §3: "it says what it waits
 * for"; src/node/storage/restore.ts). Counts are blocks.
 */
export interface RestoreWait {
  /** When the restore was made, ISO 8601. */
  since: string
  /** Blocks of the own feed held here from block 0 and taken in by the merge. */
  ownHeld: number
  /** Blocks of the own feed known to exist: its proven length, or the longest link to it held. */
  ownKnown: number
  /** Peer connections now. */
  peers: number
  /** True once the own feed was synced with a peer. */
  peerSynced: boolean
  /** Names (sorted) of the other current admins whose node is still to be met holding no more of the own feed (empty until a peer synced). */
  adminsWaited: string[]
  /** True once `hypergas restore --any-admin` said not to wait for the other admins' nodes. */
  anyAdmin: boolean
  /** Blocks of the other followed feeds held here, and known to exist. */
  othersHeld: number
  othersKnown: number
}

/** True when `err` is a {@link HypergasError} carrying `code` (or any code if omitted). */
export function isHypergasError (err: unknown, code?: string): err is HypergasError {
  return err instanceof HypergasError && (code === undefined || err.code === code)
}

/**
 * True for an error message of RocksDB (under Corestore) that says a file of the store is damaged
 * or missing: a checksum that does not match, a malformed or truncated file, a file gone. The
 * CLI answers it with DATA_DIR (variant `storeDamaged`) and a restore into a new directory.
 */
export function damagedStore (message: string | undefined): boolean {
  return message !== undefined && /CRC mismatch|checksum mismatch|Malformed blob|Corruption|corrupt|truncated|while stat a file|\.(blob|sst)\b.*No such file/i.test(message)
}

/**
 * What a log line says of a failure `err`: its reason without the code (a HypergasError's) or its
 * message, and, for a HypergasError, the refusal (code and figures) an interface words in the
 * user's language (src/node/types.ts LogLine).
 */
export function failureOf (err: Error): { reason: string, refusal?: { code: string, details?: RefusalDetails } } {
  return err instanceof HypergasError ? { reason: err.reason, refusal: { code: err.code, details: err.details } } : { reason: err.message }
}
