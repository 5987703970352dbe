/**
 * A real GAS season (issue 2): 3 admin nodes as separate OS processes, each with its own data
 * directory, on a DHT bootstrap run here on 127.0.0.1. The founder creates the group, elects a
 * referente and a cassiere who join from their own nodes; 30 members are registered; deposits at
 * different cassieri; 10 purchases by 2 referenti with 10-20 commitments each (some signed by the
 * members themselves), approvals, rejections, adjustments, votes, 9 closes and 1 failure;
 * settlements between admins; acts issued concurrently on different nodes. At the end every node
 * prints its state hash and counts, and the credits and cash table. Amounts and members are drawn
 * from a seed (SEASON_SEED, printed); concurrent acts on three nodes interleave differently
 * from run to run, so the final figures vary while the three nodes always agree.
 *
 * Run: npm run demo
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import createTestnet from 'hyperdht/testnet.js'
import { createAct } from '../src/acts/act.js'
import { generateKeyPair, type KeyPair } from '../src/crypto.js'
import { hex, type GroupId } from '../src/ids.js'
import { euro } from '../src/cli/i18n.js'
import { prng } from '../test/helpers/fixtures.js'
import { act, get, setupAdmins, post, startNode, stopNode, waitFor, type NodeProc } from './procs.js'

type Row = Record<string, unknown>

const NAMES = ['Alba', 'Bice', 'Ciro', 'Dora', 'Elio', 'Fede', 'Gino', 'Ines', 'Lia', 'Mino', 'Nora', 'Olga', 'Pia', 'Rino', 'Sara',
  'Tito', 'Ugo', 'Vera', 'Zeno', 'Ada', 'Bruna', 'Cesare', 'Delia', 'Enzo', 'Flora', 'Gemma', 'Ivo', 'Luce', 'Marta', 'Nino']

async function main (): Promise<void> {
  const seed = Number(process.env.SEASON_SEED ?? 2026)
  const rnd = prng(seed)
  const between = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  const t0 = Date.now()
  console.log(`hypergas season, seed ${seed}: it draws the members and amounts; acts made at once on three nodes interleave differently on each run, so the final figures vary, and the three nodes always agree`)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-season-'))
  const testnet = await createTestnet(3)
  const bootstrap = `${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`
  const nodes: NodeProc[] = []
  try {
    // --- set-up through the CLI ---------------------------------------------------------
    const dirs = ['anna', 'bruno', 'carla'].map((n) => path.join(base, n))
    setupAdmins(dirs, 'GAS Roma Nord', ['referente', 'cassiere'])
    console.log('group created; Bruno elected referente and Carla cassiere (offline, on Anna\'s feed)')

    // --- three real node processes --------------------------------------------------------
    for (const [i, name] of ['anna', 'bruno', 'carla'].entries()) nodes.push(await startNode(name, dirs[i], bootstrap))
    const [A, B, C] = nodes
    const groupId = String(((await get(A, '/api/status')).group as Row).groupId) as GroupId
    await waitFor('Bruno and Carla to sync their election', async () =>
      ((await get(B, '/api/status')).me as Row).admin === true && ((await get(C, '/api/status')).me as Row).admin === true)
    console.log(`3 nodes replicating (${((Date.now() - t0) / 1000).toFixed(1)} s)`)

    // --- 30 members: each registration needs 2 of 3 votes, cast on two nodes at once --------
    const keys = new Map<string, KeyPair>(NAMES.map((n) => [n, generateKeyPair()]))
    await Promise.all([A, B].map(async (n) => {
      for (const name of NAMES) await act(n, { type: 'VoteRegisterMember', name, member: hex(keys.get(name)!.publicKey) })
    }))
    const allSee = async (pred: (n: NodeProc) => Promise<boolean>): Promise<boolean> => (await Promise.all(nodes.map(pred))).every(Boolean)
    await waitFor('33 members on every node', () => allSee(async (n) => (await get<Row[]>(n, '/api/members')).length === 33))
    console.log('30 members registered, 33 with the 3 admins')

    // --- deposits at two cassieri ----------------------------------------------------------
    await Promise.all([A, C].map(async (n, k) => {
      for (const [i, name] of NAMES.entries()) if (i % 2 === k) await act(n, { type: 'Deposit', member: name, cents: between(150, 300) * 100 })
    }))
    await waitFor('deposits everywhere', () => allSee(async (n) => (await get<Row[]>(n, '/api/members')).filter((m) => (m.creditCents as number) > 0).length === 30))
    console.log('deposits recorded at Anna and Carla')

    // --- 10 purchases by 2 referenti -------------------------------------------------------
    const goods = ['Verdure', 'Pane', 'Formaggi', 'Olio', 'Agrumi', 'Farine', 'Miele', 'Vino', 'Legumi', 'Detersivi']
    const owners = goods.map((_, i) => (i % 2 === 0 ? A : B))
    await Promise.all([A, B].map(async (n) => {
      for (const [i, g] of goods.entries()) if (owners[i] === n) await act(n, { type: 'OpenPurchase', name: g, supplier: `Fornitore ${g}` })
    }))
    await waitFor('10 purchases everywhere', () => allSee(async (n) => (await get<Row[]>(n, '/api/purchases')).length === 10))
    const purchases = await get<Row[]>(A, '/api/purchases')
    const pid = (g: string): string => String(purchases.find((p) => p.name === g)!.id)

    // --- commitments: by members themselves (signed here) and by admins on their behalf ------
    const commits: Array<{ good: string, name: string }> = []
    await Promise.all(goods.map(async (g, gi) => {
      const who = [...NAMES].sort(() => rnd() - 0.5).slice(0, between(10, 20))
      for (const [k, name] of who.entries()) {
        const at = nodes[(gi + k) % 3]
        const cents = between(3, 12) * 100 + between(0, 1) * 50
        if (k % 3 === 0) {
          const signed = createAct({ type: 'Commit', member: hex(keys.get(name)!.publicKey) as never, cents, purchase: pid(g) as never }, { group: groupId, keyPair: keys.get(name)!, timeMs: Date.now() })
          const r = await post(at, '/api/acts/signed', { act: signed.bytes.toString('hex') })
          if (r.error !== undefined) throw new Error(`signed commit refused: ${JSON.stringify(r.error)}`)
        } else {
          await act(at, { type: 'Commit', member: name, cents, purchase: pid(g) })
        }
        commits.push({ good: g, name })
      }
    }))
    const expected = new Map(goods.map((g) => [g, commits.filter((c) => c.good === g).length]))
    await waitFor('every commitment at every owner', async () => {
      for (const g of goods) {
        const p = await get(owners[goods.indexOf(g)], `/api/purchases/${pid(g)}`)
        if ((p.commitments as Row[]).length !== expected.get(g)) return false
      }
      return true
    })
    console.log(`${commits.length} commitments recorded on all three nodes`)

    // --- referenti decide; admins vote; 9 closes and 1 failure ------------------------------
    await Promise.all(goods.map(async (g, gi) => {
      const owner = owners[gi]
      const p = await get(owner, `/api/purchases/${pid(g)}`)
      for (const [k, c] of (p.commitments as Row[]).entries()) {
        if (k === 1) { await act(owner, { type: 'RejectCommitment', member: c.member, purchase: pid(g) }); continue }
        if (k === 2) await act(owner, { type: 'AdjustCommitment', member: c.member, cents: (c.amountCents as number) + 150, purchase: pid(g) })
        await act(owner, { type: 'ApproveCommitment', member: c.member, purchase: pid(g) })
      }
      const fail = g === 'Detersivi'
      const other = owner === A ? C : A
      await Promise.all([owner, other].map((n) => act(n, { type: fail ? 'VoteFailPurchase' : 'VoteClosePurchase', purchase: pid(g) })))
      await waitFor(`votes on ${g}`, async () => ((await get(owner, `/api/purchases/${pid(g)}`))[fail ? 'failVotes' : 'closeVotes'] as number) >= 2)
      await act(owner, { type: fail ? 'FailPurchase' : 'ClosePurchase', purchase: pid(g) })
    }))
    console.log('9 purchases closed, 1 failed')

    // --- a purchase by product (SPEC §4.5): a price list, bookings by quantity, weighed ---------
    // deliveries with a missing item and a changed price, the transport shared, then closed.
    const cheese = await act(A, { type: 'OpenPurchase', name: 'Malga', supplier: 'Malga Alta' })
    const listino = 'name;unit;price;min;mul\nToma;kg;18,90;0,5;0,5\nBurro;panetto;3,20;;\nRicotta;vaschetta;2,80;;\nYogurt;vasetto;1,15;2;\n'
    const imported = await post(A, `/api/purchases/${cheese}/catalogue`, { text: listino })
    if (imported.error !== undefined) throw new Error(`catalogue refused: ${JSON.stringify(imported.error)}`)
    await waitFor('the price list everywhere', () => allSee(async (n) => (((await get(n, `/api/purchases/${cheese}`)).order as Row | null)?.products as Row[] | undefined)?.length === 4))
    const bookers = [...NAMES].sort(() => rnd() - 0.5).slice(0, 12)
    await Promise.all(bookers.map(async (name, k) => {
      const lines = [{ product: 'toma', qtyMilli: 500 * between(1, 4) }, { product: 'burro', qtyMilli: 1000 * between(0, 2) }, { product: 'yogurt', qtyMilli: 1000 * between(2, 4) }]
      await act(nodes[k % 3], { type: 'Book', member: name, purchase: cheese, lines })
    }))
    await waitFor('every booking at the owner', async () => ((((await get(A, `/api/purchases/${cheese}`)).order as Row).bookings as Row[]).length === bookers.length))
    await act(A, { type: 'CloseBookings', purchase: cheese })
    for (const b of ((await get(A, `/api/purchases/${cheese}`)).order as Row).bookings as Row[]) {
      await act(A, { type: 'ApproveCommitment', member: b.member, purchase: cheese })
      // The cheese is weighed (±10 %), a butter may be missing, the yogurt costs 1,20 at delivery.
      const lines = (b.lines as Row[]).map((l) => ({ product: l.product, qtyMilli: l.product === 'toma' ? Math.round((l.qtyMilli as number) * (0.9 + rnd() * 0.2)) : l.product === 'burro' ? Math.max(0, (l.qtyMilli as number) - (rnd() < 0.3 ? 1000 : 0)) : l.qtyMilli, ...(l.product === 'yogurt' ? { priceCents: 120 } : {}) }))
      await act(A, { type: 'Deliver', purchase: cheese, member: b.member, lines })
    }
    await act(A, { type: 'AddCost', purchase: cheese, label: 'Trasporto', cents: 1200, split: 'amount', discount: false })
    await Promise.all([A, C].map((n) => act(n, { type: 'VoteClosePurchase', purchase: cheese })))
    await waitFor('votes on Malga', async () => ((await get(A, `/api/purchases/${cheese}`)).closeVotes as number) >= 2)
    await act(A, { type: 'ClosePurchase', purchase: cheese })
    const malga = (await get(A, `/api/purchases/${cheese}`)).order as Row
    console.log(`Malga: ${bookers.length} bookings by quantity, weighed deliveries, transport shared; the supplier paid ${euro(malga.totalCents as number, 'en')}`)

    // --- settlements: the referenti who paid suppliers receive cash from the cassiera -------
    await waitFor('closes everywhere', () => allSee(async (n) => (await get<Row[]>(n, '/api/purchases')).every((p) => p.phase !== 'open')))
    const admins = ((await get(C, '/api/status')).group as Row).admins as Row[]
    const cashOf = (id: string): number => admins.find((a) => a.id === id)!.cashCents as number
    const owedToBruno = -cashOf(B.memberId)
    if (owedToBruno > 0) await act(B, { type: 'SettleCash', from: 'Carla', cents: Math.min(owedToBruno, Math.max(1, cashOf(C.memberId))) })
    await act(A, { type: 'SettleCash', from: 'Carla', cents: 5000 })
    console.log('settlements recorded')

    // --- convergence ------------------------------------------------------------------------
    let statuses: Row[] = []
    await waitFor('three equal, fully confirmed states', async () => {
      statuses = await Promise.all(nodes.map((n) => get(n, '/api/status')))
      const gs = statuses.map((s) => s.group as Row)
      const acts = gs.map((g) => g.acts as Record<string, number>)
      return new Set(gs.map((g) => g.stateHash)).size === 1 && acts.every((a) => a.final === a.total && a.total === acts[0].total)
    }, 120000)
    console.log(`\nconverged after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
    for (const [i, s] of statuses.entries()) {
      const g = s.group as Row
      const a = g.acts as Record<string, number>
      console.log(`${nodes[i].name.padEnd(6)} state ${String(g.stateHash)}  acts ${a.total}: applied ${a.applied}, rejected ${a.rejected}, final ${a.final}`)
    }
    const members = await get<Row[]>(A, '/api/members')
    console.log('\nmember credits')
    for (const m of members) console.log(`  ${String(m.name).padEnd(8)} ${euro(m.creditCents as number, 'en').padStart(10)}`)
    console.log('admin cash')
    let cash = 0
    for (const ad of (statuses[0].group as Row).admins as Row[]) {
      cash += ad.cashCents as number
      console.log(`  ${String(ad.name).padEnd(8)} ${euro(ad.cashCents as number, 'en').padStart(10)}${(ad.cashCents as number) < 0 ? '  (owed by the group)' : ''}`)
    }
    const credits = members.reduce((s, m) => s + (m.creditCents as number), 0)
    const open = (await get<Row[]>(A, '/api/purchases')).filter((p) => p.phase === 'open').reduce((s, p) => s + (p.committedCents as number), 0)
    const ok = credits + open === cash && members.every((m) => (m.creditCents as number) >= 0)
    console.log(`\ninvariants: credits ${euro(credits, 'en')} + open commitments ${euro(open, 'en')} = cash ${euro(cash, 'en')}: ${ok ? 'hold' : 'VIOLATED'}`)
    const hashes = new Set(statuses.map((s) => (s.group as Row).stateHash))
    console.log(hashes.size === 1 ? 'all three state hashes are equal' : 'STATE HASHES DIFFER')
    if (!ok || hashes.size !== 1) process.exitCode = 1
  } finally {
    await Promise.all(nodes.map(stopNode))
    await testnet.destroy()
    fs.rmSync(base, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
