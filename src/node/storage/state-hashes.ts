/**
 * The state hashes a node last showed, remembered across starts (issue 18 item 4, cold start).
 * Hashing the state renders all of it (~75 ms at 100,000 acts), and `hypergas status` shows the
 * hash of the state and of the confirmed state on every start. A replay is a pure function of
 * the usable blocks, so a node that closes with both hashes known writes them in `state-hashes`,
 * with the blocks they are the hashes of; a start whose first replay covers exactly the same
 * blocks takes them instead of hashing again.
 *
 * The blocks are named by their {@link headsKey}: per feed, the number of usable blocks and the
 * hash of the last one, whose `prev` chain pins every earlier block of the feed. The file (128
 * bytes) is that key, the two hashes and HMAC-SHA-256 of the three under the node's checkpoint
 * key (src/node/storage/checkpoint-seal.ts): a damaged, edited or other node's file, or one of
 * other blocks, is not used, and the hashes are computed as before. Like the checkpoint, it
 * assumes the fold of the hypergas that wrote it: the key names the checkpoint format version.
 */
import { timingSafeEqual } from 'node:crypto'
import { finishedStateHashKnown, rememberStateHash } from '../../fold/hash.js'
import { sha256 } from '../../crypto.js'
import type { Graph } from '../../merge/graph.js'
import type { GroupRef, Replay } from '../../merge/replay.js'
import { versionBytes } from './checkpoint-header.js'
import { mac } from './checkpoint-seal.js'
import { readOptional, writePrivate } from './datadir.js'

const DOMAIN = Buffer.from('hypergas state hashes v1\n', 'latin1')
const BYTES = 32
const FILE_BYTES = 4 * BYTES

/**
 * SHA-256 naming the usable blocks of `graph` in group `g`: the checkpoint format version (a
 * hypergas that folds otherwise bumps it), the group, then for each feed with usable blocks
 * (sorted) its key, its usable length (uint32) and its last usable block's hash.
 */
export function headsKey (graph: Graph, g: GroupRef): Buffer {
  const parts: Buffer[] = [DOMAIN, versionBytes(), Buffer.from(g.groupId, 'hex'), Buffer.from(g.founder, 'hex')]
  for (const f of graph.feedKeys()) {
    const last = graph.latest(f)
    if (last === undefined) continue
    const n = Buffer.alloc(4)
    n.writeUInt32LE(last.index + 1)
    parts.push(Buffer.from(f, 'hex'), n, last.hash)
  }
  return sha256(...parts)
}

/** True when `view` is the replay of every usable block of `graph` (none arrived since). */
const covers = (graph: Graph, view: Replay): boolean => view.blocks === graph.order().length

/**
 * Writes `file` with the hashes of `view`'s state and confirmed state when both are known
 * (finishedStateHash computed them) and `view` replays every usable block of `graph`; else
 * leaves any older file, which names other blocks, and is then not used.
 * @throws what writing the file throws (fs codes)
 */
export function saveStateHashes (file: string, key: Uint8Array, graph: Graph, g: GroupRef, view: Replay): void {
  const state = finishedStateHashKnown(view.state)
  const confirmed = finishedStateHashKnown(view.confirmed)
  if (state === undefined || confirmed === undefined || !covers(graph, view)) return
  const body = Buffer.concat([headsKey(graph, g), Buffer.from(state, 'hex'), Buffer.from(confirmed, 'hex')])
  const bytes = Buffer.concat([body, mac(key, DOMAIN, body)])
  // Unchanged (a start that read no new block): not written again (a rename took up to 0.36 s here).
  if (readOptional(file)?.equals(bytes) === true) return
  writePrivate(file, bytes)
}

/**
 * Gives `view` (the first replay of a start) the hashes of `file` when it names exactly the
 * blocks `view` replays and its MAC holds; anything else (no file, another length, other
 * blocks, a MAC that fails) gives nothing and the hashes are computed when asked. True when used.
 */
export function recallStateHashes (file: string, key: Uint8Array, graph: Graph, g: GroupRef, view: Replay): boolean {
  const bytes = readOptional(file)
  if (bytes === null || bytes.byteLength !== FILE_BYTES || !covers(graph, view)) return false
  const body = bytes.subarray(0, 3 * BYTES)
  if (!timingSafeEqual(mac(key, DOMAIN, body), bytes.subarray(3 * BYTES)) || !body.subarray(0, BYTES).equals(headsKey(graph, g))) return false
  rememberStateHash(view.state, body.toString('hex', BYTES, 2 * BYTES))
  rememberStateHash(view.confirmed, body.toString('hex', 2 * BYTES, 3 * BYTES))
  return true
}
