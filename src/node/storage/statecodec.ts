/**
 * Binary encoding of the confirmed state and the final log for the checkpoint (issue 5, SPEC §8
 * cold start and memory), with compact-encoding and a string table (tablecodec.ts). A season
 * repeats a few thousand strings (member keys, act ids, names, codes) hundreds of thousands of
 * times: each is stored once and referred to by its number, and decoding gives every use the
 * same string (no copy per use in memory).
 *
 *   file = table  state  log
 *
 * Objects decode with the same keys, in the same order, as the fold creates them, so a restored
 * state is indistinguishable from a folded one. Amounts (cents) are float64: exact for every safe
 * integer, negative cash included. A checkpoint is a cache of the feeds: this format is private
 * and versioned by the checkpoint's own version.
 */
import c from 'compact-encoding'
import { ActIdSet } from '../../fold/idset.js'
import type { ProductSpec } from '../../acts/types.js'
import type { BlockPos, Booking, Commitment, GroupState, Limits, Listing, Member, Movement, Order, PendingTransfer, Purchase, Registration, Rejection, Removal, SharedCost, Supplier, Tally } from '../../fold/state.js'
import type { ActId, MemberId } from '../../ids.js'
import { LogColumns, withRoom } from '../../merge/log.js'
import { drain, type Steps } from '../../slices.js'
import { arrayOf, decodeLength, encodeWithTable, indexRuns, mapOf, nullable, optional, piecesOf, readTable, ref, rendered, setOf, struct, type Enc, type Splittable, type TableState } from './tablecodec.js'


const cents = c.float64
/** Cents or null (no ceiling): NaN stands for null on the wire. */
const nullableCents: Enc<number | null> = {
  preencode (s, v) { c.float64.preencode(s, v ?? NaN) },
  encode (s, v) { c.float64.encode(s, v ?? NaN) },
  decode (s) { const v = c.float64.decode(s); return Number.isNaN(v) ? null : v }
}

/** A movement: bit 0 of its flags says it has a `purchase` field, bit 1 a `counterpart` field. */
const movement: Enc<Movement> = {
  preencode (s, m) {
    c.uint8.preencode(s, 0)
    ref.preencode(s, m.actId); ref.preencode(s, m.kind); cents.preencode(s, m.deltaCents); cents.preencode(s, m.balanceCents)
    if ('purchase' in m) optional.preencode(s, m.purchase)
    if ('counterpart' in m) optional.preencode(s, m.counterpart)
  },
  encode (s, m) {
    c.uint8.encode(s, ('purchase' in m ? 1 : 0) | ('counterpart' in m ? 2 : 0))
    ref.encode(s, m.actId); ref.encode(s, m.kind); cents.encode(s, m.deltaCents); cents.encode(s, m.balanceCents)
    if ('purchase' in m) optional.encode(s, m.purchase)
    if ('counterpart' in m) optional.encode(s, m.counterpart)
  },
  decode (s) {
    const flags = c.uint8.decode(s)
    if (flags > 3) throw new Error(`checkpoint state: movement flags ${flags}`)
    const actId = ref.decode(s) as ActId
    const kind = ref.decode(s) as Movement['kind']
    const deltaCents = cents.decode(s)
    const balanceCents = cents.decode(s)
    // One object literal per shape, every field in the object itself: a field added after the
    // literal goes to a separate property array (+32 bytes a movement; docs/performance.md).
    if (flags === 0) return { actId, kind, deltaCents, balanceCents }
    if (flags === 1) return { actId, kind, deltaCents, balanceCents, purchase: optional.decode(s) as Movement['purchase'] }
    if (flags === 2) return { actId, kind, deltaCents, balanceCents, counterpart: optional.decode(s) as Movement['counterpart'] }
    return { actId, kind, deltaCents, balanceCents, purchase: optional.decode(s) as Movement['purchase'], counterpart: optional.decode(s) as Movement['counterpart'] }
  }
}

const refs = arrayOf(ref)
const member = struct<Member>({ id: ref, name: ref, creditCents: cents })
const commitment = struct<Commitment>({ member: ref, amountCents: cents, status: ref })
/**
 * The orders of a purchase with a catalogue (SPEC §4.5), or nothing: a flag byte, then the order
 * as JSON of plain arrays (products and bookings as [key, value] pairs, in the state's order). Its
 * shape and sums are checked after decoding (src/node/storage/checkpoint-verify.ts).
 */
