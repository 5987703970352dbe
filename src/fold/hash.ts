/**
 * The state hash (SPEC §5: two nodes holding the same blocks compute the same state hash, byte
 * for byte). SHA-256 over a canonical JSON rendering in which every map and set is sorted by key.
 */
import { createHash } from 'node:crypto'
import { drain, type Steps } from '../slices.js'
import type { GroupState, Movement, OrderLine, Purchase } from './state.js'

const byKey = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
const sorted = (s: Set<string>): string[] => [...s].sort()
const line = (l: OrderLine): [string, number, number] => [l.product, l.qtyMilli, l.priceCents]

/**
 * A part of the canonical form: one value, or a list rendered element by element (an element
 * may be {@link Pieces}).
 */
type Part = readonly [key: string, value: unknown] | readonly [key: string, items: Iterable<unknown>, list: true]

/** Sorted `m` rendered by `f`, lazily: a list part is rendered one element at a time. */
function* each<T> (m: Map<string, T>, f: (k: string, v: T) => unknown): Iterable<unknown> {
  for (const [k, v] of byKey(m)) yield f(k, v)
}

function purchase (p: Purchase): unknown {
  return [
    p.id, p.name, p.supplier ?? null, p.notes ?? null, p.owner, p.phase, p.paidCents,
    byKey(p.commitments).map(([, c]) => [c.member, c.amountCents, c.status]),
    sorted(p.closeVotes), sorted(p.failVotes),
    // Orders by product (SPEC §4.5) only where there are: free-amount purchases hash as before.
    ...(p.order === undefined ? [] : [[
      byKey(p.order.products).map(([, x]) => [x.key, x.name, x.unit, x.priceCents, x.packageQty ?? null, x.minQtyMilli ?? null, x.mulQtyMilli ?? null, x.maxQtyMilli ?? null, x.availableQtyMilli ?? null, x.weighed === true, x.category ?? null, x.description ?? null]),
      p.order.bookingsOpen,
      byKey(p.order.bookings).map(([m, b]) => [m, b.lines.map(line), b.delivered?.map(line) ?? null, b.costCents]),
      p.order.costs.map((x) => [x.actId, x.label, x.cents, x.split])
    ]]),
    ...(p.dates === undefined ? [] : [['dates', p.dates.closesAtMs, p.dates.deliveryAtMs]]),
    ...(p.commitsClosed === true ? [['commitsClosed']] : [])
  ]
}

/** Movements per step of a list's rendering: a cassiere's list holds 28,000 at 100,000 acts. */
const MOVEMENTS_PER_STEP = 1024

/**
 * An element of a list part rendered in several steps: `texts` yields pieces whose
 * concatenation is the element's JSON text.
 */
class Pieces {
  constructor (readonly texts: () => Iterable<string>) {}
}

/**
 * The owner `k` and its movements, `[k,[[actId,kind,deltaCents],…]]`, as {@link Pieces} of
 * {@link MOVEMENTS_PER_STEP} movements each: rendering a long list at once was one step of
 * 12–17 ms at 100,000 acts (the longest of the hash's, issue 18 item 5).
 */
function movements (k: string, l: readonly Movement[]): Pieces {
  return new Pieces(function * () {
    let text = `[${JSON.stringify(k)},[`
    for (let i = 0; i < l.length; i++) {
      const m = l[i]
      // An act id is hex and a kind a fixed word: neither needs escaping, so this is the text
      // JSON.stringify([actId, kind, deltaCents]) gives, in half the time (no array per movement).
      text += `${i === 0 ? '' : ','}["${m.actId}","${m.kind}",${m.deltaCents}]`
      if ((i + 1) % MOVEMENTS_PER_STEP === 0) {
        yield text
        text = ''
      }
    }
    yield `${text}]]`
  })
}

/**
 * The canonical form of a state that the hash covers, part by part, in order: every map and set
 * sorted by key; parts of the directory, limits and transfers only where there are (older states
 * hash as before).
 */
