// The demo shop: seeded once into an empty database so a newcomer can try the API in /docs at once.
// Written as SQL in one transaction: it is fixture data, not a second path through the domain rules.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { hashPassword } from '../modules/auth/passwords.js';
import type { Pool } from '../platform/db/pool.js';
import { withTransaction } from '../platform/db/transaction.js';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

const TIMEZONE = 'America/New_York';
const DEMO_SLUG = 'fade-street';

const PEOPLE = [
  { role: 'owner', email: 'owner@demo.bookedbarber.test', name: 'Olivia Owner' },
  { role: 'barber', email: 'marcus@demo.bookedbarber.test', name: 'Marcus Reed' },
  { role: 'barber', email: 'dana@demo.bookedbarber.test', name: 'Dana Cruz' },
  { role: 'barber', email: 'li@demo.bookedbarber.test', name: 'Li Wei' },
  { role: 'client', email: 'client@demo.bookedbarber.test', name: 'Chris Client' },
] as const;

const SERVICES = [
  { name: 'Classic cut', duration: 30, price: 3500, buffer: 5, deposit: 0 },
  { name: 'Skin fade', duration: 45, price: 4500, buffer: 5, deposit: 1000 },
  { name: 'Beard trim', duration: 20, price: 2000, buffer: 0, deposit: 0 },
  { name: 'Cut and beard', duration: 60, price: 6000, buffer: 10, deposit: 1500 },
] as const;

/** Tuesday–Saturday, 09:00–12:30 and 13:30–18:00 (lunch is the gap). */
const WEEKLY_WINDOWS = [2, 3, 4, 5, 6].flatMap((weekday) => [
  { weekday, start: 9 * 60, end: 12 * 60 + 30 },
  { weekday, start: 13 * 60 + 30, end: 18 * 60 },
]);

/** Seeds the demo shop when the database has no location yet; returns the logins (new or stored). */
export async function seedDemoIfEmpty(pool: Pool, dataDir: string): Promise<DemoLogin[] | undefined> {
  const loginsFile = path.join(dataDir, 'demo-logins.json');
  const existing = await pool.query('SELECT 1 FROM locations LIMIT 1');
  if (existing.rowCount) {
    return existsSync(loginsFile) ? (JSON.parse(readFileSync(loginsFile, 'utf8')) as DemoLogin[]) : undefined;
  }
  const logins: DemoLogin[] = [];
  await withTransaction(pool, async (tx) => {
    const userIds = new Map<string, string>();
    for (const person of PEOPLE) {
      const password = `demo-${randomBytes(6).toString('hex')}`;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO users (email, password_hash, name, email_verified_at) VALUES ($1, $2, $3, now()) RETURNING id`,
        [person.email, await hashPassword(password), person.name],
      );
      userIds.set(person.email, rows[0]!.id);
      logins.push({ role: person.role, email: person.email, password });
    }
    const {
      rows: [location],
    } = await tx.query<{ id: string }>(
      `INSERT INTO locations (name, slug, timezone, slot_interval_minutes, min_notice_minutes, max_advance_days)
       VALUES ('Fade Street Barbers', $1, $2, 15, 60, 60) RETURNING id`,
      [DEMO_SLUG, TIMEZONE],
    );
    const locationId = location!.id;
    await tx.query(`INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      locationId,
      userIds.get(PEOPLE[0].email),
    ]);

    const serviceIds: string[] = [];
    for (const s of SERVICES) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO services (location_id, name, duration_minutes, price_cents, buffer_minutes, deposit_cents)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [locationId, s.name, s.duration, s.price, s.buffer, s.deposit],
      );
      serviceIds.push(rows[0]!.id);
    }

    const barberIds: string[] = [];
    for (const person of PEOPLE.filter((p) => p.role === 'barber')) {
      const userId = userIds.get(person.email);
      await tx.query(`INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'barber')`, [
        locationId,
        userId,
      ]);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO barbers (location_id, user_id, display_name, commission_rate) VALUES ($1, $2, $3, 0.3) RETURNING id`,
        [locationId, userId, person.name],
      );
      const barberId = rows[0]!.id;
      barberIds.push(barberId);
      for (const serviceId of serviceIds) {
        await tx.query(
          `INSERT INTO barber_services (location_id, barber_id, service_id) VALUES ($1, $2, $3)`,
          [locationId, barberId, serviceId],
        );
      }
      for (const w of WEEKLY_WINDOWS) {
        await tx.query(
          `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5)`,
          [locationId, barberId, w.weekday, w.start, w.end],
        );
      }
    }

    await tx.query(`INSERT INTO cancellation_policies (location_id, tiers) VALUES ($1, $2)`, [
      locationId,
      JSON.stringify([
        { min_hours_before: 48, refund_percent: 100, fee_cents: 0 },
        { min_hours_before: 24, refund_percent: 50, fee_cents: 1000 },
        { min_hours_before: 0, refund_percent: 0, fee_cents: 2500 },
      ]),
    ]);

    const clientUser = PEOPLE[4];
    const {
      rows: [clientRow],
    } = await tx.query<{ id: string }>(
      `INSERT INTO clients (location_id, user_id, name, email) VALUES ($1, $2, $3, $4) RETURNING id`,
      [locationId, userIds.get(clientUser.email), clientUser.name, clientUser.email],
    );
    // A few upcoming appointments, on the next working days at 10:00 local time.
    let day = Temporal.Now.plainDateISO(TIMEZONE).add({ days: 1 });
    for (let i = 0; i < 3; i++) {
      while (day.dayOfWeek === 1 || day.dayOfWeek === 7) day = day.add({ days: 1 });
      const service = SERVICES[i % SERVICES.length]!;
      const start = day.toZonedDateTime({ timeZone: TIMEZONE, plainTime: Temporal.PlainTime.from('10:00') });
      const end = start.add({ minutes: service.duration });
      await tx.query(
        `INSERT INTO appointments (location_id, barber_id, service_id, client_id, booked_by_user_id, status,
           start_time, end_time, busy_until, price_cents, deposit_cents)
         VALUES ($1, $2, $3, $4, $5, 'confirmed', $6, $7, $8, $9, 0)`,
        [
          locationId,
          barberIds[i % barberIds.length],
          serviceIds[i % serviceIds.length],
          clientRow!.id,
          userIds.get(clientUser.email),
          start.toInstant().toString(),
          end.toInstant().toString(),
          end.add({ minutes: service.buffer }).toInstant().toString(),
          service.price,
        ],
      );
      day = day.add({ days: 1 });
    }
  });
  writeFileSync(loginsFile, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return logins;
}
