// The seeded data generator: fills a fresh bench database with set-based SQL (generate_series), so a
// million appointments take seconds, not a million round trips. Every id and every "random" choice is
// derived from md5/hashtext of the seed and a row number, so one seed always gives the same data set.
//
// Shape: each location has 4 services (≤ 30 busy minutes each), each barber works Mon–Sat 09–12 and
// 13–18 and has at most one appointment per hour (8 a day, on the hour), filled from 60 days ahead
// backwards; so rows never overlap (the exclusion constraint holds) and every future hour keeps a free
// half hour for the booking scenario. The reminders a running service would already have sent (those
// whose time has come) are in the outbox as sent: otherwise the service's first reminder pass would send
// the next day's thousands at once, in the middle of whichever scenario runs then (and only at 1 M
// appointments: at 10 k every appointment is weeks ahead).
import pg from 'pg';
import { hashPassword } from '../src/modules/auth/passwords.js';
import {
  armDueReminders,
  REMINDER_LEAD_HOURS,
  type ReminderKind,
} from '../src/modules/notifications/notifications.sql.js';
import type { Sizes } from './options.js';

export const BENCH_PASSWORD = 'bench password 0123456789';
export const FUTURE_DAYS = 60;
const TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'UTC',
];

export interface GenerateReport {
  seconds: number;
  rows: Record<string, number>;
}

type Step = [label: string, sql: string, params?: unknown[]];

function steps(sizes: Sizes, seed: number, passwordHash: string): Step[] {
  const { locations: L, barbers: B, appointments: A, payments: P, clientUsers: C } = sizes;
  const id = (kind: string, n: string) => `md5('${seed}:${kind}:' || ${n})::uuid`;
  const perBarber = Math.ceil(A / B);
  return [
    [
      'users',
      `INSERT INTO users (id, email, password_hash, name, email_verified_at)
       SELECT ${id('user', 'n')}, 'bench-' || n || '@bench.test', $1, 'Bench User ' || n, now()
       FROM generate_series(1, $2::int) n`,
      [passwordHash, L + B + C],
    ],
    [
      'sessions',
      `INSERT INTO sessions (id, user_id, expires_at)
       SELECT ${id('session', 'n')}, ${id('user', 'n')}, now() + interval '30 days'
       FROM generate_series(1, $1::int) n`,
      [L + B + C],
    ],
    [
      'locations',
      `INSERT INTO locations (id, name, slug, timezone, slot_interval_minutes, min_notice_minutes, max_advance_days)
       SELECT ${id('loc', 'i')}, 'Bench Shop ' || i, 'bench-shop-' || i,
              ($2::text[])[1 + (i % array_length($2::text[], 1))], 15, 60, 90
       FROM generate_series(1, $1::int) i`,
      [L, TIME_ZONES],
    ],
    [
      'owner memberships',
      `INSERT INTO memberships (location_id, user_id, role)
       SELECT ${id('loc', 'i')}, ${id('user', 'i')}, 'owner' FROM generate_series(1, $1::int) i`,
      [L],
    ],
    [
      'barbers',
      `INSERT INTO barbers (location_id, id, user_id, display_name, commission_rate)
       SELECT ${id('loc', '(1 + (j - 1) % $1)')}, ${id('barber', 'j')}, ${id('user', `($1 + j)`)},
              'Barber ' || j, 0.3
       FROM generate_series(1, $2::int) j`,
      [L, B],
    ],
    [
      'barber memberships',
      `INSERT INTO memberships (location_id, user_id, role)
       SELECT location_id, user_id, 'barber' FROM barbers`,
    ],
    [
      'services',
      `INSERT INTO services (location_id, id, name, duration_minutes, buffer_minutes, price_cents)
       SELECT ${id('loc', 'i')}, ${id('svc', "i || '-' || s.k")}, s.name, s.duration, s.buffer, s.price
       FROM generate_series(1, $1::int) i
       CROSS JOIN (VALUES (1, 'Haircut', 30, 0, 3000), (2, 'Beard trim', 20, 10, 1500),
                          (3, 'Kids cut', 30, 0, 2000), (4, 'Shave', 25, 5, 2500))
                  AS s(k, name, duration, buffer, price)`,
      [L],
    ],
    [
      'barber services',
      `INSERT INTO barber_services (location_id, barber_id, service_id)
       SELECT b.location_id, b.id, s.id FROM barbers b JOIN services s USING (location_id)`,
    ],
    [
      'working hours',
      `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute)
       SELECT b.location_id, b.id, wd, w.start_minute, w.end_minute
       FROM barbers b CROSS JOIN generate_series(1, 6) wd
       CROSS JOIN (VALUES (540, 720), (780, 1080)) AS w(start_minute, end_minute)`,
    ],
    [
      'clients',
      `INSERT INTO clients (location_id, id, name, email)
       SELECT ${id('loc', 'i')}, ${id('client', "i || '-' || c")}, 'Client ' || c,
              'client-' || c || '@shop-' || i || '.bench.test'
       FROM generate_series(1, $1::int) i CROSS JOIN generate_series(1, 100) c`,
      [L],
    ],
    [
      'appointments',
      `WITH days AS (
         SELECT d::date AS day, row_number() OVER (ORDER BY d DESC) - 1 AS n
         FROM generate_series(current_date + ${FUTURE_DAYS}, current_date - 4000, interval '-1 day') d
         WHERE extract(isodow FROM d) < 7 AND d::date <> current_date
       ), hours(h, minute) AS (VALUES (0, 540), (1, 600), (2, 660), (3, 780), (4, 840), (5, 900), (6, 960), (7, 1020)),
       b AS (
         SELECT j, 1 + (j - 1) % $4::int AS li, ${id('barber', 'j')} AS id, l.id AS location_id, l.timezone
         FROM generate_series(1, $3::int) j JOIN locations l ON l.id = ${id('loc', '(1 + (j - 1) % $4::int)')}
       ), slots AS (
         SELECT b.location_id, b.li, b.id AS barber_id, b.j, k,
                (days.day + make_interval(mins => hours.minute)) AT TIME ZONE b.timezone AS start_time,
                abs(hashtext('${seed}:' || b.j || ':' || k)) AS r
         FROM b CROSS JOIN generate_series(0, $1::int - 1) k
         JOIN days ON days.n = k / 8 JOIN hours ON hours.h = k % 8
         WHERE k < $2::int / $3::int + CASE WHEN b.j <= $2::int % $3::int THEN 1 ELSE 0 END
       )
       INSERT INTO appointments (location_id, id, barber_id, service_id, client_id, status, start_time,
                                 end_time, busy_until, price_cents, created_at)
       SELECT x.location_id, ${id('appt', "x.j || '-' || x.k")}, x.barber_id, s.id,
              ${id('client', "x.li || '-' || (1 + x.r % 100)")},
              CASE WHEN x.start_time > now() THEN (CASE WHEN x.r % 30 = 0 THEN 'cancelled' ELSE 'confirmed' END)
                   WHEN x.r % 20 = 0 THEN 'cancelled' WHEN x.r % 20 = 1 THEN 'no_show' ELSE 'completed' END,
              x.start_time, x.start_time + make_interval(mins => s.duration_minutes),
              x.start_time + make_interval(mins => s.duration_minutes + s.buffer_minutes), s.price_cents,
              x.start_time - interval '7 days'
       FROM slots x
       JOIN services s ON s.location_id = x.location_id AND s.id = ${id('svc', "x.li || '-' || (1 + x.r % 4)")}`,
      [perBarber, A, B, L],
    ],
    [
      'payments',
      `INSERT INTO payments (location_id, id, appointment_id, barber_id, client_id, kind, status, amount_cents,
                             platform_fee_cents, barber_share_cents, stripe_payment_intent_id, completed_at, created_at)
       SELECT a.location_id, ${id('pay', 'a.id::text')}, a.id, a.barber_id, a.client_id, 'full', 'succeeded',
              a.price_cents, round(a.price_cents * 0.3)::int, a.price_cents - round(a.price_cents * 0.3)::int,
              'pi_bench_' || replace(a.id::text, '-', ''),
              now() - make_interval(secs => abs(hashtext(a.id::text)) % (90 * 86400)),
              now() - make_interval(secs => abs(hashtext(a.id::text)) % (90 * 86400))
       FROM (SELECT * FROM appointments ORDER BY id LIMIT $1::int) a`,
      [P],
    ],
  ];
}

