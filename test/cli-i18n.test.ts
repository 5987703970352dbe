// Issue 12 / SPEC §7: a CLI a treasurer can read, in Italian and English. Unit checks of the
// language and the euro format, then real CLI processes on a real data directory: receipts that
// say who, how much and the balance after, and whether the act is confirmed; refusals with the
// figures; a name typed in another case announced; the admin's cash statement; the journal;
// CSV for Italian spreadsheets; one-line errors with a code and no stack trace. Then the help
// (`--help`), all of it in the user's language, commander's own words too.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type { Command } from 'commander'
import { BIN, cli } from '../examples/procs.js'
import { helpEn } from '../src/cli/help-en.js'
import { helpIt } from '../src/cli/help-it.js'
import { decimal, detectLang, euro, setLang } from '../src/cli/i18n.js'
import { bookingLines, finality, forkLine, notice, receipt } from '../src/cli/format.js'
import type { Notice } from '../src/api/notices.js'
import type { ActId, MemberId, PurchaseId } from '../src/ids.js'
import type { AdminCashView } from '../src/api/dto.js'
import { en } from '../src/cli/messages-en.js'
import { messages } from '../src/cli/messages.js'
import { it as itMessages } from '../src/cli/messages-it.js'
import { REJECTION_CODES } from '../src/node/storage/checkpoint-verify.js'
import { toName } from '../src/italian.js'

test('language from --lang, else the locale; Italian only for it locales', (t) => {
  t.is(detectLang('it', {}), 'it')
  t.is(detectLang('en', { LANG: 'it_IT.UTF-8' }), 'en', 'the flag wins over the locale')
  t.is(detectLang(undefined, { LANG: 'it_IT.UTF-8' }), 'it')
  t.is(detectLang(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'it_IT.UTF-8' }), 'en', 'LC_ALL before LANG')
  t.is(detectLang(undefined, { LANG: 'C.UTF-8' }), 'en')
  t.is(detectLang(undefined, {}), 'en')
  t.is(detectLang(undefined, { LC_ALL: '', LANG: 'it_IT.UTF-8' }), 'it', 'an empty variable is unset')
  t.is(detectLang(undefined, { LANG: 'italic' }), 'en', 'a word that starts with "it" is no locale')
  t.is(detectLang('fr', { LANG: 'it_IT.UTF-8' }), 'it', 'a language hypergas does not speak leaves the locale to decide (its refusal is then in Italian)')
  const help = (...langs: string[]): string => spawnSync(process.execPath, [BIN, ...langs, '--help'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).stdout.split('\n')[0]
  t.alike([help('--lang', 'en', '--lang=it'), help('--lang=it', '--lang', 'en')], ['Uso: hypergas [opzioni] [comando]', 'Usage: hypergas [options] [command]'], 'the last --lang wins, as the option parser has it')
})

test('euros as each language writes them, from integer cents', (t) => {
  t.is(euro(1250, 'it'), '12,50 €')
  t.is(euro(1250, 'en'), '€12.50')
  t.is(euro(-5, 'it'), '-0,05 €')
  t.is(euro(-5, 'en'), '-€0.05')
  t.is(euro(0, 'en'), '€0.00')
  t.is(euro(123456789, 'it'), '1.234.567,89 €')
  t.is(euro(123456789, 'en'), '€1,234,567.89')
  t.is(euro(Number.MAX_SAFE_INTEGER, 'en'), '€90,071,992,547,409.91', 'exact at the largest safe amount')
  t.is(decimal(-123450, 'it'), '-1234,50')
  t.is(decimal(7, 'en'), '0.07')
})

test('a closing date in a mail to a member: day first in Italian, as the CLI writes it in English', (t) => {
  const at = new Date(2026, 11, 5, 12, 0).getTime()
  const n = { kind: 'closing', purchase: 'ab'.repeat(32), purchaseName: 'Cascina', atMs: at } as unknown as Notice
  setLang('it')
  t.is(notice(n, true), 'le prenotazioni di "Cascina" chiudono il 05/12/2026 12:00')
  setLang('en')
  t.is(notice(n, true), 'the bookings of "Cascina" close on 2026-12-05 12:00')
})

