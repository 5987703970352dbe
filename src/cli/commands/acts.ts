/**
 * One command per act (SPEC §4, §7), signed by this node's admin or, with `--key`, by the member
 * (relayed through the node), and `offline` / `online`. Registered on import.
 */
import { Option } from 'commander'
import { createAct } from '../../acts/act.js'
import { MAX_OVERDRAFT_CENTS, parseActBody } from '../../acts/schema.js'
import { HypergasError } from '../../errors.js'
import { hex, listingEntries, type GroupId, type MemberId } from '../../ids.js'
import { formatCents, parseEuros, parseEurosOrZero } from '../../money.js'
import type { ActRequest, NodeApi } from '../../api/api.js'
import { pickTransfer } from '../../api/transfer-views.js'
import type { ActBody } from '../../acts/types.js'
import * as fmt from '../format.js'
import { readKeyFile } from '../key-file.js'
import { t } from '../i18n.js'
import { act, EUROS, helpText, MEMBER, print, program, PURCHASE, withApi } from '../program.js'

const member = program.command('member').description(helpText('d_member'))
member.command('add').description(helpText('d_member_add')).argument('<name>', helpText('h_member_add_name')).argument('<member-id>', helpText('h_member_add_member-id'))
  .action(async (name: string, id: string) => await act({ type: 'VoteRegisterMember', name, member: id }))
member.command('remove').description(helpText('d_member_remove')).argument('<member>', MEMBER())
  .action(async (m: string) => await act({ type: 'VoteRemoveMember', member: m }))

const roleArg = (): Option => new Option('--role <role>', helpText('h_role')).choices(['referente', 'cassiere']).makeOptionMandatory()
program.command('elect').description(helpText('d_elect')).addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteElectReferente' : 'VoteElectCassiere', member: m }))
program.command('revoke').description(helpText('d_revoke')).addOption(roleArg()).argument('<member>', MEMBER())
  .action(async (m: string, o: { role: string }) => await act({ type: o.role === 'referente' ? 'VoteRevokeReferente' : 'VoteRevokeCassiere', member: m }))

program.command('deposit').description(helpText('d_deposit')).argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .action(async (m: string, e: string) => await act({ type: 'Deposit', member: m, cents: parseEuros(e) }))
program.command('withdraw').description(helpText('d_withdraw')).argument('<member>', MEMBER()).argument('<euros>', EUROS())
  .option('--reason <text>', helpText('h_withdraw_reason'), '')
  .action(async (m: string, e: string, o: { reason: string }) => await act({ type: 'Withdraw', member: m, cents: parseEuros(e), reason: o.reason }))
program.command('settle').description(helpText('d_settle')).argument('<from>', helpText('h_settle_from')).argument('<euros>', EUROS())
  .action(async (f: string, e: string) => await act({ type: 'SettleCash', from: f, cents: parseEuros(e) }))

/**
 * Signs the body `build` returns (it may ask the node, e.g. to resolve names) with the member key
 * in `keyFile` (from keygen) and relays it through the node (SPEC §3: the distributed counter).
 * @throws HypergasError BAD_KEY, BAD_ARGUMENT (the key file: {@link readKeyFile}), DATA_DIR (no group here)
 */
export async function actAsMember (keyFile: string, build: (api: NodeApi, member: MemberId) => Promise<unknown>): Promise<void> {
  const kp = readKeyFile(keyFile)
  const r = await withApi(async (api) => {
    const group = (await api.status()).group.groupId
    if (group === null) throw new HypergasError('DATA_DIR', 'this data directory follows no group', { variant: 'noGroup' })
    const body = parseActBody(await build(api, hex(kp.publicKey) as MemberId))
    const signed = createAct(body, { group: group as GroupId, keyPair: kp, timeMs: Date.now() })
    return await api.signedAct(signed.bytes.toString('hex'))
  })
  print({ ...r, signedBy: 'member' }, () => fmt.receipt(r))
}

