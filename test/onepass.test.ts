// Issue 18: the one-pass decoder (src/acts/onepass.ts) against the full path (decode, zod,
// re-encode), and the block decoder's canonical check against the re-encoding it replaced. Whenever the one pass answers, the full path must accept the same bytes with the
// same act, key for key; the one pass may decline (then the full path decides). Acts of every
// type are generated from the wire's field kinds with values at and past every limit, then
// encoded without validation, then mutated. Seeded: the seed is printed, HYPERGAS_FUZZ_SEED=<n>
// replays a run, HYPERGAS_FUZZ_RUNS=<n> runs more.
import { isDeepStrictEqual } from 'node:util'
import c from 'compact-encoding'
import test from 'brittle'
import fc from 'fast-check'
import { decodeChecked } from '../src/acts/act.js'
import { ACT_FIELDS, encodeUnsigned, type DecodedAct, type FieldKind, type FieldValue, type UnsignedAct, type WireBody } from '../src/acts/encoding.js'
import { decodeOnePass } from '../src/acts/onepass.js'
import { ACT_TYPES, type ActBody } from '../src/acts/types.js'
import { HypergasError } from '../src/errors.js'
import type { FeedKey, MemberId } from '../src/ids.js'
import { decodeBlock, encodeBlock, MAX_ACTS_PER_BLOCK, MAX_BLOCK_BYTES, MAX_LINKS, type Block, type Link } from '../src/merge/block.js'

const SEED = Number(process.env.HYPERGAS_FUZZ_SEED ?? 20261201)
const RUNS = Number(process.env.HYPERGAS_FUZZ_RUNS ?? 20000)

/** Characters at the edges of the rules: key characters, space, controls, non-ASCII, whitespace zod trims. */
const CHARS = ['a', 'Z', '0', '9', '.', '_', '-', '/', ' ', '!', '~', '\t', '\n', '\x00', '\x1f', '\x7f', 'è', '€', '\u00a0', '\u0085', '\u2028', '\ufeff', '😀', '\ud800']
const LIMITS = [1, 24, 32, 64, 80, 120, 200, 500, 1000]
const str: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'a', 'Anna', 'p1', 'uova', 'Orto Bio', 'k/2.x_y-z') },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((l) => l.join('')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LIMITS), fc.constantFrom(-1, 0, 1), fc.constantFrom('a', 'è', ' ', '.')).map(([n, d, c]) => 'x' + c.repeat(Math.max(0, n + d - 1))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CHARS), fc.constantFrom('a', 'Anna'), fc.constantFrom(...CHARS)).map(([a, b, c]) => a + b + c) }
)
const num: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }) },
  fc.constantFrom(0, 1, 2, 0xfc, 0xfd, 0xffff, 0x10000, 2 ** 32 - 1, 2 ** 32, 10_000_000, 10_000_001, 100_000_000, 100_000_001, 253_402_300_799_000, 253_402_300_799_001, Number.MAX_SAFE_INTEGER),
  fc.nat(),
  fc.maxSafeNat()
)
const id = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'))

/** Acts of any type, each field of its wire kind; `tame` draws values mostly within the rules. */
function acts (tame: boolean): fc.Arbitrary<UnsignedAct> {
  const s = tame ? fc.constantFrom('a', 'Anna', 'p1', 'p2', 'uova', 'Orto Bio', 'k/2.x_y-z', 'caffè') : str
  const n = tame ? fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 1000 }) }, { weight: 1, arbitrary: fc.constant(0) }) : num
  const key = tame ? fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6') : fc.oneof(fc.constantFrom('p1', 'p2', 'p1 ', 'è', ''), str)
  const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined })
  const product = fc.record({
    key,
    name: s,
    unit: s,
    priceCents: n,
    packageQty: opt(n),
    minQtyMilli: opt(n),
    mulQtyMilli: opt(n),
    maxQtyMilli: opt(n),
    availableQtyMilli: opt(n),
    weighed: opt(fc.constant(true as const)),
    category: opt(s),
    description: opt(s)
  }, { requiredKeys: ['key', 'name', 'unit', 'priceCents'] })
  const line = fc.record({ product: key, qtyMilli: n, priceCents: opt(n) }, { requiredKeys: ['product', 'qtyMilli'] })
  const field: Record<FieldKind, fc.Arbitrary<FieldValue | undefined>> = {
    id,
    cents: n,
    uint: n,
    string: s,
    optstring: opt(s),
    products: fc.array(product, { minLength: tame ? 1 : 0, maxLength: 3 }),
    lines: fc.array(line, { maxLength: 4 }),
    strings: fc.array(s, { maxLength: 3 }),
    split: fc.constantFrom('amount', 'equal'),
    bool: fc.boolean()
  }
  return fc.constantFrom(...ACT_TYPES).chain((type) => {
    const fields = Object.fromEntries(ACT_FIELDS[type].map(([name, kind]) => [name, field[kind]]))
    return fc.record({
      v: tame ? fc.constant(1) : fc.constantFrom(1, 1, 1, 2),
      group: fc.oneof(fc.constant(''), id),
      author: id,
      timeMs: n,
      body: fc.record(fields, { requiredKeys: tame ? Object.keys(fields) : [] }).map((b) => {
        const body: WireBody = { type }
        for (const [name] of ACT_FIELDS[type]) if (b[name] !== undefined) body[name] = b[name]
        return body as unknown as ActBody
      })
    })
  })
}
const unsigned = fc.oneof(acts(false), acts(true))

