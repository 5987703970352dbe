// Issue 16 item 4: notices by email, optional and off by default, tested against a real SMTP
// server started here (smtp-server on loopback): the digest reaches the member's address with
// their notices in the admin's language, through the CLI with no node running and through a
// running node; the address lives only in this node's mail.json (0600), never in the store.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import { SMTPServer } from 'smtp-server'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { BIN, cli, startNode, stopNode } from '../examples/procs.js'
import { DigestKeeper, loadMail, saveMail, sendDigests, sendDueDigests } from '../src/api/mail.js'
import type { Notice } from '../src/api/notices.js'
import type { PurchaseId } from '../src/ids.js'
import type { LogLine } from '../src/node/types.js'
import { notice, refusal } from '../src/cli/format.js'
import { setLang, t as t2 } from '../src/cli/i18n.js'
import { GasNode } from '../src/node/node.js'

/** The CLI with --json, without blocking this process (the SMTP server runs in it). */
async function cliAsync (dir: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--dir', dir, '--json', ...args], { encoding: 'utf8' })
  return JSON.parse(stdout)
}

/** A local SMTP server keeping every message (envelope recipients and raw text); it answers each message `delay.ms` after it ends (0 at first). */
async function smtp (refuse: string[] = []): Promise<{ port: number, messages: Array<{ to: string[], raw: string }>, passwords: string[], delay: { ms: number }, close: () => Promise<void> }> {
  const delay = { ms: 0 }
  const messages: Array<{ to: string[], raw: string }> = []
  const passwords: string[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // It would take any login, even in clear: a client must not offer one.
    allowInsecureAuth: true,
    onAuth (auth, session, callback) { passwords.push(auth.password ?? ''); callback(null, { user: auth.username }) },
    onRcptTo (address, session, callback) { callback(refuse.includes(address.address) ? Object.assign(new Error('no such mailbox'), { responseCode: 550 }) : undefined) },
    onData (stream, session, callback) {
      let raw = ''
      stream.on('data', (d: Buffer) => { raw += d.toString('utf8') })
      stream.on('end', () => { messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw }); setTimeout(callback, delay.ms) })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return { port, messages, passwords, delay, close: async () => await new Promise<void>((resolve) => server.close(() => resolve())) }
}

