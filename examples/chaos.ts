/**
 * Chaos with real processes (issue 3): three `hypergas start` processes on a local DHT, acts
 * issued continuously at every node, random SIGKILL and restart, random partitions (a node goes
 * offline and back), all for a bounded time. Meanwhile every node's confirmed log is recorded
 * over time: it must stay a prefix of one single log, and never shrink while a process lives.
 * At the end the nodes must converge to one state hash with every act final, and every act any
 * node acknowledged must be in every log.
 *
 *   npm run chaos -- --minutes 3 --seed 7
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import createTestnet from 'hyperdht/testnet.js'
import { prng } from '../test/helpers/fixtures.js'
import { readWholeLog, type LogEntryView, type LogView } from '../src/api/log-view.js'
import { act, get, post, setupAdmins, startNode, stopNode, waitFor, type NodeProc } from './procs.js'

type Row = Record<string, unknown>

/** What a chaos run does. */
export interface ChaosOptions {
  /** How long acts and faults go on, ms (then the run settles). */
  durationMs: number
  seed: number
  log?: (line: string) => void
}

/** What a chaos run saw. */
export interface ChaosReport {
  seed: number
  seconds: number
  acked: number
  refused: number
  kills: number
  partitions: number
  observations: number
  finalActs: number
  hashes: string[]
  /** Every property that failed; empty when the run is good. */
  violations: string[]
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Reads a node's whole log as one replay showed it (readWholeLog: pages read across a replay that
 * confirmed acts made one log of two, which a 12-minute run once took for acts confirmed twice over).
 */
async function fullLog (n: NodeProc): Promise<LogEntryView[]> {
  return await readWholeLog(async (offset, limit) => await get(n, `/api/log?offset=${offset}&limit=${limit}`) as unknown as LogView)
}

