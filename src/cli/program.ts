/**
 * The `hypergas` program (SPEC §7) and what every command shares: the global options, printing
 * (text in the user's language, or `--json`), reaching the node through its API, and acting.
 * The commands register themselves on {@link program} in src/cli/commands/.
 */
import fs from 'node:fs'
import { Command, Help, Option, type Argument, type HelpConfiguration } from 'commander'
import { LocalApi, type ActRequest, type NodeApi } from '../api/api.js'
import type { ActReceipt } from '../api/receipt.js'
import { nameKey, shellArg, withoutInvisible } from '../ids.js'
import { connect, resolveDir } from './connect.js'
import * as fmt from './format.js'
import { detectLang, lang, setDirArg, setLang, speaks, t } from './i18n.js'
import type { HelpKey } from './messages.js'

/** The global options. */
export interface Global { dir?: string, profile?: string, json?: boolean, lang?: string }

// The language is needed before the commands are defined (their help is in it): read `--lang` now,
// the last one given that hypergas speaks (the option's parser keeps the last, and refuses one it
// does not speak in the language asked before it, else the locale's).
const langs = process.argv.flatMap((a, i) => (a === '--lang' ? [process.argv[i + 1] ?? ''] : a.startsWith('--lang=') ? [a.slice('--lang='.length)] : []))
setLang(detectLang(langs.filter(speaks).at(-1)))

/** The help text `key` (src/cli/help-en.ts, src/cli/help-it.ts) in the language in force. */
export const helpText = (key: HelpKey): string => t(key)

/** Commander's titles, as its help passes them to `styleTitle`, and their keys. */
const TITLES: Readonly<{ [title: string]: HelpKey }> = { 'Usage:': 'ch_usage', 'Arguments:': 'ch_arguments', 'Options:': 'ch_options', 'Global Options:': 'ch_globalOptions', 'Commands:': 'ch_commands' }

/** A description and, in brackets, what commander adds to it (`(choices: …, default: …)`). */
function withExtras (description: string, extras: string[]): string {
  if (extras.length === 0) return description
  return description === '' ? `(${extras.join(', ')})` : `${description} (${extras.join(', ')})`
}

/** Commander's `choices: …` and `default: …` of an option or argument, in the language in force. */
function choicesAndDefault (item: Option | Argument, showDefault: boolean): string[] {
  const extras = item.argChoices === undefined ? [] : [`${helpText('ch_choices')}: ${item.argChoices.map((c) => JSON.stringify(c)).join(', ')}`]
  if (showDefault && item.defaultValue !== undefined) extras.push(`${helpText('ch_default')}: ${item.defaultValueDescription || JSON.stringify(item.defaultValue)}`)
  return extras
}

/** The Italian of the placeholders in the usage lines (`<member>`, `[options]`); one not here stays. */
const PLACEHOLDERS_IT: Readonly<{ [word: string]: string }> = {
  options: 'opzioni', command: 'comando', member: 'socio', 'member-id': 'id-socio', euros: 'euro', purchase: 'acquisto', admin: 'amministratore',
  name: 'nome', path: 'percorso', port: 'porta', 'host:port': 'host:porta', address: 'indirizzo', date: 'data', from: 'da-chi', to: 'a-chi', entries: 'voci',
  group: 'gruppo', how: 'come', invite: 'invito', label: 'etichetta', lines: 'righe', list: 'elenco', number: 'numero', product: 'prodotto',
  qty: 'quantità', quantity: 'quantità', ref: 'rif', profile: 'profilo', role: 'ruolo', text: 'testo', transfer: 'trasferimento', what: 'cosa', args: 'argomenti'
}

/** A placeholder's bare word (`member`) in the language in force. */
function placeholderWord (word: string): string {
  return lang() === 'it' ? PLACEHOLDERS_IT[word] ?? word : word
}

/** `text` with its `<placeholder>` and `[placeholder]` words in the language in force (help, usage errors). */
export function placeholders (text: string): string {
  return text.replace(/([<[])([a-z:-]+)(\.\.\.)?([>\]])/g, (_all, open: string, word: string, more: string | undefined, close: string) => `${open}${placeholderWord(word)}${more ?? ''}${close}`)
}

