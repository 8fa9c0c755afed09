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

/** A barber with everything about them that changes rarely: one load serves every day and service. */
export interface BarberProfileRow {
  readonly locationId: string;
  readonly barberActive: boolean;
  readonly timezone: string;
  readonly slotIntervalMinutes: number;
  readonly minNoticeMinutes: number;
  readonly maxAdvanceDays: number;
  /** [weekday, start_minute, end_minute] triples. */
  readonly weekly: [number, number, number][];
  /** Special days from `since` on. */
  readonly specialDays: {
    day: string;
    available: boolean;
    windows: { start_minute: number; end_minute: number }[];
  }[];
  /** [start_ms, end_ms] of the time off that ends after `since`. */
  readonly timeOff: [number, number][];
  /** Every service of the location, as this barber offers it. */
  readonly services: ServiceOffering[];
}

const BARBER_PROFILE_SQL = `
SELECT b.location_id AS "locationId", b.is_active AS "barberActive", l.timezone,
       l.slot_interval_minutes AS "slotIntervalMinutes", l.min_notice_minutes AS "minNoticeMinutes",
       l.max_advance_days AS "maxAdvanceDays",
       (SELECT COALESCE(json_agg(json_build_array(w.weekday, w.start_minute, w.end_minute)), '[]')
          FROM working_hours w
         WHERE w.location_id = b.location_id AND w.barber_id = b.id) AS weekly,
       (SELECT COALESCE(json_agg(json_build_object('day', s.day, 'available', s.available,
                                                   'windows', s.windows)), '[]')
          FROM special_days s
         WHERE s.location_id = b.location_id AND s.barber_id = b.id AND s.day >= $2::date) AS "specialDays",
       (SELECT COALESCE(json_agg(json_build_array(
                 floor(EXTRACT(EPOCH FROM t.start_time) * 1000)::bigint,
                 floor(EXTRACT(EPOCH FROM t.end_time) * 1000)::bigint)), '[]')
          FROM time_off t
         WHERE t.location_id = b.location_id AND t.barber_id = b.id
           AND tstzrange(t.start_time, t.end_time) && tstzrange($3::timestamptz, NULL)) AS "timeOff",
       (SELECT COALESCE(json_agg(json_build_object(
                 'id', s.id,
                 'durationMinutes', COALESCE(bs.duration_minutes, s.duration_minutes),
                 'bufferMinutes', s.buffer_minutes,
                 'priceCents', COALESCE(bs.price_cents, s.price_cents),
                 'depositCents', LEAST(s.deposit_cents, COALESCE(bs.price_cents, s.price_cents)),
                 'currency', s.currency,
                 'isActive', s.is_active,
                 'bookableOnline', s.bookable_online,
                 'offered', COALESCE(bs.offered, true))), '[]')
          FROM services s
          LEFT JOIN barber_services bs
            ON bs.location_id = s.location_id AND bs.barber_id = b.id AND bs.service_id = s.id
         WHERE s.location_id = b.location_id) AS services
  FROM barbers b JOIN locations l ON l.id = b.location_id
 WHERE b.id = $1`;

/**
 * A barber's rules, weekly hours, and the special days and time off from `since` on, and the
 * location's services as the barber offers them, in one round trip. Served by barbers_id_idx,
 * locations_pkey, working_hours_barber_idx, special_days_pkey, time_off_barber_range_idx (gist),
 * services_pkey and barber_services_pkey.
 */
export async function findBarberProfile(
  db: Queryable,
  barberId: string,
  since: Date,
): Promise<BarberProfileRow | undefined> {
  const result = await db.query<BarberProfileRow>({
    name: 'scheduling_barber_profile',
    text: BARBER_PROFILE_SQL,
    values: [barberId, since.toISOString().slice(0, 10), since],
  });
  return result.rows[0];
}

/** What occupies a barber's chair on one day: active appointments and live holds. */
export interface DayBusyRow {
  /** [start_ms, busy_until_ms] pairs. */
  readonly appointments: [number, number][];
  /** When the first live hold of the day lapses (epoch ms): the day changes then without a write. */
  readonly holdsLapseAt: number | null;
}

export interface DayKey {
  readonly locationId: string;
  readonly barberId: string;
  readonly dayStart: Date;
  readonly dayEnd: Date;
}

/**
 * Per key, the appointments and live holds overlapping [dayStart, dayEnd), in the order of the keys:
 * one statement for a batch of barber-days (availability loads concurrent misses together), each a
 * range scan of appointments_barber_time_idx (location_id, barber_id, start_time) WHERE status <>
 * 'cancelled'.
 */
export async function findDaysBusy(db: Queryable, keys: readonly DayKey[]): Promise<DayBusyRow[]> {
  const result = await db.query<DayBusyRow>({
    name: 'scheduling_days_busy',
    text: `
SELECT COALESCE(b.busy, '[]') AS appointments, b.lapse AS "holdsLapseAt"
  FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[])
         WITH ORDINALITY AS k (location_id, barber_id, day_start, day_end, i)
 CROSS JOIN LATERAL (
   SELECT json_agg(json_build_array(
            floor(EXTRACT(EPOCH FROM a.start_time) * 1000)::bigint,
            floor(EXTRACT(EPOCH FROM a.busy_until) * 1000)::bigint)) AS busy,
          floor(EXTRACT(EPOCH FROM min(a.hold_expires_at)) * 1000)::float8 AS lapse
     FROM appointments a
    WHERE a.location_id = k.location_id AND a.barber_id = k.barber_id
      AND a.status <> 'cancelled' AND (a.status <> 'held' OR a.hold_expires_at > now())
      -- an appointment lasts under a day (720 min + 240 min buffer at most): bounds the index range
      AND a.start_time > k.day_start - interval '1 day' AND a.start_time < k.day_end
      AND a.busy_until > k.day_start
 ) b
 ORDER BY k.i`,
    values: [
      keys.map((k) => k.locationId),
      keys.map((k) => k.barberId),
      keys.map((k) => k.dayStart),
      keys.map((k) => k.dayEnd),
    ],
  });
  return result.rows;
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