program.command('commit').description(helpText('d_commit')).argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .option('--key <file>', helpText('h_commit_key'))
  .action(async (m: string, e: string, p: string, o: { key?: string }) => {
    const cents = parseEuros(e)
    if (o.key === undefined) return await act({ type: 'Commit', member: m, cents, purchase: p })
    await actAsMember(o.key, async (api) => ({ type: 'Commit', member: (await api.member(m)).id, cents, purchase: String((await api.purchase(p)).id) }))
  })
program.command('recover').description(helpText('d_recover')).argument('<admin>', MEMBER())
  .option('--key <file>', helpText('h_recover_key'))
  .action(async (a: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'VoteRecover', member: a })
    await actAsMember(o.key, async (api) => ({ type: 'VoteRecover', member: (await api.member(a)).id }))
  })
program.command('approve').description(helpText('d_approve')).argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'ApproveCommitment', member: m, purchase: p }))
program.command('reject').description(helpText('d_reject')).argument('<member>', MEMBER()).argument('<purchase>', PURCHASE())
  .action(async (m: string, p: string) => await act({ type: 'RejectCommitment', member: m, purchase: p }))
program.command('adjust').description(helpText('d_adjust')).argument('<member>', MEMBER()).argument('<euros>', EUROS()).argument('<purchase>', PURCHASE())
  .action(async (m: string, e: string, p: string) => await act({ type: 'AdjustCommitment', member: m, cents: parseEuros(e), purchase: p }))
program.command('vote-close').description(helpText('d_vote-close')).argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteClosePurchase', purchase: p }))
program.command('vote-fail').description(helpText('d_vote-fail')).argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'VoteFailPurchase', purchase: p }))
program.command('close').description(helpText('d_close')).argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'ClosePurchase', purchase: p }))
program.command('fail').description(helpText('d_fail')).argument('<purchase>', PURCHASE())
  .action(async (p: string) => await act({ type: 'FailPurchase', purchase: p }))

program.command('offline').description(helpText('d_offline'))
  .action(async () => print(await withApi((api) => api.setOnline(false)), () => t('wentOffline')))
program.command('online').description(helpText('d_online'))
  .action(async () => print(await withApi((api) => api.setOnline(true)), () => t('wentOnline')))

// ---- transfers and limits (SPEC §4.6) -------------------------------------------------------

program.command('transfer').description(helpText('d_transfer'))
  .argument('<from>', helpText('h_transfer_from')).argument('<to>', helpText('h_transfer_to')).argument('<euros>', EUROS())
  .option('--memo <text>', helpText('h_transfer_memo'), '')
  .option('--key <file>', helpText('h_transfer_key'))
  .action(async (from: string, to: string, e: string, o: { memo: string, key?: string }) => {
    const cents = parseEuros(e)
    if (o.key === undefined) return await act({ type: 'Transfer', from, to, cents, memo: o.memo })
    await actAsMember(o.key, async (api) => ({ type: 'Transfer', from: (await api.member(from)).id, to: (await api.member(to)).id, cents, memo: o.memo }))
  })
program.command('accept').description(helpText('d_accept')).argument('<transfer>', helpText('h_accept_transfer'))
  .option('--key <file>', helpText('h_accept_key'))
  .action(async (x: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'AcceptTransfer', transfer: x })
    await actAsMember(o.key, async (api) => ({ type: 'AcceptTransfer', transfer: await transferId(api, x) }))
  })
program.command('cancel').description(helpText('d_cancel')).argument('<transfer>', helpText('h_cancel_transfer'))
  .option('--key <file>', helpText('h_cancel_key'))
  .action(async (x: string, o: { key?: string }) => {
    if (o.key === undefined) return await act({ type: 'CancelTransfer', transfer: x })
    await actAsMember(o.key, async (api) => ({ type: 'CancelTransfer', transfer: await transferId(api, x) }))
  })
