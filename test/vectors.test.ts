// Issue 13 item 7: golden vectors for every format a peer or a file depends on — act encoding and
// id, block encoding with `prev` and link hashes, the invite, the state hash. Fixed bytes live in
// test/vectors/vectors.json and are checked both ways: encoding gives the bytes, decoding the bytes
// gives the values; also the checkpoint's header and its encoding of a confirmed state. Changing or reordering a field changes the bytes and fails here; a deliberate
// format change rewrites the file with HYPERGAS_WRITE_VECTORS=1 and bumps the format version.
import fs from 'node:fs'
import path from 'node:path'
import test from 'brittle'
import { createAct, decodeAct } from '../src/acts/act.js'
import type { ActBody, SignedAct } from '../src/acts/types.js'
import { stateHash } from '../src/fold/hash.js'
import { applyAct } from '../src/fold/fold.js'
import { createState } from '../src/fold/state.js'
import { hex, type GroupId, type MemberId, type PurchaseId } from '../src/ids.js'
import { blockHash, decodeBlock, encodeBlock, NO_PREV } from '../src/merge/block.js'
import { sealCheckpoint, unsealCheckpoint } from '../src/node/storage/checkpoint.js'
import { decodeInvite, encodeInvite } from '../src/api/invite.js'
import { LogColumns } from '../src/merge/log.js'
import { decodeFinal, encodeFinal } from '../src/node/storage/statecodec.js'
import { person } from './helpers/fixtures.js'

const FILE = path.join(import.meta.dirname, '..', '..', 'test', 'vectors', 'vectors.json')

/** What the vectors file holds: every value is hex (bytes, ids, hashes) or a string. */
interface Vectors {
  acts: Array<{ body: ActBody, author: string, timeMs: number, bytes: string, id: string }>
  blocks: Array<{ feed: string, index: number, bytes: string, hash: string }>
  invite: string
  stateHash: string
  /** The checkpoint's encoding of that state (src/node/storage/statecodec.ts), with an empty final log. */
  finalState: string
  /** A checkpoint file sealing the body "vector body" (magic, version, checksum, body). */
  checkpointFile: string
}

const anna = person('vector-anna')
const bruno = person('vector-bruno')
const marta = person('vector-marta')

