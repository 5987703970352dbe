/**
 * The directory (SPEC §4.7, from mccs): suppliers of the group, and members' offers and wants.
 * The search over them is built by the node from the state (src/api/directory.ts), never by the fold.
 */
import type * as A from '../acts/types.js'
import { foldedName, type ActId, type MemberId } from '../ids.js'
import type { GroupState, RejectionCode } from './state.js'

type Code = RejectionCode | null

/** Most offers and most wants of one member, and the longest entry, characters (SPEC §4.7). */
export const MAX_LISTING_ENTRIES = 50
export const MAX_LISTING_CHARS = 80

/** `RegisterSupplier`: a referente registers a supplier; names are unique, case-insensitive. */
export function registerSupplier (s: GroupState, actId: ActId, au: MemberId, b: A.RegisterSupplier, run: boolean): Code {
  if (!s.referenti.has(au)) return 'NOT_REFERENTE'
  const key = foldedName(b.name)
  if (s.supplierNames.has(key)) return 'NAME_TAKEN'
  if (!run) return null
  s.suppliers.set(actId, {
    id: actId, name: b.name, categories: [...b.categories],
    ...(b.vatNumber === undefined ? {} : { vatNumber: b.vatNumber }), ...(b.contacts === undefined ? {} : { contacts: b.contacts }), ...(b.notes === undefined ? {} : { notes: b.notes })
  })
  s.supplierNames.set(key, actId)
  return null
}

/** Characters of `x` as Unicode code points (an emoji is one; a UTF-16 length would count two). */
function codePoints (x: string): number {
  let n = 0
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i)
    const next = i + 1 < x.length ? x.charCodeAt(i + 1) : 0
    // A surrogate pair is one code point: counted at its second half.
    if (!(c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff)) n++
  }
  return n
}

/** `SetListing`: the member (or an admin on their behalf) replaces their offers and wants. */
export function setListing (s: GroupState, au: MemberId, b: A.SetListing, run: boolean): Code {
  if (au !== b.member && !s.admins.has(au)) return 'NOT_AUTHORIZED'
  if (!s.members.has(b.member)) return 'UNKNOWN_MEMBER'
  const tooLong = (l: string[]): boolean => l.length > MAX_LISTING_ENTRIES || l.some((x) => codePoints(x) > MAX_LISTING_CHARS)
  if (tooLong(b.offers) || tooLong(b.wants)) return 'TOO_LONG'
  if (!run) return null
  if (b.offers.length === 0 && b.wants.length === 0) s.listings.delete(b.member)
  else s.listings.set(b.member, { offers: [...b.offers], wants: [...b.wants] })
  return null
}
