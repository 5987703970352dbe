/**
 * Read commands (SPEC §7): `status`, `members`, `balance`, `statement`, `purchases`, `log`.
 * `notices`, and `mail` (notices by email). Registered on import.
 */
import { type Command, Option } from 'commander'
import { HypergasError } from '../../errors.js'
import { logCsv, reportCsv, statementCsv } from '../../api/csv.js'
import { readWholeLog } from '../../api/log-view.js'
import { parseDate, parsePeriodEnd } from './orders.js'
import * as fmt from '../format.js'
import { lang, t } from '../i18n.js'
import { globals, helpText, MEMBER, print, program, withApi } from '../program.js'
import { loadMail, saveMail } from '../../api/mail.js'
import { parsePort } from '../../node/network/address.js'
import { resolveDir } from '../connect.js'
import { hex } from '../../ids.js'
import { loadIdentity } from '../../node/storage/datadir.js'

program.command('status').description(helpText('d_status'))
  .action(async () => print(await withApi((api) => api.status()), fmt.status))
program.command('members').description(helpText('d_members'))
  .action(async () => print(await withApi((api) => api.members()), fmt.members))
program.command('balance').description(helpText('d_balance')).argument('<member>', MEMBER())
  .action(async (m: string) => print(await withApi((api) => api.member(m)), fmt.balance))
program.command('statement').description(helpText('d_statement')).argument('[member]', MEMBER())
  .option('--csv', helpText('h_statement_csv'))
  .option('--cash', helpText('h_statement_cash'))
  .action(async (m: string | undefined, o: { csv?: boolean, cash?: boolean }, cmd: Command) => {
    // A member's statement names them; the cash statement is this node's admin's when none is named.
    if (m === undefined && o.cash !== true) cmd.error('missing required argument \'member\'', { code: 'commander.missingArgument' })
    const ref = m ?? hex(loadIdentity(resolveDir(globals()), false).publicKey)
    const member = await withApi((api) => api.member(ref))
    if (o.csv === true) process.stdout.write(statementCsv(o.cash === true ? member.cashMovements ?? [] : member.statement, lang()))
    else print(member, o.cash === true ? fmt.cashStatement : fmt.statement)
  })
program.command('purchases').description(helpText('d_purchases'))
  .action(async () => print(await withApi((api) => api.purchases()), fmt.purchases))
program.command('log').description(helpText('d_log'))
  .option('--offset <n>', helpText('h_log_offset')).option('--limit <n>', helpText('h_log_limit'), '100')
  .action(async (o: { offset?: string, limit: string }) => {
    const [offset, limit] = [o.offset === undefined ? 0 : Number(o.offset), Number(o.limit)]
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new HypergasError('BAD_ARGUMENT', '--offset is a number from 0, --limit from 1 to 1000', { variant: 'paging' })
    // Without --offset, the latest acts: a journal is read from its end.
    print(await withApi(async (api) => o.offset !== undefined ? await api.log(offset, limit) : await api.log(Math.max(0, (await api.log(0, 1)).total - limit), limit)), fmt.log)
  })
program.command('notices').description(helpText('d_notices'))
  .argument('[member]', MEMBER())
  .action(async (m?: string) => print(await withApi((api) => api.notices(m ?? null)), fmt.notices))

/** What an email address looks like: something, `@`, a domain with a dot. */
const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/

const mail = program.command('mail').description(helpText('d_mail'))
mail.command('server').description(helpText('d_mail_server'))
  .requiredOption('--host <host>', helpText('h_mail_server_host')).option('--port <port>', helpText('h_mail_server_port'), '587').requiredOption('--from <address>', helpText('h_mail_server_from'))
  .option('--secure', helpText('h_mail_server_secure')).option('--user <name>', helpText('h_mail_server_user'))
  .action((o: { host: string, port: string, from: string, secure?: boolean, user?: string }) => {
    const dir = resolveDir(globals())
    const port = parsePort(o.port, '--port')
    const pass = process.env.HYPERGAS_SMTP_PASSWORD
    // The sender: one address, or a name and one address (`GAS Rossi <gas@example.org>`).
    if (!EMAIL.test(/^[^<>@,;]*<([^<>]*)>\s*$/.exec(o.from)?.[1] ?? o.from)) throw new HypergasError('BAD_ARGUMENT', `"${o.from}" is not an email address`, { variant: 'email', input: o.from.slice(0, 200) })
    if (o.user !== undefined && (pass === undefined || pass === '')) throw new HypergasError('BAD_ARGUMENT', '--user needs the password in the environment variable HYPERGAS_SMTP_PASSWORD (never on the command line)', { variant: 'smtpPassword' })
    saveMail(dir, { ...loadMail(dir), smtp: { host: o.host, port, secure: o.secure === true, ...(o.user === undefined ? {} : { user: o.user, pass: pass ?? '' }) }, from: o.from })
    print({ host: o.host, port, from: o.from }, () => t('mailSet', { host: o.host, port }))
  })
