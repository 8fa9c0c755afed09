// Queries of barber schedules: weekly hours, time off, special days. Every statement is scoped by
// location_id, the leading column of each table's keys.
import type { Queryable } from '../../platform/db/pool.js';

export interface BarberRef {
  readonly locationId: string;
  readonly userId: string | null;
}

/** The barber's location and account. Served by barbers_id_idx. */
export async function findBarberRef(db: Queryable, barberId: string): Promise<BarberRef | undefined> {
  const result = await db.query<BarberRef>({
    name: 'schedules_find_barber',
    text: 'SELECT location_id AS "locationId", user_id AS "userId" FROM barbers WHERE id = $1',
    values: [barberId],
  });
  return result.rows[0];
}

export interface WeeklyRow {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** Served by working_hours_barber_idx (location_id, barber_id, weekday). */
export async function findWorkingHours(db: Queryable, locationId: string, barberId: string) {
  const result = await db.query<WeeklyRow>({
    name: 'schedules_working_hours',
    text: `SELECT weekday, start_minute AS "startMinute", end_minute AS "endMinute" FROM working_hours
            WHERE location_id = $1 AND barber_id = $2 ORDER BY weekday, start_minute`,
    values: [locationId, barberId],
  });
  return result.rows;
}

/** Replaces the whole week (call inside a transaction). */
export async function replaceWorkingHours(
  tx: Queryable,
  locationId: string,
  barberId: string,
  hours: readonly WeeklyRow[],
): Promise<void> {
  await tx.query('DELETE FROM working_hours WHERE location_id = $1 AND barber_id = $2', [
    locationId,
    barberId,
  ]);
  if (hours.length === 0) return;
  await tx.query(
    `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute)
     SELECT $1, $2, h.weekday, h.start_minute, h.end_minute
       FROM unnest($3::smallint[], $4::smallint[], $5::smallint[]) AS h(weekday, start_minute, end_minute)`,
    [
      locationId,
      barberId,
      hours.map((h) => h.weekday),
      hours.map((h) => h.startMinute),
      hours.map((h) => h.endMinute),
    ],
  );
}

export interface TimeOffRow {
  id: string;
  startTime: Date;
  endTime: Date;
  reason: string | null;
}

const TIME_OFF_COLUMNS = 'id, start_time AS "startTime", end_time AS "endTime", reason';

export async function insertTimeOff(
  db: Queryable,
  locationId: string,
  barberId: string,
  value: { startTime: Date; endTime: Date; reason: string | null },
): Promise<TimeOffRow> {
  const result = await db.query<TimeOffRow>(
    `INSERT INTO time_off (location_id, barber_id, start_time, end_time, reason) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${TIME_OFF_COLUMNS}`,
    [locationId, barberId, value.startTime, value.endTime, value.reason],
  );
  return result.rows[0]!;
}

/** Time off overlapping [from, to). Served by time_off_barber_range_idx (gist). */
export async function findTimeOff(db: Queryable, locationId: string, barberId: string, from: Date, to: Date) {
  const result = await db.query<TimeOffRow>({
    name: 'schedules_time_off',
    text: `SELECT ${TIME_OFF_COLUMNS} FROM time_off
            WHERE location_id = $1 AND barber_id = $2 AND tstzrange(start_time, end_time) && tstzrange($3, $4)
            ORDER BY start_time LIMIT 500`,
    values: [locationId, barberId, from, to],
  });
  return result.rows;
}

/** Deletes and returns the removed range (for invalidation). Served by time_off_pkey. */
export async function deleteTimeOff(db: Queryable, locationId: string, barberId: string, id: string) {
  const result = await db.query<TimeOffRow>(
    `DELETE FROM time_off WHERE location_id = $1 AND id = $2 AND barber_id = $3 RETURNING ${TIME_OFF_COLUMNS}`,
    [locationId, id, barberId],
  );
  return result.rows[0];
}

export interface SpecialDayRow {
  date: string;
  available: boolean;
  windows: { start_minute: number; end_minute: number }[];
}

export async function upsertSpecialDay(
  db: Queryable,
  locationId: string,
  barberId: string,
  day: SpecialDayRow,
) {
  await db.query(
    `INSERT INTO special_days (location_id, barber_id, day, available, windows) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (location_id, barber_id, day) DO UPDATE SET available = EXCLUDED.available, windows = EXCLUDED.windows`,
    [locationId, barberId, day.date, day.available, JSON.stringify(day.windows)],
  );
}

/** Special days from a date on. Served by special_days_pkey (location_id, barber_id, day). */
export async function findSpecialDays(db: Queryable, locationId: string, barberId: string, from: string) {
  const result = await db.query<SpecialDayRow>({
    name: 'schedules_special_days',
    text: `SELECT day::text AS date, available, windows FROM special_days
            WHERE location_id = $1 AND barber_id = $2 AND day >= $3 ORDER BY day LIMIT 500`,
    values: [locationId, barberId, from],
  });
  return result.rows;
}

export async function deleteSpecialDay(db: Queryable, locationId: string, barberId: string, date: string) {
  const result = await db.query(
    'DELETE FROM special_days WHERE location_id = $1 AND barber_id = $2 AND day = $3',
    [locationId, barberId, date],
  );
  return (result.rowCount ?? 0) > 0;
}
