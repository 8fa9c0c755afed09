// Queries of the shops module (locations, memberships, barbers, services).
import type { Queryable } from '../../platform/db/pool.js';
import type { Role } from './location-access.js';

export interface LocationRow {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  slot_interval_minutes: number;
  min_notice_minutes: number;
  max_advance_days: number;
  payment_window_minutes: number;
  /** ISO 8601 text from PostgreSQL's JSON rendering. */
  created_at: string;
}

const LOCATION_COLUMNS = `id, name, slug, timezone, currency, slot_interval_minutes, min_notice_minutes,
  max_advance_days, payment_window_minutes, to_json(created_at) #>> '{}' AS created_at`;

export interface NewLocation {
  name: string;
  slug: string;
  timezone: string;
  currency?: string | undefined;
  slot_interval_minutes?: number | undefined;
  min_notice_minutes?: number | undefined;
  max_advance_days?: number | undefined;
}

/** Unset rules take the column defaults (15-minute grid, 60 minutes' notice, 60 days ahead). */
export async function insertLocation(tx: Queryable, location: NewLocation): Promise<LocationRow> {
  const result = await tx.query<LocationRow>(
    `INSERT INTO locations (name, slug, timezone, currency, slot_interval_minutes, min_notice_minutes, max_advance_days)
     VALUES ($1, $2, $3, COALESCE($4, 'USD'), COALESCE($5, 15), COALESCE($6, 60), COALESCE($7, 60))
     RETURNING ${LOCATION_COLUMNS}`,
    [
      location.name,
      location.slug,
      location.timezone,
      location.currency ?? null,
      location.slot_interval_minutes ?? null,
      location.min_notice_minutes ?? null,
      location.max_advance_days ?? null,
    ],
  );
  return result.rows[0]!;
}

export type LocationPatch = Partial<Omit<LocationRow, 'id' | 'created_at'>>;

const PATCHABLE_LOCATION = [
  'name',
  'slug',
  'timezone',
  'currency',
  'slot_interval_minutes',
  'min_notice_minutes',
  'max_advance_days',
  'payment_window_minutes',
] as const;

/** Column names come from the fixed list above; values are parameters. */
export function setClause<K extends string>(
  columns: readonly K[],
  patch: Partial<Record<K, unknown>>,
  offset: number,
) {
  const present = columns.filter((c) => patch[c] !== undefined);
  return {
    sql: present.map((c, i) => `${c} = $${i + offset}`).join(', '),
    values: present.map((c) => patch[c]),
  };
}

export async function updateLocation(db: Queryable, id: string, patch: LocationPatch) {
  const set = setClause(PATCHABLE_LOCATION, patch, 2);
  const result = await db.query<LocationRow>(
    `UPDATE locations SET ${set.sql ? `${set.sql}, ` : ''}updated_at = now() WHERE id = $1 RETURNING ${LOCATION_COLUMNS}`,
    [id, ...set.values],
  );
  return result.rows[0];
}

/** Served by locations_pkey. */
export async function findLocation(db: Queryable, id: string): Promise<LocationRow | undefined> {
  const result = await db.query<LocationRow>({
    name: 'shops_find_location',
    text: `SELECT ${LOCATION_COLUMNS} FROM locations WHERE id = $1`,
    values: [id],
  });
  return result.rows[0];
}

/** Served by locations_slug_key. */
export async function findLocationBySlug(db: Queryable, slug: string): Promise<LocationRow | undefined> {
  const result = await db.query<LocationRow>({
    name: 'shops_find_location_by_slug',
    text: `SELECT ${LOCATION_COLUMNS} FROM locations WHERE slug = $1`,
    values: [slug],
  });
  return result.rows[0];
}

export async function insertCancellationPolicy(
  tx: Queryable,
  locationId: string,
  policy: { tiers: unknown; noShowFeeCents: number; firstTimeFullRefundMinHours: number | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO cancellation_policies (location_id, tiers, no_show_fee_cents, first_time_full_refund_min_hours)
     VALUES ($1, $2, $3, $4)`,
    [locationId, JSON.stringify(policy.tiers), policy.noShowFeeCents, policy.firstTimeFullRefundMinHours],
  );
}

// ── memberships ──────────────────────────────────────────────────────────────────────────────

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
}

/** Served by users_email_lower_key. */
export async function findUserIdByEmail(db: Queryable, email: string): Promise<string | undefined> {
  const result = await db.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [
    email,
  ]);
  return result.rows[0]?.id;
}

/** Inserts the membership unless one exists; returns the role the user now holds. */
export async function ensureMembership(tx: Queryable, locationId: string, userId: string, role: Role) {
  const result = await tx.query<{ role: Role; created: boolean }>(
    `WITH ins AS (
       INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (location_id, user_id) DO NOTHING RETURNING role)
     SELECT role, true AS created FROM ins UNION ALL
     SELECT role, false FROM memberships WHERE location_id = $1 AND user_id = $2 LIMIT 1`,
    [locationId, userId, role],
  );
  return result.rows[0]!;
}

/** Members with their accounts. Served by memberships_pkey (location_id, user_id). */
export async function findMembers(db: Queryable, locationId: string): Promise<MemberRow[]> {
  const result = await db.query<MemberRow>(
    `SELECT m.user_id, u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.location_id = $1 ORDER BY m.created_at, m.user_id LIMIT 1000`,
    [locationId],
  );
  return result.rows;
}

export async function findMember(db: Queryable, locationId: string, userId: string) {
  const result = await db.query<MemberRow>(
    `SELECT m.user_id, u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.location_id = $1 AND m.user_id = $2`,
    [locationId, userId],
  );
  return result.rows[0];
}

export async function deleteMembership(tx: Queryable, locationId: string, userId: string): Promise<void> {
  await tx.query('DELETE FROM memberships WHERE location_id = $1 AND user_id = $2', [locationId, userId]);
  // A removed barber stops taking bookings; their history stays.
  await tx.query(
    'UPDATE barbers SET is_active = false, updated_at = now() WHERE location_id = $1 AND user_id = $2',
    [locationId, userId],
  );
}
