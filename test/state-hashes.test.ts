// The state hashes remembered across starts (src/node/storage/state-hashes.ts, issue 18 item 4):
// a start whose first replay covers the blocks of the last close takes the hashes it wrote, and
// they are the hashes of its states; other blocks, a damaged or edited file, or a file of another
// node's key give nothing, and the hashes are computed as before.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { finishedStateHash, finishedStateHashKnown, stateHash } from '../src/fold/hash.js'
import { sealKey } from '../src/node/storage/checkpoint-seal.js'
import { paths } from '../src/node/storage/datadir.js'
import { GasNode } from '../src/node/node.js'
import { makeDataDir, season } from './bench/data.js'

/** What a start knew of its hashes before anyone asked, and what they are. */
interface Seen { known: [string | undefined, string | undefined], actual: [string, string] }

async function open (dir: string, ask = true): Promise<{ node: GasNode, seen: Seen }> {
  const node = await GasNode.open({ dir })
  const v = node.requireView()
  const seen: Seen = { known: [finishedStateHashKnown(v.state), finishedStateHashKnown(v.confirmed)], actual: [stateHash(v.state), stateHash(v.confirmed)] }
  // As `hypergas status` does: the hashes are asked for, so the close can write them.
  if (ask) { finishedStateHash(v.state); finishedStateHash(v.confirmed) }
  return { node, seen }
}

test('state hashes: taken on the blocks of the last close, and right; not on other blocks, a damaged file or another key', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-hashes-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  await makeDataDir(season(2000, 5), dir)
  const file = paths(dir).stateHashes

  let { node, seen } = await open(dir)
  t.alike(seen.known, [undefined, undefined], 'the first start knows no hash before hashing')
  await node.close()
  t.is(fs.statSync(file).size, 128, 'the close wrote the hashes it computed (128 bytes)')
  const first = fs.readFileSync(file);

  ({ node, seen } = await open(dir))
  t.alike(seen.known, seen.actual, `the next start has both hashes before hashing, and they are its states' (${seen.actual[0].slice(0, 8)}, ${seen.actual[1].slice(0, 8)})`)
  await node.submit({ type: 'Deposit', member: node.id, cents: 1234 })
  const after = stateHash(node.requireView().state)
  await node.close()
  t.alike(fs.readFileSync(file), first, 'a close that computed no hash of its states leaves the older file')

  ;({ node, seen } = await open(dir))
  t.is(seen.known[0], undefined, 'a start with a block more than the file names: the state hash is computed')
  t.is(seen.actual[0], after, 'and it is the hash of the state with the new act')
  await node.close()
  t.absent(fs.readFileSync(file).equals(first), 'that close wrote the new hashes')

  const good = fs.readFileSync(file)
  const edits: Array<[string, Buffer]> = []
  for (const at of [0, 31, 32, 63, 64, 95, 96, 127]) {
    const b = Buffer.from(good)
    b[at] ^= 0x01
    edits.push([`byte ${at} flipped`, b])
  }
  edits.push(['cut short', good.subarray(0, 127)], ['empty', Buffer.alloc(0)])
  // Hashes of another state under a MAC of another node's key (HMAC as the module computes it).
  const { createHmac } = await import('node:crypto')
  const body = Buffer.concat([good.subarray(0, 32), Buffer.alloc(64, 0xaa)])
  const other = createHmac('sha256', sealKey(Buffer.alloc(32, 3))).update('hypergas state hashes v1\n').update(body).digest()
  edits.push(['other hashes under another node\'s key', Buffer.concat([body, other])])
  for (const [what, bytes] of edits) {
    fs.writeFileSync(file, bytes)
    ;({ node, seen } = await open(dir, false))
    t.ok(seen.known[0] === undefined && finishedStateHash(node.requireView().state) === seen.actual[0], `${what}: not used, the hash computed`)
    await node.close()
  }
})
