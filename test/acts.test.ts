// SPEC §4 acts: canonical encoding, signatures, strict decoding of untrusted bytes.
import test, { type Assert } from 'brittle'
import { createAct, decodeAct } from '../src/acts/act.js'
import { memberIdOf, signActHex } from '../src/acts/member-sign.js'
import { ACT_VERSION, SIGN_DOMAIN, encodeUnsigned } from '../src/acts/encoding.js'
import { parseActBody } from '../src/acts/schema.js'
import { shownVisible } from '../src/acts/visible.js'
import * as ed from '@noble/ed25519'
import { keyPairFromSeed, sha256, sign } from '../src/crypto.js'
import type { GroupId } from '../src/ids.js'
import { parseEuros, parseEurosOrZero } from '../src/money.js'
import type { HypergasError } from '../src/errors.js'
import { person } from './helpers/fixtures.js'

const anna = person('anna')
const group = 'ab'.repeat(32) as GroupId
const dep = (): Buffer => createAct({ type: 'Deposit', member: anna.id, cents: 1250 }, { group, keyPair: anna, timeMs: 5 }).bytes

async function code (t: Assert, fn: () => unknown, c: string): Promise<void> {
  try {
    fn()
    t.fail(`expected ${c}, nothing thrown`)
  } catch (err) {
    t.is((err as { code?: string }).code, c)
  }
}

test('refused as BAD_ENCODING: a non-canonical number, and a name the schema would change', async (t) => {
  const bytes = dep()
  // The version 1 written as a 3-byte number (0xfd, then 1 as 16 bits) decodes to the same
  // value: only the canonical check refuses it.
  await code(t, () => decodeAct(Buffer.concat([Buffer.from([0xfd, 1, 0]), bytes.subarray(1)]), group), 'BAD_ENCODING')
  // Signed with a name the schema trims: what the fold would use differs from what was signed.
  const u = encodeUnsigned({ v: ACT_VERSION, group, author: anna.id, timeMs: 1, body: { type: 'OpenPurchase', name: ' Verdure ' } })
  const spaced = Buffer.concat([u, sign(Buffer.concat([SIGN_DOMAIN, u]), anna.seed)])
  await code(t, () => decodeAct(spaced, group), 'BAD_ENCODING')
  // A name in another Unicode form than NFC: the same name to a reader, two names to a Map.
  const nfd = 'Jose\u0301'
  const u2 = encodeUnsigned({ v: ACT_VERSION, group, author: anna.id, timeMs: 1, body: { type: 'OpenPurchase', name: nfd } })
  await code(t, () => decodeAct(Buffer.concat([u2, sign(Buffer.concat([SIGN_DOMAIN, u2]), anna.seed)]), group), 'BAD_ENCODING')
})

test('an overdraft is at most 1,000,000 € (sums of credits below zero stay exact)', async (t) => {
  const limits = (overdraftCents: number): unknown => createAct({ type: 'VoteSetLimits', member: anna.id, overdraftCents, ceilingCents: 0 }, { group, keyPair: anna, timeMs: 5 })
  t.ok(limits(100_000_000) !== null, '1,000,000 € is accepted')
  await code(t, () => limits(100_000_001), 'BAD_FIELD')
  await code(t, () => limits(Number.MAX_SAFE_INTEGER), 'BAD_FIELD')
})

test('names are signed in Unicode NFC, whatever form they were typed in', (t) => {
  const a = createAct({ type: 'VoteRegisterMember', name: ' Jose\u0301 ', member: anna.id }, { group, keyPair: anna, timeMs: 5 })
  t.is((a.body as { name: string }).name, 'Jos\u00e9')
  t.is(decodeAct(a.bytes, group).id, a.id, 'and decode as they were signed')
})

test('names and texts lose invisible characters and controls of direction before they are signed; acts signed elsewhere with them stay valid', (t) => {
  // Pasted from a phone's contacts: wrapped in isolates, with a zero-width space inside.
  const a = createAct({ type: 'VoteRegisterMember', name: '\u2068Car\u200bla\u2069', member: anna.id }, { group, keyPair: anna, timeMs: 5 })
  t.is((a.body as { name: string }).name, 'Carla')
  const memo = createAct({ type: 'Transfer', from: anna.id, to: person('bruno').id, cents: 100, memo: 'affitto \u202emarzo' }, { group, keyPair: anna, timeMs: 6 })
  t.is((memo.body as { memo: string }).memo, 'affitto marzo', 'a right-to-left override in a memo')
  const products = createAct({ type: 'AddProducts', purchase: 'ef'.repeat(32) as never, products: [{ key: 'miele', name: 'Mie\u00adle', unit: 'vasetto\ufeff', priceCents: 650 }] }, { group, keyPair: anna, timeMs: 6 })
  t.alike((products.body as { products: Array<{ name: string, unit: string }> }).products.map((p) => [p.name, p.unit]), [['Miele', 'vasetto']], 'and at any depth: a product\'s name and unit')
  t.is((createAct({ type: 'OpenPurchase', name: 'Zucca \u{1F383}\u200d' }, { group, keyPair: anna, timeMs: 7 }).body as { name: string }).name, 'Zucca \u{1F383}\u200d', 'the joiners of emoji and scripts stay')
  for (const name of ['Car\u200bla', 'Carla\u202e', 'Car\ufeffla', 'Car\u00adla', 'Carla\u{E0041}']) {
    const u = encodeUnsigned({ v: ACT_VERSION, group, author: anna.id, timeMs: 1, body: { type: 'OpenPurchase', name } })
    t.is((decodeAct(Buffer.concat([u, sign(Buffer.concat([SIGN_DOMAIN, u]), anna.seed)]), group).body as { name: string }).name, name, `signed elsewhere with ${JSON.stringify(name)}: valid, as signed`)
  }
})

