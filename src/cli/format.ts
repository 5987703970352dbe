/**
 * Plain-text rendering of API answers for the terminal, in the user's language (SPEC §7; the
 * `--json` flag prints them as JSON instead). Amounts as `12,50 €` / `€12.50` (src/cli/i18n.ts).
 */
import { shellArg } from '../ids.js'
import type { RefusalDetails, RestoreWait } from '../errors.js'
import type { AdminCashView, BookingView, FinalityView, LineView, PurchaseSummary, PurchaseView, StatusView } from '../api/dto.js'
import type { NoticesView } from '../api/api.js'
import { noticeFigures, noticeKey, type Notice } from '../api/notices.js'
import { refusalText } from '../api/refusal-text.js'
import { receiptLines } from '../api/receipt-text.js'
import type { ActReceipt } from '../api/receipt.js'
import type { Report } from '../api/report.js'
import type { SearchHit } from '../api/directory.js'
import type { LogEntryView, LogView } from '../api/log-view.js'
import type { MemberSummary, MemberView, StatementLine } from '../api/views.js'
import { shownKind } from '../api/shown-kind.js'
import type { SyncProgress } from '../node/network/progress.js'
import type { ForkReport } from '../node/storage/datadir.js'
import { euro, lang, mailTime, quantity, t, when } from './i18n.js'
import { unitFor } from '../units.js'
import { localDayOrTime } from '../local-time.js'

const eur = (c: unknown): string => (typeof c === 'number' ? euro(c) : '-')
const mark = (final: unknown): string => t(final === true ? 'final' : 'tentative')

/** Pads columns of a table. */
export function table (rows: string[][]): string {
  const w: number[] = []
  for (const r of rows) r.forEach((c, i) => { w[i] = Math.max(w[i] ?? 0, c.length) })
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n')
}

/** `status`: group, me, acts, hashes, quorum, the totals of invariant 1, finality, admins' cash, sync, peers. */
export function status (s: StatusView): string {
  const g = s.group
  const tot = g.totals
  const current = g.admins.filter((a) => a.current).length
  const label = (k: string): string => `${t(k)} `.padEnd(11)
  const lines = [
    `${label('group')}${g.groupId === null ? t(s.restoring !== null ? 'groupNotYetRestoring' : 'groupNotYet') : `${g.name} (${g.groupId})`}`,
    `${label('me')}${s.me.name ?? t(s.restoring !== null ? 'meRestoring' : 'notMember')} ${s.me.id}${s.me.stuck !== null ? ` [${t(`stuck_${s.me.stuck}`)}]` : s.me.admin ? ` [${t('writer')}]` : ''}${s.me.lost > 0 ? `\n${label('')}${t('lostActs', { count: s.me.lost })}` : ''}${s.me.notCounted > 0 ? `\n${label('')}${t('notCountedActs', { count: s.me.notCounted })}` : ''}`,
    `${label('acts')}${t('actsLine', { ...g.acts })}`,
    `${label('stateHash')}${g.stateHash}`,
    `${label('confirmedState')}${g.confirmedStateHash}`,
    `${label('quorum')}${t('quorumLine', { quorum: g.quorum, admins: current, count: current })}`,
    `${label('totals')}${t('totalsLine', { credits: eur(tot.creditsCents), open: eur(tot.openCommitmentsCents), cash: eur(tot.cashCents), ok: t(tot.hold ? 'hold' : 'violated') })}`,
    finality(g.finality, label, g.admins, new Map(s.linkConflicts.filter((c) => c.by.feed !== c.feed).map((c) => [c.by.feed as string, c.feed as string]))),
    '',
    table([[t('admin'), t('roles'), t('cash'), t('confirmedCash')], ...g.admins.map((a) => [
      String(a.name), a.roles.join('+') || t('former'), eur(a.cashCents) + (a.cashCents < 0 ? ` ${t('owed')}` : ''), eur(a.confirmedCashCents)
    ])]),
    '',
    sync(s.sync, new Map(g.admins.map((a) => [a.id as string, a.name ?? a.id.slice(0, 8)]))),
    `${label('peers')}${s.peers.length}${s.online ? '' : ` (${t(s.running ? 'takenOffline' : 'notReplicating')})`}`,
    ...(s.peers.length === 0 ? [] : [table([[t('th_peer'), t('admin'), t('th_via'), t('th_address'), t('th_since'), t('th_received'), t('th_sent'), t('th_rules')], ...s.peers.map((p) => [
      p.publicKey.slice(0, 8), p.admin ? String(p.name) : t('notAnAdmin'), p.via, p.address, since(p.sinceMs), bytes(p.bytesReceived), bytes(p.bytesSent), p.rules === null ? '?' : String(p.rules)
    ])])]),
    // Refused (not admins): a joined laptop that waits for its election says so here.
    ...s.knocking.map((k) => `${label('knocking')}${k.name !== null ? t('knockMember', { name: k.name, arg: shellArg(k.name), since: since(k.lastMs) }) : t('knockStranger', { id: k.publicKey, since: since(k.lastMs) })}`),
    // A peer whose rules differ can compute other balances from the same acts (src/fold/rules.ts).
    ...s.peers.filter((p) => p.rules !== null && p.rules !== s.rules).map((p) => `${label('th_rules')}${t(p.rules! < s.rules ? 'rules_older' : 'rules_newer', { name: p.name ?? p.publicKey.slice(0, 8), theirs: p.rules, ours: s.rules })}`)
  ]
  const adminName = (id: string): string => s.group.admins.find((a) => a.id === id)?.name ?? id.slice(0, 8)
  for (const f of s.forks) lines.push(`${label('fork')}${forkLine(f, adminName(f.feed))}`)
  for (const name of s.doubleRecoveryVoters) lines.push(`${label('stuck')}${t('doubleRecovery', { name })}`)
  for (const c of s.linkConflicts) lines.push(t('linkConflict', { by: `${c.by.feed.slice(0, 8)}:${c.by.index}`, feed: c.feed.slice(0, 8), length: c.length }))
  if (s.restoring !== null) lines.splice(2, 0, `${label('restoring')}${restoreWait(s.restoring)}`)
  return lines.join('\n')
}

