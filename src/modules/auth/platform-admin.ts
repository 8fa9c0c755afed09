// The platform-admin flag, granted and revoked by an operator from the command line (`npm run cli`).
// Every running process caches the flag with each live session (and in the user's view), so a change
// is announced on the invalidation channel: it takes effect at once, not when those caches lapse.
import type { InvalidationBatch } from '../../platform/cache/invalidation-bus.js';
import type { Queryable } from '../../platform/db/pool.js';
import { USER_PROFILE_TOPIC } from '../users/users.service.js';
import { setAdminFlagByEmail } from './auth.sql.js';
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
  const row = await setAdminFlagByEmail(db, email, isAdmin);
  return row && { userId: row.user_id, sessionIds: row.session_ids };
}

/** What every process must drop after the change: the sessions' facts and the user's view. */
export function adminFlagInvalidations(change: AdminFlagChange): InvalidationBatch {
  return [
    [SESSION_TOPIC, change.sessionIds],
    [USER_PROFILE_TOPIC, [change.userId]],
  ];
}