test('notices by email: off by default, then a digest to the member\'s address, kept only on this node', { timeout: 120_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-mail-'))
  const dir = path.join(base, 'anna')
  const server = await smtp()
  t.teardown(async () => { await server.close(); fs.rmSync(base, { recursive: true, force: true }) })
  cli(dir, '--lang', 'it', 'init', '--name', 'GAS Posta', '--founder', 'Anna')
  const marta = cli(dir, 'keygen')
  cli(dir, 'member', 'add', 'Marta', String(marta.publicKey))
  cli(dir, 'deposit', 'Marta', '3')
  cli(dir, 'purchase', 'open', 'Formaggi')
  t.exception(() => cli(dir, 'mail', 'send'), /NO_MAIL_SERVER/, 'off by default: no server, nothing sent')
  t.exception(() => cli(dir, 'mail', 'server', '--host', '127.0.0.1', '--from', 'notanemail'), /BAD_ARGUMENT: "notanemail" is not an email address/, 'a sender that is no address is refused')
  t.exception(() => cli(dir, 'mail', 'server', '--host', '127.0.0.1', '--from', 'x@y.org, GAS <gas@example.org>'), /BAD_ARGUMENT/, 'and so is a list of senders')
  t.is(loadMail(dir).smtp, null, 'and nothing is set')
  cli(dir, 'mail', 'server', '--host', '127.0.0.1', '--port', String(server.port), '--from', 'GAS Posta <gas@example.org>')
  cli(dir, 'mail', 'address', 'Marta', 'marta@example.org')
  t.exception(() => cli(dir, 'mail', 'address', 'Marta', 'not-an-address'), /BAD_ARGUMENT/)
  const sent = await cliAsync(dir, '--lang', 'it', 'mail', 'send') as Array<{ to: string, notices: number }>
  t.alike(sent.map((s) => [s.to, s.notices]), [['marta@example.org', 2]], 'Marta: the purchase to book and her low credit')
  t.is(server.messages.length, 1)
  const m = server.messages[0]
  t.alike(m.to, ['marta@example.org'])
  t.ok(/Subject: GAS Posta: i tuoi avvisi/.test(m.raw), 'the subject in the admin\'s language')
  t.ok(m.raw.includes('Formaggi') && m.raw.includes('credito basso'), 'the notices in the body')
  t.is(fs.statSync(path.join(dir, 'mail.json')).mode & 0o777, 0o600, 'settings private')
  // Nino reads English: his digest is in English, Marta's still in the admin's Italian.
  cli(dir, 'member', 'add', 'Nino', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'mail', 'address', 'Nino', 'nino@example.org', '--digest-lang', 'en')
  t.exception(() => cli(dir, 'mail', 'address', 'Nino', 'nino@example.org', '--digest-lang', 'fr'), /BAD_ARGUMENT|invalid|Allowed choices/)
  await cliAsync(dir, '--lang', 'it', 'mail', 'send')
  const byTo = (to: string): string => server.messages.filter((x) => x.to.includes(to)).at(-1)?.raw ?? ''
  t.ok(/Subject: GAS Posta: your notices/.test(byTo('nino@example.org')) && byTo('nino@example.org').includes('Formaggi') && !/acquisto|avvis/i.test(byTo('nino@example.org').split('\n').filter((l) => l.startsWith('- ')).join('\n')), `Nino's digest in English: ${byTo('nino@example.org').slice(0, 400)}`)
  t.ok(/Subject: GAS Posta: i tuoi avvisi/.test(byTo('marta@example.org')), 'Marta\'s in Italian, the node\'s language')
  server.messages.splice(1)
  const stored = (function read (d: string): string { return fs.readdirSync(d, { withFileTypes: true }).map((e) => e.isDirectory() ? read(path.join(d, e.name)) : fs.readFileSync(path.join(d, e.name)).toString('latin1')).join('') })(path.join(dir, 'corestore'))
  t.absent(stored.includes('marta@example.org'), 'the address is nowhere in the store (the replicated log)')
  // Through a running node (the CLI asks it over HTTP).
  const node = await startNode('anna', dir, null, { args: ['--no-swarm'] })
  t.teardown(async () => await stopNode(node))
  t.is((await cliAsync(dir, 'mail', 'send') as unknown[]).length, 2, 'sent by the running node, to Marta and Nino')
  t.is(server.messages.length, 3)
})

