/**
 * Read commands (SPEC §7): `status`, `members`, `balance`, `statement`, `purchases`, `log`.
 * `notices`, and `mail` (notices by email). Registered on import.
 */
import { HypergasError } from '../../errors.js'
import { logCsv, reportCsv, statementCsv } from '../../api/csv.js'
import { parseDate } from './orders.js'
import * as fmt from '../format.js'
import { lang, t } from '../i18n.js'
import { globals, MEMBER, print, program, withApi } from '../program.js'
import { loadMail, saveMail } from '../../api/mail.js'
import { parsePort } from '../../node/network/address.js'
import { resolveDir } from '../connect.js'

program.command('status').description('group, admins and their cash, peers, sync and finality')
  .action(async () => print(await withApi((api) => api.status()), fmt.status))
program.command('members').description('members and their credit')
  .action(async () => print(await withApi((api) => api.members()), fmt.members))
program.command('balance').description("a member's credit, confirmed and pending").argument('<member>', MEMBER())
  .action(async (m: string) => print(await withApi((api) => api.member(m)), fmt.balance))
program.command('statement').description("a member's movements with running balance (--cash: the cash an admin holds)").argument('<member>', MEMBER())
  .option('--csv', 'print the statement as CSV (Italian locale: ";" and decimal commas)')
  .option('--cash', 'the admin\'s own cash movements instead of their credit')
  .action(async (m: string, o: { csv?: boolean, cash?: boolean }) => {
    const member = await withApi((api) => api.member(m))
    if (o.csv === true) process.stdout.write(statementCsv(o.cash === true ? member.cashMovements ?? [] : member.statement, lang()))
    else print(member, o.cash === true ? fmt.cashStatement : fmt.statement)
  })
program.command('purchases').description('all purchases')
  .action(async () => print(await withApi((api) => api.purchases()), fmt.purchases))
program.command('log').description('acts in merged order, with rejections')
  .option('--offset <n>', 'first entry', '0').option('--limit <n>', 'how many', '100')
  .action(async (o: { offset: string, limit: string }) => {
    const [offset, limit] = [Number(o.offset), Number(o.limit)]
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw HypergasError.BAD_ARGUMENT('--offset is a number from 0, --limit from 1 to 1000')
    print(await withApi((api) => api.log(offset, limit)), fmt.log)
  })
program.command('notices').description('reminders and notices: this admin\'s (commitments to decide, deliveries to record) and, with a member, theirs')
  .argument('[member]', MEMBER())
  .action(async (m?: string) => print(await withApi((api) => api.notices(m ?? null)), fmt.notices))

const mail = program.command('mail').description('notices by email (optional, off by default): the SMTP server, members\' addresses (kept only on this node), sending now')
mail.command('server').description('set the SMTP server this node sends notices through (the password, if any, from HYPERGAS_SMTP_PASSWORD)')
  .requiredOption('--host <host>', 'SMTP server').option('--port <port>', 'SMTP port', '587').requiredOption('--from <address>', 'sender address')
  .option('--secure', 'TLS from the start (port 465)').option('--user <name>', 'SMTP login')
  .action((o: { host: string, port: string, from: string, secure?: boolean, user?: string }) => {
    const dir = resolveDir(globals())
    const port = parsePort(o.port, '--port')
    const pass = process.env.HYPERGAS_SMTP_PASSWORD
    saveMail(dir, { ...loadMail(dir), smtp: { host: o.host, port, secure: o.secure === true, ...(o.user === undefined ? {} : { user: o.user, pass: pass ?? '' }) }, from: o.from })
    print({ host: o.host, port, from: o.from }, () => t('mailSet', { host: o.host, port }))
  })
mail.command('off').description('stop sending notices by email (the addresses are kept)')
  .action(() => { const dir = resolveDir(globals()); saveMail(dir, { ...loadMail(dir), smtp: null }); print({ smtp: null }, () => t('mailOff')) })
mail.command('address').description('a member\'s email address, kept only in this node\'s settings (never in the replicated log); "-" removes it')
  .argument('<member>', MEMBER()).argument('<email>', 'their address, or - to remove it')
  .action(async (m: string, email: string) => {
    const dir = resolveDir(globals())
    const member = await withApi((api) => api.member(m))
    const settings = loadMail(dir)
    if (email === '-') delete settings.addresses[member.id]
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw HypergasError.BAD_ARGUMENT(`"${email}" is not an email address`)
    else settings.addresses[member.id] = email
    saveMail(dir, settings)
    print({ member: member.id, email: email === '-' ? null : email }, () => t(email === '-' ? 'mailAddressRemoved' : 'mailAddressSet', { name: member.name }))
  })
mail.command('send').description('send each member with an address their notices now')
  .action(async () => {
    const sent = await withApi((api) => api.sendNotices())
    print(sent, () => [t('mailSent', { count: sent.filter((x) => x.refused === undefined).length }), ...sent.flatMap((x) => x.refused === undefined ? [] : [x.refused])].join('\n'))
  })

program.command('report').description('the treasurer\'s accounts of a period: every movement of the group\'s cash, totals by kind and by supplier, cash per admin and credits at the start and the end (confirmed acts only)')
  .option('--from <date>', 'first day (2026-01-01)').option('--to <date>', 'last day (2026-12-31)')
  .option('--csv', 'as CSV (Italian locale: ";" and decimal commas)')
  .action(async (o: { from?: string, to?: string, csv?: boolean }) => {
    const r = await withApi((api) => api.report(o.from === undefined ? null : parseDate(o.from, false), o.to === undefined ? null : parseDate(o.to, true)))
    if (o.csv === true) process.stdout.write(reportCsv(r, lang()))
    else print(r, fmt.report)
  })

program.command('export').description('the whole ledger for archiving: every act in order with its result (JSON, or --csv), members and purchases')
  .option('--csv', 'the ordered log as CSV (one row per act)')
  .action(async (o: { csv?: boolean }) => {
    const all = await withApi(async (api) => {
      const entries = []
      for (let offset = 0; ; offset += 1000) {
        const page = await api.log(offset, 1000)
        entries.push(...page.entries)
        if (page.entries.length < 1000 || entries.length >= page.total) break
      }
      return { group: (await api.status()).group, members: await api.members(), purchases: await api.purchases(), transfers: await api.transfers(), log: entries }
    })
    if (o.csv === true) process.stdout.write(logCsv(all.log, lang()))
    else console.log(JSON.stringify({ exportedAt: new Date().toISOString(), ...all }, null, 2))
  })

program.command('search').description('find suppliers, products of open purchases, and members\' offers and wants (exact, wildcard like veg* or *tables, or fuzzy)')
  .argument('<text...>', 'what to look for')
  .action(async (words: string[]) => print(await withApi((api) => api.search(words.join(' '), true)), fmt.hits))
program.command('matches').description('a member\'s matches: others\' offers for their wants, others\' wants for their offers').argument('<member>', MEMBER())
  .action(async (m: string) => print(await withApi((api) => api.matches(m)), fmt.matches))
