/**
 * Read commands (SPEC §7): `status`, `members`, `balance`, `statement`, `purchases`, `log`.
 * Registered on import.
 */
import { HypergasError } from '../../errors.js'
import { statementCsv } from '../../api/csv.js'
import * as fmt from '../format.js'
import { lang } from '../i18n.js'
import { MEMBER, print, program, withApi } from '../program.js'

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
