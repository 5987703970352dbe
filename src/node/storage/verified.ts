/**
 * Signatures verified once are remembered (issue 5): the ids of relayed acts whose Ed25519
 * signature this node has verified, kept in the data directory (`verified`, 32 bytes per id,
 * append-only), so a restart does not verify them again. Trusting this file is trusting the
 * node's own storage, as the Corestore already is; a forged signature is never added (only acts
 * that verified are).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ActId } from '../../ids.js'

/** The remembered ids of one data directory. */
export class VerifiedActs {
  private readonly ids = new Set<string>()
  private pending: Buffer[] = []
  private readonly file: string

  constructor (dir: string) {
    this.file = path.join(dir, 'verified')
    let data: Buffer
    try { data = fs.readFileSync(this.file) } catch { return }
    // A torn last record (crash mid-write) is ignored: its act is simply verified again.
    for (let i = 0; i + 32 <= data.byteLength; i += 32) this.ids.add(data.toString('hex', i, i + 32))
  }

  /** True when the act's signature was verified before. */
  has (id: ActId): boolean {
    return this.ids.has(id)
  }

  /** Remembers a verified act (written by {@link flush}). */
  add (id: ActId): void {
    if (this.ids.has(id)) return
    this.ids.add(id)
    this.pending.push(Buffer.from(id, 'hex'))
  }

  /** Appends the ids remembered since the last flush. */
  flush (): void {
    if (this.pending.length === 0) return
    fs.appendFileSync(this.file, Buffer.concat(this.pending), { mode: 0o600 })
    this.pending = []
  }
}