test('receipts, refusals, statement, cash, log and status as a treasurer reads them', (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-cli18n-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const dir = path.join(base, 'a')
  const run = (lang: string, ...args: string[]): { out: string, err: string, status: number | null } => {
    const r = spawnSync(process.execPath, [BIN, '--dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: '' } })
    return { out: r.stdout, err: r.stderr, status: r.status }
  }
  cli(dir, 'init', '--name', 'GAS Prova', '--founder', 'Anna')
  const bruno = cli(dir, 'keygen')
  run('it_IT.UTF-8', 'member', 'add', 'Bruno', String(bruno.publicKey))

  const dep = run('it_IT.UTF-8', 'deposit', 'bruno', '50,00')
  t.is(dep.status, 0)
  t.ok(dep.out.includes('Versamento di 50,00 € da Bruno: confermato'), `who, how much, confirmed at once with one admin: ${dep.out}`)
  t.ok(dep.out.includes('credito di Bruno: 50,00 €'), 'the balance after')
  t.ok(dep.out.includes('la tua cassa: 50,00 €'), 'the cassiere\'s cash after')
  t.ok(dep.err.includes('"bruno" è Bruno'), 'a name typed in another case is announced')

  run('it_IT.UTF-8', 'purchase', 'open', 'Verdure', '--supplier', 'Cascina Rossi')
  const commit = run('en_GB.UTF-8', 'commit', 'Bruno', '12,50', 'Verdure')
  t.ok(commit.out.includes('Bruno committed €12.50 to "Verdure": confirmed'), commit.out)
  t.ok(commit.out.includes('next, the referente of the purchase approves the commitment'), commit.out)
  t.ok(commit.out.includes('Bruno\'s credit: €37.50'), commit.out)

  const refused = run('it_IT.UTF-8', 'commit', 'Bruno', '100', 'Verdure')
  t.is(refused.status, 1, 'a refused act exits non-zero')
  t.is(refused.out, '', 'and prints no receipt')
  t.is(refused.err.trim().split('\n').length, 1, 'one line')
  t.ok(refused.err.startsWith('errore INSUFFICIENT_CREDIT: Bruno ha 37,50 € di credito, ne servono 100,00 €'), refused.err)
  const quorum = run('en_GB.UTF-8', 'close', 'Verdure')
  t.ok(quorum.err.startsWith('error NO_QUORUM: 0 of 1 votes: 1 missing'), quorum.err)
  t.ok(/^error NOT_FOUND: /.test(run('en_GB.UTF-8', 'deposit', 'Nessuno', '1').err), 'an unknown member: a code, one line')
  t.is(run('it_IT.UTF-8', 'deposit', 'Nessuno', '1').err.trim(), 'errore NOT_FOUND: nessun socio "Nessuno" (hypergas members li elenca)', 'in Italian, with the name typed')
  t.ok(run('it_IT.UTF-8', 'commit', 'Bruno', '5', 'Frutta').err.startsWith('errore NOT_FOUND: nessun acquisto "Frutta"'), 'an unknown purchase too')
  const amount = run('en_GB.UTF-8', 'deposit', 'Bruno', '1.234')
  t.ok(amount.err.startsWith('error BAD_AMOUNT: ') && !amount.err.includes('    at '), `no stack trace: ${amount.err}`)
  t.ok(run('it_IT.UTF-8', 'deposit', 'Bruno', '12 euro e 50').err.startsWith('errore BAD_AMOUNT: serve un importo in euro come 12,50'), 'a mistyped amount in Italian')
  t.ok(run('it_IT.UTF-8', 'deposit', 'Bruno', '-5').err.startsWith('errore BAD_AMOUNT: un importo è positivo'), 'a negative one says so')
  t.ok(run('it_IT.UTF-8', 'settle', 'Anna', '1').err.startsWith('errore NOT_ADMIN: i contanti devono venire da un altro amministratore'), 'cash settled from oneself: the counterpart is what is wrong')
  t.ok(run('it_IT.UTF-8', 'settle', 'Bruno', '1').err.startsWith('errore NOT_ADMIN: i contanti devono venire da un altro amministratore'), 'and from a member who never held cash')
  t.ok(run('it_IT.UTF-8', '--dir', path.join(base, 'nuovo'), 'init', '--name', 'GAS Due', '--founder', 'Ada').out.startsWith('gruppo "GAS Due" creato\nid socio '), 'set-up speaks Italian too')

  run('en_GB.UTF-8', 'withdraw', 'Bruno', '5', '--reason', 'rimborso parziale')
  const st = run('it_IT.UTF-8', 'statement', 'Bruno').out
  t.ok(st.startsWith('Bruno: 32,50 € confermati'), st)
  t.ok(/impegno "Verdure"\s+-12,50 €\s+37,50 €\s+confermato/.test(st), `the statement names the purchase: ${st}`)
  t.ok(/prelievo \(rimborso parziale\)\s+-5,00 €/.test(st), 'and the reason of a withdrawal')
  const cash = run('en_GB.UTF-8', 'statement', 'Anna', '--cash').out
  t.ok(cash.startsWith('Anna\'s cash: €45.00'), cash)
  t.ok(/deposit Bruno\s+€50.00\s+€50.00\s+confirmed/.test(cash), 'the admin\'s own cash movements, with the member')
  const log = run('en_GB.UTF-8', 'log').out
  t.ok(/Anna\s+Deposit of €50.00 from Bruno\s+applied\s+confirmed/.test(log), `the log reads as a journal: ${log}`)
  const latest = run('it_IT.UTF-8', 'log', '--limit', '1').out.trim().split('\n')
  const total = Number(/\((\d+) atti/.exec(run('it_IT.UTF-8', 'log').out)?.[1])
  t.ok(latest[1].startsWith(`${total - 1} `) && latest[2] === `(n. ${total - 1}–${total - 1} di ${total} atti, ${total} confermati; gli altri con --offset)`, `without --offset, the latest acts, and which ones: ${latest.join(' / ')}`)
  const status = run('it_IT.UTF-8', 'status').out
  t.ok(status.includes('crediti 32,50 € + impegni aperti 12,50 € = cassa 45,00 €: i conti tornano'), 'status shows the totals of invariant 1')
  t.ok(/nodi collegati 0 \(fuori rete: /.test(status), 'and that a node not on the network may be missing what others wrote')
  t.ok(/sincronia \d+\/\d+ blocchi \(nessun nodo collegato\)/.test(status), `holding all it knows with no peer is not called in sync: ${status}`)

  const csv = run('it_IT.UTF-8', 'statement', 'Bruno', '--csv').out.trim().split('\n')
  t.is(csv[0], 'data;movimento;importo_eur;saldo_eur;stato;atto;acquisto;nota', 'Italian CSV: ";" between fields, headers in Italian')
  t.ok(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;impegno;-12,50;37,50;confermato;[0-9a-f]{64};Verdure;$/.test(csv[2]), `decimal commas, and a date and time a spreadsheet reads as one: ${csv[2]}`)
  t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,commit,-12.50,37.50,/m.test(run('en_GB.UTF-8', 'statement', 'Bruno', '--csv').out), 'English CSV as before, ISO 8601 UTC')

  const x = run('it_IT.UTF-8', 'transfer', 'Bruno', 'Anna', '2', '--memo', 'uova')
  t.ok(x.out.startsWith('Trasferimento di 2,00 € da Bruno ad Anna'), `a transfer says who pays whom: ${x.out}`)
  const json = cli(dir, 'deposit', 'Bruno', '1')
  t.is(json.cents, 100, '--json stays machine-readable, in cents')
  t.is((json.member as Record<string, unknown>).creditCents, 3350)
  t.is(json.final, true)
  t.ok(run('it_IT.UTF-8', 'fail', 'Verdure').err.startsWith('errore NO_QUORUM: voti per annullare 0 su 1: ne manca 1. Ogni amministratore, anche tu, vota con: hypergas vote-fail'), 'a failure short of votes names vote-fail')
  const voted = run('it_IT.UTF-8', 'vote-fail', 'Verdure').out
  t.ok(voted.includes('raggiunto il quorum (1)\nora il referente di "Verdure" lo annulla, rimborsando tutti: hypergas fail Verdure') && !voted.includes('fatto'), `a fail vote at quorum says the referente fails the purchase next, not "done": ${voted}`)
  run('it_IT.UTF-8', 'fail', 'Verdure')
  const failed = run('it_IT.UTF-8', 'statement', 'Bruno').out
  t.ok(/Verdure\s+annullato\s+rimborsato\s+12,50 €/.test(failed), `a failed purchase's order reads refunded in the statement, as in purchase: ${failed}`)
  const carla = cli(dir, 'keygen')
  run('it_IT.UTF-8', 'member', 'add', 'Carla', String(carla.publicKey))
  t.ok(run('it_IT.UTF-8', 'member', 'remove', 'Carla').out.startsWith('Cancellazione di Carla: confermato'), 'a receipt names the member its act removed')
  run('it_IT.UTF-8', 'elect', '--role', 'cassiere', 'Bruno')
  run('it_IT.UTF-8', 'member', 'add', 'Dora', String(cli(dir, 'keygen').publicKey))
  t.ok(run('it_IT.UTF-8', 'elect', '--role', 'cassiere', 'Dora').out.includes('raggiunto il quorum (1)'), 'two admins, quorum 1: the quorum the vote counted against, not the 2 of three admins after it')
  t.ok(run('it_IT.UTF-8', 'member', 'add', 'Eva', String(cli(dir, 'keygen').publicKey)).out.startsWith('Iscrizione di Eva: '), 'a registration still waiting for votes names its member')
  t.ok(run('it_IT.UTF-8', 'revoke', '--role', 'referente', 'Bruno').err.startsWith('errore NOT_IN_ROLE: il socio non ha quel ruolo'), 'every refusal in words')
})

test('start: a bad --bootstrap or --port is one line with a code, nothing opened', (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-start-'))
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }))
  const dir = path.join(base, 'a')
  cli(dir, 'init', '--name', 'G', '--founder', 'Anna')
  for (const args of [['--bootstrap', 'nonsense'], ['--bootstrap', 'host:70000'], ['--port', 'abc']]) {
    const r = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'en', 'start', '--no-swarm', ...args], { encoding: 'utf8', timeout: 20_000 })
    t.is(r.status, 1, `${args.join(' ')}: exit 1`)
    t.ok(/^error BAD_ARGUMENT: [^\n]+\n$/.test(r.stderr), `${args.join(' ')}: ${r.stderr.trim()}`)
  }
})