/** Bytes of an act, the signature 64 bytes of junk; null when the wire cannot carry it. */
function bytesOf (u: UnsignedAct): Buffer | null {
  try {
    return Buffer.concat([encodeUnsigned(u), Buffer.alloc(64, 7)])
  } catch {
    return null
  }
}

/** Edits: set, insert or delete a byte, cut the tail, or widen a byte into a longer form of the same number. */
const edits = fc.array(fc.record({ op: fc.constantFrom('set', 'ins', 'del', 'cut', 'widen'), at: fc.nat(), value: fc.nat(255) }), { maxLength: 3 })
function edited (base: Buffer, list: Array<{ op: string, at: number, value: number }>): Buffer {
  let b = base
  for (const e of list) {
    const at = b.length === 0 ? 0 : e.at % b.length
    const head = b.subarray(0, at)
    const tail = b.subarray(at + 1)
    if (e.op === 'set') b = Buffer.concat([head, Buffer.from([e.value]), tail])
    else if (e.op === 'ins') b = Buffer.concat([head, Buffer.from([e.value]), b.subarray(at)])
    else if (e.op === 'del') b = Buffer.concat([head, tail])
    else if (e.op === 'cut') b = head
    else if (b[at] <= 0xfc) {
      const wide = [Buffer.from([0xfd, b[at], 0]), Buffer.from([0xfe, b[at], 0, 0, 0]), Buffer.from([0xff, b[at], 0, 0, 0, 0, 0, 0, 0])][e.value % 3]
      b = Buffer.concat([head, wide, tail])
    }
  }
  return b
}

function full (bytes: Buffer): DecodedAct | string {
  try {
    return decodeChecked(bytes, false)
  } catch (err) {
    if (err instanceof HypergasError) return err.code
    throw err
  }
}

test(`one-pass decoding answers only as the full path does (seed ${SEED})`, (t) => {
  const answered = new Map<string, number>()
  let agreedAccepted = 0
  let declinedAccepted = 0
  let refused = 0
  t.execution(() => fc.assert(fc.property(unsigned, edits, (u, list) => {
    const base = bytesOf(u)
    if (base === null) return
    const bytes = edited(base, list)
    const fast = decodeOnePass(bytes, false)
    const slow = full(bytes)
    if (typeof slow === 'string') refused++
    if (fast === null) {
      if (typeof slow !== 'string') declinedAccepted++
      return
    }
    if (typeof slow === 'string') throw new Error(`one pass accepted what the full path refuses (${slow}): ${bytes.toString('hex')}`)
    // Key order too: JSON of both, then every value and every key present (even undefined ones).
    if (JSON.stringify(fast.unsigned) !== JSON.stringify(slow.unsigned) || !isDeepStrictEqual(fast.unsigned, slow.unsigned)) {
      throw new Error(`different acts: ${JSON.stringify(fast.unsigned)} and ${JSON.stringify(slow.unsigned)}`)
    }
    if (fast.unsignedLength !== slow.unsignedLength || !fast.sig.equals(slow.sig)) throw new Error('different signature or length')
    agreedAccepted++
    answered.set(fast.unsigned.body.type, (answered.get(fast.unsigned.body.type) ?? 0) + 1)
  }), { seed: SEED, numRuns: RUNS }), 'every answer of the one pass is the full path\'s')
  t.comment(`${agreedAccepted} accepted by both, ${declinedAccepted} declined by the one pass and accepted by the full path, ${refused} refused`)
  // The comparison means something only if the one pass answers often, for every type.
  t.ok(agreedAccepted > declinedAccepted, 'the one pass answers for most acts the full path accepts')
  t.alike(ACT_TYPES.filter((type) => (answered.get(type) ?? 0) === 0), [], 'the one pass answered for every act type')
  t.ok(refused > RUNS / 4, 'a good share of inputs is refused')
})