/** Fills an empty, migrated database. Runs on one connection with durability relaxed: bench data only. */
export async function generateDataSet(
  url: string,
  sizes: Sizes,
  seed: number,
  log: (line: string) => void,
): Promise<GenerateReport> {
  const started = performance.now();
  // One argon2id hash for every account: hashing a million-user table would be the whole run.
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const client = new pg.Client({ connectionString: url, application_name: 'bookedbarber-bench-generate' });
  await client.connect();
  const rows: Record<string, number> = {};
  try {
    await client.query(
      `SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; SET work_mem = '64MB'`,
    );
    for (const [label, sql, params] of steps(sizes, seed, passwordHash)) {
      const t0 = performance.now();
      const result = await client.query(sql, params);
      rows[label] = result.rowCount ?? 0;
      log(`  ${label}: ${rows[label]} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    // Reminders already due: armed by the service's own statement (which takes a pool), then marked sent.
    const t2 = performance.now();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await armDueReminders(pool, Object.keys(REMINDER_LEAD_HOURS) as ReminderKind[]);
    } finally {
      await pool.end();
    }
    const sent = await client.query(
      `UPDATE notifications SET status = 'sent', attempts = 1, sent_at = send_at WHERE status = 'scheduled'`,
    );
    rows['reminders already sent'] = sent.rowCount ?? 0;
    log(
      `  reminders already sent: ${rows['reminders already sent']} rows in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
    );
    // Fresh statistics and visibility map, as a production table would have: plans and index-only scans.
    const t0 = performance.now();
    await client.query('VACUUM (ANALYZE)');
    log(`  vacuum analyze in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The bulk load leaves gigabytes of dirty pages; flushed by a later checkpoint, they would slow every
    // WAL fsync (and so every commit) of the scenarios. Production does not bulk-load before traffic.
    const t1 = performance.now();
    await client.query('CHECKPOINT');
    log(`  checkpoint in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
  if (rows['appointments'] !== sizes.appointments) {
    throw new Error(`generated ${rows['appointments']} appointments, wanted ${sizes.appointments}`);
  }
  return { seconds: (performance.now() - started) / 1000, rows };
}
