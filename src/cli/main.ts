/**
 * `hypergas`, the command line (SPEC §7). Every command has `--help`; `--json` prints
 * machine-readable output; failures exit non-zero with one line `error CODE: message`.
 */
import fs from 'node:fs'
import { Command, Option } from 'commander'
import { renderUnicodeCompact } from 'uqr'
import { createAct } from '../acts/act.js'
import { parseActBody } from '../acts/schema.js'
import type { ActBody } from '../acts/types.js'
import { generateKeyPair, keyPairFromSeed } from '../crypto.js'
import { HypergasError } from '../errors.js'
import { hex, type GroupId, type MemberId } from '../ids.js'
import { parseEuros } from '../money.js'
import { createServer } from '../http/server.js'
import { Sessions } from '../http/sessions.js'
import type { ActRequest, NodeApi } from '../node/api.js'
import { commitmentsCsv, statementCsv } from '../node/csv.js'
import { checkBackupTarget, checkRestoreTarget, collectBackup, decryptBackup, encryptBackup, readBackupFile, restoreInto, writeBackupFile } from '../node/backup.js'
import { clearRunning, loadFeeds, loadGroup, loadRunning, loadToken, saveRunning } from '../node/datadir.js'
import { decodeInvite, encodeInvite } from '../node/invite.js'
import { GasNode } from '../node/node.js'
import { progressBar } from '../node/progress.js'
import { lanAddress } from '../node/lan.js'
import type { ActReceipt } from '../node/receipt.js'
import { parseHostPort, parsePort } from '../node/replicator.js'
import { connect, lanUrl, localUrl, resolveDir } from './connect.js'
import * as fmt from './format.js'
import { detectLang, lang, setLang, t } from './i18n.js'
import { readPassphrase } from './passphrase.js'

interface Global { dir?: string, profile?: string, json?: boolean, lang?: string }

// The language is needed before the commands are defined (their help is in it): read `--lang` now.
const langAt = process.argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='))
setLang(detectLang(langAt < 0 ? undefined : process.argv[langAt].includes('=') ? process.argv[langAt].split('=')[1] : process.argv[langAt + 1]))

const program = new Command()
program
  .name('hypergas')
  .description('A solidarity purchasing group (GAS) economy with no server: signed Hypercore feeds, replicated over Hyperswarm.')
  .option('--dir <path>', 'data directory (default ~/.hypergas/<profile>)')
  .option('--profile <name>', 'profile name under ~/.hypergas', 'default')
  .option('--json', 'print machine-readable JSON (amounts in cents)')
  .option('--lang <it|en>', 'language of the output (default: from the locale, LANG / LC_ALL)')
  // A usage error is one line with a code, like every other failure (issue 14).
  .configureOutput({ outputError: (str, write) => write(usageError(str)) })

const globals = (): Global => program.opts<Global>()

/** Commander's usage error ("error: missing required argument 'x'") as the CLI's one line. */
function usageError (str: string): string {
  const what = str.replace(/^error:\s*/i, '').split('\n')[0].trim()
  return `${t('error')} BAD_ARGUMENT: ${what} (--help)\n`
}

function print (value: unknown, human: (v: never) => string): void {
  if (globals().json === true) console.log(JSON.stringify(value, null, 2))
  else console.log(human(value as never))
}

async function withApi<T> (fn: (api: NodeApi) => Promise<T>): Promise<T> {
  const api = await connect(resolveDir(globals()))
  try {
    return await fn(api)
  } finally {
    await api.close()
  }
}

/** Says, on stderr, which member a name typed in another case was taken for (`bruno` is Bruno). */
function announceMatch (typed: unknown, r: ActReceipt): void {
  if (typeof typed !== 'string' || r.member === undefined || globals().json === true) return
  if (typed !== r.member.name && typed.toLowerCase() === r.member.name.toLowerCase()) console.error(t('matched', { typed, name: r.member.name }))
}

async function act (req: ActRequest): Promise<void> {
  const r = await withApi((api) => api.act(req))
  announceMatch(req.member ?? req.from, r)
  print(r, fmt.receipt)
}

/** Argument help shared by the act commands. */
const MEMBER = (): string => t('h_member')
const EUROS = (): string => t('h_euros')
const PURCHASE = (): string => t('h_purchase')

// ---- set-up ---------------------------------------------------------------------------------

