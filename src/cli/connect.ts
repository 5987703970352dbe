/**
 * How the CLI reaches a node (SPEC §7): the running node of the data directory over HTTP with
 * its token, or, when none runs, the data directory opened in-process (acts go straight into the
 * local feed and replicate when the node next runs).
 */
import net from 'node:net'
import { isHypergasError } from '../errors.js'
import { HttpApi } from '../http/client.js'
import { LocalApi, type NodeApi, type NoticeWriter } from '../api/api.js'
import { notice } from './format.js'
import { lang, setLang, t, type CliLang } from './i18n.js'
import { clearRunning, defaultDir, loadRunning, loadToken, type RunningInfo } from '../node/storage/datadir.js'
import { lanAddress } from '../node/network/lan.js'
import { GasNode } from '../node/node.js'

/** The data directory from `--dir` or `--profile`. */
export function resolveDir (opts: { dir?: string, profile?: string }): string {
  return opts.dir ?? defaultDir(opts.profile)
}

/** Base URL to reach a node listening on `host:port` from this machine. */
export function localUrl (host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

/**
 * Base URL of a node listening on `host:port` as another device on the LAN reaches it: the
 * machine's LAN address when the node binds every address, else the bound address; null when it
 * binds loopback only (no other device reaches it).
 */
export function lanUrl (host: string, port: number): string | null {
  if (host === '0.0.0.0' || host === '::') {
    const a = lanAddress()
    return a === null ? null : `http://${a}:${port}`
  }
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return null
  return localUrl(host, port)
}

/**
 * How notices read in an email: as the CLI writes them, in the user's language, or (`in`) in a
 * member's own. The messages' language is this process's, so `in` sets it around each line and
 * back, in one synchronous step (nothing else of the process runs meanwhile).
 */
export function noticeWriter (): NoticeWriter {
  const inLang = <T>(l: CliLang, fn: () => T): T => {
    const was = lang()
    if (was === l) return fn()
    setLang(l)
    try { return fn() } finally { setLang(was) }
  }
  return {
    line: (n) => notice(n, true),
    subject: t('noticesSubject'),
    in: (l) => ({ line: (n) => inLang(l, () => notice(n, true)), subject: inLang(l, () => t('noticesSubject')) })
  }
}

/** How long a command waits for another process that has the data directory open (ms). */
export const BUSY_WAIT_MS = 15_000

/**
 * Opens the data directory's node in this process, or answers `onRunning()` when a node runs
 * there. The directory's lock decides: when it is free, no node runs, whatever a `node.json` left
 * by a crash says (its pid may belong to another process by now), and that record is removed.
 * While another process has the directory open and is not a running node (a `start` still
 * opening it, another command), waits up to {@link BUSY_WAIT_MS} for it to end or to be running,
 * saying so on stderr after a second. (A node of an older hypergas takes no `node.lock`, only
 * the store's own: when the store is locked, its `node.json` is believed.) `oneShot`: opened for
 * one command, not to serve (NodeOptions.oneShot, src/node/types.ts).
 * @throws HypergasError DATA_DIR (variant `busy`) when it is still busy after that, (`store`) when
 *   the store cannot be opened and no node runs
 */
export async function openNode<T> (dir: string, onRunning: (r: RunningInfo) => T, oneShot: boolean): Promise<GasNode | T> {
  const started = Date.now()
  let told = false
  for (;;) {
    try {
      const node = await GasNode.open({ dir, oneShot })
      if (loadRunning(dir) !== null) clearRunning(dir) // a record of a node that no longer runs
      return node
    } catch (err) {
      const variant = isHypergasError(err, 'DATA_DIR') ? err.details?.variant : undefined
      // (`store`: the store's own lock held, as by a node of an older hypergas, which takes no node.lock)
      if (variant !== 'busy' && variant !== 'store') throw err
      const running = loadRunning(dir)
      if (running !== null && await listening(running)) return onRunning(running)
      if (variant === 'store' || Date.now() - started >= BUSY_WAIT_MS) throw err
      if (!told && Date.now() - started >= 1000) { told = true; console.error(t('waitingBusy')) }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

/**
 * True when something accepts a connection at a running record's address within a second. A
 * record left by a node killed with SIGKILL can name a process that still exists (a zombie not
 * reaped yet, or its pid taken by another program after a reboot): the directory busy with a
 * short command then looked like a running node, and `start` refused (audit of 2026-12-04).
 */
async function listening (r: RunningInfo): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host: r.host === '0.0.0.0' || r.host === '::' ? '127.0.0.1' : r.host, port: r.port })
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** A {@link NodeApi} for the data directory: its running node over HTTP, else opened here ({@link openNode}). Close it when done. */
export async function connect (dir: string): Promise<NodeApi> {
  const node = await openNode(dir, (running) => new HttpApi(localUrl(running.host, running.port), loadToken(dir)), true)
  return node instanceof GasNode ? new LocalApi(node, true, noticeWriter()) : node
}
