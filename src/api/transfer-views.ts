/**
 * Read models of transfers between members (SPEC §4.6), and finding one by its id's first
 * characters. Amounts in cents.
 */
import { HypergasError } from '../errors.js'
import { memberName, type GroupState } from '../fold/state.js'
import type { MemberId } from '../ids.js'
import type { TransferView } from './dto.js'

/** Transfers between members (SPEC §4.6), pending first, then by id. */
export function transfersView (s: GroupState, member?: MemberId): TransferView[] {
  const name = (id: MemberId): string | null => memberName(s, id)
  const rank = { pending: 0, completed: 1, cancelled: 2 }
  return [...s.transfers.values()]
    .filter((x) => member === undefined || x.from === member || x.to === member)
    .sort((a, b) => rank[a.status] - rank[b.status] || (a.id < b.id ? -1 : 1))
    .map((x) => ({ id: x.id, from: x.from, fromName: name(x.from), to: x.to, toName: name(x.to), cents: x.cents, memo: x.memo, initiator: x.initiator, status: x.status }))
}

/**
 * Finds a transfer by full id or unique id prefix (≥ 4 chars).
 * @throws HypergasError NOT_FOUND when nothing or more than one transfer matches
 */
export function resolveTransfer (s: GroupState, ref: string): string {
  return pickTransfer([...s.transfers.keys()], ref)
}

/**
 * The one of `ids` (transfer ids, hex) that `ref` names: whole, or by its first 4 characters or
 * more, in any case.
 * @throws HypergasError NOT_FOUND (variant `transferShortId` for fewer than 4 characters)
 */
export function pickTransfer (ids: readonly string[], ref: string): string {
  const r = ref.trim().toLowerCase()
  if (/^[0-9a-f]{1,3}$/.test(r)) throw HypergasError.NOT_FOUND(`no transfer "${ref}": a transfer is found by the first 4 characters of its code or more`, 'transferShortId', ref)
  const hits = /^[0-9a-f]{4,64}$/.test(r) ? ids.filter((k) => k.startsWith(r)) : []
  if (hits.length !== 1) throw HypergasError.NOT_FOUND(`no transfer "${ref}" (or more than one)`, 'transfer', ref)
  return hits[0]
}
