// A peer that vanishes without closing (killed, its laptop's lid shut, dropped from the Wi-Fi)
// leaves the node's peers once the silence src/node/network/replicator.ts allows (10 s) has
// passed, not when UDX gives up retransmitting (13–18 s on loopback, up to 40 s seen). Two real
// node processes on a local DHT; one is killed with SIGKILL.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { get, setupAdmins, startNode, stopNode, waitFor } from '../examples/procs.js'

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
