// Issue 3, the short version of `npm run chaos`: three real node processes on a local DHT, acts
// at every node, kill -9 and restart, nodes going offline and back, for 25 s; then one state hash,
// every acknowledged act present, and no confirmed act ever changed.
import test from 'brittle'
import { runChaos } from '../examples/chaos.js'

const SEED = 20261121

test(`chaos with 3 processes for 25 s (seed ${SEED})`, { timeout: 300_000 }, async (t) => {
  const r = await runChaos({ durationMs: 25_000, seed: SEED, log: (l) => t.comment(l) })
  t.comment(JSON.stringify(r))
  t.alike(r.violations, [], 'no violation')
  t.ok(r.kills + r.partitions > 0, 'faults were injected')
  t.ok(r.acked > 0 && r.observations > 0, 'acts issued and confirmed logs observed')
  t.is(r.hashes.length, 1, 'one state hash')
  t.ok(r.finalActs >= r.acked, 'every acknowledged act is final')
})
