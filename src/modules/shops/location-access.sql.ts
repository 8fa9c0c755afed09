// The one query behind tenant scope: a user's memberships, read on a cache miss of LocationAccess.
import type { Queryable } from '../../platform/db/pool.js';
import type { Membership } from './location-access.js';

/** Served by memberships_user_id_idx. Ordered so that answers (and /auth/me) are stable. */
export async function findMembershipsOfUser(db: Queryable, userId: string): Promise<Membership[]> {
  const result = await db.query<Membership>({
    name: 'shops_find_memberships_of_user',
    text: 'SELECT location_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at, location_id',
    values: [userId],
  });
  return result.rows;
}