function parts (s: GroupState): Part[] {
  return [
    ['groupId', s.groupId],
    ['groupName', s.groupName],
    ['founder', s.founder],
    ['members', each(s.members, (_, m) => [m.id, m.name, m.creditCents]), true],
    ['referenti', sorted(s.referenti)],
    ['cassieri', sorted(s.cassieri)],
    ['cash', byKey(s.cash)],
    ['tallies', byKey(s.tallies).map(([k, t]) => [k, sorted(t.voters)])],
    ['purchases', each(s.purchases, (_, p) => purchase(p)), true],
    ['rejections', s.rejections.map((r) => [r.actId, r.code])],
    ['statements', each(s.statements, movements), true],
    ['cashMovements', each(s.cashMovements, movements), true],
    ...(s.limits.size === 0 ? [] : [['limits', byKey(s.limits).map(([k, l]) => [k, l.overdraftCents, l.ceilingCents])] as const]),
    ...(s.transfers.size === 0 ? [] : [['transfers', each(s.transfers, (_, x) => [x.id, x.from, x.to, x.cents, x.memo, x.initiator, x.status]), true] as const]),
    ...(s.suppliers.size === 0 ? [] : [['suppliers', byKey(s.suppliers).map(([, x]) => [x.id, x.name, x.vatNumber ?? null, x.contacts ?? null, x.categories, x.notes ?? null])] as const]),
    ...(s.listings.size === 0 ? [] : [['listings', byKey(s.listings).map(([k, l]) => [k, l.offers, l.wants])] as const]),
    ['applied', s.appliedCount],
    ['rejected', s.rejectedCount]
  ]
}

/** Text gathered before it is hashed: one update per 64 KiB, not per element. */
const CHUNK_CHARS = 1 << 16

/**
 * {@link stateHash} in steps (src/slices.ts): the canonical JSON text is rendered and hashed a
 * part or a list element at a time, so no rendering of the whole state is ever held (at 100,000
 * acts it was ~40 MB) and a node can give the event loop a turn between steps. The text is
 * byte for byte `JSON.stringify` of the canonical form as one object.
 */
export function* stateHashSteps (s: GroupState): Steps<string> {
  const h = createHash('sha256')
  let text = '{'
  const put = (piece: string): void => {
    text += piece
    if (text.length >= CHUNK_CHARS) {
      h.update(text)
      text = ''
    }
  }
  let first = true
  for (const part of parts(s)) {
    const [key, value] = part
    if (part.length === 2 && value === undefined) continue
    put(`${first ? '' : ','}${JSON.stringify(key)}:`)
    first = false
    if (part.length === 2) {
      put(JSON.stringify(value))
      yield
      continue
    }
    put('[')
    let n = 0
    for (const x of part[1]) {
      if (n++ > 0) put(',')
      if (x instanceof Pieces) {
        for (const piece of x.texts()) {
          put(piece)
          yield
        }
        continue
      }
      put(JSON.stringify(x) ?? 'null')
      yield
    }
    put(']')
  }
  h.update(text + '}')
  return h.digest('hex')
}

/** Hex SHA-256 of the canonical JSON rendering of `s` (SPEC §5; see {@link stateHashSteps}). */
export function stateHash (s: GroupState): string {
  return drain(stateHashSteps(s))
}

const finished = new WeakMap<GroupState, string>()

/**
 * {@link stateHash} of a state that is never changed again (a replay's state or confirmed state),
 * computed once: every status request and live-update connection asks for it, and hashing
 * renders the whole state.
 */
export function finishedStateHash (s: GroupState): string {
  return drain(finishedStateHashSteps(s))
}

/** {@link finishedStateHash} in steps (src/slices.ts): a checkpoint written while the node serves. */
export function* finishedStateHashSteps (s: GroupState): Steps<string> {
  let h = finished.get(s)
  if (h === undefined) finished.set(s, (h = yield * stateHashSteps(s)))
  return h
}

/** Computations of {@link finishedStateHashDriven} under way, by state. */
const underWay = new WeakMap<GroupState, Promise<string>>()

/**
 * {@link finishedStateHash} run by `drive`, one computation per state however many ask at once (a
 * status request, the checkpoint being written). A serving node passes drainInSlices
 * (src/slices.ts): hashing a state at once held its event loop 0.19 s at 100,000 acts. A
 * one-shot node, serving nobody, passes drain.
 */
export async function finishedStateHashDriven (s: GroupState, drive: (steps: Steps<string>) => string | Promise<string>): Promise<string> {
  const known = finished.get(s)
  if (known !== undefined) return known
  let p = underWay.get(s)
  if (p === undefined) underWay.set(s, (p = Promise.resolve(drive(finishedStateHashSteps(s)))))
  return await p
}

/** The hash {@link finishedStateHash} computed or was given for `s`, if any; never computes it. */
export function finishedStateHashKnown (s: GroupState): string | undefined {
  return finished.get(s)
}

/**
 * Records the hash of a state restored from a checkpoint (src/node/storage/checkpoint.ts), which wrote
 * {@link finishedStateHash} of the same state (issue 5: hashing 100,000 acts' state costs ~70 ms
 * of a cold start), or remembered from the last start (src/node/storage/state-hashes.ts).
 */
export function rememberStateHash (s: GroupState, hash: string): void {
  finished.set(s, hash)
}