test('what the interfaces show loses invisible characters at any depth; numbers and bytes unchanged', (t) => {
  t.alike(shownVisible({ name: 'Carla\u202e', list: ['a\u200bb', 3], deep: { memo: '\u2068x\u2069' }, cents: 5, none: null }), { name: 'Carla', list: ['ab', 3], deep: { memo: 'x' }, cents: 5, none: null })
})

test('round trip: decode(create(x)) gives the same act and id', (t) => {
  const a = createAct({ type: 'OpenPurchase', name: 'Verdure', supplier: 'Cascina' }, { group, keyPair: anna, timeMs: 7 })
  const b = decodeAct(a.bytes, group)
  t.is(b.id, a.id)
  t.alike(b.body, { type: 'OpenPurchase', name: 'Verdure', supplier: 'Cascina' })
  t.is(b.author, anna.id)
})

test('refused: bad signature, other group, trailing bytes, truncation, unknown type, oversized', async (t) => {
  const bytes = dep()
  const forged = Buffer.from(bytes); forged[forged.length - 1] ^= 1
  await code(t, () => decodeAct(forged, group), 'BAD_SIGNATURE')
  const tampered = Buffer.from(bytes); tampered[tampered.length - 70] ^= 1
  await code(t, () => decodeAct(tampered, group), 'BAD_SIGNATURE')
  await code(t, () => decodeAct(bytes, 'cd'.repeat(32) as GroupId), 'WRONG_GROUP')
  await code(t, () => decodeAct(Buffer.concat([bytes, Buffer.from([0])]), group), 'BAD_ENCODING')
  await code(t, () => decodeAct(bytes.subarray(0, 40), group), 'BAD_ENCODING')
  const unknown = Buffer.from(bytes); unknown[1 + 1 + 32 + 32 + 1] = 99 // tag byte after v, group, author, timeMs(5)
  await code(t, () => decodeAct(unknown, group), 'UNKNOWN_TYPE')
  await code(t, () => decodeAct(Buffer.alloc(5000), group), 'OVERSIZED')
  const v2 = Buffer.from(bytes); v2[0] = 2
  await code(t, () => decodeAct(v2, group), 'BAD_VERSION')
})

test('schema: cents must be a positive safe integer; ids 64 hex; no extra fields', async (t) => {
  for (const cents of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, '12', null]) {
    await code(t, () => parseActBody({ type: 'Deposit', member: anna.id, cents }), 'BAD_AMOUNT')
  }
  await code(t, () => parseActBody({ type: 'Deposit', member: 'abc', cents: 1 }), 'BAD_KEY')
  await code(t, () => parseActBody({ type: 'Deposit', cents: 1 }), 'BAD_KEY')
  // The id check goes by character code: each neighbour of 0-9 and a-f, a capital, a wrong length.
  for (const c of ['/', ':', '`', 'g', 'A', 'F', ' ', 'é']) {
    await code(t, () => parseActBody({ type: 'Deposit', member: anna.id.slice(0, 63) + c, cents: 1 }), 'BAD_KEY')
  }
  for (const m of [anna.id.slice(1), anna.id + '0', 1, null]) await code(t, () => parseActBody({ type: 'Deposit', member: m, cents: 1 }), 'BAD_KEY')
  t.is(parseActBody({ type: 'Deposit', member: '0123456789abcdef'.repeat(4), cents: 1 }).type, 'Deposit')
  await code(t, () => parseActBody({ type: 'Nope' }), 'UNKNOWN_TYPE')
  await code(t, () => parseActBody({ type: 'Deposit', member: anna.id, cents: 1, extra: 1 }), 'BAD_FIELD')
  await code(t, () => parseActBody({ type: 'OpenPurchase', name: '' }), 'BAD_FIELD')
  // The fields SPEC §4.6 and §4.7 mark optional: left out, they take their defaults (no ceiling, no categories).
  t.alike(parseActBody({ type: 'VoteSetLimits', member: anna.id, overdraftCents: 500 }), { type: 'VoteSetLimits', member: anna.id, overdraftCents: 500, ceilingCents: 0 })
  t.alike(parseActBody({ type: 'RegisterSupplier', name: 'Cascina' }), { type: 'RegisterSupplier', name: 'Cascina', categories: [] })
  const limits = createAct({ type: 'VoteSetLimits', member: anna.id, overdraftCents: 500 } as never, { group: 'ab'.repeat(32) as GroupId, keyPair: anna, timeMs: 1 })
  t.is(decodeAct(limits.bytes, 'ab'.repeat(32) as GroupId).id, limits.id, 'and the act made from it decodes to itself')
})

