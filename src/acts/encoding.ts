/**
 * Canonical binary encoding of acts (SPEC §4) with compact-encoding.
 *
 *   act      = v:uint  group:buffer(0|32)  author:fixed32  timeMs:uint  tag:uint  fields  sig:fixed64
 *   signable = "hypergas/act/v1\0" ‖ act-without-sig       (domain separation)
 *   act id   = SHA-256("hypergas/act-id/v1\0" ‖ act)
 *
 * Decoding is strict: the bytes must re-encode to themselves (so every act has exactly one
 * encoding and one id), with no trailing bytes.
 */
import c from 'compact-encoding'
import { HypergasError } from '../errors.js'
import { hex, unhex } from '../ids.js'
import { ACT_TYPES, type ActBody, type ActType, type LineSpec, type ProductSpec } from './types.js'

/**
 * Hex of a 32-byte key or id, interned: a group has few members, writers and purchases, and a
 * season repeats them in every act (issue 5: memory and decoding time). Looked up by the bytes'
 * first 4 bytes, then compared whole, so a known key costs no hex conversion. Only bytes from a
 * signed feed (`learn`) add keys to the table: anything else (an act posted over HTTP, perhaps
 * forged, perhaps refused) is converted without being kept (issue 14: no memory kept for what
 * is refused). Bounded by the number of distinct keys the group's feeds hold.
 */
const byPrefix = new Map<number, Array<{ bytes: Buffer, hex: string }>>()
const byHex = new Map<string, Buffer>()
function keyHex (bytes: Uint8Array, learn: boolean): string {
  return keyHexAt(bytes, 0, learn)
}

/**
 * Hex of the 32 bytes of `buf` at `at` (the caller checked they are there), interned as
 * described above: the process-wide table learns them only when `learn` (bytes of a signed feed).
 */
export function keyHexAt (buf: Uint8Array, at: number, learn: boolean): string {
  const prefix = (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24))
  let list = byPrefix.get(prefix)
  if (list !== undefined) {
    for (const k of list) if (sameKey(k.bytes, buf, at)) return k.hex
  }
  const bytes = buf.subarray(at, at + 32)
  if (!learn) return hex(bytes)
  if (list === undefined) byPrefix.set(prefix, (list = []))
  const k = { bytes: Buffer.from(bytes), hex: hex(bytes) }
  list.push(k)
  byHex.set(k.hex, k.bytes)
  return k.hex
}

/** Whether `key` (32 bytes, its first 4 equal to those at `at`) equals the 32 bytes of `buf` at `at`. */
function sameKey (key: Buffer, buf: Uint8Array, at: number): boolean {
  for (let i = 4; i < 32; i++) if (key[i] !== buf[at + i]) return false
  return true
}

/** Bytes of a 32-byte key or id in hex (the interned copy when decoding met it). */
function keyBytes (h: string): Buffer {
  return byHex.get(h) ?? unhex(h)
}

/** Current act format version. */
export const ACT_VERSION = 1
/** Largest accepted act encoding, bytes. */
export const MAX_ACT_BYTES = 4096
/** Domain separation prefix of the signed message. */
export const SIGN_DOMAIN = Buffer.from('hypergas/act/v1\0')
/** Domain separation prefix of the act id hash. */
export const ID_DOMAIN = Buffer.from('hypergas/act-id/v1\0')

type State = c.State
/** How a field is written on the wire (see {@link ACT_FIELDS}). */
export type FieldKind = 'string' | 'id' | 'cents' | 'optstring' | 'uint' | 'products' | 'lines' | 'split' | 'bool' | 'strings'

/** A body field's value as the wire carries it (its kind: {@link FieldKind}). */
export type FieldValue = string | number | boolean | string[] | LineSpec[] | ProductSpec[]

/** An act body built field by field by a decoder, before it is typed as its {@link ActBody}. */
export interface WireBody {
  type: ActType
  [field: string]: FieldValue
}

