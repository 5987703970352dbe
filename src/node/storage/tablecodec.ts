/**
 * compact-encoding with a string table, in pieces (the checkpoint's state: statecodec.ts). Each
 * distinct string is stored once, in a table before the body, and every use is its number;
 * decoding gives every use the same string. 64-character hex ids are stored as their 32 bytes.
 *
 *   bytes = table:array<kind:uint8 (0 hex id: fixed32 | 1 text: string)>  body
 *
 * Maps and arrays can also cut themselves into {@link Piece}s (their length, then runs of
 * {@link RUN} items), so an encoding can pause between pieces ({@link encodeWithTable}, src/slices.ts).
 */
import c from 'compact-encoding'
import { isHexId } from '../../ids.js'
import { IdTable } from '../../fold/idset.js'
import type { Steps } from '../../slices.js'

/** A compact-encoding encoder. */
export type Enc<T> = c.Encoder<T>

/**
 * The strings of one file, each with its number. The 64-character strings (ids, nearly every
 * string a state holds) are found in an open-addressing table keyed by their last 32 bits
 * (`IdTable`, src/fold/idset.ts), the others in a Map. Looking ids up in a Map was half of
 * encoding a 1,000,000-act checkpoint; with the table the encoding took 3.9–4.4 s, not 5.1–6.5.
 */
class StringTable {
  private readonly numbers = new Map<string, number>()
  /** The 64-character strings, in order of first use. */
  private readonly long = new IdTable<string>()
  /** The number of each of them (by its position in `long`). */
  private readonly longNumbers: number[] = []
  /** @param list the strings by number (decoding: read from the file; encoding: filled by ref) */
  constructor (readonly list: string[] = []) {}

  /** The number of `s`: its first use's, or the next one when `s` is new (it joins the list). */
  ref (s: string): number {
    if (s.length === 64) {
      const at = this.long.place(s)
      if (at === this.longNumbers.length) this.longNumbers.push(this.list.push(s) - 1)
      return this.longNumbers[at]
    }
    let n = this.numbers.get(s)
    if (n === undefined) {
      n = this.list.push(s) - 1
      this.numbers.set(s, n)
    }
    return n
  }
}

/**
 * Encoding state: the string table, and the numbers the first pass (preencode) looked up, which
 * the second (encode) takes back in the same order instead of looking each string up again.
 */
export interface TableState extends c.State { table: StringTable, refs: Numbers, next: number, texts: string[], nextText: number }
const table = (s: c.State): StringTable => (s as TableState).table
/** First pass: the number of `v` (0 for none, else 1 + its number), remembered for the second. */
const lookUp = (s: c.State, n: number): number => { (s as TableState).refs.push(n); return n }
/** Second pass: the next number the first pass remembered. */
const lookedUp = (s: c.State): number => { const t = s as TableState; return t.refs.at(t.next++) }

/** Bits of a position in {@link Numbers} that select within a chunk (65,536 numbers, 256 KiB). */
const CHUNK_BITS = 16
const CHUNK_MASK = (1 << CHUNK_BITS) - 1

/**
 * Non-negative numbers below 2^31 in a list that grows by chunks and never copies itself. An
 * array of the ~870,000 numbers a 100,000-act checkpoint looks up copied itself each time it
 * grew by half, and the last copies held the event loop 30–55 ms each (issue 18 item 5).
 */
export class Numbers {
  private readonly chunks: Int32Array[] = []
  /** Numbers pushed. */
  length = 0

  push (n: number): void {
    const at = this.length & CHUNK_MASK
    if (at === 0) this.chunks.push(new Int32Array(CHUNK_MASK + 1))
    this.chunks[this.chunks.length - 1][at] = n
    this.length++
  }

  /** The number pushed `i`-th (0 ≤ i < length). */
  at (i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK]
  }
}
/**
 * One part of an encoding, run by both passes in the same order (`first`: preencode, else
 * encode). A large value is encoded as many pieces, so a node can pause between them.
 */
export type Piece = (s: TableState, first: boolean) => void
/** An encoder that can also cut a value into pieces (a map or array: its length, then its items in runs). */
export type Splittable<T> = Enc<T> & { split: (v: T) => Piece[] }
/** Items of a map or an array per piece. */
export const RUN = 1024

/** The piece of a collection's length. */
const lengthPiece = (n: number): Piece => (s, first) => { if (first) c.uint.preencode(s, n); else c.uint.encode(s, n) }