const order: Enc<Order | undefined> = {
  preencode (s, o) { c.uint8.preencode(s, 0); if (o !== undefined) orderText.preencode(s, o) },
  encode (s, o) { c.uint8.encode(s, o === undefined ? 0 : 1); if (o !== undefined) orderText.encode(s, o) },
  decode (s) {
    const flag = c.uint8.decode(s)
    if (flag > 1) throw new Error(`checkpoint state: order flag ${flag}`)
    if (flag === 0) return undefined
    const raw = JSON.parse(c.string.decode(s)) as { products: Array<[string, ProductSpec]>, bookingsOpen: boolean, bookings: Array<[MemberId, Booking]>, costs: SharedCost[] }
    if (!Array.isArray(raw?.products) || !Array.isArray(raw.bookings) || !Array.isArray(raw.costs)) throw new Error('checkpoint state: bad order')
    return { products: new Map(raw.products), bookingsOpen: raw.bookingsOpen, bookings: new Map(raw.bookings), costs: raw.costs }
  }
}
/** A plain value as its JSON text (its shape is checked after decoding: src/node/storage/checkpoint-verify.ts). */
function jsonOf<T> (): Enc<T> {
  return {
    ...rendered<T>((v) => JSON.stringify(v)),
    decode (s) { return JSON.parse(c.string.decode(s)) as T }
  }
}

/** `enc`'s value or `none` (absent, or null): a byte 0, or 1 and the value. */
function flagged<T, N extends null | undefined> (enc: Enc<T>, none: N, what: string): Enc<T | N> {
  return {
    preencode (s, v) { c.uint8.preencode(s, 0); if (v !== none) enc.preencode(s, v as T) },
    encode (s, v) { c.uint8.encode(s, v === none ? 0 : 1); if (v !== none) enc.encode(s, v as T) },
    decode (s) {
      const flag = c.uint8.decode(s)
      if (flag > 1) throw new Error(`checkpoint state: ${what} flag ${flag}`)
      return flag === 0 ? none : enc.decode(s)
    }
  }
}

/** A purchase's dates (SPEC §4.5), or nothing: the two times (ms). */
const dates = flagged(struct<NonNullable<Purchase['dates']>>({ closesAtMs: c.uint, deliveryAtMs: c.uint }), undefined, 'dates')

/** `true` or absent: a byte 1 or 0. */
const flagOrAbsent = flagged<true, undefined>({ preencode () {}, encode () {}, decode: () => true }, undefined, 'flag')

const orderText = rendered<Order>((o) => JSON.stringify({ products: [...o.products], bookingsOpen: o.bookingsOpen, bookings: [...o.bookings], costs: o.costs }))

const purchaseFields = struct<Purchase>({
  id: ref,
  name: ref,
  supplier: optional,
  notes: optional,
  owner: ref,
  phase: ref,
  commitments: mapOf(ref, commitment),
  closeVotes: setOf(ref),
  failVotes: setOf(ref),
  paidCents: cents,
  order,
  dates,
  commitsClosed: flagOrAbsent
})
/** A purchase; one without orders has no `order` key at all, as the fold makes it. */
const purchase: Enc<Purchase> = {
  preencode: purchaseFields.preencode,
  encode: purchaseFields.encode,
  decode (s) {
    const p = purchaseFields.decode(s)
    if (p.order === undefined) delete p.order
    if (p.dates === undefined) delete p.dates
    if (p.commitsClosed === undefined) delete p.commitsClosed
    return p
  }
}
const tally = struct<Tally>({ type: ref, member: ref, name: optional, voters: setOf(ref) })
const blockPos = struct<BlockPos>({ feed: ref, index: c.uint })
const removal = struct<Removal>({ pos: blockPos, admins: arrayOf(ref) })
/** A removal or null. */
const removalOrNull = flagged(removal, null, 'removal')
const registration = struct<Registration>({ pos: blockPos, admins: arrayOf(ref), name: c.string, removed: removalOrNull })
const rejection = struct<Rejection>({ actId: ref, code: ref })
const movements = mapOf(ref, arrayOf(movement))
const seenIds: Splittable<ActIdSet> = {
  split (v) { return refs.split(v.toArray()) },
  preencode (s, v) { refs.preencode(s, v.toArray()) },
  encode (s, v) { refs.encode(s, v.toArray()) },
  decode (s) { return ActIdSet.of(refs.decode(s) as ActId[]) }
}

