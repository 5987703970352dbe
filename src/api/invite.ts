/**
 * Invites (SPEC §7 `init`, `join`, `invite`): what a new admin's device needs to follow a group:
 * the group id, the founder's feed key and, as a hint, the other writer feeds the inviting node
 * follows: `hypergas1` followed by 128 hex chars, then 64 hex chars per feed (at most
 * {@link MAX_INVITE_FEEDS}). The hint lets a new node download every admin feed at once instead
 * of learning them from the founder's feed first (issue 5: sync); it grants nothing, since the
 * fold alone decides who writes (a feed that is no admin's is downloaded and skipped).
 * An invite holds no secret: a device that joins can read nothing until an admin's node accepts
 * its replication, and can write nothing that counts until the admins elect it.
 */
import { HypergasError } from '../errors.js'
import { toActId, toMemberId, type MemberId } from '../ids.js'
import type { GroupRef } from '../merge/replay.js'

const PREFIX = 'hypergas1'
/** Most feeds an invite names besides the founder's. */
export const MAX_INVITE_FEEDS = 16

/** A decoded invite. */
export interface Invite {
  group: GroupRef
  /** Writer feeds to follow from the start (hints, sorted, without the founder's). */
  feeds: MemberId[]
}

/** The invite string of a group, naming `feeds` (up to {@link MAX_INVITE_FEEDS}) as hints. */
export function encodeInvite (g: GroupRef, feeds: readonly MemberId[] = []): string {
  const hints = [...new Set(feeds)].filter((f) => f !== g.founder).sort().slice(0, MAX_INVITE_FEEDS)
  return `${PREFIX}${g.groupId}${g.founder}${hints.join('')}`
}

/**
 * Parses an invite.
 * @throws HypergasError BAD_INVITE
 */
export function decodeInvite (s: string): Invite {
  const t = String(s).trim()
  const n = (t.length - PREFIX.length - 128) / 64
  if (!t.startsWith(PREFIX) || !Number.isInteger(n) || n < 0 || n > MAX_INVITE_FEEDS) {
    throw HypergasError.BAD_INVITE(`expected "${PREFIX}" followed by 128 hex chars and up to ${MAX_INVITE_FEEDS} feeds of 64, got ${t.length} chars`)
  }
  try {
    const hex = t.slice(PREFIX.length)
    const feeds = Array.from({ length: n }, (_, i) => toMemberId(hex.slice(128 + 64 * i, 192 + 64 * i)))
    return { group: { groupId: toActId(hex.slice(0, 64)), founder: toMemberId(hex.slice(64, 128)) }, feeds }
  } catch {
    throw HypergasError.BAD_INVITE('invite contains characters that are not lowercase hex')
  }
}
