/**
 * The two seeding peers of the sync benchmark as a process of their own (`npm run bench`, issue
 * 18 item 3), as two admins' laptops are in a group: a local DHT and two Hyperswarm peers serving
 * a season's feeds. Prints one JSON line, `{"bootstrap":["host:port",…]}`, once both peers
 * announce; tears everything down and exits when its standard input ends.
 *
 *   node dist/test/bench/seeders.js <acts> <dir> <seed>
 */
import path from 'node:path'
import Corestore from 'corestore'
import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import createTestnet from 'hyperdht/testnet.js'
import type { MemberId } from '../../src/ids.js'
import { groupTopic } from '../../src/node/network/replicator.js'
import { makeDataDir, season, type Season } from './data.js'

/** How a node opens a writer's feed: by the manifest naming the writer's key (as GasNode does). */
export const feedOf = (id: MemberId): { manifest: { version: number, signers: Array<{ publicKey: Buffer }> } } => ({ manifest: { version: 1, signers: [{ publicKey: Buffer.from(id, 'hex') }] } })

/** A running seeder: its swarm, store and DHT node. */
export interface Seeder { swarm: Hyperswarm, store: Corestore, dht: HyperDHT }

/**
 * Starts the two seeders of a season on `bootstrap`, each with an admin's key (a node replicates
 * only with the writers it follows), data directories under `base`.
 */
export async function startSeeders (s: Season, base: string, bootstrap: Array<{ host: string, port: number }>): Promise<Seeder[]> {
  const seeders: Seeder[] = []
  for (const [i, name] of ['seed1', 'seed2'].entries()) {
    const dir = path.join(base, `${name}-${s.acts}`)
    await makeDataDir(s, dir)
    const store = new Corestore(path.join(dir, 'corestore'))
    for (const a of s.admins) await store.get(feedOf(a.id)).ready()
    const dht = new HyperDHT({ bootstrap, firewalled: false })
    const admin = s.admins[i]
    const swarm = new Hyperswarm({ dht, keyPair: { publicKey: Buffer.from(admin.id, 'hex'), secretKey: admin.secretKey } })
    swarm.on('connection', (c: unknown) => store.replicate(c))
    await swarm.join(groupTopic(s.groupId), { server: true, client: false }).flushed()
    seeders.push({ swarm, store, dht })
  }
  return seeders
}

/** Stops seeders started by {@link startSeeders}. */
export async function stopSeeders (seeders: Seeder[]): Promise<void> {
  for (const x of seeders) { await x.swarm.destroy(); await x.dht.destroy(); await x.store.close() }
}

if (process.argv[1]?.endsWith(path.join('bench', 'seeders.js')) === true) {
  const [acts, dir, seed] = process.argv.slice(2)
  const testnet = await createTestnet(3)
  const seeders = await startSeeders(season(Number(acts), Number(seed)), dir, testnet.bootstrap)
  console.log(JSON.stringify({ bootstrap: testnet.bootstrap.map((b) => `${b.host}:${b.port}`) }))
  process.stdin.resume()
  process.stdin.on('end', () => {
    void stopSeeders(seeders).then(async () => await testnet.destroy()).then(() => process.exit(0))
  })
}
