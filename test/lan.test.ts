// Issues 6 and 12: admins find each other on a LAN with no internet. Network namespaces on one
// bridge, no default route (no internet, no DHT bootstrap): three admins of one group started
// with zero configuration discover each other by multicast DNS, replicate and converge to one
// state hash; a node of another group on the same LAN never connects to them. Two admins alone on
// the LAN (the way most groups start) do the same, again after one of them restarts or goes offline
// and back, and when one starts before its network has an address. Needs
// root and iproute2; where namespaces cannot be created the test says why and is skipped.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import test from 'brittle'
import { BIN, cli, setupAdmins, startNode, stopNode, waitFor, type NodeProc } from '../examples/procs.js'
import type { GroupId } from '../src/ids.js'
import { lanName, portsOf } from '../src/node/network/lan.js'
import { groupTopic } from '../src/node/network/replicator.js'
import { parseHostPort } from '../src/node/network/address.js'

const tag = String(process.pid % 100000)
const BRIDGE = `hgb${tag}`
const NS = [1, 2, 3, 4].map((i) => `hgt-${tag}-${i}`)
const VETH = [1, 2, 3, 4].map((i) => `hgv${tag}${i}`)
const address = (i: number): string => `10.231.${Number(tag) % 200}.${i + 1}`

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Why namespaces cannot be used here, or null when they can. */
function unavailable (): string | null {
  const probe = `hgt-${tag}-probe`
  try {
    ip('netns', 'add', probe)
    ip('netns', 'del', probe)
    return null
  } catch (err) {
    return `cannot create network namespaces here (needs root and iproute2): ${(err as Error).message.split('\n')[0]}`
  }
}

/** Removes every namespace, veth and the bridge this test made (safe to call twice). */
function cleanup (): void {
  for (const ns of NS) { try { ip('netns', 'del', ns) } catch {} }
  // A veth outlives its namespace's name while a process still runs in it: delete it too.
  for (const veth of VETH) { try { ip('link', 'del', veth) } catch {} }
  try { ip('link', 'del', BRIDGE) } catch {}
}

