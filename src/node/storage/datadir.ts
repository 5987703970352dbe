/**
 * The node's data directory (SPEC §6): `identity.json` (the Ed25519 seed, mode 0600), `group.json`
 * (which group this node follows), `token` (HTTP act token, 0600), `node.json` (address of the
 * running node, for the CLI), `feeds.json` (writer feeds followed), `forks.json` (fork evidence),
 * `restoring.json` (present while a restore from a backup waits for the own feed,
 * src/node/storage/restore.ts), the caches `checkpoint` (with its seal, `checkpoint.seal`),
 * `state-hashes` and `verified`, `corestore/`, and `node.lock` (held by the process that has the
 * store open).
 */
import fs from 'node:fs'
import Corestore from 'corestore'
import fsx from 'fs-native-extensions'
import { z } from '../../zod.js'
import os from 'node:os'
import path from 'node:path'
import { HypergasError } from '../../errors.js'
import { hex, toActId, toMemberId, type MemberId } from '../../ids.js'
import { generateKeyPair, keyPairFromSeed, type KeyPair } from '../../crypto.js'
import type { GroupRef } from '../../merge/replay.js'
import { randomBytes } from 'node:crypto'

/** Default data directory of a profile: `~/.hypergas/<profile>`. */
export function defaultDir (profile = 'default'): string {
  return path.join(os.homedir(), '.hypergas', profile)
}

/** Paths inside a data directory. */
export function paths (dir: string): { identity: string, group: string, token: string, running: string, forks: string, feeds: string, checkpoint: string, checkpointSeal: string, stateHashes: string, corestore: string, restoring: string, anyAdmin: string, lock: string } {
  return {
    restoring: path.join(dir, 'restoring.json'),
    anyAdmin: path.join(dir, 'restoring-any-admin'),
    identity: path.join(dir, 'identity.json'),
    group: path.join(dir, 'group.json'),
    token: path.join(dir, 'token'),
    running: path.join(dir, 'node.json'),
    forks: path.join(dir, 'forks.json'),
    feeds: path.join(dir, 'feeds.json'),
    checkpoint: path.join(dir, 'checkpoint'),
    checkpointSeal: path.join(dir, 'checkpoint.seal'),
    stateHashes: path.join(dir, 'state-hashes'),
    corestore: path.join(dir, 'corestore'),
    lock: path.join(dir, 'node.lock')
  }
}

/** Writes `file` (mode 0600) through a temporary file and a rename: readers never see half of it. */
export function writePrivate (file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, data, { mode: 0o600 })
  fs.renameSync(tmp, file)
}

/** The bytes of `file`, or null when it cannot be read (absent, a directory, no permission): a cache file. */
export function readOptional (file: string): Buffer | null {
  try {
    return fs.readFileSync(file)
  } catch {
    return null
  }
}

/**
 * {@link writePrivate} without blocking the event loop (a checkpoint of megabytes): `data`, or
 * its parts one after the other (never joined in memory).
 */
export async function writePrivateAsync (file: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  await fs.promises.writeFile(tmp, data, { mode: 0o600 })
  await fs.promises.rename(tmp, file)
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const identitySchema = z.object({ seed: hex64, publicKey: hex64.optional() })
const groupSchema = z.object({ groupId: hex64, founder: hex64 })
const runningSchema = z.object({ pid: z.number().int().positive(), host: z.string().min(1), port: z.number().int().min(0).max(65535) })
const forkSide = z.object({ length: z.number().int().min(0), signature: z.string().nullable() })
const forksSchema = z.array(z.object({ feed: hex64, length: z.number().int().min(0), held: z.number().int().min(0), local: forkSide, remote: forkSide, proof: z.string().max(1_000_000).optional(), detectedAt: z.string() }))
const feedsSchema = z.array(hex64)

/**
 * Makes the data directory `dir` (and its parents) and leaves it its owner's alone (0700), even
 * when it was made beforehand with the umask's 0755: the store holds the feed's secret key in
 * Hypercore's database (SPEC §3: secret keys readable only by their owner). A directory of
 * someone else's, which cannot be changed, is left as it is.
 * @throws HypergasError DATA_DIR (`notDir`: it or a folder above it is a file; `unreadable`: it cannot be made)
 */
export function ownDataDir (dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new HypergasError('DATA_DIR', `${dir} cannot be a directory: it, or a folder above it, is a file`, { variant: 'notDir', input: dir.slice(0, 200) })
    throw new HypergasError('DATA_DIR', `cannot make the data directory ${dir}: ${code ?? (err as Error).message}`, { variant: 'unreadable', input: dir.slice(0, 200), detail: code ?? (err as Error).message })
  }
  try { fs.chmodSync(dir, 0o700) } catch {}
}

