/**
 * Signing an act where only WebCrypto exists (the members' web page, issue 4): the same
 * canonical encoding as {@link createAct}, signed with @noble/ed25519's async API, so the
 * member's key never leaves the browser. Also runs in Node (tests prove the bytes are accepted
 * by {@link decodeAct}). It does not run the zod schema (454 KB of the page's bundle): the node
 * validates every act it receives with it, and refuses a malformed one with its code.
 */
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { HypergasError } from '../errors.js'
import { ACT_VERSION, SIGN_DOMAIN, encodeUnsigned } from './encoding.js'
import { visibleOnly } from './visible.js'
import { isValidCents } from '../money.js'
import type { ActBody } from './types.js'

// SHA-512 in JavaScript, not WebCrypto: a phone opens the page over plain http on the LAN, which
// is not a secure context, and there `crypto.subtle` does not exist (issue 14).
ed.hashes.sha512 = sha512
ed.hashes.sha512Async = async (message: Uint8Array) => sha512(message)

/** Public key (hex) of a 32-byte seed given as hex. @throws HypergasError BAD_KEY */
export async function memberIdOf (seedHex: string): Promise<string> {
  return Buffer.from(await ed.getPublicKeyAsync(seedBytes(seedHex))).toString('hex')
}

/**
 * Signs `body` for group `groupId` with the member's seed (hex) and returns the act bytes as hex,
 * ready for `POST /api/acts/signed`. `timeMs` is the author's clock (display only).
 * @throws HypergasError BAD_KEY (seed or an id of the body), BAD_AMOUNT (cents)
 */
export async function signActHex (body: ActBody, groupId: string, seedHex: string, timeMs: number): Promise<string> {
  const seed = seedBytes(seedHex)
  const author = Buffer.from(await ed.getPublicKeyAsync(seed)).toString('hex')
  if ('cents' in body && !isValidCents(body.cents)) throw HypergasError.BAD_AMOUNT(`${String(body.cents)} is not a positive whole number of cents`)
  const u = encodeUnsigned({ v: ACT_VERSION, group: groupId, author, timeMs, body: visibleOnly(body) })
  const sig = await ed.signAsync(Buffer.concat([SIGN_DOMAIN, u]), seed)
  return Buffer.concat([u, Buffer.from(sig)]).toString('hex')
}

function seedBytes (seedHex: string): Uint8Array {
  const s = seedHex.trim().toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(s)) throw new HypergasError('BAD_KEY', 'a member key is 64 hex characters (the "seed" of hypergas keygen)', { variant: 'seed' })
  return Buffer.from(s, 'hex')
}

/** Domain separation of a login signature: it can never be taken for an act's (SPEC §7). */
export const AUTH_DOMAIN = Buffer.from('hypergas/auth/v1\0')

/**
 * The message a member signs to prove their key to a node: domain ‖ the node's challenge (32
 * random bytes, answered once: a signature is good for that login only). The group id is not in
 * it: a device that is not logged in does not know it (it is not public, SPEC §7).
 * @throws HypergasError BAD_KEY when the challenge is not 64 hex chars
 */
export function authMessage (challengeHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(challengeHex)) throw HypergasError.BAD_KEY('a challenge is 64 hex characters')
  return Buffer.concat([AUTH_DOMAIN, Buffer.from(challengeHex, 'hex')])
}

/** Signs a node's login challenge with the member's seed (hex); answers the signature as hex. */
export async function signChallengeHex (challengeHex: string, seedHex: string): Promise<string> {
  return Buffer.from(await ed.signAsync(authMessage(challengeHex), seedBytes(seedHex))).toString('hex')
}
