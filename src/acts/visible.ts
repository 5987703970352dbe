/**
 * What a person typed or pasted, before it is signed (SPEC §4 names and texts): every text of an
 * act body without the invisible characters and controls of direction of src/ids.ts
 * {@link withoutInvisible} (a name pasted from a phone's contacts comes wrapped in isolates, a
 * memo typed on a phone may carry a mark of direction). Acts signed elsewhere with them are still
 * valid: names are unique under a key without them (foldedName), and the interfaces show texts
 * without them ({@link shownVisible}, the CLI's print). No zod here: the members' page signs with it too.
 */
import { withoutInvisible } from '../ids.js'
import type { ActBody } from './types.js'

/** A JSON-like value with every string in it (at any depth) cleaned by {@link withoutInvisible}. */
function clean (v: unknown): unknown {
  if (typeof v === 'string') return withoutInvisible(v)
  if (Array.isArray(v)) return v.map(clean)
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    const out: { [field: string]: unknown } = {}
    for (const [k, x] of Object.entries(v)) out[k] = clean(x)
    return out
  }
  return v
}

/**
 * `value` (an answer of the node, JSON) with every text in it without invisible characters and
 * controls of direction: what the interfaces show (an act signed elsewhere may hold them, and a
 * right-to-left override in a name would turn the rest of its line around).
 */
export function shownVisible<T> (value: T): T {
  return clean(value) as T
}

/** `body` with its texts, at any depth (product names, listings), without invisible characters; ids and numbers unchanged. */
export function visibleOnly (body: ActBody): ActBody {
  return clean(body) as ActBody
}
