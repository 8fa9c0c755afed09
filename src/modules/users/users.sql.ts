// Queries of the user profile (the users table is the auth module's; this is its read/edit view).
import type { Queryable } from '../../platform/db/pool.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  is_admin: boolean;
  email_verified: boolean;
  mfa_enabled: boolean;
  created_at: Date;
}

export const USER_COLUMNS = `id, email, name, phone, is_admin, email_verified_at IS NOT NULL AS email_verified,
  mfa_enabled_at IS NOT NULL AS mfa_enabled, created_at`;

/** Served by users_pkey; read on every profile cache miss. */
export async function findUserById(db: Queryable, userId: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>({
    name: 'users_find_by_id',
    text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
    values: [userId],
  });
  return result.rows[0];
}

/** Served by users_pkey. Only name and phone; `undefined` keeps the current value. */
export async function updateUserProfile(
  db: Queryable,
  userId: string,
  patch: { name?: string | undefined; phone?: string | null | undefined },
): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>({
    text: `UPDATE users SET
             name = COALESCE($2, name),
             phone = CASE WHEN $3::boolean THEN $4 ELSE phone END,
             updated_at = now()
           WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    values: [userId, patch.name ?? null, patch.phone !== undefined, patch.phone ?? null],
  });
  return result.rows[0];
}
