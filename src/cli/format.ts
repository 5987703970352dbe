/**
 * Plain-text rendering of API answers for the terminal (the `--json` flag prints them as JSON
 * instead). Amounts in euros with two decimals.
 */
import { formatCents } from '../money.js'

type Row = Record<string, unknown>

const eur = (c: unknown): string => (typeof c === 'number' ? formatCents(c) : '-')
const mark = (final: unknown): string => (final === true ? 'confirmed' : 'pending')

/** Pads columns of a table. */
export function table (rows: string[][]): string {
  const w: number[] = []
  for (const r of rows) r.forEach((c, i) => { w[i] = Math.max(w[i] ?? 0, c.length) })
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n')
}

/** `status`. */
export function status (s: Row): string {
  const g = s.group as Row
  const acts = g.acts as Record<string, number>
  const me = s.me as Row
  const lines = [
    `group     ${String(g.name)} (${String(g.groupId)})`,
    `me        ${String(me.name ?? '(not a member yet)')} ${String(me.id)}${me.admin === true ? ' [writer]' : ''}`,
    `acts      ${acts.total} (applied ${acts.applied}, rejected ${acts.rejected}) · confirmed ${acts.final}, pending ${acts.pending}`,
    `state     ${String(g.stateHash)}`,
    `confirmed ${String(g.confirmedStateHash)}`,
    `quorum    ${String(g.quorum)} of ${(g.admins as Row[]).filter((a) => a.current === true).length} admins`,
    finality(g.finality as Row),
    '',
    table([['admin', 'roles', 'cash', 'confirmed cash'], ...(g.admins as Row[]).map((a) => [
      String(a.name), (a.roles as string[]).join('+') || '(former)', eur(a.cashCents) + ((a.cashCents as number) < 0 ? ' (owed by group)' : ''), eur(a.confirmedCashCents)
    ])]),
    '',
    sync(s.sync as Row),
    `peers     ${(s.peers as Row[]).length}`,
    ...((s.peers as Row[]).length === 0 ? [] : [table([['peer', 'admin', 'via', 'address', 'since', 'received', 'sent'], ...(s.peers as Row[]).map((p) => [
      String(p.publicKey).slice(0, 8), p.admin === true ? String(p.name) : '(not an admin)', String(p.via), String(p.address), since(p.sinceMs as number), bytes(p.bytesReceived as number), bytes(p.bytesSent as number)
    ])])])
  ]
  if ((s.forks as Row[]).length > 0) lines.push(`FORKS     ${JSON.stringify(s.forks)}`)
  return lines.join('\n')
}

/** A connection's age, from its start (ms since epoch): 45s, 12m, 3h. */
function since (startMs: number): string {
  const s = Math.max(0, Math.round((Date.now() - startMs) / 1000))
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`
}

/** A byte count for people: 812 B, 14.2 kB, 3.1 MB. */
function bytes (n: number): string {
  return n < 1000 ? `${n} B` : n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`
}

function sync (p: Row): string {
  const feeds = table([['feed', 'usable', 'received', 'known'], ...(p.feeds as Row[]).map((f) => [String(f.feed).slice(0, 8), String(f.usable), String(f.received), String(f.known)])])
  const peers = (p.peers as Row[]).map((x) => `  peer ${String(x.peer).slice(0, 8)}: ${String(x.received)}/${String(x.known)} of its blocks here`).join('\n')
  return `${feeds}\nsync      ${String(p.received)}/${String(p.known)} blocks${p.synced === true ? ' (synced)' : ''}${peers === '' ? '' : '\n' + peers}`
}

function finality (f: Row): string {
  const waiting = f.waitingFor as Row[]
  const frozen = f.frozen as Row[]
  const who = (r: Row): string => String(r.name ?? String(r.id ?? r.feed).slice(0, 8))
  return `finality  ${String(f.finalBlocks)}/${String(f.blocks)} blocks confirmed` +
    (waiting.length > 0 ? ` · waiting for ${waiting.map(who).join(', ')} to acknowledge (an admin gone for good is removed by vote)` : '') +
    frozen.map((z) => `\nfrozen    ${who(z)}: feed kept up to block ${String(z.length)}, removed by block ${String((z.by as Row).index)} of ${String((z.by as Row).feed).slice(0, 8)}`).join('') +
    ((f.ignoredBlocks as number) > 0 ? `\nignored   ${String(f.ignoredBlocks)} blocks from non-writers or past a freeze (see log)` : '')
}

/** `members`. */
export function members (ms: Row[]): string {
  return table([['name', 'id', 'roles', 'credit', 'confirmed'], ...ms.map((m) => [
    String(m.name), String(m.id).slice(0, 8), (m.roles as string[]).join('+'), eur(m.creditCents), eur(m.confirmedCreditCents)
  ])])
}

/** `balance`. */
export function balance (m: Row): string {
  const pending = m.creditCents !== m.confirmedCreditCents ? ` (${eur(m.creditCents)} with pending acts)` : ''
  return `${String(m.name)}: ${eur(m.confirmedCreditCents)} confirmed${pending}`
}

/** `statement`. */
export function statement (m: Row): string {
  const lines = (m.statement as Row[]).map((l) => [
    l.timeMs === null ? '' : new Date(l.timeMs as number).toISOString().slice(0, 16).replace('T', ' '),
    String(l.kind), eur(l.deltaCents), eur(l.balanceCents), mark(l.final), String(l.actId).slice(0, 8)
  ])
  return `${balance(m)}\n\n` + table([['when', 'what', 'amount', 'balance', 'state', 'act'], ...lines])
}

/** `purchases`. */
export function purchases (ps: Row[]): string {
  return table([['name', 'id', 'owner', 'phase', 'committed', 'approved', 'close/fail votes'], ...ps.map((p) => [
    String(p.name), String(p.id).slice(0, 8), String(p.ownerName), String(p.phase), eur(p.committedCents), eur(p.approvedCents), `${String(p.closeVotes)}/${String(p.failVotes)} of ${String(p.quorum)}`
  ])])
}

/** `purchase <ref>`. */
export function purchase (p: Row): string {
  return `${String(p.name)} (${String(p.id)})\nowner ${String(p.ownerName)} · ${String(p.phase)} · supplier ${String(p.supplier ?? '-')}\n` +
    `committed ${eur(p.committedCents)} · approved ${eur(p.approvedCents)} · paid ${eur(p.paidCents)} · close votes ${String(p.closeVotes)}, fail votes ${String(p.failVotes)}, quorum ${String(p.quorum)}\n\n` +
    table([['member', 'amount', 'status', 'confirmed'], ...(p.commitments as Row[]).map((c) => [String(c.name), eur(c.amountCents), String(c.status), String(c.confirmedStatus ?? '-')])])
}

/** `log`. */
export function log (l: Row): string {
  const rows = (l.entries as Row[]).map((e) => [String(e.seq), mark(e.final), String(e.type ?? '?'), String(e.authorName ?? String(e.author ?? '').slice(0, 8)), String(e.status), String(e.actId).slice(0, 8)])
  const ignored = (l.ignored as Row[]).map((b) => `ignored block ${String(b.index)} of ${String(b.feed).slice(0, 8)}: ${String(b.reason)} (${(b.actIds as string[]).length} acts)`)
  return [table([['#', 'state', 'act', 'by', 'result', 'id'], ...rows]), `(${String(l.total)} acts, ${String(l.finalCount)} confirmed)`, ...ignored].join('\n')
}