program.command('init')
  .description('create a group with this device as founder (referente and cassiere); prints the invite')
  .requiredOption('--name <group>', 'name of the group')
  .requiredOption('--founder <name>', "the founder's member name")
  .action(async (o: { name: string, founder: string }) => {
    const node = await GasNode.open({ dir: resolveDir(globals()), createIdentity: true })
    try {
      const g = await node.createGroup(o.name, o.founder)
      print({ groupId: g.groupId, memberId: node.id, invite: encodeInvite(g) }, () =>
        `group "${o.name}" created\nmember id ${node.id}\ninvite    ${encodeInvite(g)}`)
    } finally { await node.close() }
  })

program.command('join')
  .description('create an identity on this device and follow a group; prints the member id to elect')
  .argument('<invite>', 'the invite printed by "hypergas init" or "hypergas invite"')
  .action(async (invite: string) => {
    const { group: g, feeds } = decodeInvite(invite)
    const node = await GasNode.open({ dir: resolveDir(globals()), createIdentity: true })
    try {
      await node.joinGroup(g, feeds)
      print({ groupId: g.groupId, memberId: node.id }, () =>
        `following group ${g.groupId.slice(0, 8)}\nmember id ${node.id}\nAsk an admin to run: hypergas member add <your name> ${node.id}`)
    } finally { await node.close() }
  })

program.command('invite')
  .description('print the invite of this node\'s group')
  .action(() => {
    const dir = resolveDir(globals())
    const g = loadGroup(dir)
    if (g === null) throw HypergasError.DATA_DIR('this data directory follows no group')
    const invite = encodeInvite(g, loadFeeds(dir))
    print({ invite }, () => invite)
  })

