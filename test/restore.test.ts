// SPEC §3 "Backup and a new laptop", with real processes on a local DHT: admin B backs up its
// laptop, the laptop dies (SIGKILL, data directory deleted), `hypergas restore` makes a new
// directory and `hypergas start` runs it. While it waits for its own feed it writes nothing and
// refuses acts with RESTORING (A is kept offline meanwhile, so the wait is certain); once A is
// back it downloads its feed, the gate opens, and B writes again: no fork anywhere, one state
// hash, every act from before kept, B's new act there.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type Hypercore from 'hypercore'
import test from 'brittle'
import { localTime } from '../src/local-time.js'
import { procGroup, act, BIN, cli, get, NODE_FLAGS, post, setupAdmins, startNode, waitFor, type NodeProc } from '../examples/procs.js'
import type { MemberId } from '../src/ids.js'
import { encodeBlock, NO_PREV } from '../src/merge/block.js'
import { describeWait, markAnyAdmin, markRestoring, RESTORE_SETTLE_MS, RestoreGate } from '../src/node/storage/restore.js'

type Row = Record<string, unknown>
const PASS = 'la frase segreta di Bruno'

test('restore: a dead laptop restored from its backup downloads its feed before it writes, and never forks it', { timeout: 240000 }, async (t) => {
  const startedAt = Date.now()
  const { base, bootstrap, nodes } = await procGroup('restore', (fn) => t.teardown(fn))
  const [a, b, b2] = ['a', 'b', 'b-new-laptop'].map((n) => path.join(base, n))
  setupAdmins([a, b], 'Restore', ['cassiere'])
  nodes.push(await startNode('a', a, bootstrap), await startNode('b', b, bootstrap))
  const bruno = nodes[1].memberId
  await waitFor('B is a writer', async () => ((await get(nodes[1], '/api/status')).me as Row).admin === true)

  // A few acts on both laptops, all confirmed: A holds B's whole feed.
  const before: string[] = []
  before.push(await act(nodes[0], { type: 'Deposit', member: 'Anna', cents: 1000 }))
  for (const cents of [500, 600, 700]) before.push(await act(nodes[1], { type: 'Deposit', member: 'Bruno', cents }))
  before.push(await act(nodes[0], { type: 'OpenPurchase', name: 'Verdure' }))
  await waitFor('the purchase on B', async () => (await get<Row[]>(nodes[1], '/api/purchases')).length === 1)
  before.push(await act(nodes[1], { type: 'Commit', member: 'Bruno', cents: 300, purchase: 'Verdure' }))
  await converged(nodes)
  const feedOfB = async (n: NodeProc): Promise<number> => {
    const feeds = ((await get(n, '/api/status')).sync as Row).feeds as Row[]
    return Number(feeds.find((f) => f.feed === bruno)?.local ?? 0)
  }
  const lengthAtA = await feedOfB(nodes[0])
  t.ok(lengthAtA >= 4, `A holds ${lengthAtA} blocks of B's feed`)

  // The backup, while B's node runs; then B's laptop dies.
  const file = path.join(base, 'bruno.hgbackup')
  process.env.HYPERGAS_PASSPHRASE = PASS
  t.teardown(() => { delete process.env.HYPERGAS_PASSPHRASE })
  const backup = cli(b, 'backup', file)
  t.is(backup.memberId, bruno, 'the backup is of B')
  t.is(fs.statSync(file).mode & 0o777, 0o600, 'the backup file is 0600')
  t.absent(fs.readFileSync(file).includes(Buffer.from(JSON.parse(fs.readFileSync(path.join(b, 'identity.json'), 'utf8')).seed as string)), 'the seed is not in clear in it')
  t.is((await post(nodes[0], '/api/swarm', { online: false })).online, false, 'A goes offline for now')
  const offText = execFileSync(process.execPath, [BIN, '--dir', a, '--lang', 'en', 'status'], { encoding: 'utf8' })
  t.ok(offText.includes('(taken off the network: what others wrote since is not here; hypergas online)'), 'status on the running node says how it comes back')
  nodes[1].child.kill('SIGKILL')
  await new Promise((resolve) => nodes[1].child.once('exit', resolve))
  fs.rmSync(b, { recursive: true, force: true })

  // A wrong passphrase is one line with its code; then the restore.
  const wrong = spawnSync(process.execPath, [BIN, '--dir', b2, '--lang', 'en', 'restore', file], { encoding: 'utf8', env: { ...process.env, HYPERGAS_PASSPHRASE: 'not the passphrase' } })
  t.is(wrong.status, 1, 'a wrong passphrase exits 1')
  t.is(wrong.stderr.trim(), 'error BAD_PASSPHRASE: wrong passphrase for this backup', 'in one line, with the code')
  t.absent(fs.existsSync(path.join(b2, 'identity.json')), 'and writes nothing')
  const restored = cli(b2, 'restore', file)
  t.is(restored.memberId, bruno, 'restored: the same identity')
  t.is(restored.restoring, true)
  t.is(spawnSync(process.execPath, [BIN, '--dir', b2, 'restore', file], { encoding: 'utf8' }).status, 1, 'a second restore into the same directory is refused')
  // Said in words, the backup's time is local, as every time the CLI shows (never started: removed at once).
  const b3 = path.join(base, 'b3')
  const said = spawnSync(process.execPath, [BIN, '--dir', b3, '--lang', 'en', 'restore', file], { encoding: 'utf8' }).stdout
  fs.rmSync(b3, { recursive: true, force: true })
  t.ok(said.includes(`(backup of ${localTime(Date.parse(String(restored.backupCreatedAt)))})`), said.split('\n')[0])

  // The new laptop starts while A is away: it holds nothing of its feed, so it writes nothing.
  nodes[1] = await startNode('b-new', b2, bootstrap)
  const refused = await post(nodes[1], '/api/acts', { type: 'Deposit', member: 'Bruno', cents: 100 })
  t.is((refused.error as Row | undefined)?.code, 'RESTORING', 'an act submitted at once is refused with RESTORING')
  t.ok(/own feed: 0 of \d+ blocks; no peer yet/.test(String((refused.error as Row).message)), String((refused.error as Row).message))
  const st = await get(nodes[1], '/api/status')
  t.is((st.restoring as Row).peerSynced, false, 'status: restoring, no peer synced')
  const text = execFileSync(process.execPath, [BIN, '--dir', b2, '--lang', 'en', 'status'], { encoding: 'utf8' })
  t.ok(/^restoring +own feed 0 of \d+ blocks · no peer yet$/m.test(text), 'hypergas status says what it waits for')
  const viaCli = spawnSync(process.execPath, [BIN, '--dir', b2, '--lang', 'it', 'deposit', 'Bruno', '1'], { encoding: 'utf8' })
  t.is(viaCli.status, 1)
  t.ok(/^errore RESTORING: il nodo sta ripristinando la sua identità .*proprio registro 0 di \d+ blocchi · nessun nodo collegato\n$/.test(viaCli.stderr), viaCli.stderr.trim())
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.is(await feedOfB(nodes[1]), 0, 'still nothing of its own feed, and nothing appended')
  t.ok(fs.existsSync(path.join(b2, 'restoring.json')), 'the restoring mark is kept')

  // A comes back: B downloads its feed, then the gate opens.
  const restoreStart = Date.now()
  await post(nodes[0], '/api/swarm', { online: true })
  const stuck = new Set<unknown>()
  await waitFor('B restored', async () => { const s = await get(nodes[1], '/api/status'); stuck.add((s.me as Row).stuck); return s.restoring === null }, 90000)
  t.comment(`restore gate opened ${Date.now() - restoreStart} ms after A came back`)
  t.absent(stuck.has('unusable'), `while its feed downloads, the node never says another device wrote it (${[...stuck].join(', ')})`)
  t.ok(await feedOfB(nodes[1]) >= lengthAtA, `B holds its ${lengthAtA} blocks again`)
  t.absent(fs.existsSync(path.join(b2, 'restoring.json')), 'the mark is gone')
  const after = await act(nodes[1], { type: 'Deposit', member: 'Bruno', cents: 250 })

  await converged(nodes)
  const hashes = new Set<unknown>()
  for (const [i, n] of nodes.entries()) {
    const s = await get(n, '/api/status')
    hashes.add((s.group as Row).stateHash)
    t.alike(s.forks, [], `${n.name}: no fork reported`)
    const forksFile = path.join([a, b2][i], 'forks.json')
    t.ok(!fs.existsSync(forksFile) || JSON.parse(fs.readFileSync(forksFile, 'utf8')).length === 0, `${n.name}: no fork evidence on disk`)
    const ids = new Set(((await get(n, '/api/log?limit=1000')).entries as Row[]).map((e) => e.actId))
    t.ok(before.every((id) => ids.has(id)), `${n.name}: every act from before the restore`)
    t.ok(ids.has(after), `${n.name}: B's new act`)
  }
  t.is(hashes.size, 1, 'one state hash on both nodes')
  const member = await get(nodes[0], '/api/members/Bruno')
  t.is(member.creditCents, 500 + 600 + 700 - 300 + 250, "Bruno's credit counts every deposit, before and after")
  t.comment(`test ran ${Math.round((Date.now() - startedAt) / 1000)} s`)
})

