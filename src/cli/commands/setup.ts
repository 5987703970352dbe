/**
 * Set-up commands (SPEC §7): `init`, `join`, `invite`, `keygen`, `backup`, `restore`, and `dht`
 * (a bootstrap node for groups that cannot use the public DHT). Registered on import.
 */
import fs from 'node:fs'
import path from 'node:path'
import { generateKeyPair } from '../../crypto.js'
import { HypergasError } from '../../errors.js'
import { hex, type MemberId } from '../../ids.js'
import { checkBackupTarget, checkRestoreTarget, collectBackup, decryptBackup, encryptBackup, readBackupFile, restoreInto, writeBackupFile } from '../../node/storage/backup.js'
import { decodeInvite, encodeInvite } from '../../api/invite.js'
import { GasNode } from '../../node/node.js'
import { addFeeds, loadGroup, loadIdentity, paths } from '../../node/storage/datadir.js'
import { lanAddress } from '../../node/network/lan.js'
import { parsePort } from '../../node/network/address.js'
import { resolveDir } from '../connect.js'
import { t } from '../i18n.js'
import { localTime } from '../../local-time.js'
import { readPassphrase } from '../passphrase.js'
import { markAnyAdmin } from '../../node/storage/restore.js'
import { globals, helpText, print, program, withApi } from '../program.js'
import { readKeyFile } from '../key-file.js'
import type { GroupRef } from '../../merge/replay-types.js'

/**
 * Refuses `init` (or `join` of a group other than `groupId`) in a data directory that already
 * belongs to a group, before its lock is asked for: with its node running the answer is still that
 * the directory is taken by a group, not to try again later.
 * @throws HypergasError DATA_DIR (variant `hasGroup`), as GasNode.createGroup and joinGroup
 */
function refuseOtherGroup (dir: string, groupId?: string): void {
  const g = loadGroup(dir)
  if (g !== null && g.groupId !== groupId) throw new HypergasError('DATA_DIR', `${dir} already belongs to a group`, { variant: 'hasGroup', input: dir.slice(0, 200) })
}

program.command('init')
  .description(helpText('d_init'))
  .requiredOption('--name <group>', helpText('h_init_name'))
  .requiredOption('--founder <name>', helpText('h_init_founder'))
  .action(async (o: { name: string, founder: string }) => {
    refuseOtherGroup(resolveDir(globals()))
    const node = await GasNode.open({ dir: resolveDir(globals()), createIdentity: true, oneShot: true })
    try {
      const g = await node.createGroup(o.name, o.founder)
      print({ groupId: g.groupId, memberId: node.id, invite: encodeInvite(g) }, () =>
        t('groupCreated', { name: o.name, id: node.id, invite: encodeInvite(g) }))
    } finally { await node.close() }
  })

program.command('join')
  .description(helpText('d_join'))
  .argument('<invite>', helpText('h_join_invite'))
  .option('--key <file>', helpText('h_join_key'))
  .action(async (invite: string, o: { key?: string }) => {
    const { group: g, feeds } = decodeInvite(invite)
    const dir = resolveDir(globals())
    refuseOtherGroup(dir, g.groupId)
    if (o.key !== undefined) return joinWithKey(dir, g, feeds, o.key)
    // Joined already (the node may be running, holding the directory): its identity, as joining said.
    if (loadGroup(dir)?.groupId === g.groupId && fs.existsSync(paths(dir).identity)) {
      const id = hex(loadIdentity(dir, false).publicKey)
      // A newer invite, from another admin's node: its admins are followed too, and so replicate with this node.
      const added = addFeeds(dir, feeds)
      return print({ groupId: g.groupId, memberId: id, already: true, feedsAdded: added.length }, () => t('alreadyJoined', { group: g.groupId.slice(0, 8), id }) + (added.length > 0 ? '\n' + t('joinedMore', { count: added.length }) : ''))
    }
    const node = await GasNode.open({ dir, createIdentity: true, oneShot: true })
    try {
      await node.joinGroup(g, feeds)
      print({ groupId: g.groupId, memberId: node.id }, () =>
        t('joined', { group: g.groupId.slice(0, 8), id: node.id }))
    } finally { await node.close() }
  })

/**
 * `join <invite> --key <file>`: a node for an identity made by `keygen` (a member elected admin
 * who has no node yet, SPEC §5 never stuck: their node's acknowledgements resume confirmation).
 * The identity may have written elsewhere, so the directory is made as a restore is, marked
 * "restoring" (src/node/storage/restore.ts): the node writes nothing until the other admins'
 * nodes show what that identity already wrote.
 * @throws HypergasError DATA_DIR (variant `occupiedJoin`: `dir` holds an identity or a store), BAD_KEY / BAD_ARGUMENT (the key file)
 */
function joinWithKey (dir: string, g: GroupRef, feeds: MemberId[], file: string): void {
  const kp = readKeyFile(file)
  checkRestoreTarget(dir, 'occupiedJoin')
  const id = hex(kp.publicKey) as MemberId
  restoreInto(dir, { v: 1, createdAt: new Date().toISOString(), identity: { publicKey: id, seed: hex(kp.seed) }, group: g, token: null, feeds, forks: [] })
  print({ groupId: g.groupId, memberId: id, dir, restoring: true }, () => t('joinedWithKey', { id, group: g.groupId.slice(0, 8), dir }))
}

