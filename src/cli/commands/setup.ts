/**
 * Set-up commands (SPEC §7): `init`, `join`, `invite`, `keygen`, `backup`, `restore`, and `dht`
 * (a bootstrap node for groups that cannot use the public DHT). Registered on import.
 */
import fs from 'node:fs'
import { generateKeyPair } from '../../crypto.js'
import { HypergasError } from '../../errors.js'
import { hex } from '../../ids.js'
import { checkBackupTarget, checkRestoreTarget, collectBackup, decryptBackup, encryptBackup, readBackupFile, restoreInto, writeBackupFile } from '../../node/storage/backup.js'
import { decodeInvite, encodeInvite } from '../../api/invite.js'
import { GasNode } from '../../node/node.js'
import { lanAddress } from '../../node/network/lan.js'
import { parsePort } from '../../node/network/address.js'
import { resolveDir } from '../connect.js'
import { t } from '../i18n.js'
import { readPassphrase } from '../passphrase.js'
import { globals, print, program, withApi } from '../program.js'

program.command('init')
  .description('create a group with this device as founder (referente and cassiere); prints the invite')
  .requiredOption('--name <group>', 'name of the group')
  .requiredOption('--founder <name>', "the founder's member name")
  .action(async (o: { name: string, founder: string }) => {
    const node = await GasNode.open({ dir: resolveDir(globals()), createIdentity: true })
    try {
      const g = await node.createGroup(o.name, o.founder)
      print({ groupId: g.groupId, memberId: node.id, invite: encodeInvite(g) }, () =>
        `group "${o.name}" created\nmember id ${node.id}\ninvite    ${encodeInvite(g)}`)
    } finally { await node.close() }
  })

program.command('join')
  .description('create an identity on this device and follow a group; prints the member id to elect')
  .argument('<invite>', 'the invite printed by "hypergas init" or "hypergas invite"')
  .action(async (invite: string) => {
    const { group: g, feeds } = decodeInvite(invite)
    const node = await GasNode.open({ dir: resolveDir(globals()), createIdentity: true })
    try {
      await node.joinGroup(g, feeds)
      print({ groupId: g.groupId, memberId: node.id }, () =>
        `following group ${g.groupId.slice(0, 8)}\nmember id ${node.id}\nAsk an admin to run: hypergas member add <your name> ${node.id}`)
    } finally { await node.close() }
  })

program.command('invite')
  .description('print the invite of this node\'s group')
  .action(async () => {
    const { invite } = await withApi((api) => api.status())
    print({ invite }, () => invite)
  })

program.command('keygen')
  .description('make a key pair for a member without a node (keep the file private)')
  .option('--out <file>', 'write the key pair to this file (mode 0600) instead of printing the secret')
  .action((o: { out?: string }) => {
    const kp = generateKeyPair()
    const data = { publicKey: hex(kp.publicKey), seed: hex(kp.seed) }
    if (o.out !== undefined) {
      fs.writeFileSync(o.out, JSON.stringify(data, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
      print({ publicKey: data.publicKey, file: o.out }, () => `member id ${data.publicKey}\nkey written to ${o.out}`)
    } else {
      print(data, () => `member id ${data.publicKey}\nsecret    ${data.seed}`)
    }
  })

program.command('backup')
  .description(t('d_backup'))
  .argument('<file>', t('h_backupFile'))
  .option('--force', t('h_force'))
  .addHelpText('after', t('backupHelp'))
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
  .description(t('d_restore'))
  .argument('<file>', t('h_restoreFile'))
  .addHelpText('after', t('restoreHelp'))
  .action(async (file: string) => {
    const g = globals()
    const dir = resolveDir(g)
    checkRestoreTarget(dir)
    const bytes = readBackupFile(file)
    const contents = decryptBackup(bytes, await readPassphrase(false))
    restoreInto(dir, contents)
    const r = { dir, memberId: contents.identity.publicKey, groupId: contents.group.groupId, backupCreatedAt: contents.createdAt, restoring: true }
    const dirArg = g.dir !== undefined ? `--dir ${g.dir} ` : g.profile !== undefined && g.profile !== 'default' ? `--profile ${g.profile} ` : ''
    print(r, () => t('restoreDone', { id: r.memberId.slice(0, 8), group: r.groupId.slice(0, 8), dir, created: r.backupCreatedAt, dirArg }))
  })

program.command('dht')
  .description('run a DHT bootstrap node for groups whose laptops cannot use the public DHT; the admins then start with --bootstrap <the address it prints>')
  .option('--host <address>', 'address to listen on', '0.0.0.0')
  .option('--port <port>', 'UDP port', '49737')
  .action(async (o: { host: string, port: string }) => {
    const port = parsePort(o.port, '--port')
    const reach = o.host === '0.0.0.0' ? lanAddress() ?? '127.0.0.1' : o.host
    const { default: HyperDHT } = await import('hyperdht')
    const node = HyperDHT.bootstrapper(port, reach, { host: o.host })
    try {
      await node.ready()
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new HypergasError('PORT_IN_USE', `UDP port ${port} is in use: choose another with --port`)
      throw err
    }
    print({ bootstrap: `${reach}:${port}` }, () => `DHT bootstrap node at ${reach}:${port}\non each admin's laptop: hypergas start --bootstrap ${reach}:${port}`)
    const stop = (): void => { void node.destroy().then(() => process.exit(0)) }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
