/**
 * The passphrase of `hypergas backup` / `restore`: from the environment variable
 * HYPERGAS_PASSPHRASE (scripts, tests), else asked on the terminal with no echo — twice for a new
 * backup, so a typing mistake never locks the backup away.
 */
import { HypergasError } from '../errors.js'
import { t } from './i18n.js'

/** The environment variable read before any prompt. */
export const PASSPHRASE_ENV = 'HYPERGAS_PASSPHRASE'

/** The terminal a passphrase is asked on: input with raw mode, and where the prompt is written. */
export interface PassphraseTty {
  input: NodeJS.ReadStream
  output: NodeJS.WritableStream
}

/**
 * The passphrase: `env.HYPERGAS_PASSPHRASE` when set and not empty, else typed on the terminal
 * (no echo; asked again when `confirm`).
 * @throws HypergasError NO_PASSPHRASE (no variable and no terminal), PASSPHRASE_MISMATCH (the two
 *   typings differ), BAD_ARGUMENT (empty)
 */
export async function readPassphrase (confirm: boolean, env: NodeJS.ProcessEnv = process.env, tty: PassphraseTty = { input: process.stdin, output: process.stderr }): Promise<string> {
  const fromEnv = env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (tty.input.isTTY !== true) throw new HypergasError('NO_PASSPHRASE', `no terminal to ask the passphrase on: set ${PASSPHRASE_ENV}`)
  const first = await askHidden(t('passPrompt'), tty)
  if (first === '') throw new HypergasError('BAD_ARGUMENT', 'empty passphrase', { variant: 'emptyPassphrase' })
  if (confirm && (await askHidden(t('passAgain'), tty)) !== first) throw new HypergasError('PASSPHRASE_MISMATCH', 'the two passphrases differ: nothing written')
  return first
}

/**
 * Reads one line from a terminal in raw mode, echoing nothing; backspace deletes, Ctrl-C exits
 * (status 130), Enter or Ctrl-D ends the line.
 */
async function askHidden (prompt: string, tty: PassphraseTty): Promise<string> {
  const { input, output } = tty
  output.write(prompt)
  input.setRawMode(true)
  input.resume()
  input.setEncoding('utf8')
  return await new Promise((resolve) => {
    let text = ''
    const done = (): void => {
      input.removeListener('data', onData)
      input.setRawMode(false)
      input.pause()
      output.write('\n')
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done()
          resolve(text)
          return
        }
        if (ch === '\u0003') {
          done()
          process.exit(130)
        }
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('')
        else if (ch >= ' ') text += ch
      }
    }
    input.on('data', onData)
  })
}
