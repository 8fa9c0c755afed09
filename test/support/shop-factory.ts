// A whole shop in one call: a location with its rules and default cancellation policy, an owner, barbers
// (each a user with a barber membership) with weekly hours, and services. Inserted directly (fast); the
// shops module's own tests go through the real routes.
import { randomBytes } from 'node:crypto';
import { DEFAULT_POLICY } from '../../src/modules/booking/refund-policy.js';
import type { TestApp } from './build-app.js';
import { newUser, type TestUser } from './factory.js';

export interface ShopOptions {
  timezone?: string;
  slotIntervalMinutes?: number;
  minNoticeMinutes?: number;
  maxAdvanceDays?: number;
  currency?: string;
  /** How many barbers (default 1). */
  barbers?: number;
  services?: ServiceSpec[];
  /** Weekly hours of every barber; default every day 09:00–17:00. */
  hours?: { weekday: number; start: string; end: string }[];
}

export interface ServiceSpec {
  name?: string;
  durationMinutes?: number;
  priceCents?: number;
  bufferMinutes?: number;
  depositCents?: number;
  bookableOnline?: boolean;
}

export interface TestShop {
  location: {
    id: string;
    slug: string;
    timezone: string;
    slotIntervalMinutes: number;
    minNoticeMinutes: number;
    maxAdvanceDays: number;
  };
  owner: TestUser;
  barbers: { id: string; user: TestUser }[];
  services: {
    id: string;
    name: string;
    durationMinutes: number;
    priceCents: number;
    bufferMinutes: number;
    depositCents: number;
  }[];
}

const EVERY_DAY_9_TO_5 = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export async function newShop(ctx: TestApp, options: ShopOptions = {}): Promise<TestShop> {
  const db = ctx.db.primary;
  const owner = await newUser(ctx, { name: 'Shop Owner' });
  const slug = `shop-${randomBytes(5).toString('hex')}`;
  const location = {
    slug,
    timezone: options.timezone ?? 'America/New_York',
    slotIntervalMinutes: options.slotIntervalMinutes ?? 15,
    minNoticeMinutes: options.minNoticeMinutes ?? 60,
    maxAdvanceDays: options.maxAdvanceDays ?? 60,
  };
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO locations (name, slug, timezone, slot_interval_minutes, min_notice_minutes, max_advance_days, currency)
     VALUES ('Test Barbers', $1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      slug,
      location.timezone,
      location.slotIntervalMinutes,
      location.minNoticeMinutes,
      location.maxAdvanceDays,
      options.currency ?? 'USD',
    ],
  );
  const locationId = rows[0]!.id;
  await db.query(`INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'owner')`, [
    locationId,
    owner.id,
  ]);
  await db.query(
    `INSERT INTO cancellation_policies (location_id, tiers, no_show_fee_cents, first_time_full_refund_min_hours)
     VALUES ($1, $2, $3, $4)`,
    [
      locationId,
      JSON.stringify(DEFAULT_POLICY.tiers),
      DEFAULT_POLICY.noShowFeeCents,
      DEFAULT_POLICY.firstTimeFullRefundMinHours,
    ],
  );

  const services: TestShop['services'] = [];
  for (const [i, spec] of (options.services ?? [{}]).entries()) {
    const service = {
      name: spec.name ?? `Service ${i + 1}`,
      durationMinutes: spec.durationMinutes ?? 30,
      priceCents: spec.priceCents ?? 3000,
      bufferMinutes: spec.bufferMinutes ?? 0,
      depositCents: spec.depositCents ?? 0,
    };
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO services (location_id, name, duration_minutes, price_cents, currency, buffer_minutes,
         deposit_cents, bookable_online)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        locationId,
        service.name,
        service.durationMinutes,
        service.priceCents,
        options.currency ?? 'USD',
        service.bufferMinutes,
        service.depositCents,
        spec.bookableOnline ?? true,
      ],
    );
    services.push({ id: inserted.rows[0]!.id, ...service });
  }

  const barbers: TestShop['barbers'] = [];
  for (let i = 0; i < (options.barbers ?? 1); i++) {
    const user = await newUser(ctx, { name: `Barber ${i + 1}` });
    await db.query(`INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'barber')`, [
      locationId,
      user.id,
    ]);
    const barber = await db.query<{ id: string }>(
      `INSERT INTO barbers (location_id, user_id, display_name) VALUES ($1, $2, $3) RETURNING id`,
      [locationId, user.id, `Barber ${i + 1}`],
    );
    const barberId = barber.rows[0]!.id;
    for (const h of options.hours ?? EVERY_DAY_9_TO_5) {
      await db.query(
        `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute)
         VALUES ($1, $2, $3, $4, $5)`,
        [locationId, barberId, h.weekday, minutes(h.start), minutes(h.end)],
      );
    }
    barbers.push({ id: barberId, user });
  }
  return { location: { id: locationId, ...location }, owner, barbers, services };
}
