/**
 * The ordered log as the interfaces show it (SPEC §7 `log`): each act with its author, the member
 * (or payer) and payee it is about, its purchase and amount, its result and whether it is
 * confirmed; and the blocks the merge ignored.
 */
import type { ActBody, SignedAct } from '../acts/types.js'
import { HypergasError } from '../errors.js'
import { memberName, type GroupState, type PendingTransfer } from '../fold/state.js'
import type { ActId, MemberId, PurchaseId } from '../ids.js'
import type { Replay } from '../merge/replay.js'

/** One entry of the ordered log as the interfaces show it (SPEC §7 `log`). */
export interface LogEntryView {
  seq: number
  actId: ActId
  /** The act's type; null when its block did not decode. */
  type: ActBody['type'] | null
  author: MemberId | null
  authorName: string | null
  /** The member the act is about (for a registration: the name proposed), the admin a settlement came from, or a transfer's payer. */
  memberName: string | null
  /** A transfer's payee (Transfer, AcceptTransfer, CancelTransfer); else null. */
  payeeName: string | null
  /** An approval or a rejection of a booking (its purchase has a catalogue, SPEC §4.5), which the journal names as such. */
  booking: boolean
  /** A transfer cancelled by a party to it ({@link cancelKind}); null for any other act, or an admin's cancel. */
  cancel: 'withdrawn' | 'refused' | null
  /** The act's amount, cents: its own (negative for a shared discount), the transfer's it accepts or cancels, what a close paid, what a booking or a delivery took from the member's credit (negative: gave back); null when it has none. */
  cents: number | null
  purchaseName: string | null
  /** The product a SetPrice prices, by its catalogue name; else null. */
  productName: string | null
  timeMs: number | null
  feed: MemberId
  index: number
  L: number
  /** 'applied', 'duplicate', a rejection code or a decode refusal code. */
  status: string
  final: boolean
  body: ActBody | null
}

/** A page of the ordered log, with the blocks the merge ignored. */
export interface LogView {
  total: number
  finalCount: number
  offset: number
  /**
   * Which replay the page was read from (opaque): pages of one version are one log. Between
   * pages of another version the tentative entries may have moved ({@link readWholeLog}).
   */
  version: string
  entries: LogEntryView[]
  ignored: IgnoredBlockView[]
}

/**
 * A block the merge ignored (SPEC §5: a non-writer's, or past a freeze): its feed (and the name
 * of its owner), position, why, and its acts as the journal describes them (none for a block this
 * node did not read), so that an admin sees what is not in the books: a deposit written on a
 * laptop whose feed forked must be taken again.
 */
export interface IgnoredBlockView {
  feed: MemberId
  feedName: string | null
  index: number
  L: number
  reason: string
  actIds: ActId[]
  acts: Array<ActSubject & { type: ActBody['type'] }>
}

const nameOf = (s: GroupState, id: MemberId): string => memberName(s, id) ?? id.slice(0, 8)

/** The transfer an AcceptTransfer or CancelTransfer names, when the state knows it. */
const transferOf = (s: GroupState, b: ActBody): PendingTransfer | undefined => (b.type === 'AcceptTransfer' || b.type === 'CancelTransfer' ? s.transfers.get(b.transfer) : undefined)

/** {@link cancelKind} of the transfer `b` names, when the state knows it. */
const cancelKindOf = (s: GroupState, b: ActBody, author: MemberId): 'withdrawn' | 'refused' | null => { const x = transferOf(s, b); return x === undefined ? null : cancelKind(x, author) }

/**
 * How a party cancelled transfer `x` (SPEC §4.6): `withdrawn` by who asked for it, `refused` by
 * the other side; null when `author` is neither party (an admin cancelled it for them).
 */
export function cancelKind (x: PendingTransfer, author: MemberId): 'withdrawn' | 'refused' | null {
  return author !== x.from && author !== x.to ? null : author === x.initiator ? 'withdrawn' : 'refused'
}

/** The name an act's member (or `from`, a transfer's payer) goes by; a registration's proposed name; a supplier's. */
function memberNameOf (s: GroupState, b: ActBody): string | null {
  if (b.type === 'VoteRegisterMember' || b.type === 'RegisterSupplier') return b.name
  const id = 'member' in b ? b.member : 'from' in b ? b.from : transferOf(s, b)?.from ?? null
  return id === null ? null : nameOf(s, id)
}

/** A transfer's payee, for the acts of a transfer. */
function payeeNameOf (s: GroupState, b: ActBody): string | null {
  const id = b.type === 'Transfer' ? b.to : transferOf(s, b)?.to
  return id === undefined ? null : nameOf(s, id)
}

/** What an act is about as the interfaces name it: its member (or payer), payee, amount (cents) and purchase, against state `s`. */
export interface ActSubject { memberName: string | null, payeeName: string | null, cents: number | null, purchaseName: string | null, productName: string | null }

/** What the supplier was paid for purchase `id` (cents), once it is closed; else null. */
export function paidFor (s: GroupState, id: PurchaseId): number | null {
  const p = s.purchases.get(id)
  return p?.phase === 'closed' ? p.paidCents : null
}

/**
 * What act `actId` took from `member`'s credit, cents (negative: what it gave back, as a
 * delivery smaller than the booking), read off their statement (SPEC §4 invariant 3); null when
 * the member is gone from the state or the act moved nothing.
 */
export function creditTaken (s: GroupState, member: MemberId, actId: ActId): number | null {
  const m = s.statements.get(member)?.find((x) => x.actId === actId)
  return m === undefined ? null : -m.deltaCents
}

