/**
 * The state hash (SPEC §5: two nodes holding the same blocks compute the same state hash, byte
 * for byte). SHA-256 over a canonical JSON rendering in which every map and set is sorted by key.
 */
import { sha256 } from '../crypto.js'
import type { GroupState, OrderLine } from './state.js'

const byKey = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
const sorted = (s: Set<string>): string[] => [...s].sort()
const line = (l: OrderLine): [string, number, number] => [l.product, l.qtyMilli, l.priceCents]

/** The canonical, sorted, plain-data form of a state that the hash covers. */
export function canonicalState (s: GroupState): unknown {
  return {
    groupId: s.groupId,
    groupName: s.groupName,
    founder: s.founder,
    members: byKey(s.members).map(([, m]) => [m.id, m.name, m.creditCents]),
    referenti: sorted(s.referenti),
    cassieri: sorted(s.cassieri),
    cash: byKey(s.cash),
    tallies: byKey(s.tallies).map(([k, t]) => [k, sorted(t.voters)]),
    purchases: byKey(s.purchases).map(([, p]) => [
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
      ...(p.dates === undefined ? [] : [['dates', p.dates.closesAtMs, p.dates.deliveryAtMs]])
    ]),
    rejections: s.rejections.map((r) => [r.actId, r.code]),
    statements: byKey(s.statements).map(([k, l]) => [k, l.map((m) => [m.actId, m.kind, m.deltaCents])]),
    cashMovements: byKey(s.cashMovements).map(([k, l]) => [k, l.map((m) => [m.actId, m.kind, m.deltaCents])]),
    // Limits and transfers (SPEC §4.6) only where there are: older states hash as before.
    ...(s.limits.size === 0 ? {} : { limits: byKey(s.limits).map(([k, l]) => [k, l.overdraftCents, l.ceilingCents]) }),
    ...(s.transfers.size === 0 ? {} : { transfers: byKey(s.transfers).map(([, x]) => [x.id, x.from, x.to, x.cents, x.memo, x.initiator, x.status]) }),
    // The directory (SPEC §4.7) only where there is one.
    ...(s.suppliers.size === 0 ? {} : { suppliers: byKey(s.suppliers).map(([, x]) => [x.id, x.name, x.vatNumber ?? null, x.contacts ?? null, x.categories, x.notes ?? null]) }),
    ...(s.listings.size === 0 ? {} : { listings: byKey(s.listings).map(([k, l]) => [k, l.offers, l.wants]) }),
    applied: s.appliedCount,
    rejected: s.rejectedCount
  }
}

/** Hex SHA-256 of {@link canonicalState}. */
export function stateHash (s: GroupState): string {
  return sha256(Buffer.from(JSON.stringify(canonicalState(s)))).toString('hex')
}

const finished = new WeakMap<GroupState, string>()

/**
 * {@link stateHash} of a state that is never changed again (a replay's state or confirmed state),
 * computed once: every status request and live-update connection asks for it, and hashing
 * renders the whole state.
 */
export function finishedStateHash (s: GroupState): string {
  let h = finished.get(s)
  if (h === undefined) finished.set(s, (h = stateHash(s)))
  return h
}

/**
 * Records the hash of a state restored from a checkpoint (src/node/storage/checkpoint.ts), which wrote
 * {@link finishedStateHash} of the same state (issue 5: hashing 100,000 acts' state costs ~70 ms
 * of a cold start).
 */
export function rememberStateHash (s: GroupState, hash: string): void {
  finished.set(s, hash)
}
