// The platform-admin flag, granted and revoked by an operator from the command line (`npm run cli`).
// Every running process caches the flag with each live session (and in the user's view), so a change
// is announced on the invalidation channel: it takes effect at once, not when those caches lapse.
import type { InvalidationBatch } from '../../platform/cache/invalidation-bus.js';
import type { Queryable } from '../../platform/db/pool.js';
import { USER_PROFILE_TOPIC } from '../users/users.service.js';
import { SESSION_TOPIC } from './sessions.cache.js';

export interface AdminFlagChange {
  readonly userId: string;
  /** The user's live sessions, whose cached facts now carry the old flag. */
  readonly sessionIds: string[];
}

/** Sets the flag of the user with this e-mail (any case); undefined when there is no such user. */
export async function setPlatformAdmin(
  db: Queryable,
  email: string,
  isAdmin: boolean,
): Promise<AdminFlagChange | undefined> {
  // One statement: the sessions listed are those live when the flag changed; a later one reads the new flag.
  const result = await db.query<AdminFlagChange>({
    text: `WITH changed AS (
             UPDATE users SET is_admin = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id)
           SELECT c.id AS "userId",
                  ARRAY(SELECT s.id FROM sessions s
                         WHERE s.user_id = c.id AND s.revoked_at IS NULL AND s.expires_at > now()) AS "sessionIds"
             FROM changed c`,
    values: [email, isAdmin],
  });
  return result.rows[0];
}

/** What every process must drop after the change: the sessions' facts and the user's view. */
export function adminFlagInvalidations(change: AdminFlagChange): InvalidationBatch {
  return [
    [SESSION_TOPIC, change.sessionIds],
    [USER_PROFILE_TOPIC, [change.userId]],
  ];
}
