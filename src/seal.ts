/**
 * The sealed link between the web page and its node over plain HTTP (SPEC §7: member data is
 * personal; docs/security.md "Sealed requests"). A page on a LAN address has no TLS and no
 * WebCrypto, so it seals with these pure-JS primitives; the node opens with the same ones.
 *
 * - The node has an X25519 key for as long as it runs (`GET /api/seal`); the page makes its own
 *   for as long as it is open. Both derive, with HKDF-SHA256 over the X25519 secret (salt: the
 *   page's key then the node's; info {@link INFO}), 64 bytes: the request key, then the response key.
 * - A request carries {@link SEAL_HEADER}: the page's key (hex), a dot, and base64url of a box of
 *   {@link SealedHead} (the session key travels only in there), bound to the method and address.
 *   A body is a box bound to the head's nonce; the answer a box of the response key bound to it too.
 * - A box is a 12-byte random nonce and ChaCha20-Poly1305 of the bytes (tag last, RFC 8439).
 *
 * It hides what a page reads and sends from whoever listens on the Wi-Fi; it cannot stop one who
 * changes the page on its way (see docs/security.md).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { hex, unhex } from './ids.js'

/** The header of a sealed request: `<page key hex>.<base64url box of SealedHead>`. */
export const SEAL_HEADER = 'x-hypergas-seal'
/** The content type of a sealed body, either way. */
export const SEALED_TYPE = 'application/x-hypergas-sealed'
/** The header of a sealed answer that says what its box holds (`application/json`, `text/csv`...). */
export const INNER_TYPE_HEADER = 'x-hypergas-type'
/** Bytes of a box's nonce. */
export const NONCE_BYTES = 12
const INFO = new TextEncoder().encode('hypergas seal v1')

/** What the head of a sealed request holds. */
export interface SealedHead {
  /** When the page sealed it, ms since the epoch on the node's clock (as the page knows it). */
  t: number
  /** The page's session key (src/http/sessions.ts), when it has one. */
  k: string | null
}

/** The two keys of one page with one node (32 bytes each). */
export interface SealKeys {
  request: Uint8Array
  response: Uint8Array
}

/** The keys from the X25519 secret `shared` of the page's key `page` and the node's key `node` (32 bytes each). */
export function sealKeys (shared: Uint8Array, page: Uint8Array, node: Uint8Array): SealKeys {
  const salt = new Uint8Array(64)
  salt.set(page, 0)
  salt.set(node, 32)
  const okm = hkdf(sha256, shared, salt, INFO, 64)
  return { request: okm.slice(0, 32), response: okm.slice(32) }
}

/** A box of `plain` under `key`, bound to `aad`: nonce then ciphertext and tag. */
export function seal (key: Uint8Array, plain: Uint8Array, aad: Uint8Array): Uint8Array<ArrayBuffer> {
  const nonce = randomBytes(NONCE_BYTES)
  const ct = chacha20poly1305(key, nonce, aad).encrypt(plain)
  const out = new Uint8Array(NONCE_BYTES + ct.length)
  out.set(nonce, 0)
  out.set(ct, NONCE_BYTES)
  return out
}

/** What box `box` holds, or null when it was not sealed under `key` and `aad` (or was changed). */
export function unseal (key: Uint8Array, box: Uint8Array, aad: Uint8Array): Uint8Array<ArrayBuffer> | null {
  if (box.length < NONCE_BYTES + 16) return null
  try { return new Uint8Array(chacha20poly1305(key, box.subarray(0, NONCE_BYTES), aad).decrypt(box.subarray(NONCE_BYTES))) } catch { return null }
}

/** The bytes a request's head is bound to: its method and address (path and query). */
export function headBinding (method: string, url: string): Uint8Array {
  return new TextEncoder().encode(`${method.toUpperCase()} ${url}`)
}

const b64url = (b: Uint8Array): string => {
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** One sealed request as the page sends it, and how to open its answer. */
export interface SealedRequest {
  /** The value of {@link SEAL_HEADER}. */
  header: string
  /** The body as a box, when there is one. */
  body?: Uint8Array<ArrayBuffer>
  /** Opens the answer's box (null: not sealed for this request). */
  open: (box: Uint8Array) => Uint8Array<ArrayBuffer> | null
}

/** The page's side: its key with one node's (`nodeKey`: 64 hex), for as long as the page is open. */
export class PageSeal {
  readonly nodeKey: string
  private readonly pub: string
  private readonly keys: SealKeys

  constructor (nodeKey: string) {
    const secret = x25519.utils.randomSecretKey()
    const page = x25519.getPublicKey(secret)
    const node = unhex(nodeKey)
    this.nodeKey = nodeKey
    this.pub = hex(page)
    this.keys = sealKeys(x25519.getSharedSecret(secret, node), page, node)
  }

  /** Seals a request of `method` to `url` (path and query) with its head and its body (UTF-8 text). */
  request (method: string, url: string, head: SealedHead, body?: string): SealedRequest {
    const boxed = seal(this.keys.request, new TextEncoder().encode(JSON.stringify(head)), headBinding(method, url))
    const nonce = boxed.slice(0, NONCE_BYTES)
    return {
      header: `${this.pub}.${b64url(boxed)}`,
      ...(body === undefined ? {} : { body: seal(this.keys.request, new TextEncoder().encode(body), nonce) }),
      open: (box) => unseal(this.keys.response, box, nonce)
    }
  }
}