/** Commander's own help, whose terms {@link localHelp} translates. */
const plain = new Help()

/**
 * Commander's own words in the language in force: the titles, the placeholders of its usage lines
 * and of the descriptions (`"supplier add <nome>"`), and what it adds after a description, as its Help class writes them (commander 14, lib/help.js). Commands made with
 * `.command()` copy it, with the help option and command, from the program (copyInheritedSettings).
 */
const localHelp: HelpConfiguration = {
  styleTitle: (title) => TITLES[title] === undefined ? title : helpText(TITLES[title]),
  optionDescription: (option) => {
    const shown = option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean')
    const extras = choicesAndDefault(option, shown)
    if (option.presetArg !== undefined && option.optional) extras.push(`preset: ${JSON.stringify(option.presetArg)}`)
    if (option.envVar !== undefined) extras.push(`env: ${option.envVar}`)
    return placeholders(withExtras(option.description, extras))
  },
  argumentDescription: (argument) => placeholders(withExtras(argument.description, choicesAndDefault(argument, true))),
  commandDescription: (cmd) => placeholders(plain.commandDescription(cmd)),
  subcommandDescription: (cmd) => placeholders(plain.subcommandDescription(cmd)),
  commandUsage: (cmd) => placeholders(plain.commandUsage(cmd)),
  subcommandTerm: (cmd) => placeholders(plain.subcommandTerm(cmd)),
  optionTerm: (option) => placeholders(plain.optionTerm(option)),
  argumentTerm: (argument) => placeholderWord(plain.argumentTerm(argument))
}

/** This hypergas's version, from its package.json (dist/src/cli/ → the package's root). */
function version (): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** The `hypergas` program: the global options and the help in the user's language; the commands add themselves. */
export const program = new Command()
program
  .name('hypergas')
  .description(helpText('d_hypergas'))
  .option('--dir <path>', helpText('h_dir'))
  .option('--profile <name>', helpText('h_profile'), 'default')
  .option('--json', helpText('h_json'))
  .addOption(new Option('--lang <it|en>', helpText('h_lang')).choices(['it', 'en']))
  // Before any command is defined: each copies these when made.
  .configureHelp(localHelp)
  .helpOption('-h, --help', helpText('ch_help'))
  .helpCommand('help [command]', helpText('ch_help'))
  .version(version(), '-V, --version', helpText('ch_version'))
  // A usage error is one line with a code, like every other failure (issue 14).
  .configureOutput({ outputError: (str, write) => write(usageError(str)) })
  .on('beforeAllHelp', helpAsError)

/**
 * Help as an error is commander's answer to a command left out (`hypergas`, `hypergas mail`) and
 * to `help <a command that does not exist>`. The first, with --json, is a refusal on stdout too,
 * as every other; the second is the one line `hypergas nosuch` gets (commander 14 would print the
 * whole help).
 */
function helpAsError (context: { error: boolean, command: Command }): void {
  if (!context.error) return
  const [first, name] = context.command.args
  if (first === 'help' && name !== undefined) context.command.error(`unknown command '${name}'`, { code: 'commander.unknownCommand' })
  jsonError(`${usageLine('missing required argument \'command\'')} (--help)`)
}

/** The global options (`--dir`, `--profile`, `--json`, `--lang`). */
export const globals = (): Global => program.opts<Global>()

/** The options that name the data directory, as a command line shown to the user repeats them ("" for the default). */
export function dirArg (g: Global): string {
  const arg = (x: string): string => (/^[\w./~:@%+=,-]+$/.test(x) ? x : shellArg(x))
  return g.dir !== undefined ? `--dir ${arg(g.dir)} ` : g.profile !== undefined && g.profile !== 'default' ? `--profile ${arg(g.profile)} ` : ''
}

// Every message may name a command of this data directory: `hypergas {{dirArg}}restore --any-admin`.
program.hook('preAction', () => { setDirArg(dirArg(globals())) })

/**
 * Commander's usage errors (commander 14, lib/command.js and lib/suggestSimilar.js) and the
 * message key each becomes, its parts named in order. One not listed stays as commander wrote it.
 */
