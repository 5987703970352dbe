/**
 * `hypergas`, the command line (SPEC §7). Every command has `--help`; `--json` prints
 * machine-readable output; failures exit non-zero with one line `error CODE: message` (and, with
 * `--json`, that failure as JSON on stdout).
 * The program and what commands share: src/cli/program.ts; the commands: src/cli/commands/.
 */
import { damagedStore, HypergasError, type RefusalDetails } from '../errors.js'
import './commands/setup.js'
import './commands/start.js'
import './commands/acts.js'
import './commands/orders.js'
import './commands/reads.js'
import * as fmt from './format.js'
import { t } from './i18n.js'
import { jsonError, placeholders, program } from './program.js'

// Every file this process creates is its user's alone (SPEC §3: secret keys readable only by
// their owner): the identity's seed also lands in Corestore's own database files, which RocksDB
// creates with the process's umask, 0644 under the usual 022.
process.umask(0o077)

// Hypercore prints a fork it detects with console.log, in its own words and hex; the node reports
// forks itself (`status`: FORK, with the admin's name) in the user's language.
const log = console.log
console.log = (...args: unknown[]): void => { if (!(typeof args[0] === 'string' && args[0].startsWith('[hypercore] '))) log(...args) }

/**
 * One line for any failure, `error CODE: what to do` in the user's language; never a stack trace
 * (set HYPERGAS_DEBUG=1 to see one). Errors of the system get a code of their own. With `--json`
 * the same failure is also printed on stdout as one JSON object, `{"error": {"code", "message",
 * "details"?}}`, for a script that reads stdout. Exits 1.
 */
function fail (err: unknown): never {
  const e = err as (Error & { code?: string }) | null | undefined
  let code: string
  let message: string
  let details: unknown
  if (err instanceof HypergasError) {
    // A usage line's placeholders in the user's language (`<nome>`).
    const d = err.details?.variant === 'usage' && err.details.input !== undefined ? { ...err.details, input: placeholders(err.details.input) } : err.details
    code = err.code
    message = fmt.refusal(err.code, err.reason, d)
    details = err.details
  } else if (e?.code === 'ELOCKED' || /\block(ed)?\b/i.test(String(e?.message))) {
    code = 'DATA_DIR'
    message = 'the data directory is in use by another hypergas process (stop it, or use another --dir)'
  } else if (damagedStore(e?.message)) {
    // RocksDB's own words for a damaged file of the store, met while reading a feed.
    code = 'DATA_DIR'
    details = { variant: 'storeDamaged', detail: String(e?.message).slice(0, 200) }
    message = fmt.refusal(code, String(e?.message), details as RefusalDetails)
  } else if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    code = 'PERMISSION'
    message = String(e.message)
  } else {
    code = 'INTERNAL'
    message = e?.message ?? String(err)
  }
  console.error(`${t('error')} ${code}: ${message}`)
  jsonError(message, code, details)
  if (process.env.HYPERGAS_DEBUG === '1') console.error(e?.stack)
  process.exit(1)
}

// A failure outside the command's own promise (a timer of an open node, an 'error' event nobody
// listens to) is reported the same way, not as Node's stack trace.
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)
program.parseAsync(process.argv).catch(fail)