program.command('keygen')
  .description('make a key pair for a member without a node (keep the file private)')
  .option('--out <file>', 'write the key pair to this file (mode 0600) instead of printing the secret')
  .action((o: { out?: string }) => {
    const kp = generateKeyPair()
    const data = { publicKey: hex(kp.publicKey), seed: hex(kp.seed) }
    if (o.out !== undefined) {
      fs.writeFileSync(o.out, JSON.stringify(data, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
      print({ publicKey: data.publicKey, file: o.out }, () => `member id ${data.publicKey}\nkey written to ${o.out}`)
    } else {
      print(data, () => `member id ${data.publicKey}\nsecret    ${data.seed}`)
    }
  })

program.command('backup')
  .description(t('d_backup'))
  .argument('<file>', t('h_backupFile'))
  .option('--force', t('h_force'))
  .addHelpText('after', t('backupHelp'))
  .action(async (file: string, o: { force?: boolean }) => {
    const dir = resolveDir(globals())
    const contents = collectBackup(dir)
    checkBackupTarget(file, o.force === true)
    const bytes = encryptBackup(contents, await readPassphrase(true))
    writeBackupFile(file, bytes, o.force === true)
    const r = { file, bytes: bytes.length, memberId: contents.identity.publicKey, groupId: contents.group.groupId, createdAt: contents.createdAt }
    print(r, () => t('backupDone', { id: r.memberId.slice(0, 8), group: r.groupId.slice(0, 8), file }))
  })

program.command('restore')
  .description(t('d_restore'))
  .argument('<file>', t('h_restoreFile'))
  .addHelpText('after', t('restoreHelp'))
  .action(async (file: string) => {
    const g = globals()
    const dir = resolveDir(g)
    checkRestoreTarget(dir)
    const bytes = readBackupFile(file)
    const contents = decryptBackup(bytes, await readPassphrase(false))
    restoreInto(dir, contents)
    const r = { dir, memberId: contents.identity.publicKey, groupId: contents.group.groupId, backupCreatedAt: contents.createdAt, restoring: true }
    const dirArg = g.dir !== undefined ? `--dir ${g.dir} ` : g.profile !== undefined && g.profile !== 'default' ? `--profile ${g.profile} ` : ''
    print(r, () => t('restoreDone', { id: r.memberId.slice(0, 8), group: r.groupId.slice(0, 8), dir, created: r.backupCreatedAt, dirArg }))
  })

program.command('start')
  .description('run the node: Hyperswarm replication and the HTTP API / web view')
  .option('--host <address>', 'address the HTTP API binds to (the LAN address to serve members)', '127.0.0.1')
  .option('--port <port>', 'HTTP port (0 picks a free one)', '7465')
  .option('--bootstrap <host:port...>', 'private DHT bootstrap node(s) instead of the public DHT: the address "hypergas dht" prints')
  .option('--no-lan', 'do not discover the group\'s nodes on the local network (multicast DNS)')
  .option('--no-swarm', 'do not replicate (local only)')
  .option('--allow-host <name...>', 'more host names the web page answers to (a name the router gives this laptop); its own names and addresses always work')
  .addOption(new Option('--public <what>', 'what a device without a login sees: the group\'s name and open purchases, or the name only').choices(['purchases', 'name']).default('purchases'))
  .action(async (o: { host: string, port: string, bootstrap?: string[], lan: boolean, swarm: boolean, allowHost?: string[], public: 'purchases' | 'name' }) => {
    const dir = resolveDir(globals())
    for (const b of o.bootstrap ?? []) parseHostPort(b) // a bad address is refused before anything opens
    const httpPort = parsePort(o.port, '--port', true)
    const node = await GasNode.open({ dir })
    node.requireGroup()
    reportRestore(node)
    node.on('fork', (f) => console.error(`FORK detected on feed ${String(f.feed).slice(0, 8)} at length ${String(f.length)}: writer frozen (evidence in forks.json)`))
    if (o.swarm) {
      node.on('warning', (err: Error) => console.error(`LAN discovery: ${err.message}`))
      await node.startSwarm({ bootstrap: o.bootstrap, lan: o.lan })
      reportSync(node)
    }
    const sessions = new Sessions()
    const app = createServer({ node, token: loadToken(dir), host: o.host, allowHosts: o.allowHost, sessions, publicView: o.public })
    try {
      await app.listen({ host: o.host, port: httpPort })
    } catch (err) {
      await node.close()
      const code = (err as { code?: string }).code
      if (code === 'EADDRINUSE') throw new HypergasError('PORT_IN_USE', `port ${o.port} on ${o.host} is in use (another hypergas node?): choose another with --port, or 0 for any free port`)
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw HypergasError.BAD_ARGUMENT(`--host ${o.host} is not an address of this machine`)
      throw err
    }
    const addr = app.server.address()
    const port = typeof addr === 'object' && addr !== null ? addr.port : httpPort
    saveRunning(dir, { pid: process.pid, host: o.host, port })
    const members = lanUrl(o.host, port)
    const info = { ready: true, memberId: node.id, host: o.host, port, url: `${localUrl(o.host, port)}/`, membersUrl: members === null ? null : `${members}/`, restoring: node.restore?.active === true }
    print(info, () => [
      t('started', { id: node.id.slice(0, 8), url: info.url }),
      t('startLogin', { url: `${localUrl(o.host, port)}/#login=${sessions.loginCode().code}` }),
      ...(info.membersUrl === null ? [] : [t('startMembers', { url: info.membersUrl })])
    ].join('\n'))
    let stopping = false
    const stop = async (): Promise<void> => {
      if (stopping) return
      stopping = true
      clearRunning(dir)
      await app.close()
      await node.close()
      process.exit(0)
    }
    process.on('SIGINT', () => { void stop() })
    process.on('SIGTERM', () => { void stop() })
  })

/**
 * Sync progress on the terminal (stderr) for long syncs: a bar at most once a second while more
 * than SYNC_BAR_BLOCKS blocks are missing, then one line when fully synced.
 */
function reportSync (node: GasNode): void {
  let behind = false
  let shownAt = 0
  node.on('update', () => {
    const p = node.syncProgress()
    if (!p.synced && p.known - p.received >= SYNC_BAR_BLOCKS && Date.now() - shownAt >= 1000) {
      behind = true
      shownAt = Date.now()
      console.error(`syncing ${progressBar(p)}`)
    } else if (p.synced && behind) {
      behind = false
      console.error(`fully synced: ${p.known} blocks in ${p.feeds.length} feeds`)
    }
  })
}
const SYNC_BAR_BLOCKS = 200

/**
 * A node restored from a backup says on the terminal (stderr) what it waits for: once at start,
 * then at most every RESTORE_LINE_MS while a figure changes, and once when it writes again.
 */
function reportRestore (node: GasNode): void {
  const gate = node.restore
  if (gate === null || !gate.active) return
  console.error(t('restoringStart', { wait: fmt.restoreWait(gate.status!) }))
  let shownAt = Date.now()
  gate.on('progress', (w) => {
    if (Date.now() - shownAt < RESTORE_LINE_MS) return
    shownAt = Date.now()
    console.error(t('restoringProgress', { wait: fmt.restoreWait(w) }))
  })
  gate.once('done', () => console.error(t('restoredNow', { blocks: node.syncProgress().feeds.find((f) => f.feed === node.id)?.local ?? 0 })))
}
const RESTORE_LINE_MS = 2000

/** The URL a browser opens for `fragment` on the running node (the LAN one when there is), and whether phones can reach it. */
function pageUrl (fragment: string): { url: string, warning: string | null } {
  const dir = resolveDir(globals())
  const running = loadRunning(dir)
  if (running === null) return { url: `${lanUrl('0.0.0.0', 7465) ?? 'http://127.0.0.1:7465'}/#${fragment}`, warning: t('linkNotRunning', { port: 7465 }) }
  const lan = lanUrl(running.host, running.port)
  return { url: `${lan ?? localUrl(running.host, running.port)}/#${fragment}`, warning: lan === null ? t('linkLocalOnly', { host: running.host }) : null }
}

/** A QR code of `text` for the terminal (two rows per line of text) when output is a terminal or `force`, else nothing. */
function qr (text: string, force = false): string {
  return process.stdout.isTTY === true || force ? '\n' + renderUnicodeCompact(text, { border: 2 }) : ''
}

program.command('login').description(t('d_login'))
  .option('--qr', t('h_qr'))
  .action(async (o: { qr?: boolean }) => {
    const { code, expiresAt } = await withApi((api) => api.loginCode())
    const { url, warning } = pageUrl(`login=${code}`)
    print({ url, expiresAt }, () => [t('loginLink', { url }), ...(warning === null ? [] : [warning])].join('\n') + qr(url, o.qr === true))
  })

program.command('link').description(t('d_link')).argument('<member>', MEMBER())
  .option('--revoke', t('h_linkRevoke'))
  .option('--qr', t('h_qr'))
  .action(async (m: string, o: { revoke?: boolean, qr?: boolean }) => {
    const r = await withApi((api) => api.link(m, o.revoke === true))
    if (r.secret === null) return print(r, () => t('linksRevoked', { name: r.name, count: r.ended.length }))
    const { url, warning } = pageUrl(`link=${r.secret}`)
    print({ ...r, url }, () => [t('personalLink', { name: r.name, url }), ...(warning === null ? [] : [warning])].join('\n') + qr(url, o.qr === true))
  })

// ---- acts -----------------------------------------------------------------------------------

const member = program.command('member').description('register or remove members (admin votes)')
member.command('add').description('vote to register a member').argument('<name>', 'the member\'s name, unique in the group (case does not count)').argument('<member-id>', 'their public key (hypergas join / keygen prints it)')
  .action(async (name: string, id: string) => await act({ type: 'VoteRegisterMember', name, member: id }))
member.command('remove').description('vote to remove a member with no credit and no open commitment').argument('<member>', MEMBER())
  .action(async (m: string) => await act({ type: 'VoteRemoveMember', member: m }))

const roleArg = (): Option => new Option('--role <role>').choices(['referente', 'cassiere']).makeOptionMandatory()
program.command('elect').description('vote to give a member a role').addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteElectReferente' : 'VoteElectCassiere', member: m }))
program.command('revoke').description('vote to take a role away').addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteRevokeReferente' : 'VoteRevokeCassiere', member: m }))

program.command('deposit').description('cassiere: take cash from a member and credit them').argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .action(async (m: string, e: string) => await act({ type: 'Deposit', member: m, cents: parseEuros(e) }))
program.command('withdraw').description('cassiere: give a member cash back from their credit').argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .option('--reason <text>', 'why', '')
  .action(async (m: string, e: string, o: { reason: string }) => await act({ type: 'Withdraw', member: m, cents: parseEuros(e), reason: o.reason }))
program.command('settle').description('record that you received group cash from another admin').argument('<from>', 'the admin who handed the cash over (name or id)').argument('<euros>', EUROS())
  .action(async (f: string, e: string) => await act({ type: 'SettleCash', from: f, cents: parseEuros(e) }))

program.command('purchase')
  .description('"purchase open <name>" opens a purchase (referente); "purchase <ref>" shows one')
  .argument('<args...>', '"open <name>" to open one, or the purchase: name, id or its first characters')
  .option('--supplier <name>', 'supplier, with "open"')
  .option('--notes <text>', 'notes, with "open"')
  .option('--csv', 'print the commitments as CSV (the order for the supplier)')
  .action(async (args: string[], o: { supplier?: string, notes?: string, csv?: boolean }) => {
    if (args[0] === 'open') {
      if (args.length < 2) throw HypergasError.BAD_ARGUMENT('usage: hypergas purchase open <name> [--supplier S] [--notes N]')
      await act({ type: 'OpenPurchase', name: args.slice(1).join(' '), supplier: o.supplier, notes: o.notes })
    } else {
      const p = await withApi((api) => api.purchase(args.join(' ')))
      if (o.csv === true) process.stdout.write(commitmentsCsv(p, lang()))
      else print(p, fmt.purchase)
    }
  })

/**
 * Signs the body `build` returns (it may ask the node, e.g. to resolve names) with the member key
 * in `keyFile` (from keygen) and relays it through the node (SPEC §3: the distributed counter).
 * @throws HypergasError BAD_KEY (no seed in the file), DATA_DIR (no group here)
 */
async function actAsMember (keyFile: string, build: (api: NodeApi, member: MemberId) => Promise<unknown>): Promise<void> {
  let raw: { seed?: unknown }
  try {
    raw = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { seed?: unknown }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code !== undefined) throw HypergasError.BAD_ARGUMENT(`cannot read the key file ${keyFile}: ${e.code === 'ENOENT' ? 'no such file' : e.code}`)
    throw HypergasError.BAD_KEY(`${keyFile} is not a key file of hypergas keygen (not JSON)`)
  }
  if (typeof raw?.seed !== 'string' || !/^[0-9a-f]{64}$/.test(raw.seed)) throw HypergasError.BAD_KEY(`no seed of 64 hex characters in ${keyFile}`)
  const kp = keyPairFromSeed(Buffer.from(raw.seed, 'hex'))
  const g = loadGroup(resolveDir(globals()))
  if (g === null) throw HypergasError.DATA_DIR('this data directory follows no group')
  const r = await withApi(async (api) => {
    const body = parseActBody(await build(api, hex(kp.publicKey) as MemberId)) as ActBody
    const signed = createAct(body, { group: g.groupId as GroupId, keyPair: kp, timeMs: Date.now() })
    return await api.signedAct(signed.bytes.toString('hex'))
  })
  print({ ...r, signedBy: 'member' }, () => fmt.receipt(r))
}

program.command('commit').description('commit part of a member\'s credit to an open purchase').argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .option('--key <file>', 'sign as the member with their key file (from keygen); default: this admin signs on their behalf')
  .action(async (m: string, e: string, p: string, o: { key?: string }) => {
    const cents = parseEuros(e)
    if (o.key === undefined) return await act({ type: 'Commit', member: m, cents, purchase: p })
    await actAsMember(o.key, async (api, me) => ({ type: 'Commit', member: me, cents, purchase: String((await api.purchase(p)).id) }))
  })
program.command('recover').description('a member votes to revoke an admin who is gone for good, when the admins alone cannot (two admins; see status)').argument('<admin>', MEMBER())
  .option('--key <file>', 'the voting member\'s key file (from keygen); default: this node\'s admin votes as a member')
  .action(async (a: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'VoteRecover', member: a })
    await actAsMember(o.key, async (api) => ({ type: 'VoteRecover', member: (await api.member(a)).id }))
  })