/** The vectors as this code computes them: a small group's first acts, blocks and state. */
function compute (): Vectors {
  let time = 1_767_225_600_000 // 2026-01-01T00:00:00Z, display only
  const genesis = createAct({ type: 'CreateGroup', name: 'GAS Vettori', founderName: 'Anna' }, { keyPair: anna, timeMs: time })
  const group = genesis.id as GroupId
  const signed = (by: typeof anna, body: ActBody): SignedAct => createAct(body, { group, keyPair: by, timeMs: ++time })
  const opened = signed(anna, { type: 'OpenPurchase', name: 'Arance', supplier: 'Azienda Sole', notes: 'consegna sabato' })
  const purchase = opened.id as string as PurchaseId
  const acts = [
    genesis,
    signed(anna, { type: 'VoteRegisterMember', name: 'Bruno', member: bruno.id }),
    signed(anna, { type: 'VoteRegisterMember', name: 'Marta Rossi', member: marta.id }),
    signed(anna, { type: 'VoteElectCassiere', member: bruno.id }),
    signed(anna, { type: 'Deposit', member: marta.id, cents: 5_000 }),
    opened,
    signed(marta, { type: 'Commit', member: marta.id, cents: 1_250, purchase }),
    signed(anna, { type: 'Withdraw', member: marta.id, cents: 100, reason: 'resto' }),
    signed(anna, { type: 'SettleCash', from: bruno.id, cents: 1 }),
    ...orders()
  ]
  /** Orders by product (SPEC §4.5): a catalogue, a booking, closing, delivery with a weight, a shared cost. */
  function orders (): SignedAct[] {
    const open = signed(anna, { type: 'OpenPurchase', name: 'Formaggi' })
    const p = open.id as string as PurchaseId
    return [
      open,
      signed(anna, { type: 'AddProducts', purchase: p, products: [{ key: 'toma', name: 'Toma', unit: 'kg', priceCents: 1890, weighed: true, minQtyMilli: 500, category: 'formaggi' }, { key: 'burro-250', name: 'Burro 250 g', unit: 'panetto', priceCents: 320, packageQty: 4 }] }),
      signed(marta, { type: 'Book', member: marta.id, purchase: p, lines: [{ product: 'toma', qtyMilli: 1000 }, { product: 'burro-250', qtyMilli: 2000 }] }),
      signed(anna, { type: 'CloseBookings', purchase: p }),
      signed(anna, { type: 'ApproveCommitment', member: marta.id, purchase: p }),
      signed(anna, { type: 'Deliver', purchase: p, member: marta.id, lines: [{ product: 'toma', qtyMilli: 1120 }, { product: 'burro-250', qtyMilli: 2000, priceCents: 330 }] }),
      signed(anna, { type: 'AddCost', purchase: p, label: 'Trasporto', cents: 250, split: 'amount', discount: false }),
      signed(anna, { type: 'SetDates', purchase: p, closesAtMs: 1_767_366_000_000, deliveryAtMs: 1_767_452_400_000 }),
      ...transfers()
    ]
  }
  /** Transfers and limits (SPEC §4.6): a limits vote, a transfer asked by the payer and accepted, one cancelled. */
  function transfers (): SignedAct[] {
    const pay = signed(marta, { type: 'Transfer', from: marta.id, to: bruno.id, cents: 300, memo: 'uova' })
    const invoice = signed(bruno, { type: 'Transfer', from: marta.id, to: bruno.id, cents: 50, memo: 'sacchetti' })
    return [
      signed(anna, { type: 'VoteSetLimits', member: marta.id, overdraftCents: 1000, ceilingCents: 20_000 }),
      pay,
      signed(bruno, { type: 'AcceptTransfer', transfer: pay.id }),
      invoice,
      signed(marta, { type: 'CancelTransfer', transfer: invoice.id }),
      signed(anna, { type: 'RegisterSupplier', name: 'Caseificio Alpino', vatNumber: 'IT01234567890', categories: ['formaggi', 'latte'] }),
      signed(marta, { type: 'SetListing', member: marta.id, offers: ['uova fresche'], wants: ['miele di castagno'] })
    ]
  }
  const deposit = signed(bruno, { type: 'Deposit', member: marta.id, cents: 2_000 })
  const b0 = encodeBlock({ prev: NO_PREV, links: [], acts: acts.map((a) => a.bytes) })
  const c0 = encodeBlock({ prev: NO_PREV, links: [{ feed: anna.id, length: 1, hash: blockHash(b0) }], acts: [deposit.bytes] })
  const b1 = encodeBlock({ prev: blockHash(b0), links: [{ feed: bruno.id, length: 1, hash: blockHash(c0) }], acts: [] })
  const s = createState()
  acts.forEach((a) => applyAct(s, a, { feed: anna.id, index: 0 }))
  applyAct(s, deposit, { feed: bruno.id, index: 0 })
  return {
    acts: [...acts, deposit].map((a) => ({ body: a.body, author: a.author, timeMs: a.timeMs, bytes: hex(a.bytes), id: a.id })),
    blocks: [[anna.id, 0, b0], [bruno.id, 0, c0], [anna.id, 1, b1]].map(([feed, index, bytes]) => ({ feed: feed as string, index: index as number, bytes: hex(bytes as Buffer), hash: hex(blockHash(bytes as Buffer)) })),
    invite: encodeInvite({ groupId: group, founder: anna.id }, [bruno.id]),
    stateHash: stateHash(s),
    finalState: hex(encodeFinal({ state: s, log: new LogColumns() })),
    checkpointFile: hex(sealCheckpoint(Buffer.from('vector body')))
  }
}

if (process.env.HYPERGAS_WRITE_VECTORS === '1') fs.writeFileSync(FILE, JSON.stringify(compute(), null, 2) + '\n')
const golden = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Vectors

