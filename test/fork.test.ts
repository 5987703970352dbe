// Issue 3, hostile peers with real Corestores replicating over streams: a writer's feed forked
// (two different signed blocks at one index) is reported with evidence and frozen; malformed and
// oversized blocks are refused with a code. No node crashes and no state changes.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import Corestore from 'corestore'
import { sodiumSecretKey } from '../src/crypto.js'
import { stateHash } from '../src/fold/hash.js'
import { blockHash, encodeBlock } from '../src/merge/block.js'
import { GasNode } from '../src/node/node.js'
import { LocalApi } from '../src/api/api.js'
import { proofOf, proofText } from '../src/node/ingest/forks.js'
import { status as statusText } from '../src/cli/format.js'
import { setLang } from '../src/cli/i18n.js'
import { MAX_BLOCK_BYTES } from '../src/merge/block.js'
import { makeDataDir, season } from './bench/data.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-fork-'))

async function until (what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Replicates two stores over an in-process stream pair; returns a function that cuts it. */
function link (a: Corestore, b: Corestore): () => void {
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  return () => { (s1 as unknown as { destroy: () => void }).destroy() }
}

/** A founder node with one deposit, and a follower node that has replicated it. */
async function pair (): Promise<{ founder: GasNode, follower: GasNode, dirs: string[] }> {
  const dirs = [tmp(), tmp()]
  const founder = await GasNode.open({ dir: dirs[0], createIdentity: true })
  const g = await founder.createGroup('Fork test', 'Anna')
  await founder.submit({ type: 'Deposit', member: founder.id, cents: 1234 })
  const follower = await GasNode.open({ dir: dirs[1], createIdentity: true })
  await follower.joinGroup(g)
  const cut = link(founder.store, follower.store)
  await until('the follower to replicate', () => follower.view?.state.members.get(founder.id)?.creditCents === 1234)
  cut()
  return { founder, follower, dirs }
}

/** A store on another device with the founder's key, holding block 0 and a different block 1 and 2 of the founder's feed. */
async function otherDevice (founder: GasNode): Promise<Corestore> {
  const other = new Corestore(path.join(tmp(), 'corestore'))
  const keyPair = { publicKey: founder.keyPair.publicKey, secretKey: sodiumSecretKey(founder.keyPair) }
  const clone = other.get({ keyPair })
  await clone.ready()
  const first = (await founder.store.get({ keyPair }).get(0))!
  const b1 = encodeBlock({ prev: blockHash(first), links: [], acts: [] })
  await clone.append([first, b1, encodeBlock({ prev: blockHash(b1), links: [], acts: [] })])
  return other
}

test('a forked writer feed is reported with evidence and frozen; nothing changes', async (t) => {
  const { founder, follower, dirs } = await pair()
  const before = stateHash(follower.view!.state)
  // A second device with the founder's key writes a different block 1 (and 2): a fork.
  const other = await otherDevice(founder)
  const reports: unknown[] = []
  follower.on('fork', (f) => reports.push(f))
  const cut = link(other, follower.store)
  await until('the fork to be detected', () => follower.forks.length > 0)
  cut()
  await follower.settled()
  const f = follower.forks[0]
  t.is(f.feed, founder.id)
  t.is(f.length, 2, 'the length at which two signed trees differ')
  t.ok(typeof f.local.signature === 'string' && typeof f.remote.signature === 'string' && f.local.signature !== f.remote.signature, 'both signatures kept as evidence')
  t.is(reports.length, 1, 'reported once')
  t.is(stateHash(follower.view!.state), before, 'state unchanged')
  t.is(follower.graph.usableLength(founder.id), 2, 'the held blocks are kept, no block of the other branch is used')
  await follower.close()
  const again = await GasNode.open({ dir: dirs[1] })
  t.is(again.forks.length, 1, 'the report survives a restart')
  t.is(stateHash(again.view!.state), before)
  await again.close()
  // The founder's own node meets the other branch of its own feed: it writes nothing more, and says why.
  t.is(founder.ownStuck(), null, 'before: it writes')
  const cutOwn = link(other, founder.store)
  await until('the founder to see its own fork', () => founder.forks.length > 0)
  cutOwn()
  t.is(founder.ownStuck(), 'frozen', 'after: frozen, as its status says')
  await founder.close()
  await other.close()
})

test('a fork found by one node is proved to the other side later, after a restart too: a restored laptop whose tree the admins hold learns its feed forked', async (t) => {
  // The founder's laptop (F) and a follower (W) that holds F's feed as F wrote it; another device
  // with F's key (C, the old laptop started again) wrote another block 1. W meets C first.
  const { founder, follower, dirs } = await pair()
  await founder.submit({ type: 'Deposit', member: founder.id, cents: 100 })
  let cut = link(founder.store, follower.store)
  await until('the follower to hold block 1 of the founder', () => follower.graph.usableLength(founder.id) === 2)
  cut()
  const other = await otherDevice(founder)
  cut = link(other, follower.store)
  await until('the follower to find the fork', () => follower.forks.length > 0)
  cut()
  t.ok(typeof follower.forks[0].proof === 'string', 'the other side\'s signed tree kept with the report')
  await follower.close()
  await other.close()
  // F never met C, and holds what W holds: Hypercore alone would never tell F. W, restarted, proves it.
  t.is(founder.ownStuck(), null, 'the founder writes, unaware')
  const again = await GasNode.open({ dir: dirs[1] })
  // Hypercore says each conflict it finds on the console: counted, to see the proof is not bounced back and forth.
  const log = console.log
  let conflicts = 0
  console.log = (...args: unknown[]) => { if (String(args[0]).includes('conflict detected')) conflicts++; else log(...args) }
  t.teardown(() => { console.log = log })
  cut = link(founder.store, again.store)
  await until('the founder to learn its own feed forked', () => founder.forks.length > 0, 15_000)
  await new Promise((resolve) => setTimeout(resolve, 4000))
  cut()
  console.log = log
  t.ok(conflicts <= 3, `the two nodes stop proving it to each other (${conflicts} conflicts found in 4 s)`)
  t.is(founder.ownStuck(), 'frozen', 'and it writes no more, saying why')
  t.is(founder.forks[0].feed, founder.id)
  await again.close()
  await founder.close()
})

test('a node that joins after a fork was found downloads the blocks the group agreed on before it is proved the fork', async (t) => {
  // W holds the founder's feed and found the fork with C; N joins later and meets only W. Proved
  // the fork on connecting, N's Hypercore closed the feed before N held any block of it: N kept
  // none, could use none of the blocks linking to it, and never synced.
  const { founder, follower, dirs } = await pair()
  const other = await otherDevice(founder)
  let cut = link(other, follower.store)
  await until('the follower to find the fork', () => follower.forks.length > 0)
  cut()
  await other.close()
  const held = follower.graph.usableLength(founder.id)
  t.is(held, 2, 'the follower keeps the founder\'s two blocks')
  const newcomer = await GasNode.open({ dir: tmp(), createIdentity: true })
  await newcomer.joinGroup(JSON.parse(fs.readFileSync(path.join(dirs[0], 'group.json'), 'utf8')))
  cut = link(follower.store, newcomer.store)
  await until('the newcomer to hold the founder\'s blocks the follower holds', () => newcomer.graph.usableLength(founder.id) === held, 15_000)
    .catch((e) => { t.comment(`the newcomer holds ${newcomer.graph.usableLength(founder.id)} blocks, forks ${JSON.stringify(newcomer.forks)}`); const dbg = (n: GasNode): string => { const c = (n as any).feeds.get(founder.id); return JSON.stringify({ closed: c.closed, length: c.length, contig: c.contiguousLength, peers: c.peers.map((p: any) => [p.remoteLength, p.remoteContiguousLength, p.remoteFork]) }) }; t.comment('newcomer ' + dbg(newcomer)); t.comment('follower ' + dbg(follower)); throw e })
  await until('the newcomer to be proved the fork too', () => newcomer.forks.length > 0, 15_000)
  cut()
  await newcomer.settled()
  t.is(newcomer.view!.state.members.get(founder.id)?.creditCents, 1234, 'the deposit in the agreed blocks counts on the newcomer\'s node')
  t.is(stateHash(newcomer.view!.state), stateHash(follower.view!.state), 'the same state as the node that found the fork')
  await newcomer.close()
  await follower.close()
  await founder.close()
})

test('after a fork closes a feed\'s sessions, its blocks held are still read: the log\'s acts after a restart from the checkpoint', async (t) => {
  const { founder, follower, dirs } = await pair()
  const other = await otherDevice(founder)
  await follower.close() // its checkpoint holds the founder's blocks, which a start does not read
  await founder.close()
  const again = await GasNode.open({ dir: dirs[1] })
  const cut = link(other, again.store)
  await until('the fork to be found', () => again.forks.length > 0)
  cut()
  await other.close()
  await again.settled()
  const unread = again.view!.entries.slice(0).filter((e) => e.act === undefined)
  t.ok(unread.length > 0, 'entries restored from the checkpoint carry no act')
  let read = await again.readActs(unread)
  for (let i = 0; i < 50 && read.size < unread.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    read = await again.readActs(unread)
  }
  t.is(read.size, unread.length, 'every act read back from the blocks held, though Hypercore closed the feed\'s sessions')
  t.ok([...read.values()].some((a) => a.body.type === 'Deposit'), 'the deposit among them')
  await again.close()
})

test('a node whose own feed forked says how many of its acts are not confirmed', async (t) => {
  const { founder, follower } = await pair()
  // Two admins: an act of the founder's is confirmed once the follower acknowledges it.
  await founder.submit({ type: 'VoteRegisterMember', member: follower.id, name: 'Bruno' })
  await founder.submit({ type: 'VoteElectCassiere', member: follower.id })
  const other = await otherDevice(founder)
  await founder.submit({ type: 'Deposit', member: founder.id, cents: 700 })
  const api = new LocalApi(founder)
  t.alike([(await api.status()).me.stuck, (await api.status()).me.lost], [null, 0], 'before the fork: nothing said')
  const cut = link(other, founder.store)
  await until('the founder to find its own feed forked', () => founder.forks.length > 0)
  cut()
  const s = await api.status()
  t.is(s.me.stuck, 'frozen')
  t.ok(s.me.lost >= 1, `its unconfirmed acts are counted as lost (${s.me.lost})`)
  setLang('en')
  t.ok(statusText(s).includes('1 act recorded on this laptop is not confirmed'), 'and status says so')
  t.is(s.me.notCounted, 0, 'no block of its own ignored by the merge')
  t.ok(statusText({ ...s, me: { ...s.me, stuck: null, lost: 0, notCounted: 2 } }).includes('2 acts of this node are not in the books: the group did not use their blocks'), 'acts of a node whose blocks the merge ignores (an admin removed while away): status says they are not in the books')
  await other.close()
  await follower.close()
  await founder.close()
})

test('two copies of one admin that wrote the same length: the copy that finds the other version in a link proves its own, and the group finds the fork', async (t) => {
  // Anna's laptop (F) and Bruno, a second admin (W), who acknowledged F's last block. Another copy
  // of Anna's identity (C: restored elsewhere) wrote another block at that same index: same
  // length, so Hypercore never compares the two between W and C. C reads W's block naming the other version.
  const { founder, follower, dirs } = await pair()
  await founder.submit({ type: 'VoteRegisterMember', member: follower.id, name: 'Bruno' })
  await founder.submit({ type: 'VoteElectCassiere', member: follower.id })
  await founder.submit({ type: 'Deposit', member: founder.id, cents: 300 })
  const length = founder.graph.usableLength(founder.id)
  let cut = link(founder.store, follower.store)
  await until('Bruno to acknowledge Anna\'s last block', () => follower.graph.latest(follower.id)?.clock.get(founder.id) === length, 15_000)
  cut()
  await follower.settled()
  const cDir = tmp()
  for (const f of ['identity.json', 'group.json']) fs.copyFileSync(path.join(dirs[0], f), path.join(cDir, f))
  const cStore = new Corestore(path.join(cDir, 'corestore'))
  const keyPair = { publicKey: founder.keyPair.publicKey, secretKey: sodiumSecretKey(founder.keyPair) }
  const mine = founder.store.get({ keyPair })
  const blocks: Buffer[] = []
  for (let i = 0; i < length - 1; i++) blocks.push((await mine.get(i))!)
  blocks.push(encodeBlock({ prev: blockHash(blocks[blocks.length - 1]), links: [], acts: [] }))
  await cStore.get({ keyPair }).append(blocks)
  await cStore.close()
  const copy = await GasNode.open({ dir: cDir })
  t.is(copy.graph.usableLength(founder.id), length, 'the copy holds as many blocks of Anna\'s feed as Bruno')
  cut = link(copy.store, follower.store)
  await until('Bruno to find the fork', () => follower.forks.length > 0, 20_000).catch((e) => { t.comment(`the copy's link conflicts: ${JSON.stringify(copy.linkConflicts())}; its sync: ${JSON.stringify(copy.syncProgress())}`); throw e })
  cut()
  t.is(follower.forks[0].feed, founder.id, 'Anna\'s feed is reported forked on Bruno\'s node')
  t.is(copy.graph.usableLength(founder.id), length, 'found with no block written after the two: the copy\'s proof of its version did it')
  t.ok(copy.linkConflicts().some((c) => c.feed === founder.id), 'the copy had found the other version in Bruno\'s link')
  await copy.close()
  await follower.close()
  await founder.close()
})

for (const [name, bytes, code] of [
  ['malformed', Buffer.from([2, 5, 1, 2]), 'BAD_ENCODING'],
  ['format 1 (links without hashes)', Buffer.from([1, 0, 0]), 'BAD_VERSION'],
  ['oversized', Buffer.alloc(MAX_BLOCK_BYTES + 1, 1), 'OVERSIZED']
] as const) {
  test(`a ${name} block is refused with ${code}; the node keeps running`, async (t) => {
    const { founder, follower } = await pair()
    const before = stateHash(follower.view!.state)
    const invalid: Array<{ code: string }> = []
    follower.on('invalid-block', (e) => invalid.push(e))
    const core = founder.store.get({ keyPair: { publicKey: founder.keyPair.publicKey, secretKey: sodiumSecretKey(founder.keyPair) } })
    await core.append(bytes)
    const cut = link(founder.store, follower.store)
    await until('the block to be read', () => invalid.length > 0)
    cut()
    t.is(invalid[0].code, code)
    t.is(follower.graph.brokenAt(founder.id), 2)
    t.is(stateHash(follower.view!.state), before, 'state unchanged')
    await follower.close()
    await founder.close()
  })
}

test('a data directory holding blocks of format 1 (links without hashes) is refused at start with one clear line', async (t) => {
  const dir = tmp()
  const node = await GasNode.open({ dir, createIdentity: true })
  await node.createGroup('Old format', 'Anna')
  const kp = node.keyPair
  await node.close()
  // What an older hypergas appended: an acknowledgement in block format 1.
  const store = new Corestore(path.join(dir, 'corestore'))
  const core = store.get({ keyPair: { publicKey: kp.publicKey, secretKey: sodiumSecretKey(kp) } })
  await core.append(Buffer.from([1, 0, 0]))
  await store.close()
  let err: (Error & { code?: string }) | null = null
  try { await GasNode.open({ dir }) } catch (e) { err = e as Error & { code?: string } }
  t.is(err?.code, 'DATA_DIR')
  t.ok(err?.message.includes('older format') === true && !err.message.includes('\n'), err?.message)
  fs.rmSync(dir, { recursive: true, force: true })
})

test('an own feed holding blocks that do not chain: no background acknowledgement fails, a user act says DATA_DIR', async (t) => {
  const dir = tmp()
  // The bench's season written twice into one data directory: the own feed's second half
  // repeats its first, and no block of it follows from the block before.
  const s = season(3000, 7)
  await makeDataDir(s, dir)
  await makeDataDir(s, dir)
  const node = await GasNode.open({ dir })
  const errors: Error[] = []
  node.on('error', (e: Error) => errors.push(e))
  const held = s.feeds.get(node.id)!.length
  t.is(node.graph.usableLength(node.id), held, 'the first copy is used')
  t.ok(node.needsAck() === false, 'no acknowledgement is due from a feed it cannot append to')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.alike(errors.map((e) => e.message), [], 'no error in the background')
  let err: (Error & { code?: string }) | null = null
  try { await node.submit({ type: 'Deposit', member: node.id, cents: 100 }) } catch (e) { err = e as Error & { code?: string } }
  t.is(err?.code, 'DATA_DIR')
  await node.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a fork report\'s proof: written as text and read back the same; text that is no proof is none (a damaged forks.json crashes nothing)', (t) => {
  const proof = { fork: 0, upgrade: { start: 0, length: 3, nodes: [{ index: 2, size: 9, hash: Buffer.alloc(32, 7) }], additionalNodes: [], signature: Buffer.alloc(64, 1) }, manifest: null }
  t.alike(proofOf(proofText(proof)), proof)
  for (const bad of ['', 'x', 'null', '{}', '{"fork":0}', '{"fork":0,"upgrade":{"start":0}}', '{"fork":0,"upgrade":{"start":0,"length":1,"signature":"ab"}}']) t.is(proofOf(bad), null, JSON.stringify(bad))
})
