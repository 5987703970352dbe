/**
 * The money invariants of SPEC §4, checked from scratch (independently of the fold's running
 * totals), for tests and for the demo's final report.
 */
import { bookingCents } from './lines.js'
import type { MemberId } from '../ids.js'
import type { GroupState, Movement } from './state.js'

/** Σ non-rejected commitments of open purchases, cents. */
export function openCommitmentsCents (s: GroupState): number {
  let sum = 0
  for (const p of s.purchases.values()) {
    if (p.phase !== 'open') continue
    for (const c of p.commitments.values()) if (c.status !== 'rejected') sum += c.amountCents
  }
  return sum
}

/** Each member's Σ non-rejected commitments of open purchases, cents (recounted from the purchases). */
function openCommitmentsByMember (s: GroupState): Map<MemberId, number> {
  const out = new Map<MemberId, number>()
  for (const p of s.purchases.values()) {
    if (p.phase !== 'open') continue
    for (const [m, c] of p.commitments) if (c.status !== 'rejected') out.set(m, (out.get(m) ?? 0) + c.amountCents)
  }
  return out
}

function sumDeltas (list: Movement[] | undefined): number {
  let sum = 0
  for (const m of list ?? []) sum += m.deltaCents
  return sum
}

/**
 * Every violation of SPEC §4's invariants in `s`, as human-readable lines; empty when all hold.
 * 1. Σ credits + Σ open non-rejected commitments = Σ cash of all admins, past and present.
 * 2. No member credit is below −overdraft (0 unless the admins granted one, SPEC §4.6), nor
 *    above their ceiling; nor is the credit plus the member's open commitments (all a refund can
 *    give back, heldCents), the bound the fold keeps so that no refund passes the ceiling.
 * 3. Each member's statement sums to their credit and each admin's cash movements to their cash,
 *    and every running balance follows from the previous one.
 */
export function checkInvariants (s: GroupState): string[] {
  const out: string[] = []
  let credits = 0
  const committed = openCommitmentsByMember(s)
  for (const m of s.members.values()) {
    credits += m.creditCents
    const overdraft = s.limits.get(m.id)?.overdraftCents ?? 0
    if (m.creditCents < -overdraft) out.push(`invariant 2: credit of ${m.name} is ${m.creditCents}, below −${overdraft}`)
    const ceiling = s.limits.get(m.id)?.ceilingCents ?? null
    if (ceiling !== null && m.creditCents > ceiling) out.push(`invariant 2: credit of ${m.name} is ${m.creditCents}, above ${ceiling}`)
    const held = m.creditCents + (committed.get(m.id) ?? 0)
    if (ceiling !== null && held > ceiling) out.push(`invariant 2: credit and open commitments of ${m.name} are ${held}, above ${ceiling}`)
    if (!Number.isSafeInteger(m.creditCents)) out.push(`credit of ${m.name} is not a safe integer`)
    const st = s.statements.get(m.id)
    if (sumDeltas(st) !== m.creditCents) out.push(`invariant 3: statement of ${m.name} sums to ${sumDeltas(st)}, credit ${m.creditCents}`)
    out.push(...runningBalances(st, `statement of ${m.name}`))
  }
  let cash = 0
  for (const [id, c] of s.cash) {
    cash += c
    const mv = s.cashMovements.get(id)
    if (sumDeltas(mv) !== c) out.push(`invariant 3: cash movements of ${id.slice(0, 8)} sum to ${sumDeltas(mv)}, cash ${c}`)
    out.push(...runningBalances(mv, `cash of ${id.slice(0, 8)}`))
  }
  out.push(...orderInvariants(s))
  const owed = credits + openCommitmentsCents(s)
  if (owed !== cash) out.push(`invariant 1: credits + open commitments = ${owed}, cash = ${cash}`)
  if (owed !== s.owedCents) out.push(`running total owedCents ${s.owedCents} differs from recount ${owed}`)
  return out
}

/**
 * Orders by product (SPEC §4.5): in an open purchase with a catalogue, every non-rejected
 * commitment is a booking, and its amount is Σ lineCents of its lines (delivered ones once
 * delivered) plus its cost shares.
 */
function orderInvariants (s: GroupState): string[] {
  const out: string[] = []
  for (const p of s.purchases.values()) {
    if (p.phase !== 'open' || p.order === undefined) continue
    for (const [m, c] of p.commitments) {
      if (c.status === 'rejected') continue
      const b = p.order.bookings.get(m)
      if (b === undefined) { out.push(`orders: commitment of ${m.slice(0, 8)} to ${p.name} has no booking`); continue }
      const expected = bookingCents(b)
      if (c.amountCents !== expected) out.push(`orders: commitment of ${m.slice(0, 8)} to ${p.name} is ${c.amountCents}, its booking ${expected}`)
    }
  }
  return out
}

function runningBalances (list: Movement[] | undefined, what: string): string[] {
  let bal = 0
  for (const m of list ?? []) {
    bal += m.deltaCents
    if (m.balanceCents !== bal) return [`invariant 3: ${what} running balance ${m.balanceCents} after ${m.actId.slice(0, 8)}, expected ${bal}`]
  }
  return []
}