/** The fields of a state, in the order they are stored. */
const stateFields = {
  groupId: nullable,
  groupName: c.string,
  founder: nullable,
  members: mapOf(ref, member),
  memberNames: mapOf(ref, ref),
  referenti: setOf(ref),
  cassieri: setOf(ref),
  admins: setOf(ref),
  cash: mapOf(ref, cents),
  adminSince: mapOf(ref, blockPos),
  tallies: mapOf(ref, tally),
  // A purchase can hold hundreds of products and bookings: a few per piece.
  purchases: mapOf(ref, purchase, 8),
  openPurchaseNames: mapOf(ref, ref),
  seen: seenIds,
  rejections: arrayOf(rejection),
  statements: movements,
  cashMovements: movements,
  owedCents: cents,
  appliedCount: c.uint,
  rejectedCount: c.uint,
  recoveries: mapOf(ref, c.uint),
  registrations: mapOf(ref, registration),
  limits: mapOf(ref, struct<Limits>({ overdraftCents: cents, ceilingCents: nullableCents })),
  transfers: mapOf(ref, struct<PendingTransfer>({ id: ref, from: ref, to: ref, cents, memo: c.string, initiator: ref, status: ref })),
  suppliers: mapOf(ref, jsonOf<Supplier>()),
  supplierNames: mapOf(ref, ref),
  listings: mapOf(ref, jsonOf<Listing>())
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- branded ids are strings on the wire
} satisfies { [K in keyof GroupState]: Enc<any> }
const state = struct<GroupState>(stateFields)

/** One entry of the final log, without its act: act id, feed, index, L, status, time (NaN: none). */
function logEntry (s: TableState, log: LogColumns, k: number, first: boolean): void {
  if (first) {
    ref.preencode(s, log.actId(k)); ref.preencode(s, log.feed(k)); c.uint.preencode(s, log.index(k)); c.uint.preencode(s, log.L(k)); ref.preencode(s, log.status(k)); c.float64.preencode(s, 0)
  } else {
    ref.encode(s, log.actId(k)); ref.encode(s, log.feed(k)); c.uint.encode(s, log.index(k)); c.uint.encode(s, log.L(k)); ref.encode(s, log.status(k)); c.float64.encode(s, log.timeMs(k) ?? NaN)
  }
}

/** The largest block index or L a log column holds (Uint32Array). */
const MAX_POSITION = 0xffffffff
/** The fewest bytes an encoded log entry takes: four one-byte numbers, a one-byte uint, a float64. */
const MIN_ENTRY_BYTES = 13

/**
 * Decodes the final log into columns (its entries hold no act), with room to grow
 * ({@link withRoom}): the first acts after a start then do not copy the columns.
 * @throws Error on an index or L past {@link MAX_POSITION}, or a length the bytes left cannot hold
 */
function decodeLog (s: c.State): LogColumns {
  const n = decodeLength(s, MIN_ENTRY_BYTES)
  const log = new LogColumns(withRoom(n))
  for (let i = 0; i < n; i++) {
    const actId = ref.decode(s) as ActId
    const feed = ref.decode(s) as MemberId
    const index = c.uint.decode(s)
    const L = c.uint.decode(s)
    const status = ref.decode(s)
    const t = c.float64.decode(s)
    if (index > MAX_POSITION || L > MAX_POSITION) throw new Error(`checkpoint state: log entry ${i} names block ${index} at L ${L}`)
    log.push(actId, feed, index, L, status, Number.isNaN(t) ? null : t)
  }
  return log
}

/** What {@link encodeFinal} stores: the confirmed state and the final log. */
export interface FinalPart {
  state: GroupState
  /** The final log (decoded: exactly the final entries). */
  log: LogColumns
}

/** What {@link encodeFinal} encodes: the confirmed state, and the first `count` entries of `log` (default: all). */
export interface FinalToEncode {
  state: GroupState
  log: LogColumns
  count?: number
}

/**
 * {@link encodeFinal} in steps (src/slices.ts): the state's fields, its maps and arrays and the
 * log in runs (tablecodec.ts), so a node writing its checkpoint can give the event loop a
 * turn between them (issue 18 item 5). `part` must not change until it has run to its end (a
 * replay's confirmed state and final log never do).
 */
export function* encodeFinalSteps (part: FinalToEncode): Steps<Buffer> {
  const keys = Object.keys(stateFields) as Array<keyof GroupState>
  return yield * encodeWithTable(() => [...keys.flatMap((k) => piecesOf<unknown>(stateFields[k], part.state[k])), ...indexRuns(part.count ?? part.log.length, (s, k, first) => logEntry(s, part.log, k, first))])
}

/**
 * Encodes the confirmed state and the final log (entries lose their acts):
 * `table  state  log`, the table holding every string the state and log use.
 */
export function encodeFinal (part: FinalToEncode): Buffer {
  return drain(encodeFinalSteps(part))
}

/**
 * Decodes what {@link encodeFinal} wrote.
 * @throws Error on bytes it did not write (truncated, unknown string, trailing bytes)
 */
export function decodeFinal (bytes: Uint8Array): FinalPart {
  const s = readTable(bytes)
  const st = state.decode(s)
  const log = decodeLog(s)
  if (s.start !== s.end) throw new Error('checkpoint state: trailing bytes')
  return { state: st, log }
}
