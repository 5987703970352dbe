/**
 * Running hypergas nodes as real OS processes on a local DHT (used by the season demo and the
 * integration test): the CLI for set-up, `hypergas start` for the nodes, HTTP for acts and reads.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import createTestnet from 'hyperdht/testnet.js'
import { loadToken } from '../src/node/storage/datadir.js'

/** The CLI entry point. */
export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'hypergas.js')

/**
 * The V8 flags of the CLI's `#!/usr/bin/env -S node …` line, for a process started as
 * `node <flags> BIN` to run as an installed `hypergas` does (the benchmarks measure memory).
 */
export const NODE_FLAGS: string[] = (fs.readFileSync(BIN, 'utf8').split('\n')[0] ?? '').split(/\s+/).filter((w) => w.startsWith('--'))

/** Runs a CLI command with `--json` and returns its parsed output. @throws on non-zero exit */
export function cli (dir: string, ...args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', dir, '--json', ...args], { encoding: 'utf8' })
  return JSON.parse(out) as Record<string, unknown>
}

/** A running node process. */
export interface NodeProc {
  name: string
  dir: string
  url: string
  child: ChildProcess
  memberId: string
}

/** Options of {@link startNode}. */
export interface StartOptions {
  /** Ms to wait for the ready line. Default 30000. */
  timeoutMs?: number
  /** Keep LAN discovery on (default off: tests and demos run their own DHT on loopback). */
  lan?: boolean
  /** Run inside this network namespace (`ip netns exec`); its HTTP API is then reachable only there. */
  netns?: string
  /** More arguments of `hypergas start` (e.g. `--host 0.0.0.0`, `--allow-host name`). */
  args?: string[]
}

/**
 * Starts `hypergas start` in `dir` with DHT bootstrap `bootstrap` (host:port; null: none given)
 * and waits for its ready line.
 */
export async function startNode (name: string, dir: string, bootstrap: string | null, opts: StartOptions = {}): Promise<NodeProc> {
  const timeoutMs = opts.timeoutMs ?? 30000
  const args = [...NODE_FLAGS, BIN, '--dir', dir, '--json', 'start', '--port', '0', ...(bootstrap === null ? [] : ['--bootstrap', bootstrap]), ...(opts.lan === true ? [] : ['--no-lan']), ...(opts.args ?? [])]
  const child = opts.netns === undefined
    ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('ip', ['netns', 'exec', opts.netns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`))
  const lines = readline.createInterface({ input: child.stdout! })
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs} ms`)), timeoutMs)
    let buf = ''
    lines.on('line', (l) => {
      buf += l
      try {
        const info = JSON.parse(buf) as { port: number, memberId: string }
        clearTimeout(timer)
        resolve({ name, dir, url: `http://127.0.0.1:${info.port}`, child, memberId: info.memberId })
      } catch { /* wait for the rest of the JSON */ }
    })
    child.on('exit', (code) => reject(new Error(`${name} exited with ${String(code)} before it was ready`)))
  })
}

/** The node's token (its data directory's `token`), as the CLI sends it (SPEC §7). */
export function tokenHeader (n: NodeProc): { authorization: string } {
  return { authorization: `Bearer ${loadToken(n.dir)}` }
}

/** GET a JSON endpoint of a node, as its admin (with the token). */
export async function get<T = Record<string, unknown>> (n: NodeProc, p: string): Promise<T> {
  const res = await fetch(n.url + p, { headers: tokenHeader(n) })
  return await res.json() as T
}

/** POST to a node as its admin (with the token); returns the answer (with `error` on refusal). */
export async function post (n: NodeProc, p: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(n.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...tokenHeader(n) }, body: JSON.stringify(body) })
  return await res.json() as Record<string, unknown>
}

/** Posts an act and throws if the node refuses it. */
export async function act (n: NodeProc, body: Record<string, unknown>): Promise<string> {
  const r = await post(n, '/api/acts', body)
  if (r.error !== undefined) throw new Error(`${n.name}: ${String(body.type)} refused: ${JSON.stringify(r.error)}`)
  return String(r.actId)
}

/** Polls `check` every 100 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor (what: string, check: () => Promise<boolean>, timeoutMs = 60000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Stops a node process (SIGTERM, then SIGKILL after 5 s). */
export async function stopNode (n: NodeProc): Promise<void> {
  if (n.child.exitCode !== null || n.child.signalCode !== null) return
  const done = new Promise((resolve) => n.child.once('exit', resolve))
  n.child.kill('SIGTERM')
  const t = setTimeout(() => n.child.kill('SIGKILL'), 5000)
  await done
  clearTimeout(t)
}

/**
 * Sets up a group of admins offline through the CLI: the founder Anna in `dirs[0]` creates it;
 * Bruno (`dirs[1]`) and Carla (`dirs[2]`), as many as `roles` has, join and are registered and
 * elected to `roles[i]` ('referente' or 'cassiere').
 */
export function setupAdmins (dirs: string[], groupName: string, roles: string[]): void {
  const init = cli(dirs[0], 'init', '--name', groupName, '--founder', 'Anna')
  for (const [i, name] of ['Bruno', 'Carla'].slice(0, roles.length).entries()) {
    const joined = cli(dirs[i + 1], 'join', String(init.invite))
    cli(dirs[0], 'member', 'add', name, String(joined.memberId))
    cli(dirs[0], 'elect', '--role', roles[i], name)
  }
}

/** A subscription to a node's live updates: its content type, and how to stop it. */
export interface EventsWatch {
  contentType: string | null
  /** Stops reading and waits for the reader to end. */
  stop: () => Promise<void>
}

/**
 * Follows `GET <base>/api/events` (Server-Sent Events) and calls `onUpdate` with the data of
 * every `update` event and the time it was read (performance.now(), ms).
 */
export async function watchEvents (base: string, onUpdate: (data: Record<string, unknown>, atMs: number) => void): Promise<EventsWatch> {
  const ctl = new AbortController()
  const res = await fetch(`${base}/api/events`, { signal: ctl.signal })
  const reader = res.body!.getReader()
  const reading = (async () => {
    let buf = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buf += Buffer.from(value).toString()
      const at = performance.now()
      for (const m of buf.matchAll(/event: update\ndata: (.*)\n\n/g)) onUpdate(JSON.parse(m[1]) as Record<string, unknown>, at)
      buf = buf.slice(buf.lastIndexOf('\n\n') + 2)
    }
  })().catch(() => {})
  return { contentType: res.headers.get('content-type'), stop: async () => { ctl.abort(); await reading } }
}

/** A local DHT and a temporary base directory for node processes, and the nodes started on it. */
export interface ProcGroup {
  base: string
  /** host:port of the local DHT's bootstrap node. */
  bootstrap: string
  nodes: NodeProc[]
}

/**
 * Starts a local DHT (3 nodes) and a temporary directory named after `prefix`; `onTeardown`
 * receives the function that stops every node pushed to `nodes`, the DHT, and removes the
 * directory (tests pass brittle's `t.teardown`).
 */
export async function procGroup (prefix: string, onTeardown: (fn: () => Promise<void>) => void): Promise<ProcGroup> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `hypergas-${prefix}-`))
  const testnet = await createTestnet(3)
  const g: ProcGroup = { base, bootstrap: `${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`, nodes: [] }
  onTeardown(async () => {
    await Promise.all(g.nodes.map(stopNode))
    await testnet.destroy()
    fs.rmSync(base, { recursive: true, force: true })
  })
  return g
}
