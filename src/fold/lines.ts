/**
 * The amounts of order lines (SPEC §4, §4.5): a line's amount, a booking's goods and what it
 * commits, and lines and products in one canonical form. Pure: integer cents and milli-units only;
 * the fold (src/fold/orders.ts), the views and the page share them.
 */
import type * as A from '../acts/types.js'
import type { Booking, OrderLine } from './state.js'

/** SPEC §4: a line's amount, `floor((qtyMilli × priceCents + 500) / 1000)`, half up, exact in integers. */
export function lineCents (qtyMilli: number, priceCents: number): number {
  return Math.floor((qtyMilli * priceCents + 500) / 1000)
}

/** Σ lineCents of `lines`. */
export function linesCents (lines: readonly OrderLine[]): number {
  let sum = 0
  for (const l of lines) sum += lineCents(l.qtyMilli, l.priceCents)
  return sum
}

/** The goods amount of a booking: delivered lines once delivered, else booked lines (cents). */
export function goodsCents (b: Booking): number {
  return linesCents(b.delivered ?? b.lines)
}

/**
 * What a booking commits, cents: its goods plus its cost shares, never below 0. A discount share
 * larger than the goods (nothing delivered, or a smaller booking after a discount) gives back all
 * that was paid and no more; the share itself is kept, so a later delivery counts it whole.
 */
export function bookingCents (b: Booking): number {
  return Math.max(0, goodsCents(b) + b.costCents)
}

/**
 * A product with its fields in one fixed order and no absent ones: whatever object it came from
 * (decoded bytes, a body built by hand), every node holds the same thing (the state hash renders it).
 */
export function canonicalProduct (x: A.ProductSpec): A.ProductSpec {
  const out: A.ProductSpec = { key: x.key, name: x.name, unit: x.unit, priceCents: x.priceCents }
  if (x.packageQty !== undefined) out.packageQty = x.packageQty
  if (x.minQtyMilli !== undefined) out.minQtyMilli = x.minQtyMilli
  if (x.mulQtyMilli !== undefined) out.mulQtyMilli = x.mulQtyMilli
  if (x.maxQtyMilli !== undefined) out.maxQtyMilli = x.maxQtyMilli
  if (x.availableQtyMilli !== undefined) out.availableQtyMilli = x.availableQtyMilli
  if (x.weighed === true) out.weighed = true
  if (x.category !== undefined) out.category = x.category
  if (x.description !== undefined) out.description = x.description
  return out
}

/**
 * `lines` sorted by product key, in place (keys are distinct: the act schema refuses a product
 * twice). A booking has a few lines, and V8's sort copies its array first: a short one is sorted
 * by insertion, without allocating.
 */
export function byProduct (lines: OrderLine[]): OrderLine[] {
  if (lines.length > 16) return lines.sort((a, b) => (a.product < b.product ? -1 : 1))
  for (let i = 1; i < lines.length; i++) {
    const x = lines[i]
    let j = i - 1
    for (; j >= 0 && lines[j].product > x.product; j--) lines[j + 1] = lines[j]
    lines[j + 1] = x
  }
  return lines
}
