// Queries of the shops module (locations, memberships, barbers, services).
import type { Queryable } from '../../platform/db/pool.js';
import type { Role } from './location-access.js';

/** Served by memberships_pkey (location_id, user_id). */
export async function findMembershipRole(
  db: Queryable,
  locationId: string,
  userId: string,
): Promise<Role | undefined> {
  const result = await db.query<{ role: Role }>({
    name: 'shops_find_membership_role',
    text: 'SELECT role FROM memberships WHERE location_id = $1 AND user_id = $2',
    values: [locationId, userId],
  });
  return result.rows[0]?.role;
}
