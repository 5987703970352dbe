/**
 * Decoding an act and checking its body in one pass over the bytes (SPEC §4), for the acts a
 * feed is made of: the common case of {@link decodeAct}, which otherwise decodes the bytes
 * (src/acts/encoding.ts), validates the body with the zod schema (src/acts/schema.ts) and
 * encodes it again to prove the bytes canonical. In a profile of a 300,000-act sync (issue 18),
 * zod and the re-encoding alone were 0.83 s of its 2.0 s of decoding.
 *
 * One-sided by design: {@link decodeOnePass} answers only when it is sure, and returns `null`
 * otherwise (any string with a byte above 0x7f, any value out of its range, anything odd), and
 * the caller then runs the full path, which gives the exact refusal. So an act it accepts is one
 * the full path accepts, with the same body, field for field and key for key in zod's output
 * order; test/onepass.test.ts compares the two over random and mutated acts of every type.
 * Its rules are those of src/acts/schema.ts for ASCII text:
 * - a name (`name` in the schema) has 1–64 characters, no control character (0x00–0x1f, 0x7f),
 *   and no space at either end (zod would trim it, and the bytes would then not re-encode);
 * - a text has at most its limit of characters and no control character; notes may hold any;
 * - a product key has 1–64 letters, digits, `.`, `_`, `-` or `/`;
 * - a number is in canonical compact-encoding (the shortest form), and within its field's range.
 */
import { MAX_ACT_BYTES, ACT_VERSION, ACT_FIELDS, PRODUCT_OPTIONAL, keyHexAt, type DecodedAct, type FieldKind, type UnsignedAct, type WireBody } from './encoding.js'
import { MAX_NAME_CHARS, MAX_NOTES_CHARS, MAX_OVERDRAFT_CENTS, MAX_PRICE_CENTS, MAX_PRODUCTS, MAX_QTY_MILLI, MAX_TEXT_CHARS, MAX_TIME_MS } from './schema.js'
import { ACT_TYPES, type ActBody, type ActType, type LineSpec, type ProductSpec } from './types.js'

/** What a string must be: a name, a text without control characters, notes, or a product key. */
const enum Str { Name, Text, Notes, Key }
/** A string field's rule: its kind, its most characters, and whether '' means absent. */
interface StrRule { str: Str, max: number, optional: boolean }
/** A number field's range (a uint on the wire). */
interface NumRule { min: number, max: number }
/** A field as this decoder reads it. */
type Rule =
  | { kind: 'id' | 'split' | 'bool' | 'products' }
  | { kind: 'lines', prices: boolean }
  | { kind: 'string' } & StrRule
  | { kind: 'uint' } & NumRule
  | { kind: 'strings', item: number, most: number }

const SAFE = Number.MAX_SAFE_INTEGER
/** Longest product key, characters (the schema's `productKey`). */
const KEY_CHARS = 64
const name: StrRule = { str: Str.Name, max: MAX_NAME_CHARS, optional: false }
const text = (max: number, optional = false): StrRule => ({ str: Str.Text, max, optional })
const notes: StrRule = { str: Str.Notes, max: MAX_NOTES_CHARS, optional: true }

/** The string and number fields whose rule is not their wire kind's default, by `type.field`. */
const RULES: Record<string, Rule> = {
  'CreateGroup.name': { kind: 'string', ...name },
  'CreateGroup.founderName': { kind: 'string', ...name },
  'VoteRegisterMember.name': { kind: 'string', ...name },
  'OpenPurchase.name': { kind: 'string', ...name },
  'RegisterSupplier.name': { kind: 'string', ...name },
  'AddCost.label': { kind: 'string', ...name },
  'Withdraw.reason': { kind: 'string', ...text(MAX_TEXT_CHARS) },
  'Transfer.memo': { kind: 'string', ...text(MAX_TEXT_CHARS) },
  'OpenPurchase.supplier': { kind: 'string', ...text(MAX_TEXT_CHARS, true) },
  'OpenPurchase.notes': { kind: 'string', ...notes },
  'RegisterSupplier.vatNumber': { kind: 'string', ...text(32, true) },
  'RegisterSupplier.contacts': { kind: 'string', ...text(MAX_TEXT_CHARS, true) },
  'RegisterSupplier.notes': { kind: 'string', ...notes },
  'RegisterSupplier.categories': { kind: 'strings', item: 64, most: 20 },
  'SetListing.offers': { kind: 'strings', item: 200, most: 200 },
  'SetListing.wants': { kind: 'strings', item: 200, most: 200 },
  'SetPrice.product': { kind: 'string', str: Str.Key, max: KEY_CHARS, optional: false },
  'SetPrice.priceCents': { kind: 'uint', min: 0, max: MAX_PRICE_CENTS },
  'SetDates.closesAtMs': { kind: 'uint', min: 0, max: MAX_TIME_MS },
  'SetDates.deliveryAtMs': { kind: 'uint', min: 0, max: MAX_TIME_MS },
  'VoteSetLimits.overdraftCents': { kind: 'uint', min: 0, max: MAX_OVERDRAFT_CENTS },
  'VoteSetLimits.ceilingCents': { kind: 'uint', min: 0, max: SAFE },
  'Book.lines': { kind: 'lines', prices: false },
  'Deliver.lines': { kind: 'lines', prices: true }
}