/**
 * A JSON file of the data directory, validated by `schema`; null when it does not exist.
 * @throws HypergasError DATA_DIR when it cannot be read, is not JSON or does not match
 */
function readJson<T> (file: string, schema: z.ZodType<T>): T | null {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    // JSON.parse's message quotes the file's text: one line that says what is wrong instead.
    if (err instanceof SyntaxError) throw new HypergasError('DATA_DIR', `${file} is damaged (not JSON): restore it from a backup or remove it`, { variant: 'damaged', input: file.slice(0, 200) })
    throw new HypergasError('DATA_DIR', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { variant: 'unreadable', input: file.slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message })
  }
  const r = schema.safeParse(raw)
  if (!r.success) throw new HypergasError('DATA_DIR', `${file} is damaged (${r.error.issues[0]?.path.join('.') || 'its shape'}): restore it from a backup or remove it`, { variant: 'damaged', input: file.slice(0, 200) })
  return r.data
}

/**
 * Loads this device's identity, creating it (mode 0600) when `create` is true and none exists.
 * @throws HypergasError DATA_DIR when missing and not created, or unreadable
 */
export function loadIdentity (dir: string, create: boolean): KeyPair {
  const file = paths(dir).identity
  const raw = readJson(file, identitySchema)
  if (raw === null) {
    if (!create) throw new HypergasError('DATA_DIR', `no identity in ${dir}: run "hypergas init" or "hypergas join" first`, { variant: 'noIdentity', input: dir.slice(0, 200) })
    const kp = generateKeyPair()
    writePrivate(file, JSON.stringify({ publicKey: hex(kp.publicKey), seed: hex(kp.seed) }, null, 2) + '\n')
    return kp
  }
  const kp = keyPairFromSeed(Buffer.from(raw.seed, 'hex'))
  // A seed changed by a damaged disk or an edit would silently be another identity (another
  // member id, acts refused as NOT_ADMIN, a backup of the wrong key): the public key written beside it says which.
  if (raw.publicKey !== undefined && raw.publicKey !== hex(kp.publicKey)) throw new HypergasError('DATA_DIR', `${file} is damaged (its seed does not give its public key ${raw.publicKey.slice(0, 8)}): restore it from a backup`, { variant: 'identityDamaged', input: file.slice(0, 200), member: raw.publicKey.slice(0, 8) })
  return kp
}

/**
 * Makes the data directory ({@link ownDataDir}) and loads its identity ({@link loadIdentity}); a
 * directory made here for nothing (a profile typed wrong, with no identity) is not left behind.
 * @throws HypergasError DATA_DIR
 */
export function openIdentity (dir: string, create: boolean): KeyPair {
  const made = !fs.existsSync(dir)
  ownDataDir(dir)
  try {
    return loadIdentity(dir, create)
  } catch (err) {
    if (made) fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** The group this data directory follows, or null before init/join. */
export function loadGroup (dir: string): GroupRef | null {
  const raw = readJson(paths(dir).group, groupSchema)
  if (raw === null) return null
  return { groupId: toActId(raw.groupId), founder: toMemberId(raw.founder) }
}

/** Records the group this data directory follows. */
export function saveGroup (dir: string, g: GroupRef): void {
  writePrivate(paths(dir).group, JSON.stringify(g, null, 2) + '\n')
}

/** The node's HTTP token: hex (64 digits when made here; 16 to 128 as a backup restores one), created on first use (mode 0600), and again when the file holds no token (emptied or damaged: a node with an empty token no CLI could use). */
export function loadToken (dir: string): string {
  const file = paths(dir).token
  try {
    const held = fs.readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f]{16,128}$/.test(held)) return held
  } catch {}
  const t = randomBytes(32).toString('hex')
  writePrivate(file, t + '\n')
  return t
}

/** Where a running node listens (written by `start`, removed on exit). */
export interface RunningInfo { pid: number, host: string, port: number }

/** Records the running node's address. */
export function saveRunning (dir: string, info: RunningInfo): void {
  writePrivate(paths(dir).running, JSON.stringify(info) + '\n')
}

/** The running node's address, or null when none is recorded or its process is gone. */
export function loadRunning (dir: string): RunningInfo | null {
  let raw: RunningInfo | null
  try { raw = readJson(paths(dir).running, runningSchema) } catch { return null } // a torn record: no node known
  if (raw === null) return null
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
  /** The peer's signed tree as Hypercore proved it (src/node/ingest/forks.ts `proofText`), proved again to every peer of the feed; absent for a truncation or a report of an older hypergas. */
  proof?: string
  /** ISO time the node detected it (display only). */
  detectedAt: string
}

/** Fork reports kept in the data directory (they survive restarts). */
export function loadForks (dir: string): ForkReport[] {
  return (readJson(paths(dir).forks, forksSchema) as ForkReport[] | null) ?? [] // (ids checked as hex by the schema)
}

