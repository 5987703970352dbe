// SPEC §3 "Backup and a new laptop": the encrypted backup file (src/node/storage/backup.ts). Round trip,
// a wrong passphrase (BAD_PASSPHRASE), any damaged byte (BAD_BACKUP, never accepted), a header
// edited with its checksum recomputed (the header is authenticated), mode 0600, and a restore
// into a data directory (marked restoring; refused where an identity or a store is).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sodium from 'sodium-native'
import test from 'brittle'
import { keyPairFromSeed } from '../src/crypto.js'
import { isHypergasError } from '../src/errors.js'
import { hex, type GroupId, type MemberId } from '../src/ids.js'
import { BACKUP_KDF, BACKUP_MAGIC, collectBackup, decryptBackup, encryptBackup, readBackupFile, restoreInto, writeBackupFile, type BackupContents } from '../src/node/storage/backup.js'
import { loadGroup, loadIdentity, paths } from '../src/node/storage/datadir.js'
import { GasNode } from '../src/node/node.js'
import { loadRestoring } from '../src/node/storage/restore.js'

const PASS = 'una frase lunga abbastanza'
const kp = keyPairFromSeed(Buffer.alloc(32, 7))
const contents: BackupContents = {
  v: 1,
  createdAt: '2026-11-30T10:00:00.000Z',
  identity: { publicKey: hex(kp.publicKey) as MemberId, seed: hex(kp.seed) },
  group: { groupId: 'a'.repeat(64) as GroupId, founder: 'b'.repeat(64) as MemberId },
  token: 'c'.repeat(64),
  feeds: ['b'.repeat(64) as MemberId, hex(kp.publicKey) as MemberId],
  forks: []
}

/** The error code `fn` throws, or null. */
function codeOf (fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    return isHypergasError(err) ? err.code : `not a HypergasError: ${String(err)}`
  }
}

/** Recomputes the trailing BLAKE2b-256 (as someone editing the file on purpose would). */
function resum (bytes: Buffer): Buffer {
  const body = bytes.subarray(0, bytes.length - 32)
  const sum = Buffer.alloc(32)
  sodium.crypto_generichash(sum, body)
  return Buffer.concat([body, sum])
}

test('backup: round trip, in well under a second', (t) => {
  const start = Date.now()
  const file = encryptBackup(contents, PASS)
  const ms = Date.now() - start
  t.comment(`Argon2id ${BACKUP_KDF.opslimit} passes over ${BACKUP_KDF.memlimit >> 20} MiB + encryption: ${ms} ms`)
  t.ok(ms < 1500, `encrypting took ${ms} ms`)
  t.ok(file.subarray(0, 16).equals(BACKUP_MAGIC), 'starts with the magic')
  t.is(file.readUInt32BE(18), BACKUP_KDF.opslimit, 'opslimit in the header')
  t.is(file.readUInt32BE(22), BACKUP_KDF.memlimit, 'memlimit in the header')
  t.absent(file.includes(Buffer.from(contents.identity.seed)), 'the seed is not in clear')
  t.absent(file.includes(kp.seed), 'nor its bytes')
  t.alike(decryptBackup(file, PASS), contents, 'decrypts to the same contents')
  t.not(encryptBackup(contents, PASS).toString('hex'), file.toString('hex'), 'a fresh salt and nonce each time')
  t.alike(decryptBackup(encryptBackup(contents, 'caf\u00e9 cr\u00e8me'), 'cafe\u0301 cre\u0300me'), contents, 'the passphrase is taken in NFC (é typed either way)')
})

test('backup: a wrong passphrase is BAD_PASSPHRASE; a short one is refused', (t) => {
  const file = encryptBackup(contents, PASS)
  t.is(codeOf(() => decryptBackup(file, PASS + ' ')), 'BAD_PASSPHRASE')
  t.is(codeOf(() => decryptBackup(file, '')), 'BAD_PASSPHRASE')
  t.is(codeOf(() => encryptBackup(contents, 'seven77')), 'WEAK_PASSPHRASE')
})

test('backup: any flipped byte or a truncation is BAD_BACKUP, never accepted', (t) => {
  const file = encryptBackup(contents, PASS)
  const codes = new Set<string | null>()
  for (let i = 0; i < file.length; i++) {
    const bad = Buffer.from(file)
    bad[i] ^= 0x01
    codes.add(codeOf(() => decryptBackup(bad, PASS)))
  }
  t.alike([...codes], ['BAD_BACKUP'], `each of the ${file.length} bytes flipped: refused as a bad backup`)
  for (const n of [0, 10, 66, 100, file.length - 1]) t.is(codeOf(() => decryptBackup(file.subarray(0, n), PASS)), 'BAD_BACKUP', `truncated to ${n} bytes`)
  t.is(codeOf(() => decryptBackup(Buffer.from('{"seed": "x"}'), PASS)), 'BAD_BACKUP', 'not a backup at all')
})