program.command('limit').description(helpText('d_limit'))
  .argument('<member>', MEMBER()).option('--overdraft <euros>', helpText('h_limit_overdraft')).option('--ceiling <euros>', helpText('h_limit_ceiling'))
  .action(async (m: string, o: { overdraft?: string, ceiling?: string }) => {
    if (o.overdraft === undefined && o.ceiling === undefined) throw new HypergasError('BAD_ARGUMENT', 'give --overdraft, --ceiling or both', { variant: 'limits' })
    const overdraftCents = o.overdraft === undefined ? undefined : parseEurosOrZero(o.overdraft)
    if (overdraftCents !== undefined && overdraftCents > MAX_OVERDRAFT_CENTS) throw new HypergasError('BAD_AMOUNT', `an overdraft is at most ${formatCents(MAX_OVERDRAFT_CENTS)} €, got "${o.overdraft}"`, { input: o.overdraft, variant: 'overdraft' })
    // The limit not given keeps its value: a vote names both (SPEC §4.6), and setting one must not lift the other.
    const now = (await withApi((api) => api.member(m))).limits
    await act({ type: 'VoteSetLimits', member: m, overdraftCents: overdraftCents ?? now?.overdraftCents ?? 0, ceilingCents: o.ceiling === undefined ? now?.ceilingCents ?? 0 : parseEurosOrZero(o.ceiling) })
  })

/** The full id of a transfer from its first characters, as the node knows it. @throws HypergasError NOT_FOUND */
async function transferId (api: NodeApi, ref: string): Promise<string> {
  return pickTransfer((await api.transfers()).map((x) => x.id), ref)
}

// ---- the directory (SPEC §4.7) ----------------------------------------------------------------

program.command('supplier').description(helpText('d_supplier'))
  .argument('[args...]', helpText('h_supplier_args'))
  .option('--vat <number>', helpText('h_supplier_vat')).option('--contacts <text>', helpText('h_supplier_contacts')).option('--categories <list>', helpText('h_supplier_categories')).option('--notes <text>', helpText('h_supplier_notes'))
  .action(async (args: string[], o: { vat?: string, contacts?: string, categories?: string, notes?: string }) => {
    if (args[0] !== 'add' || args.length < 2) throw new HypergasError('BAD_ARGUMENT', 'usage: hypergas supplier add <name> [--vat N] [--contacts C] [--categories a,b] [--notes N]', { variant: 'usage', input: 'hypergas supplier add <name> [--vat N] [--contacts C] [--categories a,b] [--notes N]' })
    await act({ type: 'RegisterSupplier', name: args.slice(1).join(' '), vatNumber: o.vat, contacts: o.contacts, categories: (o.categories ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''), notes: o.notes })
  })
for (const side of ['offer', 'want'] as const) {
  program.command(side).description(helpText(side === 'offer' ? 'd_offer' : 'd_want'))
    .argument('<member>', MEMBER()).argument('[entries...]', helpText(side === 'offer' ? 'h_offer_entries' : 'h_want_entries'))
    .option('--key <file>', helpText('h_accept_key'))
    .action(async (m: string, typed: string[], o: { key?: string }) => {
      // An entry typed empty, or twice (in any case), is not listed.
      const entries = listingEntries(typed)
      // Only blank entries (`offer Bruno ""`): a slip, not the wish to empty the list, which takes none.
      if (typed.length > 0 && entries.length === 0) throw new HypergasError('BAD_ARGUMENT', `every entry given is blank; to empty the list give none: hypergas ${side} ${m}`, { variant: 'blankEntries', input: `hypergas ${side} ${m}` })
      const body = async (api: NodeApi): Promise<ActBody> => {
        const mine = await api.member(m)
        const listing = mine.listing ?? { offers: [], wants: [] }
        return { type: 'SetListing', member: mine.id, offers: side === 'offer' ? entries : listing.offers, wants: side === 'want' ? entries : listing.wants }
      }
      // Signed by the member themself (SPEC §4.7), or by this admin on their behalf.
      if (o.key !== undefined) return await actAsMember(o.key, body)
      await act(await withApi(body) as ActRequest)
    })
}
