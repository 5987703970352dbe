/**
 * The node API (SPEC §7): what the CLI and the HTTP server ask of a node, as one interface with
 * two implementations: {@link LocalApi} around an in-process {@link GasNode}, and the HTTP client
 * (src/http/client.ts) that reaches a running node. Answers are JSON-ready objects.
 */
import { parseActBody } from '../acts/schema.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import type { ActBody, ProductSpec, SignedAct } from '../acts/types.js'
import { UNREAD } from '../merge/entries.js'
import type { Replay } from '../merge/replay.js'
import { importCatalogue, type CatalogueImport, type NotApplied, type Skipped } from './gdxp.js'
import { encodeInvite } from './invite.js'
import { matches, search, type SearchHit } from './directory.js'
import { sendDigests, type DigestSent, type NoticeWriter } from './mail.js'
export type { NoticeWriter } from './mail.js'
import { report, type Report } from './report.js'
import { adminNotices, memberNotices, notCountedRead, refusedEntries, refusedInOrder, type Notice } from './notices.js'
import { LinkStore } from '../node/storage/links.js'
import type { GasNode } from '../node/node.js'
import { beforeAct, receiptOf, recentOwnEntries, repeatedAfter, type ActReceipt } from './receipt.js'
import { MAX_SIGNED_ACT_HEX, postSignedAct, type ReadsFiguresOf } from './signed.js'
import * as views from './views.js'
import { logView, type LogView } from './log-view.js'
import { finishedStateHashDriven } from '../fold/hash.js'
import { driveOf } from '../slices.js'
import { RULES_VERSION } from '../fold/rules.js'
import { presence, recoveryCounter, refuseRecoveryOfPresent } from './presence.js'
import { refuseEmptyBooking } from './order-views.js'

import type { ActRequest, AdminPresence, PurchaseSummary, PurchaseView, StatusView, TransferView } from './dto.js'

import { KNOCK_RECENT_MS } from './dto.js'
export type { ActRequest } from './dto.js'
export { MAX_SIGNED_ACT_HEX }

/** Characters of a directory search (SPEC §4.7), at most: the HTTP route's schema and the local API alike. */
export const MAX_QUERY_CHARS = 200


/** What every interface can ask a node. */
export interface NodeApi {
  status (): Promise<StatusView>
  members (): Promise<views.MemberSummary[]>
  member (ref: string): Promise<views.MemberView>
  purchases (): Promise<PurchaseSummary[]>
  purchase (ref: string): Promise<PurchaseView>
  log (offset: number, limit: number): Promise<LogView>
  /**
   * Signs (with the node's key) and appends an act; answers what it did (src/api/receipt.ts).
   * @throws HypergasError with the rejection code and its figures in `details`; RESTORING (with
   *   `details.restore`) while the node, restored from a backup, waits for its own feed
   */
  act (req: ActRequest): Promise<ActReceipt>
  /**
   * Several acts in one block, all or none (a catalogue imported in parts, SPEC §4.5).
   * @throws HypergasError as {@link act}, for the first act refused
   */
  actAll (reqs: ActRequest[]): Promise<ActReceipt[]>
  /**
   * Adds the products of a catalogue file's text (GDXP or CSV, src/api/gdxp.ts) to an open
   * purchase, in one block; answers what was imported and what was left out.
   * @throws HypergasError BAD_ARGUMENT (not a catalogue, nothing importable) or a rejection code
   */
  importCatalogue (purchase: string, text: string): Promise<ImportSummary>
  /**
   * Reminders and notices (src/api/notices.ts) at this moment: a member's (`ref`), and this node's
   * admin's. @throws HypergasError NOT_FOUND (no such member)
   */
  notices (ref: string | null): Promise<NoticesView>
  /**
   * Sends each member with an address their notices by email now (src/api/mail.ts); answers to whom.
   * @throws HypergasError NO_MAIL_SERVER (no mail server configured), MAIL (the server refused)
   */
  sendNotices (): Promise<DigestSent[]>
  /**
   * The treasurer's report of a period, ms since the epoch (null: unbounded), confirmed acts only.
   * @throws HypergasError BAD_ARGUMENT (variant `period`: from after to; `periodFuture`: from after now with no to)
   */
  report (fromMs: number | null, toMs: number | null): Promise<Report>
  /** The directory search (SPEC §4.7); members' offers and wants only when `listings`. */
  search (query: string, listings: boolean): Promise<SearchHit[]>
  /** A member's matches: others' offers for their wants, others' wants for their offers. @throws HypergasError NOT_FOUND */
  matches (ref: string): Promise<Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }>>
  /** Every transfer between members (SPEC §4.6), pending ones first. */
  transfers (): Promise<TransferView[]>
  /**
   * The member whose name is exactly `name` (case and outer spaces ignored), as a payee of a transfer
   * (SPEC §4.6): id and name only, never figures. No prefixes, no ids: a member finds whom they name.
   * @throws HypergasError NOT_FOUND
   */
  payee (name: string): Promise<{ id: MemberId, name: string }>
  /**
   * Verifies and appends an act already signed by a member (hex of its bytes), signed within 10
   * minutes of now (src/api/signed.ts); the same act again answers with its receipt. The
   * author's figures in the answer only where `reads(author)` (default: yes, the local CLI).
   */
  signedAct (hexBytes: string, reads?: ReadsFiguresOf): Promise<ActReceipt>
  /** Takes the running node off the network or back on it. @throws HypergasError NOT_RUNNING */
  setOnline (online: boolean): Promise<{ online: boolean }>
  /**
   * Makes a personal link for a member (SPEC §7 `hypergas link`), or with `revoke` ends all of
   * theirs. @throws HypergasError NOT_FOUND (no such member)
   */
  link (ref: string, revoke: boolean): Promise<LinkResult>
  /**
   * A one-time admin login code for a browser (SPEC §7). Only a running node has sessions.
   * @throws HypergasError NOT_RUNNING
   */
  loginCode (): Promise<{ code: string, expiresAt: number }>
  close (): Promise<void>
}

