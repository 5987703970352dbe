// A peer that vanishes without closing (killed, its laptop's lid shut, dropped from the Wi-Fi)
// leaves the node's peers once the silence src/node/network/replicator.ts allows (10 s) has
// passed, not when UDX gives up retransmitting (13–18 s on loopback, up to 40 s seen). Two real
// node processes on a local DHT; one is killed with SIGKILL. And one connection per peer when both
// the LAN and a DHT reach it (test/lan.test.ts runs that with real nodes in namespaces).
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type Corestore from 'corestore'
import createTestnet from 'hyperdht/testnet.js'
import { get, setupAdmins, startNode, stopNode, waitFor } from '../examples/procs.js'
import type { GroupId } from '../src/ids.js'
import { Replicator } from '../src/node/network/replicator.js'

test('peers: an admin\'s node killed without closing leaves the other\'s peers within 11.5 s', async (t) => {
  const testnet = await createTestnet(3)
  const bootstrap = `${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-peers-'))
  const dirs = ['anna', 'bruno'].map((n) => path.join(base, n))
  setupAdmins(dirs, 'GAS', ['referente'])
  const anna = await startNode('anna', dirs[0], bootstrap)
  const bruno = await startNode('bruno', dirs[1], bootstrap)
  t.teardown(async () => {
    for (const n of [anna, bruno]) await stopNode(n)
    await testnet.destroy()
    fs.rmSync(base, { recursive: true, force: true })
  })
  const peers = async (): Promise<string[]> => ((await get(anna, '/api/status')).peers as Array<{ name: string | null }>).map((p) => p.name ?? '?')
  await waitFor('Anna and Bruno connected', async () => (await peers()).length > 0, 60_000)
  t.alike(await peers(), ['Bruno'], 'Bruno is Anna\'s peer')
  bruno.child.kill('SIGKILL')
  const killedAt = Date.now()
  await waitFor('Bruno gone from Anna\'s peers', async () => (await peers()).length === 0, 11_500)
  t.comment(`gone after ${Date.now() - killedAt} ms`)
  t.pass('Bruno left Anna\'s peers within 11.5 s of being killed')
})

/** A swarm as the replicator uses it, recording what it is asked (a unit test's stand-in). */
class FakeSwarm extends EventEmitter {
  readonly peers = new Map<string, { banned: boolean, ban: (b: boolean) => void }>()
  readonly joined: string[] = []
  join (): { flushed: () => Promise<void> } { return { flushed: async () => await new Promise<void>(() => {}) } }
  joinPeer (k: Buffer): void { this.joined.push(k.toString('hex')) }
  leavePeer (): void {}
  /** A connection from peer `key` (hex), known to this swarm as Hyperswarm's are. */
  connect (key: string): FakeConn {
    if (!this.peers.has(key)) { const p = { banned: false, ban: (b: boolean) => { p.banned = b } }; this.peers.set(key, p) }
    const c = new FakeConn(key)
    this.emit('connection', c)
    return c
  }
}

/** A connection as the replicator uses it. */
class FakeConn extends EventEmitter {
  readonly remotePublicKey: Buffer
  destroyed = false
  constructor (key: string) { super(); this.remotePublicKey = Buffer.from(key, 'hex') }
  destroy (): void { if (!this.destroyed) { this.destroyed = true; this.emit('close') } }
  setKeepAlive (): void {}
  setTimeout (): void {}
}

test('peers: one connection per peer, the LAN\'s; the DHT takes over when the LAN connection ends (unit, stand-in swarms)', (t) => {
  const replicated: FakeConn[] = []
  const r = new Replicator({ replicate: (c: FakeConn) => replicated.push(c) } as unknown as Corestore, '00'.repeat(32) as GroupId, {})
  const dht = new FakeSwarm()
  const lan = new FakeSwarm()
  const add = (via: 'dht' | 'lan', swarm: FakeSwarm): void => (r as unknown as { add: (n: unknown) => void }).add({ via, swarm, dht: null, discovery: null })
  add('dht', dht)
  add('lan', lan)
  const bruno = 'b'.repeat(64)
  const carla = 'c'.repeat(64)
  const ways = (): string[] => r.peers.map((p) => `${p.publicKey.slice(0, 1)} ${p.via}`).sort()
  // Over the LAN first, then the DHT: the DHT's is closed, and the DHT leaves Bruno alone.
  const first = lan.connect(bruno)
  const second = dht.connect(bruno)
  t.ok(second.destroyed && !first.destroyed, 'the DHT connection to a peer met on the LAN is closed')
  t.ok(dht.peers.get(bruno)?.banned, 'and the DHT swarm does not connect to him again meanwhile')
  t.alike(ways(), ['b lan'])
  t.is(replicated.length, 1, 'only the LAN connection replicates')
  // Over the DHT first (Carla), then the LAN: the LAN's replaces it.
  const viaDht = dht.connect(carla)
  t.alike(ways(), ['b lan', 'c dht'], 'a peer reached over the DHT alone keeps that connection')
  const viaLan = lan.connect(carla)
  t.ok(viaDht.destroyed && !viaLan.destroyed, 'a LAN connection replaces the DHT one')
  t.ok(dht.peers.get(carla)?.banned)
  t.alike(ways(), ['b lan', 'c lan'])
  // Bruno leaves the room: his LAN connection ends, and the DHT may (and does at once) reach him.
  first.destroy()
  t.absent(dht.peers.get(bruno)?.banned, 'the DHT swarm may reach him again')
  t.ok(dht.joined.includes(bruno), 'and is asked to, now')
  const back = dht.connect(bruno)
  t.absent(back.destroyed, 'his DHT connection is kept')
  t.alike(ways(), ['b dht', 'c lan'])
})
