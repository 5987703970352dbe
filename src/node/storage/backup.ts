/**
 * Backups of an admin's data directory (SPEC §3 "Backup and a new laptop"): what cannot be
 * downloaded again — the identity (Ed25519 seed), the group, the HTTP token, the writer feeds
 * followed and the fork evidence — encrypted with a passphrase. Never the Corestore: Hypercore
 * refuses a copied store (its device file), and a restored copy of a writer's store would fork
 * its feed; the feeds are downloaded again from the peers (src/node/storage/restore.ts).
 *
 * File format, version 1 (all integers big-endian; docs/decisions.md):
 *
 *   offset  bytes  field
 *   0       16     magic "hypergas-backup\n"
 *   16      1      version = 1
 *   17      1      KDF = 1 (Argon2id v1.3, libsodium crypto_pwhash)
 *   18      4      opslimit (passes)
 *   22      4      memlimit (bytes)
 *   26      16     salt
 *   42      24     nonce (XChaCha20-Poly1305-IETF)
 *   66      n+16   ciphertext of the contents (UTF-8 JSON, {@link BackupContents}) and its tag;
 *                  bytes 0..65 are its associated data, so no header byte can be changed unseen
 *   82+n    32     BLAKE2b-256 of every byte before it: tells a damaged file from a wrong passphrase
 *
 * The key is Argon2id(passphrase as UTF-8 NFC, salt, opslimit, memlimit), 32 bytes.
 */
import fs from 'node:fs'
import path from 'node:path'
import sodium from 'sodium-native'
import { keyPairFromSeed } from '../../crypto.js'
import { HypergasError } from '../../errors.js'
import { hex, isHexId, toActId, toMemberId, type MemberId } from '../../ids.js'
import type { GroupRef } from '../../merge/replay.js'
import { loadFeeds, loadForks, loadGroup, loadIdentity, paths, saveFeeds, saveForks, saveGroup, writePrivate, type ForkReport } from './datadir.js'
import { markRestoring } from './restore.js'

/** The first 16 bytes of every backup file. */
export const BACKUP_MAGIC = Buffer.from('hypergas-backup\n', 'ascii')
/** Format version written by this build (the only one it reads). */
export const BACKUP_VERSION = 1
/** KDF id of Argon2id v1.3 in the header. */
export const KDF_ARGON2ID13 = 1

/** Argon2id cost: passes over memory, and memory in bytes. */
export interface KdfParams {
  opslimit: number
  memlimit: number
}

/**
 * The cost backups are written with: 3 passes over 64 MiB (libsodium's MODERATE opslimit with its
 * INTERACTIVE memlimit): about 0.1 s on a 2-core laptop, 64 MiB of memory per guess for an attacker.
 */
export const BACKUP_KDF: Readonly<KdfParams> = { opslimit: 3, memlimit: 64 * 1024 * 1024 }
/** Largest cost a backup file may ask for when read (a hostile file must not exhaust the machine). */
export const MAX_KDF: Readonly<KdfParams> = { opslimit: 16, memlimit: 1024 * 1024 * 1024 }
/** Shortest passphrase accepted for a new backup, in characters. */
export const MIN_PASSPHRASE_CHARS = 8
/** Largest backup file read, bytes (a backup is a few kB; fork evidence adds little). */
export const MAX_BACKUP_BYTES = 1 << 20

const SALT = 16
const NONCE = 24
const TAG = 16
const SUM = 32
const HEADER = BACKUP_MAGIC.length + 1 + 1 + 4 + 4 + SALT + NONCE

/** Cases of BAD_BACKUP (the `variant` of its details). */
export type BadBackupVariant = 'not-backup' | 'damaged' | 'version' | 'kdf' | 'contents'

/** A BAD_BACKUP error of one case. */
function badBackup (variant: BadBackupVariant, message: string): HypergasError {
  return new HypergasError('BAD_BACKUP', message, { variant })
}

