// The sweeper on a real PostgreSQL: expired holds go, lapsed pending bookings are cancelled, live
// ones stay, and each change tells scheduling which barber-days to drop from its cache.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BookingService, type SchedulingPort } from '../../src/modules/booking/booking.service.js';
import { BookingSweeper } from '../../src/modules/booking/booking.sweeper.js';
import { LocationAccess } from '../../src/modules/shops/location-access.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { apiClient } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { BOOKING_TEST_ENV, localStart } from './booking-world.js';

let ctx: TestApp;
let shop: TestShop;
const invalidated: string[] = [];

before(async () => {
  // The test sweeps by hand and counts what it did: the minute's job must not sweep in between.
  ctx = await startTestApp({ env: { ...BOOKING_TEST_ENV, JOB_WORKERS: 'off' } });
  shop = await newShop(ctx, {
    services: [{ durationMinutes: 30 }, { durationMinutes: 30, depositCents: 1000 }],
  });
});
after(() => ctx.close());

function sweeper() {
  const scheduling: SchedulingPort = {
    checkBookable: () => Promise.reject(new Error('not used')),
    invalidateBarberDays: async (_location, barberId, from) => {
      invalidated.push(`${barberId}@${from.toISOString()}`);
    },
  };
  const deps = { db: ctx.db, access: new LocationAccess(ctx.db), scheduling };
  return new BookingSweeper(deps, new BookingService(deps));
}

test('a sweep deletes expired holds and cancels lapsed pending bookings, and nothing else', async () => {
  const api = apiClient(ctx.baseUrl);
  const client = await newUser(ctx);
  const body = (hhmm: string, service = 0) => ({
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[service]!.id,
    start_time: localStart(4, hhmm),
  });
  const expired = await api.post('/api/v2/appointments/holds', body('09:00'), { token: client.token });
  const live = await api.post('/api/v2/appointments/holds', body('10:00'), { token: client.token });
  const lapsed = await api.post('/api/v2/appointments', body('11:00', 1), { token: client.token });
  const due = await api.post('/api/v2/appointments', body('12:00', 1), { token: client.token });
  assert.deepEqual(
    [expired.status, live.status, lapsed.status, due.status],
    [201, 201, 201, 201],
    expired.text,
  );
  assert.equal(lapsed.body.status, 'pending');
  await ctx.db.primary.query(
    `UPDATE appointments SET hold_expires_at = now() - interval '1 minute' WHERE id = $1`,
    [expired.body.id],
  );
  await ctx.db.primary.query(
    `UPDATE appointments SET payment_due_by = now() - interval '1 minute' WHERE id = $1`,
    [lapsed.body.id],
  );

  assert.deepEqual(await sweeper().sweep(), { holds: 1, lapsed: 1 });

  const { rows } = await ctx.db.primary.query(
    `SELECT id, status, cancellation_reason FROM appointments WHERE barber_id = $1 ORDER BY start_time`,
    [shop.barbers[0]!.id],
  );
  assert.deepEqual(rows, [
    { id: live.body.id, status: 'held', cancellation_reason: null },
    { id: lapsed.body.id, status: 'cancelled', cancellation_reason: 'payment window lapsed' },
    { id: due.body.id, status: 'pending', cancellation_reason: null },
  ]);
  assert.deepEqual(invalidated, [
    `${shop.barbers[0]!.id}@${new Date(expired.body.start_time).toISOString()}`,
    `${shop.barbers[0]!.id}@${new Date(lapsed.body.start_time).toISOString()}`,
  ]);
  // A second pass finds nothing left to do.
  assert.deepEqual(await sweeper().sweep(), { holds: 0, lapsed: 0 });
});

test('the sweep is scheduled on the durable queue', async () => {
  const { rows } = await ctx.db.primary.query(
    `SELECT name, cron FROM pgboss.schedule WHERE name = 'booking.sweep'`,
  );
  assert.deepEqual(rows, [{ name: 'booking.sweep', cron: '* * * * *' }]);
});