program.command('invite')
  .description(helpText('d_invite'))
  .action(async () => {
    const { invite } = await withApi((api) => api.status())
    print({ invite }, () => invite)
  })

program.command('keygen')
  .description(helpText('d_keygen'))
  .option('--out <file>', helpText('h_keygen_out'))
  .action((o: { out?: string }) => {
    const kp = generateKeyPair()
    const data = { publicKey: hex(kp.publicKey), seed: hex(kp.seed) }
    if (o.out !== undefined) {
      // Never over a file: it may be another member's key, the only copy.
      try { fs.writeFileSync(o.out, JSON.stringify(data, null, 2) + '\n', { mode: 0o600, flag: 'wx' }) } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EEXIST') throw new HypergasError('BAD_ARGUMENT', `${o.out} exists: choose another name (a key file is never replaced)`, { variant: 'keyExists', input: o.out.slice(0, 200) })
        if (code === 'ENOENT') throw new HypergasError('BAD_ARGUMENT', `no directory for ${o.out}`, { variant: 'noDirectory', input: path.dirname(o.out).slice(0, 200) })
        throw err
      }
      print({ publicKey: data.publicKey, file: o.out }, () => t('keyWritten', { id: data.publicKey, file: o.out }))
    } else {
      print(data, () => t('keyShown', { id: data.publicKey, seed: data.seed }))
    }
  })

program.command('backup')
  .description(helpText('d_backup'))
  .argument('<file>', helpText('h_backup_file'))
  .option('--force', helpText('h_backup_force'))
  .addHelpText('after', helpText('after_backup'))
  .action(async (file: string, o: { force?: boolean }) => {
    const dir = resolveDir(globals())
    const contents = collectBackup(dir)
    checkBackupTarget(file, o.force === true)
    const bytes = encryptBackup(contents, await readPassphrase(true))
    writeBackupFile(file, bytes, o.force === true)
    const r = { file, bytes: bytes.length, memberId: contents.identity.publicKey, groupId: contents.group.groupId, createdAt: contents.createdAt }
    print(r, () => t('backupDone', { id: r.memberId.slice(0, 8), group: r.groupId.slice(0, 8), file }))
  })

program.command('restore')
  .description(helpText('d_restore'))
  .argument('[file]', helpText('h_restore_file'))
  .option('--any-admin', helpText('h_restore_any-admin'))
  .addHelpText('after', helpText('after_restore'))
  .action(async (file: string | undefined, o: { anyAdmin?: boolean }) => {
    const g = globals()
    const dir = resolveDir(g)
    if (file === undefined) {
      // On a directory already restoring: from now on the restore does not wait for the other admins' nodes.
      if (o.anyAdmin !== true) throw new HypergasError('BAD_ARGUMENT', 'name the backup file: hypergas restore <file>', { variant: 'noBackupFile' })
      const mark = markAnyAdmin(dir)
      print({ dir, memberId: mark.memberId, restoring: true, anyAdmin: true }, () => t('restoreAnyAdmin'))
      return
    }
    checkRestoreTarget(dir)
    const bytes = readBackupFile(file)
    const contents = decryptBackup(bytes, await readPassphrase(false))
    restoreInto(dir, contents)
    if (o.anyAdmin === true) markAnyAdmin(dir)
    const r = { dir, memberId: contents.identity.publicKey, groupId: contents.group.groupId, backupCreatedAt: contents.createdAt, restoring: true, anyAdmin: o.anyAdmin === true }
    print(r, () => t('restoreDone', { id: r.memberId.slice(0, 8), group: r.groupId.slice(0, 8), dir, created: shownTime(r.backupCreatedAt) }))
  })

/** An ISO instant (a backup's creation) as the CLI shows times, local; the text itself when it is not one. */
const shownTime = (iso: string): string => { const ms = Date.parse(iso); return Number.isNaN(ms) ? iso : localTime(ms) }

program.command('dht')
  .description(helpText('d_dht'))
  .option('--host <address>', helpText('h_dht_host'), '0.0.0.0')
  .option('--port <port>', helpText('h_dht_port'), '49737')
  .action(async (o: { host: string, port: string }) => {
    const port = parsePort(o.port, '--port')
    const reach = o.host === '0.0.0.0' ? lanAddress() ?? '127.0.0.1' : o.host
    const { default: HyperDHT } = await import('hyperdht')
    const node = HyperDHT.bootstrapper(port, reach, { host: o.host })
    try {
      await node.ready()
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new HypergasError('PORT_IN_USE', `UDP port ${port} is in use: choose another with --port`, { variant: 'udp', input: String(port) })
      throw err
    }
    // On a loopback address only this computer reaches it: not an address to give the others.
    print({ bootstrap: `${reach}:${port}` }, () => t(reach.startsWith('127.') ? 'dhtStartedLocal' : 'dhtStarted', { address: `${reach}:${port}` }))
    const stop = (): void => { void node.destroy().then(() => process.exit(0)) }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