/** Saves the fork reports. */
export function saveForks (dir: string, forks: ForkReport[]): void {
  writePrivate(paths(dir).forks, JSON.stringify(forks, null, 2) + '\n')
}

/** The writer feeds this node follows (opened first on the next start, so one replay suffices). */
export function loadFeeds (dir: string): MemberId[] {
  return (readJson(paths(dir).feeds, feedsSchema) as MemberId[] | null) ?? [] // (hex checked by the schema; branded here)
}

/** Adds `feeds` (an invite's hints) to the followed writer feeds saved in `dir`; answers those that were new. */
export function addFeeds (dir: string, feeds: readonly MemberId[]): MemberId[] {
  const known = loadFeeds(dir)
  const added = [...new Set(feeds)].filter((f) => !known.includes(f))
  if (added.length > 0) saveFeeds(dir, [...known, ...added].sort())
  return added
}

/** How often (ms) a running node looks whether feeds.json changed (a `join` again in another process). */
export const FEEDS_POLL_MS = 2000

/** A stamp of `feeds.json` (its inode and modification time; '' when absent) that changes when any process saves it: a running node follows feeds a `join` again added. */
export function feedsStamp (dir: string): string {
  try { const st = fs.statSync(paths(dir).feeds); return `${st.ino}:${st.mtimeMs}:${st.size}` } catch { return '' }
}

/** Saves the followed writer feeds. */
export function saveFeeds (dir: string, feeds: MemberId[]): void {
  writePrivate(paths(dir).feeds, JSON.stringify(feeds) + '\n')
}

/**
 * Takes the data directory's lock (`node.lock`, an exclusive lock on the open file, which the
 * system drops when the process ends), or answers null when another process (or another open
 * in this one) holds it.
 * @throws HypergasError DATA_DIR (variant `unreadable`) when the file cannot be opened or locked at all
 */
function lockDir (dir: string): (() => void) | null {
  const file = paths(dir).lock
  let fd: number
  try { fd = fs.openSync(file, 'a', 0o600) } catch (err) { throw new HypergasError('DATA_DIR', `cannot open ${file}: ${(err as Error).message}`, { variant: 'unreadable', input: file.slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message }) }
  let locked: boolean
  try { locked = fsx.tryLock(fd) } catch (err) {
    fs.closeSync(fd)
    throw new HypergasError('DATA_DIR', `cannot lock ${file}: ${(err as Error).message}`, { variant: 'unreadable', input: file.slice(0, 200), detail: (err as NodeJS.ErrnoException).code ?? (err as Error).message })
  }
  if (!locked) {
    fs.closeSync(fd)
    return null
  }
  let held = true
  return () => { if (held) { held = false; fs.closeSync(fd) } }
}

/**
 * The Corestore of a data directory, ready, under the directory's lock (released when the store
 * closes). The lock comes first: Hypercore's own (on `corestore/CORESTORE`) is taken only after
 * that file is created, and two processes creating it at once could leave it empty, which
 * Hypercore then refuses for ever as a copied store. An empty `CORESTORE` (such a race lost, or
 * a crash between creating and writing it) recorded no disk or inode, so it proves no copy: it
 * is removed and written again.
 * @throws HypergasError DATA_DIR (variant `busy`) when another process has the directory open,
 *   (`copied`) when the store was copied from elsewhere, (`store`) when it cannot be opened
 */
export async function openStore (dir: string): Promise<Corestore> {
  const release = lockDir(dir)
  if (release === null) throw new HypergasError('DATA_DIR', `another hypergas process has ${dir} open`, { variant: 'busy', input: dir.slice(0, 200) })
  const device = path.join(paths(dir).corestore, 'CORESTORE')
  try { if (fs.statSync(device).size === 0) fs.unlinkSync(device) } catch {}
  const store = new Corestore(paths(dir).corestore)
  store.once('close', release)
  try {
    await store.ready()
  } catch (err) {
    await store.close().catch(() => {})
    release()
    const message = (err as Error).message
    // hypercore-storage refuses a store whose files were copied (or moved to another disk), its
    // device file naming another inode (device-file's error code DEVICE_FILE): two copies of an
    // admin's store could write two branches of its feed (SPEC §3).
    if ((err as { code?: unknown }).code === 'DEVICE_FILE') throw new HypergasError('DATA_DIR', `the store in ${dir} was copied from another folder or disk, and a copy cannot be opened (it could fork this admin's feed): on a new machine use hypergas backup, then hypergas restore (${message})`, { variant: 'copied' })
    throw new HypergasError('DATA_DIR', `cannot open the store in ${dir}: ${message}`, { variant: 'store', input: dir.slice(0, 200), detail: message.slice(0, 200) })
  }
  return store
}