test('notices by email: a node whose mail server fails tries again later and later, uses a server set while it runs at once, and a refused address stops no one else', { timeout: 60_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-mail-retry-'))
  const dir = path.join(base, 'anna')
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS Posta', '--founder', 'Anna')
  cli(dir, 'member', 'add', 'Marta', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'member', 'add', 'Nino', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'purchase', 'open', 'Formaggi')
  // A port nothing listens on: every send is refused at once.
  const closed = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)) }) })
  cli(dir, 'mail', 'server', '--host', '127.0.0.1', '--port', String(closed), '--from', 'gas@example.org')
  cli(dir, 'mail', 'address', 'Marta', 'marta@example.org')
  cli(dir, 'mail', 'address', 'Nino', 'nino@example.org')
  const it = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'mail', 'send'], { encoding: 'utf8' })
  t.ok(it.status === 1 && it.stderr.startsWith('errore MAIL: il riepilogo per ') && it.stderr.includes(`127.0.0.1:${closed} non si raggiunge`), `mail send in Italian: ${it.stderr.trim()}`)
  const node = await GasNode.open({ dir })
  t.teardown(async () => await node.close())
  const lines: string[] = []
  const logged: LogLine[] = []
  const quick = new DigestKeeper(node, { line: () => 'avviso', subject: 'avvisi' }, (l) => { lines.push(l.text); logged.push(l) }, Date.now, { retryMs: 150, pollMs: 50 })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  quick.stop()
  const failed = lines.filter((l) => l.includes('MAIL')).length
  t.ok(failed >= 2 && failed <= 4, `${failed} tries in a second (waits of 150, 300, 600 ms…), not one after the other: ${lines[0]}`)
  t.ok(/trying again in \d+ min/.test(lines[0]), 'each failure says when the next try is')
  t.ok(lines[0].includes(`127.0.0.1:${closed} could not be reached`), 'a server never reached is said so, not as a refused digest')
  // The node's log says it in the user's language: the line carries the refusal, not only English words.
  setLang('it')
  const said = t2('mailFailed', { ...logged[0].vars, error: refusal(logged[0].refusal!.code, String(logged[0].vars.error), logged[0].refusal!.details) })
  setLang('en')
  t.ok(said.startsWith('avvisi per email: il riepilogo per ') && said.includes(`127.0.0.1:${closed} non si raggiunge`) && said.includes('nuovo tentativo fra'), `in Italian: ${said}`)
  // A keeper waiting 10 minutes after its failure: the admin sets a working server (which refuses
  // Marta's address), and the next look at the settings sends at once.
  lines.length = 0
  const slow = new DigestKeeper(node, { line: () => 'avviso', subject: 'avvisi' }, (l) => lines.push(l.text), Date.now, { retryMs: 600_000, pollMs: 50 })
  t.teardown(() => slow.stop())
  const until = (ok: () => boolean): Promise<void> => new Promise((resolve) => { const end = Date.now() + 10_000; const go = (): void => { if (ok() || Date.now() > end) resolve(); else setTimeout(go, 25) }; go() })
  await until(() => lines.length > 0)
  t.ok(lines[0]?.includes('trying again in 10 min'), lines[0])
  const server = await smtp(['marta@example.org'])
  t.teardown(async () => await server.close())
  saveMail(dir, { ...loadMail(dir), smtp: { host: '127.0.0.1', port: server.port, secure: false } })
  await until(() => server.messages.length > 0 && lines.length >= 3)
  t.alike(server.messages.map((m) => m.to), [['nino@example.org']], 'Nino\'s digest went out through the new server, well before the 10 minutes')
  t.ok(lines.includes('notices sent by email to 1 members'), lines.join(' | '))
  t.ok(lines.some((l) => l.includes('refused the digest to Marta')), 'Marta\'s refused address is said, and stopped no one')
  t.ok(loadMail(dir).lastSentMs > 0, 'the day counts as done')
  // With a login, a server that offers no encryption gets no password.
  slow.stop()
  saveMail(dir, { ...loadMail(dir), smtp: { host: '127.0.0.1', port: server.port, secure: false, user: 'gas', pass: 'segreto' } })
  await t.exception(sendDigests(node, { line: () => 'avviso', subject: 'avvisi' }, Date.now()), /MAIL/, 'refused before logging in: the server offers no STARTTLS')
  t.alike([server.messages.length, server.passwords], [1, []], 'nothing sent, and no password went over the wire')
})

