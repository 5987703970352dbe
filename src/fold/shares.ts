/**
 * Shares of a shared cost (SPEC §4.5 AddCost): an amount of cents split among members by weight,
 * the cents left over going one each by largest remainder, ties by member id. Pure integers.
 */
import type { MemberId } from '../ids.js'

/** Below this, products and sums of cents and weights are exact in doubles with room to spare ({@link shares}). */
const EXACT = 2 ** 52

/**
 * The shares of `cents` among `weights` (member → weight, weights ≥ 0, Σ > 0): each gets
 * floor(cents × w / W); the cents left go one each to the largest remainders, ties by member id.
 * Σ shares = cents exactly. With `equal`, every weight counts as 1.
 */
export function shares (cents: number, weights: ReadonlyMap<MemberId, number>): Map<MemberId, number> {
  const ids = [...weights.keys()].sort()
  const total = ids.reduce((sum, id) => sum + weights.get(id)!, 0)
  const out = new Map<MemberId, number>()
  const rest: Array<[MemberId, number | bigint]> = []
  let given = 0
  // cents × w can pass 2^53: BigInt keeps it exact. Below 2^52 (every real cost) integer doubles
  // are exact too, and several times faster: the quotient's rounding is mended by the remainder.
  const exact = cents * total <= EXACT
  for (const id of ids) {
    const w = weights.get(id)!
    let share: number
    if (exact) {
      const num = cents * w
      share = Math.floor(num / total)
      let r = num - share * total
      if (r < 0) { share--; r += total } else if (r >= total) { share++; r -= total }
      rest.push([id, r])
    } else {
      const num = BigInt(cents) * BigInt(w)
      share = Number(num / BigInt(total))
      rest.push([id, num % BigInt(total)])
    }
    out.set(id, share)
    given += share
  }
  rest.sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : a[0] < b[0] ? -1 : 1))
  for (let i = 0; i < cents - given; i++) out.set(rest[i][0], out.get(rest[i][0])! + 1)
  return out
}