program.command('approve').description('referente: approve a pending commitment').argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'ApproveCommitment', member: m, purchase: p }))
program.command('reject').description('referente: reject a commitment (refunded)').argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'RejectCommitment', member: m, purchase: p }))
program.command('adjust').description('referente: set a commitment to a new amount').argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .action(async (m: string, e: string, p: string) => await act({ type: 'AdjustCommitment', member: m, cents: parseEuros(e), purchase: p }))
program.command('vote-close').description('vote to authorise closing a purchase').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteClosePurchase', purchase: p }))
program.command('vote-fail').description('vote to authorise failing a purchase').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteFailPurchase', purchase: p }))
program.command('close').description('referente: close a purchase (you paid the supplier)').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'ClosePurchase', purchase: p }))
program.command('fail').description('referente: fail a purchase (every commitment refunded)').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'FailPurchase', purchase: p }))

program.command('offline').description('take the running node off the network (acts stay local until "online")')
  .action(async () => print(await withApi((api) => api.setOnline(false)), () => 'offline: no peer connections until "hypergas online"'))
program.command('online').description('put the running node back on the network')
  .action(async () => print(await withApi((api) => api.setOnline(true)), () => 'online: replicating with the group again'))

// ---- reads ----------------------------------------------------------------------------------

