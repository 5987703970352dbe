// Nodes say their rules version to each other (src/fold/rules.ts, src/node/network/rules.ts):
// over real Hyperswarm connections on a local DHT, a node sees each peer's version, a peer of a
// hypergas that does not say one stays unknown and still replicates, and `status` names a peer
// whose rules differ, in both directions and both languages.
import test from 'brittle'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import createTestnet from 'hyperdht/testnet.js'
import { GasNode } from '../src/node/node.js'
import { LocalApi } from '../src/api/api.js'
import { RULES_VERSION } from '../src/fold/rules.js'
import { status as statusText } from '../src/cli/format.js'
import { setLang } from '../src/cli/i18n.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-rules-'))

async function until (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('rules versions over real connections: each peer\'s is known, an old peer\'s is unknown, status names a difference', async (t) => {
  const testnet = await createTestnet(3)
  const bootstrap = [`${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`]
  const anna = await GasNode.open({ dir: tmp(), createIdentity: true })
  const g = await anna.createGroup('Regole', 'Anna')
  const bruno = await GasNode.open({ dir: tmp(), createIdentity: true })
  await bruno.joinGroup(g)
  await anna.submit({ type: 'VoteRegisterMember', member: bruno.id, name: 'Bruno' })
  await anna.submit({ type: 'VoteElectCassiere', member: bruno.id })
  const carla = await GasNode.open({ dir: tmp(), createIdentity: true })
  await carla.joinGroup(g)
  await anna.submit({ type: 'VoteRegisterMember', member: carla.id, name: 'Carla' })
  await anna.submit({ type: 'VoteElectReferente', member: carla.id }) // only the group's writers replicate with each other
  t.teardown(async () => {
    for (const n of [anna, bruno, carla]) await n.close()
    await testnet.destroy()
  })
  // Anna runs this hypergas; Bruno an older one; Carla one from before the rules were said.
  await anna.startSwarm({ bootstrap, lan: false })
  await bruno.startSwarm({ bootstrap, lan: false, rules: RULES_VERSION - 1 })
  await carla.startSwarm({ bootstrap, lan: false, rules: undefined })
  const peer = (n: GasNode, of: GasNode): { rules: number | null } | undefined => n.replicator?.peers.find((p) => p.publicKey === of.id)
  await until('every node to see the other two', () => [anna, bruno, carla].every((n) => (n.replicator?.peers.length ?? 0) >= 2))
  await until('the versions said', () => peer(anna, bruno)?.rules === RULES_VERSION - 1 && peer(bruno, anna)?.rules === RULES_VERSION)
  t.is(peer(anna, bruno)?.rules, RULES_VERSION - 1, 'Anna knows Bruno\'s older rules')
  t.is(peer(bruno, anna)?.rules, RULES_VERSION, 'Bruno knows Anna\'s')
  t.is(peer(anna, carla)?.rules, null, 'a peer that says nothing is unknown')
  t.is(peer(carla, anna)?.rules, null, 'and hears nothing it did not ask for')
  await until('Carla to replicate all the same', () => carla.view?.state.admins.has(carla.id) === true)
  t.ok(carla.view!.state.admins.has(bruno.id), 'replication goes on beside the channel')

  const s = await new LocalApi(anna).status()
  t.is(s.rules, RULES_VERSION)
  setLang('en')
  const warnings = (text: string): string[] => text.split('\n').filter((l) => l.includes(' rules ('))
  t.alike(warnings(statusText(s)), [`rules      Bruno's node merges with older rules (${RULES_VERSION - 1}; this node ${RULES_VERSION}): from the same acts it can compute other balances; update hypergas on that computer`], 'Anna\'s status names Bruno\'s older rules, and nothing of Carla\'s unknown ones')
  t.ok(statusText(s).split('\n').some((l) => l.includes(bruno.id.slice(0, 8)) && l.trim().endsWith(String(RULES_VERSION - 1))), 'the peers table gives each peer\'s version')
  // The same peers seen from a node of other rules: Bruno's are newer than RULES_VERSION - 2.
  t.ok(statusText({ ...s, rules: RULES_VERSION - 2 }).includes(`Bruno's node merges with newer rules (${RULES_VERSION - 1}; this node ${RULES_VERSION - 2}): from the same acts this node can compute other balances; update hypergas on this computer`), 'a newer peer: update this computer')
  setLang('it')
  t.ok(statusText(s).includes(`il nodo di Bruno usa regole più vecchie (${RULES_VERSION - 1}; questo nodo ${RULES_VERSION})`), 'in Italian')
  t.absent(statusText({ ...s, rules: RULES_VERSION - 1 }).includes('regole più'), 'the same rules: no warning')
  setLang('en')
})
