// Queries of the auth module (users, sessions, refresh tokens).
import type { Queryable } from '../../platform/db/pool.js';

/** A live session and its user's admin flag. Served by sessions_pkey and users_pkey. */
export async function findLiveSession(db: Queryable, sessionId: string, userId: string) {
  const result = await db.query<{ is_admin: boolean }>({
    name: 'auth_find_live_session',
    text: `SELECT u.is_admin FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    values: [sessionId, userId],
  });
  return result.rows[0];
}