program.command('status').description('group, admins and their cash, peers, sync and finality')
  .action(async () => print(await withApi((api) => api.status()), fmt.status))
program.command('members').description('members and their credit')
  .action(async () => print(await withApi((api) => api.members()), fmt.members))
program.command('balance').description("a member's credit, confirmed and pending").argument('<member>', MEMBER())
  .action(async (m: string) => print(await withApi((api) => api.member(m)), fmt.balance))
program.command('statement').description("a member's movements with running balance (--cash: the cash an admin holds)").argument('<member>', MEMBER())
  .option('--csv', 'print the statement as CSV (Italian locale: ";" and decimal commas)')
  .option('--cash', 'the admin\'s own cash movements instead of their credit')
  .action(async (m: string, o: { csv?: boolean, cash?: boolean }) => {
    const member = await withApi((api) => api.member(m))
    if (o.csv === true) process.stdout.write(statementCsv(o.cash === true ? member.cashMovements ?? [] : member.statement, lang()))
    else print(member, o.cash === true ? fmt.cashStatement : fmt.statement)
  })
program.command('purchases').description('all purchases')
  .action(async () => print(await withApi((api) => api.purchases()), fmt.purchases))
program.command('log').description('acts in merged order, with rejections')
  .option('--offset <n>', 'first entry', '0').option('--limit <n>', 'how many', '100')
  .action(async (o: { offset: string, limit: string }) => {
    const [offset, limit] = [Number(o.offset), Number(o.limit)]
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw HypergasError.BAD_ARGUMENT('--offset is a number from 0, --limit from 1 to 1000')
    print(await withApi((api) => api.log(offset, limit)), fmt.log)
  })