/** Runs one chaos session; never throws for a property that fails (see `violations`). */
export async function runChaos (opts: ChaosOptions): Promise<ChaosReport> {
  const say = opts.log ?? (() => {})
  const rnd = prng(opts.seed)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-chaos-'))
  const testnet = await createTestnet(3)
  const bootstrap = `${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`
  const dirs = ['a', 'b', 'c'].map((n) => path.join(base, n))
  const report: ChaosReport = { seed: opts.seed, seconds: 0, acked: 0, refused: 0, kills: 0, partitions: 0, observations: 0, finalActs: 0, hashes: [], violations: [] }
  const nodes: Array<NodeProc | null> = [null, null, null]
  const t0 = Date.now()
  try {
    setupAdmins(dirs, 'Chaos', ['cassiere', 'cassiere'])
    const members = ['Anna', 'Bruno', 'Carla']
    for (let i = 0; i < 3; i++) nodes[i] = await startNode('abc'[i], dirs[i], bootstrap)
    await waitFor('writers synced', async () => {
      for (const n of nodes) if (((await get(n!, '/api/status')).me as Row).admin !== true) return false
      return true
    })
    say(`3 nodes up on a local DHT (${bootstrap}); chaos for ${opts.durationMs / 1000} s, seed ${opts.seed}`)

    const acked: string[] = []
    /** The one confirmed log ("actId status" per act) every node's must be a prefix of. */
    const canon: string[] = []
    // Who first showed each confirmed position, and when (a violation names it: which node marked
    // it final too early, and whether that was just after a restart).
    const canonBy: string[] = []
    /** Per node: pid and confirmed length last seen (must not shrink while the pid lives). */
    const seen = new Map<number, { pid: number, length: number }>()
    const end = t0 + opts.durationMs
    let busy: number | null = null // node currently killed or offline

    const issuer = (async () => {
      while (Date.now() < end) {
        const i = Math.floor(rnd() * 3)
        const n = nodes[i]
        if (n !== null && i !== busy) {
          const member = members[Math.floor(rnd() * members.length)]
          const body = rnd() < 0.8
            ? { type: 'Deposit', member, cents: 100 + Math.floor(rnd() * 5000) }
            : { type: 'Withdraw', member, cents: 100 + Math.floor(rnd() * 2000), reason: 'chaos' }
          try { acked.push(await act(n, body)); report.acked++ } catch (err) {
            report.refused++ // a Withdraw beyond the credit, or a node being killed
            if (report.refused <= 3) say(`refused: ${(err as Error).message.slice(0, 160)}`)
          }
        }
        await sleep(50 + Math.floor(rnd() * 150))
      }
    })()

    const observe = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        const n = nodes[i]
        if (n === null || i === busy) continue
        let log: LogEntryView[]
        try { log = await fullLog(n) } catch { continue }
        report.observations++
        // Final entries come first: one after a tentative one is a violation of its own.
        const tentative = log.findIndex((e) => !e.final)
        if (tentative >= 0 && log.slice(tentative).some((e) => e.final)) report.violations.push(`node ${n.name}: a final entry after the tentative entry #${tentative}`)
        if (log.some((e, k) => e.seq !== k)) report.violations.push(`node ${n.name}: log entries out of their positions`)
        const confirmed = log.filter((e) => e.final).map((e) => `${e.actId} ${e.status}`)
        for (let k = 0; k < confirmed.length; k++) {
          if (k >= canon.length) {
            canon.push(confirmed[k])
            canonBy.push(`node ${n.name} (pid ${n.child.pid ?? 0}) at ${Date.now() - t0} ms, ${confirmed.length} of ${log.length} confirmed`)
          } else if (canon[k] !== confirmed[k]) report.violations.push(`node ${n.name} (pid ${n.child.pid ?? 0}) at ${Date.now() - t0} ms: confirmed act #${k} is "${confirmed[k]}", was "${canon[k]}" as first shown by ${canonBy[k]}`)
        }
        const prev = seen.get(i)
        if (prev !== undefined && prev.pid === n.child.pid && confirmed.length < prev.length) report.violations.push(`node ${n.name}: confirmed log shrank from ${prev.length} to ${confirmed.length}`)
        seen.set(i, { pid: n.child.pid!, length: confirmed.length })
      }
    }
    const observer = (async () => { while (Date.now() < end) { await observe(); await sleep(500) } })()

    while (Date.now() < end) {
      await sleep(1500 + Math.floor(rnd() * 2500))
      if (Date.now() >= end) break
      const i = Math.floor(rnd() * 3)
      const n = nodes[i]!
      busy = i
      if (rnd() < 0.5) {
        report.kills++
        say(`${Date.now() - t0} ms: kill -9 ${n.name}`)
        n.child.kill('SIGKILL')
        await new Promise((resolve) => n.child.once('exit', resolve))
        nodes[i] = null
        await sleep(300 + Math.floor(rnd() * 1500))
        nodes[i] = await startNode(n.name, n.dir, bootstrap)
        say(`${Date.now() - t0} ms: restarted ${n.name} (pid ${nodes[i]?.child.pid ?? 0})`)
      } else {
        report.partitions++
        const ms = 1000 + Math.floor(rnd() * 4000)
        say(`${Date.now() - t0} ms: ${n.name} offline for ${ms} ms`)
        await post(n, '/api/swarm', { online: false })
        await sleep(ms)
        await post(n, '/api/swarm', { online: true })
      }
      busy = null
    }
    await issuer
    await observer

    say(`settling: ${acked.length} acts acknowledged`)
    let last: Row[] = []
    await waitFor('one state hash, every act final', async () => {
      last = await Promise.all(nodes.map(async (n) => await get(n!, '/api/status')))
      const hashes = new Set(last.map((s) => (s.group as Row).stateHash))
      return hashes.size === 1 && last.every((s) => { const a = (s.group as Row).acts as Row; return a.final === a.total })
    }, 120_000).catch((err: Error) => {
      report.violations.push(err.message)
      for (const st of last) {
        const feeds = ((st.sync as Row).feeds as Row[]).map((f) => `${String(f.feed).slice(0, 6)} ${String(f.usable)}/${String(f.received)}/${String(f.known)}`).join(', ')
        say(`${String((st.me as Row).name)}: online ${String(st.online)}, ${(st.peers as Row[]).length} peers, feeds usable/received/known ${feeds}, acts ${JSON.stringify((st.group as Row).acts)}`)
      }
    })
    await observe()
    report.hashes = [...new Set(last.map((s) => String((s.group as Row).stateHash)))]
    report.finalActs = ((last[0]?.group as Row | undefined)?.acts as Row | undefined)?.final as number ?? 0
    for (const n of nodes) {
      const ids = new Set<string>((await fullLog(n!)).map((e) => e.actId))
      const missing = acked.filter((id) => !ids.has(id))
      if (missing.length > 0) report.violations.push(`node ${n!.name} lacks ${missing.length} acknowledged acts`)
    }
  } catch (err) {
    report.violations.push(`chaos run failed: ${(err as Error).message}`)
  } finally {
    report.seconds = Math.round((Date.now() - t0) / 1000)
    await Promise.all(nodes.map(async (n) => { if (n !== null) await stopNode(n) }))
    await testnet.destroy()
    fs.rmSync(base, { recursive: true, force: true })
  }
  return report
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const o = new Command('chaos')
    .option('--minutes <n>', 'minutes of acts and faults (bounded)', '2')
    .option('--seed <n>', 'seed of the faults and acts', '1')
    .parse().opts<{ minutes: string, seed: string }>()
  const r = await runChaos({ durationMs: Number(o.minutes) * 60_000, seed: Number(o.seed), log: (l) => console.error(l) })
  console.log(JSON.stringify(r))
  process.exit(r.violations.length === 0 ? 0 : 1)
}