test('the one pass declines what only the full path can judge', (t) => {
  const at = (body: ActBody): Buffer => bytesOf({ v: 1, group: 'ab'.repeat(32), author: 'cd'.repeat(32), timeMs: 5, body })!
  const member = 'ef'.repeat(32) as MemberId
  // Accepted by the full path, declined here: non-ASCII text.
  const accented = at({ type: 'Withdraw', member, cents: 1, reason: 'caffè' })
  t.is(decodeOnePass(accented, false), null)
  t.is((full(accented) as DecodedAct).unsigned.body.type, 'Withdraw')
  // Refused by the full path: a name zod would trim (the bytes would not re-encode), an empty name.
  for (const name of [' Anna', 'Anna ', '', '\tAnna', 'An\tna']) {
    const b = at({ type: 'VoteRegisterMember', name, member })
    t.is(decodeOnePass(b, false), null, JSON.stringify(name))
    t.is(full(b), name === '' || name === 'An\tna' ? 'BAD_FIELD' : 'BAD_ENCODING', JSON.stringify(name))
  }
  // The same act in the wire's shortest form is answered, and the same number widened is not.
  const dep = at({ type: 'Deposit', member, cents: 5 })
  t.ok(decodeOnePass(dep, false) !== null)
  const i = dep.length - 64 - 1
  t.is(dep[i], 5)
  const wide = Buffer.concat([dep.subarray(0, i), Buffer.from([0xfd, 5, 0]), dep.subarray(i + 1)])
  t.is(decodeOnePass(wide, false), null)
  t.is(full(wide), 'BAD_ENCODING')
  // Bytes that are not a Node Buffer (no latin1 toString) go to the full path, which reads them.
  const plain = Uint8Array.from(dep)
  t.is(decodeOnePass(plain as Buffer, false), null, 'a plain Uint8Array is declined')
  t.is((full(plain as Buffer) as DecodedAct).unsigned.body.type, 'Deposit')
})

/**
 * Block decoding as it was before the canonical check by number widths: compact-encoding's
 * arrays, the checks, then a re-encoding that must give the same bytes. A refusal's code, or the block.
 */
function blockByReencoding (bytes: Buffer, feed: FeedKey): Block | string {
  const link = { preencode () {}, encode () {}, decode: (s: c.State): Link => ({ feed: Buffer.from(c.fixed32.decode(s)).toString('hex') as FeedKey, length: c.uint.decode(s), hash: Buffer.from(c.fixed32.decode(s)) }) }
  if (bytes.byteLength > MAX_BLOCK_BYTES) return 'OVERSIZED'
  let block: Block
  try {
    const s = c.state(0, bytes.byteLength, bytes)
    if (c.uint.decode(s) !== 2) return 'BAD_VERSION'
    const prev = Buffer.from(c.fixed32.decode(s))
    const links = c.array(link).decode(s)
    const acts = c.array(c.buffer).decode(s).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    if (s.start !== bytes.byteLength) return 'BAD_ENCODING'
    block = { prev, links, acts }
  } catch {
    return 'BAD_ENCODING'
  }
  if (block.links.length > MAX_LINKS) return 'OVERSIZED'
  for (let i = 0; i < block.links.length; i++) {
    const l = block.links[i]
    if (!Number.isSafeInteger(l.length) || l.length < 1) return 'BAD_FIELD'
    if (i > 0 && block.links[i - 1].feed >= l.feed) return 'BAD_FIELD'
  }
  if (block.acts.length > MAX_ACTS_PER_BLOCK) return 'OVERSIZED'
  if (block.links.some((l) => l.feed === feed)) return 'BAD_FIELD'
  if (!encodeBlock(block).equals(bytes)) return 'BAD_ENCODING'
  return block
}

test(`blocks: the canonical check by number widths answers as re-encoding did (seed ${SEED})`, (t) => {
  const feed = '11'.repeat(32) as FeedKey
  const feedKey = fc.constantFrom('00', '11', '22', 'ff').map((x) => x.repeat(32) as FeedKey)
  const blockArb = fc.record({
    prev: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
    links: fc.uniqueArray(fc.record({ feed: feedKey, length: num, hash: fc.constant(Buffer.alloc(32, 3)) }), { maxLength: 3, selector: (l) => l.feed }),
    acts: fc.array(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), { maxLength: 4 })
  })
  const counts = { same: 0, refused: 0 }
  t.execution(() => fc.assert(fc.property(blockArb, edits, (b, list) => {
    let base: Buffer
    try { base = encodeBlock({ ...b, links: b.links.filter((l) => l.length >= 1) }) } catch { return }
    const bytes = edited(base, list)
    const want = blockByReencoding(bytes, feed)
    let got: Block | string
    try { got = decodeBlock(bytes, feed) } catch (err) {
      if (!(err instanceof HypergasError)) throw err
      got = err.code
    }
    if (!isDeepStrictEqual(got, want)) throw new Error(`${bytes.toString('hex')}: ${JSON.stringify(got)} where re-encoding gave ${JSON.stringify(want)}`)
    counts[typeof want === 'string' ? 'refused' : 'same']++
  }), { seed: SEED, numRuns: RUNS / 4 }), 'the same block or the same refusal')
  t.comment(`${counts.same} decoded, ${counts.refused} refused`)
  t.ok(counts.same > RUNS / 40 && counts.refused > RUNS / 40, 'both outcomes are common')
})
