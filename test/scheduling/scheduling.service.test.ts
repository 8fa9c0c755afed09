// SchedulingService on a real PostgreSQL: checkBookable (what the booking module relies on) and the
// barber-day cache's invalidation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { BarberDayCache } from '../../src/modules/scheduling/scheduling.cache.js';
import { SchedulingService } from '../../src/modules/scheduling/scheduling.service.js';
import { createInvalidationBus } from '../../src/platform/cache/invalidation-bus.js';
import { AppError } from '../../src/platform/http/errors.js';
import { startTestApp, type TestApp } from '../support/build-app.js';

const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' };

import { newShop, type TestShop } from '../support/shop-factory.js';

let ctx: TestApp;
let scheduling: SchedulingService;
let cache: BarberDayCache;

before(async () => {
  // These specifications are not about overload: a busy CI machine must not turn them into 503s.
  ctx = await startTestApp({ env: QUIET });
  cache = new BarberDayCache(createInvalidationBus(undefined, ''));
  scheduling = new SchedulingService(ctx.db, cache);
});
after(() => ctx.close());

const TZ = 'America/New_York';
const date = Temporal.Now.plainDateISO(TZ).add({ days: 10 });
const at = (hhmm: string, day = date) =>
  new Date(day.toZonedDateTime({ timeZone: TZ, plainTime: hhmm }).epochMilliseconds);

async function shop(options: Parameters<typeof newShop>[1] = {}): Promise<TestShop> {
  return newShop(ctx, {
    slotIntervalMinutes: 15,
    minNoticeMinutes: 60,
    maxAdvanceDays: 30,
    services: [{ durationMinutes: 45, priceCents: 4500, bufferMinutes: 10, depositCents: 1000 }],
    hours: [{ weekday: date.dayOfWeek, start: '09:00', end: '12:00' }],
    ...options,
  });
}

function input(s: TestShop, startTime: Date, extra: Record<string, unknown> = {}) {
  return {
    locationId: s.location.id,
    barberId: s.barbers[0]!.id,
    serviceId: s.services[0]!.id,
    startTime,
    ...extra,
  };
}

async function rejects(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    return true;
  });
}