/** The fields of each act type, in wire order, with how each is written. */
export const ACT_FIELDS: Record<ActType, Array<[string, FieldKind]>> = {
  CreateGroup: [['name', 'string'], ['founderName', 'string']],
  VoteRegisterMember: [['name', 'string'], ['member', 'id']],
  VoteRemoveMember: [['member', 'id']],
  VoteElectReferente: [['member', 'id']],
  VoteRevokeReferente: [['member', 'id']],
  VoteElectCassiere: [['member', 'id']],
  VoteRevokeCassiere: [['member', 'id']],
  Deposit: [['member', 'id'], ['cents', 'cents']],
  Withdraw: [['member', 'id'], ['cents', 'cents'], ['reason', 'string']],
  SettleCash: [['from', 'id'], ['cents', 'cents']],
  OpenPurchase: [['name', 'string'], ['supplier', 'optstring'], ['notes', 'optstring']],
  Commit: [['member', 'id'], ['cents', 'cents'], ['purchase', 'id']],
  ApproveCommitment: [['member', 'id'], ['purchase', 'id']],
  RejectCommitment: [['member', 'id'], ['purchase', 'id']],
  AdjustCommitment: [['member', 'id'], ['cents', 'cents'], ['purchase', 'id']],
  VoteClosePurchase: [['purchase', 'id']],
  VoteFailPurchase: [['purchase', 'id']],
  ClosePurchase: [['purchase', 'id']],
  FailPurchase: [['purchase', 'id']],
  VoteRecover: [['member', 'id']],
  AddProducts: [['purchase', 'id'], ['products', 'products']],
  SetPrice: [['purchase', 'id'], ['product', 'string'], ['priceCents', 'uint']],
  Book: [['member', 'id'], ['purchase', 'id'], ['lines', 'lines']],
  CloseBookings: [['purchase', 'id']],
  Deliver: [['purchase', 'id'], ['member', 'id'], ['lines', 'lines']],
  AddCost: [['purchase', 'id'], ['label', 'string'], ['cents', 'cents'], ['split', 'split'], ['discount', 'bool']],
  SetDates: [['purchase', 'id'], ['closesAtMs', 'uint'], ['deliveryAtMs', 'uint']],
  VoteSetLimits: [['member', 'id'], ['overdraftCents', 'uint'], ['ceilingCents', 'uint']],
  Transfer: [['from', 'id'], ['to', 'id'], ['cents', 'cents'], ['memo', 'string']],
  AcceptTransfer: [['transfer', 'id']],
  CancelTransfer: [['transfer', 'id']],
  RegisterSupplier: [['name', 'string'], ['vatNumber', 'optstring'], ['contacts', 'optstring'], ['categories', 'strings'], ['notes', 'optstring']],
  SetListing: [['member', 'id'], ['offers', 'strings'], ['wants', 'strings']]
}

/**
 * A product on the wire (SPEC §4.5): key, name, unit, price, then a flags byte saying which
 * optional fields follow, in this order (bit 5, `weighed`, carries no value: present means true).
 */
export const PRODUCT_OPTIONAL = ['packageQty', 'minQtyMilli', 'mulQtyMilli', 'maxQtyMilli', 'availableQtyMilli', 'weighed', 'category', 'description'] as const
const product: c.Encoder<ProductSpec> = {
  preencode (s, p) { each(s, p, 'preencode') },
  encode (s, p) { each(s, p, 'encode') },
  decode (s) {
    const p: ProductSpec = { key: c.string.decode(s), name: c.string.decode(s), unit: c.string.decode(s), priceCents: c.uint.decode(s) }
    const flags = c.uint.decode(s)
    if (flags >= 1 << PRODUCT_OPTIONAL.length) throw HypergasError.BAD_ENCODING(`product flags ${flags}`)
    // In PRODUCT_OPTIONAL's order (bit i for its field i); values are checked by the schema after decoding.
    const has = (i: number): boolean => (flags & (1 << i)) !== 0
    if (has(0)) p.packageQty = c.uint.decode(s)
    if (has(1)) p.minQtyMilli = c.uint.decode(s)
    if (has(2)) p.mulQtyMilli = c.uint.decode(s)
    if (has(3)) p.maxQtyMilli = c.uint.decode(s)
    if (has(4)) p.availableQtyMilli = c.uint.decode(s)
    if (has(5)) p.weighed = true
    if (has(6)) p.category = c.string.decode(s)
    if (has(7)) p.description = c.string.decode(s)
    return p
  }
}
function each (s: State, p: ProductSpec, op: 'preencode' | 'encode'): void {
  c.string[op](s, p.key); c.string[op](s, p.name); c.string[op](s, p.unit); c.uint[op](s, p.priceCents)
  let flags = 0
  PRODUCT_OPTIONAL.forEach((f, i) => { if (p[f] !== undefined && p[f] !== false) flags |= 1 << i })
  c.uint[op](s, flags)
  for (const f of PRODUCT_OPTIONAL) {
    const v = p[f]
    if (v === undefined || typeof v === 'boolean') continue
    if (typeof v === 'string') c.string[op](s, v)
    else c.uint[op](s, v)
  }
}

