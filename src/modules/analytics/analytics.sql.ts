// The analytics queries. Analytics owns no table: it is a read model over the tables of shops,
// scheduling, booking and payments, so its queries read them directly (read-only, on the replica when
// one is configured: analytics may be a little stale, DESIGN §2). Local days are computed in SQL with
// `AT TIME ZONE` of the location's IANA zone, which is exact across DST.
import type { Queryable } from '../../platform/db/pool.js';
import type { LocalRange } from './date-range.js';
import type { Window } from './working-time.js';

/** What a query covers: a location (or one of its barbers) over local dates, [start, end) as instants. */
export interface Span {
  readonly locationId: string;
  readonly barberId: string | null;
  readonly timezone: string;
  readonly range: LocalRange;
  /** The first instant of range.from and of the day after range.to, in the location's zone. */
  readonly start: Date;
  readonly end: Date;
}

export interface LocationSettings {
  timezone: string;
  currency: string;
  annual_income_target_cents: number;
  /** Whether the barber asked about (if any) works at the location. */
  barber_found: boolean;
}

/** The location's zone, currency and target, and whether `barberId` is one of its barbers. Served by the two primary keys. */
export async function findLocationSettings(
  db: Queryable,
  locationId: string,
  barberId: string | null,
): Promise<LocationSettings | undefined> {
  const result = await db.query<LocationSettings>({
    name: 'analytics_location_settings',
    text: `SELECT l.timezone, l.currency, l.annual_income_target_cents,
       ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM barbers b WHERE b.location_id = l.id AND b.id = $2)) AS barber_found
FROM locations l WHERE l.id = $1`,
    values: [locationId, barberId],
  });
  return result.rows[0];
}

/** The caller's own barber row at the location. Served by barbers_location_id_user_id_key. */
export async function findOwnBarberId(
  db: Queryable,
  locationId: string,
  userId: string,
): Promise<string | undefined> {
  const result = await db.query<{ id: string }>({
    name: 'analytics_own_barber',
    text: 'SELECT id FROM barbers WHERE location_id = $1 AND user_id = $2',
    values: [locationId, userId],
  });
  return result.rows[0]?.id;
}

export interface RevenueDay {
  /** Local date of completion (YYYY-MM-DD). */
  day: string;
  /** Charged plus paid from gift certificates. */
  gross_cents: number;
  gift_certificate_cents: number;
  /** Refunded by card and given back to gift certificates. */
  refunded_cents: number;
  payment_count: number;
}

/**
 * Succeeded payments completed in [start, end), per local day. An index-only scan of
 * payments_completed_idx (location_id, completed_at) INCLUDE (amount_cents, gift_certificate_cents,
 * refunded_cents, gift_certificate_refunded_cents, barber_id) WHERE status = 'succeeded' (migration
 * 0009): every column read is in the index, the barber filter included.
 */
export async function findRevenueByDay(db: Queryable, span: Span): Promise<RevenueDay[]> {
  const result = await db.query<RevenueDay>({
    name: 'analytics_revenue_by_day',
    text: `SELECT (completed_at AT TIME ZONE $4)::date AS day,
       sum(amount_cents + gift_certificate_cents)::bigint AS gross_cents,
       sum(gift_certificate_cents)::bigint AS gift_certificate_cents,
       sum(refunded_cents + gift_certificate_refunded_cents)::bigint AS refunded_cents,
       count(*)::int AS payment_count
FROM payments
WHERE location_id = $1 AND status = 'succeeded' AND completed_at >= $2 AND completed_at < $3
  AND ($5::uuid IS NULL OR barber_id = $5)
GROUP BY 1`,
    values: [span.locationId, span.start, span.end, span.timezone, span.barberId],
  });
  return result.rows;
}

export interface AppointmentDay {
  day: string;
  status: string;
  count: number;
}

/** Appointments starting in [start, end) per local day and status (holds excluded). Served by appointments_location_time_idx. */
export async function findAppointmentsByDay(db: Queryable, span: Span): Promise<AppointmentDay[]> {
  const result = await db.query<AppointmentDay>({
    name: 'analytics_appointments_by_day',
    text: `SELECT (start_time AT TIME ZONE $4)::date AS day, status, count(*)::int AS count
FROM appointments
WHERE location_id = $1 AND start_time >= $2 AND start_time < $3 AND status <> 'held'
  AND ($5::uuid IS NULL OR barber_id = $5)
GROUP BY 1, 2`,
    values: [span.locationId, span.start, span.end, span.timezone, span.barberId],
  });
  return result.rows;
}