const USAGE: ReadonlyArray<[RegExp, string, string[]]> = [
  [/^missing required argument '(.+)'$/, 'us_missingArgument', ['name']],
  [/^option '(.+)' argument missing$/, 'us_optionArgument', ['option']],
  [/^required option '(.+)' not specified$/, 'us_requiredOption', ['option']],
  [/^unknown option '(.+)'$/, 'us_unknownOption', ['option']],
  [/^unknown command '(.+)'$/, 'us_unknownCommand', ['name']],
  [/^too many arguments for '(.+)'\. Expected (\d+) arguments? but got (\d+)\.$/, 'us_tooManyFor', ['command', 'count', 'got']],
  [/^too many arguments\. Expected (\d+) arguments? but got (\d+)\.$/, 'us_tooMany', ['count', 'got']],
  [/^option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/, 'us_choice', ['option', 'value', 'choices']],
  [/^command-argument value '(.*)' is invalid for argument '(.+)'\. Allowed choices are (.+)\.$/, 'us_argChoice', ['value', 'name', 'choices']],
  [/^\(Did you mean (?:one of )?(.+)\?\)$/, 'us_didYouMean', ['what']]
]

/** One line of a usage error in the language in force. */
function usageLine (line: string): string {
  for (const [re, key, names] of USAGE) {
    const m = re.exec(line)
    // (an argument's bare name, as `missing required argument 'member'` has it, in the language in force)
    if (m !== null) return t(key, Object.fromEntries(names.map((n, i) => [n, n === 'name' ? placeholderWord(m[i + 1] ?? '') : placeholders(m[i + 1] ?? '')])))
  }
  return line
}

/**
 * Commander's usage error ("error: missing required argument 'x'", and its suggestion) as the
 * CLI's one line; with `--json` also as `{"error": {"code", "message"}}` on stdout, as every
 * other refusal (src/cli/main.ts).
 */
function usageError (str: string): string {
  const lines = str.replace(/^error:\s*/i, '').split('\n').map((l) => l.trim()).filter((l) => l !== '')
  const message = `${lines.map(usageLine).join(' ')} (--help)`
  jsonError(message)
  return `${t('error')} BAD_ARGUMENT: ${message}\n`
}

/**
 * With `--json`, a refusal as `{"error": {"code", "message", "details"?}}` on stdout, for a script
 * that reads stdout (the one line on stderr is the caller's). `--json` is read from argv: a
 * failure may come before the options are parsed.
 */
export function jsonError (message: string, code = 'BAD_ARGUMENT', details?: unknown): void {
  if (process.argv.slice(2).includes('--json')) console.log(JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } }))
}

/** Prints `value`: as JSON with `--json`, else as `human` renders it. */
export function print (value: unknown, human: (v: never) => string): void {
  if (globals().json === true) console.log(JSON.stringify(value, null, 2))
  // What a person reads: no invisible character or control of direction (an act signed elsewhere may hold one).
  else console.log(withoutInvisible(human(value as never)))
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

/** Says, on stderr, which member a name typed in another case or without its accents was taken for (`nicolo` is Nicolò). */
function announceMatch (typed: unknown, r: ActReceipt): void {
  if (typeof typed !== 'string' || r.member === undefined || globals().json === true) return
  const key = nameKey(typed)
  if (typed !== r.member.name && key !== r.member.id && !(/^[0-9a-f]{4,}$/.test(key) && r.member.id.startsWith(key))) console.error(t('matched', { typed, name: r.member.name }))
}

/** Asks the node for an act and prints the receipt. */
export async function act (req: ActRequest): Promise<void> {
  let here = false
  const r = await withApi(async (api) => { here = api instanceof LocalApi; return await api.act(req) })
  announceMatch('member' in req ? req.member : 'from' in req ? req.from : undefined, r)
  print(r, fmt.receipt)
  // No node runs here: the act waits in this laptop's feed (not "for the other admins" alone).
  if (here && !r.final && globals().json !== true) console.error(t('actNoNode'))
}

/** Argument help shared by the act commands: a member. */
export const MEMBER = (): string => helpText('h_member')
/** Argument help shared by the act commands: an amount in euros. */
export const EUROS = (): string => helpText('h_euros')
/** Argument help shared by the act commands: a purchase. */
export const PURCHASE = (): string => helpText('h_purchase')