test('restore: an admin away holds the last block of the restored feed; the restore waits for their node instead of forking the feed (docs/ordering.md §7)', { timeout: 240000 }, async (t) => {
  const { base, bootstrap, nodes } = await procGroup('restore-three', (fn) => t.teardown(fn))
  const [a, b, c, c2] = ['a', 'b', 'c', 'c-new-laptop'].map((n) => path.join(base, n))
  setupAdmins([a, b, c], 'Restore', ['cassiere', 'cassiere'])
  nodes.push(await startNode('a', a, bootstrap), await startNode('b', b, bootstrap), await startNode('c', c, bootstrap))
  const carla = nodes[2].memberId
  await waitFor('C is a writer', async () => ((await get(nodes[2], '/api/status')).me as Row).admin === true)
  await act(nodes[2], { type: 'Deposit', member: 'Carla', cents: 1000 })
  await converged(nodes)
  const feedOfC = async (n: NodeProc): Promise<number> => Number(((((await get(n, '/api/status')).sync as Row).feeds as Row[]).find((f) => f.feed === carla)?.local ?? 0))
  process.env.HYPERGAS_PASSPHRASE = PASS
  t.teardown(() => { delete process.env.HYPERGAS_PASSPHRASE })
  const file = path.join(base, 'carla.hgbackup')
  cli(c, 'backup', file)

  // Anna is away; Carla's last deposit reaches Bruno's node only; then Carla's laptop dies and Bruno leaves.
  await post(nodes[0], '/api/swarm', { online: false })
  const lost = await act(nodes[2], { type: 'Deposit', member: 'Carla', cents: 700 })
  await waitFor('B holds all of C\'s feed', async () => await feedOfC(nodes[1]) === await feedOfC(nodes[2]))
  const atBruno = await feedOfC(nodes[1])
  nodes[2].child.kill('SIGKILL')
  await new Promise((resolve) => nodes[2].child.once('exit', resolve))
  fs.rmSync(c, { recursive: true, force: true })
  await post(nodes[1], '/api/swarm', { online: false })
  await post(nodes[0], '/api/swarm', { online: true })
  const atAnna = await feedOfC(nodes[0])
  t.ok(atAnna < atBruno, `Anna holds ${atAnna} blocks of Carla's feed, Bruno ${atBruno}`)

  // The new laptop meets Anna only: it holds what Anna holds, and waits for Bruno's node.
  cli(c2, 'restore', file)
  nodes[2] = await startNode('c-new', c2, bootstrap)
  await waitFor('C synced with A', async () => ((await get(nodes[2], '/api/status')).restoring as Row | null)?.peerSynced === true)
  await new Promise((resolve) => setTimeout(resolve, 2500))
  const st = await get(nodes[2], '/api/status')
  t.alike((st.restoring as Row | null)?.adminsWaited, ['Bruno'], 'still restoring: it waits for Bruno\'s node')
  t.is(await feedOfC(nodes[2]), atAnna, 'and appended nothing after the blocks Anna holds')
  const text = execFileSync(process.execPath, [BIN, '--dir', c2, '--lang', 'en', 'status'], { encoding: 'utf8' })
  t.ok(/^restoring +own feed \d+ of \d+ blocks · synced with a peer · waiting for the node of Bruno, which may hold more of this feed \(if it cannot come: hypergas --dir \S+ restore --any-admin\)$/m.test(text), text.split('\n').find((l) => l.startsWith('restoring')))

  // Bruno comes back: the block only he held arrives, the gate opens, and Carla writes after it.
  await post(nodes[1], '/api/swarm', { online: true })
  await waitFor('C restored', async () => (await get(nodes[2], '/api/status')).restoring === null, 90000)
  t.ok(await feedOfC(nodes[2]) >= atBruno, 'the restored laptop holds the block that only Bruno had')
  const after = await act(nodes[2], { type: 'Deposit', member: 'Carla', cents: 50 })
  await converged(nodes)
  const hashes = new Set<unknown>()
  for (const n of nodes) {
    const s = await get(n, '/api/status')
    hashes.add((s.group as Row).stateHash)
    t.alike(s.forks, [], `${n.name}: no fork`)
    const ids = new Set(((await get(n, '/api/log?limit=1000')).entries as Row[]).map((e) => e.actId))
    t.ok(ids.has(lost) && ids.has(after), `${n.name}: the deposit only Bruno held, and the one after the restore`)
  }
  t.is(hashes.size, 1, 'one state hash on the three nodes')
  t.is((await get(nodes[0], '/api/members/Carla')).creditCents, 1000 + 700 + 50, 'Carla\'s credit counts every deposit')
})