export interface VisitFigures {
  completed: number;
  no_shows: number;
  booked_minutes: number;
  clients: number;
  returning_clients: number;
  rebooked_clients: number;
}

/**
 * The dashboard's appointment figures over [start, end): completed and no-show counts, booked minutes
 * (every status holding the chair), clients with a completed visit, those with more than one, and those
 * with a live booking after their last visit (any time later, beyond the range too; with the same barber
 * when filtered). The range is read through appointments_location_time_idx, the later bookings through
 * appointments_client_time_idx.
 */
export async function findVisitFigures(db: Queryable, span: Span): Promise<VisitFigures> {
  const result = await db.query<VisitFigures>({
    name: 'analytics_visit_figures',
    text: `WITH booked AS (
  SELECT client_id, status, start_time, end_time FROM appointments
  WHERE location_id = $1 AND start_time >= $2 AND start_time < $3 AND status NOT IN ('held', 'cancelled')
    AND ($4::uuid IS NULL OR barber_id = $4)
), visitors AS (
  SELECT client_id, count(*) AS visits, max(start_time) AS last_visit FROM booked
  WHERE status = 'completed' GROUP BY client_id
)
SELECT (SELECT count(*) FROM booked WHERE status = 'completed')::int AS completed,
       (SELECT count(*) FROM booked WHERE status = 'no_show')::int AS no_shows,
       (SELECT coalesce(sum(extract(epoch FROM end_time - start_time)), 0) / 60 FROM booked)::float8 AS booked_minutes,
       (SELECT count(*) FROM visitors)::int AS clients,
       (SELECT count(*) FROM visitors WHERE visits > 1)::int AS returning_clients,
       (SELECT count(*) FROM visitors v WHERE EXISTS (
          SELECT 1 FROM appointments a
          WHERE a.location_id = $1 AND a.client_id = v.client_id AND a.start_time > v.last_visit
            AND a.status NOT IN ('held', 'cancelled') AND ($4::uuid IS NULL OR a.barber_id = $4)))::int AS rebooked_clients`,
    values: [span.locationId, span.start, span.end, span.barberId],
  });
  return result.rows[0]!;
}

export interface ScheduleRow {
  barber_id: string;
  weekly: (Window & { weekday: number })[];
  special_days: { day: string; available: boolean; windows: Window[] }[];
  /** [start, end) in epoch milliseconds. */
  time_off: [number, number][];
}

/**
 * Working schedules for utilisation: the location's active barbers (or the one asked about, active or
 * not) with their weekly windows (working_hours_barber_idx), special days of the range (special_days
 * primary key) and time off touching [start, end) (time_off_barber_range_idx).
 */
export async function findSchedules(db: Queryable, span: Span): Promise<ScheduleRow[]> {
  const result = await db.query<ScheduleRow>({
    name: 'analytics_schedules',
    text: `SELECT b.id AS barber_id,
  (SELECT coalesce(json_agg(json_build_object('weekday', w.weekday, 'start_minute', w.start_minute, 'end_minute', w.end_minute)), '[]')
   FROM working_hours w WHERE w.location_id = b.location_id AND w.barber_id = b.id) AS weekly,
  (SELECT coalesce(json_agg(json_build_object('day', s.day, 'available', s.available, 'windows', s.windows)), '[]')
   FROM special_days s WHERE s.location_id = b.location_id AND s.barber_id = b.id AND s.day BETWEEN $2 AND $3) AS special_days,
  (SELECT coalesce(json_agg(json_build_array(extract(epoch FROM t.start_time) * 1000, extract(epoch FROM t.end_time) * 1000)), '[]')
   FROM time_off t WHERE t.location_id = b.location_id AND t.barber_id = b.id
     AND tstzrange(t.start_time, t.end_time) && tstzrange($4, $5)) AS time_off
FROM barbers b
WHERE b.location_id = $1 AND (CASE WHEN $6::uuid IS NULL THEN b.is_active ELSE b.id = $6 END)`,
    values: [span.locationId, span.range.from, span.range.to, span.start, span.end, span.barberId],
  });
  return result.rows;
}
