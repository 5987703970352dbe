// Issue 5: relayed signatures checked on a worker thread (src/node/ingest/verifier.ts) give exactly the
// entries of checking them inline, forged ones included.
import test from 'brittle'
import { createAct } from '../src/acts/act.js'
import type { GroupId } from '../src/ids.js'
import { encodeBlock, NO_PREV } from '../src/merge/block.js'
import { decodeBlockEntries, settleCheck, type PendingCheck } from '../src/merge/entries.js'
import { Verifier } from '../src/node/ingest/verifier.js'
import { person } from './helpers/fixtures.js'

const A = person('v-anna')
const M = person('v-marta')

test('verifier: deferred checks on the worker thread give the inline entries', async (t) => {
  const genesis = createAct({ type: 'CreateGroup', name: 'V', founderName: 'Anna' }, { keyPair: A, timeMs: 0 })
  const group = genesis.id as GroupId
  // 40 commitments signed by Marta and relayed in Anna's feed; every fifth has a broken signature.
  const acts = Array.from({ length: 40 }, (_, i) => {
    const bytes = Buffer.from(createAct({ type: 'Commit', member: M.id, cents: 100 + i, purchase: genesis.id }, { group, keyPair: M, timeMs: i }).bytes)
    if (i % 5 === 0) bytes[bytes.length - 1] ^= 1
    return bytes
  })
  const block = encodeBlock({ prev: NO_PREV, links: [], acts })
  const inline = decodeBlockEntries(block, A.id, group).entries

  const verifier = new Verifier()
  t.teardown(() => verifier.close())
  const pending: PendingCheck[] = []
  const { entries } = decodeBlockEntries(block, A.id, group, undefined, pending)
  t.is(pending.length, 40, 'every relayed signature was left to the verifier')
  const ok = await verifier.verify(pending.map((p) => p.check))
  pending.forEach((p, i) => settleCheck(p, ok[i]))
  t.is(verifier.batchesOnWorker, 1, 'the batch ran on the worker thread')
  const view = (list: typeof inline): string[] => list.map((e) => (e.ok ? `ok ${e.act.id}` : `${e.code} ${e.id}`))
  t.alike(view(entries), view(inline), 'same entries as inline verification')
  t.is(inline.filter((e) => !e.ok && e.code === 'BAD_SIGNATURE').length, 8, 'the 8 forged acts are refused')
})
