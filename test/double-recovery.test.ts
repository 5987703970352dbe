// A member who votes on both sides of a partition (docs/ordering.md §5): each side's members
// recover the group against the other side's admin, and both recoveries carry. Safety cannot hold
// then (each side confirmed its own history), but the state must stay a function of the blocks:
// every node holding the same blocks shows what a replay of them from scratch gives, whatever order
// they arrived in (found by an audit with real processes: a node rebuilt from its blocks showed the
// other side's history, for good). Two real nodes, stores replicated directly.
import test from 'brittle'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { GasNode } from '../src/node/node.js'
import { replay } from '../src/merge/replay.js'
import { stateHash } from '../src/fold/hash.js'
import type { MemberId } from '../src/ids.js'
import { waitFor } from '../examples/procs.js'
import { person } from './helpers/fixtures.js'
import { LocalApi } from '../src/api/api.js'
import { status as statusText } from '../src/cli/format.js'
import { setLang } from '../src/cli/i18n.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-double-'))

/** Replicates the two nodes' stores until the returned function is called. */
function connect (a: GasNode, b: GasNode): () => void {
  const s1 = a.store.replicate(true)
  const s2 = b.store.replicate(false)
  s1.pipe(s2).pipe(s1)
  return () => { (s1 as unknown as { destroy: () => void }).destroy(); (s2 as unknown as { destroy: () => void }).destroy() }
}

const hashes = (n: GasNode): string => `${stateHash(n.view!.state)} ${stateHash(n.view!.confirmed)} ${n.view!.finalCount}`

test('a member who votes to recover both admins of a partition: every node shows what a replay of its blocks gives', async (t) => {
  const anna = await GasNode.open({ dir: tmp(), createIdentity: true, ackDelayMs: 5 })
  const g = await anna.createGroup('Doppio', 'Anna')
  const bruno = await GasNode.open({ dir: tmp(), createIdentity: true, ackDelayMs: 5 })
  await bruno.joinGroup(g)
  t.teardown(async () => { await anna.close(); await bruno.close() })
  const k = [1, 2, 3].map((i) => person(`double-k${i}`))
  await anna.submit({ type: 'VoteRegisterMember', member: bruno.id, name: 'Bruno' })
  await anna.submit({ type: 'VoteElectCassiere', member: bruno.id })
  for (const [i, m] of k.entries()) await anna.submit({ type: 'VoteRegisterMember', member: m.id, name: `Socio ${i + 1}` })
  let cut = connect(anna, bruno)
  const allFinal = (n: GasNode): boolean => n.view !== null && n.view.finalCount === n.view.entries.length && n.view.state.members.has(k[2].id)
  await waitFor('both nodes to confirm the set-up', async () => allFinal(anna) && allFinal(bruno), 30_000)
  cut()

  // Partition. Socio 1 votes on both sides.
  const side = async (n: GasNode, other: MemberId, voters: Array<ReturnType<typeof person>>, m: MemberId): Promise<void> => {
    await n.submit({ type: 'Deposit', member: m, cents: 100 })
    await n.submit({ type: 'VoteRecover', member: other })
    for (const v of voters) await n.submit({ type: 'VoteRecover', member: other }, v)
    await n.submit({ type: 'Deposit', member: m, cents: 10_000 })
  }
  await side(anna, bruno.id, [k[0], k[1]], k[1].id)
  await side(bruno, anna.id, [k[0], k[2]], k[2].id)
  t.absent(anna.view!.state.admins.has(bruno.id), 'Anna\'s side recovered the group against Bruno')
  t.absent(bruno.view!.state.admins.has(anna.id), 'Bruno\'s side against Anna')

  cut = connect(anna, bruno)
  // Healed: wait until both hold each other's feed whole and nothing changes for a while.
  let last = ''
  let still = 0
  await waitFor('the nodes to settle', async () => {
    await Promise.all([anna.settled(), bruno.settled()])
    const now = `${hashes(anna)} | ${hashes(bruno)} | ${anna.graph.receivedLength(bruno.id)}/${bruno.store.get({ key: Buffer.from(bruno.id, 'hex') }).length}`
    still = now === last ? still + 1 : 0
    last = now
    return still >= 10
  }, 60_000)
  cut()
  for (const n of [anna, bruno]) {
    const full = replay(n.graph, g)
    t.is(hashes(n), `${stateHash(full.state)} ${stateHash(full.confirmed)} ${full.finalCount}`, `${n === anna ? 'Anna' : 'Bruno'}'s node shows what a replay of its blocks gives`)
  }
  t.is(hashes(anna), hashes(bruno), 'and both show the same')
  setLang('en')
  t.ok(statusText(await new LocalApi(anna).status()).includes('Socio 1 signed the members\' recovery against two admins'), 'status names the member who voted on both sides')
})
