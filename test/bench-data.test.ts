// Issue 18 item 1: the benchmark's season (test/bench/data.ts) in a GAS's real proportions with
// orders by product, deliveries, shared costs, transfers, overdrafts and listings. Every act it
// writes must be applied by the fold (the figures are of a season that works), the invariants
// must hold at the end, and the mix must hold every kind of act it claims.
import test from 'brittle'
import { Graph } from '../src/merge/graph.js'
import { decodeBlockEntries } from '../src/merge/entries.js'
import { replay } from '../src/merge/replay.js'
import { checkInvariants } from '../src/fold/invariants.js'
import { season } from './bench/data.js'

for (const seed of [7, 8, 9]) {
  test(`bench season, seed ${seed}: every act applied, the invariants hold, every kind of act present`, (t) => {
    const s = season(20_000, seed)
    const g = new Graph()
    for (const [feed, list] of s.feeds) list.forEach((b, i) => { const d = decodeBlockEntries(b, feed, s.groupId); g.add(feed, i, d.block, d.entries, d.hash) })
    const r = replay(g, { groupId: s.groupId, founder: s.founder })
    t.is(r.log.length, s.acts, `${s.acts} acts`)
    const rejected = r.log.filter((e) => e.status !== 'applied')
    t.is(rejected.length, 0, rejected.length === 0 ? 'none rejected' : `rejected: ${rejected.slice(0, 3).map((e) => `${e.act?.body.type ?? '?'} ${e.status}`).join(', ')}`)
    t.alike(checkInvariants(r.state), [], 'the invariants hold')
    const kinds = new Map<string, number>()
    for (const e of r.log) kinds.set(e.act?.body.type ?? '?', (kinds.get(e.act?.body.type ?? '?') ?? 0) + 1)
    for (const k of ['Deposit', 'Commit', 'Book', 'CloseBookings', 'Deliver', 'AddCost', 'Transfer', 'AcceptTransfer', 'VoteSetLimits', 'SetListing', 'ClosePurchase', 'Withdraw', 'SettleCash']) t.ok((kinds.get(k) ?? 0) > 0, `${k}: ${kinds.get(k) ?? 0}`)
    t.ok([...r.state.members.values()].some((m) => m.creditCents < 0), 'some member is below zero, within an overdraft')
  })
}
