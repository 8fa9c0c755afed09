// Correctness checks in the database after a booking load: no two live appointments of a barber
// overlap, and every booking that was answered 201 is stored.
import pg from 'pg';

export interface BookingCheck {
  overlaps: number;
  answered201: number;
  stored: number;
}

export async function checkBookings(
  url: string,
  createdIds: readonly string[],
  since: Date,
): Promise<BookingCheck> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Self-join of every live row created by the load against every other live row of the same barber
    // (appointments_barber_time_idx serves the inner side). Generated rows went through the same
    // exclusion constraint, and only new rows can overlap anything.
    const overlaps = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n
       FROM appointments a JOIN appointments b
         ON b.location_id = a.location_id AND b.barber_id = a.barber_id AND b.id <> a.id
        AND b.status <> 'cancelled' AND b.start_time < a.busy_until AND a.start_time < b.busy_until
       WHERE a.status <> 'cancelled' AND a.created_at >= $1`,
      [since],
    );
    const stored = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM appointments WHERE id = ANY($1::uuid[])',
      [createdIds],
    );
    return { overlaps: overlaps.rows[0]!.n, answered201: createdIds.length, stored: stored.rows[0]!.n };
  } finally {
    await client.end();
  }
}
