// Issue 5, the persisted checkpoint (src/node/checkpoint.ts) on real Corestores: a start that
// resumes after the checkpoint's final prefix reaches exactly the replay of every block; a
// stale, tampered or unreadable checkpoint is ignored and changes nothing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import test from 'brittle'
import { stateHash } from '../src/fold/hash.js'
import { UNREAD } from '../src/merge/entries.js'
import { LocalApi } from '../src/node/api.js'
import { paths } from '../src/node/datadir.js'
import { GasNode } from '../src/node/node.js'
import { makeDataDir, season } from './bench/data.js'
import { plainState } from './helpers/fixtures.js'

const SEED = 11
const ACTS = 3000

/** What two replays must agree on: hashes, the final prefix, every act's place and status. */
function summary (node: GasNode): Record<string, unknown> {
  const v = node.requireView()
  return {
    state: stateHash(v.state),
    confirmed: stateHash(v.confirmed),
    confirmedState: plainState(v.confirmed),
    finalCount: v.finalCount,
    finalBlocks: v.finalBlocks,
    log: v.log.map((e) => `${e.seq}:${e.actId}:${e.feed.slice(0, 8)}:${e.index}:${e.status}:${String(e.final)}:${String(e.timeMs)}`).join(',')
  }
}

/** True when the first block of the node's order came from the checkpoint, unread. */
const resumed = (node: GasNode): boolean => node.graph.order()[0].acts.includes(UNREAD)

async function seasonDir (): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-cp-'))
  await makeDataDir(season(ACTS, SEED), dir)
  return dir
}

test('checkpoint: a start resuming after it equals the replay of every block, before and after a new act', async (t) => {
  const dir = await seasonDir()
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  let node = await GasNode.open({ dir })
  t.absent(resumed(node), 'the first start reads every act (no checkpoint yet)')
  const full = summary(node)
  const fullLog = await new LocalApi(node).log(0, 50)
  t.ok((full.finalCount as number) > 0, `the season has a final prefix (${String(full.finalCount)} acts)`)
  await node.close()
  t.ok(fs.existsSync(paths(dir).checkpoint), 'closing wrote the checkpoint')

  node = await GasNode.open({ dir })
  t.ok(resumed(node), 'the second start took the final prefix from the checkpoint, unread')
  t.alike(summary(node), full, 'same hashes, final prefix and log as the replay of every act')
  t.alike(await new LocalApi(node).log(0, 50), fullLog, 'the log page shows the same acts (read back from their blocks)')

  await node.submit({ type: 'Deposit', member: node.id, cents: 4321 })
  const after = summary(node)
  await node.close()
  fs.rmSync(paths(dir).checkpoint)
  node = await GasNode.open({ dir })
  t.absent(resumed(node), 'without the checkpoint, every act is read')
  t.alike(summary(node), after, 'a replay of every block agrees after a new act')
  await node.close()
})

test('checkpoint: a tampered, unreadable or inconsistent checkpoint is ignored', async (t) => {
  const dir = await seasonDir()
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  let node = await GasNode.open({ dir })
  const full = summary(node)
  await node.close()
  const file = paths(dir).checkpoint
  const good = fs.readFileSync(file)

  const tries: Array<[string, Buffer]> = []
  const wrongHash = v8.deserialize(good)
  wrongHash.feeds[0].treeHash = '00'.repeat(32)
  tries.push(['a feed whose tree hash differs (stale)', v8.serialize(wrongHash)])
  tries.push(['bytes that do not decode', Buffer.from('not a checkpoint')])
  const otherGroup = v8.deserialize(good)
  otherGroup.groupId = 'ab'.repeat(32)
  tries.push(['another group', v8.serialize(otherGroup)])
  const badBlocks = v8.deserialize(good)
  badBlocks.feeds[1].blocks[1] = 7
  tries.push(['block columns that do not describe the feed', v8.serialize(badBlocks)])
  const cut = v8.deserialize(good)
  cut.final = cut.final.subarray(0, cut.final.byteLength - 100)
  tries.push(['a state cut short', v8.serialize(cut)])
  // A freeze the walk never performs: the resumed walk gives up and every block is read again.
  const bogusFreeze = v8.deserialize(good)
  const w = bogusFreeze.feeds[1].feed
  bogusFreeze.rest.freezes.set(w, [{ feed: w, length: 1, by: { feed: bogusFreeze.feeds[0].feed, index: 0 }, pos: 0 }])
  tries.push(['a freeze that the walk does not perform', v8.serialize(bogusFreeze)])

  for (const [what, bytes] of tries) {
    fs.writeFileSync(file, bytes)
    node = await GasNode.open({ dir })
    t.absent(resumed(node), `${what}: not used`)
    t.alike(summary(node), full, `${what}: same replay as with no checkpoint`)
    await node.close()
  }
})