/** Waits until the nodes show one state hash with every act confirmed. */
async function converged (nodes: NodeProc[]): Promise<void> {
  await waitFor('one state hash, all confirmed', async () => {
    const st = await Promise.all(nodes.map(async (n) => await get(n, '/api/status')))
    return new Set(st.map((s) => (s.group as Row).stateHash)).size === 1 && st.every((s) => { const x = (s.group as Row).acts as Row; return x.final === x.total })
  }, 90000)
}

test('restore gate: a peer that never held the own feed vouches for nothing; one that holds it opens the gate', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-gate-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  let now = 0
  const own = { length: 0, contiguousLength: 0, closing: false, closed: false, peers: [{ remoteSynced: true, remoteLength: 0 }], download: () => {} }
  const ownId = 'ab'.repeat(32) as MemberId
  const gate = new RestoreGate({ dir, ownId, own: own as unknown as Hypercore, ownUsable: () => own.contiguousLength, cores: () => [[ownId, own as unknown as Hypercore]], peers: () => 1, admins: () => ({ current: new Set([ownId]), ever: [ownId] }), now: () => now }, new Date(0).toISOString())
  const settle = async (): Promise<void> => { for (let i = 0; i < 4; i++) { await gate.check(); now += RESTORE_SETTLE_MS } }
  await settle()
  t.ok(gate.active, 'a new member\'s node, with nothing of the feed: still closed')
  own.peers = [{ remoteSynced: true, remoteLength: 3 }]
  own.length = 3
  await settle()
  t.ok(gate.active, 'a peer with 3 blocks, none held here yet: closed')
  own.contiguousLength = 3
  await settle()
  t.absent(gate.active, 'held as far as the peer holds it: open')
})