test('dht on a loopback address says it serves this computer only, not to give its address to the others', (t) => {
  const r = spawnSync(process.execPath, [BIN, '--lang', 'en', 'dht', '--host', '127.0.0.1', '--port', '48931'], { encoding: 'utf8', timeout: 4_000, killSignal: 'SIGTERM' })
  const first = r.stdout.split('\n')[0]
  t.ok(first.includes('reachable from this computer only') && !first.includes('not 127.0.0.1'), first)
})

/** Runs the CLI with only `locale` as the locale; answers stdout and stderr with their spaces folded (help wraps). */
function helpOf (locale: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '', LANG: locale } })
  return `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ')
}
const fold = (text: string): string => text.replace(/\s+/g, ' ').trim()

test('help: in Italian from --lang or the locale, commander\'s words too; English with --lang en', (t) => {
  for (const [how, out] of [['--lang it', helpOf('C.UTF-8', '--lang', 'it', '--help')], ['LANG=it_IT.UTF-8', helpOf('it_IT.UTF-8', '--help')]]) {
    t.ok(out.startsWith('Uso: hypergas [opzioni] [comando]'), `${how}: ${out.slice(0, 60)}`)
    for (const word of ['Opzioni:', 'Comandi:', fold(helpIt.d_hypergas), `deposit <socio> <euro> ${fold(helpIt.d_deposit)}`, `help [comando] ${helpIt.ch_help}`, `-h, --help ${helpIt.ch_help}`, '(predefinito: "default")', '(valori: "it", "en")']) {
      t.ok(out.includes(word), `${how}: "${word}"`)
    }
    for (const word of ['Usage:', 'Options:', 'Commands:', 'display help for command', helpEn.d_deposit, 'default:', 'choices:']) t.absent(out.includes(word), `${how}: no "${word}"`)
  }
  for (const [how, out] of [['--lang it', helpOf('C.UTF-8', '--lang', 'it', 'deposit', '--help')], ['LANG=it_IT.UTF-8', helpOf('it_IT.UTF-8', 'deposit', '--help')]]) {
    for (const word of ['Uso: hypergas deposit [opzioni] <socio> <euro>', fold(helpIt.d_deposit), 'Argomenti:', `socio ${helpIt.h_member}`, `euro ${helpIt.h_euros}`, 'Opzioni:', `-h, --help ${helpIt.ch_help}`]) {
      t.ok(out.includes(word), `deposit, ${how}: "${word}"`)
    }
    t.absent(/Usage:|Arguments:|Options:|display help/.test(out), `deposit, ${how}: no English`)
  }
  const english = helpOf('it_IT.UTF-8', '--lang', 'en', 'deposit', '--help')
  for (const word of ['Usage: hypergas deposit [options] <member> <euros>', helpEn.d_deposit, 'Arguments:', `member ${helpEn.h_member}`, 'Options:', '-h, --help display help for command']) t.ok(english.includes(word), `--lang en over an Italian locale: "${word}"`)
  t.absent(/Uso:|Argomenti:|Opzioni:/.test(english), '--lang en: no Italian')

  // A subcommand's subcommand, defaults and choices, text after the help: Italian all the same.
  const mail = helpOf('C.UTF-8', '--lang', 'it', 'mail', '--help')
  t.ok(mail.includes(`Comandi: server [opzioni] ${fold(helpIt.d_mail_server)}`) && mail.includes(`help [comando] ${helpIt.ch_help}`), `mail: ${mail.slice(0, 200)}`)
  const server = helpOf('C.UTF-8', '--lang=it', 'mail', 'server', '--help')
  t.ok(server.startsWith('Uso: hypergas mail server [opzioni]') && server.includes(`--port <porta> ${helpIt.h_mail_server_port} (predefinito: "587")`), `mail server: ${server}`)
  const cost = helpOf('C.UTF-8', '--lang', 'it', 'cost', '--help')
  t.ok(cost.includes(`${fold(helpIt.h_cost_split)} (valori: "amount", "equal", predefinito: "amount")`), `cost --split: ${cost}`)
  const restore = helpOf('C.UTF-8', '--lang', 'it', 'restore', '--help')
  t.ok(restore.includes(fold(helpIt.d_restore)) && restore.includes(fold(helpIt.after_restore)), 'restore: the text after the help too')
  t.ok(helpOf('C.UTF-8', '--lang', 'it', 'help', 'book').includes(fold(helpIt.d_book)), '"help <command>" as "<command> --help"')
})

test('every refusal of the fold has its message in both languages (never "X refused: CODE")', (t) => {
  const codes = Object.keys(REJECTION_CODES)
  t.alike(codes.filter((c) => !(`e_${c}` in en)), [], 'English')
  t.alike(codes.filter((c) => !(`e_${c}` in itMessages)), [], 'Italian')
})

test('help texts: every English one has an Italian one, with the same flags and placeholders', (t) => {
  const keys = Object.keys(helpEn) as Array<keyof typeof helpEn>
  t.alike(Object.keys(helpIt).sort(), [...keys].sort(), 'the same keys')
  const bad = keys.filter((k) => typeof helpIt[k] !== 'string' || helpIt[k].trim() === '' || helpIt[k] === k)
  t.alike(bad, [], 'each Italian text is a text, not empty, not its key')
  const words = (text: string): string[] => [...text.matchAll(/--[a-z][a-z-]*|<[a-z-]+(?:\.\.\.)?>|HYPERGAS_[A-Z_]+/g)].map((m) => m[0]).sort()
  t.alike(keys.filter((k) => words(helpEn[k]).join() !== words(helpIt[k]).join()), [], 'flags, placeholders and variables as in English')
  t.alike(keys.filter((k) => k in en), [], 'no help key is also a message key')
  t.alike(keys.filter((k) => messages.it.translation[k] !== helpIt[k] || messages.en.translation[k] !== helpEn[k]), [], 'both are in the i18next resources')
})

test('help: every description of every command, argument and option is a help text, and every help text is used', async (t) => {
  // The program reads the language when it is first imported: Italian, from the locale.
  const saved = process.env.LC_ALL
  process.env.LC_ALL = 'it_IT.UTF-8'
  const { program } = await import('../src/cli/program.js')
  await Promise.all(['setup', 'start', 'acts', 'orders', 'reads'].map(async (m) => await import(`../src/cli/commands/${m}.js`)))
  if (saved === undefined) delete process.env.LC_ALL
  else process.env.LC_ALL = saved
  const texts = new Map<string, string>()
  const walk = (cmd: Command, at: string): void => {
    texts.set(at, cmd.description())
    for (const a of cmd.registeredArguments) texts.set(`${at} <${a.name()}>`, a.description)
    for (const o of cmd.options) texts.set(`${at} ${o.flags}`, o.description)
    for (const sub of cmd.commands) walk(sub, `${at} ${sub.name()}`)
  }
  walk(program, 'hypergas')
  t.ok(texts.size > 150, `${texts.size} descriptions`)
  const italian = new Set<string>(Object.values(helpIt))
  const literal = [...texts].filter(([at, text]) => !italian.has(text) && !(text === '' && / --role /.test(at)))
  t.alike(literal, [], 'every description comes from src/cli/help-it.ts (--role alone has none)')
  const used = new Set(texts.values())
  const unused = (Object.keys(helpIt) as Array<keyof typeof helpIt>).filter((k) => /^[dh]_/.test(k) && !used.has(helpIt[k]))
  t.alike(unused, [], 'every description in the help files is used')
})

test('a shared discount is called one: in its receipt and in the statement', (t) => {
  setLang('it')
  const base = { actId: 'ab'.repeat(32) as ActId, type: 'AddCost' as const, status: 'applied' as const, final: true, cents: 100, purchase: { id: 'cd'.repeat(32) as PurchaseId, name: 'Cascina' } }
  t.ok(receipt({ ...base, discount: true }).startsWith('Sconto di 1,00 € ripartito su "Cascina": confermato'))
  t.ok(receipt(base).startsWith('Costo di 1,00 € ripartito su "Cascina"'), 'a cost stays a cost')
  const fail = { actId: 'ab'.repeat(32) as ActId, type: 'FailPurchase' as const, status: 'applied' as const, final: true, purchase: base.purchase }
  t.is(receipt(fail), 'Acquisto "Cascina" annullato: impegni rimborsati — confermato', 'an act whose words have a colon: its state after a dash, not a second colon')
  const bea = { id: 'ef'.repeat(32) as MemberId, name: 'Bea', creditCents: 3816, confirmedCreditCents: 3816 }
  t.absent(receipt({ actId: 'ab'.repeat(32) as ActId, type: 'VoteRecover', status: 'applied', final: false, member: bea }).includes('3816'), 'a vote against an admin does not show their credit')
  t.ok(receipt({ actId: 'ab'.repeat(32) as ActId, type: 'Deposit', status: 'applied', final: true, cents: 100, member: bea }).includes('38,16 €'), 'a deposit does')
  setLang('en')
})

test('Italian: "ad" before a name that begins with an a, "a" before any other', (t) => {
  setLang('it')
  t.is(toName('Anna'), 'ad Anna')
  t.is(toName('àlvaro'), 'ad àlvaro')
  t.is(toName('Bruno'), 'a Bruno')
  t.is(toName('Elena'), 'a Elena', 'only before an a')
  const withdraw = (name: string): string => receipt({ actId: 'ab'.repeat(32) as ActId, type: 'Withdraw', status: 'applied', final: true, cents: 500, member: { id: 'cd'.repeat(32) as MemberId, name, creditCents: 0, confirmedCreditCents: 0 } })
  t.ok(withdraw('Anna').startsWith('Restituiti 5,00 € ad Anna (prelievo)'), withdraw('Anna'))
  t.ok(withdraw('Bruno').startsWith('Restituiti 5,00 € a Bruno (prelievo)'), withdraw('Bruno'))
  setLang('en')
  t.ok(withdraw('Anna').includes(' to Anna'), 'English untouched: ' + withdraw('Anna'))
})

test('a vote that reached its quorum says "done" only once confirmed', (t) => {
  setLang('en')
  const vote = (final: boolean): string => receipt({ actId: 'ab'.repeat(32) as ActId, type: 'VoteElectCassiere', status: 'applied', final, vote: { votes: 2, quorum: 2, done: true } })
  t.ok(vote(true).includes('quorum (2) reached, done'), vote(true))
  t.ok(vote(false).includes('quorum (2) reached; it holds once confirmed') && !vote(false).includes('done'), vote(false))
  setLang('it')
  t.ok(vote(false).includes('vale quando è confermato'), vote(false))
  setLang('en')
})

test('a booking delivered with nothing says so', (t) => {
  setLang('it')
  const line = { product: 'miele', name: 'Miele', unit: 'vasetto', qtyMilli: 2000, priceCents: 650, cents: 1300 }
  const b = { member: 'ab'.repeat(32) as MemberId, name: 'Bruno', status: 'approved' as const, lines: [line], delivered: [], costCents: 0, amountCents: 0 }
  t.is(bookingLines(b), '2 vasetti Miele 13,00 € → consegnato: niente', 'two jars in the plural')
  t.is(bookingLines({ ...b, lines: [{ ...line, qtyMilli: 1000, cents: 650 }] }), '1 vasetto Miele 6,50 € → consegnato: niente', 'one jar in the singular')
  t.is(bookingLines({ ...b, lines: [], delivered: null, costCents: 90 }), '(nessun prodotto) + costi 0,90 €', 'a booking emptied to its cost share')
  setLang('en')
})

test('status: a writer removed and elected again is no longer called frozen', (t) => {
  setLang('it')
  const id = 'ab'.repeat(32) as MemberId
  const frozen = { feed: id, name: 'Carla', length: 52, by: { feed: 'cd'.repeat(32) as MemberId, index: 58 }, byMembers: false, adminAgain: false }
  const admin = (a: string, name: string, current = true): AdminCashView => ({ id: a.repeat(32) as MemberId, name, roles: [], current, cashCents: 0, confirmedCashCents: 0 })
  const two = [admin('ab', 'Bruno'), admin('cd', 'Dario')]
  const view = (adminAgain: boolean): string => finality({ blocks: 10, finalBlocks: 10, waitingFor: [], frozen: [{ ...frozen, adminAgain }], ignoredBlocks: 0, recovery: [] }, (k) => `${k}: `, two)
  t.ok(view(false).includes('frozen: Carla: registro tenuto fino al blocco 52, revocato dal blocco 58'), view(false))
  t.ok(view(true).includes('removedOnce: Carla: registro tenuto fino al blocco 52 quando fu revocato dal blocco 58 di Dario; di nuovo amministratore'), `the removing block's writer by name: ${view(true)}`)
  const stuck = finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno' }], frozen: [], ignoredBlocks: 0, recovery: [{ admin: id, name: 'Bruno', votes: 0, needed: 2, eligible: 2, forked: false, started: true }] }, (k) => `${k}: `, two)
  t.ok(stuck.includes('in attesa di Bruno ·') || stuck.includes('in attesa di Bruno\n'), `with two admins, no word of a majority's removal: ${stuck}`)
  t.absent(stuck.includes('maggioranza'))
  t.ok(stuck.includes('Voti dei soci finora: 0, ne servono 2.'))
  t.ok(stuck.includes('Se Bruno è solo assente'), 'an admin merely away is waited for')
  const forked = finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno Rossi' }], frozen: [], ignoredBlocks: 0, recovery: [{ admin: id, name: 'Bruno Rossi', votes: 1, needed: 3, eligible: 3, forked: true, started: true }] }, (k) => `${k}: `, two)
  t.ok(forked.includes('il cui registro si è biforcato') && forked.includes("hypergas recover 'Bruno Rossi' --key")  && !forked.includes('solo assente'), `a forked admin is not waited for, and the command quotes the name: ${forked}`)
  // Too few members can count: the way out is the admin's own identity, unless their feed forked (it would only write on the frozen feed).
  const short = (isForked: boolean): string => finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno' }], frozen: [], ignoredBlocks: 0, recovery: [{ admin: id, name: 'Bruno', votes: 0, needed: 3, eligible: 1, forked: isForked, started: true }] }, (k) => `${k}: `, two)
  t.ok(short(false).includes('soci che possono contare 1, voti necessari 3') && short(false).includes('Ripristina il backup di Bruno'), `too few voters, not forked: the counts and the way out: ${short(false)}`)
  t.ok(short(true).includes('soci che possono contare 1, voti necessari 3') && !short(true).includes('Ripristina') && !short(true).includes('--key <file>'), `forked: no backup or key file to offer: ${short(true)}`)
  // Just elected, his node never started: no alarm, no vote; what he has to do.
  const fresh = finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno' }], frozen: [], ignoredBlocks: 0, recovery: [{ admin: id, name: 'Bruno', votes: 0, needed: 2, eligible: 0, forked: false, started: false }] }, (k) => `${k}: `, two)
  t.ok(fresh.includes('la conferma aspetta il nodo di Bruno, che non ha ancora scritto: Bruno lo avvia (hypergas start) sul computer dove è entrato nel gruppo; se ha solo un file di chiave di hypergas keygen, prima entra con quello (hypergas join <invito> --key <il suo file di chiave>)'), fresh)
  t.absent(fresh.includes('stuck') || fresh.includes('recover') || fresh.includes('Anche se'), 'no members\' recovery for an admin who has not started')
  // Before the node counts Bruno as gone: with two admins no word of a majority, which cannot revoke him; with three it can.
  const waiting = (admins: AdminCashView[]): string => finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno' }], frozen: [], ignoredBlocks: 0, recovery: [] }, (k) => `${k}: `, admins)
  t.ok(waiting(two).includes('con due amministratori nessuno dei due può revocare l\'altro') && waiting(two).includes('hypergas recover') && !waiting(two).includes('maggioranza'), waiting(two))
  t.ok(waiting([...two, admin('ee', 'Elio', false)]).includes('nessuno dei due'), 'a former admin does not count')
  t.ok(waiting([...two, admin('ee', 'Elio')]).includes('si revoca a maggioranza'), waiting([...two, admin('ee', 'Elio')]))
  // Bruno's node took the other branch of Elio's forked feed: he is there, and no vote from here removes anyone.
  const three = [...two, admin('ee', 'Elio')]
  const split = finality({ blocks: 10, finalBlocks: 8, waitingFor: [{ id, name: 'Bruno' }], frozen: [], ignoredBlocks: 0, recovery: [] }, (k) => `${k}: `, three, new Map([[id as string, 'ee'.repeat(32)]]))
  t.ok(split.includes('aspetta Bruno, il cui nodo ha un altro ramo del registro biforcato di Elio') && !split.includes('si revoca a maggioranza'), `not said gone: ${split}`)
  setLang('en')
})

