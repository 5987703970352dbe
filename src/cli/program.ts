/**
 * The `hypergas` program (SPEC §7) and what every command shares: the global options, printing
 * (text in the user's language, or `--json`), reaching the node through its API, and acting.
 * The commands register themselves on {@link program} in src/cli/commands/.
 */
import { Command, Option } from 'commander'
import type { ActRequest,NodeApi } from '../api/api.js'
import type { ActReceipt } from '../api/receipt.js'
import { connect, resolveDir } from './connect.js'
import * as fmt from './format.js'
import { detectLang, setLang, t } from './i18n.js'

/** The global options. */
export interface Global { dir?: string, profile?: string, json?: boolean, lang?: string }

// The language is needed before the commands are defined (their help is in it): read `--lang` now.
const langAt = process.argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='))
setLang(detectLang(langAt < 0 ? undefined : process.argv[langAt].includes('=') ? process.argv[langAt].split('=')[1] : process.argv[langAt + 1]))

export const program = new Command()
program
  .name('hypergas')
  .description('A solidarity purchasing group (GAS) economy with no server: signed Hypercore feeds, replicated over Hyperswarm.')
  .option('--dir <path>', 'data directory (default ~/.hypergas/<profile>)')
  .option('--profile <name>', 'profile name under ~/.hypergas', 'default')
  .option('--json', 'print machine-readable JSON (amounts in cents)')
  .addOption(new Option('--lang <it|en>', 'language of the output (default: from the locale, LANG / LC_ALL)').choices(['it', 'en']))
  // A usage error is one line with a code, like every other failure (issue 14).
  .configureOutput({ outputError: (str, write) => write(usageError(str)) })

/** The global options (`--dir`, `--profile`, `--json`, `--lang`). */
export const globals = (): Global => program.opts<Global>()

/** Commander's usage error ("error: missing required argument 'x'") as the CLI's one line. */
function usageError (str: string): string {
  const what = str.replace(/^error:\s*/i, '').split('\n')[0].trim()
  return `${t('error')} BAD_ARGUMENT: ${what} (--help)\n`
}

/** Prints `value`: as JSON with `--json`, else as `human` renders it. */
export function print (value: unknown, human: (v: never) => string): void {
  if (globals().json === true) console.log(JSON.stringify(value, null, 2))
  else console.log(human(value as never))
}

/** Runs `fn` with the API of the data directory's node (the running one over HTTP, else in-process). */
export async function withApi<T> (fn: (api: NodeApi) => Promise<T>): Promise<T> {
  const api = await connect(resolveDir(globals()))
  try {
    return await fn(api)
  } finally {
    await api.close()
  }
}

/** Says, on stderr, which member a name typed in another case was taken for (`bruno` is Bruno). */
function announceMatch (typed: unknown, r: ActReceipt): void {
  if (typeof typed !== 'string' || r.member === undefined || globals().json === true) return
  if (typed !== r.member.name && typed.toLowerCase() === r.member.name.toLowerCase()) console.error(t('matched', { typed, name: r.member.name }))
}

/** Asks the node for an act and prints the receipt. */
export async function act (req: ActRequest): Promise<void> {
  const r = await withApi((api) => api.act(req))
  announceMatch('member' in req ? req.member : 'from' in req ? req.from : undefined, r)
  print(r, fmt.receipt)
}

/** Argument help shared by the act commands. */
export const MEMBER = (): string => t('h_member')
export const EUROS = (): string => t('h_euros')
export const PURCHASE = (): string => t('h_purchase')