/** The rule of a field; the module fails to load when a field of ACT_FIELDS has none. */
function ruleOf (type: ActType, field: string, kind: FieldKind): Rule {
  const rule = RULES[`${type}.${field}`]
  if (rule !== undefined) return rule
  if (kind === 'cents') return { kind: 'uint', min: 1, max: SAFE }
  if (kind === 'id' || kind === 'split' || kind === 'bool' || kind === 'products') return { kind }
  throw new Error(`onepass: no rule for ${type}.${field} (${kind})`)
}
/** Each type's fields in wire order (and zod's output order, which is the schema's). */
const FIELDS: Array<Array<[string, Rule]>> = ACT_TYPES.map((t) => ACT_FIELDS[t].map(([f, k]) => [f, ruleOf(t, f, k)]))

/** Character classes of ASCII: control characters, product-key characters, the space. */
const CC = 1
const KEY = 2
const SPACE = 4
const ASCII = new Uint8Array(128)
for (let i = 0; i < 128; i++) {
  if (i < 0x20 || i === 0x7f) ASCII[i] |= CC
  if (/[\p{L}\p{N}._\-/]/u.test(String.fromCharCode(i))) ASCII[i] |= KEY
}
ASCII[0x20] |= SPACE

/** Thrown inside a pass to say "not sure": the full path decides. Never leaves this module. */
const UNSURE = new Error('onepass: not sure')

/** The cursor of one pass (decoding is synchronous and never reentrant). */
let buf: Buffer = Buffer.alloc(0)
let pos = 0
let end = 0
let learn = false

/** A uint in its shortest compact-encoding form, within [min, max]. */
function uint (min: number, max: number): number {
  if (pos >= end) throw UNSURE
  const a = buf[pos++]
  let n: number
  if (a <= 0xfc) n = a
  else if (a === 0xfd) {
    if (end - pos < 2) throw UNSURE
    n = buf[pos] + buf[pos + 1] * 0x100
    pos += 2
    if (n <= 0xfc) throw UNSURE
  } else if (a === 0xfe) {
    if (end - pos < 4) throw UNSURE
    n = buf.readUInt32LE(pos)
    pos += 4
    if (n <= 0xffff) throw UNSURE
  } else {
    if (end - pos < 8) throw UNSURE
    const hi = buf.readUInt32LE(pos + 4)
    if (hi === 0 || hi > 0x1fffff) throw UNSURE
    n = buf.readUInt32LE(pos) + hi * 0x100000000
    pos += 8
  }
  if (n < min || n > max) throw UNSURE
  return n
}

/** A 32-byte key or id, as interned hex. */
function id (): string {
  if (end - pos < 32) throw UNSURE
  const h = keyHexAt(buf, pos, learn)
  pos += 32
  return h
}

/** An ASCII string that keeps `rule` (with `max` characters at most). */
function string (rule: Str, max: number): string {
  const len = uint(0, max)
  if (end - pos < len) throw UNSURE
  const from = pos
  pos += len
  if (rule === Str.Name && (len === 0 || (ASCII[buf[from]] & SPACE) !== 0 || (ASCII[buf[pos - 1]] & SPACE) !== 0)) throw UNSURE
  if (rule === Str.Key && len === 0) throw UNSURE
  // A key's characters must have KEY, a text's must not have CC, notes' may be anything ASCII.
  const mask = rule === Str.Key ? KEY : rule === Str.Notes ? 0 : CC
  const want = rule === Str.Key ? KEY : 0
  for (let i = from; i < pos; i++) {
    const b = buf[i]
    if (b > 0x7f || (ASCII[b] & mask) !== want) throw UNSURE
  }
  return buf.toString('latin1', from, pos)
}

/** A count of list items, each at least one byte, at most `most`. */
function count (most: number): number {
  const n = uint(0, most)
  if (n > end - pos) throw UNSURE
  return n
}

function lines (prices: boolean): LineSpec[] {
  const n = count(MAX_PRODUCTS)
  const list: LineSpec[] = new Array(n)
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const l: LineSpec = { product: string(Str.Key, KEY_CHARS), qtyMilli: uint(0, MAX_QTY_MILLI) }
    if (uint(0, prices ? 1 : 0) === 1) l.priceCents = uint(0, MAX_PRICE_CENTS)
    seen.add(l.product)
    list[i] = l
  }
  if (seen.size !== n) throw UNSURE
  return list
}

