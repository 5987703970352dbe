// The node process of the flood benchmark (`npm run bench -- --only flood`): opens the data
// directory argv[2], serves its HTTP API on a free loopback port with the per-client rate limit
// off (the worst case: a flood from as many addresses as it takes), prints the port, then on each
// line "mem" on stdin collects garbage and prints its resident and heap memory (MB).
import readline from 'node:readline'
import { createServer } from '../../src/http/server.js'
import { GasNode } from '../../src/node/node.js'

const node = await GasNode.open({ dir: process.argv[2] })
const app = createServer({ node, token: 'flood', host: '127.0.0.1', publicPerMinute: 0 })
await app.listen({ host: '127.0.0.1', port: 0 })
console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port }))
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line !== 'mem') continue
  for (let i = 0; i < 3; i++) { global.gc?.(); await new Promise((resolve) => setTimeout(resolve, 50)) }
  const m = process.memoryUsage()
  console.log(JSON.stringify({ rssMB: m.rss / 1e6, heapMB: m.heapUsed / 1e6, log: node.view?.logLength ?? 0 }))
}
await app.close()
await node.close()