/** The pieces of a collection of `n` items: its length, then runs of `run` items, item `k` written by `one`. */
export function indexRuns (n: number, one: (s: TableState, k: number, first: boolean) => void, run = RUN): Piece[] {
  const out: Piece[] = [lengthPiece(n)]
  for (let i = 0; i < n; i += run) {
    const end = Math.min(n, i + run)
    out.push((s, first) => { for (let k = i; k < end; k++) one(s, k, first) })
  }
  return out
}

/** The pieces of a collection of `items`: its length, then runs of `run` items. */
function runs<T> (items: readonly T[], one: (s: TableState, x: T, first: boolean) => void, run = RUN): Piece[] {
  return indexRuns(items.length, (s, k, first) => one(s, items[k], first), run)
}

/**
 * The length of a collection about to be decoded, each of whose elements takes at least
 * `minBytes` bytes.
 * @throws Error when the bytes left cannot hold that many
 */
export function decodeLength (s: c.State, minBytes = 1): number {
  const n = c.uint.decode(s)
  if (n * minBytes > s.end - s.start) throw new Error(`checkpoint state: ${n} elements in ${s.end - s.start} bytes`)
  return n
}

/** `v` as one piece, or as its encoder's pieces. */
export function piecesOf<T> (enc: Enc<T>, v: T): Piece[] {
  return 'split' in enc ? (enc as Splittable<T>).split(v) : [(s, first) => { if (first) enc.preencode(s, v); else enc.encode(s, v) }]
}


/**
 * One string of the table: its kind, then 32 bytes of id or the text. `id`: whether `v` is a hex
 * id, when the first pass already found out.
 */
function tableEntry (s: TableState, v: string, first: boolean, id = isHexId(v)): void {
  if (first) {
    c.uint8.preencode(s, 0)
    if (id) s.end += 32
    else c.string.preencode(s, v)
  } else {
    c.uint8.encode(s, id ? 0 : 1)
    // An id's 32 bytes are written from its hex straight into the buffer (no Buffer per id).
    if (id) s.start += (s.buffer as Buffer).write(v, s.start, 32, 'hex')
    else c.string.encode(s, v)
  }
}

/** The string table itself: its length, then each string (a hex id as 32 bytes). */
const tableEnc: Splittable<string[]> = {
  split (list) {
    // Each string is tested once, on the first pass.
    const ids = new Uint8Array(list.length)
    return indexRuns(list.length, (s, k, first) => {
      if (first) ids[k] = isHexId(list[k]) ? 1 : 0
      tableEntry(s, list[k], first, ids[k] === 1)
    })
  },
  preencode (s, list) { c.uint.preencode(s, list.length); for (const v of list) tableEntry(s as TableState, v, true) },
  encode (s, list) { c.uint.encode(s, list.length); for (const v of list) tableEntry(s as TableState, v, false) },
  decode (s) {
    const out = new Array<string>(c.uint.decode(s))
    for (let i = 0; i < out.length; i++) {
      const kind = c.uint8.decode(s)
      if (kind > 1) throw new Error(`string table: kind ${kind}`)
      if (kind === 1) out[i] = c.string.decode(s)
      else {
        if (s.end - s.start < 32) throw new Error('string table: truncated id')
        out[i] = (s.buffer as Buffer).toString('hex', s.start, (s.start += 32))
      }
    }
    return out
  }
}

/**
 * A value stored as text rendered by `render` (JSON of a catalogue, a supplier): rendered once,
 * on the first pass, and written from that on the second. Decoding is the caller's.
 */
export function rendered<T> (render: (v: T) => string): Pick<Enc<T>, 'preencode' | 'encode'> {
  return {
    preencode (s, v) { const text = render(v); (s as TableState).texts.push(text); c.string.preencode(s, text) },
    encode (s) { const t = s as TableState; c.string.encode(s, t.texts[t.nextText++]) }
  }
}

/** A string, as its number in the table. */
export const ref: Enc<string> = {
  preencode (s, v) { c.uint.preencode(s, lookUp(s, table(s).ref(v))) },
  encode (s) { c.uint.encode(s, lookedUp(s)) },
  decode (s) {
    const v = table(s).list[c.uint.decode(s)]
    if (v === undefined) throw new Error('string table: no such string')
    return v
  }
}

/** A string or `none` (null or undefined): 0, or 1 + the string's number. */
function maybe<N extends null | undefined> (none: N): Enc<string | N> {
  return {
    preencode (s, v) { c.uint.preencode(s, lookUp(s, v == null ? 0 : 1 + table(s).ref(v))) },
    encode (s) { c.uint.encode(s, lookedUp(s)) },
    decode (s) {
      const n = c.uint.decode(s)
      if (n === 0) return none
      const v = table(s).list[n - 1]
      if (v === undefined) throw new Error('string table: no such string')
      return v
    }
  }
}
/** A string or undefined. */
export const optional = maybe(undefined)
/** A string or null. */
export const nullable = maybe(null)