/**
 * What a node restored from a backup waits for, in the user's language: `own feed 3 of 5
 * blocks · no peer yet` (SPEC §3: it says what it waits for).
 */
export function restoreWait (w: RestoreWait): string {
  const parts = [t('rs_own', { held: w.ownHeld, known: w.ownKnown })]
  parts.push(w.peerSynced ? t('rs_peerSynced') : w.peers === 0 ? t('rs_noPeer') : t('rs_peerWait', { peers: w.peers, count: w.peers }))
  if (w.anyAdmin) parts.push(t('rs_anyAdmin'))
  else if (w.adminsWaited.length > 0) parts.push(t('rs_admins', { names: w.adminsWaited.join(', '), count: w.adminsWaited.length }))
  if (w.othersHeld < w.othersKnown) parts.push(t('rs_others', { held: w.othersHeld, known: w.othersKnown }))
  return parts.join(' · ')
}

/** A connection's age, from its start (ms since epoch): 45s, 12m, 3h. */
function since (startMs: number): string {
  const s = Math.max(0, Math.round((Date.now() - startMs) / 1000))
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`
}

/** A byte count for people: 812 B, 14.2 kB, 3.1 MB. */
function bytes (n: number): string {
  // Tenths of kB or MB in integers, written with the language's decimal separator.
  const tenths = (unit: number): string => { const x = Math.round(n * 10 / unit); return `${Math.floor(x / 10)}${lang() === 'it' ? ',' : '.'}${x % 10}` }
  return n < 1000 ? `${n} B` : n < 1e6 ? `${tenths(1e3)} kB` : `${tenths(1e6)} MB`
}

/** The sync lines of `status`: each feed and peer by its admin's name (`names`, by key) where it has one, else the start of its key. */
function sync (p: SyncProgress, names: ReadonlyMap<string, string>): string {
  const named = (key: string): string => names.get(key) ?? key.slice(0, 8)
  const feeds = table([[t('th_feed'), t('th_usable'), t('th_received'), t('th_known')], ...p.feeds.map((f) => [named(f.feed), String(f.usable), String(f.received), String(f.known)])])
  const peers = p.peers.map((x) => `  ${t('peerBlocks', { peer: named(x.peer), received: x.received, known: x.known })}`).join('\n')
  // Holding every block no peer has is no sync to speak of (a restored node before its first peer).
  const synced = !p.synced ? '' : ` ${t(p.peers.length > 0 ? 'synced' : 'syncedNoPeer')}`
  return `${feeds}\n${t('syncLine', { received: p.received, known: p.known })}${synced}${peers === '' ? '' : '\n' + peers}`
}

/** A fork of admin `name`'s feed as `status` says it (SPEC §5 Forks): where the two versions part, how much this node keeps, when it saw it. */
export function forkLine (f: ForkReport, name: string): string {
  return t('forkLine', { name, length: f.length, held: f.held, when: f.detectedAt.slice(0, 16).replace('T', ' ') })
}

/**
 * The finality lines of `status`: confirmed blocks, who confirmation waits for (with two admins or
 * fewer, none can revoke another; one whose blocks name another branch of a forked feed, by
 * `conflicted`: their feed → the forked feed, is not gone), whose block removed a writer (by name,
 * from `admins`), writers removed (frozen, or admins again), ignored blocks, the members' recovery.
 */
export function finality (f: FinalityView, label: (k: string) => string, admins: readonly AdminCashView[], conflicted: ReadonlyMap<string, string> = new Map()): string {
  const who = (r: { name: string | null, id?: string, feed?: string }): string => r.name ?? String(r.id ?? r.feed).slice(0, 8)
  const byName = (feed: string): string => admins.find((a) => a.id === feed)?.name ?? feed.slice(0, 8)
  const current = admins.filter((a) => a.current).length
  const away = f.waitingFor.filter((w) => !conflicted.has(w.id))
  const split = f.waitingFor.filter((w) => conflicted.has(w.id))
  return `${label('finality')}${t('finalityLine', { final: f.finalBlocks, blocks: f.blocks })}` +
    // With the members' recovery to explain, not the majority's removal it rules out.
    // With two admins a majority cannot revoke one (NEEDS_MEMBERS): the members' vote is the way.
    (away.length > 0 ? ` · ${t(f.recovery.length > 0 ? 'waitingForOnly' : current <= 2 ? 'waitingForTwo' : 'waitingFor', { names: away.map(who).join(', ') })}` : '') +
    // An admin whose node is there but took the other branch of a forked feed: not gone, and no vote removes them here.
    split.map((w) => ` · ${t('waitingForSplit', { name: who(w), forked: byName(conflicted.get(w.id)!) })}`).join('') +
    f.frozen.map((z) => `\n${label(z.adminAgain ? 'removedOnce' : 'frozen')}${t(z.adminAgain ? 'frozenLineAgain' : 'frozenLine', { name: who(z), length: z.length, index: z.by.index, by: byName(z.by.feed) })}`).join('') +
    (f.ignoredBlocks > 0 ? `\n${label('ignored')}${t('ignoredLine', { count: f.ignoredBlocks })}` : '') +
    f.recovery.map((r) => { const name = r.name ?? r.admin.slice(0, 8); return !r.started ? `\n${label('finality')}${t('notStarted', { name })}` : `\n${label('stuck')}${t(r.forked ? 'recoveryHintForked' : 'recoveryHint', { name, arg: shellArg(name), votes: r.votes, needed: r.needed })}` +
      // Members registered after the admin's last block count in the base but cannot vote (docs/ordering.md §5).
      // (A forked admin's backup or key file would only write on the frozen feed: no way out to offer.)
      (r.eligible < r.needed ? ` ${t('recoveryImpossible', { name, eligible: r.eligible, needed: r.needed })}${r.forked ? '' : ` ${t('recoveryWayOut', { name })}`}` : '') }).join('')
}

/** `members`. */
export function members (ms: MemberSummary[]): string {
  return table([[t('name'), t('id'), t('roles'), t('credit'), t('confirmed')], ...ms.map((m) => [
    m.name, m.id.slice(0, 8), m.roles.join('+'), eur(m.creditCents), eur(m.confirmedCreditCents)
  ])])
}

/** `balance`. */
export function balance (m: MemberSummary): string {
  const pending = m.creditCents !== m.confirmedCreditCents ? ` ${t('withPending', { amount: eur(m.creditCents) })}` : ''
  return `${t('balanceLine', { name: m.name, confirmed: eur(m.confirmedCreditCents) })}${pending}`
}

/** What one statement line is: its kind, and the other admin, the purchase or the reason. */
function movementText (l: StatementLine): string {
  const other = l.counterpartName ?? l.counterpart?.slice(0, 8) ?? null
  const extra = [other, l.purchaseName === null ? null : `"${l.purchaseName}"`, l.reason === null ? null : `(${l.reason})`]
  return [t(`k_${shownKind(l)}`), ...extra.filter((x) => x !== null)].join(' ')
}

function movementTable (list: readonly StatementLine[]): string {
  return table([[t('when'), t('what'), t('amount'), t('balance'), t('state')], ...list.map((l) => [
    when(l.timeMs), movementText(l), eur(l.deltaCents), eur(l.balanceCents), mark(l.final)
  ])])
}

/** A commitment's status as people read it: a failed purchase's commitments were refunded. */
const statusWord = (phase: PurchaseView['phase'], status: string): string => t(phase === 'failed' && status !== 'rejected' ? 'c_refunded' : `c_${status}`)

/** `statement`: the member's credit, then every movement with the running balance. */
export function statement (m: MemberView): string {
  const orders = m.orders ?? []
  const ordersTable = orders.length === 0
    ? ''
    : `\n\n${t('orders')}\n${table([[t('purchase'), t('phase'), t('status'), t('amount'), t('booking')], ...orders.map((o) => [
      o.purchaseName, t(`p_${o.phase}`), statusWord(o.phase, o.status), eur(o.amountCents), o.booking === null ? '' : bookingLines(o.booking)
    ])])}`
  return `${balance(m)}\n\n${movementTable(m.statement)}${ordersTable}`
}

/** `statement <admin> --cash`: the cash an admin holds, then every movement of it. */
export function cashStatement (m: MemberView): string {
  if (m.cashMovements === undefined || m.cashCents === null) return t('noCash', { name: m.name })
  return `${t('cashStatement', { name: m.name, amount: eur(m.cashCents) })}\n\n${movementTable(m.cashMovements)}`
}

/** `purchases`. */
export function purchases (ps: PurchaseSummary[]): string {
  return table([[t('name'), t('id'), t('owner'), t('phase'), t('committed'), t('approved'), t('votes')], ...ps.map((p) => [
    p.name, p.id.slice(0, 8), String(p.ownerName), t(`p_${p.phase}`), eur(p.committedCents), eur(p.approvedCents), `${p.closeVotes}/${p.failVotes} (${t('quorum')} ${p.quorum})`
  ])])
}

/** `products <purchase>`: the catalogue with what the group booked (and received). */
export function products (p: PurchaseView): string {
  if (p.order === null) return t('noCatalogue', { name: p.name })
  const q = (m: number | undefined | null): string => (m === undefined || m === null ? '' : quantity(m))
  return `${p.name} · ${t(`p_${p.phase}`)}${bookingsWord(p)}\n` + table([[t('key'), t('name'), t('unit'), t('price'), 'min', 'mul', 'max', t('available'), t('booked'), t('amount'), t('delivered'), t('deliveredAmount')], ...p.order.products.map((x) => [
    x.key, x.name, x.weighed === true ? t('weighedUnit', { unit: x.unit }) : x.unit, x.priceCents === 0 ? '-' : eur(x.priceCents), q(x.minQtyMilli), q(x.mulQtyMilli), q(x.maxQtyMilli), q(x.availableQtyMilli), q(x.bookedQtyMilli), x.bookedCents === 0 ? '' : eur(x.bookedCents), q(x.deliveredQtyMilli), x.deliveredCents === null ? '' : eur(x.deliveredCents)
  ])])
}

/** A booking's lines: `2 vasetto Miele 13,00 €`, what was delivered (`niente` when nothing was), its cost shares. */
export function bookingLines (b: BookingView): string {
  const show = (l: LineView): string => `${quantity(l.qtyMilli)} ${unitIn(l.unit, l.qtyMilli)} ${l.name} ${eur(l.cents)}`
  // A booking emptied of its products keeps its cost share alone (src/fold/orders.ts book).
  return (b.lines.length === 0 ? `(${t('noProducts')})` : b.lines.map(show).join('; ')) + (b.delivered === null ? '' : ` → ${t('delivered')}: ${b.delivered.length === 0 ? t('nothingDelivered') : b.delivered.map(show).join('; ')}`) + (b.costCents === 0 ? '' : ` + ${t('costs')} ${eur(b.costCents)}`)
}

/** A purchase's dates line, or nothing. */
function dates (p: PurchaseSummary): string {
  const parts = [...(p.closesAtMs === null ? [] : [`${t('closesAt')} ${when(p.closesAtMs)}`]), ...(p.deliveryAtMs === null ? [] : [`${t('deliveryAt')} ${localDayOrTime(p.deliveryAtMs)}`])]
  return parts.length === 0 ? '' : parts.join(' · ') + '\n'
}

/** A commitment's status as a purchase of phase `phase` shows it: refunded once the purchase failed (its status is kept for the record). */

/** Whether bookings are open, for a purchase still open (a closed or failed one takes none). */
const bookingsWord = (p: PurchaseView): string => (p.phase !== 'open' || (p.order === null && p.bookingsOpen) ? '' : ` · ${t(p.bookingsOpen ? 'bookingsOpen' : p.order === null ? 'commitsClosed' : 'bookingsClosed')}`)

/**
 * `purchase <ref>`. A rejected commitment or booking shows 0,00 € (it was refunded; its amount
 * stays in --json, for the record): the rows add up to what is committed, as on the page.
 */
export function purchase (p: PurchaseView): string {
  if (p.order !== null) {
    return `${p.name} (${p.id})\n${t('owner')} ${String(p.ownerName)} · ${t(`p_${p.phase}`)} · ${t('supplier')} ${p.supplier ?? '-'}${bookingsWord(p)}\n` +
      dates(p) + `${t('committed')} ${eur(p.order.totalCents)} · ${t('votes')} ${p.closeVotes}/${p.failVotes}, ${t('quorum')} ${p.quorum}\n\n` +
      table([[t('name'), t('amount'), t('status'), t('booking')], ...p.order.bookings.map((b) => [b.name, eur(b.amountCents), statusWord(p.phase, b.status), bookingLines(b)])])
  }
  return `${p.name} (${p.id})\n${t('owner')} ${String(p.ownerName)} · ${t(`p_${p.phase}`)} · ${t('supplier')} ${p.supplier ?? '-'}${bookingsWord(p)}\n` +
    dates(p) + `${t('committed')} ${eur(p.committedCents)} · ${t('approved')} ${eur(p.approvedCents)} · ${t('paid')} ${eur(p.paidCents)} · ${t('votes')} ${p.closeVotes}/${p.failVotes}, ${t('quorum')} ${p.quorum}\n\n` +
    table([[t('name'), t('amount'), t('status'), t('asConfirmed')], ...p.commitments.map((c) => [c.name, eur(c.status === 'rejected' ? 0 : c.amountCents), statusWord(p.phase, c.status), c.confirmedStatus === null || p.confirmedPhase === null ? t('tentative') : statusWord(p.confirmedPhase, c.confirmedStatus)])])
}

/** `unit` after `milli` milli-units in the CLI's language ("6 vasetti": src/units.ts). */
const unitIn = (unit: string, milli: number): string => unitFor(unit, milli, lang())

/** What a log entry did, as the journal says it (with who, how much, which purchase); "?" for a block that did not decode. */
export function logWhat (e: LogEntryView): string {
  const type = e.type === 'AddCost' && e.cents !== null && e.cents < 0 ? 'AddDiscount' : e.type === 'ClosePurchase' && e.cents === null ? 'ClosePurchase_none' : e.type
  return type === null ? '?' : t(e.cancel !== null ? `r_CancelTransfer_${e.cancel}` : e.booking ? `r_${type}_booking` : `r_${type}`, { name: e.memberName ?? '', payee: e.payeeName ?? '', amount: e.cents === null ? '' : eur(Math.abs(e.cents)), purchase: e.purchaseName ?? '', product: e.productName ?? '' })
}

/** `log` as a journal: time, author, what (with who, how much, which purchase), result, state. */
export function log (l: LogView): string {
  const rows = l.entries.map((e) => [String(e.seq), when(e.timeMs), e.authorName ?? e.author?.slice(0, 8) ?? '', logWhat(e), e.status === 'applied' ? t('applied') : e.status, mark(e.final)])
  const ignored = l.ignored.map((b) => [t('logIgnored', { index: b.index, feed: b.feedName ?? b.feed.slice(0, 8), reason: b.reason, count: b.actIds.length }),
    ...b.acts.map((a) => `  – ${t(`r_${a.type === 'AddCost' && a.cents !== null && a.cents < 0 ? 'AddDiscount' : a.type}`, { name: a.memberName ?? '', payee: a.payeeName ?? '', amount: a.cents === null ? '' : eur(Math.abs(a.cents)), purchase: a.purchaseName ?? '', product: a.productName ?? '' })}`)].join('\n'))
  const shown = l.entries.length === 0 || l.entries.length === l.total ? t('logTotal', { total: l.total, final: l.finalCount }) : t('logShown', { from: l.entries[0].seq, to: l.entries[l.entries.length - 1].seq, total: l.total, final: l.finalCount })
  return [table([['#', t('when'), t('by'), t('what'), t('result'), t('state')], ...rows]), shown, ...ignored].join('\n')
}

/** The receipt of an act: what happened, to whom, the balance after, and whether it is confirmed (src/api/receipt-text.ts). */
export function receipt (r: ActReceipt): string {
  return receiptLines(r, { t, eur: euro }, true).join('\n')
}

/** A refused act's message in the user's language, with its figures when the node gave them (src/api/refusal-text.ts). */
export function refusal (code: string, fallback: string, d: RefusalDetails | undefined): string {
  return refusalText(code, fallback, d, { t, eur: euro, qty: quantity, unit: unitIn, restore: restoreWait })
}

/**
 * One notice in the user's language (src/api/notices.ts). `mail`: as an email to the member says
 * it (a transfer to accept is accepted on their page, not with the CLI, which is the admin's).
 */
export function notice (n: Notice, mail = false): string {
  const what = n.actType === undefined ? '' : t(`r_${n.actType === 'ClosePurchase' ? 'ClosePurchase_none' : n.actType}`, { name: n.other ?? '', payee: n.payee ?? '', amount: n.amountCents === undefined ? '' : eur(n.amountCents), purchase: n.purchaseName ?? '', product: n.product ?? '' })
  const key = noticeKey(n)
  const figures = noticeFigures(n, { t, eur: euro })
  return t(mail && n.kind === 'toAccept' ? key.replace(/^n_/, 'm_') : key, { figures, quorum: n.quorum ?? 0, memo: n.memo === undefined ? '' : t('noticeMemo', { memo: n.memo }), purchase: n.purchaseName ?? '', when: n.atMs === undefined ? '' : mail ? mailTime(n.atMs) : when(n.atMs), booked: eur(n.bookedCents), delivered: eur(n.deliveredCents), credit: eur(n.creditCents), amount: eur(Math.abs(n.creditCents ?? 0)), other: n.other ?? '', id: n.transfer?.slice(0, 8) ?? '', count: n.count ?? 0, what, code: n.code ?? '' })
}

/** `notices`: a member's and the admin's, one per line. */
export function notices (v: NoticesView): string {
  const lines = [...v.admin.map((n) => `! ${notice(n)}`), ...v.member.map((n) => `- ${notice(n)}`)]
  return lines.length === 0 ? t('noNotices') : lines.join('\n')
}

/** `report`: the period, totals, cash per admin, credits, the invariant, then the movements. */
export function report (r: Report): string {
  // A day typed as a day reads as one (from its first minute, to its last); a time typed, with it.
  const day = (ms: number, whole: string): string => { const w = when(ms); return w.endsWith(whole) ? w.slice(0, 10) : w }
  const from = r.fromMs === null ? t('reportFromStart') : t('reportFrom', { day: day(r.fromMs, '00:00') })
  const to = r.toMs === null ? t('reportToNow') : t('reportTo', { day: day(r.toMs, '23:59') })
  const cashAt = (k: 'startCents' | 'endCents'): string => eur(r.cash.reduce((x, c) => x + c[k], 0))
  const lines = [
    t('reportPeriod', { from, to, acts: r.confirmedActs, at: r.confirmedAtMs === null ? '-' : when(r.confirmedAtMs) }),
    table([
      [t('reportDeposits'), eur(r.totals.depositsCents)], [t('reportWithdrawals'), eur(r.totals.withdrawalsCents)], [t('reportSupplierPayments'), eur(r.totals.supplierPaymentsCents)],
      ...r.totals.bySupplier.map((x) => [`  ${x.supplier}`, eur(x.cents)]),
      [t('reportSettlements'), eur(r.totals.settlementsCents)], [t('reportTransfers'), eur(r.totals.transfersCents)], [t('reportCosts'), eur(r.totals.sharedCostsCents)],
      [t('reportCredits'), `${eur(r.creditsStartCents)} → ${eur(r.creditsEndCents)}`]
    ]),
    '',
    table([[t('admin'), t('reportStart'), t('reportEnd')], ...r.cash.map((c) => [c.admin, eur(c.startCents), eur(c.endCents)])]),
    '',
    // At the start too: credits alone against the cash would look unbalanced.
    ...(r.fromMs === null ? [] : [`${t('reportStart')}: ${t('totalsLine', { credits: eur(r.creditsStartCents), open: eur(r.openCommitmentsStartCents), cash: cashAt('startCents'), ok: t('hold') })}`]),
    `${r.fromMs === null ? '' : `${t('reportEnd')}: `}${t('totalsLine', { credits: eur(r.creditsEndCents), open: eur(r.openCommitmentsCents), cash: cashAt('endCents'), ok: t(r.holds ? 'hold' : 'violated') })}`,
    '',
    table([[t('when'), t('what'), t('admin'), t('reportOther'), t('reportIncome'), t('reportOutgoing')], ...r.rows.map((x) => [x.timeMs === null ? '' : when(x.timeMs), t(`k_${x.kind}`), x.admin, x.other, x.incomeCents === 0 ? '' : eur(x.incomeCents), x.outgoingCents === 0 ? '' : eur(x.outgoingCents)])])
  ]
  return lines.join('\n')
}

/** `search`: what was found, best first. */
export function hits (list: SearchHit[]): string {
  if (list.length === 0) return t('nothingFound')
  return table(list.map((h) => [t(`hit_${h.kind}`), h.title, h.detail]))
}

/** `matches`: for each want, others' offers; for each offer, others' wants. */
export function matches (list: Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }>, name: string): string {
  if (list.length === 0) return t('noMatches')
  return list.map((m) => `${t(m.kind === 'want' ? 'theyWant' : 'theyOffer', { what: m.for, name })}\n${m.hits.map((h) => `  ${t(`hit_${h.kind}`)}: ${h.title} · ${h.detail}`).join('\n')}`).join('\n')
}
