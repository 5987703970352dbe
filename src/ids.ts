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
 * Characters that show nothing or change the direction of what follows: the soft hyphen, the
 * Arabic letter mark, the Hangul fillers, the Mongolian vowel separator, zero-width spaces and
 * marks of direction (U+200B, U+200E, U+200F), the embeddings, overrides and isolates (U+202A–
 * U+202E, U+2066–U+2069), the invisible operators and deprecated format characters (U+2060–U+206F),
 * the byte-order mark, interlinear annotation marks and the tag characters. A fixed list, not
 * Unicode's category Cf: a category grows with Unicode versions, and two nodes on two Node versions
 * must key a name alike (SPEC §5). The joiners U+200C and U+200D are not in it (emoji, Indic scripts).
 */
const INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g

/** `text` without the invisible characters and controls of direction of {@link INVISIBLE} (SPEC §4 names and texts). */
export function withoutInvisible (text: string): string {
  return text.replace(INVISIBLE, '')
}

/** Spaces of any width (Unicode's space separators, a fixed list), and the joiners, within a name's key. */
const SPACES = /[\u0020\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g
const JOINERS = /[\u200C\u200D\u034F]/g
/**
 * Letters lowered in a name's key: capitals of Latin (with Latin-1, Extended-A and -B, Extended
 * Additional, fullwidth), Greek and Coptic (its assigned code points only), Cyrillic and its
 * supplement, Armenian and Georgian. Every code point here was assigned, with its case, long before
 * the Unicode of the oldest Node hypergas runs on, so `toLowerCase` lowers it alike on all of them.
 */
const CASED = /[A-Z\u00C0-\u024F\u0370-\u0377\u037A-\u037F\u0384-\u038A\u038C\u038E-\u03A1\u03A3-\u03FF\u0400-\u052F\u0531-\u0556\u10A0-\u10C5\u10C7\u10CD\u1C90-\u1CBA\u1CBD-\u1CBF\u1E00-\u1EFF\uFF21-\uFF3A]/g

/**
 * The key under which a stored name (members, open purchases, suppliers: SPEC §4, unique
 * case-insensitively) is unique and looked up: invisible characters and joiners dropped, runs of
 * spaces of any width as one space, and lower case for the letters of {@link CASED} (Latin, Greek,
 * Cyrillic, Armenian, Georgian). Lower case is applied to those letters alone because
 * `toLowerCase` follows the Unicode version of the Node that runs it: a letter given a lower case
 * by a later version would make two nodes disagree on whether a name is taken (the fold must not
 * depend on its runtime; SPEC §5).
 */
export function foldedName (name: string): string {
  const s = withoutInvisible(name).replace(JOINERS, '').replace(SPACES, ' ')
  // Printable ASCII, the common case: its lower case is the same in every version.
  if (/^[\x20-\x7e]*$/.test(s)) return s.toLowerCase()
  // One letter at a time (no final sigma by context): ς is σ.
  return s.replace(CASED, (c) => c.toLowerCase()).replace(/\u03C2/g, '\u03C3')
}

/**
 * The entries of a listing as typed (SPEC §4.7 SetListing: the CLI's arguments, the page's lines):
 * trimmed, without the blank ones and without one typed again in another case ({@link foldedName}).
 */
export function listingEntries (typed: readonly string[]): string[] {
  return typed.map((x) => x.trim()).filter((x, i, all) => x !== '' && all.findIndex((y) => foldedName(y) === foldedName(x)) === i)
}

/**
 * The form in which a typed name is looked up among the group's names (members, purchases,
 * suppliers: stored in Unicode NFC by the act schema): its invisible characters dropped, outer
 * spaces dropped, NFC, then {@link foldedName}.
 */
export function nameKey (typed: string): string {
  return foldedName(withoutInvisible(typed).trim().normalize('NFC'))
}

/**
 * `name` as one argument of a shell command the interfaces tell a user to type (`hypergas recover
 * 'Bruno Rossi'`): bare when it holds only letters, digits, `.`, `_` and `-`; else in single
 * quotes, or in double quotes when it holds a single quote (`"D'Amico"`).
 */
export function shellArg (name: string): string {
  if (/^[\p{L}\p{N}._-]+$/u.test(name)) return name
  return name.includes("'") && !/["$`\\]/.test(name) ? `"${name}"` : `'${name.replaceAll("'", "'\\''")}'`
}
