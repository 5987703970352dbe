/**
 * A member's key file, as `hypergas keygen --out` writes it (`{"publicKey": …, "seed": …}`, hex):
 * read for acts a member signs themself (`--key`, SPEC §3) and for a node run with that identity
 * (`join --key`, SPEC §7).
 */
import fs from 'node:fs'
import { keyPairFromSeed, type KeyPair } from '../crypto.js'
import { HypergasError } from '../errors.js'
import { hex } from '../ids.js'

/**
 * The key pair of the key file `file`, derived from its seed; a `publicKey` beside it must be that seed's.
 * @throws HypergasError BAD_ARGUMENT (variants `noKeyFile`, `keyFile`: the file cannot be read),
 *   BAD_KEY (variant `keyFile`: not JSON, or no seed of 64 hex characters; `keyMismatch`: the public key is not the seed's)
 */
export function readKeyFile (file: string): KeyPair {
  let raw: { seed?: unknown, publicKey?: unknown }
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { seed?: unknown, publicKey?: unknown }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code !== undefined) throw new HypergasError('BAD_ARGUMENT', `cannot read the key file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code}`, { variant: e.code === 'ENOENT' ? 'noKeyFile' : 'keyFile', input: file.slice(0, 200), detail: e.code })
    throw new HypergasError('BAD_KEY', `${file} is not a key file of hypergas keygen (not JSON)`, { variant: 'keyFile', input: file.slice(0, 200) })
  }
  if (typeof raw?.seed !== 'string' || !/^[0-9a-f]{64}$/.test(raw.seed)) throw new HypergasError('BAD_KEY', `no seed of 64 hex characters in ${file}`, { variant: 'keyFile', input: file.slice(0, 200) })
  const kp = keyPairFromSeed(Buffer.from(raw.seed, 'hex'))
  // A damaged or edited file would otherwise sign as a stranger, with no word.
  if (raw.publicKey !== undefined && raw.publicKey !== hex(kp.publicKey)) throw new HypergasError('BAD_KEY', `${file}: its seed does not give its public key (the file is damaged or edited)`, { variant: 'keyMismatch', input: file.slice(0, 200) })
  return kp
}
