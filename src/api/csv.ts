/**
 * CSV exports (issue 4): a member's statement and a purchase's commitments (the order for the
 * supplier), built from the JSON views with csv-stringify. Amounts are euros with two decimals;
 * dates as {@link date} writes them; one header row. Two dialects: `en` (`,` between fields, decimal dot,
 * headers and words as stable English codes: the default and the HTTP API's) and `it` (`;`
 * between fields, decimal comma: what a spreadsheet in an Italian locale opens as numbers, with
 * the headers, movements and totals in Italian, SPEC §7). Refusal codes stay codes in both.
 */
import { stringify } from 'csv-stringify/sync'
import { it } from '../cli/messages-it.js'
import { localTime } from '../local-time.js'
import { withoutInvisible } from '../ids.js'
import { formatCents, formatQuantity } from '../money.js'
import type { PurchaseView } from './dto.js'
import type { CommitmentStatus, MovementKind } from '../fold/state.js'
import type { Report } from './report.js'
import type { LogEntryView } from './log-view.js'
import { shownKind } from './shown-kind.js'
import type { StatementLine } from './views.js'

/** The CSV dialect: `en` (`,` and `12.50`, for programs) or `it` (`;`, `12,50` and a byte-order mark, for spreadsheets). */
export type CsvDialect = 'en' | 'it'

const money = (cents: number, d: CsvDialect): string => formatCents(cents, d === 'it' ? ',' : '.')
/**
 * A cell as a spreadsheet must not run it nor turn its row around: without invisible characters
 * and controls of direction (a name signed elsewhere may hold a right-to-left override, which
 * would also hide a formula behind it), and text that starts like a formula (`=`, `+`, `-`, `@`,
 * a tab or a carriage return: a product or member named `=1+2`, or worse) behind a `'`, which
 * LibreOffice and Excel show as text. Amounts (`-3,50`) stay numbers.
 */
const inert = (text: string): string => {
  const cell = withoutInvisible(text)
  return /^[=+\-@\t\r]/.test(cell) && !/^-?\d[\d.,]*$/.test(cell) ? `'${cell}` : cell
}

/**
 * Rows as CSV text. The Italian dialect, for spreadsheets, begins with a UTF-8 byte-order mark:
 * without one Excel reads the file as Windows-1252 and shows `NicolÃ²` for Nicolò.
 */
const write = (rows: string[][], d: CsvDialect): string => stringify(rows.map((r) => r.map(inert)), { delimiter: d === 'it' ? ';' : ',', bom: d === 'it' })

/**
 * A time in the dialect: ISO 8601 UTC in `en` (`2026-12-02T05:45:44.000Z`, for programs); in
 * `it` the local date and time of this machine as a spreadsheet reads them as a date
 * (`2026-12-02 06:45:44`; with a `T` and a `Z` LibreOffice and Excel keep it as text), as the
 * CLI shows times.
 */
const date = (ms: number | null | undefined, d: CsvDialect): string => (typeof ms !== 'number' ? '' : d === 'en' ? new Date(ms).toISOString() : localTime(ms, true))

