/**
 * Notices by email (issue 16 item 4), optional and off by default: when the admin configures an
 * SMTP server, this node sends each member with an address a digest of their notices
 * (src/api/notices.ts), at most once a day while it runs, or on `hypergas mail send`. Addresses
 * and the server live only in this node's settings (`mail.json`, mode 0600), never in the log,
 * which is replicated and permanent. Sending uses nodemailer.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from '../zod.js'
import { endedNotices, memberNotices, type Notice } from './notices.js'
import { failureOf, HypergasError, type RefusalDetails } from '../errors.js'
import { withoutInvisible, type MemberId, type PurchaseId } from '../ids.js'
import { writePrivate } from '../node/storage/datadir.js'
import type { GasNode } from '../node/node.js'
import type { LogLine } from '../node/types.js'

/** A purchase and how it ended, `<id>:<phase>`. */
const endedKey = z.string().regex(/^[0-9a-f]{64}:(closed|failed)$/)

const settingsSchema = z.object({
  smtp: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), secure: z.boolean(), user: z.string().optional(), pass: z.string().optional() }).nullable(),
  from: z.string(),
  addresses: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string().email()),
  /** The language a member reads their digest in, when not the node's (`mail address … --digest-lang`). */
  languages: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.enum(['it', 'en'])).optional(),
  lastSentMs: z.number().int().min(0),
  /**
   * The purchases closed or failed when the last digest went out (`<id>:<phase>`): the next one
   * tells the members of those ended since, or ended otherwise since (a close the group's order
   * turned into a failure) ({@link endedNotices}). Absent before the first digest, and after
   * mail was turned off: that digest tells none and starts the list.
   */
  endedSeen: z.array(endedKey).optional(),
  /**
   * By member, the ended purchases their last digest told but the server did not take (a full
   * mailbox, a server gone mid-way): told again in their next digest while the purchase still
   * ended that way, though the list above has moved on.
   */
  endedOwed: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.array(endedKey)).optional()
})

/** This node's mail settings. */
export type MailSettings = z.infer<typeof settingsSchema>

const EMPTY: MailSettings = { smtp: null, from: '', addresses: {}, lastSentMs: 0 }
/** A digest at most this often while the node runs, ms. */
export const DIGEST_EVERY_MS = 24 * 3600 * 1000

const file = (dir: string): string => path.join(dir, 'mail.json')

/** The mail settings of a data directory (none configured: no server, no address). @throws HypergasError DATA_DIR when damaged */
export function loadMail (dir: string): MailSettings {
  let raw: unknown
  try { raw = JSON.parse(fs.readFileSync(file(dir), 'utf8')) } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY)
    throw new HypergasError('DATA_DIR', `cannot read ${file(dir)}: ${(err as Error).message}`, { variant: 'unreadable', input: file(dir).slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message })
  }
  const r = settingsSchema.safeParse(raw)
  if (!r.success) throw new HypergasError('DATA_DIR', `${file(dir)} is damaged: set the mail again (hypergas mail)`, { variant: 'mail', input: file(dir).slice(0, 200) })
  return r.data
}

/** Saves the mail settings (mode 0600: the SMTP password may be in them). */
export function saveMail (dir: string, m: MailSettings): void {
  writePrivate(file(dir), JSON.stringify(m, null, 2) + '\n')
}

/**
 * How the interfaces write a notice in an email: a line per notice and the subject, in the node's
 * language; `in`, the same in another language, for a member who reads in it.
 */
export interface NoticeWriter {
  line: (n: Notice) => string
  subject: string
  in?: (lang: 'it' | 'en') => { line: (n: Notice) => string, subject: string }
}

/** One member's digest: a subject and a plain-text body, from their notices rendered by `text`. */
export function digest (group: string, name: string, notices: Notice[], text: (n: Notice) => string, subject: string): { subject: string, body: string } {
  // What a person reads: names and texts signed elsewhere may hold controls of direction.
  return { subject: withoutInvisible(`${group}: ${subject}`), body: withoutInvisible(`${name},\n\n${notices.map((n) => `- ${text(n)}`).join('\n')}\n\n-- \nhypergas · ${group}\n`) }
}

/** One member's digest as {@link sendDigests} handled it: sent, or refused by the server with its reason. */
export interface DigestSent {
  member: MemberId
  to: string
  /** Notices in the digest. */
  notices: number
  /** Set when the server refused this digest (the others were still sent). */
  refused?: string
  /** The same as figures, for the interfaces' wording (variant `login`, `unreachable` or `refused`). */
  refusal?: RefusalDetails
}

/**
 * Sends every member with an address and at least one notice their digest now; answers to whom.
 * A digest the server refuses (a bad address) is marked `refused` and the others are sent; the
 * day counts as done unless every digest was refused. The ended purchases a refused digest told
 * are kept for that member's next one (`endedOwed`). Sends on one node run one after the other.
 * @throws HypergasError NO_MAIL_SERVER when no SMTP server is configured; MAIL when the server took
 *   none of the digests with news (unreachable, or refusing all), with the first reason
 */
