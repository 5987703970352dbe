/**
 * Browser sessions of the HTTP server (SPEC §7 "Who may read and act over HTTP"): who a cookie
 * stands for, one-time admin login codes and members' login challenges. Everything is in memory
 * and bounded (a flood of logins keeps at most the limits below); a restart logs every browser
 * out. Secrets are looked up by their SHA-256, never compared by hand.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { MemberId } from '../ids.js'

/** What a session lets its browser do. */
export interface Session {
  /** An admin's browser (logged in with a one-time code minted with the node's token). */
  admin: boolean
  /** The member whose own data it may read (null for an admin session). */
  member: MemberId | null
  /** The personal link it came from (src/node/storage/links.ts), to end it when the link is revoked. */
  linkId: string | null
  /** When it ends, ms since the epoch. */
  expiresAt: number
  /**
   * SHA-256 of the session key: a second secret the page keeps in its own origin's storage and
   * sends as a header. A cookie is scoped to a host, not to a port, so another server on the same
   * host (another user's, another node's) may receive the cookie; it never sees the key.
   */
  keyHash: string
}

/** Most member sessions kept; a new one beyond this ends the oldest. */
export const MAX_SESSIONS = 4096
/** Most admin sessions kept (apart: members' logins never push an admin's out). */
export const MAX_ADMIN_SESSIONS = 64
/** Most sessions of one member (phones, browsers); a new one beyond this ends their oldest. */
export const MAX_SESSIONS_PER_MEMBER = 8
/** Most login challenges outstanding; a new one beyond this drops the oldest. */
export const MAX_CHALLENGES = 1024
/** Most admin login codes outstanding. */
export const MAX_LOGIN_CODES = 16
/** How long a session lasts, ms (30 days). */
export const SESSION_MS = 30 * 24 * 3600 * 1000
/** How long a challenge may be answered, ms. */
export const CHALLENGE_MS = 2 * 60 * 1000
/** How long an admin login code may be used, ms. */
export const LOGIN_CODE_MS = 10 * 60 * 1000

const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex')

/** Puts `key → value` in `map`, dropping the oldest entries beyond `max`. */
function bounded<V> (map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value)
  while (map.size > max) map.delete(map.keys().next().value as string)
}

/** Takes `key` out of `map` if it has not expired; answers its value. */
function take<V extends { expiresAt: number }> (map: Map<string, V>, key: string, now: number): V | null {
  const v = map.get(key)
  if (v === undefined) return null
  map.delete(key)
  return v.expiresAt > now ? v : null
}

/** The sessions, login codes and challenges of one HTTP server. */
export class Sessions {
  private readonly sessions = new Map<string, Session>()
  private readonly admins = new Map<string, Session>()
  private readonly challenges = new Map<string, { expiresAt: number }>()
  private readonly codes = new Map<string, { expiresAt: number }>()

  /** @param now the clock, ms; @param random bytes source (both injected by tests) */
  constructor (private readonly now: () => number = Date.now, private readonly random: (n: number) => Buffer = randomBytes) {}

  /** A one-time admin login code (64 hex chars), valid {@link LOGIN_CODE_MS}. */
  loginCode (): { code: string, expiresAt: number } {
    const code = this.random(32).toString('hex')
    const expiresAt = this.now() + LOGIN_CODE_MS
    bounded(this.codes, digest(code), { expiresAt }, MAX_LOGIN_CODES)
    return { code, expiresAt }
  }

  /** Uses a login code up: true once for a code still valid, false otherwise. */
  redeemLoginCode (code: string): boolean {
    return take(this.codes, digest(code), this.now()) !== null
  }

  /** A login challenge for a member's key (64 hex chars), valid {@link CHALLENGE_MS}. */
  challenge (): string {
    const c = this.random(32).toString('hex')
    bounded(this.challenges, c, { expiresAt: this.now() + CHALLENGE_MS }, MAX_CHALLENGES)
    return c
  }

  /** Uses a challenge up: true once for one this server gave and that has not expired. */
  takeChallenge (c: string): boolean {
    return take(this.challenges, c, this.now()) !== null
  }

  /** Opens a session; answers its secret id (for the cookie) and its key (for the page's header). */
  open (s: Omit<Session, 'expiresAt' | 'keyHash'>): { id: string, key: string } {
    const id = this.random(32).toString('base64url')
    const key = this.random(32).toString('base64url')
    const session: Session = { ...s, expiresAt: this.now() + SESSION_MS, keyHash: digest(key) }
    if (s.admin) {
      bounded(this.admins, digest(id), session, MAX_ADMIN_SESSIONS)
    } else {
      const mine = [...this.sessions].filter(([, x]) => x.member === s.member)
      for (const [k] of mine.slice(0, Math.max(0, mine.length + 1 - MAX_SESSIONS_PER_MEMBER))) this.sessions.delete(k)
      bounded(this.sessions, digest(id), session, MAX_SESSIONS)
    }
    return { id, key }
  }

  /** The live session of a cookie value whose key the request also carries, or null. */
  get (id: string | undefined, key: string | undefined): Session | null {
    if (id === undefined || key === undefined || id.length > 64 || key.length > 64) return null
    const k = digest(id)
    const map = this.admins.has(k) ? this.admins : this.sessions
    const s = map.get(k)
    if (s === undefined || s.keyHash !== digest(key)) return null
    if (s.expiresAt <= this.now()) { map.delete(k); return null }
    return s
  }

  /** Ends the session of a cookie value (logout). */
  close (id: string | undefined): void {
    if (id !== undefined) { this.sessions.delete(digest(id)); this.admins.delete(digest(id)) }
  }

  /** Ends every session opened from one of `linkIds` (revoked personal links). */
  closeLinks (linkIds: string[]): void {
    const gone = new Set(linkIds)
    for (const [k, s] of [...this.sessions]) if (s.linkId !== null && gone.has(s.linkId)) this.sessions.delete(k)
  }

  /** How many live sessions `member` has (phones and browsers logged in). */
  countOf (member: MemberId): number {
    let n = 0
    for (const x of this.sessions.values()) if (x.member === member && x.expiresAt > this.now()) n++
    return n
  }

  /** How many of each are held (for tests and the flood benchmark). */
  get sizes (): { sessions: number, admins: number, challenges: number, codes: number } {
    return { sessions: this.sessions.size, admins: this.admins.size, challenges: this.challenges.size, codes: this.codes.size }
  }
}
