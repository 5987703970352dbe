/**
 * The node's data directory (SPEC §6): `identity.json` (the Ed25519 seed, mode 0600), `group.json`
 * (which group this node follows), `token` (HTTP act token, 0600), `node.json` (address of the
 * running node, for the CLI), `feeds.json` (writer feeds followed), `forks.json` (fork evidence),
 * `restoring.json` (present while a restore from a backup waits for the own feed,
 * src/node/restore.ts), the caches `checkpoint` and `verified`, and `corestore/`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HypergasError } from '../errors.js'
import { hex, toActId, toMemberId, type MemberId } from '../ids.js'
import { generateKeyPair, keyPairFromSeed, type KeyPair } from '../crypto.js'
import type { GroupRef } from '../merge/replay.js'
import { randomBytes } from 'node:crypto'

/** Default data directory of a profile: `~/.hypergas/<profile>`. */
export function defaultDir (profile = 'default'): string {
  return path.join(os.homedir(), '.hypergas', profile)
}

/** Paths inside a data directory. */
export function paths (dir: string): { identity: string, group: string, token: string, running: string, forks: string, feeds: string, checkpoint: string, corestore: string, restoring: string } {
  return {
    restoring: path.join(dir, 'restoring.json'),
    identity: path.join(dir, 'identity.json'),
    group: path.join(dir, 'group.json'),
    token: path.join(dir, 'token'),
    running: path.join(dir, 'node.json'),
    forks: path.join(dir, 'forks.json'),
    feeds: path.join(dir, 'feeds.json'),
    checkpoint: path.join(dir, 'checkpoint'),
    corestore: path.join(dir, 'corestore')
  }
}

/** Writes `file` (mode 0600) through a temporary file and a rename: readers never see half of it. */
export function writePrivate (file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, data, { mode: 0o600 })
  fs.renameSync(tmp, file)
}

function readJson (file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw HypergasError.DATA_DIR(`cannot read ${file}: ${(err as Error).message}`)
  }
}

/**
 * Loads this device's identity, creating it (mode 0600) when `create` is true and none exists.
 * @throws HypergasError DATA_DIR when missing and not created, or unreadable
 */
export function loadIdentity (dir: string, create: boolean): KeyPair {
  const file = paths(dir).identity
  const raw = readJson(file) as { seed?: string } | null
  if (raw === null) {
    if (!create) throw HypergasError.DATA_DIR(`no identity in ${dir}: run "hypergas init" or "hypergas join" first`)
    const kp = generateKeyPair()
    writePrivate(file, JSON.stringify({ publicKey: hex(kp.publicKey), seed: hex(kp.seed) }, null, 2) + '\n')
    return kp
  }
  if (typeof raw.seed !== 'string' || !/^[0-9a-f]{64}$/.test(raw.seed)) throw HypergasError.DATA_DIR(`bad identity file ${file}`)
  return keyPairFromSeed(Buffer.from(raw.seed, 'hex'))
}

/** The group this data directory follows, or null before init/join. */
export function loadGroup (dir: string): GroupRef | null {
  const raw = readJson(paths(dir).group) as { groupId?: string, founder?: string } | null
  if (raw === null) return null
  return { groupId: toActId(raw.groupId), founder: toMemberId(raw.founder) }
}

/** Records the group this data directory follows. */
export function saveGroup (dir: string, g: GroupRef): void {
  writePrivate(paths(dir).group, JSON.stringify(g, null, 2) + '\n')
}

/** The node's HTTP token (created on first use, mode 0600). */
export function loadToken (dir: string): string {
  const file = paths(dir).token
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    const t = randomBytes(32).toString('hex')
    writePrivate(file, t + '\n')
    return t
  }
}

/** Where a running node listens (written by `start`, removed on exit). */
export interface RunningInfo { pid: number, host: string, port: number }

/** Records the running node's address. */
export function saveRunning (dir: string, info: RunningInfo): void {
  writePrivate(paths(dir).running, JSON.stringify(info) + '\n')
}

/** The running node's address, or null when none is recorded or its process is gone. */
export function loadRunning (dir: string): RunningInfo | null {
  const raw = readJson(paths(dir).running) as RunningInfo | null
  if (raw === null || typeof raw.pid !== 'number') return null
  try {
    process.kill(raw.pid, 0)
  } catch {
    return null
  }
  return raw
}

/** Removes the running-node record. */
export function clearRunning (dir: string): void {
  fs.rmSync(paths(dir).running, { force: true })
}

/**
 * Evidence of a fork (SPEC §5): two different signed trees of one writer's feed at one length.
 * Signatures are hex; `local` is what this node held, `remote` what a peer proved.
 */
export interface ForkReport {
  feed: MemberId
  /** Length at which the two signed trees differ. */
  length: number
  /** Blocks of the feed this node holds and keeps using (it reads no further). */
  held: number
  local: { length: number, signature: string | null }
  remote: { length: number, signature: string | null }
  /** ISO time the node detected it (display only). */
  detectedAt: string
}

/** Fork reports kept in the data directory (they survive restarts). */
export function loadForks (dir: string): ForkReport[] {
  return (readJson(paths(dir).forks) as ForkReport[] | null) ?? []
}

/** Saves the fork reports. */
export function saveForks (dir: string, forks: ForkReport[]): void {
  writePrivate(paths(dir).forks, JSON.stringify(forks, null, 2) + '\n')
}

/** The writer feeds this node follows (opened first on the next start, so one replay suffices). */
export function loadFeeds (dir: string): MemberId[] {
  return (readJson(paths(dir).feeds) as MemberId[] | null) ?? []
}

/** Saves the followed writer feeds. */
export function saveFeeds (dir: string, feeds: MemberId[]): void {
  writePrivate(paths(dir).feeds, JSON.stringify(feeds) + '\n')
}