test('restore gate: a feed that never held a block opens when every other admin\'s node holds none of it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-gate-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const ownId = 'ab'.repeat(32) as MemberId
  const [anna, carla, member] = ['cd', 'ef', '12'].map((x) => x.repeat(32) as MemberId)
  /** A peer of the own feed: connected by `id`'s key, holding `length` blocks of it. */
  const peer = (id: MemberId, length = 0): { remoteSynced: boolean, remoteLength: number, remotePublicKey: Buffer } => ({ remoteSynced: true, remoteLength: length, remotePublicKey: Buffer.from(id, 'hex') })
  /**
   * Whether the gate stays closed with the own feed empty here, these peers, the admins `current`
   * and `ever` of the replayed state, and Anna's feed of one block, which links none of the own feed.
   */
  const closed = async (peers: Array<ReturnType<typeof peer>>, current: MemberId[], ever: MemberId[] = current): Promise<boolean> => {
    fs.writeFileSync(path.join(dir, 'restoring.json'), '{}')
    const own = { length: 0, contiguousLength: 0, closing: false, closed: false, peers, download: () => {} }
    const block = encodeBlock({ prev: NO_PREV, links: [], acts: [] })
    const annas = { length: 1, contiguousLength: 1, closing: false, closed: false, get: async () => block }
    let now = 0
    const gate = new RestoreGate({ dir, ownId, own: own as unknown as Hypercore, ownUsable: () => 0, cores: () => [[ownId, own as unknown as Hypercore], [anna, annas as unknown as Hypercore]], peers: () => peers.length, admins: () => ({ current: new Set(current), ever }), now: () => { now += RESTORE_SETTLE_MS; return now } }, new Date(0).toISOString())
    for (let i = 0; i < 4; i++) await gate.check()
    return gate.active
  }
  t.ok(await closed([peer(member)], [ownId, anna]), 'a member\'s node that holds none of it: still closed')
  t.ok(await closed([peer(ownId)], [ownId, anna]), 'a node with this identity\'s own key (the old laptop): still closed')
  t.ok(await closed([peer(anna), peer(carla, 1)], [ownId, anna, carla]), 'Anna holds none, Carla announced a block whose proof is still on the way: still closed')
  t.ok(await closed([peer(anna)], [ownId, anna, carla]), 'Anna holds none, Carla is not connected: still closed (a block may have reached only her)')
  t.absent(await closed([peer(anna), peer(carla)], [ownId, anna, carla]), 'Anna and Carla, the other admins, hold none: open')
  t.absent(fs.existsSync(path.join(dir, 'restoring.json')), 'and the mark is gone')
  t.absent(await closed([peer(anna)], [ownId, anna]), 'two admins: the other one holds none, and no link to it: open')
  t.ok(await closed([peer(anna)], [ownId], [ownId]), 'the only admin, no other admin ever: nobody vouches, still closed')
  t.absent(await closed([peer(anna)], [ownId], [anna, ownId]), 'the only admin since Anna handed over: Anna, a past admin, holds none: open')
})

