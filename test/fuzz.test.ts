// Issue 14 item 5: property-based fuzzing (fast-check) of every decoder a peer or a client
// reaches — acts, blocks, invites, checkpoints, HTTP bodies, CLI amounts — with random and
// mutated inputs. Each must answer a clear HypergasError code or a value, never crash with
// another error, and a refused input changes nothing. Seeded: the seed is printed, and
// HYPERGAS_FUZZ_SEED=<n> replays a run; HYPERGAS_FUZZ_RUNS=<n> runs more inputs per property.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import fc from 'fast-check'
import { createAct, decodeAct } from '../src/acts/act.js'
import { HypergasError } from '../src/errors.js'
import type { GroupId, MemberId, PurchaseId } from '../src/ids.js'
import { createServer } from '../src/http/server.js'
import { decodeBlock, encodeBlock, NO_PREV } from '../src/merge/block.js'
import { formatCents, parseEuros } from '../src/money.js'
import { decodeCheckpoint, sealCheckpoint, unsealCheckpoint } from '../src/node/storage/checkpoint.js'
import { paths } from '../src/node/storage/datadir.js'
import { decodeInvite, encodeInvite } from '../src/api/invite.js'
import { GasNode } from '../src/node/node.js'
import { person } from './helpers/fixtures.js'

const SEED = Number(process.env.HYPERGAS_FUZZ_SEED ?? 20261130)
const RUNS = Number(process.env.HYPERGAS_FUZZ_RUNS ?? 10000)
const ran: Record<string, number> = {}

/** Runs `fn` on `input`; a HypergasError is a clear refusal (its code returned), anything else fails the property. */
function refusal (fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    if (err instanceof HypergasError && /^[A-Z_]+$/.test(err.code) && !err.message.includes('\n')) return err.code
    throw err
  }
}

/** Up to eight edits of `base`: flip, set, delete or insert a byte, or cut the tail. */
function mutated (base: Buffer): fc.Arbitrary<Buffer> {
  const edit = fc.record({ op: fc.constantFrom('flip', 'set', 'del', 'ins', 'cut'), at: fc.nat(), value: fc.nat(255) })
  return fc.array(edit, { minLength: 1, maxLength: 8 }).map((edits) => {
    let b = Buffer.from(base)
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length
      if (e.op === 'flip') b[at] ^= 1 << (e.value % 8)
      else if (e.op === 'set') b[at] = e.value
      else if (e.op === 'del') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)])
      else if (e.op === 'ins') b = Buffer.concat([b.subarray(0, at), Buffer.from([e.value]), b.subarray(at)])
      else b = b.subarray(0, at)
    }
    return b
  })
}

const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a))

function check<T> (name: string, arb: fc.Arbitrary<T>, pred: (x: T) => void, runs = RUNS): void {
  fc.assert(fc.property(arb, (x) => { pred(x) }), { seed: SEED, numRuns: runs })
  ran[name] = (ran[name] ?? 0) + runs
}

const anna = person('fuzz-anna')
const marta = person('fuzz-marta')
const group = 'ab'.repeat(32) as GroupId
const commit = createAct({ type: 'Commit', member: marta.id, cents: 1250, purchase: 'cd'.repeat(32) as PurchaseId }, { group, keyPair: marta, timeMs: 1_700_000_000_000 })
const deposit = createAct({ type: 'Deposit', member: marta.id, cents: 2000 }, { group, keyPair: anna, timeMs: 1_700_000_000_000 })

test(`fuzz: act decoder (seed ${SEED})`, (t) => {
  check('act, random bytes', bytes(5000), (b) => { refusal(() => decodeAct(b, group)) })
  check('act, mutated', mutated(commit.bytes), (b) => {
    const code = refusal(() => decodeAct(b, group))
    if (code === null && !b.equals(commit.bytes)) throw new Error(`a mutated act was accepted: ${b.toString('hex')}`)
  })
  check('act from a feed, mutated', mutated(deposit.bytes), (b) => { refusal(() => decodeAct(b, group, { feed: anna.id })) })
  t.pass(`${ran['act, random bytes'] + ran['act, mutated'] + ran['act from a feed, mutated']} inputs, each refused with a code or (unchanged) accepted`)
})

test(`fuzz: block decoder (seed ${SEED})`, (t) => {
  const block = encodeBlock({ prev: NO_PREV, links: [{ feed: marta.id as MemberId, length: 3, hash: Buffer.alloc(32, 7) }], acts: [deposit.bytes, commit.bytes] })
  check('block, random bytes', bytes(3000), (b) => { refusal(() => decodeBlock(b, anna.id)) })
  check('block, mutated', mutated(block), (b) => { refusal(() => decodeBlock(b, anna.id)) })
  t.pass(`${ran['block, random bytes'] + ran['block, mutated']} inputs`)
})

test(`fuzz: invite decoder (seed ${SEED})`, (t) => {
  const invite = encodeInvite({ groupId: group, founder: anna.id, name: 'x' } as never, [marta.id])
  check('invite, random text', fc.string({ maxLength: 2000 }), (s) => { refusal(() => decodeInvite(s)) })
  check('invite, mutated', mutated(Buffer.from(invite)), (b) => {
    const s = b.toString('latin1')
    const code = refusal(() => decodeInvite(s))
    if (code !== null && code !== 'BAD_INVITE') throw new Error(`invite refused with ${code}`)
  })
  t.pass(`${ran['invite, random text'] + ran['invite, mutated']} inputs`)
})