/** The bit of each optional product field in a product's flags (src/acts/encoding.ts). */
const FLAG = Object.fromEntries(PRODUCT_OPTIONAL.map((f, i) => [f, 1 << i])) as Record<typeof PRODUCT_OPTIONAL[number], number>

function products (): ProductSpec[] {
  const n = count(MAX_PRODUCTS)
  if (n === 0) throw UNSURE
  const list: ProductSpec[] = new Array(n)
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const p: ProductSpec = { key: string(Str.Key, KEY_CHARS), name: string(Str.Name, MAX_NAME_CHARS), unit: string(Str.Text, 24), priceCents: uint(0, MAX_PRICE_CENTS) }
    const flags = uint(0, (1 << PRODUCT_OPTIONAL.length) - 1)
    if ((flags & FLAG.packageQty) !== 0) p.packageQty = uint(1, MAX_QTY_MILLI)
    if ((flags & FLAG.minQtyMilli) !== 0) p.minQtyMilli = uint(1, MAX_QTY_MILLI)
    if ((flags & FLAG.mulQtyMilli) !== 0) p.mulQtyMilli = uint(1, MAX_QTY_MILLI)
    if ((flags & FLAG.maxQtyMilli) !== 0) p.maxQtyMilli = uint(1, MAX_QTY_MILLI)
    if ((flags & FLAG.availableQtyMilli) !== 0) p.availableQtyMilli = uint(1, MAX_QTY_MILLI)
    if ((flags & FLAG.weighed) !== 0) p.weighed = true
    if ((flags & FLAG.category) !== 0) p.category = string(Str.Text, 64)
    if ((flags & FLAG.description) !== 0) p.description = string(Str.Text, 500)
    seen.add(p.key)
    list[i] = p
  }
  if (seen.size !== n) throw UNSURE
  return list
}

function body (tag: number): ActBody {
  const out: WireBody = { type: ACT_TYPES[tag] }
  for (const [field, rule] of FIELDS[tag]) {
    switch (rule.kind) {
      case 'id': out[field] = id(); break
      case 'uint': out[field] = uint(rule.min, rule.max); break
      case 'split': out[field] = uint(0, 1) === 1 ? 'equal' : 'amount'; break
      case 'bool': out[field] = uint(0, 1) === 1; break
      case 'lines': out[field] = lines(rule.prices); break
      case 'products': out[field] = products(); break
      case 'strings': {
        const n = count(rule.most)
        const list: string[] = new Array(n)
        for (let i = 0; i < n; i++) list[i] = string(Str.Text, rule.item)
        out[field] = list
        break
      }
      case 'string': {
        const s = string(rule.str, rule.max)
        if (s !== '' || !rule.optional) out[field] = s
      }
    }
  }
  return out as unknown as ActBody
}

/**
 * Decodes act bytes and checks their body as {@link decodeAct}'s full path would, or returns
 * `null` when not sure (then the full path decides, and gives the refusal). An answer is
 * canonical, within {@link MAX_ACT_BYTES}, of version 1, with a safe-integer time and a body the
 * schema accepts unchanged. `learnKeys`: the bytes came from a signed feed (see keyHexAt).
 * Never throws (a programmer error aside).
 */
export function decodeOnePass (bytes: Buffer, learnKeys: boolean): DecodedAct | null {
  // Node Buffers only: a plain Uint8Array has no latin1 toString (the full path takes it).
  if (!Buffer.isBuffer(bytes) || bytes.byteLength > MAX_ACT_BYTES) return null
  buf = bytes
  pos = 0
  end = bytes.byteLength
  learn = learnKeys
  try {
    if (uint(ACT_VERSION, ACT_VERSION) !== ACT_VERSION) return null
    const groupLength = uint(0, 32)
    if (groupLength !== 0 && groupLength !== 32) return null
    const groupAt = pos
    pos += groupLength
    const author = id()
    const timeMs = uint(0, Number.MAX_SAFE_INTEGER)
    const tag = uint(0, ACT_TYPES.length - 1)
    const b = body(tag)
    const unsignedLength = pos
    if (end - pos !== 64) return null
    pos = groupAt
    const group = groupLength === 0 ? '' : id()
    const unsigned: UnsignedAct = { v: ACT_VERSION, group, author, timeMs, body: b }
    return { unsigned, sig: bytes.subarray(unsignedLength, end), unsignedLength }
  } catch (err) {
    if (err === UNSURE) return null
    throw err
  } finally {
    buf = EMPTY
  }
}
const EMPTY = Buffer.alloc(0)