test('notices by email: a delivery recorded and its purchase closed between two digests still reaches the member, once', { timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-mail-closed-'))
  const server = await smtp()
  const node = await GasNode.open({ dir, createIdentity: true })
  t.teardown(async () => { await node.close(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  await node.createGroup('GAS Posta', 'Anna')
  const anna = node.id
  await node.submit({ type: 'Deposit', member: anna, cents: 5000 })
  const p = (await node.submit({ type: 'OpenPurchase', name: 'Malga', supplier: 'Alpe' })).id as PurchaseId
  await node.submit({ type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890 }] })
  await node.submit({ type: 'Book', member: anna, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }] })
  await node.submit({ type: 'CloseBookings', purchase: p })
  await node.submit({ type: 'ApproveCommitment', member: anna, purchase: p })
  // The last digest went out before the delivery, with no purchase closed; the purchase closes
  // before the next one, signed on a clock an hour behind the node's (as another admin's may be).
  saveMail(dir, { ...loadMail(dir), smtp: { host: '127.0.0.1', port: server.port, secure: false }, from: 'gas@example.org', addresses: { [anna]: 'anna@example.org' }, lastSentMs: Date.now() + 3600_000, endedSeen: [] })
  await node.submit({ type: 'Deliver', purchase: p, member: anna, lines: [{ product: 'toma', qtyMilli: 1120 }] })
  await node.submit({ type: 'VoteClosePurchase', purchase: p })
  await node.submit({ type: 'ClosePurchase', purchase: p })
  t.is(node.view?.state.purchases.get(p)?.phase, 'closed')
  const writer = { line: (n: Notice) => `${n.kind} ${n.purchaseName ?? ''} ${n.bookedCents ?? ''}/${n.deliveredCents ?? ''}`, subject: 'avvisi' }
  await sendDigests(node, writer, Date.now())
  t.is(server.messages.length, 1, 'a digest, though the purchase has no notice left on the page')
  t.ok(server.messages[0].raw.includes('delivered Malga 1890/2117'), `what was booked and what was delivered: ${server.messages[0].raw.split('\n').filter((l) => l.startsWith('- ')).join(' | ')}`)
  // The next digest does not say it again.
  await node.submit({ type: 'Deposit', member: anna, cents: 1 })
  const again = await sendDigests(node, writer, Date.now())
  t.alike(again, [], 'nothing new to tell: no digest')
  t.alike(loadMail(dir).endedSeen, [`${p}:closed`], 'the purchases told are remembered by id and how they ended')
  // A purchase that fails between two digests: what came back is told, in the node's words.
  const q = (await node.submit({ type: 'OpenPurchase', name: 'Olio', supplier: 'Frantoio' })).id as PurchaseId
  await node.submit({ type: 'Commit', member: anna, purchase: q, cents: 700 })
  await node.submit({ type: 'VoteFailPurchase', purchase: q })
  await node.submit({ type: 'FailPurchase', purchase: q })
  const words = { line: (n: Notice) => notice(n, true), subject: 'notices' }
  await sendDigests(node, words, Date.now())
  t.ok(server.messages[1]?.raw.includes('purchase "Olio" failed: =E2=82=AC7.00 came back to your credit') || server.messages[1]?.raw.includes('purchase "Olio" failed: €7.00 came back to your credit'), `a failed purchase: ${server.messages[1]?.raw.split('\n').filter((l) => l.startsWith('- ')).join(' | ')}`)
  // Mail turned off and on again: the first digest after tells no old close.
  saveMail(dir, { ...loadMail(dir), endedSeen: undefined })
  t.alike(await sendDigests(node, writer, Date.now()), [], 'the first digest after starts the list')
  // Two sends at once (the daily keeper and `hypergas mail send` on a running node): what
  // ended is told once, and both answer.
  const r = (await node.submit({ type: 'OpenPurchase', name: 'Miele', supplier: 'Apiario' })).id as PurchaseId
  await node.submit({ type: 'Commit', member: anna, purchase: r, cents: 300 })
  await node.submit({ type: 'VoteFailPurchase', purchase: r })
  await node.submit({ type: 'FailPurchase', purchase: r })
  const both = await Promise.all([sendDigests(node, words, Date.now()), sendDigests(node, words, Date.now())])
  t.is(server.messages.filter((m) => m.raw.includes('"Miele" failed')).length, 1, `a failure told once: ${both.map((x) => x.length).join(' and ')} digests`)
  t.alike(loadMail(dir).endedSeen, [`${p}:closed`, `${q}:failed`, `${r}:failed`].sort(), 'and remembered')
  // The day's send of a running node, waiting its turn behind `mail send`: the digests went out
  // meanwhile, so it sends none.
  saveMail(dir, { ...loadMail(dir), lastSentMs: 0 })
  const [manual, daily] = await Promise.all([sendDigests(node, words, Date.now()), sendDueDigests(node, words, Date.now())])
  t.ok(Array.isArray(manual), 'mail send sends')
  t.is(daily, null, 'and the daily send, due when it was asked for, is no longer due when its turn comes')
  // The same with the node's own daily keeper, which looks at the settings every 20 ms while a
  // slow server holds `mail send` for 600 ms: it finds the day due, waits, and sends nothing.
  const u = (await node.submit({ type: 'OpenPurchase', name: 'Farro', supplier: 'Mulino' })).id as PurchaseId
  await node.submit({ type: 'Commit', member: anna, purchase: u, cents: 200 })
  await node.submit({ type: 'VoteFailPurchase', purchase: u })
  await node.submit({ type: 'FailPurchase', purchase: u })
  saveMail(dir, { ...loadMail(dir), lastSentMs: 0 })
  server.delay.ms = 600
  const sent = server.messages.length
  const logged: string[] = []
  const slowSend = sendDigests(node, words, Date.now())
  const keeper = new DigestKeeper(node, words, (l) => logged.push(l.key), Date.now, { retryMs: 600_000, pollMs: 20 })
  t.teardown(() => keeper.stop())
  t.is((await slowSend).length, 1, 'mail send sends the digest')
  await new Promise((resolve) => setTimeout(resolve, 300))
  keeper.stop()
  t.is(server.messages.length, sent + 1, 'one digest in all')
  t.alike(logged, [], 'the keeper, due when it looked, sent nothing and said nothing')
})