/** What {@link NodeApi.link} did: the new link's secret (shown once), or the links ended. */
export interface LinkResult {
  member: MemberId
  name: string
  /** The new link's handle and secret (64 hex chars); null when revoking. */
  linkId: string | null
  secret: string | null
  /** Handles of the links that ended (revoked, or the oldest beyond the per-member limit). */
  ended: string[]
}

/** A member's notices and this node's admin's (SPEC §7 notices). */
export interface NoticesView {
  member: Notice[]
  admin: Notice[]
}

/** What a catalogue import did. */
export interface ImportSummary {
  purchase: string
  imported: number
  /** Names of products imported without a price (not bookable until priced). */
  unpriced: string[]
  skipped: Skipped[]
  /** What the file asks for that was not carried out: shipping costs and the supplier's discount rules, to add with AddCost. */
  notApplied: NotApplied[]
  /** The supplier the file named, registered by this import (SPEC §4.7); null when it was already registered, or none was named. */
  supplierRegistered: string | null
  /** The supplier the file names when the purchase names another (`purchase`) or none (null): a price list loaded into the wrong purchase? Null when they agree or the file names none. */
  otherSupplier: { file: string, purchase: string | null } | null
}

/** Bytes of JSON per AddProducts act: its binary encoding is smaller, and an act is at most 4096 bytes. */
const CHUNK_JSON = 3000

/** Products in groups that each fit one act. */
export function productChunks (products: ProductSpec[]): ProductSpec[][] {
  const out: ProductSpec[][] = [[]]
  let size = 0
  for (const p of products) {
    const n = JSON.stringify(p).length
    if (size + n > CHUNK_JSON && out[out.length - 1].length > 0) { out.push([]); size = 0 }
    out[out.length - 1].push(p)
    size += n
  }
  return out.filter((c) => c.length > 0)
}



/** The API of an in-process node. */
export class LocalApi implements NodeApi {
  private linkStore: LinkStore | null = null
  /** Each replay's {@link LogView.version}: when this API started, and how many replays it numbered before. */
  private readonly versions = new WeakMap<Replay, string>()
  private versioned = 0
  private readonly epoch = Date.now().toString(36)

  /** @param writer how notices read in an email (default: their kind and purchase, in English) */
  constructor (readonly node: GasNode, private readonly owned = false, private readonly writer: NoticeWriter = { line: (n) => `${n.kind} ${n.purchaseName ?? ''}`.trim(), subject: 'notices' }) {}

  /** The personal links of the node's data directory (read when first needed). */
  get links (): LinkStore {
    this.linkStore ??= new LinkStore(this.node.dir)
    return this.linkStore
  }

