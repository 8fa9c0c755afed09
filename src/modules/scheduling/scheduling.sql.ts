// Queries of the scheduling module: the barber-day (the availability hot path) and schedules.
import type { Queryable } from '../../platform/db/pool.js';

/** The service as one barber offers it: their own price/duration when set. */
export interface ServiceOffering {
  readonly id: string;
  readonly durationMinutes: number;
  readonly bufferMinutes: number;
  readonly priceCents: number;
  readonly depositCents: number;
  readonly currency: string;
  readonly isActive: boolean;
  readonly bookableOnline: boolean;
  readonly offered: boolean;
}

/** One barber on one local date, with the location's rules: all the engine needs, in one row. */
export interface BarberDayRow {
  readonly locationId: string;
  readonly barberActive: boolean;
  readonly timezone: string;
  readonly slotIntervalMinutes: number;
  readonly minNoticeMinutes: number;
  readonly maxAdvanceDays: number;
  readonly date: string;
  /** [start_minute, end_minute] pairs of the weekday. */
  readonly weekly: [number, number][];
  readonly special: { available: boolean; windows: { start_minute: number; end_minute: number }[] } | null;
  /** [start_ms, end_ms] pairs. */
  readonly timeOff: [number, number][];
  readonly appointments: [number, number][];
  /** When the first live hold of the day lapses (epoch ms): the day changes then without a write. */
  readonly holdsLapseAt: number | null;
  readonly service: ServiceOffering | null;
}

const BARBER_DAY_SQL = `
WITH d AS (
  SELECT b.location_id, b.id AS barber_id, b.is_active, l.timezone, l.slot_interval_minutes,
         l.min_notice_minutes, l.max_advance_days,
         COALESCE($3::date, ($4::timestamptz AT TIME ZONE l.timezone)::date) AS day
    FROM barbers b JOIN locations l ON l.id = b.location_id
   WHERE b.id = $1 AND ($5::uuid IS NULL OR b.location_id = $5)
), r AS (
  SELECT d.*, d.day::timestamp AT TIME ZONE d.timezone AS day_start,
         (d.day + 1)::timestamp AT TIME ZONE d.timezone AS day_end
    FROM d
)
SELECT r.location_id AS "locationId", r.is_active AS "barberActive", r.timezone,
       r.slot_interval_minutes AS "slotIntervalMinutes", r.min_notice_minutes AS "minNoticeMinutes",
       r.max_advance_days AS "maxAdvanceDays", r.day::text AS date,
       (SELECT COALESCE(json_agg(json_build_array(w.start_minute, w.end_minute)), '[]')
          FROM working_hours w
         WHERE w.location_id = r.location_id AND w.barber_id = r.barber_id
           AND w.weekday = EXTRACT(ISODOW FROM r.day)) AS weekly,
       (SELECT json_build_object('available', s.available, 'windows', s.windows)
          FROM special_days s
         WHERE s.location_id = r.location_id AND s.barber_id = r.barber_id AND s.day = r.day) AS special,
       (SELECT COALESCE(json_agg(json_build_array(
                 floor(EXTRACT(EPOCH FROM t.start_time) * 1000)::bigint,
                 floor(EXTRACT(EPOCH FROM t.end_time) * 1000)::bigint)), '[]')
          FROM time_off t
         WHERE t.location_id = r.location_id AND t.barber_id = r.barber_id
           AND tstzrange(t.start_time, t.end_time) && tstzrange(r.day_start, r.day_end)) AS "timeOff",
       COALESCE(ap.busy, '[]') AS appointments, ap.lapse AS "holdsLapseAt",
       (SELECT json_build_object(
                 'id', s.id,
                 'durationMinutes', COALESCE(bs.duration_minutes, s.duration_minutes),
                 'bufferMinutes', s.buffer_minutes,
                 'priceCents', COALESCE(bs.price_cents, s.price_cents),
                 'depositCents', LEAST(s.deposit_cents, COALESCE(bs.price_cents, s.price_cents)),
                 'currency', s.currency,
                 'isActive', s.is_active,
                 'bookableOnline', s.bookable_online,
                 'offered', COALESCE(bs.offered, true))
          FROM services s
          LEFT JOIN barber_services bs
            ON bs.location_id = s.location_id AND bs.barber_id = r.barber_id AND bs.service_id = s.id
         WHERE s.location_id = r.location_id AND s.id = $2) AS service
  FROM r
  -- One scan of appointments_barber_time_idx gives both the busy ranges and when the first live hold
  -- lapses (hold_expires_at is null for every status but 'held').
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(
             floor(EXTRACT(EPOCH FROM a.start_time) * 1000)::bigint,
             floor(EXTRACT(EPOCH FROM a.busy_until) * 1000)::bigint)) AS busy,
           floor(EXTRACT(EPOCH FROM min(a.hold_expires_at)) * 1000)::float8 AS lapse
      FROM appointments a
     WHERE $6::boolean
       AND a.location_id = r.location_id AND a.barber_id = r.barber_id
       AND a.status <> 'cancelled' AND (a.status <> 'held' OR a.hold_expires_at > now())
       -- an appointment lasts under a day (720 min + 240 min buffer at most): bounds the index range
       AND a.start_time > r.day_start - interval '1 day' AND a.start_time < r.day_end
       AND a.busy_until > r.day_start
  ) ap ON true`;

/**
 * The barber-day in one round trip: rules, weekly windows, special day, time off, and (when asked)
 * the active appointments and live holds. Served by barbers_id_idx, locations_pkey,
 * working_hours_barber_idx, special_days_pkey, time_off_barber_range_idx (gist),
 * appointments_barber_time_idx (location_id, barber_id, start_time) WHERE status <> 'cancelled', and
 * services_pkey + barber_services_pkey. The date is either given or the local date of `at`.
 */
export async function findBarberDay(
  db: Queryable,
  params: {
    barberId: string;
    serviceId: string;
    date?: string;
    at?: Date;
    locationId?: string;
    withAppointments: boolean;
  },
): Promise<BarberDayRow | undefined> {
  const result = await db.query<BarberDayRow>({
    name: 'scheduling_barber_day',
    text: BARBER_DAY_SQL,
    values: [
      params.barberId,
      params.serviceId,
      params.date ?? null,
      params.at ?? null,
      params.locationId ?? null,
      params.withAppointments,
    ],
  });
  return result.rows[0];
}

/**
 * A location's time zone, active barbers in display order, and whether the service is one of its own.
 * Served by locations_pkey, barbers_pkey (location_id, id) and services_pkey.
 */
export async function findLocationBarbers(
  db: Queryable,
  locationId: string,
  serviceId: string,
): Promise<{ timezone: string; barberIds: string[]; serviceExists: boolean } | undefined> {
  const result = await db.query<{ timezone: string; barberIds: string[]; serviceExists: boolean }>({
    name: 'scheduling_location_barbers',
    text: `SELECT l.timezone,
                  ARRAY(SELECT b.id FROM barbers b WHERE b.location_id = l.id AND b.is_active
                         ORDER BY b.display_name, b.id) AS "barberIds",
                  EXISTS (SELECT 1 FROM services s WHERE s.location_id = l.id AND s.id = $2) AS "serviceExists"
             FROM locations l WHERE l.id = $1`,
    values: [locationId, serviceId],
  });
  return result.rows[0];
}
