// The stall figures of `npm run bench` (issue 18 item 5), measured inside a node process of its
// own (started with the CLI's V8 flags), so the benchmark's own heap (the generated season) does
// not lengthen the node's garbage collections. argv: data directory, member id, acts to append.
// Prints one JSON line: the longest event-loop delays (ms) while the first checkpoint is written,
// while the acts are appended one by one, and while acts each followed by a status request are;
// the write's duration and the appends per second.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { MemberId } from '../../src/ids.js'
import { GasNode } from '../../src/node/node.js'
import { LocalApi } from '../../src/api/api.js'

/** Acts each followed by a status request (each hashes a new state). */
const STATUS_ACTS = 20

const [dir, member, count] = [process.argv[2], process.argv[3] as MemberId, Number(process.argv[4])]
// The first start folds every act and starts writing the checkpoint in the background. Its
// garbage costs one major collection of ~90 ms, once in a node's life (docs/performance.md):
// collected here, before measuring.
const node = await GasNode.open({ dir })
global.gc?.()
const h = monitorEventLoopDelay({ resolution: 10 })
h.enable()
const w = performance.now()
await node.settled()
const writingMs = performance.now() - w
const duringCheckpoint = h.max / 1e6
h.reset()
const t = performance.now()
for (let i = 0; i < count; i++) await node.submit({ type: 'Deposit', member, cents: 100 })
const actingMs = performance.now() - t
const duringActs = h.max / 1e6
// As a web page open on the node does: after each act, the status (whose state hash is of a
// new state each time), while other work waits for the event loop.
h.reset()
const api = new LocalApi(node)
for (let i = 0; i < STATUS_ACTS; i++) {
  await node.submit({ type: 'Deposit', member, cents: 100 })
  await api.status()
}
const duringStatus = h.max / 1e6
h.disable()
await node.close()
console.log(JSON.stringify({ duringCheckpoint, writingMs, duringActs, appendsPerS: count / actingMs * 1000, duringStatus, statusActs: STATUS_ACTS }))