  async status (): Promise<StatusView> {
    const n = this.node
    const v = n.requireView()
    // The state hashes first, in slices on a serving node (NodeOptions.oneShot): hashing a new
    // state all at once held the event loop 0.19 s at 100,000 acts and 2.8 s at 1,000,000, and
    // the web page asks after every update.
    // The status is of the view of the request's moment, even if a newer one came meanwhile.
    const drive = driveOf(n.oneShot)
    await Promise.all([finishedStateHashDriven(v.state, drive), finishedStateHashDriven(v.confirmed, drive)])
    const stuck = n.ownStuck()
    const notCounted = v.ignored.reduce((sum, b) => sum + (b.feed === n.id ? b.actIds.length : 0), 0)
    return {
      me: { id: n.id, name: v.state.members.get(n.id)?.name ?? null, admin: v.state.admins.has(n.id), stuck, lost: stuck === null || stuck === 'waiting' ? 0 : v.entries.slice(v.finalCount).filter((e) => e.feed === n.id).length, notCounted },
      // Every admin past or present has a cash entry: their feeds are the invite's hints.
      invite: encodeInvite(n.requireGroup(), [...v.state.cash.keys()]),
      rules: RULES_VERSION,
      group: views.groupView(v, this.presence()),
      peers: (n.replicator?.peers ?? []).map((p) => ({ ...p, name: v.state.members.get(p.publicKey as MemberId)?.name ?? null, admin: v.state.admins.has(p.publicKey as MemberId) })),
      knocking: [...n.replicator?.knocking ?? []].reverse().filter(([k, ms]) => ms > Date.now() - KNOCK_RECENT_MS && !v.state.admins.has(k as MemberId))
        .map(([k, ms]) => ({ publicKey: k, name: v.state.members.get(k as MemberId)?.name ?? null, lastMs: ms })),
      doubleRecoveryVoters: [...n.graph.doubleRecoveryVoters].sort().map((k) => v.state.members.get(k as MemberId)?.name ?? k.slice(0, 8)),
      sync: n.syncProgress(),
      online: n.replicator?.online ?? false,
      running: n.replicator !== null,
      // The reports without the proof the node relays (Hypercore's tree nodes: kilobytes, for peers).
      forks: n.forks.map(({ proof: _proof, ...f }) => f),
      // Blocks that name another branch of a feed than the one held here (SPEC §5 forks).
      linkConflicts: n.linkConflicts(),
      // While restored from a backup and waiting for the own feed (src/node/storage/restore.ts), what for.
      restoring: n.restore?.status ?? null
    }
  }

  async members (): Promise<views.MemberSummary[]> { return views.membersView(this.node.requireView()) }

  async member (ref: string): Promise<views.MemberView> {
    const v = this.node.requireView()
    const id = views.resolveMember(v.state, ref)
    return views.memberView(v, id, await this.node.readActs(views.unreadMovementEntries(v, id)))
  }

  async purchases (): Promise<PurchaseSummary[]> { return views.purchasesView(this.node.requireView()) }

  async purchase (ref: string): Promise<PurchaseView> {
    const v = this.node.requireView()
    return views.purchaseView(v, views.resolvePurchase(v.state, ref))
  }

  async log (offset: number, limit: number): Promise<LogView> {
    const v = this.node.requireView()
    let version = this.versions.get(v)
    if (version === undefined) this.versions.set(v, version = `${this.epoch}.${++this.versioned}`)
    return logView(v, offset, limit, await this.node.readActs(v.entries.slice(offset, offset + limit).filter((e) => e.act === undefined)), (feed, index) => this.actsOf(feed, index), version)
  }

  /** The decoded acts of block `index` of `feed`, as the graph holds them (an ignored block's too). */
  private actsOf (feed: MemberId, index: number): SignedAct[] {
    return (this.node.graph.node(feed, index)?.acts ?? []).flatMap((e) => (e !== UNREAD && e.ok ? [e.act] : []))
  }

  async act (req: ActRequest): Promise<ActReceipt> {
    return (await this.actAll([req]))[0]
  }