/** The words of the files in each dialect (English: the codes the files always had). */
const WORDS = {
  en: {
    statement: ['date', 'movement', 'amount_eur', 'balance_eur', 'state', 'act', 'purchase', 'note'],
    commitments: ['member', 'member_id', 'amount_eur', 'status', 'confirmed_status'],
    pickup: ['member', 'product', 'unit', 'booked', 'delivered', 'price_eur', 'amount_eur'],
    report: ['date', 'movement', 'admin', 'other', 'income_eur', 'outgoing_eur', 'act', 'total_eur'],
    log: ['seq', 'date', 'act', 'type', 'author', 'about', 'payee', 'purchase', 'amount_eur', 'result', 'state'],
    description: 'description',
    confirmed: 'confirmed',
    pending: 'pending',
    approved: 'approved',
    rejected: 'rejected',
    refunded: 'refunded',
    applied: 'applied',
    duplicate: 'duplicate',
    total: 'TOTAL',
    costs: 'costs',
    deposits: 'TOTAL deposits',
    withdrawals: 'TOTAL withdrawals',
    supplierPayments: 'TOTAL supplier payments',
    supplier: 'supplier',
    transfers: 'TOTAL transfers between members',
    sharedCosts: 'TOTAL shared costs',
    creditsStart: 'credits at the start',
    creditsEnd: 'credits at the end',
    settlements: 'TOTAL cash passed between admins',
    cashStart: 'cash at the start',
    cashEnd: 'cash at the end',
    openCommitments: 'open commitments at the end', openCommitmentsStart: 'open commitments at the start',
    balance: 'credits + open commitments = cash',
    yes: 'yes',
    no: 'NO'
  },
  it: {
    statement: ['data', 'movimento', 'importo_eur', 'saldo_eur', 'stato', 'atto', 'acquisto', 'nota'],
    commitments: ['socio', 'id_socio', 'importo_eur', 'stato', 'stato_confermato'],
    pickup: ['socio', 'prodotto', 'unità', 'prenotato', 'consegnato', 'prezzo_eur', 'importo_eur'],
    report: ['data', 'movimento', 'admin', 'controparte', 'entrate_eur', 'uscite_eur', 'atto', 'totale_eur'],
    log: ['n', 'data', 'atto', 'tipo', 'autore', 'riguarda', 'beneficiario', 'acquisto', 'importo_eur', 'esito', 'stato'],
    description: 'descrizione',
    confirmed: 'confermato',
    pending: 'in attesa',
    approved: 'approvato',
    rejected: 'rifiutato',
    refunded: 'rimborsato',
    applied: 'applicato',
    duplicate: 'duplicato',
    total: 'TOTALE',
    costs: 'costi',
    deposits: 'TOTALE versamenti',
    withdrawals: 'TOTALE prelievi',
    supplierPayments: 'TOTALE pagamenti ai fornitori',
    supplier: 'fornitore',
    transfers: 'TOTALE trasferimenti tra soci',
    sharedCosts: 'TOTALE costi ripartiti',
    creditsStart: 'crediti all\'inizio',
    creditsEnd: 'crediti alla fine',
    settlements: 'TOTALE cassa passata tra amministratori',
    cashStart: 'cassa all\'inizio',
    cashEnd: 'cassa alla fine',
    openCommitments: 'impegni aperti alla fine', openCommitmentsStart: 'impegni aperti all\'inizio',
    balance: 'crediti + impegni aperti = cassa',
    yes: 'sì',
    no: 'NO'
  }
} as const

const state = (final: unknown, d: CsvDialect): string => (final === true ? WORDS[d].confirmed : WORDS[d].pending)
/** Italian names of the movements whose CLI words lead into a name (`cassa ricevuta da Anna`): here the name is in a column of its own. */
const IT_KINDS: Readonly<{ [k in MovementKind]?: string }> = { 'settle-in': 'cassa ricevuta', 'settle-out': 'cassa consegnata' }
/** A movement's kind: its code in English, its name in Italian (the CLI's words, src/cli/messages-it.ts; a shared cost that gives back is a discount, as the CLI shows it). */
const kind = (k: MovementKind | 'discount', d: CsvDialect): string => (d === 'it' ? IT_KINDS[k as MovementKind] ?? it[`k_${k}`] : k)
/** A commitment's status, or its confirmed status (none: empty). */
const status = (s: CommitmentStatus | null, d: CsvDialect): string => (s === null ? '' : WORDS[d][s])

/** CSV of statement lines ({@link MemberView}'s statement or cash movements): date, movement, amount, running balance, state, act, purchase, note (the other member or admin, and a withdrawal's reason). */
export function statementCsv (lines: readonly StatementLine[], d: CsvDialect = 'en'): string {
  const rows = lines.map((m) => [
    date(m.timeMs, d), kind(d === 'it' ? shownKind(m) : m.kind, d), money(m.deltaCents, d), money(m.balanceCents, d), state(m.final, d), m.actId, m.purchaseName ?? '', [m.counterpartName, m.reason].filter((x) => x !== null).join(': ')
  ])
  return write([[...WORDS[d].statement], ...rows], d)
}

/**
 * CSV of {@link purchaseView}'s commitments, rejected ones left out (they are not ordered):
 * member name, member id, amount, status, confirmed status; a last row with the total. A failed
 * purchase's commitments are each `refunded`, and its total is 0: nothing is owed to anyone.
 */
export function commitmentsCsv (purchase: PurchaseView, d: CsvDialect = 'en'): string {
  const failed = purchase.phase === 'failed'
  const list = purchase.commitments.filter((c) => c.status !== 'rejected')
  const total = failed ? 0 : list.reduce((sum, c) => sum + c.amountCents, 0)
  const rows = list.map((c) => [c.name, c.member, money(c.amountCents, d), failed ? WORDS[d].refunded : status(c.status, d), failed && purchase.confirmedPhase === 'failed' ? WORDS[d].refunded : status(c.confirmedStatus, d)])
  return write([[...WORDS[d].commitments], ...rows, [WORDS[d].total, '', money(total, d), '', '']], d)
}

