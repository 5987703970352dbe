/**
 * A GDXP file's JSON (SPEC §4.5): numbers kept as their source text, and a file that is no JSON
 * refused saying where, in the reader's words.
 */
import { HypergasError } from '../errors.js'

/**
 * JSON.parse keeping every number as its source text (a price of 2.49 stays "2.49", never the
 * float 2.4900000000000002). Where the runtime gives no source text, the number's shortest form.
 */
function parseJsonExact (raw: string): unknown {
  return JSON.parse(raw, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    return typeof value === 'number' ? (context?.source ?? String(value)) : value
  } as (this: unknown, key: string, value: unknown) => unknown)
}

/**
 * JSON.parse's refusal as the user reads it: the line and column, or that the file ends half-way,
 * not the runtime's English sentence (kept in the reason, for the log).
 */
function notJson (err: Error, raw: string): HypergasError {
  const reason = `not a GDXP file (not JSON: ${err.message})`
  // Where: "(line 2 column 14)" (Node 22 and later), or "at position 26" alone (Node 20), counted here.
  const at = /\(line (\d+) column (\d+)\)/.exec(err.message)
  const pos = /at position (\d+)/.exec(err.message)
  const before = pos === null ? null : raw.slice(0, Number(pos[1])).split('\n')
  const where = at !== null ? [at[1], at[2]] : before !== null ? [String(before.length), String(before[before.length - 1].length + 1)] : null
  if (where !== null) return new HypergasError('BAD_ARGUMENT', reason, { variant: 'notJsonAt', input: where[0], detail: where[1] })
  const token = /^Unexpected token '(.{1,2})'/u.exec(err.message)
  if (token !== null) return new HypergasError('BAD_ARGUMENT', reason, { variant: 'notJsonToken', input: token[1] })
  return new HypergasError('BAD_ARGUMENT', reason, { variant: /end of JSON input/.test(err.message) ? 'notJsonEnd' : 'notJson' })
}

/**
 * The JSON of GDXP file text `raw`, every number as its source text.
 * @throws HypergasError BAD_ARGUMENT (variants `notJsonAt`: line in `input`, column in `detail`;
 *   `notJsonToken`: the character in `input`; `notJsonEnd`: cut short; `notJson`)
 */
export function parseGdxpJson (raw: string): unknown {
  try { return parseJsonExact(raw) } catch (err) { throw notJson(err as Error, raw) }
}