  async actAll (reqs: ActRequest[]): Promise<ActReceipt[]> {
    this.node.restore?.assertOpen() // before names are resolved against a state still arriving
    const s = this.node.requireView().state
    const bodies = reqs.map((req) => {
      // The request's fields as they came (over HTTP: any JSON), until parseActBody validates them.
      const body: { [field: string]: unknown } = { ...req }
      // Free texts a person may leave out, as the CLI leaves them: a withdrawal's reason, a transfer's memo.
      if (req.type === 'Withdraw' && body.reason === undefined) body.reason = ''
      if (req.type === 'Transfer' && body.memo === undefined) body.memo = ''
      // A registration names a new key, never a member already known by name.
      const names = req.type === 'VoteRegisterMember' ? ['from'] : ['member', 'from', 'to']
      for (const f of names) if (typeof body[f] === 'string') body[f] = views.resolveMember(s, body[f] as string)
      if (typeof body.purchase === 'string') body.purchase = views.resolvePurchase(s, body.purchase)
      if (typeof body.transfer === 'string') body.transfer = views.resolveTransfer(s, body.transfer)
      // A purchase naming a registered supplier (SPEC §4.7) takes its name as registered.
      if (req.type === 'OpenPurchase' && typeof body.supplier === 'string') body.supplier = views.registeredSupplier(s, body.supplier)?.name ?? body.supplier
      return parseActBody(body)
    })
    for (const b of bodies) { refuseRecoveryOfPresent(this.node, b); views.refuseLookalikeName(s, b); refuseEmptyBooking(s, b) }
    const before = beforeAct(s, bodies)
    const acts = await this.node.submitAll(bodies)
    const v = this.node.requireView()
    // The same act recorded shortly before (a command sent twice?): said in the receipt. The
    // recent entries are gathered, and read back, once for the whole batch.
    const recent = recentOwnEntries(v, acts)
    const read = await this.node.readActs(recent.filter((e) => e.act === undefined))
    const earlier = recent.flatMap((e) => { const x = e.act ?? read.get(e.actId); return x === undefined ? [] : [x] })
    return acts.map((a) => {
      const r = receiptOf(v, a, before, recoveryCounter(this.node))
      const again = repeatedAfter(a, earlier)
      if (again !== null) r.repeatedAfterS = again
      return r
    })
  }

  /** What the node knows of the admins beyond the log: who is there, whose feed forked (src/api/presence.ts). */
  presence (): AdminPresence { return presence(this.node) }

  async importCatalogue (purchase: string, text: string): Promise<ImportSummary> {
    const cat = importCatalogue(text)
    const s = this.node.requireView().state
    const id = views.resolvePurchase(s, purchase)
    const named = s.purchases.get(id)?.supplier ?? null
    const file = cat.supplier?.name ?? ''
    // The same name without accents and spaces, or two spellings of one registered supplier.
    const registered = named === null ? undefined : views.registeredSupplier(s, named)
    const same = named !== null && (views.unaccented(named) === views.unaccented(file) || (registered !== undefined && registered === views.registeredSupplier(s, file)))
    await this.actAll(productChunks(cat.products).map((products) => ({ type: 'AddProducts', purchase: id, products })))
    const otherSupplier = file === '' || same ? null : { file, purchase: named }
    return { purchase: id, imported: cat.products.length, unpriced: cat.unpriced, skipped: cat.skipped, notApplied: cat.notApplied, supplierRegistered: await this.registerSupplierOf(cat), otherSupplier }
  }

  /**
   * Registers the supplier a catalogue file names (SPEC §4.7: GDXP imports register theirs) when the
   * group has none by that name and this node's admin is a referente; its categories are the
   * products'. Answers the name registered, or null when nothing was.
   */
  private async registerSupplierOf (cat: CatalogueImport): Promise<string | null> {
    const s = this.node.requireView().state
    const name = cat.supplier?.name ?? '' // already on one line and no longer than a name (gdxp.ts)
    if (name === '' || views.registeredSupplier(s, name) !== undefined || !s.referenti.has(this.node.id)) return null
    const categories = [...new Set(cat.products.flatMap((p) => p.category === undefined ? [] : [p.category]))].sort().slice(0, 20)
    const vat = cat.supplier?.vatNumber ?? null
    const contacts = cat.supplier?.contacts ?? null
    await this.act({ type: 'RegisterSupplier', name, categories, ...(vat === null || vat.length > 32 ? {} : { vatNumber: vat }), ...(contacts === null ? {} : { contacts }) })
    return name
  }