/** A booking or delivery line on the wire: product, quantity, and a flag for a price that follows. */
const line: c.Encoder<LineSpec> = {
  preencode (s, l) { c.string.preencode(s, l.product); c.uint.preencode(s, l.qtyMilli); c.uint.preencode(s, l.priceCents === undefined ? 0 : 1); if (l.priceCents !== undefined) c.uint.preencode(s, l.priceCents) },
  encode (s, l) { c.string.encode(s, l.product); c.uint.encode(s, l.qtyMilli); c.uint.encode(s, l.priceCents === undefined ? 0 : 1); if (l.priceCents !== undefined) c.uint.encode(s, l.priceCents) },
  decode (s) {
    const l: LineSpec = { product: c.string.decode(s), qtyMilli: c.uint.decode(s) }
    const has = c.uint.decode(s)
    if (has > 1) throw HypergasError.BAD_ENCODING(`line flags ${has}`)
    if (has === 1) l.priceCents = c.uint.decode(s)
    return l
  }
}
/** An array whose length cannot exceed the bytes left (each element takes at least one). */
function arrayOf<T> (item: c.Encoder<T>): c.Encoder<T[]> {
  return {
    preencode (s, list) { c.uint.preencode(s, list.length); for (const x of list) item.preencode(s, x) },
    encode (s, list) { c.uint.encode(s, list.length); for (const x of list) item.encode(s, x) },
    decode (s) {
      const n = c.uint.decode(s)
      if (n > s.end - s.start) throw HypergasError.BAD_ENCODING(`${n} elements in ${s.end - s.start} bytes`)
      return Array.from({ length: n }, () => item.decode(s))
    }
  }
}
const products = arrayOf(product)
const strings = arrayOf(c.string)
const lines = arrayOf(line)

const TAG = new Map<ActType, number>(ACT_TYPES.map((t, i) => [t, i]))

/** Envelope fields of an act before signing. */
export interface UnsignedAct {
  v: number
  /** Group id hex, or '' for CreateGroup. */
  group: string
  /** Author public key hex. */
  author: string
  timeMs: number
  body: ActBody
}

function eachField (s: State, body: ActBody, op: 'preencode' | 'encode'): void {
  const rec = body as unknown as WireBody
  for (const [name, kind] of ACT_FIELDS[body.type]) {
    const v = rec[name]
    if (kind === 'id') c.fixed32[op](s, keyBytes(v as string))
    else if (kind === 'cents' || kind === 'uint') c.uint[op](s, v as number)
    else if (kind === 'optstring') c.string[op](s, (v as string | undefined) ?? '')
    else if (kind === 'products') products[op](s, v as ProductSpec[])
    else if (kind === 'lines') lines[op](s, v as LineSpec[])
    else if (kind === 'strings') strings[op](s, v as string[])
    else if (kind === 'split') c.uint[op](s, v === 'equal' ? 1 : 0)
    else if (kind === 'bool') c.uint[op](s, v === true ? 1 : 0)
    else c.string[op](s, v as string)
  }
}

const NO_GROUP = Buffer.alloc(0)

function envelope (s: State, a: UnsignedAct, op: 'preencode' | 'encode'): void {
  c.uint[op](s, a.v)
  c.buffer[op](s, a.group === '' ? NO_GROUP : keyBytes(a.group))
  c.fixed32[op](s, keyBytes(a.author))
  c.uint[op](s, a.timeMs)
  const tag = TAG.get(a.body.type)
  if (tag === undefined) throw HypergasError.UNKNOWN_TYPE(`unknown act type "${String(a.body.type)}"`)
  c.uint[op](s, tag)
  eachField(s, a.body, op)
}

