/**
 * What the node shows to whoever is not an admin (SPEC §7 "Who may read and act over HTTP"):
 * the group's public face (its name and open purchases, without who committed what) and, for a
 * member who proved who they are, the same with their own commitment and what their page needs
 * to sign acts. Everything personal stays in src/api/views.ts behind the admin's credentials.
 */
import { HypergasError } from '../errors.js'
import { foldedName, nameKey, type MemberId, type PurchaseId } from '../ids.js'
import { bookingsOpen, memberName, type Purchase } from '../fold/state.js'
import type { Replay } from '../merge/replay.js'
import type { ProductSpec } from '../acts/types.js'
import type { AdminPresence, BookingView } from './dto.js'
import { bookingView } from './order-views.js'
import { recoveryView, type RecoveryView } from './views.js'

/** A member's own commitment to a purchase, cents. */
export interface OwnCommitment {
  amountCents: number
  status: 'pending' | 'approved' | 'rejected'
  /** Its status in the confirmed state; null while the commitment itself is not confirmed. */
  confirmedStatus: 'pending' | 'approved' | 'rejected' | null
}

/** An open purchase as any device on the LAN sees it: no member, no amount of anyone's. */
export interface PublicPurchase {
  id: PurchaseId
  name: string
  supplier: string | null
  notes: string | null
  /** The referente who opened it, by name (whom to ask). */
  ownerName: string | null
  phase: 'open'
  /** The viewer's own commitment (member sessions only; null when none or not a member). */
  mine: OwnCommitment | null
  /** The catalogue (public, SPEC §7), for a purchase with one; null for a free-amount purchase. */
  products: ProductSpec[] | null
  /** Whether it takes bookings (a catalogue's) or commitments (a free amount's) now: CloseBookings ends them. */
  bookingsOpen: boolean
  /** When the bookings close and the goods arrive, ms since the epoch; null when not set. */
  closesAtMs: number | null
  deliveryAtMs: number | null
  /** The viewer's own booking, booked vs delivered (member sessions only). */
  myBooking: BookingView | null
}

/** The group as any device sees it; `member` adds what a logged-in member's page needs. */
export interface PublicStatus {
  group: { name: string }
  /** Present for a member who proved who they are (link or key); null otherwise. */
  member: {
    id: MemberId
    name: string
    /** The group id (64 hex): the member's page signs acts with it. */
    groupId: string
    /** Admins confirmation waits for, by name. */
    waitingFor: Array<string | null>
    /** Admins the members may vote out (SPEC §5 never stuck); ids, since the vote names one. */
    recovery: RecoveryView[]
  } | null
}

function publicPurchase (v: Replay, p: Purchase, me: MemberId | null): PublicPurchase {
  const c = me === null ? undefined : p.commitments.get(me)
  const cc = me === null ? undefined : v.confirmed.purchases.get(p.id)?.commitments.get(me)
  return {
    id: p.id,
    name: p.name,
    supplier: p.supplier ?? null,
    notes: p.notes ?? null,
    ownerName: memberName(v.state, p.owner),
    phase: 'open',
    mine: c === undefined ? null : { amountCents: c.amountCents, status: c.status, confirmedStatus: cc?.status ?? null },
    products: p.order === undefined ? null : [...p.order.products.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
    bookingsOpen: bookingsOpen(p),
    closesAtMs: p.dates?.closesAtMs || null,
    deliveryAtMs: p.dates?.deliveryAtMs || null,
    myBooking: me === null || p.order?.bookings.get(me) === undefined ? null : bookingView(v.state, p, me, p.order.bookings.get(me)!)
  }
}

/**
 * The group's name and, for `me`, the member's page essentials (`presence`: what the node knows
 * of the admins, {@link recoveryView}).
 * @throws HypergasError NOT_FOUND when `me` is not a member
 */
export function publicStatus (v: Replay, me: MemberId | null, presence?: AdminPresence): PublicStatus {
  if (me === null) return { group: { name: v.state.groupName }, member: null }
  const m = v.state.members.get(me)
  if (m === undefined) throw HypergasError.NOT_FOUND('you are no longer a member of this group', 'gone')
  return {
    group: { name: v.state.groupName },
    member: {
      id: me,
      name: m.name,
      groupId: v.state.groupId ?? '',
      waitingFor: v.waitingFor.map((id) => memberName(v.state, id)),
      recovery: recoveryView(v, presence)
    }
  }
}

/** Open purchases, by name, with `me`'s own commitment when given. */
export function publicPurchases (v: Replay, me: MemberId | null): PublicPurchase[] {
  return [...v.state.purchases.values()]
    .filter((p) => p.phase === 'open')
    .sort((a, b) => a.name.localeCompare(b.name, 'it') || (a.id < b.id ? -1 : 1))
    .map((p) => publicPurchase(v, p, me))
}

/**
 * One open purchase by id, unique id prefix (≥ 4 chars) or name (any case), looked up among the
 * open purchases only: a closed purchase and one that never existed answer the same.
 * @throws HypergasError NOT_FOUND
 */
export function publicPurchaseView (v: Replay, ref: string, me: MemberId | null): PublicPurchase {
  const r = ref.trim()
  const open = [...v.state.purchases.values()].filter((p) => p.phase === 'open')
  const byName = open.filter((p) => foldedName(p.name) === nameKey(r))
  const byId = /^[0-9a-f]{4,64}$/.test(r) ? open.filter((p) => p.id.startsWith(r)) : []
  const hits = byId.length === 1 ? byId : byName
  if (hits.length !== 1) throw HypergasError.NOT_FOUND(`no open purchase "${r.slice(0, 64)}" (or more than one)`, 'openPurchase', r)
  return publicPurchase(v, hits[0], me)
}
