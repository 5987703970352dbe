/**
 * Read models for the interfaces (SPEC §7): plain JSON-ready objects built from a replay, with
 * confirmed (final) and pending (tentative) figures kept apart. Amounts in cents.
 */
import { HypergasError } from '../errors.js'
import { bookingsOpen, quorum, countCurrent, memberName, recoveryKey, type GroupState, type Movement, type Purchase, type Supplier } from '../fold/state.js'
import { finishedStateHash as hashOf } from '../fold/hash.js'
import { countMembers, recoveryQuorum } from '../fold/fold.js'
import { foldedName, isHexId, nameKey, type ActId, type MemberId, type PurchaseId } from '../ids.js'
import type { LogEntry, Replay } from '../merge/replay.js'
import { recoveryNeeded } from '../merge/removals.js'
import type { ActBody, SignedAct } from '../acts/types.js'
import { memberOrders, orderView } from './order-views.js'
import { fold } from './directory.js'
import { latinLookalikes } from './confusables.js'
import type { ActCounts, AdminPresence, FinalityView, GroupView, MemberOrderView, PurchaseSummary, PurchaseView, RecoveryView, Totals } from './dto.js'

export type { RecoveryView } from './dto.js'
export { resolveTransfer, transfersView } from './transfer-views.js'

/** Ids of final acts in a replay. */
function finalIds (v: Replay): Set<ActId> {
  const s = new Set<ActId>()
  for (let i = 0; i < v.finalCount; i++) s.add(v.entries.actId(i))
  return s
}

function rolesOf (s: GroupState, id: MemberId): string[] {
  return [...(s.referenti.has(id) ? ['referente'] : []), ...(s.cassieri.has(id) ? ['cassiere'] : [])]
}

