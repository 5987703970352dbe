// Who replicates with a node (SPEC §7: the ledger is personal data). Over real Hyperswarm
// connections on a local DHT: a stranger that knows the group's topic and an admin's feed key
// connects and gets no block; a joined device gets nothing until it is elected, then syncs.
import test from 'brittle'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Corestore from 'corestore'
import Hyperswarm from 'hyperswarm'
import createTestnet from 'hyperdht/testnet.js'
import HyperDHT from 'hyperdht'
import { GasNode } from '../src/node/node.js'
import { addFeeds } from '../src/node/storage/datadir.js'
import { waitFor } from '../examples/procs.js'
import { groupTopic } from '../src/node/network/replicator.js'
import { notGone } from '../src/api/presence.js'
import { LocalApi } from '../src/api/api.js'
import { status as statusText } from '../src/cli/format.js'
import { setLang } from '../src/cli/i18n.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-admission-'))

const until = async (what: string, ok: () => boolean): Promise<void> => await waitFor(what, async () => ok(), 30_000)

test('only the writers a node follows replicate with it: a stranger gets no block, a joined device syncs once elected', async (t) => {
  const testnet = await createTestnet(3)
  const bootstrap = [`${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`]
  const anna = await GasNode.open({ dir: tmp(), createIdentity: true })
  const g = await anna.createGroup('Ammissione', 'Anna')
  await anna.submit({ type: 'Deposit', member: anna.id, cents: 2500 })
  const bruno = await GasNode.open({ dir: tmp(), createIdentity: true })
  await bruno.joinGroup(g)
  const store = new Corestore(tmp())
  const stranger = new Hyperswarm({ dht: new HyperDHT({ bootstrap: testnet.bootstrap }) })
  t.teardown(async () => {
    await stranger.destroy()
    await store.close()
    for (const n of [anna, bruno]) await n.close()
    await testnet.destroy()
  })
  await anna.startSwarm({ bootstrap, lan: false })

  // The stranger knows the topic and Anna's feed key (her member id), as a member may.
  const core = store.get({ manifest: { version: 1, signers: [{ publicKey: Buffer.from(anna.id, 'hex') }] } })
  await core.ready()
  stranger.on('connection', (conn: any) => { conn.on('error', () => {}); store.replicate(conn) })
  stranger.join(groupTopic(g.groupId), { client: true, server: true })
  await until('Anna to refuse the stranger', () => anna.replicator!.refused > 0)
  t.is(core.length, 0, 'and got no block of her feed')
  t.absent(anna.replicator!.peers.some((p) => p.publicKey !== bruno.id), 'nor is it one of her peers')

  // Bruno joined but is not elected: his connections are refused too.
  const before = anna.replicator!.refused
  await bruno.startSwarm({ bootstrap, lan: false })
  await until('Anna to refuse Bruno', () => anna.replicator!.refused > before)
  t.absent(bruno.view?.state.members.has(anna.id) === true, 'a joined device reads nothing before its election')
  t.absent(anna.replicator!.peers.some((p) => p.publicKey === bruno.id), 'and is not Anna\'s peer')
  // Anna's status says a node knocks, with the id to register, then that Bruno waits for his election.
  setLang('en')
  const knocks = async (): Promise<string[]> => statusText(await new LocalApi(anna).status()).split('\n').filter((l) => l.startsWith('refused'))
  t.ok((await knocks()).some((l) => l.includes(`id ${bruno.id}: if it is a new laptop of the group, hypergas member add <name> ${bruno.id}`)), 'status: a node not an admin knocks, with its id')
  await anna.submit({ type: 'VoteRegisterMember', member: bruno.id, name: 'Bruno' })
  t.ok((await knocks()).some((l) => l.includes('Bruno\'s node tried to connect') && l.includes('hypergas elect --role cassiere Bruno')), 'registered: his name, and the election it waits for')

  // Elected, he is admitted: his node syncs without waiting for the next lookup.
  await anna.submit({ type: 'VoteElectCassiere', member: bruno.id })
  await until('Bruno to sync once elected', () => bruno.view?.state.members.get(anna.id)?.creditCents === 2500)
  t.ok(anna.replicator!.peers.some((p) => p.publicKey === bruno.id), 'Bruno is Anna\'s peer')
  t.absent((await knocks()).some((l) => l.includes('Bruno')), 'and no longer listed as refused')
  t.is(core.length, 0, 'the stranger still holds nothing')
})