test('restore gate: every other admin\'s node must be met, since a block of the old laptop may have reached only them (docs/ordering.md §7)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-gate-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const ownId = 'ab'.repeat(32) as MemberId
  const [anna, dan, bea, marta, piero] = ['cd', 'ef', '34', '56', '78'].map((x) => x.repeat(32) as MemberId)
  const names = new Map([[anna, 'Anna'], [dan, 'Dan'], [bea, 'Bea']])
  type Peer = { remoteSynced: boolean, remoteLength: number, remotePublicKey: Buffer }
  const peer = (id: MemberId, length: number, synced = true): Peer => ({ remoteSynced: synced, remoteLength: length, remotePublicKey: Buffer.from(id, 'hex') })
  const block = encodeBlock({ prev: NO_PREV, links: [], acts: [] })
  const feed = (length: number, held = length): Hypercore => ({ length, contiguousLength: held, closing: false, closed: false, peers: [], get: async () => block }) as unknown as Hypercore
  let now = 0
  /** A restoring directory's gate: the own feed of `length` blocks held, these peers, these current admins (past: the same and `past`). */
  const gateOf = (length: number, peers: Peer[], admins: MemberId[], past: MemberId[] = [], dansFeed = feed(2)): { gate: RestoreGate, own: { length: number, contiguousLength: number, peers: Peer[] }, settle: () => Promise<void> } => {
    markRestoring(dir, { since: new Date(0).toISOString(), memberId: ownId, backupCreatedAt: new Date(0).toISOString() })
    fs.rmSync(path.join(dir, 'restoring-any-admin'), { force: true })
    const own = { length, contiguousLength: length, closing: false, closed: false, peers, download: () => {} }
    const others = [...admins, ...past].filter((a) => a !== ownId).map((a): [MemberId, Hypercore] => [a, a === bea ? feed(0) : a === dan ? dansFeed : feed(2)])
    const gate = new RestoreGate({ dir, ownId, own: own as unknown as Hypercore, ownUsable: () => own.contiguousLength, cores: () => [[ownId, own as unknown as Hypercore], ...others], peers: () => own.peers.length, admins: () => ({ current: new Set(admins), ever: [...admins, ...past] }), name: (id) => names.get(id) ?? id.slice(0, 8), now: () => { now += RESTORE_SETTLE_MS; return now } }, new Date(0).toISOString())
    return { gate, own, settle: async () => { for (let i = 0; i < 4; i++) await gate.check() } }
  }

  // The own feed: 3 blocks here, as Anna holds it; nothing of Bea's feed here (she may have written where this node cannot see).
  const a = gateOf(3, [peer(anna, 3)], [ownId, anna, dan, bea], [piero])
  await a.settle()
  t.ok(a.gate.active, 'synced with Anna alone: closed')
  t.alike(a.gate.status?.adminsWaited, ['Bea', 'Dan'], 'it waits for Dan\'s node and Bea\'s (her feed empty here says nothing of what her node holds), not a former admin\'s')
  t.ok(describeWait(a.gate.status!).endsWith('waiting for the node of Bea, Dan'), describeWait(a.gate.status!))
  a.own.peers = [peer(bea, 0), peer(dan, 3, false)]
  await a.settle()
  t.alike(a.gate.status?.adminsWaited, ['Dan'], 'Bea\'s node holds none of it: met, and Anna stays met after she left; Dan\'s length has not arrived')
  a.own.peers = [peer(dan, 4)]
  await a.settle()
  t.ok(a.gate.active, 'Dan\'s node holds a fourth block of the own feed: closed until it is here')
  a.own.length = 4
  await a.settle()
  t.ok(a.gate.active, 'the fourth block is known, not held yet: closed')
  a.own.contiguousLength = 4
  await a.settle()
  t.absent(a.gate.active, 'held as far as Dan holds it, every admin met once (never all together): open')

  // The human step: Dan cannot come, and the old laptop last synced with Anna. Dan's own feed
  // here: 3 blocks announced, 2 held, and no node online to send the third.
  const b = gateOf(4, [peer(anna, 4)], [ownId, anna, dan], [], feed(3, 2))
  await b.settle()
  t.ok(b.gate.active, 'closed while Dan is away')
  t.is(markAnyAdmin(dir).memberId, ownId)
  await b.settle()
  t.absent(b.gate.active, 'after --any-admin, the feeds as the nodes online hold them are enough: open')
  t.absent(fs.existsSync(path.join(dir, 'restoring-any-admin')), 'and --any-admin is gone with the mark')
  t.exception(() => markAnyAdmin(dir), /not restoring/, '--any-admin on a directory that is not restoring is refused')

  // An own feed that never held a block, Dan gone for good: Anna's node holding none of it, then --any-admin.
  const c = gateOf(0, [peer(anna, 0)], [ownId, anna, dan])
  await c.settle()
  t.alike([c.gate.active, c.gate.status?.peerSynced, c.gate.status?.adminsWaited], [true, true, ['Dan']], 'synced with Anna\'s node, waiting for Dan\'s: said by name')
  markAnyAdmin(dir)
  await c.settle()
  t.absent(c.gate.active, 'after --any-admin: open')

  // Two admins, Anna gone for good, the own feed empty: only a member's node to meet. Nothing opens
  // it but --any-admin (then the members' recovery can be written here); the old laptop's key is no one.
  const d = gateOf(0, [peer(marta, 0), peer(ownId, 0)], [ownId, anna])
  await d.settle()
  t.alike([d.gate.active, d.gate.status?.peerSynced, d.gate.status?.adminsWaited], [true, false, []], 'a member\'s node vouches for nothing')
  markAnyAdmin(dir)
  await d.gate.check()
  t.ok(describeWait(d.gate.status!).endsWith('not waiting for the other admins (--any-admin)'), describeWait(d.gate.status!))
  await d.settle()
  t.absent(d.gate.active, 'after --any-admin, a member\'s node holding none of it: open')
  const e = gateOf(0, [peer(ownId, 0)], [ownId, anna])
  markAnyAdmin(dir)
  await e.settle()
  t.ok(e.gate.active, 'with --any-admin, the old laptop alone (this identity\'s key) vouches for nothing: closed')
  const f = gateOf(0, [peer(ownId, 0)], [ownId], [anna])
  await f.settle()
  t.ok(f.gate.active, 'the only admin since Anna handed over; the old laptop\'s key is not Anna\'s node: closed')
})

