/**
 * The flood figure of `npm run bench` (issue 14, SPEC §8 "a flood of forged input leaves memory
 * flat"): a real node process takes `count` forged member-signed acts over HTTP (each with a new
 * random author key and a random signature, so every one is decoded, hashed and refused), and
 * its resident and heap memory after garbage collection are compared with a baseline taken after
 * a warm-up flood. Its log must not grow by a single act.
 */
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createAct } from '../../src/acts/act.js'
import { generateKeyPair } from '../../src/crypto.js'
import { hex, type MemberId, type PurchaseId } from '../../src/ids.js'
import { GasNode } from '../../src/node/node.js'

/** Where the author key starts in an act's bytes: version (1) + group length (1) + group (32). */
const AUTHOR_AT = 34

/** What {@link flood} measured. */
export interface FloodFigures {
  count: number
  ms: number
  /** Memory after garbage collection, MB: after the warm-up, and after the flood. */
  before: { rssMB: number, heapMB: number, log: number }
  after: { rssMB: number, heapMB: number, log: number }
  /** Answers by HTTP status. */
  statuses: Record<string, number>
}

/** Makes a one-admin group in `dir`, then floods its node with `count` forged acts after a `warmup`. */
export async function flood (dir: string, count: number, warmup: number): Promise<FloodFigures> {
  const setup = await GasNode.open({ dir, createIdentity: true })
  const g = await setup.createGroup('Flood', 'Anna')
  const open = await setup.submit({ type: 'OpenPurchase', name: 'Pane' })
  await setup.close()
  const template = createAct({ type: 'Commit', member: hex(generateKeyPair().publicKey) as MemberId, cents: 100, purchase: open.id as PurchaseId }, { group: g.groupId, keyPair: generateKeyPair(), timeMs: 1 }).bytes

  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'flood-server.js')
  const child = spawn(process.execPath, ['--expose-gc', script, dir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const next = async (): Promise<Record<string, any>> => JSON.parse((await lines.next()).value as string) // eslint-disable-line @typescript-eslint/no-explicit-any
  const { port } = await next()
  const mem = async (): Promise<FloodFigures['before']> => { child.stdin!.write('mem\n'); return await next() as FloodFigures['before'] }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  const statuses: Record<string, number> = {}
  const post = async (): Promise<void> => {
    const act = Buffer.from(template)
    randomFillSync(act, AUTHOR_AT, 32)
    randomFillSync(act, act.length - 64, 64)
    const body = `{"act":"${act.toString('hex')}"}`
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/acts/signed', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1
        res.resume()
        res.on('end', resolve)
      })
      req.on('error', reject)
      req.end(body)
    })
  }
  const run = async (n: number): Promise<void> => {
    let sent = 0
    await Promise.all(Array.from({ length: 32 }, async () => { while (sent < n) { sent++; await post() } }))
  }
  try {
    await run(warmup)
    const before = await mem()
    for (const k of Object.keys(statuses)) statuses[k] = 0
    const t0 = performance.now()
    await run(count)
    const ms = performance.now() - t0
    const after = await mem()
    return { count, ms, before, after, statuses }
  } finally {
    agent.destroy()
    child.stdin!.end()
    await new Promise((resolve) => child.once('exit', resolve))
  }
}