test('an admin not met yet in the first minute of the swarm is not called gone', async (t) => {
  const testnet = await createTestnet(3)
  const bootstrap = [`${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`]
  let clock = Date.now()
  const anna = await GasNode.open({ dir: tmp(), createIdentity: true, now: () => clock })
  const g = await anna.createGroup('Incontro', 'Anna')
  const bruno = await GasNode.open({ dir: tmp(), createIdentity: true })
  await bruno.joinGroup(g)
  await anna.submit({ type: 'VoteRegisterMember', member: bruno.id, name: 'Bruno' })
  await anna.submit({ type: 'VoteElectCassiere', member: bruno.id })
  t.teardown(async () => { await bruno.close(); await anna.close(); await testnet.destroy() })
  // Bruno's laptop once wrote (replicated straight between the stores, not over the swarm), then left.
  const s1 = anna.store.replicate(true)
  const s2 = bruno.store.replicate(false)
  s1.pipe(s2).pipe(s1)
  await until('Anna to hold a block of Bruno\'s', () => anna.graph.receivedLength(bruno.id) > 0)
  ;(s1 as unknown as { destroy: () => void }).destroy()
  await anna.submit({ type: 'Deposit', member: anna.id, cents: 100 })
  t.ok(anna.view!.waitingFor.includes(bruno.id), 'confirmation waits for Bruno')
  t.absent(notGone(anna).has(bruno.id), 'with no swarm, nobody is on the way')
  await anna.startSwarm({ bootstrap, lan: false })
  t.ok(notGone(anna).has(bruno.id), 'just started: Bruno may be on his way')
  clock += 61_000
  t.absent(notGone(anna).has(bruno.id), 'a minute later, not met: gone')
})

test('a joined laptop syncs from the admin who elects it while the founder is away, with an invite from that admin\'s node, joined again while its node runs', async (t) => {
  const testnet = await createTestnet(3)
  const bootstrap = [`${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`]
  const anna = await GasNode.open({ dir: tmp(), createIdentity: true })
  const g = await anna.createGroup('Assente', 'Anna')
  const bruno = await GasNode.open({ dir: tmp(), createIdentity: true })
  await bruno.joinGroup(g)
  await anna.submit({ type: 'VoteRegisterMember', member: bruno.id, name: 'Bruno' })
  await anna.submit({ type: 'VoteElectCassiere', member: bruno.id })
  const dario = await GasNode.open({ dir: tmp(), createIdentity: true })
  await dario.joinGroup(g) // the founder's invite: Anna's feed only
  t.teardown(async () => {
    for (const n of [bruno, dario]) await n.close()
    await testnet.destroy()
  })
  await anna.startSwarm({ bootstrap, lan: false })
  await bruno.startSwarm({ bootstrap, lan: false })
  await until('Bruno to be an admin on his node', () => bruno.view?.state.admins.has(bruno.id) === true)
  await anna.close() // Anna's laptop is away from now on

  await bruno.submit({ type: 'VoteRegisterMember', member: dario.id, name: 'Dario' })
  await bruno.submit({ type: 'VoteElectReferente', member: dario.id })
  await dario.startSwarm({ bootstrap, lan: false })
  // `hypergas join` again, in another process, with the invite of Bruno's node: Dario's running node follows Bruno too.
  t.alike(addFeeds(dario.dir, [bruno.id]), [bruno.id], 'the second invite names Bruno')
  await until('Dario to sync from Bruno', () => dario.view?.state.admins.has(dario.id) === true)
  t.ok(dario.replicator!.peers.some((p) => p.publicKey === bruno.id), 'through Bruno\'s node')
})