export async function sendDigests (node: GasNode, writer: NoticeWriter, nowMs: number): Promise<DigestSent[]> {
  return await queued(node, async () => await sendNow(node, writer, nowMs))
}

/**
 * {@link sendDigests} if the day's digests are still due when its turn comes (a day since the
 * last), else null: `hypergas mail send` may have sent them while the keeper waited its turn.
 */
export async function sendDueDigests (node: GasNode, writer: NoticeWriter, nowMs: number): Promise<DigestSent[] | null> {
  return await queued(node, async () => loadMail(node.dir).lastSentMs + DIGEST_EVERY_MS > nowMs ? null : await sendNow(node, writer, nowMs))
}

/** The last send started on each node, which the next waits for ({@link queued}). */
const sending = new WeakMap<GasNode, Promise<unknown>>()

/**
 * Runs `send` after the sends already started on `node`: the daily keeper and `hypergas mail
 * send` on a running node would otherwise read the same list of ended purchases and both tell them.
 */
async function queued<T> (node: GasNode, send: () => Promise<T>): Promise<T> {
  const mine = (sending.get(node) ?? Promise.resolve()).catch(() => {}).then(send)
  sending.set(node, mine)
  return await mine
}

/** {@link sendDigests}, its send alone. */
async function sendNow (node: GasNode, writer: NoticeWriter, nowMs: number): Promise<DigestSent[]> {
  const m = loadMail(node.dir)
  if (m.smtp === null) throw new HypergasError('NO_MAIL_SERVER', 'no mail server configured: hypergas mail server --host <smtp host> --port <port> --from <address>')
  const s = node.requireView().state
  const { default: nodemailer } = await import('nodemailer') // loaded when mail is sent, not on every start
  // The server's certificate is always verified; with a login, the connection must be encrypted
  // (TLS from the start, or STARTTLS): the password never travels in clear or to an impostor.
  const transport = nodemailer.createTransport({ host: m.smtp.host, port: m.smtp.port, secure: m.smtp.secure, ...(m.smtp.user === undefined ? {} : { auth: { user: m.smtp.user, pass: m.smtp.pass ?? '' }, requireTLS: true }), tls: { rejectUnauthorized: true } })
  // Which purchases closed or failed since the last digest, by their ids, not by the time their
  // close was signed at (another admin's clock, or a close made offline and received later).
  const endedNow = [...s.purchases.values()].filter((p) => p.phase !== 'open').map((p) => `${p.id}:${p.phase}`).sort()
  const seen = new Set(m.endedSeen ?? endedNow)
  const ended = endedNow.filter((x) => !seen.has(x))
  const owed: Record<string, string[]> = {}
  /** Digests that carry only what an earlier one failed to tell (an address that always refuses). */
  const owedOnly = new Set<DigestSent>()
  const out: DigestSent[] = []
  try {
    for (const [id, to] of Object.entries(m.addresses).sort()) {
      const member = s.members.get(id as MemberId)
      if (member === undefined) continue
      // What ended since the last digest, and what this member's last digest failed to tell.
      const told = [...new Set([...ended, ...(m.endedOwed?.[id] ?? []).filter((x) => endedNow.includes(x))])].sort()
        .map((x) => [x, endedNotices(s, id as MemberId, [x.slice(0, 64) as PurchaseId])] as const).filter(([, n]) => n.length > 0)
      const theirs = told.map(([x]) => x)
      const fresh = memberNotices(s, id as MemberId, nowMs)
      const notices = [...fresh, ...told.flatMap(([, n]) => n)]
      if (notices.length === 0) continue
      const reads = m.languages?.[id]
      const w = reads !== undefined && writer.in !== undefined ? writer.in(reads) : writer
      const d = digest(s.groupName, member.name, notices, w.line, w.subject)
      const one: DigestSent = { member: id as MemberId, to, notices: notices.length }
      try {
        await transport.sendMail({ from: m.from, to, subject: d.subject, text: d.body })
      } catch (err) {
        // nodemailer's codes for a server never reached, or a login it refused, are not a refusal of the digest.
        const code = (err as { code?: string }).code ?? ''
        const server = `${m.smtp.host}:${m.smtp.port}`
        const why = code === 'EAUTH' ? `${server} refused the login` : ['EDNS', 'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ETLS'].includes(code) ? `${server} could not be reached` : null
        one.refused = why === null ? `the mail server refused the digest to ${member.name}: ${(err as Error).message}` : `the digest to ${member.name} was not sent: ${why} (${(err as Error).message})`
        one.refusal = { variant: code === 'EAUTH' ? 'login' : why === null ? 'refused' : 'unreachable', member: member.name, input: server, detail: (err as Error).message.slice(0, 200) }
        if (theirs.length > 0) owed[id] = theirs
      }
      if (fresh.length === 0 && !theirs.some((x) => ended.includes(x))) owedOnly.add(one)
      out.push(one)
    }
  } finally { transport.close() }
  // Every digest with news refused: the server is at fault, and nothing counts as sent. Digests
  // carrying only what was owed are left out, or one address that always refuses would fail
  // every quiet day.
  const counted = out.filter((x) => !owedOnly.has(x))
  const first = counted.find((x) => x.refused !== undefined)
  if (first !== undefined && counted.every((x) => x.refused !== undefined)) throw new HypergasError('MAIL', first.refused!, first.refusal)
  // (Mail turned off meanwhile: the list starts again when it is turned on.)
  const latest = loadMail(node.dir)
  const on = latest.smtp !== null
  saveMail(node.dir, { ...latest, lastSentMs: nowMs, endedSeen: on ? endedNow : undefined, endedOwed: on && Object.keys(owed).length > 0 ? owed : undefined })
  return out
}

