// Minimal declarations for the Holepunch modules hypergas uses (they ship no TypeScript types).
// Only the members called from src/ (and the benchmark) are declared.

declare module 'sodium-native' {
  const sodium: {
    crypto_sign_verify_detached (sig: Buffer, msg: Buffer, publicKey: Buffer): boolean
    /** Used by the benchmark's data generator only. */
    crypto_sign_seed_keypair (publicKey: Buffer, secretKey: Buffer, seed: Buffer): void
    crypto_sign_detached (sig: Buffer, msg: Buffer, secretKey: Buffer): void
    /** SHA-256 of `input` into the 32 bytes of `out` (act ids). */
    crypto_hash_sha256 (out: Buffer, input: Buffer): void
    // Backups (src/node/storage/backup.ts): Argon2id, XChaCha20-Poly1305, BLAKE2b, random bytes.
    crypto_pwhash (out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): void
    readonly crypto_pwhash_ALG_ARGON2ID13: number
    readonly crypto_pwhash_SALTBYTES: number
    readonly crypto_pwhash_OPSLIMIT_MIN: number
    readonly crypto_pwhash_MEMLIMIT_MIN: number
    /** Returns the ciphertext length (message + ABYTES). */
    crypto_aead_xchacha20poly1305_ietf_encrypt (c: Buffer, m: Buffer, ad: Buffer | null, nsec: null, npub: Buffer, k: Buffer): number
    /** Returns the message length. @throws Error when the tag does not verify */
    crypto_aead_xchacha20poly1305_ietf_decrypt (m: Buffer, nsec: null, c: Buffer, ad: Buffer | null, npub: Buffer, k: Buffer): number
    readonly crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number
    readonly crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number
    readonly crypto_aead_xchacha20poly1305_ietf_ABYTES: number
    crypto_generichash (out: Buffer, input: Buffer, key?: Buffer): void
    randombytes_buf (buf: Buffer): void
    sodium_memzero (buf: Buffer): void
  }
  export default sodium
}

declare module 'hypercore' {
  import { EventEmitter } from 'node:events'
  export interface Manifest { version: number, signers: Array<{ publicKey: Buffer }> }
  export default class Hypercore extends EventEmitter {
    static key (manifest: Manifest | Buffer): Buffer
    static discoveryKey (key: Buffer): Buffer
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly contiguousLength: number
    /** Merkle tree hash of the first `length` blocks (default: all). */
    treeHash (length?: number): Promise<Buffer>
    readonly writable: boolean
    /** True once close() started (hypercore also closes a core itself after proving a fork). */
    readonly closing: boolean
    readonly closed: boolean
    /** `remoteSynced`: the peer's sync message (its length) has arrived. */
    readonly peers: Array<{ remotePublicKey: Buffer, remoteLength: number, remoteContiguousLength?: number, remoteSynced?: boolean, stats?: unknown }>
    ready (): Promise<void>
    append (blocks: Buffer | Buffer[]): Promise<{ length: number, byteLength: number }>
    get (index: number, opts?: { wait?: boolean, timeout?: number }): Promise<Buffer | null>
    has (index: number): Promise<boolean>
    /** Asks peers for a longer signed length; a writable core only with `force` (hypercore 11). */
    update (opts?: { wait?: boolean, force?: boolean }): Promise<boolean>
    download (range?: { start?: number, end?: number, linear?: boolean }): { done (): Promise<void>, destroy (): void }
    close (): Promise<void>
  }
}

declare module 'hypercore/lib/merkle-tree.js' {
  /** A proof being built: its reads are queued in the read batch; `settle` awaits them. */
  export interface PendingProof { settle (): Promise<{ fork: number, upgrade: { start: number, length: number, signature?: Buffer } | null }> }
  /** Hypercore's Merkle tree (internal module of hypercore 11): a proof of the tree of `state`, as its replicator makes one for a peer. */
  export const MerkleTree: { proof (state: unknown, rx: unknown, req: { block: null, hash: null, seek: null, upgrade: { start: number, length: number } }): Promise<PendingProof> }
}

declare module 'fs-native-extensions' {
  /** An exclusive (or `shared`) lock on the open file `fd`, held until it is closed (Linux: an open-file-description lock); false when another holds one. */
  export function tryLock (fd: number, opts?: { shared?: boolean }): boolean
}

declare module 'corestore' {
  import type Hypercore from 'hypercore'
  import type { Manifest } from 'hypercore'
  import { EventEmitter } from 'node:events'
  /** Emits 'close' once closed (ready-resource). */
  export default class Corestore extends EventEmitter {
    constructor (storage: string, opts?: Record<string, unknown>)
    ready (): Promise<void>
    get (opts: { keyPair?: { publicKey: Buffer, secretKey: Buffer }, manifest?: Manifest, key?: Buffer, name?: string }): Hypercore
    /** A replication stream (pass true/false for the initiator side), or attach to a stream. */
    replicate (stream: unknown): NodeJS.ReadWriteStream
    close (): Promise<void>
  }
}

