/**
 * `start` (the node: replication, the HTTP API and page) and the browser links a running node
 * gives: `login` (an admin's one-time link) and `link` (a member's personal link). Registered on import.
 */
import { Option } from 'commander'
import type { FastifyInstance } from 'fastify'
import { renderUnicodeCompact } from 'uqr'
import { HypergasError } from '../../errors.js'
import { shellArg } from '../../ids.js'
import { Sessions } from '../../http/sessions.js'
import { clearRunning, loadRunning, loadToken, saveRunning } from '../../node/storage/datadir.js'
import { DeadlineKeeper } from '../../node/deadlines.js'
import { DigestKeeper } from '../../api/mail.js'
import { GasNode } from '../../node/node.js'
import { progressBar, syncPercent } from '../../node/network/progress.js'
import { parseHostPort, parsePort } from '../../node/network/address.js'
import { lanUrl, localUrl, noticeWriter, openNode, resolveDir } from '../connect.js'
import * as fmt from '../format.js'
import { t } from '../i18n.js'
import { globals, helpText, MEMBER, print, program, withApi } from '../program.js'
import { localTime } from '../../local-time.js'
import type { LogLine } from '../../node/types.js'

program.command('start')
  .description(helpText('d_start'))
  .option('--host <address>', helpText('h_start_host'), '127.0.0.1')
  .option('--port <port>', helpText('h_start_port'), '7465')
  .option('--bootstrap <host:port...>', helpText('h_start_bootstrap'))
  .option('--no-lan', helpText('h_start_no-lan'))
  .option('--no-swarm', helpText('h_start_no-swarm'))
  .option('--allow-host <name...>', helpText('h_start_allow-host'))
  .addOption(new Option('--public <what>', helpText('h_start_public')).choices(['purchases', 'name']).default('purchases'))
  .action(async (o: { host: string, port: string, bootstrap?: string[], lan: boolean, swarm: boolean, allowHost?: string[], public: 'purchases' | 'name' }) => {
    const dir = resolveDir(globals())
    for (const b of o.bootstrap ?? []) parseHostPort(b) // a bad address is refused before anything opens
    const httpPort = parsePort(o.port, '--port', true)
    // Fastify loads only for start, and while the node opens: its files are read and compiled in
    // the pauses of the feeds' reads, not after the replay.
    const serverModule = import('../../http/server.js')
    serverModule.catch(() => {}) // a failure is met where it is awaited, after the node opened
    const node = await openNode(dir, () => { throw new HypergasError('DATA_DIR', `a node is already running in ${dir}`, { variant: 'running', input: dir.slice(0, 200) }) }, false)
    const sessions = new Sessions()
    let app: FastifyInstance
    let listening: FastifyInstance | null = null
    // Whatever fails before the ready line closes the node first: its store, its feeds, the
    // checkpoint of what it read.
    try {
      node.requireGroup()
      reportRestore(node)
      // A failure of the node's background work (a replay, an acknowledgement, the restore gate)
      // is said in one line; the node keeps serving and the next change tries again.
      node.on('error', (err: Error) => console.error(`${localTime(Date.now(), true)} node: ${err.message.split('\n')[0]}`))
      node.on('fork', (f) => console.error(`${localTime(Date.now(), true)} ${t('forkDetected', { feed: String(f.feed).slice(0, 8), length: String(f.length) })}`))
      const { createServer } = await serverModule
      app = createServer({ node, token: loadToken(dir), host: o.host, allowHosts: o.allowHost, sessions, publicView: o.public, writer: noticeWriter() })
      await app.listen({ host: o.host, port: httpPort }).catch((err: Error & { code?: string }) => {
        if (err.code === 'EADDRINUSE') throw new HypergasError('PORT_IN_USE', `port ${o.port} on ${o.host} is in use (another hypergas node?): choose another with --port, or 0 for any free port`, { input: String(o.port) })
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new HypergasError('BAD_ARGUMENT', `--host ${o.host} is not an address of this machine`, { variant: 'host', input: o.host.slice(0, 40) })
        throw err
      })
      listening = app
      // After the port is ours: a node that cannot serve never announces itself.
      if (o.swarm) {
        node.on('warning', (err: Error & { code?: string }) => console.error(`${localTime(Date.now(), true)} ${err.code === 'NO_LAN_ADDRESS' ? t('lanNoAddress') : t('lanWarning', { error: err.message })}`))
        await node.startSwarm({ bootstrap: o.bootstrap, lan: o.lan })
        reportSync(node)
      }
    } catch (err) {
      await listening?.close()
      await node.close()
      throw err
    }
    const addr = app.server.address()
    const port = typeof addr === 'object' && addr !== null ? addr.port : httpPort
    saveRunning(dir, { pid: process.pid, host: o.host, port })
    // SPEC §4.5: this node closes the bookings of its own purchases at their deadline, and says so.
    const deadlines = new DeadlineKeeper(node, say)
    // Notices by email once a day, if this node has a mail server configured (hypergas mail).
    const digests = new DigestKeeper(node, noticeWriter(), say)
    let stopping = false
    const stop = async (): Promise<void> => {
      if (stopping) return
      stopping = true
      deadlines.stop()
      digests.stop()
      clearRunning(dir)
      await app.close()
      await node.close()
      process.exit(0)
    }
    // Before the ready line: a stop that follows it closes the node (a signal with no handler
    // yet kills the process, leaving neither the checkpoint nor the running record to date).
    process.on('SIGINT', () => { void stop() })
    process.on('SIGTERM', () => { void stop() })
    const members = lanUrl(o.host, port)
    const info = { ready: true, memberId: node.id, host: o.host, port, url: `${localUrl(o.host, port)}/`, membersUrl: members === null ? null : `${members}/`, restoring: node.restore?.active === true }
    print(info, () => [
      t('started', { id: node.id.slice(0, 8), url: info.url }),
      // (A node whose identity is no admin now, removed or not elected yet, has no admin page to
      // offer; a restoring one does not know yet.)
      t(node.restore?.active === true || node.view?.state.admins.has(node.id) !== false ? 'startLogin' : 'startLoginNotAdmin', { url: `${localUrl(o.host, port)}/#login=${sessions.loginCode().code}` }),
      ...(info.membersUrl === null ? [] : [t(o.public === 'name' ? 'startMembersName' : 'startMembers', { url: info.membersUrl })])
    ].join('\n'))
  })