test('euros: exact cents only, with . or ,', async (t) => {
  t.is(parseEuros('12,50'), 1250)
  t.is(parseEuros('12.5'), 1250)
  t.is(parseEuros('0.01'), 1)
  t.is(parseEuros('7'), 700)
  t.alike(['1.234,56', '1,234.56', '1.234.567,8', ' 12.345,00 ', '1.000,00'].map(parseEuros), [123456, 123456, 123456780, 1234500, 100000], 'thousands separators with the decimals after the other separator')
  for (const bad of ['12.345', '-1', '0', '0,00', '1e3', '12.', 'abc', '', '1,234,56', '1.234.56', '1.23,45', '12.34,56', '1.2345,67', ',50', '1.234,567']) {
    await code(t, () => parseEuros(bad), 'BAD_AMOUNT')
  }
  for (const ambiguous of ['1.234', '1,234', '1.234.567']) {
    try { parseEuros(ambiguous); t.fail(`accepted ${ambiguous}`) } catch (err) { t.is((err as HypergasError).details?.variant, 'thousands', `${ambiguous}: thousands or decimals? refused, and said why`) }
  }
  try { parseEuros('12.345'); t.fail('accepted 12.345') } catch (err) { t.alike([(err as HypergasError).details?.variant, (err as HypergasError).details?.detail], ['thousands', '12345'], '12.345: the amount it may mean, in the hint') }
  t.is(parseEuros('000000000000001'), 100, 'leading zeros are no size')
  for (const huge of ['99999999999999999', '123456789012345,50', '123.456.789.012.345,50', '1,234,567,890,123,456']) {
    try { parseEuros(huge); t.fail(`accepted ${huge}`) } catch (err) { t.is((err as HypergasError).details?.variant, 'large', `${huge}: too large, said so`) }
  }
  for (const small of ['0,001', '0.005', '0.123,45']) {
    try { parseEuros(small); t.fail(`accepted ${small}`) } catch (err) { t.is((err as HypergasError).details?.variant, 'euros', `${small}: no thousands begin with 0, so too many decimals is what is wrong`) }
  }
  t.alike(['0', '0,00', '00.0', ' 0 ', '2,39'].map(parseEurosOrZero), [0, 0, 0, 0, 239], 'a zero where zero means something (a free item, a limit lifted)')
  for (const bad of ['-0', '0,001', '', '0e0']) await code(t, () => parseEurosOrZero(bad), 'BAD_AMOUNT')
})

test('signing for the web page (WebCrypto path) gives the same bytes as createAct', async (t) => {
  const g = 'cd'.repeat(32) as GroupId
  const marta = person('member-sign')
  const body = { type: 'Commit', member: marta.id, cents: 750, purchase: 'ef'.repeat(32) } as const
  const viaWeb = await signActHex(body as never, g, marta.seed.toString('hex'), 42)
  const viaNode = createAct(body as never, { group: g, keyPair: marta, timeMs: 42 })
  t.is(viaWeb, viaNode.bytes.toString('hex'), 'byte for byte')
  t.is(decodeAct(Buffer.from(viaWeb, 'hex'), g).id, viaNode.id, 'accepted by the one verifier')
  t.is(await memberIdOf(marta.seed.toString('hex')), marta.id)
  // A memo typed on a phone with a mark of direction: signed without it, as createAct signs it.
  const memo = { type: 'Transfer', from: marta.id, to: person('x').id, cents: 5, memo: '\u200eaffitto' } as const
  const memoWeb = await signActHex(memo as never, g, marta.seed.toString('hex'), 42)
  t.is(memoWeb, createAct(memo as never, { group: g, keyPair: marta, timeMs: 42 }).bytes.toString('hex'), 'a memo with a mark of direction: the same bytes')
  t.is((decodeAct(Buffer.from(memoWeb, 'hex'), g).body as { memo: string }).memo, 'affitto')
  try { await memberIdOf('not a key'); t.fail('accepted a bad key') } catch (err) { t.is((err as { code?: string }).code, 'BAD_KEY') }
})

test('a key pair from a seed: libsodium derives the public key @noble/ed25519 derives', async (t) => {
  const differ: number[] = []
  for (let i = 0; i < 64; i++) {
    const seed = sha256(Buffer.from(`seed ${i}`))
    if (!keyPairFromSeed(seed).publicKey.equals(Buffer.from(await ed.getPublicKeyAsync(seed)))) differ.push(i)
  }
  t.alike(differ, [], '64 seeds, the same public key')
  t.exception.all(() => keyPairFromSeed(Buffer.alloc(31)), /RangeError: an Ed25519 seed is 32 bytes, not 31/, 'a short seed: a RangeError')
})