mail.command('off').description(helpText('d_mail_off'))
  .action(() => { const dir = resolveDir(globals()); saveMail(dir, { ...loadMail(dir), smtp: null, endedSeen: undefined, endedOwed: undefined }); print({ smtp: null }, () => t('mailOff')) })
mail.command('address').description(helpText('d_mail_address'))
  .argument('<member>', MEMBER()).argument('<email>', helpText('h_mail_address_email'))
  .addOption(new Option('--digest-lang <it|en>', helpText('h_mail_address_lang')).choices(['it', 'en']))
  .action(async (m: string, email: string, o: { digestLang?: 'it' | 'en' }) => {
    const dir = resolveDir(globals())
    const member = await withApi((api) => api.member(m))
    const settings = loadMail(dir)
    const languages = settings.languages ?? {}
    if (email === '-') { delete settings.addresses[member.id]; delete languages[member.id] } else if (!EMAIL.test(email)) throw new HypergasError('BAD_ARGUMENT', `"${email}" is not an email address`, { variant: 'email', input: email.slice(0, 200) })
    else settings.addresses[member.id] = email
    // A language given is kept until another is (an address changed keeps it).
    if (email !== '-' && o.digestLang !== undefined) languages[member.id] = o.digestLang
    settings.languages = languages
    saveMail(dir, settings)
    print({ member: member.id, email: email === '-' ? null : email }, () => t(email === '-' ? 'mailAddressRemoved' : 'mailAddressSet', { name: member.name }))
  })
mail.command('send').description(helpText('d_mail_send'))
  .action(async () => {
    const sent = await withApi((api) => api.sendNotices())
    // A refused digest in the user's language, by its variant (as the node's log says it).
    print(sent, () => [t('mailSent', { count: sent.filter((x) => x.refused === undefined).length }), ...sent.flatMap((x) => x.refused === undefined ? [] : [x.refusal === undefined ? x.refused : fmt.refusal('MAIL', x.refused, x.refusal)])].join('\n'))
  })

program.command('report').description(helpText('d_report'))
  .option('--from <date>', helpText('h_report_from')).option('--to <date>', helpText('h_report_to'))
  .option('--csv', helpText('h_report_csv'))
  .action(async (o: { from?: string, to?: string, csv?: boolean }) => {
    const r = await withApi((api) => api.report(o.from === undefined ? null : parseDate(o.from, false), o.to === undefined ? null : parsePeriodEnd(o.to)))
    if (o.csv === true) process.stdout.write(reportCsv(r, lang()))
    else print(r, fmt.report)
  })

program.command('export').description(helpText('d_export'))
  .option('--csv', helpText('h_export_csv'))
  .action(async (o: { csv?: boolean }) => {
    const all = await withApi(async (api) => {
      const log = await readWholeLog(async (offset, limit) => await api.log(offset, limit))
      return { group: (await api.status()).group, members: await api.members(), purchases: await api.purchases(), transfers: await api.transfers(), log }
    })
    if (o.csv === true) process.stdout.write(logCsv(all.log, lang(), fmt.logWhat))
    else console.log(JSON.stringify({ exportedAt: new Date().toISOString(), ...all }, null, 2))
  })

program.command('search').description(helpText('d_search'))
  .argument('<text...>', helpText('h_search_text'))
  .action(async (words: string[]) => print(await withApi((api) => api.search(words.join(' '), true)), fmt.hits))
program.command('matches').description(helpText('d_matches')).argument('<member>', MEMBER())
  .action(async (m: string) => {
    const [list, name] = await withApi(async (api) => [await api.matches(m), (await api.member(m)).name] as const)
    print(list, () => fmt.matches(list, name))
  })