describe('checkBookable', () => {
  test('resolves end, busy-until, price, deposit and zone of a valid start', async () => {
    const s = await shop();
    const result = await scheduling.checkBookable(input(s, at('09:15')));
    assert.deepEqual(result, {
      endTime: at('10:00'),
      busyUntil: at('10:10'),
      priceCents: 4500,
      depositCents: 1000,
      currency: 'USD',
      durationMinutes: 45,
      bufferMinutes: 10,
      timezone: TZ,
    });
  });

  test('the barber’s own price and duration are honoured', async () => {
    const s = await shop();
    await ctx.db.primary.query(
      `INSERT INTO barber_services (location_id, barber_id, service_id, price_cents, duration_minutes) VALUES ($1, $2, $3, 6000, 60)`,
      [s.location.id, s.barbers[0]!.id, s.services[0]!.id],
    );
    const result = await scheduling.checkBookable(input(s, at('09:00')));
    assert.equal(result.priceCents, 6000);
    assert.equal(result.durationMinutes, 60);
    assert.deepEqual(result.endTime, at('10:00'));
    assert.deepEqual(result.busyUntil, at('10:10'));
  });

  test('each rule refuses with its own 422 code', async () => {
    const s = await shop();
    const now = at('08:30');
    await rejects(scheduling.checkBookable(input(s, at('09:00'), { now })), 422, 'too-little-notice');
    await rejects(scheduling.checkBookable(input(s, at('09:05'))), 422, 'off-slot-grid');
    await rejects(scheduling.checkBookable(input(s, at('11:30'))), 422, 'outside-working-hours'); // 45 + 10 > 30
    await rejects(scheduling.checkBookable(input(s, at('13:00'))), 422, 'outside-working-hours');
    await rejects(
      scheduling.checkBookable(input(s, at('09:00', date.add({ days: 28 })))),
      422,
      'too-far-ahead',
    );
    await ctx.db.primary.query(
      `INSERT INTO time_off (location_id, barber_id, start_time, end_time) VALUES ($1, $2, $3, $4)`,
      [s.location.id, s.barbers[0]!.id, at('10:00'), at('10:30')],
    );
    // Written behind the service's back: announce it as the schedule writers do.
    cache.invalidateBarber(s.barbers[0]!.id);
    await rejects(scheduling.checkBookable(input(s, at('09:30'))), 422, 'barber-time-off');
    await ctx.db.primary.query(
      `INSERT INTO special_days (location_id, barber_id, day, available) VALUES ($1, $2, $3, false)`,
      [s.location.id, s.barbers[0]!.id, date.toString()],
    );
    cache.invalidateBarber(s.barbers[0]!.id);
    await rejects(scheduling.checkBookable(input(s, at('09:00'))), 422, 'day-closed');
  });

  test('offering, activity and online-bookability are checked; unknown or foreign ids are 404', async () => {
    const s = await shop();
    const other = await shop();
    const ok = input(s, at('09:00'));
    await rejects(
      scheduling.checkBookable({ ...ok, barberId: other.barbers[0]!.id }),
      404,
      'barber-not-found',
    );
    await rejects(
      scheduling.checkBookable({ ...ok, serviceId: other.services[0]!.id }),
      404,
      'service-not-found',
    );
    await rejects(
      scheduling.checkBookable({ ...ok, barberId: crypto.randomUUID() }),
      404,
      'barber-not-found',
    );

    // Catalogue writers announce their changes per location; these SQL writes do the same.
    const changed = () => cache.invalidateLocation(s.location.id);
    await ctx.db.primary.query('UPDATE services SET bookable_online = false WHERE id = $1', [
      s.services[0]!.id,
    ]);
    changed();
    await rejects(scheduling.checkBookable(ok), 422, 'service-not-bookable');
    assert.equal((await scheduling.checkBookable({ ...ok, byStaff: true })).priceCents, 4500);
    await ctx.db.primary.query('UPDATE services SET bookable_online = true WHERE id = $1', [
      s.services[0]!.id,
    ]);
    changed();

    await ctx.db.primary.query(
      `INSERT INTO barber_services (location_id, barber_id, service_id, offered) VALUES ($1, $2, $3, false)`,
      [s.location.id, s.barbers[0]!.id, s.services[0]!.id],
    );
    changed();
    await rejects(scheduling.checkBookable(ok), 422, 'service-not-offered');
    await ctx.db.primary.query('UPDATE barbers SET is_active = false WHERE id = $1', [s.barbers[0]!.id]);
    changed();
    await rejects(scheduling.checkBookable(ok), 422, 'barber-inactive');
  });

  test('a service this process has not heard of yet is read again, not refused', async () => {
    const s = await shop();
    await scheduling.checkBookable(input(s, at('09:00'))); // the profile is cached now
    const { rows } = await ctx.db.primary.query<{ id: string }>(
      `INSERT INTO services (location_id, name, duration_minutes, price_cents)
       VALUES ($1, 'Beard trim', 15, 1500) RETURNING id`,
      [s.location.id],
    );
    // No invalidation: as when another process added it and its message is still on the way.
    const result = await scheduling.checkBookable(input(s, at('09:00'), { serviceId: rows[0]!.id }));
    assert.equal(result.priceCents, 1500);
    assert.deepEqual(result.endTime, at('09:15'));
  });

  test('existing appointments are not its concern (the exclusion constraint answers those)', async () => {
    const s = await shop();
    await insertHold(s, at('09:00'), at('10:00'));
    assert.deepEqual((await scheduling.checkBookable(input(s, at('09:00')))).endTime, at('09:45'));
  });
});

async function insertHold(s: TestShop, start: Date, busyUntil: Date) {
  await ctx.db.primary.query(
    `INSERT INTO appointments (location_id, barber_id, service_id, status, start_time, end_time, busy_until,
       price_cents, hold_expires_at)
     VALUES ($1, $2, $3, 'held', $4, $5, $5, 0, now() + interval '10 minutes')`,
    [s.location.id, s.barbers[0]!.id, s.services[0]!.id, start, busyUntil],
  );
}

