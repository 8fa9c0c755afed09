// Reads of the booking module: an appointment with the people it belongs to, role-scoped lists,
// idempotent replays, guest look-ups and the cancellation terms.
import type { Queryable } from '../../platform/db/pool.js';
import type { AppointmentStatus } from './appointment-state.js';
import { APPOINTMENT_COLUMNS, type AppointmentRow } from './booking.sql.js';

const A_COLUMNS = APPOINTMENT_COLUMNS.replace(/(\w+)/g, 'a.$1');

/** The appointment and whose it is: the client's account and e-mail, the barber's account. */
export interface AppointmentWithParties extends AppointmentRow {
  client_user_id: string | null;
  client_email: string | null;
  client_visits: number | null;
  barber_user_id: string | null;
}

const WITH_PARTIES = `
SELECT ${A_COLUMNS}, c.user_id AS client_user_id, c.email AS client_email, c.visits AS client_visits,
       b.user_id AS barber_user_id
  FROM appointments a
  LEFT JOIN clients c ON c.location_id = a.location_id AND c.id = a.client_id
  JOIN barbers b ON b.location_id = a.location_id AND b.id = a.barber_id`;

/** Served by appointments_id_idx, then clients_pkey and barbers_pkey. */
export async function findAppointmentWithParties(
  db: Queryable,
  id: string,
): Promise<AppointmentWithParties | undefined> {
  const result = await db.query<AppointmentWithParties>({
    name: 'booking_find_with_parties',
    text: `${WITH_PARTIES} WHERE a.id = $1`,
    values: [id],
  });
  return result.rows[0];
}

/** A guest's booking by its code. Served by appointments_location_id_confirmation_code_key. */
export async function findAppointmentByCode(
  db: Queryable,
  locationId: string,
  code: string,
): Promise<AppointmentWithParties | undefined> {
  const result = await db.query<AppointmentWithParties>({
    name: 'booking_find_by_code',
    text: `${WITH_PARTIES} WHERE a.location_id = $1 AND a.confirmation_code = $2`,
    values: [locationId, code],
  });
  return result.rows[0];
}

/** The location a barber works at; a barber never moves (location_id is part of the key). Served by barbers_id_idx. */
export async function findBarberLocation(db: Queryable, barberId: string): Promise<string | undefined> {
  const result = await db.query<{ location_id: string }>({
    name: 'booking_barber_location',
    text: 'SELECT location_id FROM barbers WHERE id = $1',
    values: [barberId],
  });
  return result.rows[0]?.location_id;
}

/** The caller's barber rows in the given locations. Served by barbers_location_id_user_id_key. */
export async function findOwnChairs(
  db: Queryable,
  userId: string,
  locationIds: string[],
): Promise<{ locationId: string; barberId: string }[]> {
  if (locationIds.length === 0) return [];
  const result = await db.query<{ locationId: string; barberId: string }>({
    name: 'booking_own_chairs',
    text: `SELECT location_id AS "locationId", id AS "barberId" FROM barbers
            WHERE location_id = ANY($1::uuid[]) AND user_id = $2`,
    values: [locationIds, userId],
  });
  return result.rows;
}

/** Served by locations_slug_key. */
export async function findLocationIdBySlug(db: Queryable, slug: string): Promise<string | undefined> {
  const result = await db.query<{ id: string }>({
    name: 'booking_location_by_slug',
    text: 'SELECT id FROM locations WHERE slug = $1',
    values: [slug],
  });
  return result.rows[0]?.id;
}

export interface StoredIdempotency {
  request_hash: Buffer;
  appointment_id: string;
  /** The appointment as the first request returned it (JSON: instants are ISO strings). */
  first_result: Record<string, unknown> | null;
}

/** Served by idempotency_keys_pkey. */
export async function findIdempotencyKey(
  db: Queryable,
  scope: string,
  key: string,
): Promise<StoredIdempotency | undefined> {
  const result = await db.query<StoredIdempotency>({
    name: 'booking_find_idempotency_key',
    text: `SELECT request_hash, response_body->>'appointment_id' AS appointment_id,
                  response_body->'appointment' AS first_result
             FROM idempotency_keys WHERE scope = $1 AND key = $2`,
    values: [scope, key],
  });
  return result.rows[0];
}

/** Which appointments a caller may list: whole locations, their own chairs, their own client rows. */
export interface ListScope {
  locationIds: string[];
  /** The caller's barber rows, with the location of each (same order). */
  chairs: { locationId: string; barberId: string }[];
  /** The caller's user id: their client rows anywhere (clients_user_id_idx). Null: not included. */
  clientUserId: string | null;
}

export interface ListFilters {
  locationId?: string | undefined;
  barberId?: string | undefined;
  status?: AppointmentStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { startTime: Date; id: string } | undefined;
  limit: number;
}

