/**
 * One command per act (SPEC §4, §7), signed by this node's admin or, with `--key`, by the member
 * (relayed through the node), and `offline` / `online`. Registered on import.
 */
import fs from 'node:fs'
import { Option } from 'commander'
import { createAct } from '../../acts/act.js'
import { parseActBody } from '../../acts/schema.js'
import { keyPairFromSeed } from '../../crypto.js'
import { HypergasError } from '../../errors.js'
import { hex, type GroupId, type MemberId } from '../../ids.js'
import { parseEuros } from '../../money.js'
import type { NodeApi } from '../../api/api.js'
import * as fmt from '../format.js'
import { act, EUROS, MEMBER, print, program, PURCHASE, withApi } from '../program.js'

const member = program.command('member').description('register or remove members (admin votes)')
member.command('add').description('vote to register a member').argument('<name>', 'the member\'s name, unique in the group (case does not count)').argument('<member-id>', 'their public key (hypergas join / keygen prints it)')
  .action(async (name: string, id: string) => await act({ type: 'VoteRegisterMember', name, member: id }))
member.command('remove').description('vote to remove a member with no credit and no open commitment').argument('<member>', MEMBER())
  .action(async (m: string) => await act({ type: 'VoteRemoveMember', member: m }))

const roleArg = (): Option => new Option('--role <role>').choices(['referente', 'cassiere']).makeOptionMandatory()
program.command('elect').description('vote to give a member a role').addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteElectReferente' : 'VoteElectCassiere', member: m }))
program.command('revoke').description('vote to take a role away').addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteRevokeReferente' : 'VoteRevokeCassiere', member: m }))

program.command('deposit').description('cassiere: take cash from a member and credit them').argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .action(async (m: string, e: string) => await act({ type: 'Deposit', member: m, cents: parseEuros(e) }))
program.command('withdraw').description('cassiere: give a member cash back from their credit').argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .option('--reason <text>', 'why', '')
  .action(async (m: string, e: string, o: { reason: string }) => await act({ type: 'Withdraw', member: m, cents: parseEuros(e), reason: o.reason }))
program.command('settle').description('record that you received group cash from another admin').argument('<from>', 'the admin who handed the cash over (name or id)').argument('<euros>', EUROS())
  .action(async (f: string, e: string) => await act({ type: 'SettleCash', from: f, cents: parseEuros(e) }))

/**
 * Signs the body `build` returns (it may ask the node, e.g. to resolve names) with the member key
 * in `keyFile` (from keygen) and relays it through the node (SPEC §3: the distributed counter).
 * @throws HypergasError BAD_KEY (no seed in the file), DATA_DIR (no group here)
 */
export async function actAsMember (keyFile: string, build: (api: NodeApi, member: MemberId) => Promise<unknown>): Promise<void> {
  let raw: { seed?: unknown }
  try {
    raw = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { seed?: unknown }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code !== undefined) throw HypergasError.BAD_ARGUMENT(`cannot read the key file ${keyFile}: ${e.code === 'ENOENT' ? 'no such file' : e.code}`)
    throw HypergasError.BAD_KEY(`${keyFile} is not a key file of hypergas keygen (not JSON)`)
  }
  if (typeof raw?.seed !== 'string' || !/^[0-9a-f]{64}$/.test(raw.seed)) throw HypergasError.BAD_KEY(`no seed of 64 hex characters in ${keyFile}`)
  const kp = keyPairFromSeed(Buffer.from(raw.seed, 'hex'))
  const r = await withApi(async (api) => {
    const group = (await api.status()).group.groupId
    if (group === null) throw HypergasError.DATA_DIR('this data directory follows no group')
    const body = parseActBody(await build(api, hex(kp.publicKey) as MemberId))
    const signed = createAct(body, { group: group as GroupId, keyPair: kp, timeMs: Date.now() })
    return await api.signedAct(signed.bytes.toString('hex'))
  })
  print({ ...r, signedBy: 'member' }, () => fmt.receipt(r))
}

program.command('commit').description('commit part of a member\'s credit to an open purchase').argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .option('--key <file>', 'sign as the member with their key file (from keygen); default: this admin signs on their behalf')
  .action(async (m: string, e: string, p: string, o: { key?: string }) => {
    const cents = parseEuros(e)
    if (o.key === undefined) return await act({ type: 'Commit', member: m, cents, purchase: p })
    await actAsMember(o.key, async (api, me) => ({ type: 'Commit', member: me, cents, purchase: String((await api.purchase(p)).id) }))
  })
program.command('recover').description('a member votes to revoke an admin who is gone for good, when the admins alone cannot (two admins; see status)').argument('<admin>', MEMBER())
  .option('--key <file>', 'the voting member\'s key file (from keygen); default: this node\'s admin votes as a member')
  .action(async (a: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'VoteRecover', member: a })
    await actAsMember(o.key, async (api) => ({ type: 'VoteRecover', member: (await api.member(a)).id }))
  })