/**
 * Encodes the unsigned part of an act. The caller has validated the body (src/acts/schema.ts).
 * @throws HypergasError UNKNOWN_TYPE
 */
export function encodeUnsigned (a: UnsignedAct): Buffer {
  const s = c.state()
  envelope(s, a, 'preencode')
  s.buffer = Buffer.allocUnsafe(s.end)
  envelope(s, a, 'encode')
  return s.buffer as Buffer
}

function decodeChoice<T> (s: State, choices: readonly T[]): T {
  const i = c.uint.decode(s)
  if (i >= choices.length) throw HypergasError.BAD_ENCODING(`value ${i} where ${choices.length} choices exist`)
  return choices[i]
}

/** Result of a raw decode: the envelope, the signature and where the signature starts. */
export interface DecodedAct {
  unsigned: UnsignedAct
  /** 64-byte Ed25519 signature: a view into the bytes decoded (copy it to keep it apart from them). */
  sig: Buffer
  /** Byte length of the unsigned part (the signature follows it). */
  unsignedLength: number
}

/**
 * Decodes an act's bytes without checking the signature or the body's values. `learn`: the bytes
 * came from a signed feed, and their keys may join the process-wide table (see keyHex).
 * @throws HypergasError OVERSIZED, BAD_ENCODING, BAD_VERSION, UNKNOWN_TYPE
 */
export function decodeRaw (bytes: Buffer, learn = false): DecodedAct {
  if (bytes.byteLength > MAX_ACT_BYTES) throw HypergasError.OVERSIZED(`act of ${bytes.byteLength} bytes, limit ${MAX_ACT_BYTES}`)
  const s = c.state(0, bytes.byteLength, bytes)
  try {
    const v = c.uint.decode(s)
    if (v !== ACT_VERSION) throw HypergasError.BAD_VERSION(`act format version ${v}, this build reads ${ACT_VERSION}`)
    const group = c.buffer.decode(s)
    if (group === null || (group.byteLength !== 0 && group.byteLength !== 32)) {
      throw HypergasError.BAD_KEY(`expected group id of 0 or 32 bytes, got ${group === null ? 'null' : group.byteLength}`)
    }
    const author = keyHex(c.fixed32.decode(s), learn)
    const timeMs = c.uint.decode(s)
    const tag = c.uint.decode(s)
    const type = ACT_TYPES[tag]
    if (type === undefined) throw HypergasError.UNKNOWN_TYPE(`unknown act type tag ${tag}`)
    const body: WireBody = { type }
    for (const [name, kind] of ACT_FIELDS[type]) {
      if (kind === 'id') body[name] = keyHex(c.fixed32.decode(s), learn)
      else if (kind === 'cents' || kind === 'uint') body[name] = c.uint.decode(s)
      else if (kind === 'products') body[name] = products.decode(s)
      else if (kind === 'lines') body[name] = lines.decode(s)
      else if (kind === 'strings') body[name] = strings.decode(s)
      else if (kind === 'split') body[name] = decodeChoice(s, ['amount', 'equal'])
      else if (kind === 'bool') body[name] = decodeChoice(s, [false, true])
      else {
        const str = c.string.decode(s)
        if (kind === 'string' || str !== '') body[name] = str
      }
    }
    const unsignedLength = s.start
    const sig = c.fixed64.decode(s) as Buffer
    if (s.start !== bytes.byteLength) throw HypergasError.BAD_ENCODING(`${bytes.byteLength - s.start} trailing bytes after act`)
    const unsigned: UnsignedAct = { v, group: group.byteLength === 0 ? '' : keyHex(group, learn), author, timeMs, body: body as unknown as ActBody }
    return { unsigned, sig, unsignedLength }
  } catch (err) {
    if (err instanceof HypergasError) throw err
    throw HypergasError.BAD_ENCODING(`act does not decode: ${(err as Error).message}`)
  }
}
