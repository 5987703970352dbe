// A data directory damaged on disk (SPEC §6 and the README's "bad input gets a clear one-line
// error"): a store file whose checksum fails, an identity whose seed was changed, an emptied
// token. Real processes on real data directories: one line with a code, never a stack trace, never a hang.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { BIN, cli, startNode, stopNode } from '../examples/procs.js'
import { makeDataDir, season } from './bench/data.js'

/** Runs the CLI in `dir` (Italian unless told); answers exit status and both outputs. */
function run (dir: string, ...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, HYPERGAS_DEBUG: '' }, input: '', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const failure = (r: { stdout: string }): { code: string, details?: { variant?: string } } => (JSON.parse(r.stdout) as { error: { code: string, details?: { variant?: string } } }).error

test('a store file whose checksum fails: DATA_DIR with a restore into a new directory, no hang, no stack trace', { timeout: 180_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-damaged-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const dir = path.join(base, 'anna')
  await makeDataDir(season(3000, 7), dir)
  t.is(run(dir, 'status').status, 0, 'the directory works before the damage')
  const db = path.join(dir, 'corestore', 'db')
  const blob = fs.readdirSync(db).find((f) => f.endsWith('.blob'))
  t.ok(blob !== undefined, 'the store keeps the blocks in a blob file')
  const fd = fs.openSync(path.join(db, blob!), 'r+')
  fs.writeSync(fd, Buffer.from([0xff]), 0, 1, 100)
  fs.closeSync(fd)
  // Without its checkpoint the node reads every block, so it meets the damage.
  fs.rmSync(path.join(dir, 'checkpoint'), { force: true })
  fs.rmSync(path.join(dir, 'checkpoint.seal'), { force: true })
  const r = run(dir, '--json', '--lang', 'it', 'status')
  t.is(r.status, 1, 'exits 1, and does exit')
  t.is(failure(r).code, 'DATA_DIR')
  t.is(failure(r).details?.variant, 'storeDamaged')
  const lines = r.stderr.trim().split('\n')
  t.is(lines.length, 1, 'one line')
  t.ok(/^errore DATA_DIR: il registro di questa cartella dati è danneggiato .*hypergas restore <file> --dir <cartella nuova>/.test(lines[0]), `in Italian, with what to do: ${lines[0]}`)
})

test('an identity whose seed was changed is refused, not taken for another member', { timeout: 60_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-damaged-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const dir = path.join(base, 'anna')
  const me = String(cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna').memberId)
  const file = path.join(dir, 'identity.json')
  const id = JSON.parse(fs.readFileSync(file, 'utf8')) as { publicKey: string, seed: string }
  t.is(id.publicKey, me)
  fs.writeFileSync(file, JSON.stringify({ ...id, seed: (id.seed[0] === '0' ? '1' : '0') + id.seed.slice(1) }))
  for (const args of [['status'], ['backup', path.join(base, 'b.hgbackup')]]) {
    const r = run(dir, '--json', '--lang', 'en', ...args)
    t.is(r.status, 1, `${args[0]} refused`)
    t.is(failure(r).details?.variant, 'identityDamaged')
    t.ok(r.stderr.includes(`member id ${me.slice(0, 8)}`) && !r.stderr.includes('\n    at '), `one line naming the member id: ${r.stderr.trim()}`)
  }
  t.absent(fs.existsSync(path.join(base, 'b.hgbackup')), 'no backup of the wrong key')
})

test('an emptied token file: the node makes a new one, and the CLI acts through it', { timeout: 120_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-damaged-'))
  const dir = path.join(base, 'anna')
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  fs.writeFileSync(path.join(dir, 'token'), '')
  const node = await startNode('anna', dir, null, { args: ['--no-swarm'] })
  t.teardown(async () => { await stopNode(node); fs.rmSync(base, { recursive: true, force: true }) })
  const r = cli(dir, 'deposit', 'Anna', '5')
  t.is(r.status, 'applied', 'the deposit goes through the running node')
  t.ok(/^[0-9a-f]{64}\n$/.test(fs.readFileSync(path.join(dir, 'token'), 'utf8')), 'a token again')
})