/** A name without its accents, apostrophes, hyphens and spaces, and with Latin letters for their Cyrillic and Greek lookalikes, for a look-up: "Nicolò" → "nicolo", "D’Angelo", "D'Angelo", "D Angelo" → "dangelo", "Маrta" (Cyrillic М) → "marta" (an interface's folding, not the fold's). */
export function unaccented (name: string): string {
  return fold(foldedName(latinLookalikes(name))).replace(/['\u2018\u2019\u02BC\u0060\u00B4\s-]/g, '')
}

/** Refuses before signing a registration whose name reads as a current member's without accents, apostrophes, hyphens, spaces and case
 * ("Niccolo" beside Niccolò: typed so it names either). @throws HypergasError NAME_TAKEN `lookalike` (SPEC §4; the fold's rule: case only) */
export function refuseLookalikeName (s: GroupState, b: ActBody): void {
  if (b.type !== 'VoteRegisterMember') return
  const bare = unaccented(b.name)
  const m = bare === '' ? undefined : [...s.members.values()].find((x) => x.id !== b.member && nameKey(x.name) !== nameKey(b.name) && unaccented(x.name) === bare)
  if (m !== undefined) throw HypergasError.REJECTED('NAME_TAKEN', `"${b.name}" reads as ${m.name}, already a member, without accents, apostrophes, hyphens and spaces: choose a name that tells them apart`, { variant: 'lookalike', member: m.name, input: b.name.slice(0, 64) })
}

/**
 * The member named `typed`: by the name's key ({@link nameKey}), else the one member whose name
 * reads the same without accents ("nicolo" for Nicolò, as a keyboard without them types it);
 * undefined for none, or for two that differ only in their accents.
 */
export function memberByName (s: GroupState, typed: string): MemberId | undefined {
  const exact = s.memberNames.get(nameKey(typed))
  if (exact !== undefined) return exact
  const want = unaccented(nameKey(typed))
  if (want === '') return undefined
  const hits = [...s.members.values()].filter((m) => unaccented(m.name) === want)
  return hits.length === 1 ? hits[0].id : undefined
}

/**
 * Finds a member by full id, unique id prefix (≥ 4 chars) or name (case-insensitive, and without
 * accents when that names one member), SPEC §3.
 * @throws HypergasError NOT_FOUND when nothing or more than one member matches
 */
export function resolveMember (s: GroupState, ref: string): MemberId {
  const r = nameKey(ref)
  if (s.members.has(r as MemberId)) return r as MemberId
  const byName = memberByName(s, ref)
  // Former admins who are no members any more: their cash stays on the books under their name
  // (SPEC §4 Cash), so `settle` and `statement --cash` still find them, by id or by that name;
  // and former members with a statement, which the treasurer still reads (SPEC §4 invariant 3).
  const former = [...new Set([...s.cash.keys(), ...s.statements.keys()])].filter((k) => !s.members.has(k)).sort()
  const hits = ID_PREFIX.test(r) ? [...s.members.keys(), ...former].filter((k) => k.startsWith(r) && k !== byName) : []
  // A name that is also the start of someone else's id names two members: money must not guess.
  if (byName !== undefined && hits.length === 0) return byName
  if (byName !== undefined) hits.unshift(byName)
  if (hits.length === 1) return hits[0]
  if (hits.length > 1) {
    throw ambiguous(s, ref, hits)
  }
  const formerByName = unaccented(r) === '' ? [] : former.filter((k) => unaccented(nameKey(s.registrations.get(k)?.name ?? '')) === unaccented(r))
  if (formerByName.length === 1) return formerByName[0]
  if (formerByName.length > 1) throw ambiguous(s, ref, formerByName)
  // A full key that is not (yet) a member is still a valid reference for registration.
  if (isHexId(r)) return r as MemberId
  // "56": an id is found by 4 characters or more (fewer would name members by chance).
  if (/^[0-9a-f]{1,3}$/.test(r) && [...s.members.keys()].some((k) => k.startsWith(r))) throw HypergasError.NOT_FOUND(`no member "${ref}": an id is found by its first 4 characters or more`, 'memberShortId', ref)
  throw HypergasError.NOT_FOUND(`no member "${ref}"`, 'member', ref)
}

/** The first characters (4 to 63) of an id: what finds a member or a purchase by id. */
const ID_PREFIX = /^[0-9a-f]{4,63}$/

/** NOT_FOUND for a reference `ref` that names several members or purchases: the first five `named` (name and the start of the id), and what to type. */
function manyFound (ref: string, variant: 'members' | 'purchases', named: string[], hint: string): HypergasError {
  const shown = named.slice(0, 5)
  return HypergasError.NOT_FOUND(`"${ref}" matches ${named.length} ${variant}: ${shown.join(', ')}${named.length > 5 ? ', …' : ''}; ${hint}`, variant, ref, { shown, matches: named.length })
}

/** NOT_FOUND for a reference that names several members (former admins among them). */
function ambiguous (s: GroupState, ref: string, hits: MemberId[]): HypergasError {
  return manyFound(ref, 'members', hits.map((k) => `${s.members.get(k)?.name ?? s.registrations.get(k)?.name ?? ''} (${k.slice(0, 8)})`), 'type more characters or the name')
}

/** The registered supplier (SPEC §4.7) a purchase's supplier name names (case and outer spaces ignored), if any. */
export function registeredSupplier (s: GroupState, name: string | undefined): Supplier | undefined {
  if (name === undefined) return undefined
  const id = s.supplierNames.get(nameKey(name))
  return id === undefined ? undefined : s.suppliers.get(id)
}

/**
 * Finds a purchase by id, unique id prefix, name (an open one first), or the first characters of
 * one open purchase's name, in any case ({@link foldedName}).
 * @throws HypergasError NOT_FOUND
 */
export function resolvePurchase (s: GroupState, ref: string): PurchaseId {
  const r = nameKey(ref)
  if (s.purchases.has(r as PurchaseId)) return r as PurchaseId
  const open = s.openPurchaseNames.get(r)
  if (open !== undefined) return open
  const named = [...s.purchases.values()].filter((p) => foldedName(p.name) === r)
  if (named.length === 1) return named[0].id
  // One name, several purchases none of them open (a supplier ordered from every month): which one is for the id to say.
  if (named.length > 1 && !ID_PREFIX.test(r)) throw manyFound(ref, 'purchases', named.map((p) => `${p.name} (${p.id.slice(0, 8)})`), 'type the first characters of its id')
  if (ID_PREFIX.test(r)) {
    const hits = [...s.purchases.keys()].filter((k) => k.startsWith(r))
    if (hits.length === 1) return hits[0]
  }
  // The first characters of one open purchase's name ("cascina dic" for Cascina Dicembre).
  const start = foldedName(ref)
  const begun = start === '' ? [] : [...s.purchases.values()].filter((p) => p.phase === 'open' && foldedName(p.name).startsWith(start))
  if (begun.length === 1) return begun[0].id
  if (isHexId(r)) return r as PurchaseId
  throw HypergasError.NOT_FOUND(`no purchase "${ref}" (or more than one)`, 'purchase', ref)
}

/** A member without their movements: what lists of members show. */
export type MemberSummary = Omit<MemberView, 'statement' | 'cashMovements'>

/**
 * One member: credit (confirmed and with pending acts), roles, cash if admin; a former admin who
 * is no member any more, with their cash still on the books, as `Bruno (485b3d31)` with no credit
 * and no roles. @throws HypergasError NOT_FOUND
 */
export function memberSummary (v: Replay, id: MemberId): MemberSummary {
  // A former admin (cash on the books) or former member (a statement) reads as one with no credit.
  const m = v.state.members.get(id) ?? (v.state.cash.has(id) || v.state.statements.has(id) ? { id, name: memberName(v.state, id) ?? id.slice(0, 8), creditCents: 0 } : undefined)
  if (m === undefined) throw HypergasError.NOT_FOUND(`no member ${id.slice(0, 8)}…`, 'member', `${id.slice(0, 8)}…`)
  return {
    id,
    name: m.name,
    roles: rolesOf(v.state, id),
    creditCents: m.creditCents,
    confirmedCreditCents: v.confirmed.members.get(id)?.creditCents ?? 0,
    cashCents: v.state.cash.get(id) ?? null,
    limits: { overdraftCents: v.state.limits.get(id)?.overdraftCents ?? 0, ceilingCents: v.state.limits.get(id)?.ceilingCents ?? 0 }
  }
}

/** Every member, sorted by name. */
export function membersView (v: Replay): MemberSummary[] {
  return [...v.state.members.values()]
    .sort((a, b) => a.name.localeCompare(b.name, 'it') || (a.id < b.id ? -1 : 1))
    .map((m) => memberSummary(v, m.id))
}

/**
 * One line of a statement (SPEC §4 invariant 3): a movement of credit or cash, with `final`
 * (confirmed), its act's time and, for people, the purchase's name, the other admin's name
 * (settlements) and a withdrawal's reason (when the act is at hand). Amounts in cents.
 */
export interface StatementLine extends Movement {
  final: boolean
  /** The act's own time, ms since the epoch (display only), or null when unknown. */
  timeMs: number | null
  purchaseName: string | null
  counterpartName: string | null
  /** Why, in the act's words: a withdrawal's reason, a transfer's memo, a shared cost's label. */
  reason: string | null
}

/** A member with their statement and, for a current or former admin, their cash movements. */
export interface MemberView {
  id: MemberId
  name: string
  roles: string[]
  creditCents: number
  confirmedCreditCents: number
  /** Cash the member holds for the group, cents; null for a member who was never an admin. */
  cashCents: number | null
  statement: StatementLine[]
  cashMovements?: StatementLine[]
  /** What the member offers and looks for (SPEC §4.7); null when they have no listing. */
  listing?: { offers: string[], wants: string[] } | null
  /** Their commitments in every purchase, the latest first (SPEC §7). */
  orders?: MemberOrderView[]
  /** The credit limits the admins set for them (SPEC §4.6), cents: how far below zero, and the most they may hold (0: none). */
  limits?: { overdraftCents: number, ceilingCents: number }
}

/** What a movement's act says of why: a withdrawal's reason, a transfer's memo, a shared cost's label; null when nothing. */
function movementReason (v: Replay, b: ActBody | undefined): string | null {
  const text = b?.type === 'Withdraw' ? b.reason : b?.type === 'Transfer' ? b.memo : b?.type === 'AcceptTransfer' ? v.state.transfers.get(b.transfer)?.memo : b?.type === 'AddCost' ? b.label : ''
  return text === undefined || text === '' ? null : text
}

function movementLines (v: Replay, list: Movement[] | undefined, read: ReadonlyMap<ActId, SignedAct>): StatementLine[] {
  const fin = finalIds(v)
  const wanted = new Set((list ?? []).map((m) => m.actId))
  /** Log position of each movement's act (the last one, as a Map built from the log keeps). */
  const at = new Map<ActId, number>()
  for (let i = 0; i < v.entries.length; i++) if (wanted.has(v.entries.actId(i))) at.set(v.entries.actId(i), i)
  return (list ?? []).map((m) => {
    const i = at.get(m.actId)
    const body = ((i === undefined ? undefined : v.entries.act(i)) ?? read.get(m.actId))?.body
    return {
      ...m,
      final: fin.has(m.actId),
      timeMs: i === undefined ? null : v.entries.timeMs(i),
      purchaseName: m.purchase === undefined ? null : v.state.purchases.get(m.purchase)?.name ?? null,
      counterpartName: m.counterpart === undefined ? null : memberName(v.state, m.counterpart),
      reason: movementReason(v, body)
    }
  })
}

/**
 * The log entries of a member's movements whose act is not in memory (restored from a
 * checkpoint): read them back (GasNode.readActs) and pass them to {@link memberView}.
 */
export function unreadMovementEntries (v: Replay, id: MemberId): LogEntry[] {
  const wanted = new Set([...(v.state.statements.get(id) ?? []), ...(v.state.cashMovements.get(id) ?? [])].map((m) => m.actId))
  const out: LogEntry[] = []
  for (let i = 0; i < v.entries.length; i++) if (wanted.has(v.entries.actId(i)) && v.entries.act(i) === undefined) out.push(v.entries.at(i))
  return out
}

/**
 * A member with their statement (movements with running balance, each marked final or not) and,
 * for an admin, their cash movements. `read` holds acts read back for {@link unreadMovementEntries}.
 */
export function memberView (v: Replay, id: MemberId, read: ReadonlyMap<ActId, SignedAct> = new Map()): MemberView {
  return {
    ...memberSummary(v, id),
    statement: movementLines(v, v.state.statements.get(id), read),
    cashMovements: v.state.cash.has(id) ? movementLines(v, v.state.cashMovements.get(id), read) : undefined,
    listing: v.state.listings.get(id) ?? null,
    orders: memberOrders(v.state, id)
  }
}

function purchaseSummary (v: Replay, p: Purchase): PurchaseSummary {
  let [committed, approved] = [0, 0]
  const registered = registeredSupplier(v.state, p.supplier)
  for (const c of p.commitments.values()) {
    if (c.status !== 'rejected') committed += c.amountCents
    if (c.status === 'approved') approved += c.amountCents
  }
  return {
    id: p.id,
    name: p.name,
    supplier: p.supplier ?? null,
    supplierId: registered?.id ?? null,
    supplierVatNumber: registered?.vatNumber ?? null,
    supplierContacts: registered?.contacts ?? null,
    owner: p.owner,
    ownerName: memberName(v.state, p.owner),
    phase: p.phase,
    confirmedPhase: v.confirmed.purchases.get(p.id)?.phase ?? null,
    committedCents: committed,
    approvedCents: approved,
    paidCents: p.paidCents,
    bookingsOpen: bookingsOpen(p),
    closesAtMs: p.dates?.closesAtMs || null,
    deliveryAtMs: p.dates?.deliveryAtMs || null,
    closeVotes: countCurrent(v.state, p.closeVotes),
    failVotes: countCurrent(v.state, p.failVotes),
    quorum: quorum(v.state.admins.size)
  }
}

/** Every purchase, open ones first, then by name. */
export function purchasesView (v: Replay): PurchaseSummary[] {
  const rank = { open: 0, closed: 1, failed: 2 }
  return [...v.state.purchases.values()]
    .sort((a, b) => rank[a.phase] - rank[b.phase] || a.name.localeCompare(b.name, 'it') || (a.id < b.id ? -1 : 1))
    .map((p) => purchaseSummary(v, p))
}

/** One purchase with its commitments. @throws HypergasError NOT_FOUND */
export function purchaseView (v: Replay, id: PurchaseId): PurchaseView {
  const p = v.state.purchases.get(id)
  if (p === undefined) throw HypergasError.NOT_FOUND(`no purchase ${id.slice(0, 8)}…`, 'purchase', `${id.slice(0, 8)}…`)
  const cp = v.confirmed.purchases.get(id)
  return {
    ...purchaseSummary(v, p),
    notes: p.notes ?? null,
    order: orderView(v.state, p),
    commitments: [...p.commitments.values()]
      .map((c) => ({
        member: c.member,
        name: memberName(v.state, c.member) ?? c.member.slice(0, 8),
        amountCents: c.amountCents,
        status: c.status,
        confirmedStatus: cp?.commitments.get(c.member)?.status ?? null,
        confirmedAmountCents: cp?.commitments.get(c.member)?.amountCents ?? null
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'it'))
  }
}

/**
 * What confirmation waits for (SPEC §5): blocks confirmed, the admins whose acknowledgement is
 * missing, writers frozen by their removal, and how many blocks the merge ignored.
 */
export function finalityView (v: Replay, presence: AdminPresence = NOBODY): FinalityView {
  const name = (id: MemberId): string | null => memberName(v.state, id)
  return {
    blocks: v.blocks,
    finalBlocks: v.finalBlocks,
    waitingFor: v.waitingFor.map((id) => ({ id, name: name(id) })),
    frozen: v.freezes.map((f) => ({ feed: f.feed, name: name(f.feed), length: f.length, by: f.by, byMembers: f.byMembers, adminAgain: v.state.admins.has(f.feed) })),
    ignoredBlocks: v.ignored.length,
    recovery: recoveryView(v, presence)
  }
}

/** Nothing known beyond the log (a lone replay: tests, a view without a node). */
const NOBODY: AdminPresence = { notGone: new Set(), forked: new Set() }

/**
 * The recoveries the members may need to vote, one per admin waited for (see {@link RecoveryView}),
 * but for the admins `presence` knows to be there (connected to the node, or the node's own), who
 * are refused a vote against them (ADMIN_ONLINE); each says whether the admin's feed forked.
 */
export function recoveryView (v: Replay, presence: AdminPresence = NOBODY): RecoveryView[] {
  const s = v.state
  return v.waitingFor.filter((id) => (!s.admins.has(id) || s.admins.size <= 2) && !presence.notGone.has(id)).map((id) => {
    const voters = s.tallies.get(recoveryKey(id))?.voters ?? new Set<MemberId>()
    // The merge's own counts when the node gives them; a lone replay counts every current member.
    const c = presence.recoveryCount?.(id, voters)
    const needed = c === undefined ? recoveryQuorum(s, v.confirmed) : recoveryNeeded(c)
    return { admin: id, name: memberName(s, id), votes: c?.votes ?? countMembers(s, voters), needed, eligible: c?.eligible ?? s.members.size - 1, forked: presence.forked.has(id), started: presence.started?.(id) ?? true }
  })
}

/** Counts of the log: acts, applied, rejected, final. */
export function actCounts (v: Replay): ActCounts {
  return {
    total: v.logLength,
    applied: v.state.appliedCount,
    rejected: v.logLength - v.state.appliedCount,
    final: v.finalCount,
    pending: v.logLength - v.finalCount,
    blocks: v.blocks,
    finalBlocks: v.finalBlocks
  }
}

/**
 * The totals of invariant 1 (SPEC §4), cents: Σ credits + Σ non-rejected commitments of open
 * purchases, against Σ cash of all admins past and present; `hold` when they are equal.
 */
export function totalsView (s: GroupState): Totals {
  let credits = 0
  let open = 0
  let cash = 0
  for (const m of s.members.values()) credits += m.creditCents
  for (const p of s.purchases.values()) {
    if (p.phase !== 'open') continue
    for (const c of p.commitments.values()) if (c.status !== 'rejected') open += c.amountCents
  }
  for (const c of s.cash.values()) cash += c
  return { creditsCents: credits, openCommitmentsCents: open, cashCents: cash, hold: credits + open === cash }
}

/** Group, admins with cash, totals, finality (`presence`: see {@link recoveryView}), state hashes. */
export function groupView (v: Replay, presence: AdminPresence = NOBODY): GroupView {
  const s = v.state
  return {
    totals: totalsView(s),
    groupId: s.groupId,
    name: s.groupName,
    admins: [...s.cash.keys()].sort().map((id) => ({
      id,
      name: memberName(s, id),
      roles: rolesOf(s, id),
      current: s.admins.has(id),
      cashCents: s.cash.get(id)!,
      confirmedCashCents: v.confirmed.cash.get(id) ?? 0
    })),
    quorum: quorum(s.admins.size),
    members: s.members.size,
    acts: actCounts(v),
    stateHash: hashOf(s),
    confirmedStateHash: hashOf(v.confirmed),
    finality: finalityView(v, presence)
  }
}