/** How a {@link DigestKeeper} waits, ms (tests shorten them). */
export interface DigestTiming {
  /** After a failed send, the first wait before trying again; doubled after each failure in a row, up to a day. */
  retryMs: number
  /** How often the settings are read again and a send that fell due (a day since the last, or a failure's wait) is made. */
  pollMs: number
}

const TIMING: DigestTiming = { retryMs: 5 * 60 * 1000, pollMs: 60 * 1000 }

/**
 * Sends the digests once a day while the node runs, if mail is configured (the first when a day
 * has passed since the last). A failed send (the server unreachable, an address refused) is tried
 * again after 5 minutes, then 10, 20… up to a day, one log line each; mail set, changed or turned
 * off with `hypergas mail` while the node runs is read within a minute.
 */
export class DigestKeeper {
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  /** Failed sends in a row. */
  private failures = 0
  /** After a failure: when to try again (ms since the epoch). */
  private retryAtMs = 0
  /** The server and sender the failures were with: other settings start afresh. */
  private failedWith = ''
  /** Whether the last reading of the settings failed (said once, not every minute). */
  private unreadable = false

  constructor (private readonly node: GasNode, private readonly writer: NoticeWriter, private readonly log: (line: LogLine) => void, private readonly now: () => number = Date.now, private readonly timing: DigestTiming = TIMING) {
    this.schedule()
  }

  /**
   * The settings, or null when there is no server or they cannot be read (said once). A server
   * set anew ends a back-off (it is tried at once), and so does a digest sent meanwhile by
   * `hypergas mail send` (the next is a day after it).
   */
  private settings (): MailSettings | null {
    try {
      const m = loadMail(this.node.dir)
      this.unreadable = false
      if (m.smtp === null) return null
      if (this.failures > 0 && (JSON.stringify([m.smtp, m.from]) !== this.failedWith || m.lastSentMs + DIGEST_EVERY_MS > this.now())) this.failures = 0
      return m
    } catch (err) {
      if (!this.unreadable) this.log({ key: 'mailUnreadable', vars: { error: (err as Error).message }, text: `notices by email: ${(err as Error).message}` })
      this.unreadable = true
      return null
    }
  }

  /** The next look at the settings, `pollMs` from now. */
  private schedule (): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.tick(), this.timing.pollMs)
    this.timer.unref()
  }

  private tick (): void {
    const m = this.settings()
    const dueMs = m === null ? Infinity : this.failures > 0 ? this.retryAtMs : m.lastSentMs + DIGEST_EVERY_MS
    if (m === null || dueMs > this.now()) return this.schedule()
    sendDueDigests(this.node, this.writer, this.now())
      .then((out) => {
        this.failures = 0
        if (out === null) return // (sent meanwhile by `hypergas mail send`)
        const count = out.filter((x) => x.refused === undefined).length
        this.log({ key: 'mailDigestSent', vars: { count }, text: `notices sent by email to ${count} members` })
        for (const x of out) if (x.refused !== undefined) this.log({ key: 'mailRefused', vars: { error: x.refused }, text: `notices by email: ${x.refused}`, refusal: { code: 'MAIL', details: x.refusal } })
      })
      .catch((err: Error) => {
        this.failures++
        this.failedWith = JSON.stringify([m.smtp, m.from])
        const wait = Math.min(DIGEST_EVERY_MS, this.timing.retryMs * 2 ** (this.failures - 1))
        this.retryAtMs = this.now() + wait
        const minutes = Math.ceil(wait / 60_000)
        const { reason, refusal } = failureOf(err)
        this.log({ key: 'mailFailed', vars: { error: reason, minutes }, text: `notices by email: ${err.message} (trying again in ${minutes} min)`, ...(refusal === undefined ? {} : { refusal }) })
      })
      .finally(() => this.schedule())
  }

  /** Stops sending. */
  stop (): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