test('a failed purchase: its commitments refunded, no bookings said open', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-failed-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  cli(dir, 'deposit', 'Anna', '20')
  cli(dir, 'purchase', 'open', 'Verdure')
  cli(dir, 'commit', 'Anna', '5', 'Verdure')
  cli(dir, 'vote-fail', 'Verdure')
  const failed = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'fail', 'Verdure'], { encoding: 'utf8' }).stdout
  t.ok(failed.includes('rimborsati: Anna 5,00 €'), `the receipt lists the refunds: ${failed}`)
  const shown = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'purchase', 'Verdure'], { encoding: 'utf8' }).stdout
  t.ok(/Anna\s+5,00 €\s+rimborsato/.test(shown) && !shown.includes('da approvare'), `refunded, not "to approve": ${shown}`)
  t.ok(shown.includes('annullato'), 'the phase')
})

test('a booking given again with other products: the receipt names the products it no longer has', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-rebook-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  cli(dir, 'deposit', 'Anna', '50')
  const file = path.join(dir, 'listino.csv')
  fs.writeFileSync(file, 'nome;unità;prezzo;a peso\nUova;confezione;3,00;\nPasta;kg;2,50;sì\nOlio;litro;9,00;\n')
  cli(dir, 'purchase', 'open', 'Ottobre', '--catalogue', file)
  const products = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'products', 'Ottobre'], { encoding: 'utf8' }).stdout
  t.ok(/Pasta\s+kg, a peso\s+2,50 €/.test(products) && /Olio\s+litro\s+9,00 €/.test(products), `a weighed product is marked in the catalogue: ${products}`)
  const book = (...lines: string[]): string => spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'book', 'Anna', 'Ottobre', ...lines], { encoding: 'utf8' }).stdout
  t.absent(book('uova=1', 'pasta=2').includes('non più'), 'a first booking drops nothing')
  const again = book('olio=1', 'pasta=2')
  t.ok(again.includes('non più nella prenotazione: Uova'), `the egg is said gone: ${again}`)
  t.absent(again.includes('Pasta ('), 'pasta is kept')
  // Withdrawn after a cost was shared: the share stays, and the receipt says so and who can give it back.
  cli(dir, 'cost', 'Ottobre', 'Trasporto', '3')
  const none = book('olio=0', 'pasta=0')
  t.ok(none.includes('totale della prenotazione: 3,00 €') && none.includes('restano impegnate (3,00 €): può restituirle solo il referente, rifiutando la prenotazione') && !none.includes('non se ne ordina nulla'), `withdrawn, its share kept: ${none}`)
  const twice = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'book', 'Anna', 'Ottobre', 'olio=1', 'Olio=2'], { encoding: 'utf8' })
  t.is(twice.stderr.trim(), 'errore BAD_ARGUMENT: olio=1 Olio=2: indicano entrambi Olio; scrivilo una volta sola, con tutta la quantità', 'one product given twice: which one, and what to do')
  // A key typed in lower case is its product, though another product's name begins with it too.
  fs.writeFileSync(file, 'codice;nome;unità;prezzo\nPARM;Parmigiano 24 mesi;kg;22,90\nPAR2;Parmigiano 36 mesi;kg;25,00\n')
  cli(dir, 'purchase', 'open', 'Caseificio', '--catalogue', file)
  const keyed = spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', 'book', 'Anna', 'Caseificio', 'parm=1'], { encoding: 'utf8' })
  t.is(keyed.status, 0, `parm is PARM, not two products: ${keyed.stderr}`)
  const booked = JSON.parse(spawnSync(process.execPath, [BIN, '--dir', dir, '--json', 'purchase', 'Caseificio'], { encoding: 'utf8' }).stdout)
  t.alike(booked.order.bookings[0].lines.map((l: { product: string }) => l.product), ['PARM'], 'the booking holds PARM')
})