// Holds are checkout state, not appointments: never listed. The time bounds are written as
// COALESCE(…) ranges rather than "$n IS NULL OR …" so that even a generic plan can seek the index.
const FILTERS = `a.status <> 'held'
   AND ($5::uuid IS NULL OR a.location_id = $5)
   AND ($6::uuid IS NULL OR a.barber_id = $6)
   AND ($7::text IS NULL OR a.status = $7)
   AND a.start_time >= GREATEST(COALESCE($8::timestamptz, '-infinity'), COALESCE($10::timestamptz, '-infinity'))
   AND a.start_time < COALESCE($9::timestamptz, 'infinity')
   AND ($10::timestamptz IS NULL OR (a.start_time, a.id) > ($10, $11::uuid))
 ORDER BY a.start_time, a.id LIMIT $12`;

/**
 * A page ordered by (start_time, id), merged without duplicates from one ordered, LIMITed index scan
 * per scope: each location by appointments_location_time_idx (location_id, start_time), each chair
 * likewise with the barber as a filter, each of the caller's client rows (clients_user_id_idx) by
 * appointments_client_time_idx (location_id, client_id, start_time). A page reads about `limit` rows
 * per scope, however large the table.
 */
export async function listAppointments(
  db: Queryable,
  scope: ListScope,
  f: ListFilters,
): Promise<AppointmentRow[]> {
  const result = await db.query<AppointmentRow>({
    name: 'booking_list',
    text: `
SELECT * FROM (
  (SELECT page.* FROM unnest($1::uuid[]) AS s(location_id)
     CROSS JOIN LATERAL (SELECT ${A_COLUMNS} FROM appointments a
                          WHERE a.location_id = s.location_id AND ${FILTERS}) page)
  UNION
  (SELECT page.* FROM unnest($2::uuid[], $3::uuid[]) AS s(location_id, barber_id)
     CROSS JOIN LATERAL (SELECT ${A_COLUMNS} FROM appointments a
                          WHERE a.location_id = s.location_id AND a.barber_id = s.barber_id
                            AND ${FILTERS}) page)
  UNION
  (SELECT page.* FROM clients c
     CROSS JOIN LATERAL (SELECT ${A_COLUMNS} FROM appointments a
                          WHERE a.location_id = c.location_id AND a.client_id = c.id AND ${FILTERS}) page
    WHERE c.user_id = $4::uuid)
) merged ORDER BY start_time, id LIMIT $12`,
    values: [
      scope.locationIds,
      scope.chairs.map((c) => c.locationId),
      scope.chairs.map((c) => c.barberId),
      scope.clientUserId,
      f.locationId ?? null,
      f.barberId ?? null,
      f.status ?? null,
      f.from ?? null,
      f.to ?? null,
      f.after?.startTime ?? null,
      f.after?.id ?? null,
      f.limit,
    ],
  });
  return result.rows;
}

export interface SweptRow {
  location_id: string;
  barber_id: string;
  start_time: Date;
  busy_until: Date;
}

/** Expired holds, a batch at a time. Served by appointments_held_expiry_idx. */
export async function deleteExpiredHolds(db: Queryable, batch: number): Promise<SweptRow[]> {
  const result = await db.query<SweptRow>({
    name: 'booking_sweep_holds',
    text: `
DELETE FROM appointments WHERE (location_id, id) IN (
  SELECT location_id, id FROM appointments
   WHERE status = 'held' AND hold_expires_at <= now()
   ORDER BY hold_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING location_id, barber_id, start_time, busy_until`,
    values: [batch],
  });
  return result.rows;
}

/** Pending bookings whose payment window lapsed, a batch at a time. Served by appointments_payment_due_idx. */
export async function findLapsedPending(
  db: Queryable,
  batch: number,
): Promise<{ location_id: string; id: string }[]> {
  const result = await db.query<{ location_id: string; id: string }>({
    name: 'booking_lapsed_pending',
    text: `SELECT location_id, id FROM appointments
            WHERE status = 'pending' AND payment_due_by <= now()
            ORDER BY payment_due_by LIMIT $1`,
    values: [batch],
  });
  return result.rows;
}

/**
 * Idempotency keys older than a day (as Stripe keeps them), a batch at a time. Served by
 * idempotency_keys_created_idx.
 */
export async function deleteOldIdempotencyKeys(db: Queryable, batch: number): Promise<number> {
  const result = await db.query({
    name: 'booking_sweep_idempotency_keys',
    text: `DELETE FROM idempotency_keys WHERE (scope, key) IN (
             SELECT scope, key FROM idempotency_keys WHERE created_at < now() - interval '24 hours'
              ORDER BY created_at LIMIT $1)`,
    values: [batch],
  });
  return result.rowCount ?? 0;
}
