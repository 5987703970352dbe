/**
 * `hypergas`, the command line (SPEC §7). Every command has `--help`; `--json` prints
 * machine-readable output; failures exit non-zero with one line `error CODE: message`.
 * The program and what commands share: src/cli/program.ts; the commands: src/cli/commands/.
 */
import { HypergasError } from '../errors.js'
import './commands/setup.js'
import './commands/start.js'
import './commands/acts.js'
import './commands/orders.js'
import './commands/reads.js'
import * as fmt from './format.js'
import { t } from './i18n.js'
import { placeholders, program } from './program.js'

// Every file this process creates is its user's alone (SPEC §3: secret keys readable only by
// their owner): the identity's seed also lands in Corestore's own database files, which RocksDB
// creates with the process's umask, 0644 under the usual 022.
process.umask(0o077)

/**
 * One line for any failure, `error CODE: what to do` in the user's language; never a stack trace
 * (set HYPERGAS_DEBUG=1 to see one). Errors of the system get a code of their own. Exits 1.
 */
function fail (err: unknown): never {
  const e = err as (Error & { code?: string }) | null | undefined
  if (err instanceof HypergasError) {
    // A usage line's placeholders in the user's language (`<nome>`).
    const d = err.details?.variant === 'usage' && err.details.input !== undefined ? { ...err.details, input: placeholders(err.details.input) } : err.details
    console.error(`${t('error')} ${err.code}: ${fmt.refusal(err.code, err.reason, d)}`)
  } else if (e?.code === 'ELOCKED' || /\block(ed)?\b/i.test(String(e?.message))) {
    console.error(`${t('error')} DATA_DIR: the data directory is in use by another hypergas process (stop it, or use another --dir)`)
  } else if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    console.error(`${t('error')} PERMISSION: ${e.message}`)
  } else {
    console.error(`${t('error')} INTERNAL: ${e?.message ?? String(err)}`)
  }
  if (process.env.HYPERGAS_DEBUG === '1') console.error(e?.stack)
  process.exit(1)
}

// A failure outside the command's own promise (a timer of an open node, an 'error' event nobody
// listens to) is reported the same way, not as Node's stack trace.
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)
program.parseAsync(process.argv).catch(fail)
