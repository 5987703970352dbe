// Issue 12: an admin installs hypergas on a laptop. `npm pack` gives a tarball with the compiled
// dist/ inside; a global install of it into a temporary prefix puts a `hypergas` on the PATH that
// works from any directory. The dependencies come from npm's cache (filled by the project's own
// install) or the registry.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'

const ROOT = path.join(import.meta.dirname, '..', '..')

test('npm pack, then a global install into a prefix: hypergas runs from any directory', { timeout: 240_000 }, (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-install-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  // dist/ was just built by `npm test`: pack it without building again.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', base], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string, files: Array<{ path: string }> }>
  const files = packed[0].files.map((f) => f.path)
  t.ok(files.includes('dist/src/cli/main.js') && files.includes('dist/web/app.js') && files.includes('bin/hypergas.js'), 'the tarball holds the compiled CLI and page')
  t.absent(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/test/')), 'and neither sources nor tests')
  const prefix = path.join(base, 'prefix')
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(base, packed[0].filename)], { cwd: base, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const bin = path.join(prefix, 'bin', 'hypergas')
  t.ok(fs.existsSync(bin), 'bin/hypergas in the prefix')
  const elsewhere = fs.mkdtempSync(path.join(base, 'anywhere-'))
  const run = (...args: string[]): string => execFileSync(bin, args, { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` } })
  t.ok(run('--lang', 'en', '--help').includes('Usage: hypergas'), '--help')
  const init = JSON.parse(run('--dir', path.join(elsewhere, 'gas'), '--json', 'init', '--name', 'GAS Prova', '--founder', 'Anna')) as { invite: string }
  t.ok(init.invite.startsWith('hypergas1'), 'init works from another directory')
  t.ok(run('--dir', path.join(elsewhere, 'gas'), '--lang', 'it', 'deposit', 'Anna', '5').includes('Versamento di 5,00 € da Anna'), 'and an act')
})