test('restore: an admin whose feed never held a block is restored once an admin\'s node shows it empty', { timeout: 180000 }, async (t) => {
  const { base, bootstrap, nodes } = await procGroup('restore-empty', (fn) => t.teardown(fn))
  const [a, b, b2] = ['a', 'b', 'b-new-laptop'].map((n) => path.join(base, n))
  // Bruno is elected while his laptop is off; he backs it up and loses it before it ever ran.
  setupAdmins([a, b], 'Restore', ['cassiere'])
  const file = path.join(base, 'bruno.hgbackup')
  process.env.HYPERGAS_PASSPHRASE = PASS
  t.teardown(() => { delete process.env.HYPERGAS_PASSPHRASE })
  const bruno = cli(b, 'backup', file).memberId
  fs.rmSync(b, { recursive: true, force: true })
  t.is(cli(b2, 'restore', file).restoring, true, 'restored, restoring')

  nodes.push(await startNode('a', a, bootstrap), await startNode('b-new', b2, bootstrap))
  await waitFor('B restored', async () => (await get(nodes[1], '/api/status')).restoring === null, 90000)
  t.absent(fs.existsSync(path.join(b2, 'restoring.json')), 'the mark is gone')
  await act(nodes[1], { type: 'Deposit', member: 'Bruno', cents: 250 })
  await converged(nodes)
  t.is((await get(nodes[0], '/api/members/Bruno')).creditCents, 250, "Bruno's deposit on the restored laptop is in A's books")
  const st = await get(nodes[0], '/api/status')
  t.is((st.forks as unknown[]).length, 0, 'no fork')
  t.ok(Number((((st.sync as Row).feeds as Row[]).find((f) => f.feed === bruno)?.local ?? 0)) >= 1, "A holds the restored laptop's blocks of Bruno's feed")
})

