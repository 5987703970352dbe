// SPEC §5 "never stuck", the two-admin case, with real processes on a local DHT: a group of two
// admins whose second laptop is gone for good waits for it forever (either admin alone is a
// quorum, so neither may confirm alone). `hypergas status` says so and what to do; the members
// vote the gone admin out at the other admin's counter (`hypergas recover`, each with their own
// key), and confirmation resumes with everything recorded meanwhile.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import test from 'brittle'
import { procGroup, act, BIN, cli, get, setupAdmins, startNode, waitFor } from '../examples/procs.js'

type Row = Record<string, unknown>

test('two admins, one laptop gone for good: status says what to do, the members recover the group', { timeout: 240000 }, async (t) => {
  const { base, bootstrap, nodes } = await procGroup('recover', (fn) => t.teardown(fn))
  const [a, b] = ['a', 'b'].map((n) => path.join(base, n))
  setupAdmins([a, b], 'Recover', ['cassiere'])
  // Two members with their own keys (keygen): four members in all, a majority is three.
  const keys = ['marta', 'nino'].map((n) => path.join(base, `${n}.json`))
  for (const [i, k] of keys.entries()) {
    const made = cli(a, 'keygen', '--out', k)
    cli(a, 'member', 'add', ['Marta', 'Nino'][i], String(made.publicKey))
  }
  nodes.push(await startNode('a', a, bootstrap), await startNode('b', b, bootstrap))
  await act(nodes[0], { type: 'Deposit', member: 'Marta', cents: 2000 })
  await waitFor('everything confirmed with both admins', async () => { const x = ((await get(nodes[0], '/api/status')).group as Row).acts as Row; return x.final === x.total })

  // While Bruno's node is connected, he is not gone: a vote to remove him is refused, on the CLI and signed by a member.
  await waitFor('Bruno connected to Anna', async () => ((await get(nodes[0], '/api/status')).peers as Row[]).length > 0)
  for (const args of [['recover', 'Bruno'], ['recover', 'Bruno', '--key', keys[0]]]) {
    const online = spawnSync(process.execPath, [BIN, '--dir', a, '--lang', 'en', ...args], { encoding: 'utf8' })
    t.ok(online.status === 1 && online.stderr.startsWith('error ADMIN_ONLINE: Bruno\'s node is connected to this one right now'), `${args.join(' ')}: ${online.stderr.trim()}`)
  }
  const self = spawnSync(process.execPath, [BIN, '--dir', a, '--lang', 'en', 'recover', 'Anna'], { encoding: 'utf8' })
  t.ok(self.status === 1 && self.stderr.startsWith("error ADMIN_ONLINE: this is Anna's own node"), `a vote against the admin whose node it is: ${self.stderr.trim()}`)
  t.is(((await get(nodes[0], '/api/status')).group as Row).members, 4, 'nobody removed')

  // Bruno's laptop dies for good.
  nodes[1].child.kill('SIGKILL')
  await new Promise((resolve) => nodes[1].child.once('exit', resolve))
  // A deposit Bruno took on his laptop with no node running: in his feed only, never seen by Anna.
  t.is(cli(b, 'deposit', 'Marta', '7').status, 'applied', 'taken on Bruno\'s laptop, offline')
  await act(nodes[0], { type: 'Deposit', member: 'Nino', cents: 1500 })
  // Until Anna's node has seen the connection to Bruno's die, he counts as there: no recovery is offered.
  const early = await get(nodes[0], '/api/status')
  if ((early.peers as Row[]).length > 0) t.alike(((early.group as Row).finality as Row).recovery, [], 'no recovery offered against an admin still connected')
  await waitFor('the connection to Bruno closed', async () => ((await get(nodes[0], '/api/status')).peers as Row[]).length === 0, 90_000)
  const stuck = await get(nodes[0], '/api/status')
  const fin = (stuck.group as Row).finality as Row
  t.alike(((fin.waitingFor as Row[]).map((w) => w.name)), ['Bruno'], 'confirmation waits for Bruno')
  t.alike((fin.recovery as Row[]).map((r) => [r.name, r.votes, r.needed]), [['Bruno', 0, 3]], 'a recovery by 3 of the 4 members is what can unstick it')
  const text = execFileSync(process.execPath, [BIN, '--dir', a, '--lang', 'en', 'status'], { encoding: 'utf8' })
  t.ok(text.includes('whom the admins alone cannot revoke') && text.includes('hypergas recover Bruno --key'), 'status says plainly what to do')
  const it = execFileSync(process.execPath, [BIN, '--dir', a, '--lang', 'it', 'status'], { encoding: 'utf8' })
  t.ok(it.includes('la revoca spetta ai soci'), 'in Italian too, the same for an admin of any gender')

  // The members vote: Anna at her own node, Marta and Nino with their keys at Anna's counter.
  const first = cli(a, 'recover', 'Bruno')
  t.alike([(first.vote as Row).votes, (first.vote as Row).quorum, (first.vote as Row).done], [1, 3, false], "Anna's vote: 1 of 3")
  t.is(cli(a, 'recover', 'Bruno', '--key', keys[0]).signedBy, 'member', "Marta's vote is signed with Marta's key")
  const last = cli(a, 'recover', 'Bruno', '--key', keys[1])
  t.is((last.vote as Row).done, true, "Nino's vote completes the recovery")
  await waitFor('everything confirmed again', async () => { const x = ((await get(nodes[0], '/api/status')).group as Row).acts as Row; return x.final === x.total }, 30000)
  const after = await get(nodes[0], '/api/status')
  t.alike(((after.group as Row).finality as Row).waitingFor, [], 'waits for nobody')
  t.alike(((after.group as Row).finality as Row).recovery, [], 'no recovery needed any more')
  const nino = await get(nodes[0], '/api/members/Nino')
  t.is(nino.confirmedCreditCents, 1500, "the deposit made while Bruno was gone is confirmed")
  // Anna, the only admin now, confirms alone: a new act is confirmed at once.
  await act(nodes[0], { type: 'Deposit', member: 'Marta', cents: 100 })
  await waitFor('a new act confirmed', async () => { const x = ((await get(nodes[0], '/api/status')).group as Row).acts as Row; return x.final === x.total }, 30000)
  t.pass('a new act is confirmed with Anna alone')
  // Bruno's laptop comes back after all: his offline deposit is in no one's books, and his node says so.
  nodes[1] = await startNode('b-again', b, bootstrap)
  await waitFor('Bruno\'s node to know he was removed', async () => !(((await get(nodes[1], '/api/status')).group as Row).admins as Row[]).some((x) => x.name === 'Bruno' && x.current === true), 60_000)
  t.is((await get(nodes[0], '/api/members/Marta')).creditCents, 2100, 'Anna\'s books: Marta\'s 20 + 1, not Bruno\'s 7')
  const said = execFileSync(process.execPath, [BIN, '--dir', b, '--lang', 'it', 'notices'], { encoding: 'utf8' })
  t.ok(said.includes('non è nei conti (FROZEN: il gruppo non ha usato il blocco di questo nodo)') && said.includes('Versamento di 7,00 € da Marta'), `Bruno's node tells him: ${said.trim()}`)
})