program.command('approve').description('referente: approve a pending commitment').argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'ApproveCommitment', member: m, purchase: p }))
program.command('reject').description('referente: reject a commitment (refunded)').argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'RejectCommitment', member: m, purchase: p }))
program.command('adjust').description('referente: set a commitment to a new amount').argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .action(async (m: string, e: string, p: string) => await act({ type: 'AdjustCommitment', member: m, cents: parseEuros(e), purchase: p }))
program.command('vote-close').description('vote to authorise closing a purchase').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteClosePurchase', purchase: p }))
program.command('vote-fail').description('vote to authorise failing a purchase').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteFailPurchase', purchase: p }))
program.command('close').description('referente: close a purchase (you paid the supplier)').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'ClosePurchase', purchase: p }))
program.command('fail').description('referente: fail a purchase (every commitment refunded)').argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'FailPurchase', purchase: p }))

program.command('offline').description('take the running node off the network (acts stay local until "online")')
  .action(async () => print(await withApi((api) => api.setOnline(false)), () => 'offline: no peer connections until "hypergas online"'))
program.command('online').description('put the running node back on the network')
  .action(async () => print(await withApi((api) => api.setOnline(true)), () => 'online: replicating with the group again'))

// ---- transfers and limits (SPEC §4.6) -------------------------------------------------------

program.command('transfer').description('a transfer of credit from one member to another: the other side accepts it (a payee may ask: an invoice)')
  .argument('<from>', 'the payer').argument('<to>', 'the payee').argument('<euros>', EUROS())
  .option('--memo <text>', 'what it is for', '')
  .option('--key <file>', 'signed by the payer or the payee with their key file; default: this admin on the payer\'s behalf')
  .action(async (from: string, to: string, e: string, o: { memo: string, key?: string }) => {
    const cents = parseEuros(e)
    if (o.key === undefined) return await act({ type: 'Transfer', from, to, cents, memo: o.memo })
    await actAsMember(o.key, async (api) => ({ type: 'Transfer', from: (await api.member(from)).id, to: (await api.member(to)).id, cents, memo: o.memo }))
  })
program.command('accept').description('accept a pending transfer (the party who did not ask for it)').argument('<transfer>', 'the transfer\'s id (or its first characters)')
  .option('--key <file>', 'signed by the member with their key file; default: this admin on their behalf')
  .action(async (x: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'AcceptTransfer', transfer: x })
    await actAsMember(o.key, async (api) => ({ type: 'AcceptTransfer', transfer: await transferId(api, x) }))
  })
program.command('cancel').description('withdraw or refuse a pending transfer').argument('<transfer>', 'the transfer\'s id (or its first characters)')
  .option('--key <file>', 'signed by the member with their key file; default: this admin on their behalf')
  .action(async (x: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'CancelTransfer', transfer: x })
    await actAsMember(o.key, async (api) => ({ type: 'CancelTransfer', transfer: await transferId(api, x) }))
  })
program.command('limit').description('vote a member\'s credit limits: how far below zero they may go, and (optional) the most they may hold')
  .argument('<member>', MEMBER()).requiredOption('--overdraft <euros>', 'how far below zero (0: prepaid only)').option('--ceiling <euros>', 'the most credit they may hold (none by default)')
  .action(async (m: string, o: { overdraft: string, ceiling?: string }) => {
    const overdraftCents = o.overdraft.trim() === '0' ? 0 : parseEuros(o.overdraft)
    await act({ type: 'VoteSetLimits', member: m, overdraftCents, ceilingCents: o.ceiling === undefined ? 0 : parseEuros(o.ceiling) })
  })

/** The full id of a transfer from its first characters, as the node knows it. @throws HypergasError NOT_FOUND */
async function transferId (api: NodeApi, ref: string): Promise<string> {
  const hits = (await api.transfers()).filter((x) => x.id.startsWith(ref.toLowerCase()))
  if (hits.length !== 1) throw HypergasError.NOT_FOUND(`no transfer "${ref}" (or more than one)`)
  return hits[0].id
}

// ---- the directory (SPEC §4.7) ----------------------------------------------------------------

program.command('supplier').description('"supplier add <name>": a referente registers a supplier of the group')
  .argument('<args...>', '"add <name>"')
  .option('--vat <number>', 'VAT number').option('--contacts <text>', 'phone, email, address').option('--categories <list>', 'comma-separated, e.g. formaggi,latte').option('--notes <text>', 'notes')
  .action(async (args: string[], o: { vat?: string, contacts?: string, categories?: string, notes?: string }) => {
    if (args[0] !== 'add' || args.length < 2) throw HypergasError.BAD_ARGUMENT('usage: hypergas supplier add <name> [--vat N] [--contacts C] [--categories a,b] [--notes N]')
    await act({ type: 'RegisterSupplier', name: args.slice(1).join(' '), vatNumber: o.vat, contacts: o.contacts, categories: (o.categories ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''), notes: o.notes })
  })
for (const side of ['offer', 'want'] as const) {
  program.command(side).description(side === 'offer' ? 'what a member offers to the others (replaces their offers; none clears them)' : 'what a member looks for (replaces their wants; none clears them)')
    .argument('<member>', MEMBER()).argument('[entries...]', 'one entry per argument, e.g. "uova fresche" "passata di pomodoro"')
    .action(async (m: string, entries: string[]) => {
      const mine = await withApi(async (api) => await api.member(m))
      const listing = mine.listing ?? { offers: [], wants: [] }
      await act({ type: 'SetListing', member: mine.id, offers: side === 'offer' ? entries : listing.offers, wants: side === 'want' ? entries : listing.wants })
    })
}