  async notices (ref: string | null): Promise<NoticesView> {
    const v = this.node.requireView()
    const s = v.state
    const now = Date.now() // display only: notices are derived, never stored
    const member = ref === null ? [] : memberNotices(s, views.resolveMember(s, ref), now)
    // This node's acts the merge ignored (an admin removed meanwhile, a fork): said also to a former admin.
    const lost = await notCountedRead(v.ignored, this.node.id, s, (feed, index) => this.actsOf(feed, index), async (blocks) => await this.node.readActs(blocks))
    if (!s.admins.has(this.node.id)) return { member, admin: lost }
    // Acts restored from a checkpoint (the node restarted since) are read back from their blocks.
    const refused = refusedEntries(v.entries, this.node.id, now)
    const read = await this.node.readActs(refused.filter((e) => e.act === undefined))
    return { member, admin: [...lost, ...refusedInOrder(refused, s, read), ...adminNotices(s, this.node.id, now)] }
  }

  async sendNotices (): Promise<DigestSent[]> {
    return await sendDigests(this.node, this.writer, Date.now())
  }

  async report (fromMs: number | null, toMs: number | null): Promise<Report> {
    if (fromMs !== null && toMs !== null && fromMs > toMs) throw new HypergasError('BAD_ARGUMENT', 'the period ends before it starts (from is after to)', { variant: 'period' })
    // A period from a day still to come up to today (no --to) would say "from 2027-01-01 to today".
    if (fromMs !== null && toMs === null && fromMs > Date.now()) throw new HypergasError('BAD_ARGUMENT', 'the period starts after today (from is in the future)', { variant: 'periodFuture' })
    return report(this.node.requireView(), fromMs, toMs)
  }

  async search (query: string, listings: boolean): Promise<SearchHit[]> {
    // The HTTP route's limits (src/http/routes.ts), so that the CLI answers alike with or without a running node.
    const chars = [...query].length
    if (chars === 0 || chars > MAX_QUERY_CHARS) throw new HypergasError('BAD_REQUEST', chars === 0 ? 'an empty search' : `a search of more than ${MAX_QUERY_CHARS} characters`, chars === 0 ? { input: 'q', variant: 'empty' } : { input: 'q', variant: 'tooLong', limit: MAX_QUERY_CHARS })
    return search(this.node.requireView().state, query, listings)
  }

  async matches (ref: string): Promise<Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }>> {
    const s = this.node.requireView().state
    return matches(s, views.resolveMember(s, ref))
  }

  async payee (name: string): Promise<{ id: MemberId, name: string }> {
    const s = this.node.requireView().state
    const id = views.memberByName(s, name)
    const m = id === undefined ? undefined : s.members.get(id)
    if (id === undefined || m === undefined) throw HypergasError.NOT_FOUND(`no member is named "${name.slice(0, 64)}"`, 'member', name)
    return { id, name: m.name }
  }

  async transfers (): Promise<TransferView[]> {
    return views.transfersView(this.node.requireView().state)
  }

  async signedAct (hexBytes: string, reads: ReadsFiguresOf = () => true): Promise<ActReceipt> {
    return await postSignedAct(this.node, hexBytes, Date.now(), reads)
  }

  async setOnline (online: boolean): Promise<{ online: boolean }> {
    const r = this.node.replicator
    if (r === null) throw new HypergasError('NOT_RUNNING', 'the node is not replicating: run "hypergas start"', { variant: 'swarm' })
    await r.setOnline(online)
    return { online: r.online }
  }

  async link (ref: string, revoke: boolean): Promise<LinkResult> {
    const v = this.node.requireView()
    const member = views.resolveMember(v.state, ref)
    // A personal link is a member's: not for a key never registered, nor a former admin's.
    if (!v.state.members.has(member) && !revoke) throw HypergasError.NOT_FOUND(`no member "${ref}"`, 'member', ref)
    const name = v.state.members.get(member)?.name ?? member.slice(0, 8)
    if (revoke) return { member, name, linkId: null, secret: null, ended: this.links.revoke(member) }
    const made = this.links.create(member, new Date())
    return { member, name, linkId: made.link.id, secret: made.secret, ended: made.ended }
  }

  async loginCode (): Promise<{ code: string, expiresAt: number }> {
    throw new HypergasError('NOT_RUNNING', 'the node is not running: "hypergas start" prints a login link', { variant: 'login' })
  }

  async close (): Promise<void> {
    if (this.owned) await this.node.close()
  }
}
