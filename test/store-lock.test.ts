// SPEC §6 "Starting a node on an existing directory resumes exactly where it stopped": two
// processes opening a new store at once (a `start` and a `status` right after a restore) could
// leave Hypercore's device file `corestore/CORESTORE` empty, and Hypercore then refused the
// directory for ever as a copied store. The data directory's own lock comes first now, and an
// empty device file (a race lost, or a crash between creating and writing it) is written again.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { BIN, NODE_FLAGS, cli, startNode, stopNode } from '../examples/procs.js'
import { isHypergasError } from '../src/errors.js'
import { loadRunning, paths, saveRunning } from '../src/node/storage/datadir.js'
import { GasNode } from '../src/node/node.js'
import { openNode } from '../src/cli/connect.js'

/** A data directory holding a group whose store is then removed, as after `hypergas restore`. */
async function restoredDir (t: { teardown: (fn: () => void) => void }): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-lock-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const node = await GasNode.open({ dir, createIdentity: true })
  await node.createGroup('GAS', 'Anna')
  await node.close()
  for (const p of [paths(dir).corestore, paths(dir).checkpoint, paths(dir).checkpointSeal]) fs.rmSync(p, { recursive: true, force: true })
  return dir
}

test('store lock: of two opens at once one gets the store, the other DATA_DIR, and the directory stays usable', async (t) => {
  for (let round = 0; round < 8; round++) {
    const dir = await restoredDir(t)
    const opened = await Promise.allSettled([GasNode.open({ dir }), GasNode.open({ dir })])
    const nodes = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const refused = opened.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    t.is(nodes.length, 1, `round ${round}: one open has the store`)
    t.ok(refused.every((e) => isHypergasError(e, 'DATA_DIR') && e.details?.variant === 'busy'), `round ${round}: the other is told another process has it open`)
    for (const n of nodes) await n.close()
    const again = await GasNode.open({ dir })
    t.ok(again.group !== null, `round ${round}: the directory opens afterwards`)
    await again.close()
  }
})

test('store lock: an empty device file (a crash between creating and writing it) is written again', async (t) => {
  const dir = await restoredDir(t)
  const first = await GasNode.open({ dir })
  await first.close()
  const device = path.join(paths(dir).corestore, 'CORESTORE')
  fs.truncateSync(device, 0)
  const node = await GasNode.open({ dir })
  t.ok(node.group !== null, 'it opens')
  await node.close()
  t.ok(fs.statSync(device).size > 0, 'with its device file written')
})

test('store lock: `start` and `status` run at once on a restored directory; both answer, and a second start is told a node runs', { timeout: 120_000 }, async (t) => {
  for (let round = 0; round < 3; round++) {
    const dir = await restoredDir(t)
    const status = new Promise<{ code: number | null, out: string }>((resolve) => {
      const c = spawn(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--json', 'status'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      c.stdout.on('data', (d: Buffer) => { out += d.toString() })
      c.stderr.on('data', (d: Buffer) => { out += d.toString() })
      c.on('exit', (code) => resolve({ code, out }))
    })
    const node = await startNode(`lock${round}`, dir, null, { args: ['--no-swarm'] })
    const s = await status
    t.is(s.code, 0, `round ${round}: status answers while start opens the directory: ${JSON.stringify(s.out.slice(0, 120))}`)
    const second = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--lang', 'en', 'start', '--port', '0', '--no-swarm'], { encoding: 'utf8', timeout: 30_000 })
    t.ok(second.status === 1 && second.stderr.startsWith('error DATA_DIR: a node is already running in'), `round ${round}: a second start: ${second.stderr.trim()}`)
    await stopNode(node)
    t.is(cli(dir, 'status').group !== null, true, `round ${round}: the directory opens after the stop`)
  }
})

test('store lock: a node.json left by a crash, its pid now another process\'s, is not a running node', async (t) => {
  const dir = await restoredDir(t)
  saveRunning(dir, { pid: process.pid, host: '127.0.0.1', port: 1 }) // a live process that is no node of this directory
  t.is(typeof cli(dir, 'status').group, 'object', 'status opens the directory itself')
  t.is(loadRunning(dir), null, 'and removes the stale record')
  // Busy with a short command meanwhile (a deposit typed after a kill -9): wait for it, not "a node is already running".
  saveRunning(dir, { pid: process.pid, host: '127.0.0.1', port: 1 })
  const command = await GasNode.open({ dir })
  setTimeout(() => { void command.close() }, 1500)
  const opened = await openNode(dir, () => 'running', true)
  t.ok(opened instanceof GasNode, 'the directory busy, a stale record: waited for the command, then opened')
  if (opened instanceof GasNode) await opened.close()
  saveRunning(dir, { pid: process.pid, host: '127.0.0.1', port: 1 })
  const node = await startNode('stale', dir, null, { args: ['--no-swarm'] })
  t.pass('start runs')
  await stopNode(node)
})
