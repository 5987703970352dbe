/**
 * How a statement line's movement is named to people (SPEC §7), shared by the CLI and the web
 * page; types only, so the page's bundle takes no module of the node.
 */
import type { Movement, MovementKind } from '../fold/state.js'

/** The kind a movement is shown as: a shared cost that gives credit back (`deltaCents` > 0) is a discount. */
export function shownKind (m: Pick<Movement, 'kind' | 'deltaCents'>): MovementKind | 'discount' {
  return m.kind === 'cost' && m.deltaCents > 0 ? 'discount' : m.kind
}