test('notices by email: an ended purchase a refused digest told is told in that member\'s next digest, and to no one twice', { timeout: 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-mail-owed-'))
  const refuse = ['marta@example.org']
  const server = await smtp(refuse)
  const node = await GasNode.open({ dir, createIdentity: true })
  t.teardown(async () => { await node.close(); await server.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  await node.createGroup('GAS Posta', 'Anna')
  const anna = node.id
  const marta = String(cli(dir, 'keygen').publicKey) as typeof anna
  await node.submit({ type: 'VoteRegisterMember', member: marta, name: 'Marta' })
  for (const m of [anna, marta]) await node.submit({ type: 'Deposit', member: m, cents: 5000 })
  const p = (await node.submit({ type: 'OpenPurchase', name: 'Olio', supplier: 'Frantoio' })).id as PurchaseId
  for (const m of [anna, marta]) await node.submit({ type: 'Commit', member: m, purchase: p, cents: 700 })
  saveMail(dir, { ...loadMail(dir), smtp: { host: '127.0.0.1', port: server.port, secure: false }, from: 'gas@example.org', addresses: { [anna]: 'anna@example.org', [marta]: 'marta@example.org' }, lastSentMs: 0, endedSeen: [] })
  await node.submit({ type: 'VoteFailPurchase', purchase: p })
  await node.submit({ type: 'FailPurchase', purchase: p })
  const writer = { line: (n: Notice) => `${n.kind} ${n.purchaseName ?? ''}`, subject: 'avvisi' }
  const first = await sendDigests(node, writer, Date.now())
  t.alike(first.map((d) => `${d.to} ${d.refused === undefined ? 'sent' : 'refused'}`).sort(), ['anna@example.org sent', 'marta@example.org refused'], 'Anna\'s digest went out, Marta\'s was refused')
  t.alike(server.messages.map((m) => m.to), [['anna@example.org']])
  t.alike(loadMail(dir).endedOwed, { [marta]: [`${p}:failed`] }, 'what Marta was not told is kept for her')
  // A quiet day, her mailbox still refusing: her digest alone, refused, and no error for the send.
  const quiet = await sendDigests(node, writer, Date.now())
  t.alike(quiet.map((d) => `${d.to} ${d.refused === undefined ? 'sent' : 'refused'}`), ['marta@example.org refused'], 'an address that always refuses fails no quiet day')
  t.alike(loadMail(dir).endedOwed, { [marta]: [`${p}:failed`] }, 'and what she is owed is kept')
  // Her mailbox takes mail again: her next digest tells the failure; Anna's tells nothing new.
  refuse.length = 0
  const second = await sendDigests(node, writer, Date.now())
  t.alike(second.map((d) => d.to), ['marta@example.org'], 'only Marta has something to be told')
  t.ok(server.messages[1]?.raw.includes('failed Olio'), `the failure reached her: ${server.messages[1]?.raw.split('\n').filter((l) => l.startsWith('- ')).join(' | ')}`)
  t.is(loadMail(dir).endedOwed, undefined, 'nothing owed any more')
  t.alike(await sendDigests(node, writer, Date.now()), [], 'and told no one twice')
})