/** A bridge (the Wi-Fi router) and one namespace per laptop (`count` of them): an address, no default route. */
function createLan (count = NS.length): void {
  cleanup()
  process.once('exit', cleanup)
  ip('link', 'add', BRIDGE, 'type', 'bridge')
  // Without this the bridge drops multicast to ports that never sent an IGMP report.
  fs.writeFileSync(`/sys/class/net/${BRIDGE}/bridge/multicast_snooping`, '0')
  ip('link', 'set', BRIDGE, 'up')
  NS.slice(0, count).forEach((ns, i) => {
    ip('netns', 'add', ns)
    ip('link', 'add', VETH[i], 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    ip('link', 'set', VETH[i], 'master', BRIDGE, 'up')
    ip('-n', ns, 'addr', 'add', `${address(i)}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    // No route for multicast, no default route: a LAN with no router (discovery sends from the
    // interface of the node's address, which needs none).
  })
}

/** `hypergas <args> --json` run inside namespace `ns` (it talks to the node running there). */
function cliIn (ns: string, dir: string, ...args: string[]): Record<string, unknown> {
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, BIN, '--dir', dir, '--json', ...args], { encoding: 'utf8' })
  return JSON.parse(out) as Record<string, unknown>
}

test('LAN name: a hash of the topic, never the group id or the topic itself', (t) => {
  const group = 'a1'.repeat(32) as GroupId
  const topic = groupTopic(group)
  const name = lanName(topic)
  t.ok(/^[0-9a-f]{32}\.hypergas\.local$/.test(name), name)
  t.is(lanName(groupTopic(group)), name, 'the same on every node of the group')
  t.not(lanName(groupTopic('b2'.repeat(32) as GroupId)), name, 'another group asks for another name')
  const label = name.slice(0, 32)
  t.absent(group.includes(label) || topic.toString('hex').includes(label), 'neither the group id nor the DHT topic appears in it')
})

test('LAN answer: the ports of a TXT record, anything else skipped; bootstrap addresses', (t) => {
  t.alike(portsOf([Buffer.from('port=4000'), Buffer.from('port=4001')]), [4000, 4001], 'both DHT nodes of a machine')
  t.alike(portsOf(['port=4000', 'port=4000', 'port=0', 'port=70000', 'host=x', 'port=12a']), [4000], 'duplicates and bad values dropped')
  t.alike(portsOf(['port=1', 'port=2', 'port=3', 'port=4', 'port=5']), [1, 2, 3, 4], 'at most four')
  t.alike(parseHostPort('10.0.0.5:49737'), { host: '10.0.0.5', port: 49737 })
  for (const bad of ['nonsense', ':49737', 'h:0', 'h:70000', 'h:1e3', 'h:']) t.exception(() => parseHostPort(bad), /BAD_ARGUMENT/, bad)
})

const why = unavailable()
if (why !== null) console.log(`# SKIP lan.test: ${why}`)

test('LAN: three admins in three namespaces with no internet find each other and converge; another group never connects', { skip: why !== null }, async (t) => {
  t.teardown(cleanup)
  createLan()
  t.exception(() => execFileSync('ip', ['netns', 'exec', NS[0], 'ping', '-c', '1', '-W', '1', '1.1.1.1'], { stdio: 'ignore' }), 'no route out of the LAN')

  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-lan-'))
  const dirs = ['anna', 'bruno', 'carla', 'zoe'].map((n) => path.join(base, n))
  setupAdmins(dirs.slice(0, 3), 'GAS in cascina', ['cassiere', 'referente'])
  cli(dirs[0], 'deposit', 'Anna', '25,00')
  cli(dirs[3], 'init', '--name', 'Altro GAS', '--founder', 'Zoe')

  const nodes: NodeProc[] = []
  t.teardown(async () => {
    await Promise.all(nodes.map(stopNode))
    fs.rmSync(base, { recursive: true, force: true })
  })
  const t0 = Date.now()
  // No --bootstrap: the public DHT is unreachable; only LAN discovery can connect them.
  for (const [i, name] of ['anna', 'bruno', 'carla', 'zoe'].entries()) nodes.push(await startNode(name, dirs[i], null, { lan: true, netns: NS[i] }))
  t.comment(`4 nodes started in ${Date.now() - t0} ms`)
  const status = (i: number): Record<string, any> => cliIn(NS[i], dirs[i], 'status') as Record<string, any>
  const ids = nodes.map((n) => n.memberId)

  const converged = (): boolean => {
    const s = [0, 1, 2].map(status)
    return s.every((x) => x.group.acts.pending === 0 && x.group.acts.total >= 6 && x.group.stateHash === s[0].group.stateHash) &&
      s.every((x, i) => [0, 1, 2].filter((j) => j !== i).every((j) => x.peers.some((p: any) => p.publicKey === ids[j])))
  }
  await waitFor('three LAN nodes to connect and converge', async () => converged(), 90_000)
  t.pass(`connected and converged in ${Date.now() - t0} ms after the first start`)

  // An act written on Bruno's node after the meeting started reaches the other two.
  cliIn(NS[1], dirs[1], 'deposit', 'Carla', '7,50')
  await waitFor('Bruno\'s deposit everywhere, confirmed', async () => converged() && status(0).group.acts.total >= 7, 60_000)
  const s = [0, 1, 2].map(status)
  t.is(new Set(s.map((x) => x.group.stateHash)).size, 1, `one state hash: ${String(s[0].group.stateHash).slice(0, 16)}`)
  t.ok(s.every((x) => x.group.acts.total === s[0].group.acts.total), `${String(s[0].group.acts.total)} acts on each`)
  for (const [i, x] of s.entries()) {
    const lan = x.peers.filter((p: any) => p.via === 'lan' && p.admin === true)
    t.alike(lan.map((p: any) => p.publicKey).sort(), ids.filter((_, j) => j !== i && j < 3).sort(), `${nodes[i].name} lists the two other admins as LAN peers`)
    t.ok(lan.every((p: any) => p.bytesReceived > 0 && p.address.startsWith('10.231.')), `${nodes[i].name}: peers named with address and bytes`)
    t.absent(x.peers.some((p: any) => p.publicKey === ids[3]), `${nodes[i].name} never connected to the other group's node`)
  }
  t.is(status(3).peers.length, 0, 'the other group\'s node has no peer')
  t.comment(execFileSync('ip', ['netns', 'exec', NS[0], process.execPath, BIN, '--dir', dirs[0], 'status'], { encoding: 'utf8' }).split('\n').map((l) => `anna$ ${l}`).join('\n'))
})

test('LAN: two admins alone, no internet, no bootstrap: they connect and converge, and again after one restarts', { skip: why !== null }, async (t) => {
  t.teardown(cleanup)
  createLan(2)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-lan2-'))
  const dirs = ['anna', 'bruno'].map((n) => path.join(base, n))
  setupAdmins(dirs, 'GAS in due', ['cassiere'])
  cli(dirs[0], 'deposit', 'Anna', '10,00')
  const nodes: NodeProc[] = []
  t.teardown(async () => {
    await Promise.all(nodes.map(stopNode))
    fs.rmSync(base, { recursive: true, force: true })
  })
  const status = (i: number): Record<string, any> => cliIn(NS[i], dirs[i], 'status') as Record<string, any>
  const converged = (acts: number) => async (): Promise<boolean> => {
    const s = [0, 1].map(status)
    return s.every((x) => x.group.acts.pending === 0 && x.group.acts.total >= acts && x.group.stateHash === s[0].group.stateHash) &&
      s.every((x, i) => x.peers.some((p: any) => p.publicKey === nodes[1 - i].memberId && p.via === 'lan'))
  }
  let t0 = Date.now()
  for (const [i, name] of ['anna', 'bruno'].entries()) nodes.push(await startNode(name, dirs[i], null, { lan: true, netns: NS[i] }))
  await waitFor('two LAN nodes to connect and converge', converged(4), 90_000)
  t.pass(`two admins connected and converged in ${Date.now() - t0} ms`)
  const total = status(0).group.acts.total as number

  // Bruno's laptop restarts; meanwhile Anna records a deposit. They meet again and converge.
  await stopNode(nodes[1])
  cliIn(NS[0], dirs[0], 'deposit', 'Bruno', '4,00')
  t0 = Date.now()
  nodes[1] = await startNode('bruno', dirs[1], null, { lan: true, netns: NS[1] })
  await waitFor('the two nodes to meet again after the restart', converged(total + 1), 90_000)
  const s = [0, 1].map(status)
  t.is(s[0].group.stateHash, s[1].group.stateHash, `one state hash after the restart (${Date.now() - t0} ms): ${String(s[0].group.stateHash).slice(0, 16)}`)
  const bruno = cliIn(NS[1], dirs[1], 'balance', 'Bruno') as Record<string, any>
  t.is(bruno.creditCents, 400, 'the deposit recorded while Bruno was away reached his node')

  // Bruno takes his node off the network (hypergas offline) and puts it back: they meet again, with
  // Anna's deposit of the meantime. (How long it takes is not asserted: 1.0–1.4 s, and 15–17 s
  // before the node called the admins it had met by key; see docs/decisions.md.)
  cliIn(NS[1], dirs[1], 'offline')
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  cliIn(NS[0], dirs[0], 'deposit', 'Bruno', '0,50')
  cliIn(NS[1], dirs[1], 'online')
  t0 = Date.now()
  await waitFor('Bruno, back online, to meet Anna again', converged(total + 2), 60_000)
  t.pass(`met again ${Date.now() - t0} ms after hypergas online`)

  // Bruno's laptop starts before its Wi-Fi has connected: no LAN address yet. When it gets one,
  // discovery starts on it, with no restart.
  await stopNode(nodes[1])
  ip('-n', NS[1], 'addr', 'del', `${address(1)}/24`, 'dev', 'eth0')
  nodes[1] = await startNode('bruno', dirs[1], null, { lan: true, netns: NS[1] })
  cliIn(NS[0], dirs[0], 'deposit', 'Bruno', '1,00')
  ip('-n', NS[1], 'addr', 'add', `${address(1)}/24`, 'dev', 'eth0')
  try { ip('-n', NS[1], 'route', 'add', '224.0.0.0/4', 'dev', 'eth0') } catch {} // (kept, on most kernels)
  t0 = Date.now()
  await waitFor('Bruno, given his address after the start, to find Anna', converged(total + 3), 90_000)
  t.is((cliIn(NS[1], dirs[1], 'balance', 'Bruno') as Record<string, any>).creditCents, 550, `found without a restart, ${Date.now() - t0} ms after the address came`)
})

test('LAN and a DHT: two admins that reach each other both ways keep one connection, over the LAN', { skip: why !== null }, async (t) => {
  t.teardown(cleanup)
  createLan(3)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-lan-dht-'))
  const dirs = ['anna', 'bruno'].map((n) => path.join(base, n))
  setupAdmins(dirs, 'GAS a due vie', ['cassiere'])
  const nodes: NodeProc[] = []
  // The group's own DHT node on the third laptop (`hypergas dht`), given to both as --bootstrap.
  const dht = spawn('ip', ['netns', 'exec', NS[2], process.execPath, BIN, '--json', 'dht', '--host', address(2), '--port', '49800'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(async () => {
    await Promise.all(nodes.map(stopNode))
    dht.kill()
    fs.rmSync(base, { recursive: true, force: true })
  })
  let printed = ''
  for await (const line of readline.createInterface({ input: dht.stdout! })) {
    printed += line
    if (line === '}') break
  }
  t.is((JSON.parse(printed) as { bootstrap: string }).bootstrap, `${address(2)}:49800`, 'a DHT node on the third laptop')
  for (const [i, name] of ['anna', 'bruno'].entries()) nodes.push(await startNode(name, dirs[i], `${address(2)}:49800`, { lan: true, netns: NS[i] }))
  const peersOf = (i: number): Array<{ publicKey: string, via: string }> => (cliIn(NS[i], dirs[i], 'status') as { peers: Array<{ publicKey: string, via: string }> }).peers.filter((p) => p.publicKey === nodes[1 - i].memberId)
  // Either way may meet first; once the LAN has, look for a while at what each node keeps.
  await waitFor('the two admins to meet on the LAN', async () => [0, 1].every((i) => peersOf(i).some((p) => p.via === 'lan')), 90_000)
  const seen = new Set<string>()
  for (let k = 0; k < 10; k++) {
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    for (const i of [0, 1]) seen.add(`${['anna', 'bruno'][i]}: ${peersOf(i).map((p) => p.via).sort().join('+')}`)
  }
  t.alike([...seen].sort(), ['anna: lan', 'bruno: lan'], 'one connection each, over the LAN, for 20 s')
  cliIn(NS[0], dirs[0], 'deposit', 'Bruno', '2,00')
  const credit = (): number => (cliIn(NS[1], dirs[1], 'balance', 'Bruno') as { creditCents: number }).creditCents
  await waitFor('the deposit to reach Bruno', async () => credit() === 200, 30_000)
  t.pass('and acts replicate over it')
  // Bruno restarts with LAN discovery off: the DHT alone reaches him. Anna's DHT swarm, which left
  // him alone while the LAN connection lived, takes him again once it ends.
  await stopNode(nodes[1])
  cliIn(NS[0], dirs[0], 'deposit', 'Bruno', '1,00')
  nodes[1] = await startNode('bruno', dirs[1], `${address(2)}:49800`, { netns: NS[1] })
  await waitFor('Bruno, back over the DHT alone, to get the deposit', async () => credit() === 300, 60_000)
  t.alike([0, 1].map((i) => peersOf(i).map((p) => p.via).join('+')), ['dht', 'dht'], 'the DHT takes over when the LAN connection ends')
  // And back on the LAN: whichever way meets first, the LAN's connection is the one kept.
  await stopNode(nodes[1])
  nodes[1] = await startNode('bruno', dirs[1], `${address(2)}:49800`, { lan: true, netns: NS[1] })
  await waitFor('Bruno, back on the LAN, to keep the LAN connection alone', async () => [0, 1].every((i) => peersOf(i).map((p) => p.via).join('+') === 'lan'), 90_000)
  t.pass('back on the LAN: one connection each, the LAN\'s')
})

/** Runs HTTP requests from inside namespace `ns` (another device on the LAN), in order; answers status, body and the cookie set. */
function phone (ns: string, script: string, requests: Array<{ url: string, method?: string, headers?: Record<string, string>, body?: unknown }>): Array<{ status: number, body: string, cookie: string | null }> {
  return JSON.parse(execFileSync('ip', ['netns', 'exec', ns, process.execPath, script, JSON.stringify(requests)], { encoding: 'utf8' }))
}

/** The phone's HTTP client: node:http, which sends the Host header it is given (fetch would not). */
const PHONE_SCRIPT = `import http from 'node:http'
const out = []
for (const r of JSON.parse(process.argv[2])) {
  out.push(await new Promise((resolve) => {
    const u = new URL(r.url)
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: r.method ?? 'GET', headers: r.headers ?? {} }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode, body, cookie: (res.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? null }))
    })
    req.on('error', (e) => resolve({ status: 0, body: e.message, cookie: null }))
    if (r.body !== undefined) { req.setHeader('content-type', 'application/json'); req.end(JSON.stringify(r.body)) } else req.end()
  }))
}
console.log(JSON.stringify(out))
`

test('LAN: a phone in another namespace reads nothing personal and changes nothing without credentials; with them it does', { skip: why !== null }, async (t) => {
  t.teardown(cleanup)
  createLan(2)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-lan-phone-'))
  const dir = path.join(base, 'anna')
  setupAdmins([dir], 'GAS del cortile', [])
  const marta = cli(dir, 'keygen', '--out', path.join(base, 'marta.json'))
  cli(dir, 'member', 'add', 'Marta', String(marta.publicKey))
  cli(dir, 'deposit', 'Marta', '30,00')
  cli(dir, 'purchase', 'open', 'Formaggi', '--supplier', 'Caseificio')
  const script = path.join(base, 'phone.mjs')
  fs.writeFileSync(script, PHONE_SCRIPT)
  const node = await startNode('anna', dir, null, { netns: NS[0], args: ['--host', '0.0.0.0', '--no-swarm'] })
  t.teardown(async () => { await stopNode(node); fs.rmSync(base, { recursive: true, force: true }) })
  const port = new URL(node.url).port
  const lan = `http://${address(0)}:${port}`
  const host = `${address(0)}:${port}`
  const token = { authorization: `Bearer ${fs.readFileSync(path.join(dir, 'token'), 'utf8').trim()}` }
  const deposit = { type: 'Deposit', member: 'Marta', cents: 100 }
  const codes = (rs: Array<{ status: number }>): number[] => rs.map((r) => r.status)

  const anon = phone(NS[1], script, [
    { url: `${lan}/api/status` }, { url: `${lan}/api/purchases` },
    { url: `${lan}/api/members` }, { url: `${lan}/api/members/Marta` }, { url: `${lan}/api/members/Marta/statement.csv` }, { url: `${lan}/api/log` },
    { url: `${lan}/api/acts`, method: 'POST', body: deposit }, { url: `${lan}/api/links`, method: 'POST', body: { member: 'Marta' } }
  ])
  t.alike(codes(anon), [200, 200, 401, 401, 401, 401, 401, 401], `no credentials: ${codes(anon).join(' ')}`)
  t.alike(JSON.parse(anon[0].body), { group: { name: 'GAS del cortile' }, member: null }, 'the public status: the group\'s name only')
  t.alike((JSON.parse(anon[1].body) as Array<{ name: string }>).map((p) => p.name), ['Formaggi'], 'and its open purchase')
  // (ids are random hex: they are left out before looking for the figure 3000)
  t.absent(anon.some((r) => r.body.includes(String(marta.publicKey)) || r.body.replace(/[0-9a-f]{64}/g, '').includes('3000')), 'no key, no credit in any answer')

  const foreign = phone(NS[1], script, [
    { url: `${lan}/api/members`, headers: { host: 'evil.example:' + port, ...token } },
    { url: `${lan}/`, headers: { host: 'evil.example:' + port } },
    { url: `${lan}/api/acts`, method: 'POST', headers: { host: 'evil.example:' + port, origin: `http://evil.example:${port}`, ...token }, body: deposit },
    { url: `${lan}/api/acts`, method: 'POST', headers: { origin: 'http://evil.example', ...token }, body: deposit }
  ])
  t.alike(codes(foreign), [421, 421, 421, 403], `foreign Host or Origin, even with the token: ${codes(foreign).join(' ')}`)

  const admin = phone(NS[1], script, [
    { url: `${lan}/api/members`, headers: token },
    { url: `${lan}/api/acts`, method: 'POST', headers: { ...token, origin: `http://${host}` }, body: deposit }
  ])
  t.alike(codes(admin), [200, 200], `with the token: ${codes(admin).join(' ')}`)

  // Marta's personal link, made on the admin's laptop, opened on the phone.
  const link = cliIn(NS[0], dir, 'link', 'Marta')
  const secret = String(link.url).split('#link=')[1]
  t.ok(String(link.url).startsWith(`${lan}/#link=`), `the link names the LAN address: ${String(link.url).slice(0, 40)}…`)
  const [login] = phone(NS[1], script, [{ url: `${lan}/api/auth/link`, method: 'POST', headers: { origin: `http://${host}` }, body: { secret } }])
  t.is(login.status, 200)
  const cookie = { cookie: login.cookie!, 'x-hypergas-session': String(JSON.parse(login.body).sessionKey) }
  const mine = phone(NS[1], script, [
    { url: `${lan}/api/members/Marta`, headers: cookie }, { url: `${lan}/api/members/Marta/statement.csv`, headers: cookie },
    { url: `${lan}/api/members/Anna`, headers: cookie }, { url: `${lan}/api/members`, headers: cookie }, { url: `${lan}/api/log`, headers: cookie },
    { url: `${lan}/api/acts`, method: 'POST', headers: { ...cookie, origin: `http://${host}` }, body: deposit }
  ])
  t.alike(codes(mine), [200, 200, 403, 403, 403, 401], `with Marta's link: ${codes(mine).join(' ')}`)
  t.is(JSON.parse(mine[0].body).creditCents, 3100, 'her own credit')
  cliIn(NS[0], dir, 'link', 'Marta', '--revoke')
  t.alike(codes(phone(NS[1], script, [{ url: `${lan}/api/members/Marta`, headers: cookie }])), [401], 'revoked: nothing')
  t.comment(`phone: none ${codes(anon).join(',')} · foreign ${codes(foreign).join(',')} · token ${codes(admin).join(',')} · link ${codes(mine).join(',')}`)
})