test(`fuzz: CLI amounts (seed ${SEED})`, (t) => {
  check('amount, random text', fc.string({ maxLength: 40 }), (s) => {
    const code = refusal(() => parseEuros(s))
    if (code !== null && code !== 'BAD_AMOUNT') throw new Error(`amount refused with ${code}`)
  })
  check('amount, any cents round-trips', fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
    if (parseEuros(formatCents(n)) !== n || parseEuros(formatCents(n, ',')) !== n) throw new Error(`${n} does not round-trip`)
  })
  check('amount, typed like a person', fc.tuple(fc.nat(99_999), fc.constantFrom('', '.', ','), fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 4 })), ([whole, sep, frac]) => {
    const s = `${whole}${sep}${frac}`
    const code = refusal(() => parseEuros(s))
    const exact = sep === '' || (frac.length >= 1 && frac.length <= 2)
    const cents = sep === '' ? Number(s) * 100 : whole * 100 + Number(frac.padEnd(2, '0'))
    if (exact && cents > 0 && code !== null) throw new Error(`"${s}" refused`)
    if (code === null && parseEuros(s) !== cents) throw new Error(`"${s}" read as ${parseEuros(s)} cents`)
    if (!exact && code === null) throw new Error(`"${s}" accepted`)
  })
  t.pass(`${ran['amount, random text'] + ran['amount, any cents round-trips'] + ran['amount, typed like a person']} inputs`)
})

test(`fuzz: checkpoint decoder and HTTP bodies on a real node (seed ${SEED})`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-fuzz-'))
  let node = await GasNode.open({ dir, createIdentity: true })
  const g = await node.createGroup('Fuzz', 'Anna')
  await node.submit({ type: 'VoteRegisterMember', name: 'Marta', member: marta.id })
  await node.submit({ type: 'Deposit', member: marta.id, cents: 2000 })
  const open = await node.submit({ type: 'OpenPurchase', name: 'Pane' })
  await node.submit({ type: 'Commit', member: marta.id, cents: 500, purchase: open.id as PurchaseId })
  await node.close()
  const file = fs.readFileSync(paths(dir).checkpoint)
  const body = unsealCheckpoint(file)
  // Damaged files fail the checksum; edited bodies sealed again reach the deserialiser and the checks.
  check('checkpoint, mutated file', mutated(file), (b) => { refusal(() => decodeCheckpoint(b, g.groupId)) }, 1000)
  check('checkpoint, mutated body sealed again', mutated(body), (b) => { refusal(() => decodeCheckpoint(sealCheckpoint(b), g.groupId)) }, 2000)

  node = await GasNode.open({ dir })
  const app = createServer({ node, token: 'fuzz', host: '127.0.0.1', publicPerMinute: 0 })
  t.teardown(async () => { await app.close(); await node.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  const hash = (): unknown => (node.view?.state === undefined ? null : node.requireView().log.length)
  const before = hash()
  const json = fc.jsonValue({ maxDepth: 3 })
  const shaped = fc.record({ type: fc.constantFrom('Deposit', 'Withdraw', 'Commit', 'VoteRegisterMember', 'OpenPurchase', 'Nope'), member: fc.oneof(fc.constant('Marta'), fc.string()), cents: fc.oneof(fc.integer(), fc.double(), fc.string()), purchase: fc.string(), name: fc.string({ maxLength: 300 }) }, { requiredKeys: ['type'] })
  const endpoints = ['/api/acts', '/api/acts/batch', '/api/acts/signed', '/api/links', '/api/swarm', '/api/auth/admin', '/api/auth/link', '/api/auth/key', '/api/auth/challenge', '/api/auth/login-code']
  let accepted = 0
  const runs = Math.max(200, Math.floor(RUNS / 10))
  for (const url of endpoints) {
    await fc.assert(fc.asyncProperty(fc.oneof(json, shaped, fc.string({ maxLength: 200 })), fc.boolean(), async (payload, raw) => {
      const r = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer fuzz', 'content-type': 'application/json' }, payload: raw ? (typeof payload === 'string' ? payload : JSON.stringify(payload).slice(0, -1)) : JSON.stringify(payload) })
      if (r.statusCode >= 500) throw new Error(`${url} answered ${r.statusCode}: ${r.body}`)
      if (r.statusCode >= 400 && !/^[A-Z_]+$/.test(String(JSON.parse(r.body).error?.code))) throw new Error(`${url}: no code in ${r.body}`)
      if (r.statusCode === 200 && url === '/api/acts') accepted++
      if (r.statusCode === 200 && url === '/api/acts/batch') accepted += (JSON.parse(r.body) as unknown[]).length
    }), { seed: SEED, numRuns: runs })
    ran[`http ${url}`] = runs
  }
  t.is(hash(), (before as number) + accepted, `the log grew only by the ${accepted} acts accepted`)
  const total = Object.values(ran).reduce((a, b) => a + b, 0)
  t.comment(`inputs per decoder: ${JSON.stringify(ran)}`)
  t.comment(`${total} fuzzed inputs in all, seed ${SEED}`)
})