program.command('dht')
  .description('run a DHT bootstrap node for groups whose laptops cannot use the public DHT; the admins then start with --bootstrap <the address it prints>')
  .option('--host <address>', 'address to listen on', '0.0.0.0')
  .option('--port <port>', 'UDP port', '49737')
  .action(async (o: { host: string, port: string }) => {
    const port = parsePort(o.port, '--port')
    const reach = o.host === '0.0.0.0' ? lanAddress() ?? '127.0.0.1' : o.host
    const { default: HyperDHT } = await import('hyperdht')
    const node = HyperDHT.bootstrapper(port, reach, { host: o.host })
    try {
      await node.ready()
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new HypergasError('PORT_IN_USE', `UDP port ${port} is in use: choose another with --port`)
      throw err
    }
    print({ bootstrap: `${reach}:${port}` }, () => `DHT bootstrap node at ${reach}:${port}\non each admin's laptop: hypergas start --bootstrap ${reach}:${port}`)
    const stop = (): void => { void node.destroy().then(() => process.exit(0)) }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })

/**
 * One line for any failure, `error CODE: what to do` in the user's language; never a stack trace
 * (set HYPERGAS_DEBUG=1 to see one). Errors of the system get a code of their own.
 */
program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as Error & { code?: string }
  if (err instanceof HypergasError) {
    console.error(`${t('error')} ${err.code}: ${fmt.refusal(err.code, err.reason, err.details)}`)
  } else if (e.code === 'ELOCKED' || /lock/i.test(String(e.message))) {
    console.error(`${t('error')} DATA_DIR: the data directory is in use by another hypergas process (stop it, or use another --dir)`)
  } else if (e.code === 'EACCES' || e.code === 'EPERM') {
    console.error(`${t('error')} PERMISSION: ${e.message}`)
  } else {
    console.error(`${t('error')} INTERNAL: ${e.message ?? String(err)}`)
  }
  if (process.env.HYPERGAS_DEBUG === '1') console.error(e.stack)
  process.exit(1)
})
