/**
 * Invites (SPEC §7 `init`, `join`, `invite`): what a new admin's device needs to follow a group,
 * the group id and the founder's feed key: `hypergas1` followed by 128 hex chars.
 * An invite holds no secret: a device that joins can read nothing until an admin's node accepts
 * its replication, and can write nothing that counts until the admins elect it.
 */
import { HypergasError } from '../errors.js'
import { toActId, toMemberId } from '../ids.js'
import type { GroupRef } from '../merge/replay.js'

const PREFIX = 'hypergas1'

/** The invite string of a group. */
export function encodeInvite (g: GroupRef): string {
  return `${PREFIX}${g.groupId}${g.founder}`
}

/**
 * Parses an invite.
 * @throws HypergasError BAD_INVITE
 */
export function decodeInvite (s: string): GroupRef {
  const t = String(s).trim()
  if (!t.startsWith(PREFIX) || t.length !== PREFIX.length + 128) {
    throw HypergasError.BAD_INVITE(`expected "${PREFIX}" followed by 128 hex chars, got ${t.length} chars`)
  }
  try {
    return { groupId: toActId(t.slice(PREFIX.length, PREFIX.length + 64)), founder: toMemberId(t.slice(PREFIX.length + 64)) }
  } catch {
    throw HypergasError.BAD_INVITE('invite contains characters that are not lowercase hex')
  }
}