/** An object with exactly these fields, in this order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- branded ids are strings on the wire
export function struct<T extends object> (fields: { [K in keyof T]: Enc<any> }): Enc<T> {
  const keys = Object.keys(fields) as Array<keyof T>
  return {
    preencode (s, v) { for (const k of keys) fields[k].preencode(s, v[k]) },
    encode (s, v) { for (const k of keys) fields[k].encode(s, v[k]) },
    decode (s) {
      const o = {} as T
      for (const k of keys) o[k] = fields[k].decode(s)
      return o
    }
  }
}

/**
 * A map: its size, then each key and value, in the map's order. `run`: entries per piece (fewer
 * for large values: a purchase with its catalogue and bookings).
 */
export function mapOf<K, V> (key: Enc<K>, value: Enc<V>, run = RUN): Splittable<Map<K, V>> {
  return {
    split (m) {
      const entries = [...m]
      // Values that split themselves (a member's movements) are cut too: key, then the value's pieces.
      if ('split' in value) return [lengthPiece(entries.length), ...entries.flatMap(([k, v]) => [...piecesOf(key, k), ...piecesOf(value, v)])]
      return runs(entries, (s, [k, v], first) => {
        if (first) { key.preencode(s, k); value.preencode(s, v) } else { key.encode(s, k); value.encode(s, v) }
      }, run)
    },
    preencode (s, m) { c.uint.preencode(s, m.size); for (const [k, v] of m) { key.preencode(s, k); value.preencode(s, v) } },
    encode (s, m) { c.uint.encode(s, m.size); for (const [k, v] of m) { key.encode(s, k); value.encode(s, v) } },
    decode (s) {
      const m = new Map<K, V>()
      for (let n = c.uint.decode(s); n > 0; n--) m.set(key.decode(s), value.decode(s))
      return m
    }
  }
}

/**
 * An array codec without compact-encoding's cap of 1,048,576 elements (a final log of a big group
 * is longer): a length past the bytes left (every element takes at least one) is refused.
 */
export function arrayOf<T> (item: Enc<T>): Splittable<T[]> {
  return {
    split (list) { return runs(list, (s, x, first) => { if (first) item.preencode(s, x); else item.encode(s, x) }) },
    preencode (s, list) { c.uint.preencode(s, list.length); for (const x of list) item.preencode(s, x) },
    encode (s, list) { c.uint.encode(s, list.length); for (const x of list) item.encode(s, x) },
    decode (s) {
      const n = decodeLength(s)
      const out = new Array<T>(n)
      for (let i = 0; i < n; i++) out[i] = item.decode(s)
      return out
    }
  }
}

/** A set: as an array of its members, in the set's order. */
export function setOf<T> (item: Enc<T>): Splittable<Set<T>> {
  const list = arrayOf(item)
  return {
    split (v) { return list.split([...v]) },
    preencode (s, v) { list.preencode(s, [...v]) },
    encode (s, v) { list.encode(s, [...v]) },
    decode (s) { return new Set(list.decode(s)) }
  }
}

/**
 * Encodes `body` (built on the first step, then run by both passes) after the table of the
 * strings it uses, yielding between pieces: `table  body`.
 */
export function* encodeWithTable (body: () => Piece[]): Steps<Buffer> {
  const s = { ...c.state(), table: new StringTable(), refs: new Numbers(), next: 0, texts: [], nextText: 0 } as TableState
  const pieces = body()
  for (const p of pieces) { p(s, true); yield }
  const strings = tableEnc.split(s.table.list)
  for (const p of strings) { p(s, true); yield }
  s.buffer = Buffer.allocUnsafe(s.end)
  for (const p of strings) { p(s, false); yield }
  for (const p of pieces) { p(s, false); yield }
  return s.buffer as Buffer
}

/**
 * A decoding state over `bytes`, its table read, at the start of the body.
 * @throws Error on a table that does not decode
 */
export function readTable (bytes: Uint8Array): c.State {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const s = { ...c.state(0, buffer.byteLength, buffer), table: new StringTable(), refs: new Numbers(), next: 0, texts: [], nextText: 0 } as TableState
  s.table = new StringTable(tableEnc.decode(s))
  return s
}