/** What a backup holds (encrypted): everything of a data directory that no peer can send again. */
export interface BackupContents {
  /** Version of this structure (1). */
  v: 1
  /** When the backup was made, ISO 8601 (display only). */
  createdAt: string
  /** The admin's identity: Ed25519 public key and seed, lowercase hex (64 chars each). */
  identity: { publicKey: MemberId, seed: string }
  /** The group the data directory follows. */
  group: GroupRef
  /** The node's HTTP token (`token` file), so devices logged in with it keep working; null if none. */
  token: string | null
  /** Writer feeds followed (`feeds.json`): opened at once on the new laptop. */
  feeds: MemberId[]
  /** Fork evidence (`forks.json`): a frozen writer stays frozen on the new laptop. */
  forks: ForkReport[]
}

/** Passphrase bytes: UTF-8 of its NFC form, so one passphrase typed anywhere gives one key. */
function passBytes (passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8')
}

function deriveKey (passphrase: string, salt: Buffer, kdf: KdfParams): Buffer {
  const key = Buffer.alloc(sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
  const pw = passBytes(passphrase)
  sodium.crypto_pwhash(key, pw, salt, kdf.opslimit, kdf.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13)
  sodium.sodium_memzero(pw)
  return key
}

function checksum (bytes: Buffer): Buffer {
  const out = Buffer.alloc(SUM)
  sodium.crypto_generichash(out, bytes)
  return out
}

/**
 * Encrypts `contents` with `passphrase` into the bytes of a backup file (format above), with a
 * fresh random salt and nonce.
 * @throws HypergasError WEAK_PASSPHRASE when shorter than {@link MIN_PASSPHRASE_CHARS} characters
 */
export function encryptBackup (contents: BackupContents, passphrase: string, kdf: KdfParams = BACKUP_KDF): Buffer {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_CHARS) throw new HypergasError('WEAK_PASSPHRASE', `a backup passphrase has at least ${MIN_PASSPHRASE_CHARS} characters`)
  const header = Buffer.alloc(HEADER)
  BACKUP_MAGIC.copy(header, 0)
  let o = BACKUP_MAGIC.length
  header[o++] = BACKUP_VERSION
  header[o++] = KDF_ARGON2ID13
  header.writeUInt32BE(kdf.opslimit, o); o += 4
  header.writeUInt32BE(kdf.memlimit, o); o += 4
  const salt = header.subarray(o, o + SALT); o += SALT
  const nonce = header.subarray(o, o + NONCE)
  sodium.randombytes_buf(salt)
  sodium.randombytes_buf(nonce)
  const key = deriveKey(passphrase, salt, kdf)
  const plain = Buffer.from(JSON.stringify(contents), 'utf8')
  const cipher = Buffer.alloc(plain.length + TAG)
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(cipher, plain, header, null, nonce, key)
  sodium.sodium_memzero(key)
  sodium.sodium_memzero(plain)
  const body = Buffer.concat([header, cipher])
  return Buffer.concat([body, checksum(body)])
}

/**
 * Decrypts the bytes of a backup file and checks what it holds.
 * @throws HypergasError BAD_BACKUP (not a backup, damaged, another version, a cost out of
 *   bounds, malformed contents), BAD_PASSPHRASE (the file is intact and the passphrase is wrong)
 */
