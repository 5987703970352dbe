/**
 * Personal links (SPEC §7, `hypergas link <member>`): a secret an admin gives one member so their
 * phone reads their own credit and statement from this node without a key. The data directory
 * keeps only each secret's SHA-256 (`links.json`, mode 0600): a copy of the file opens nothing.
 * A link belongs to one node (the one that made it); revoking ends it and its sessions at once.
 */
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { HypergasError } from '../../errors.js'
import type { MemberId } from '../../ids.js'
import { writePrivate } from './datadir.js'

/** One personal link as stored. */
export interface PersonalLink {
  /** Public handle of the link (16 hex chars), shown when listing and revoking. */
  id: string
  member: MemberId
  /** SHA-256 (hex) of the secret. */
  hash: string
  /** ISO time it was made (display only). */
  createdAt: string
}

/** Most links kept per member (an admin re-making links for a lost phone). */
export const MAX_LINKS_PER_MEMBER = 8
const SECRET = /^[0-9a-f]{64}$/

const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex')

/** The personal links of one data directory. */
export class LinkStore {
  private links: PersonalLink[]
  private readonly file: string

  /** @throws HypergasError DATA_DIR when links.json is unreadable or damaged */
  constructor (dir: string) {
    this.file = path.join(dir, 'links.json')
    let raw: unknown = []
    try {
      raw = JSON.parse(fs.readFileSync(this.file, 'utf8'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new HypergasError('DATA_DIR', `cannot read ${this.file}: ${(err as Error).message}`, { variant: 'unreadable', input: this.file.slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message })
    }
    if (!Array.isArray(raw) || !raw.every((l: PersonalLink) => typeof l?.id === 'string' && typeof l.member === 'string' && typeof l.hash === 'string')) {
      throw new HypergasError('DATA_DIR', `${this.file} is damaged: remove it (every personal link stops working)`, { variant: 'links', input: this.file.slice(0, 200) })
    }
    this.links = raw as PersonalLink[]
  }

  /**
   * A new link for `member`; answers the secret (64 hex chars, shown once, never stored). Beyond
   * {@link MAX_LINKS_PER_MEMBER}, the member's oldest link ends.
   */
  create (member: MemberId, now: Date): { link: PersonalLink, secret: string, ended: string[] } {
    const secret = randomBytes(32).toString('hex')
    const link: PersonalLink = { id: randomBytes(8).toString('hex'), member, hash: digest(secret), createdAt: now.toISOString() }
    const mine = this.links.filter((l) => l.member === member)
    const ended = mine.slice(0, Math.max(0, mine.length + 1 - MAX_LINKS_PER_MEMBER)).map((l) => l.id)
    this.links = [...this.links.filter((l) => !ended.includes(l.id)), link]
    this.save()
    return { link, secret, ended }
  }

  /** Ends every link of `member`; answers the ids ended. */
  revoke (member: MemberId): string[] {
    const ended = this.links.filter((l) => l.member === member).map((l) => l.id)
    if (ended.length > 0) {
      this.links = this.links.filter((l) => l.member !== member)
      this.save()
    }
    return ended
  }

  /** The link a secret opens, or null (malformed, unknown or revoked). */
  find (secret: string): PersonalLink | null {
    if (!SECRET.test(secret)) return null
    const h = digest(secret)
    return this.links.find((l) => l.hash === h) ?? null
  }

  /** True while the link `id` exists (not revoked). */
  has (id: string): boolean {
    return this.links.some((l) => l.id === id)
  }

  /** The links of `member` (without secrets). */
  of (member: MemberId): PersonalLink[] {
    return this.links.filter((l) => l.member === member)
  }

  private save (): void {
    writePrivate(this.file, JSON.stringify(this.links, null, 2) + '\n')
  }
}