/** A line of the running node's log, on stderr: the local time, then what happened in the user's language. */
function say (line: LogLine): void {
  // The error inside a line in the user's language, with its figures, as a refusal is said.
  const vars = line.refusal === undefined ? line.vars : { ...line.vars, error: fmt.refusal(line.refusal.code, String(line.vars.error), line.refusal.details) }
  console.error(`${localTime(Date.now(), true)} ${t(line.key, vars)}`)
}

/**
 * Sync progress on the terminal (stderr) for long syncs: a bar at most once a second while more
 * than SYNC_BAR_BLOCKS blocks are missing, then one line when fully synced.
 */
function reportSync (node: GasNode): void {
  let behind = false
  let shownAt = 0
  // Elected or removed while running: said once, as the start's line said what it was then.
  let admin = node.view?.state.admins.has(node.id) === true
  node.on('update', (v) => {
    if (v.state.admins.has(node.id) !== admin) {
      admin = !admin
      // (A restore receiving the group it was an admin of says when it writes again, src/node/storage/restore.ts.)
      if (node.restore?.active !== true) console.error(`${localTime(Date.now(), true)} ${t(admin ? 'nowAdmin' : 'noLongerAdmin')}`)
    }
    const p = node.syncProgress()
    if (!p.synced && p.known - p.received >= SYNC_BAR_BLOCKS && Date.now() - shownAt >= 1000) {
      behind = true
      shownAt = Date.now()
      console.error(t('syncingBar', { bar: progressBar(p), received: p.received, known: p.known, percent: syncPercent(p) }))
    } else if (p.synced && behind) {
      behind = false
      console.error(t('syncedAll', { known: p.known, feeds: p.feeds.length }))
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

program.command('login').description(helpText('d_login'))
  .option('--qr', helpText('h_login_qr'))
  .action(async (o: { qr?: boolean }) => {
    const { code, expiresAt } = await withApi((api) => api.loginCode())
    const { url, warning } = pageUrl(`login=${code}`)
    print({ url, expiresAt }, () => [t('loginLink', { url }), ...(warning === null ? [] : [warning])].join('\n') + qr(url, o.qr === true))
  })

program.command('link').description(helpText('d_link')).argument('<member>', MEMBER())
  .option('--revoke', helpText('h_link_revoke'))
  .option('--qr', helpText('h_link_qr'))
  .action(async (m: string, o: { revoke?: boolean, qr?: boolean }) => {
    const r = await withApi((api) => api.link(m, o.revoke === true))
    if (r.secret === null) return print(r, () => t('linksRevoked', { name: r.name, count: r.ended.length }))
    const { url, warning } = pageUrl(`link=${r.secret}`)
    print({ ...r, url }, () => [t('personalLink', { name: r.name, arg: shellArg(r.name), url }), ...(warning === null ? [] : [warning])].join('\n') + qr(url, o.qr === true))
  })