export function decryptBackup (bytes: Buffer, passphrase: string): BackupContents {
  if (bytes.length < HEADER + TAG + SUM || !bytes.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) throw badBackup('not-backup', 'not a hypergas backup file')
  const body = bytes.subarray(0, bytes.length - SUM)
  if (!checksum(body).equals(bytes.subarray(bytes.length - SUM))) throw badBackup('damaged', 'the backup file is damaged (its checksum does not match): use another copy')
  let o = BACKUP_MAGIC.length
  const version = body[o++]
  if (version !== BACKUP_VERSION) throw badBackup('version', `backup format version ${version}: this hypergas reads version ${BACKUP_VERSION}`)
  const kdfId = body[o++]
  const kdf = { opslimit: body.readUInt32BE(o), memlimit: body.readUInt32BE(o + 4) }
  o += 8
  if (kdfId !== KDF_ARGON2ID13 || kdf.opslimit < sodium.crypto_pwhash_OPSLIMIT_MIN || kdf.opslimit > MAX_KDF.opslimit ||
    kdf.memlimit < sodium.crypto_pwhash_MEMLIMIT_MIN || kdf.memlimit > MAX_KDF.memlimit) {
    throw badBackup('kdf', `unsupported key derivation (id ${kdfId}, ${kdf.opslimit} passes, ${kdf.memlimit} bytes)`)
  }
  const salt = body.subarray(o, o + SALT); o += SALT
  const nonce = body.subarray(o, o + NONCE)
  const key = deriveKey(passphrase, salt, kdf)
  const cipher = body.subarray(HEADER)
  const plain = Buffer.alloc(cipher.length - TAG)
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(plain, null, cipher, body.subarray(0, HEADER), nonce, key)
  } catch {
    throw new HypergasError('BAD_PASSPHRASE', 'wrong passphrase for this backup')
  } finally {
    sodium.sodium_memzero(key)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(plain.toString('utf8'))
  } catch {
    throw badBackup('contents', 'the backup decrypts but does not hold hypergas data')
  } finally {
    sodium.sodium_memzero(plain)
  }
  return checkContents(parsed)
}


/** Checks decrypted contents field by field. @throws HypergasError BAD_BACKUP */
function checkContents (x: unknown): BackupContents {
  const bad = (what: string): HypergasError => badBackup('contents', `the backup's ${what} is malformed`)
  if (typeof x !== 'object' || x === null) throw bad('contents')
  const c = x as Partial<Record<keyof BackupContents, unknown>>
  if (c.v !== 1) throw bad('version')
  const id = c.identity as { publicKey?: unknown, seed?: unknown } | undefined
  if (typeof id !== 'object' || id === null || !isHexId(id.seed) || typeof id.publicKey !== 'string') throw bad('identity')
  if (hex(keyPairFromSeed(Buffer.from(id.seed, 'hex')).publicKey) !== id.publicKey) throw bad('identity (key and seed differ)')
  const g = c.group as { groupId?: unknown, founder?: unknown } | undefined
  if (typeof g !== 'object' || g === null || typeof g.groupId !== 'string' || typeof g.founder !== 'string') throw bad('group')
  let group: GroupRef
  try {
    group = { groupId: toActId(g.groupId), founder: toMemberId(g.founder) }
  } catch {
    throw bad('group')
  }
  if (c.token !== null && (typeof c.token !== 'string' || !/^[0-9a-f]{16,128}$/.test(c.token))) throw bad('token')
  if (!Array.isArray(c.feeds) || !c.feeds.every(isHexId)) throw bad('feed list')
  if (!Array.isArray(c.forks) || !c.forks.every((f: Partial<ForkReport> | null) => typeof f === 'object' && f !== null && isHexId(f.feed) && Number.isSafeInteger(f.held) && Number.isSafeInteger(f.length))) throw bad('fork evidence')
  return {
    v: 1,
    createdAt: typeof c.createdAt === 'string' ? c.createdAt : '',
    identity: { publicKey: id.publicKey as MemberId, seed: id.seed },
    group,
    token: c.token as string | null,
    feeds: c.feeds as MemberId[],
    forks: c.forks as ForkReport[]
  }
}

/**
 * What a backup of data directory `dir` holds now (nothing of the store or of the caches).
 * @throws HypergasError DATA_DIR when the directory has no identity or follows no group
 */
export function collectBackup (dir: string, nowMs: number = Date.now()): BackupContents {
  const kp = loadIdentity(dir, false)
  const group = loadGroup(dir)
  if (group === null) throw new HypergasError('DATA_DIR', `${dir} follows no group: nothing to back up yet`, { variant: 'noGroup', input: dir.slice(0, 200) })
  let token: string | null = null
  try { token = fs.readFileSync(paths(dir).token, 'utf8').trim() } catch { /* none yet */ }
  return {
    v: 1,
    createdAt: new Date(nowMs).toISOString(),
    identity: { publicKey: hex(kp.publicKey) as MemberId, seed: hex(kp.seed) },
    group,
    token,
    feeds: loadFeeds(dir),
    forks: loadForks(dir)
  }
}