describe('the barber-day cache', () => {
  test('a listing stays cached until invalidateBarberDays, then shows the new hold', async () => {
    const s = await shop({ slotIntervalMinutes: 60, services: [{ durationMinutes: 60 }] });
    const list = async () =>
      JSON.parse(
        await scheduling.barberAvailabilityJson(s.barbers[0]!.id, date.toString(), s.services[0]!.id),
      ).slots.length;
    assert.equal(await list(), 3);
    await insertHold(s, at('10:00'), at('11:00'));
    assert.equal(await list(), 3, 'served from the cache');
    await scheduling.invalidateBarberDays(s.location.id, s.barbers[0]!.id, at('10:00'), at('11:00'));
    assert.equal(await list(), 2);
  });

  test('an expired hold does not block a slot', async () => {
    const s = await shop({ slotIntervalMinutes: 60, services: [{ durationMinutes: 60 }] });
    await ctx.db.primary.query(
      `INSERT INTO appointments (location_id, barber_id, service_id, status, start_time, end_time, busy_until,
         price_cents, hold_expires_at)
       VALUES ($1, $2, $3, 'held', $4, $5, $5, 0, now() - interval '1 minute')`,
      [s.location.id, s.barbers[0]!.id, s.services[0]!.id, at('10:00'), at('11:00')],
    );
    const json = await scheduling.barberAvailabilityJson(
      s.barbers[0]!.id,
      date.toString(),
      s.services[0]!.id,
    );
    assert.equal(JSON.parse(json).slots.length, 3);
  });
});

describe('cold barber-days loaded together', () => {
  test('concurrent misses share one statement and each gets its own day back', async () => {
    const s = await shop({ barbers: 2, slotIntervalMinutes: 60, services: [{ durationMinutes: 60 }] });
    const next = date.add({ days: 7 }); // the same weekday, so the same hours
    const hold = (barber: number, start: Date, end: Date) =>
      ctx.db.primary.query(
        `INSERT INTO appointments (location_id, barber_id, service_id, status, start_time, end_time, busy_until,
           price_cents, hold_expires_at)
         VALUES ($1, $2, $3, 'held', $4, $5, $5, 0, now() + interval '10 minutes')`,
        [s.location.id, s.barbers[barber]!.id, s.services[0]!.id, start, end],
      );
    await hold(0, at('09:00'), at('10:00'));
    await hold(1, at('10:00'), at('11:00'));
    await hold(1, at('09:00', next), at('11:00', next));
    // A service of its own (empty caches) over a pool that counts the barber-day statements.
    let statements = 0;
    const counting = {
      query: (config: { name?: string }, values?: unknown[]) => {
        if (config.name === 'scheduling_days_busy') statements++;
        return ctx.db.primary.query(config as never, values);
      },
    };
    const fresh = new SchedulingService(
      { primary: counting, replica: counting } as never,
      new BarberDayCache(createInvalidationBus(undefined, '')),
    );
    const starts = async (barber: number, day: Temporal.PlainDate) =>
      JSON.parse(
        await fresh.barberAvailabilityJson(s.barbers[barber]!.id, day.toString(), s.services[0]!.id),
      ).slots.map((slot: { start_time: string }) => slot.start_time.slice(11, 16));
    // Profiles first (they are warm in a running service); then four cold days at once.
    await Promise.all([starts(0, date.add({ days: 1 })), starts(1, date.add({ days: 1 }))]);
    statements = 0;
    const [a, b, c, d] = await Promise.all([
      starts(0, date),
      starts(1, date),
      starts(0, next),
      starts(1, next),
    ]);
    assert.deepEqual(a, ['10:00', '11:00']);
    assert.deepEqual(b, ['09:00', '11:00']);
    assert.deepEqual(c, ['09:00', '10:00', '11:00']);
    assert.deepEqual(d, ['11:00']);
    assert.equal(statements, 1);
  });
});
