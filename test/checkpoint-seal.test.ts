// The checkpoint seal (src/node/storage/checkpoint-seal.ts, issue 18 item 4 with issue 13 item 6):
// a checkpoint the node wrote, or verified in full, is sealed with a key derived from its seed,
// and only that seal lets a start skip the checks of the confirmed state.
import fs from 'node:fs'
import test from 'brittle'
import { encodeCheckpoint } from '../src/node/storage/checkpoint.js'
import { checkpointMac, sealKey } from '../src/node/storage/checkpoint-seal.js'
import { loadIdentity, paths } from '../src/node/storage/datadir.js'
import { GasNode } from '../src/node/node.js'
import { decodeFinal, encodeFinal } from '../src/node/storage/statecodec.js'
import { bodyOf, capturingStderr, flip, resumed, smallDir, start } from './helpers/checkpoint-dirs.js'
import { person } from './helpers/fixtures.js'

test('checkpoint seal: only the node\'s own seal lets a checkpoint skip the state\'s checks', async (t) => {
  const small = await smallDir(t)
  const sealFile = paths(small.dir).checkpointSeal
  const key = sealKey(loadIdentity(small.dir, false).seed)
  t.alike(fs.readFileSync(sealFile), checkpointMac(key, small.good), 'the node sealed the checkpoint it wrote, with its key')

  // A credit edited, the checksum recomputed, the state hash not: every check refuses it.
  const b = bodyOf(small.good)
  const { state, log } = decodeFinal(b.final)
  const dora = person('dora').id
  state.members.get(dora)!.creditCents += 100_000
  b.final = encodeFinal({ state, log })
  const forged = encodeCheckpoint(b)
  const reopen = async (seal: Uint8Array | null): Promise<{ credit: number, resumed: boolean, lines: string[] }> => {
    fs.writeFileSync(paths(small.dir).checkpoint, forged)
    if (seal === null) fs.rmSync(sealFile, { force: true })
    else fs.writeFileSync(sealFile, seal)
    const { value: node, lines } = await capturingStderr(async () => await GasNode.open({ dir: small.dir }))
    const r = { credit: node.requireView().confirmed.members.get(dora)!.creditCents, resumed: resumed(node), lines }
    await node.close()
    return r
  }
  const honest = decodeFinal(bodyOf(small.good).final).state.members.get(dora)!.creditCents
  for (const [what, seal] of [
    ['no seal', null],
    ['the old seal (of the honest file)', checkpointMac(key, small.good)],
    ['sealed with another node\'s key', checkpointMac(sealKey(Buffer.alloc(32, 9)), forged)],
    ['its seal with one bit flipped', flip(checkpointMac(key, forged), 5, 0x01)],
    ['its seal cut short', checkpointMac(key, forged).subarray(0, 31)]
  ] as const) {
    const r = await reopen(seal)
    t.ok(!r.resumed && r.credit === honest && r.lines.length === 1 && r.lines[0].startsWith('checkpoint ignored (BAD_CHECKPOINT: the confirmed state hashes to'), `${what}: verified in full, refused, the honest credit (${r.lines.join(' | ')})`)
  }
  // Sealed with the node's key, the same file is taken as the node wrote it: the seal, and
  // nothing else, is what skips the checks (whoever holds the seed can seal, as they can sign).
  const r = await reopen(checkpointMac(key, forged))
  t.ok(r.resumed && r.credit === honest + 100_000 && r.lines.length === 0, `sealed with the node's key: used without the state's checks (credit ${r.credit})`)

  // An honest file verified in full (its seal lost) is used, and sealed for the next start.
  fs.writeFileSync(paths(small.dir).checkpoint, small.good)
  fs.rmSync(sealFile)
  const again = await start(small.dir)
  t.ok(again.error === null && again.resumed && again.lines.length === 0 && JSON.stringify(again.summary) === JSON.stringify(small.honest), 'without its seal, the honest file is verified and used')
  t.alike(fs.readFileSync(sealFile), checkpointMac(key, small.good), 'and sealed again')
})

