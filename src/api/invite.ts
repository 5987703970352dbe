/**
 * Invites (SPEC §7 `init`, `join`, `invite`): what a new admin's device needs to follow a group:
 * the group id, the founder's feed key and, as a hint, the other writer feeds the inviting node
 * follows: `hypergas1` followed by 128 hex chars, then 64 hex chars per feed (at most
 * {@link MAX_INVITE_FEEDS}), then 8 hex chars of check ({@link CHECK_CHARS}: a mistyped invite is
 * refused instead of following a group nobody has; invites from before the check still decode). The hint lets a new node download every admin feed at once instead
 * of learning them from the founder's feed first (issue 5: sync); it grants nothing, since the
 * fold alone decides who writes (a feed that is no admin's is downloaded and skipped).
 * An invite holds no secret: a device that joins can read nothing until an admin's node accepts
 * its replication, and can write nothing that counts until the admins elect it.
 */
import { createHash } from 'node:crypto'
import { HypergasError } from '../errors.js'
import { toActId, toMemberId, type MemberId } from '../ids.js'
import type { GroupRef } from '../merge/replay.js'

const PREFIX = 'hypergas1'
/** Hex chars of an invite's check: the first 4 bytes of SHA-256 of what comes before them. */
const CHECK_CHARS = 8
const check = (body: string): string => createHash('sha256').update(body).digest('hex').slice(0, CHECK_CHARS)

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
  const body = `${PREFIX}${g.groupId}${g.founder}${hints.join('')}`
  return body + check(body)
}

/**
 * Parses an invite.
 * @throws HypergasError BAD_INVITE
 */
export function decodeInvite (s: string): Invite {
  let t = String(s).trim()
  if ((t.length - PREFIX.length - 128) % 64 === CHECK_CHARS) {
    if (check(t.slice(0, -CHECK_CHARS)) !== t.slice(-CHECK_CHARS)) throw HypergasError.BAD_INVITE('the invite\'s check does not match: a character was changed or lost')
    t = t.slice(0, -CHECK_CHARS)
  }
  const n = (t.length - PREFIX.length - 128) / 64
  if (!t.startsWith(PREFIX) || !Number.isInteger(n) || n < 0 || n > MAX_INVITE_FEEDS) {
    throw HypergasError.BAD_INVITE(`expected "${PREFIX}" followed by 128 hex chars, up to ${MAX_INVITE_FEEDS} feeds of 64 and ${CHECK_CHARS} of check, got ${String(s).trim().length} chars`)
  }
  try {
    const hex = t.slice(PREFIX.length)
    const feeds = Array.from({ length: n }, (_, i) => toMemberId(hex.slice(128 + 64 * i, 192 + 64 * i)))
    return { group: { groupId: toActId(hex.slice(0, 64)), founder: toMemberId(hex.slice(64, 128)) }, feeds }
  } catch {
    throw HypergasError.BAD_INVITE('invite contains characters that are not lowercase hex')
  }
}
