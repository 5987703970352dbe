/**
 * An act's receipt in the reader's language (SPEC §7: "receipts that say what happened (who, how
 * much, the balance after)"), shared by the CLI (src/cli/format.ts) and the web page
 * (src/web/app.ts), from the keys `r_…` and the lines below of src/cli/messages-*.ts.
 */
import type { ActReceipt } from './receipt.js'
import { shellArg } from '../ids.js'
import type { RefusalWords } from './refusal-text.js'

/** The message keys a receipt's lines use besides `r_…` (the page takes these from the CLI's messages, src/web/refusals.ts). */
export const RECEIPT_KEYS: readonly string[] = ['rejectedInOrder', 'confirmedNow', 'awaitsOthers', 'vote', 'voteDone', 'voteDonePending', 'limitsVoted', 'noCeiling', 'deliveryTotal', 'bookingTotal', 'commitmentTotal', 'repeatedAct_Deposit', 'repeatedAct_Withdraw', 'repeatedAct_Commit', 'repeatedAct_Transfer', 'repeatedAct_SettleCash', 'voteBookingsOpen', 'paidAsBooked', 'costShares', 'refunds', 'bookingDropped', 'creditAfter', 'cashAfter', 'cashAfterOwed', 'settleBelowZero', 'revokeOwed', 'revokeOwedDone', 'sameNamePurchase', 'withdrawPending', 'deliveryMissing', 'approveNext_Book', 'bookingWithdrawn', 'bookingWithdrawnShares', 'sharesBack', 'approveNext_Commit', 'voteNext_VoteClosePurchase', 'voteNext_VoteFailPurchase', 'voteReached']

/**
 * The lines of receipt `r`: what happened to whom, whether it is confirmed or was refused in the
 * group's order, a vote's count, totals, the balance after. `terminal` adds the line that names
 * the CLI command a transfer's other side runs (a page shows the transfer to accept instead).
 */