test('vectors: acts encode to the golden bytes and id, and the bytes decode to the act', (t) => {
  const now = compute()
  t.is(now.acts.length, golden.acts.length)
  const group = golden.acts[0].id as GroupId
  for (const [i, g] of golden.acts.entries()) {
    t.is(now.acts[i].bytes, g.bytes, `${g.body.type}: same bytes`)
    t.is(now.acts[i].id, g.id, `${g.body.type}: same id`)
    const back = decodeAct(Buffer.from(g.bytes, 'hex'), i === 0 ? null : group)
    t.alike({ body: back.body, author: back.author, timeMs: back.timeMs, id: back.id }, { body: g.body, author: g.author, timeMs: g.timeMs, id: g.id }, `${g.body.type}: decodes back`)
  }
})

test('vectors: blocks with prev and link hashes encode to the golden bytes and hash, and decode back', (t) => {
  const now = compute()
  for (const [i, g] of golden.blocks.entries()) {
    t.is(now.blocks[i].bytes, g.bytes, `block ${g.feed.slice(0, 6)}:${g.index}: same bytes`)
    t.is(now.blocks[i].hash, g.hash, `block ${g.feed.slice(0, 6)}:${g.index}: same hash`)
    const bytes = Buffer.from(g.bytes, 'hex')
    const b = decodeBlock(bytes, g.feed as MemberId)
    t.is(hex(encodeBlock(b)), g.bytes, 'decode then encode gives the bytes')
    t.is(hex(blockHash(bytes)), g.hash)
  }
  // Block 1 of Anna: prev is block 0's hash, the link names Bruno's block 0 by its hash.
  const b1 = decodeBlock(Buffer.from(golden.blocks[2].bytes, 'hex'), golden.blocks[2].feed as MemberId)
  t.is(hex(b1.prev), golden.blocks[0].hash)
  t.alike(b1.links.map((l) => [l.feed, l.length, hex(l.hash)]), [[golden.blocks[1].feed, 1, golden.blocks[1].hash]])
})

test('vectors: the invite and the state hash', (t) => {
  const now = compute()
  t.is(now.invite, golden.invite)
  const inv = decodeInvite(golden.invite)
  t.alike([inv.group.groupId, inv.group.founder, inv.feeds], [golden.acts[0].id, golden.acts[0].author, [golden.acts[golden.acts.length - 1].author]])
  t.is(now.stateHash, golden.stateHash, 'the state after the vectors\' acts hashes the same')
})

test('vectors: the checkpoint header and its encoding of the confirmed state', (t) => {
  const now = compute()
  t.is(now.checkpointFile, golden.checkpointFile, 'same header (magic, version, checksum) and body')
  t.is(unsealCheckpoint(Buffer.from(golden.checkpointFile, 'hex')).toString(), 'vector body', 'the golden file unseals to its body')
  t.is(Buffer.from(golden.checkpointFile, 'hex').subarray(0, 8).toString('latin1'), 'HGASCKPT')
  t.is(now.finalState, golden.finalState, 'same state encoding')
  const back = decodeFinal(Buffer.from(golden.finalState, 'hex'))
  t.is(stateHash(back.state), golden.stateHash, 'the golden encoding decodes to the golden state')
  t.is(hex(encodeFinal(back)), golden.finalState, 'and encodes back to the same bytes')
})

test('vectors: a reordered field is caught', (t) => {
  // The Deposit vector with its member and cents swapped in the body order is other bytes.
  const g = golden.acts.find((a) => a.body.type === 'Deposit')!
  const swapped = createAct({ type: 'Deposit', cents: 5_000, member: marta.id } as ActBody, { group: golden.acts[0].id as GroupId, keyPair: anna, timeMs: g.timeMs })
  t.is(hex(swapped.bytes), g.bytes, 'object key order in code does not matter: the encoding fixes the field order')
  const bytes = Buffer.from(g.bytes, 'hex')
  const flipped = Buffer.from(bytes)
  flipped[flipped.length - 70] ^= 1
  t.not(hex(flipped), g.bytes)
  t.exception(() => decodeAct(flipped, golden.acts[0].id as GroupId, {}), 'a changed byte does not decode to the act')
})