declare module 'hyperdht' {
  import { EventEmitter } from 'node:events'
  export interface DHTOptions {
    bootstrap?: Array<string | { host: string, port: number }>
    port?: number
    host?: string
    ephemeral?: boolean
    firewalled?: boolean
  }
  export default class HyperDHT extends EventEmitter {
    constructor (opts?: DHTOptions)
    static bootstrapper (port: number, host: string, opts?: DHTOptions): HyperDHT
    ready (): Promise<void>
    fullyBootstrapped (): Promise<void>
    address (): { host: string, port: number }
    /** Adds a DHT node to the routing table (dht-rpc). */
    addNode (node: { host: string, port: number }): void
    /** `force`: close the socket at once, not waiting for queries under way. */
    destroy (opts?: { force?: boolean }): Promise<void>
  }
}

declare module 'hyperswarm' {
  import { EventEmitter } from 'node:events'
  import type HyperDHT from 'hyperdht'
  export interface PeerInfo { publicKey: Buffer }
  export interface Connection extends EventEmitter {
    remotePublicKey: Buffer
    rawStream?: { remoteHost?: string, remotePort?: number, bytesReceived?: number, bytesTransmitted?: number }
    destroy (err?: Error): void
    /** Sends an empty message every `ms` (0: none). */
    setKeepAlive (ms: number): void
    /** Destroys the connection after `ms` without a byte received (0: never). */
    setTimeout (ms: number): void
  }
  /** What a swarm knows of one peer (only what hypergas uses). */
  export interface PeerInfo {
    /** A banned peer is neither connected to nor accepted until unbanned (hyperswarm index.js `_connect`, `_handleFirewall`). */
    ban (banned: boolean): void
  }
  export interface Discovery { flushed (): Promise<void>, refresh (opts?: { client?: boolean, server?: boolean }): Promise<void>, destroy (): Promise<void> }
  export default class Hyperswarm extends EventEmitter {
    /** `firewall`: true to refuse a peer's connection, both ways; Hyperswarm then bans the peer (index.js `_handleFirewall`). */
    constructor (opts?: { dht?: HyperDHT, keyPair?: { publicKey: Buffer, secretKey: Buffer }, bootstrap?: unknown, firewall?: (remotePublicKey: Buffer, payload: unknown) => boolean })
    readonly connections: Set<Connection>
    /** The peers it knows of, by public key (hex): met, found by a lookup, or joined. */
    readonly peers: Map<string, PeerInfo>
    join (topic: Buffer, opts?: { server?: boolean, client?: boolean }): Discovery
    leave (topic: Buffer): Promise<void>
    /** Connects to the peer of `publicKey` and keeps reconnecting until leavePeer. */
    joinPeer (publicKey: Buffer): void
    leavePeer (publicKey: Buffer): void
    /** Closes every connection and stops announcing and looking up until resume(). */
    suspend (): Promise<void>
    resume (): Promise<void>
    /** The DHT node it announces and looks up on (its own, or the one it was given). */
    readonly dht: HyperDHT
    /** Leaves every topic (withdrawing the announcements), closes every connection and the DHT. */
    destroy (): Promise<void>
  }
}

declare module 'protomux' {
  import type { Encoder } from 'compact-encoding'
  /** One protocol channel of a connection (only what hypergas uses). */
  export interface Channel<H> { open (handshake: H): void, close (): void }
  export default class Protomux {
    /** The connection's muxer: the one Hypercore's replication set up on it, or a new one. */
    static from (stream: unknown): Protomux
    /** A channel of `protocol`; null when one is open already on this connection, or the connection is gone. */
    createChannel<H> (opts: { protocol: string, id?: Buffer | null, handshake?: Encoder<H>, onopen?: (handshake: H) => void, onclose?: () => void }): Channel<H> | null
  }
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'
  interface Testnet { nodes: HyperDHT[], bootstrap: Array<{ host: string, port: number }>, destroy (): Promise<void> }
  export default function createTestnet (size?: number, opts?: unknown): Promise<Testnet>
}

declare module 'multicast-dns' {
  import { EventEmitter } from 'node:events'
  export interface MdnsRecord { name: string, type: string, ttl?: number, data?: unknown }
  export interface MdnsPacket { questions?: Array<{ name: string, type: string }>, answers?: MdnsRecord[], additionals?: MdnsRecord[] }
  export interface MulticastDns extends EventEmitter {
    /** `sent`: called once the packet is sent, with the send's error if it failed. */
    query (packet: MdnsPacket, sent?: (err?: Error | null) => void): void
    respond (packet: MdnsPacket, rinfo?: null, sent?: (err?: Error | null) => void): void
    destroy (): void
  }
  /** `interface`: the address whose interface sends and joins the group; `bind`: the address the socket binds (default: `interface`). */
  export default function multicastDns (opts?: { interface?: string, bind?: string, port?: number, ip?: string, ttl?: number, loopback?: boolean, reuseAddr?: boolean }): MulticastDns
}