/**
 * The pick-up list of a purchase with a catalogue (SPEC §4.5): one row per member and product,
 * booked and (once delivered) delivered quantity, unit price, amount; then each member's cost
 * shares and total. Quantities in the product's unit with up to three decimals. A failed purchase
 * has only the header: everyone was refunded, nothing is picked up.
 */
export function pickupCsv (purchase: PurchaseView, d: CsvDialect = 'en'): string {
  const qty = (m: number | null): string => (m === null ? '' : formatQuantity(m, d === 'it' ? ',' : '.'))
  const rows: string[][] = []
  // A failed purchase has nothing to pick up: everyone was refunded.
  for (const b of purchase.phase === 'failed' ? [] : purchase.order?.bookings ?? []) {
    if (b.status === 'rejected') continue
    const delivered = new Map((b.delivered ?? []).map((l) => [l.product, l]))
    const keys = [...new Set([...b.lines.map((l) => l.product), ...delivered.keys()])]
    for (const k of keys) {
      const booked = b.lines.find((l) => l.product === k)
      const got = b.delivered === null ? null : delivered.get(k) ?? null
      const line = got ?? booked!
      rows.push([b.name, line.name, line.unit, qty(booked?.qtyMilli ?? 0), b.delivered === null ? '' : qty(got?.qtyMilli ?? 0), money(line.priceCents, d), b.delivered === null ? money(booked!.cents, d) : money(got?.cents ?? 0, d)])
    }
    if (b.costCents !== 0) rows.push([b.name, WORDS[d].costs, '', '', '', '', money(b.costCents, d)])
    rows.push([b.name, WORDS[d].total, '', '', '', '', money(b.amountCents, d)])
  }
  return write([[...WORDS[d].pickup], ...rows], d)
}

/**
 * The treasurer's report as CSV (SPEC §7: one row per movement of the group's cash, with date, act,
 * admin, other party, income and outgoing), then the totals, each in a last column of its own (so
 * that summing the income or outgoing column adds the movements only): deposits, withdrawals, supplier
 * payments by supplier, transfers, shared costs, credits, settlements, each admin's cash at the start
 * and the end, open commitments, and whether the books balance; `;` and decimal commas in Italian.
 */
export function reportCsv (r: Report, d: CsvDialect = 'en'): string {
  const w = WORDS[d]
  const rows = r.rows.map((x) => [date(x.timeMs, d), kind(x.kind, d), x.admin, x.other, x.incomeCents === 0 ? '' : money(x.incomeCents, d), x.outgoingCents === 0 ? '' : money(x.outgoingCents, d), x.actId, ''])
  // A total has its own column: summing the income or outgoing column adds the movements only.
  const total = (label: string, cents: number, admin = ''): string[] => [label, '', admin, '', '', '', '', money(cents, d)]
  return write([
    [...w.report],
    ...rows,
    total(w.deposits, r.totals.depositsCents), total(w.withdrawals, r.totals.withdrawalsCents), total(w.supplierPayments, r.totals.supplierPaymentsCents),
    ...r.totals.bySupplier.map((x) => total(`${w.supplier} ${x.supplier}`, x.cents)),
    total(w.transfers, r.totals.transfersCents), total(w.sharedCosts, r.totals.sharedCostsCents),
    total(w.creditsStart, r.creditsStartCents), total(w.creditsEnd, r.creditsEndCents),
    total(w.settlements, r.totals.settlementsCents),
    ...r.cash.flatMap((c) => [total(w.cashStart, c.startCents, c.admin), total(w.cashEnd, c.endCents, c.admin)]),
    total(w.openCommitmentsStart, r.openCommitmentsStartCents), total(w.openCommitments, r.openCommitmentsCents),
    [w.balance, '', '', '', '', '', '', r.holds ? w.yes : w.no]
  ], d)
}

/**
 * The ordered log as CSV (`hypergas export --csv`): position, time, act, type (its code, for
 * programs), author, about (member or payer), payee, purchase, amount, result, confirmed, and,
 * when `describe` is given, the act as the journal says it in the reader's language.
 */
export function logCsv (entries: readonly LogEntryView[], d: CsvDialect = 'en', describe?: (e: LogEntryView) => string): string {
  const rows = entries.map((e) => [String(e.seq), date(e.timeMs, d), e.actId, e.type ?? '', e.authorName ?? e.author ?? '', e.memberName ?? '', e.payeeName ?? '', e.purchaseName ?? '', e.cents === null ? '' : money(e.cents, d), e.status === 'applied' || e.status === 'duplicate' ? WORDS[d][e.status] : e.status, state(e.final, d), ...(describe === undefined ? [] : [describe(e)])])
  return write([[...WORDS[d].log, ...(describe === undefined ? [] : [WORDS[d].description])], ...rows], d)
}