test('receipts flag what a treasurer would check: cash below zero, a settlement beyond what the other admin held, a purchase name used before', { timeout: 60_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-flags-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const say = (...args: string[]): string => spawnSync(process.execPath, [BIN, '--dir', dir, '--lang', 'it', ...args], { encoding: 'utf8' }).stdout
  cli(dir, 'init', '--name', 'GAS', '--founder', 'Anna')
  cli(dir, 'member', 'add', 'Bruno', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'elect', '--role', 'cassiere', 'Bruno')
  cli(dir, 'deposit', 'Bruno', '30')
  t.ok(say('withdraw', 'Bruno', '30').includes('la tua cassa: 0,00 €'), 'no flag at zero')
  const settled = say('settle', 'Bruno', '20')
  t.ok(settled.includes('la cassa di Bruno è ora -20,00 €: più di quanto aveva'), `a settlement beyond Bruno's cash is flagged: ${settled}`)
  cli(dir, 'purchase', 'open', 'Ottobre')
  cli(dir, 'vote-fail', 'Ottobre')
  cli(dir, 'fail', 'Ottobre')
  t.ok(say('purchase', 'open', 'OTTOBRE').includes('si chiama "OTTOBRE" anche un altro acquisto, non più aperto'), 'a name used before is said')
  t.absent(say('purchase', 'open', 'Novembre').includes('si chiama'), 'a new name is not')
  // Revoking Bruno's last role while the group owes him cash: he could no longer record being paid back.
  cli(dir, 'member', 'add', 'Carla', String(cli(dir, 'keygen').publicKey))
  cli(dir, 'elect', '--role', 'cassiere', 'Carla')
  const revoked = say('revoke', '--role', 'cassiere', 'Bruno')
  t.ok(revoked.includes('il gruppo deve a Bruno 20,00 € (contanti anticipati), e solo un amministratore registra i contanti che riceve: rimborsate finché Bruno lo è ancora'), `the first vote of three admins says what the revocation would strand: ${revoked}`)
  const plain = say('revoke', '--role', 'cassiere', 'Carla')
  t.ok(plain.includes('Carla') && !plain.includes('il gruppo deve'), `not for an admin whose cash is not below zero: ${plain}`)
  // The author's own cash below zero (another cassiere took the deposits: here only as a receipt).
  setLang('it')
  const own = receipt({ actId: 'ab'.repeat(32) as ActId, type: 'Withdraw', status: 'applied', final: true, cents: 1000, cashCents: -400 })
  setLang('en')
  t.ok(own.includes('la tua cassa: -4,00 € (anticipati da te: il gruppo te li deve)'), `cash advanced is said so: ${own}`)
  setLang('en')
  const lastVote = receipt({ actId: 'cd'.repeat(32) as ActId, type: 'VoteRevokeCassiere', status: 'applied', final: true, name: 'Bruno', vote: { votes: 2, quorum: 2, done: true }, owedCashCents: -2000 })
  t.ok(lastVote.includes('the group owes Bruno €20.00 (cash they advanced), and a former admin can no longer record being paid back'), `the vote that revokes says what is left to do: ${lastVote}`)
})

test('status: a fork said in words, not as JSON', (t) => {
  setLang('it')
  const f = { feed: 'ab'.repeat(32) as MemberId, length: 12, held: 11, local: { length: 12, signature: '01' }, remote: { length: 13, signature: '02' }, detectedAt: '2026-12-02T07:40:12.345Z' }
  t.is(forkLine(f, 'Bruno'), 'Bruno: due versioni firmate del suo registro, trovate confrontandone i primi 12 blocchi (rilevato il 2026-12-02 07:40 UTC); questo nodo tiene i primi 11 blocchi e non ne legge altri (vedi forks.json)')
  setLang('en')
})