test('backup: the header is authenticated; a hostile KDF cost is refused before any work', (t) => {
  const file = encryptBackup(contents, PASS)
  for (const [at, what] of [[18, 'opslimit'], [30, 'salt'], [50, 'nonce'], [70, 'ciphertext']] as const) {
    const edited = Buffer.from(file)
    edited[at + 3] ^= 0x01
    t.is(codeOf(() => decryptBackup(resum(edited), PASS)), 'BAD_PASSPHRASE', `${what} edited, checksum recomputed: does not decrypt`)
  }
  const version = Buffer.from(file)
  version[16] = 2
  t.is(codeOf(() => decryptBackup(resum(version), PASS)), 'BAD_BACKUP', 'another format version')
  const huge = Buffer.from(file)
  huge.writeUInt32BE(0xffffffff, 22)
  const start = Date.now()
  t.is(codeOf(() => decryptBackup(resum(huge), PASS)), 'BAD_BACKUP', '4 GiB of memory asked: refused')
  t.ok(Date.now() - start < 500, 'without running the KDF')
})

test('backup: the file is 0600, never replaced unless asked; restore makes a directory marked restoring', async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-backup-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const a = path.join(base, 'a')
  const node = await GasNode.open({ dir: a, createIdentity: true })
  await node.createGroup('Backup', 'Anna')
  await node.close()
  const c = collectBackup(a)
  t.is(c.identity.publicKey, hex(loadIdentity(a, false).publicKey), 'the identity of the directory')
  t.alike(c.group, loadGroup(a), 'its group')
  t.ok(!JSON.stringify(c).includes('corestore'), 'nothing of the store')

  const file = path.join(base, 'laptop.hgbackup')
  const old = process.umask(0)
  try {
    writeBackupFile(file, encryptBackup(c, PASS))
  } finally {
    process.umask(old)
  }
  t.is(fs.statSync(file).mode & 0o777, 0o600, 'mode 0600 even with umask 0')
  t.is(codeOf(() => writeBackupFile(file, Buffer.from('x'))), 'BAD_ARGUMENT', 'an existing file is not replaced')
  writeBackupFile(file, encryptBackup(c, PASS), true)
  t.is(fs.statSync(file).mode & 0o777, 0o600, 'replaced with --force, still 0600')
  t.is(fs.readdirSync(base).filter((f) => f.endsWith('.tmp')).length, 0, 'no temporary file left')

  t.is(codeOf(() => restoreInto(a, decryptBackup(readBackupFile(file), PASS))), 'DATA_DIR', 'refused where an identity is')
  const storeOnly = path.join(base, 'store-only')
  fs.mkdirSync(paths(storeOnly).corestore, { recursive: true })
  t.is(codeOf(() => restoreInto(storeOnly, c)), 'DATA_DIR', 'refused where a store is')

  const b = path.join(base, 'b')
  fs.mkdirSync(b, { mode: 0o755 })
  fs.chmodSync(b, 0o755)
  restoreInto(b, decryptBackup(readBackupFile(file), PASS))
  t.is(fs.statSync(b).mode & 0o777, 0o700, 'a directory made beforehand, open to all, is made its user\'s alone')
  t.is(loadRestoring(b)?.memberId, c.identity.publicKey, 'marked restoring, with the identity')
  t.alike(loadIdentity(b, false).seed, loadIdentity(a, false).seed, 'the same identity')
  t.alike(loadGroup(b), loadGroup(a), 'the same group')
  t.absent(fs.existsSync(paths(b).corestore), 'no store')
  for (const f of ['identity.json', 'group.json', 'restoring.json']) t.is(fs.statSync(path.join(b, f)).mode & 0o777, 0o600, `${f} is 0600`)

  const restored = await GasNode.open({ dir: b })
  const ownHeld = (): number | undefined => restored.syncProgress().feeds.find((f) => f.feed === restored.id)?.local
  try {
    t.is(ownHeld(), 0, 'the restored node has an empty own feed')
    await t.exception(async () => await restored.submit({ type: 'Deposit', member: c.identity.publicKey, cents: 100 }), /RESTORING/, 'and refuses to write: no peer yet')
    t.is(ownHeld(), 0, 'nothing appended')
    t.is(restored.restore?.status?.peerSynced, false, 'it says it waits for a peer')
    t.absent(restored.needsAck(), 'no acknowledgement either')
  } finally {
    await restored.close()
  }
})