/**
 * Checks that a backup can be written to `file` (before the passphrase is asked).
 * @throws HypergasError BAD_ARGUMENT when `file` exists and `overwrite` is false (variant
 *   `exists`), or its directory does not exist
 */
export function checkBackupTarget (file: string, overwrite = false): void {
  if (!overwrite && fs.existsSync(file)) throw new HypergasError('BAD_ARGUMENT', `${file} exists: choose another name, or --force to replace it`, { variant: 'exists' })
  const parent = path.dirname(path.resolve(file))
  if (!fs.existsSync(parent)) throw new HypergasError('BAD_ARGUMENT', `no directory ${parent}`, { variant: 'noDirectory', input: parent.slice(0, 200) })
}

/**
 * Writes backup bytes to `file`, mode 0600, through a temporary file and a rename (a crash never
 * leaves half a backup under the name).
 * @throws HypergasError BAD_ARGUMENT as {@link checkBackupTarget}
 */
export function writeBackupFile (file: string, bytes: Buffer, overwrite = false): void {
  checkBackupTarget(file, overwrite)
  const tmp = `${file}.${process.pid}.tmp`
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, bytes)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/**
 * Reads a backup file's bytes.
 * @throws HypergasError NOT_FOUND (no such file), BAD_BACKUP (larger than {@link MAX_BACKUP_BYTES})
 */
export function readBackupFile (file: string): Buffer {
  let st: fs.Stats
  try { st = fs.statSync(file) } catch { throw HypergasError.NOT_FOUND(`no file ${file}`, 'file', file) }
  if (!st.isFile() || st.size > MAX_BACKUP_BYTES) throw badBackup('not-backup', `${file} is not a hypergas backup file`)
  return fs.readFileSync(file)
}

/**
 * Checks that `dir` can receive a restore: it holds no identity and no store (a directory left
 * by a restore that stopped half-way, with its mark and no identity, can be restored again).
 * `variant`: the error's, `occupiedJoin` for `join --key`.
 * @throws HypergasError DATA_DIR (variant `occupied` or `occupiedJoin`)
 */
export function checkRestoreTarget (dir: string, variant: 'occupied' | 'occupiedJoin' = 'occupied'): void {
  const p = paths(dir)
  for (const [file, what] of [[p.identity, 'an identity'], [p.corestore, 'a store']]) {
    if (fs.existsSync(file)) throw new HypergasError('DATA_DIR', `${dir} already holds ${what}: ${variant === 'occupied' ? 'restore' : 'join with the key'} into a new directory (--dir)`, { variant })
  }
}

/**
 * Makes `dir` a fresh data directory with the backup's identity, group and settings, marked
 * "restoring" (src/node/storage/restore.ts): the mark is written first, the identity last, so a crash
 * half-way never leaves an identity that could write before its feed is back. Nothing of a store.
 * @throws HypergasError DATA_DIR when `dir` already holds an identity or a store
 */
export function restoreInto (dir: string, contents: BackupContents, nowMs: number = Date.now()): void {
  checkRestoreTarget(dir)
  const p = paths(dir)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  // A directory that was already there (made by hand, 0755) becomes its user's alone too.
  fs.chmodSync(dir, 0o700)
  fs.rmSync(p.anyAdmin, { force: true }) // (an --any-admin left from an earlier restore here is not this one's)
  markRestoring(dir, { since: new Date(nowMs).toISOString(), memberId: contents.identity.publicKey, backupCreatedAt: contents.createdAt })
  saveGroup(dir, contents.group)
  if (contents.token !== null) writePrivate(p.token, contents.token + '\n')
  if (contents.feeds.length > 0) saveFeeds(dir, contents.feeds)
  if (contents.forks.length > 0) saveForks(dir, contents.forks)
  writePrivate(p.identity, JSON.stringify({ publicKey: contents.identity.publicKey, seed: contents.identity.seed }, null, 2) + '\n')
}
