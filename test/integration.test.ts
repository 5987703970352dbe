// SPEC §6 with real processes: 3 nodes over a local DHT replicate and converge to one state
// hash; a node killed with SIGKILL mid-run and restarted loses no act it had acknowledged.
import path from 'node:path'
import test from 'brittle'
import { procGroup, act, get, setupAdmins, startNode, waitFor } from '../examples/procs.js'

type Row = Record<string, unknown>

test('3 processes converge; a SIGKILLed node restarts and keeps every acknowledged act', { timeout: 240000 }, async (t) => {
  const { base, bootstrap, nodes } = await procGroup('it', (fn) => t.teardown(fn))
  const dirs = ['a', 'b', 'c'].map((n) => path.join(base, n))
  setupAdmins(dirs, 'IT', ['cassiere', 'cassiere'])
  for (const [i, n] of ['a', 'b', 'c'].entries()) nodes.push(await startNode(n, dirs[i], bootstrap))
  await waitFor('writers synced', async () => ((await get(nodes[1], '/api/status')).me as Row).admin === true && ((await get(nodes[2], '/api/status')).me as Row).admin === true)

  const acked: string[] = []
  for (let i = 0; i < 10; i++) acked.push(await act(nodes[1], { type: 'Deposit', member: 'Anna', cents: 100 + i }))
  nodes[1].child.kill('SIGKILL')
  await new Promise((resolve) => nodes[1].child.once('exit', resolve))
  for (let i = 0; i < 10; i++) acked.push(await act(nodes[i % 2 === 0 ? 0 : 2], { type: 'Deposit', member: 'Bruno', cents: 200 + i }))
  nodes[1] = await startNode('b2', dirs[1], bootstrap)
  for (let i = 0; i < 5; i++) acked.push(await act(nodes[1], { type: 'Deposit', member: 'Carla', cents: 300 + i }))

  let hashes = new Set<unknown>()
  await waitFor('one state hash, all final', async () => {
    const st = await Promise.all(nodes.map((n) => get(n, '/api/status')))
    hashes = new Set(st.map((s) => (s.group as Row).stateHash))
    return hashes.size === 1 && st.every((s) => { const a = (s.group as Row).acts as Row; return a.final === a.total })
  }, 120000)
  t.is(hashes.size, 1, 'one state hash on three nodes')
  for (const n of nodes) {
    const log = await get(n, '/api/log?limit=1000')
    const ids = new Set((log.entries as Row[]).map((e) => e.actId))
    t.ok(acked.every((id) => ids.has(id)), `${n.name} holds all ${acked.length} acknowledged acts`)
  }
})
