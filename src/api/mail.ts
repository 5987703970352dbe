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
import { memberNotices, type Notice } from './notices.js'
import { HypergasError } from '../errors.js'
import type { MemberId } from '../ids.js'
import { writePrivate } from '../node/storage/datadir.js'
import type { GasNode } from '../node/node.js'

const settingsSchema = z.object({
  smtp: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), secure: z.boolean(), user: z.string().optional(), pass: z.string().optional() }).nullable(),
  from: z.string(),
  addresses: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string().email()),
  lastSentMs: z.number().int().min(0)
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
    throw HypergasError.DATA_DIR(`cannot read ${file(dir)}: ${(err as Error).message}`)
  }
  const r = settingsSchema.safeParse(raw)
  if (!r.success) throw HypergasError.DATA_DIR(`${file(dir)} is damaged: set the mail again (hypergas mail)`)
  return r.data
}

/** Saves the mail settings (mode 0600: the SMTP password may be in them). */
export function saveMail (dir: string, m: MailSettings): void {
  writePrivate(file(dir), JSON.stringify(m, null, 2) + '\n')
}

/** One member's digest: a subject and a plain-text body, from their notices rendered by `text`. */
export function digest (group: string, name: string, notices: Notice[], text: (n: Notice) => string, subject: string): { subject: string, body: string } {
  return { subject: `${group}: ${subject}`, body: `${name},\n\n${notices.map((n) => `- ${text(n)}`).join('\n')}\n\n-- \nhypergas · ${group}\n` }
}

/**
 * Sends every member with an address and at least one notice their digest now; answers to whom.
 * @throws HypergasError NOT_RUNNING when no SMTP server is configured; MAIL (the server refused) with its reason
 */
export async function sendDigests (node: GasNode, text: (n: Notice) => string, subject: string, nowMs: number): Promise<Array<{ member: MemberId, to: string, notices: number }>> {
  const m = loadMail(node.dir)
  if (m.smtp === null) throw new HypergasError('NOT_RUNNING', 'no mail server configured: hypergas mail server --host <smtp host> --port <port> --from <address>')
  const s = node.requireView().state
  const { default: nodemailer } = await import('nodemailer') // loaded when mail is sent, not on every start
  const transport = nodemailer.createTransport({ host: m.smtp.host, port: m.smtp.port, secure: m.smtp.secure, ...(m.smtp.user === undefined ? {} : { auth: { user: m.smtp.user, pass: m.smtp.pass ?? '' } }), tls: { rejectUnauthorized: m.smtp.secure } })
  const sent: Array<{ member: MemberId, to: string, notices: number }> = []
  try {
    for (const [id, to] of Object.entries(m.addresses).sort()) {
      const member = s.members.get(id as MemberId)
      if (member === undefined) continue
      const notices = memberNotices(s, id as MemberId, nowMs)
      if (notices.length === 0) continue
      const d = digest(s.groupName, member.name, notices, text, subject)
      try {
        await transport.sendMail({ from: m.from, to, subject: d.subject, text: d.body })
      } catch (err) {
        throw new HypergasError('MAIL', `the mail server refused the digest to ${member.name}: ${(err as Error).message}`)
      }
      sent.push({ member: id as MemberId, to, notices: notices.length })
    }
  } finally { transport.close() }
  saveMail(node.dir, { ...loadMail(node.dir), lastSentMs: nowMs })
  return sent
}

/** How a {@link DigestKeeper} waits, ms (tests shorten them). */
export interface DigestTiming {
  /** After a failed send, the first wait before trying again; doubled after each failure in a row, up to a day. */
  retryMs: number
  /** With no mail server configured (or the settings unreadable), how often the settings are read again. */
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
  /** Whether the last reading of the settings failed (said once, not every minute). */
  private unreadable = false

  constructor (private readonly node: GasNode, private readonly text: (n: Notice) => string, private readonly subject: string, private readonly log: (line: string) => void, private readonly now: () => number = Date.now, private readonly timing: DigestTiming = TIMING) {
    this.schedule()
  }

  /** The settings, or null when there is no server or they cannot be read (said once). */
  private settings (): MailSettings | null {
    try {
      const m = loadMail(this.node.dir)
      this.unreadable = false
      return m.smtp === null ? null : m
    } catch (err) {
      if (!this.unreadable) this.log(`notices by email: ${(err as Error).message}`)
      this.unreadable = true
      return null
    }
  }

  /** How long until the next send is due, ms (a failure's back-off, the day since the last, or the next reading of the settings). */
  private wait (): number {
    const m = this.settings()
    if (m === null) return this.timing.pollMs
    if (this.failures > 0) return Math.min(DIGEST_EVERY_MS, this.timing.retryMs * 2 ** (this.failures - 1))
    return Math.min(this.timing.pollMs, Math.max(0, m.lastSentMs + DIGEST_EVERY_MS - this.now()))
  }

  private schedule (): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.tick(), this.wait())
    this.timer.unref()
  }

  private tick (): void {
    const m = this.settings()
    // Not due yet (the settings are read again meanwhile: a server set or turned off is seen).
    if (m === null || (this.failures === 0 && m.lastSentMs + DIGEST_EVERY_MS > this.now())) return this.schedule()
    sendDigests(this.node, this.text, this.subject, this.now())
      .then((sent) => {
        this.failures = 0
        this.log(`notices sent by email to ${sent.length} members`)
      })
      .catch((err: Error) => {
        this.failures++
        const next = Math.min(DIGEST_EVERY_MS, this.timing.retryMs * 2 ** (this.failures - 1))
        this.log(`notices by email: ${err.message} (trying again in ${Math.ceil(next / 60_000)} min)`)
      })
      .finally(() => this.schedule())
  }

  /** Stops sending. */
  stop (): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