test('join --key: an admin elected with only a keygen key runs a node with it, and confirmation resumes', { timeout: 180000 }, async (t) => {
  // Two admins: Anna, and Bea, elected cassiere from a key file (hypergas keygen) with no node of
  // her own. Every act after the election waits for Bea: the admins cannot revoke her, and the
  // members' votes cannot count (Bea acknowledged no registration). Her key file runs a node.
  const { base, bootstrap, nodes } = await procGroup('join-key', (fn) => t.teardown(fn))
  const [a, b] = ['a', 'bea'].map((n) => path.join(base, n))
  const init = cli(a, 'init', '--name', 'Chiave', '--founder', 'Anna')
  const keyFile = path.join(base, 'bea.json')
  const bea = String(cli(a, 'keygen', '--out', keyFile).publicKey)
  cli(a, 'member', 'add', 'Bea', bea)
  cli(a, 'elect', '--role', 'cassiere', 'Bea')
  cli(a, 'deposit', 'Anna', '12')
  nodes.push(await startNode('a', a, bootstrap))
  const before = await get(nodes[0], '/api/status')
  const acts = (before.group as Row).acts as Row
  t.ok(Number(acts.final) < Number(acts.total), `acts wait for Bea (${String(acts.final)} of ${String(acts.total)} confirmed)`)
  const waiting = (((before.group as Row).finality as Row).recovery as Row[]).find((r) => r.admin === bea)
  t.is(waiting?.started, false, 'status says Bea\'s node has not written yet')
  const text = execFileSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', a, '--lang', 'en', 'status'], { encoding: 'utf8' })
  t.ok(text.includes('hypergas join <invite> --key <their key file>'), 'and tells her to join with her key file')

  const anna = cli(a, 'join', String(init.invite))
  t.alike([anna.memberId, anna.already], [init.memberId, true], 'join again in a directory whose node is running: its identity, not "try again later"')
  const joined = cli(b, 'join', String(init.invite), '--key', keyFile)
  t.is(joined.memberId, bea, 'the node\'s identity is the key file\'s')
  t.is(joined.restoring, true, 'it writes nothing before it has seen what the identity wrote')
  const again = spawnSync(process.execPath, [...NODE_FLAGS, BIN, '--dir', b, '--json', 'join', String(init.invite), '--key', keyFile], { encoding: 'utf8' })
  t.ok(again.status !== 0 && again.stderr.includes('DATA_DIR'), `joining the same directory again is refused: ${again.stderr.trim()}`)
  nodes.push(await startNode('bea', b, bootstrap))
  await converged(nodes)
  t.is(((await get(nodes[1], '/api/status')).me as Row).admin, true, 'Bea\'s node writes as an admin')
  t.is((await get(nodes[0], '/api/members/Anna')).creditCents, 1200, 'Anna\'s deposit is confirmed')
})