/** {@link ActSubject} of body `b` against state `s`. */
export function actSubject (s: GroupState, b: ActBody): ActSubject {
  return {
    memberName: memberNameOf(s, b),
    payeeName: payeeNameOf(s, b),
    cents: 'cents' in b ? b.cents : b.type === 'SetPrice' ? b.priceCents : transferOf(s, b)?.cents ?? null,
    purchaseName: b.type === 'OpenPurchase' ? b.name : 'purchase' in b ? s.purchases.get(b.purchase)?.name ?? null : null,
    productName: b.type === 'SetPrice' ? s.purchases.get(b.purchase)?.order?.products.get(b.product)?.name ?? b.product : null
  }
}

/**
 * The ordered log (SPEC §7 `log`), paged. Entries restored from a checkpoint carry no act:
 * `read` holds those acts, read back from their blocks (see GasNode.readActs); `actsOf` gives
 * the decoded acts of an ignored block (the graph's).
 */
export function logView (v: Replay, offset = 0, limit = 100, read: ReadonlyMap<ActId, SignedAct> = new Map(), actsOf: (feed: MemberId, index: number) => readonly SignedAct[] = () => [], version = ''): LogView {
  const entries = v.entries.slice(offset, offset + limit).map((e): LogEntryView => {
    const act = e.act ?? read.get(e.actId)
    const b = act?.body
    return {
      seq: e.seq,
      actId: e.actId,
      type: b?.type ?? null,
      author: act?.author ?? null,
      authorName: act === undefined ? null : memberName(v.state, act.author),
      ...(b === undefined ? { memberName: null, payeeName: null, cents: null, purchaseName: null, productName: null } : actSubject(v.state, b)),
      booking: (b?.type === 'ApproveCommitment' || b?.type === 'RejectCommitment') && v.state.purchases.get(b.purchase)?.order !== undefined,
      cancel: b?.type === 'CancelTransfer' && act !== undefined ? cancelKindOf(v.state, b, act.author) : null,
      // A shared discount gives back: negative, so that the journal and its CSV tell it from a cost.
      ...(b?.type === 'AddCost' && b.discount ? { cents: -b.cents } : {}),
      // What a close paid belongs to the close that applied, not to one refused before it.
      ...(b?.type === 'ClosePurchase' && e.status === 'applied' ? { cents: paidFor(v.state, b.purchase) } : {}),
      // A booking or a delivery carries no amount: it is what the act took from the member's credit.
      ...((b?.type === 'Book' || b?.type === 'Deliver') && e.status === 'applied' ? { cents: creditTaken(v.state, b.member, e.actId) } : {}),
      timeMs: e.timeMs,
      feed: e.feed,
      index: e.index,
      L: e.L,
      status: e.status,
      final: e.final,
      body: b ?? null
    }
  })
  const ignored = v.ignored.map((b): IgnoredBlockView => ({
    feed: b.feed,
    feedName: memberName(v.state, b.feed),
    index: b.index,
    L: b.L,
    reason: b.reason,
    actIds: b.actIds,
    acts: actsOf(b.feed, b.index).map((a) => ({ type: a.body.type, ...actSubject(v.state, a.body) }))
  }))
  return { total: v.logLength, finalCount: v.finalCount, offset, version, entries, ignored }
}

/** Entries per page {@link readWholeLog} asks for (the API's largest page). */
const PAGE = 1000
/** Rounds {@link readWholeLog} reads before giving up: each starts after the entries known final. */
const ROUNDS = 50

/**
 * Every entry of the log as one replay showed it, read in pages (SPEC §7 `export`). Pages of one
 * {@link LogView.version} belong together; when acts arrive between two pages the version changes,
 * the entries already read that were final are kept (final entries do not change, SPEC §5) and the
 * rest is read again, from the last entry kept, which must read the same, else all is read again
 * (only that one is compared: a confirmed entry changed further back, as a member's recovery vote
 * on both sides of a partition can, docs/ordering.md §5, is not seen). A node too old to say its
 * version is taken by its counts of entries (two replays with the same counts then pass for one).
 * Without this, an export taken while a sync confirmed acts held some acts twice and lacked others.
 * @throws HypergasError BUSY when the log changed between pages in each of 50 rounds
 * @throws what `read` throws (the node stopped: NOT_RUNNING)
 */
export async function readWholeLog (read: (offset: number, limit: number) => Promise<LogView>): Promise<LogEntryView[]> {
  const entries: LogEntryView[] = []
  for (let round = 0; round < ROUNDS; round++) {
    let version: string | null = null
    let again = false
    const overlap = entries.length > 0 ? 1 : 0
    for (let offset = entries.length - overlap; ;) {
      const page = await read(offset, PAGE)
      const v = typeof page.version === 'string' ? page.version : `${page.total} ${page.finalCount}`
      if (version === null) {
        version = v
        if (overlap === 1 && (page.entries[0]?.actId !== entries[entries.length - 1].actId || page.finalCount < entries.length)) { again = true; break }
        entries.push(...page.entries.slice(overlap))
      } else if (v !== version) break
      else entries.push(...page.entries)
      offset += page.entries.length
      if (entries.length >= page.total || page.entries.length === 0) return entries
    }
    let kept = 0
    while (!again && kept < entries.length && entries[kept].final) kept++
    entries.length = kept
  }
  throw new HypergasError('BUSY', `the log changed between its pages ${ROUNDS} times: read it again when fewer acts arrive`)
}
