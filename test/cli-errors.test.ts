// Issue 14 item 6: every failure a user can cause at the command line ends in one line with a
// stable code and a non-zero exit, in either language, and never shows a stack trace. Real
// processes on real data directories; one node runs so that a busy port is met for real.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import net from 'node:net'
import { HttpApi } from '../src/http/client.js'
import type { HypergasError } from '../src/errors.js'
import { BIN, cli, setupAdmins, startNode, stopNode } from '../examples/procs.js'

/** Runs the CLI; answers exit status and both outputs. */
function run (dir: string, args: string[], env: Record<string, string> = {}): { status: number | null, stdout: string, stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, HYPERGAS_DEBUG: '', ...env }, input: '', timeout: 30_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('CLI: bad input gives one line with a code, a non-zero exit and no stack trace', { timeout: 180_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-clierr-'))
  const dir = path.join(base, 'anna')
  const other = path.join(base, 'other')
  const empty = path.join(base, 'empty')
  const version = run(empty, ['--version'])
  t.is(version.stdout.trim(), (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version, '--version prints the package\'s version')
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  const marta = cli(dir, 'keygen', '--out', path.join(base, 'marta.json'))
  cli(dir, 'member', 'add', 'Marta', String(marta.publicKey))
  cli(dir, 'purchase', 'open', 'Pane')
  cli(other, 'init', '--name', 'Altro', '--founder', 'Zoe')
  fs.writeFileSync(path.join(base, 'bad.json'), '{not json')
  fs.writeFileSync(path.join(base, 'noseed.json'), '{"seed": 12}')
  fs.writeFileSync(path.join(base, 'notbackup'), 'hello')
  // A data directory copied whole (as to a new laptop): Hypercore refuses to open the copy's store.
  fs.cpSync(dir, path.join(base, 'copied'), { recursive: true })
  const running = await startNode('busy', other, null, { args: ['--no-swarm'] })
  t.teardown(async () => { await stopNode(running); fs.rmSync(base, { recursive: true, force: true }) })
  const busyPort = new URL(running.url).port

  const cases: Array<[string, string[], string, string?]> = [
    ['unknown command', ['frobnicate'], 'BAD_ARGUMENT'],
    ['unknown option', ['status', '--bogus'], 'BAD_ARGUMENT'],
    ['missing argument', ['deposit'], 'BAD_ARGUMENT'],
    ['missing option', ['elect', 'Marta'], 'BAD_ARGUMENT'],
    ['bad role', ['elect', '--role', 'king', 'Marta'], 'BAD_ARGUMENT'],
    ['a language hypergas does not speak', ['--lang', 'fr', 'status'], 'BAD_ARGUMENT'],
    ['amount with three decimals', ['deposit', 'Marta', '12,345'], 'BAD_AMOUNT'],
    ['negative amount', ['deposit', 'Marta', '-5'], 'BAD_AMOUNT'],
    ['amount too large', ['deposit', 'Marta', '999999999999999999'], 'BAD_AMOUNT'],
    ['amount with a thousands separator and no decimals', ['deposit', 'Marta', '1.000'], 'BAD_AMOUNT'],
    ['an overdraft over 1,000,000 €', ['limit', 'Marta', '--overdraft', '2000000'], 'BAD_AMOUNT'],
    ['unknown member', ['deposit', 'Nessuno', '5'], 'NOT_FOUND'],
    ['unknown purchase', ['commit', 'Marta', '5', 'Nessuno'], 'NOT_FOUND'],
    ['registration with a name as key', ['member', 'add', 'Luca', 'notakey'], 'BAD_KEY'],
    ['missing key file', ['commit', 'Marta', '5', 'Pane', '--key', path.join(base, 'nope.json')], 'BAD_ARGUMENT'],
    ['key file not JSON', ['commit', 'Marta', '5', 'Pane', '--key', path.join(base, 'bad.json')], 'BAD_KEY'],
    ['key file without seed', ['commit', 'Marta', '5', 'Pane', '--key', path.join(base, 'noseed.json')], 'BAD_KEY'],
    ['more than the credit', ['withdraw', 'Marta', '5'], 'INSUFFICIENT_CREDIT'],
    ['booking on a purchase without a catalogue', ['book', 'Marta', 'Pane', 'miele=1'], 'NO_CATALOGUE'],
    ['a catalogue that never ends', ['purchase', 'open', 'Infinito', '--catalogue', '/dev/zero'], 'BAD_ARGUMENT'],
    ['supplier with nothing after it', ['supplier'], 'BAD_ARGUMENT'],
    ['purchase with nothing after it', ['purchase'], 'BAD_ARGUMENT'],
    ['bad invite', ['join', 'hypergas1xyz'], 'BAD_INVITE', empty],
    ['no group here', ['status'], 'DATA_DIR', empty],
    ['a copied data directory', ['status'], 'DATA_DIR', path.join(base, 'copied')],
    ['a file as the data directory', ['status'], 'DATA_DIR', path.join(base, 'notbackup')],
    ['bad port', ['start', '--port', '99999'], 'BAD_ARGUMENT'],
    ['bad bootstrap', ['start', '--bootstrap', 'nonsense'], 'BAD_ARGUMENT'],
    ['address not of this machine', ['start', '--host', '10.254.254.254', '--no-swarm'], 'BAD_ARGUMENT'],
    ['busy port', ['start', '--port', busyPort, '--no-swarm'], 'PORT_IN_USE'],
    ['log limit', ['log', '--limit', '0'], 'BAD_ARGUMENT'],
    ['login with no node running', ['login'], 'NOT_RUNNING'],
    ['personal link for nobody', ['link', 'Nessuno'], 'NOT_FOUND'],
    ['personal link for a key never registered', ['link', 'ab'.repeat(32)], 'NOT_FOUND'],
    ['deposit for nobody', ['deposit', 'Nessuno', '5'], 'NOT_FOUND'],
    ['a member id mistyped', ['member', 'add', 'Bruno', 'abc123'], 'BAD_KEY'],
    ['offline with no node running', ['offline'], 'NOT_RUNNING'],
    ['restore of a file that is not a backup', ['restore', path.join(base, 'notbackup')], 'BAD_BACKUP', path.join(base, 'fresh')],
    ['a key file over an existing file', ['keygen', '--out', path.join(base, 'marta.json')], 'BAD_ARGUMENT'],
    ['backup into a missing directory', ['backup', path.join(base, 'no', 'such', 'dir.hgbackup')], 'BAD_ARGUMENT']
  ]
  for (const [what, args, code, where] of cases) {
    const said: string[] = []
    for (const lang of ['en', 'it']) {
      const r = run(where ?? dir, ['--lang', lang, ...args], { HYPERGAS_PASSPHRASE: 'correct horse battery' })
      const lines = r.stderr.trim().split('\n')
      const ok = r.status !== 0 && lines.length === 1 && new RegExp(`^(error|errore) ${code}: \\S`).test(lines[0]) && !/\n\s+at /.test(r.stderr + r.stdout)
      t.ok(ok, `${what} (${lang}): exit ${String(r.status)}, ${JSON.stringify(r.stderr.trim()).slice(0, 160)}`)
      said.push(lines[0].replace(/^errore? /, ''))
    }
    t.not(said[1], said[0], `${what}: the Italian message is not the English one`)
  }
  t.is(run(dir, ['--lang', 'it', 'purchase', 'open', 'Infinito', '--catalogue', '/dev/zero']).stderr.trim(), 'errore BAD_ARGUMENT: il file /dev/zero supera i 3 MiB: non è un listino', 'a catalogue that never ends: read up to its cap, then refused')
  const typo = path.join(base, 'a-profile-typed-wrong')
  t.is(run(typo, ['status']).status, 1)
  t.absent(fs.existsSync(typo), 'a data directory with no identity is not left behind by a command that failed there')
  t.is(run(dir, ['--lang', 'it', 'supplier']).stderr.trim(), 'errore BAD_ARGUMENT: uso: hypergas supplier add <nome> [--vat N] [--contacts C] [--categories a,b] [--notes N]', 'a usage line with its placeholders in Italian')
  // Commander's usage errors in the user's language, its suggestion kept on the same line.
  t.is(run(dir, ['--lang', 'it', 'stauts']).stderr.trim(), 'errore BAD_ARGUMENT: comando sconosciuto \'stauts\' (forse status?) (--help)')
  t.is(run(dir, ['--lang', 'en', 'stauts']).stderr.trim(), 'error BAD_ARGUMENT: unknown command \'stauts\' (did you mean status?) (--help)')
  t.is(run(dir, ['--lang', 'it', 'elect', '--role', 're', 'Marta']).stderr.trim(), 'errore BAD_ARGUMENT: opzione \'--role <ruolo>\': \'re\' non è tra referente, cassiere (--help)')
  const copied = run(path.join(base, 'copied'), ['--lang', 'en', 'status'])
  t.ok(/is a copy .*hypergas restore/.test(copied.stderr), `a copy is named as such, with the way to a new machine: ${copied.stderr.trim().slice(0, 120)}`)
  // With --json a script reads the failure on stdout too, as one JSON object; stderr keeps its line.
  const asJson = run(dir, ['--lang', 'it', '--json', 'deposit', 'Marta', '1,2345'])
  t.is(asJson.status, 1)
  t.alike(JSON.parse(asJson.stdout), { error: { code: 'BAD_AMOUNT', message: 'serve un importo in euro come 12,50 o 12.50 (al più 2 decimali), non "1,2345"', details: { input: '1,2345', variant: 'euros' } } }, '--json: the error as JSON on stdout')
  t.is(asJson.stderr.trim(), 'errore BAD_AMOUNT: serve un importo in euro come 12,50 o 12.50 (al più 2 decimali), non "1,2345"', 'and the same one line on stderr')
  t.is(run(dir, ['deposit', 'Marta', '1,2345']).stdout, '', 'without --json, nothing on stdout')
  // A mistake commander catches while reading the command line, too.
  const usage = run(dir, ['--lang', 'en', '--json', 'depost'])
  t.alike(JSON.parse(usage.stdout), { error: { code: 'BAD_ARGUMENT', message: 'unknown command \'depost\' (did you mean deposit?) (--help)' } }, '--json: a usage error as JSON on stdout')
  t.is(usage.stderr.trim(), 'error BAD_ARGUMENT: unknown command \'depost\' (did you mean deposit?) (--help)')
  const bare = run(dir, ['--lang', 'en', '--json', 'mail'])
  t.alike([bare.status, JSON.parse(bare.stdout)], [1, { error: { code: 'BAD_ARGUMENT', message: 'missing required argument \'command\' (--help)' } }], '--json: a command left out, too (its help goes to stderr)')
  const helpOf = run(dir, ['--lang', 'en', '--json', 'help', 'depost'])
  t.alike([helpOf.status, JSON.parse(helpOf.stdout), helpOf.stderr.trim()], [1, { error: { code: 'BAD_ARGUMENT', message: 'unknown command \'depost\' (--help)' } }, 'error BAD_ARGUMENT: unknown command \'depost\' (--help)'], 'help of a command that does not exist: one line, not the whole help')
  t.is(cli(dir, 'balance', 'Marta').creditCents, 0, 'nothing was changed by any of them')
})

test('CLI: personal links and admin login links, with their QR code', { timeout: 120_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-clilink-'))
  const dir = path.join(base, 'anna')
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  const made = cli(dir, 'link', 'Anna')
  const secret = String(made.url).split('#link=')[1]
  t.ok(/^[0-9a-f]{64}$/.test(secret), `a link made with no node running: ${String(made.url).slice(0, 30)}…`)
  const stored = fs.readFileSync(path.join(dir, 'links.json'), 'utf8')
  t.absent(stored.includes(secret), 'the data directory keeps no secret, only its hash')
  t.is(fs.statSync(path.join(dir, 'links.json')).mode & 0o777, 0o600, 'links.json is private')
  const text = run(dir, ['--lang', 'en', 'link', 'Anna', '--qr'])
  t.ok(text.stdout.includes('#link=') && text.stdout.includes('█'), 'the link and its QR code')
  t.ok(text.stderr === '' && text.stdout.includes('warning: the node is not running'), 'says the node must run for the link to work')
  t.is((cli(dir, 'link', 'Anna', '--revoke').ended as unknown[]).length, 2, 'revoking ends both links')
  t.is((cli(dir, 'link', 'Anna', '--revoke').ended as unknown[]).length, 0, 'and nothing is left')

  const node = await startNode('anna', dir, null, { args: ['--no-swarm'] })
  t.teardown(async () => { await stopNode(node); fs.rmSync(base, { recursive: true, force: true }) })
  const login = cli(dir, 'login')
  const url = new URL(String(login.url))
  t.is(url.origin, node.url, 'a node on 127.0.0.1: the link is for this computer')
  const code = url.hash.replace('#login=', '')
  const redeem = async (): Promise<number> => (await fetch(`${node.url}/api/auth/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).status
  t.is(await redeem(), 200, 'the browser logs in with it')
  t.is(await redeem(), 401, 'once')
})

test('a running node that stops before it answers: NOT_RUNNING, saying whether an act may have been recorded', async (t) => {
  // A port nothing listens on: the connection is refused, as when the node was killed.
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  const api = new HttpApi(`http://127.0.0.1:${port}`, 'token')
  const codeOf = async (p: Promise<unknown>): Promise<string> => await p.then(() => 'answered', (err: HypergasError) => `${err.code} ${err.details?.variant ?? ''}`)
  t.is(await codeOf(api.status()), 'NOT_RUNNING stopped')
  t.is(await codeOf(api.act({ type: 'Deposit', member: 'Bruno', cents: 100 } as never)), 'NOT_RUNNING stoppedAct', 'an act sent: see the log before repeating it')
})

test('an act written with no node running, in a group of two admins: the CLI says it waits in this laptop\'s feed', { timeout: 120_000 }, (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-nonode-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const dirs = ['anna', 'bruno'].map((n) => path.join(base, n))
  setupAdmins(dirs, 'GAS in due', ['cassiere'])
  const r = spawnSync(process.execPath, [BIN, '--dir', dirs[0], '--lang', 'it', 'deposit', 'Anna', '1'], { encoding: 'utf8' })
  t.is(r.status, 0)
  t.ok(r.stderr.includes('su questo computer non è avviato nessun nodo'), `said on stderr: ${r.stderr.trim()}`)
  const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-alone-'))
  t.teardown(() => fs.rmSync(alone, { recursive: true, force: true }))
  cli(alone, 'init', '--name', 'GAS', '--founder', 'Anna')
  const one = spawnSync(process.execPath, [BIN, '--dir', alone, '--lang', 'it', 'deposit', 'Anna', '1'], { encoding: 'utf8' })
  t.absent(one.stderr.includes('nessun nodo'), 'a lone admin\'s act is confirmed at once: nothing to say')
  t.absent(one.stdout.includes('lo stesso atto'), 'a first deposit: nothing repeated')
  const twice = spawnSync(process.execPath, [BIN, '--dir', alone, '--lang', 'it', 'deposit', 'Anna', '1'], { encoding: 'utf8' })
  t.ok(/lo stesso atto era stato registrato \d+ s fa/.test(twice.stdout), `the same deposit again at once: the receipt asks whether it was sent twice: ${twice.stdout.trim()}`)
  const other = spawnSync(process.execPath, [BIN, '--dir', alone, '--lang', 'it', 'deposit', 'Anna', '2'], { encoding: 'utf8' })
  t.absent(other.stdout.includes('lo stesso atto'), 'another amount: nothing to ask')
  t.ok(twice.stdout.includes('annullalo con un prelievo della stessa somma'), 'a deposit is undone by a withdrawal')
  const key = String(cli(alone, 'keygen').publicKey)
  cli(alone, 'member', 'add', 'Bruno', key)
  const pay = (): string => spawnSync(process.execPath, [BIN, '--dir', alone, '--lang', 'en', 'transfer', 'Anna', 'Bruno', '1'], { encoding: 'utf8' }).stdout
  pay()
  const again = pay()
  t.ok(/if this one was sent twice by mistake, cancel it: hypergas cancel [0-9a-f]{8}/.test(again), `a transfer sent twice is cancelled, not undone by a withdrawal: ${again.trim()}`)
})
