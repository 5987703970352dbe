// Prints the resident memory (MB) of a process that has opened the node of data directory
// argv[2] (the state of every act loaded and replayed): used by `npm run bench`.
import { GasNode } from '../../src/node/node.js'

const node = await GasNode.open({ dir: process.argv[2] })
global.gc?.()
console.log(JSON.stringify({ rssMB: process.memoryUsage().rss / 1e6, acts: node.view?.logLength ?? 0 }))
await node.close()
