// Prints the resident memory (MB) of a process that has opened the node of data directory
// argv[2] (the state of every act loaded and replayed): used by `npm run bench`.
import { setTimeout as sleep } from 'node:timers/promises'
import { GasNode } from '../../src/node/node.js'

const node = await GasNode.open({ dir: process.argv[2] })
// V8 frees the memory of dead ArrayBuffers (the checkpoint file read at start: 141 MB at
// 1,000,000 acts) on a background thread after a collection: read at once, the resident set
// still held it in about one run in three (~700 MB against ~560 MB). The pause lets it finish.
global.gc?.()
await sleep(250)
console.log(JSON.stringify({ rssMB: process.memoryUsage().rss / 1e6, acts: node.view?.logLength ?? 0 }))
await node.close()