export function receiptLines (r: ActReceipt, w: Pick<RefusalWords, 't' | 'eur'>, terminal: boolean): string[] {
  const { t, eur } = w
  // A transfer's acceptance or cancellation names its payer (`name`); `member` is whose credit the reader sees.
  const named = r.type === 'AcceptTransfer' || r.type === 'CancelTransfer' ? r.name ?? r.member?.name : r.member?.name ?? r.name
  const vars = { name: named ?? '', payee: r.payee ?? '', amount: r.cents === undefined ? '' : eur(r.cents), purchase: r.purchase?.name ?? '', product: r.product ?? '' }
  const what = t(r.discount === true ? 'r_AddDiscount' : r.booking === true ? `r_${r.type}_booking` : r.cancel !== undefined ? `r_CancelTransfer_${r.cancel}` : `r_${r.type}`, vars)
  // What the act did, then whether it is confirmed: after a dash when the first part has a colon of its own.
  const lines = [`${what}${what.includes(':') ? ' — ' : ': '}${r.status !== 'applied' && r.status !== 'pending' ? t('rejectedInOrder', { code: r.status }) : r.final ? t('confirmedNow') : t('awaitsOthers')}`]
  // A purchase's close or fail vote at quorum closes nothing yet: its referente acts next.
  const purchaseVote = r.type === 'VoteClosePurchase' || r.type === 'VoteFailPurchase'
  if (r.vote !== undefined) lines.push(r.vote.done ? t(!r.final ? 'voteDonePending' : purchaseVote ? 'voteReached' : 'voteDone', { votes: r.vote.votes, quorum: r.vote.quorum }) : t('vote', { votes: r.vote.votes, quorum: r.vote.quorum, missing: r.vote.quorum - r.vote.votes, count: r.vote.quorum - r.vote.votes }))
  if (r.vote?.done === true && purchaseVote) lines.push(t(`voteNext_${r.type}`, { purchase: vars.purchase, arg: shellArg(vars.purchase) }))
  if (r.limits !== undefined) lines.push(t('limitsVoted', { overdraft: eur(r.limits.overdraftCents), ceiling: r.limits.ceilingCents === 0 ? t('noCeiling') : eur(r.limits.ceilingCents) }))
  if (r.orderCents !== undefined) lines.push(t(r.type === 'Deliver' ? 'deliveryTotal' : r.type === 'Book' ? 'bookingTotal' : 'commitmentTotal', { amount: eur(r.orderCents) }))
  // A booking or a commitment waits for its referente: the receipt says so, the journal of past acts does not.
  // A booking withdrawn after a cost was shared keeps its share (SPEC §4.5): said, with the way out.
  const withdrawn = (r.orderCents ?? 0) > 0 ? 'bookingWithdrawnShares' : 'bookingWithdrawn'
  if ((r.type === 'Book' || r.type === 'Commit') && (r.status === 'applied' || r.status === 'pending')) lines.push(t(r.withdrawn === true ? withdrawn : `approveNext_${r.type}`, { amount: eur(r.orderCents ?? 0) }))
  // How to undo a command sent twice depends on the act: a deposit is undone by a withdrawal, a transfer cancelled.
  if (r.repeatedAfterS !== undefined) lines.push(t(`repeatedAct_${r.type}`, { seconds: r.repeatedAfterS, id: r.actId.slice(0, 8), name: named ?? '' }))
  if (r.bookingsOpen === true) lines.push(t('voteBookingsOpen', { purchase: r.purchase?.name ?? '' }))
  if (r.paidAsBooked !== undefined && r.paidAsBooked > 0) lines.push(t('paidAsBooked', { count: r.paidAsBooked }))
  if (r.shares !== undefined && r.shares.length > 0) lines.push(t('costShares', { shares: r.shares.map((x) => `${x.name} ${eur(x.cents)}`).join(', ') }))
  if (r.refunds !== undefined && r.refunds.length > 0) lines.push(t('refunds', { refunds: r.refunds.map((x) => `${x.name} ${eur(x.cents)}`).join(', ') }))
  if (r.sharesBack !== undefined) lines.push(t('sharesBack', { amount: eur(r.sharesBack.cents), collected: eur(r.sharesBack.collectedCents), added: eur(r.sharesBack.addedCents) }))
  if (r.dropped !== undefined) lines.push(t('bookingDropped', { products: r.dropped.join(', ') }))
  if (r.notDelivered !== undefined) lines.push(t('deliveryMissing', { products: r.notDelivered.join(', ') }))
  // A vote about a member (registering, electing, removing them) moves no credit: theirs is not the news.
  if (r.member !== undefined && r.type !== 'SettleCash' && !(r.type.startsWith('Vote') && r.type !== 'VoteSetLimits')) lines.push(t('creditAfter', { name: r.member.name, amount: eur(r.member.creditCents) }))
  if (r.cashCents !== undefined) lines.push(t(r.cashCents < 0 ? 'cashAfterOwed' : 'cashAfter', { amount: eur(r.cashCents) }))
  if (r.fromCashCents !== undefined) lines.push(t('settleBelowZero', { name: named ?? '', amount: eur(r.fromCashCents) }))
  if (r.owedCashCents !== undefined) lines.push(t(r.vote?.done === true ? 'revokeOwedDone' : 'revokeOwed', { name: named ?? '', amount: eur(-r.owedCashCents) }))
  if (r.sameName !== undefined) lines.push(t('sameNamePurchase', { purchase: r.purchase?.name ?? '', count: r.sameName }))
  // A withdrawal not confirmed yet may still be refused in the group's order (another cassiere, offline, paid the same credit out).
  if (r.type === 'Withdraw' && !r.final && (r.status === 'applied' || r.status === 'pending')) lines.push(t('withdrawPending'))
  if (terminal && r.type === 'Transfer' && (r.status === 'applied' || r.status === 'pending')) lines.push(t('transferNext', { id: r.actId.slice(0, 8) }))
  return lines
}
