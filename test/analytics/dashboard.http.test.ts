// GET /analytics/appointments and /analytics/dashboard over real HTTP and PostgreSQL, on one week of a
// two-barber shop in New York whose figures are worked out by hand below.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import {
  ANALYTICS_TEST_ENV,
  analyticsPath,
  insertAppointment,
  insertClient,
  insertPayment,
} from './analytics-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let b1: string;
let b2: string;

// The week of Monday 2025-03-03 to Sunday 2025-03-09 (EST, −05:00, until 03-09 02:00, then EDT).
const WEEK = { date_range: 'custom', from: '2025-03-03', to: '2025-03-09' };

before(async () => {
  ctx = await startTestApp({ env: ANALYTICS_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
  shop = await newShop(ctx, { timezone: 'America/New_York', barbers: 2, hours: weekdays });
  [b1, b2] = shop.barbers.map((b) => b.id) as [string, string];
  const db = ctx.db.primary;
  const loc = shop.location.id;
  // Barber 1 works Mon–Thu 480 min (Wed 360: 12:00–14:00 off), Friday closed, and on the Sunday of the
  // spring-forward 01:00–04:00, which lasts 120 real minutes: 480 × 3 + 360 + 120 = 1920.
  // Barber 2 works Mon–Fri: 2400. The location: 4320.
  await db.query(
    `INSERT INTO special_days (location_id, barber_id, day, available) VALUES ($1, $2, '2025-03-07', false)`,
    [loc, b1],
  );
  await db.query(
    `INSERT INTO special_days (location_id, barber_id, day, available, windows)
     VALUES ($1, $2, '2025-03-09', true, '[{"start_minute": 60, "end_minute": 240}]')`,
    [loc, b1],
  );
  await db.query(
    `INSERT INTO time_off (location_id, barber_id, start_time, end_time) VALUES ($1, $2, '2025-03-05T17:00Z', '2025-03-05T19:00Z')`,
    [loc, b1],
  );

  const [x, y, v, z, w] = (await Promise.all(
    ['X', 'Y', 'V', 'Z', 'W'].map((n) => insertClient(ctx, loc, n)),
  )) as [string, string, string, string, string];
  const visit = async (
    barberId: string,
    clientId: string,
    status: 'completed' | 'no_show' | 'cancelled' | 'confirmed' | 'pending' | 'held',
    start: string,
    minutes: number,
    paid?: { amountCents: number; refundedCents?: number },
  ) => {
    const appointmentId = await insertAppointment(ctx, shop, { barberId, clientId, status, start, minutes });
    if (paid) {
      const completedAt = new Date(new Date(start).getTime() + minutes * 60_000).toISOString();
      await insertPayment(ctx, shop, { barberId, clientId, appointmentId, completedAt, ...paid });
    }
  };
  await visit(b1, x, 'completed', '2025-03-03T04:30:00Z', 30); // Sun 03-02 23:30: before the week
  await visit(b1, x, 'completed', '2025-03-03T15:00:00Z', 30, { amountCents: 3000 }); // Mon 10:00
  await visit(b1, v, 'completed', '2025-03-03T19:00:00Z', 60, { amountCents: 6000 }); // Mon 14:00
  await visit(b1, y, 'completed', '2025-03-04T16:00:00Z', 30, { amountCents: 3000, refundedCents: 1000 }); // Tue 11:00
  await visit(b1, x, 'completed', '2025-03-05T15:00:00Z', 45, { amountCents: 4500 }); // Wed 10:00
  await visit(b1, z, 'no_show', '2025-03-06T14:00:00Z', 30); // Thu 09:00
  await visit(b1, w, 'cancelled', '2025-03-06T15:00:00Z', 30); // Thu 10:00
  await visit(b1, y, 'confirmed', '2025-03-20T14:00:00Z', 30); // Y rebooked (after the week)
  await visit(b1, v, 'cancelled', '2025-03-21T14:00:00Z', 30); // V's later booking was cancelled
  await visit(b2, y, 'completed', '2025-03-04T14:00:00Z', 60, { amountCents: 5000 }); // Tue 09:00
  await visit(b2, x, 'held', '2025-03-06T17:00:00Z', 30); // a slot hold is no appointment
  await visit(b2, z, 'pending', '2025-03-07T15:00:00Z', 30); // Fri 10:00
  await visit(b2, w, 'confirmed', '2025-03-08T16:00:00Z', 30); // Sat 11:00
  await visit(b2, w, 'confirmed', '2025-03-10T03:30:00Z', 30); // Sun 03-09 23:30 EDT: still the week
});
after(() => ctx.close());

const get = (
  route: 'revenue' | 'appointments' | 'dashboard',
  params: Record<string, string>,
  token = shop.owner.token,
) => api.get(analyticsPath(route, { location_id: shop.location.id, ...params }), { token });

const counts = (
  c: Partial<Record<'pending' | 'confirmed' | 'completed' | 'cancelled' | 'no_show', number>>,
) => {
  const all = { pending: 0, confirmed: 0, in_progress: 0, completed: 0, cancelled: 0, no_show: 0, ...c };
  return { total: Object.values(all).reduce((a, b) => a + b, 0), ...all };
};

test('appointments: counts by status per local day, no-show and cancellation rates', async () => {
  const res = await get('appointments', WEEK);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.totals, {
    ...counts({ pending: 1, confirmed: 2, completed: 5, cancelled: 1, no_show: 1 }),
    no_show_rate: 0.1667, // 1 / (5 + 1)
    cancellation_rate: 0.1, // 1 / 10
  });
  assert.deepEqual(
    res.body.series.map((b: { from: string }) => b.from),
    ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09'],
  );
  assert.deepEqual(
    res.body.series.map(({ from: _f, to: _t, ...rest }: Record<string, unknown>) => rest),
    [
      counts({ completed: 2 }),
      counts({ completed: 2 }),
      counts({ completed: 1 }),
      counts({ no_show: 1, cancelled: 1 }),
      counts({ pending: 1 }),
      counts({ confirmed: 1 }),
      counts({ confirmed: 1 }),
    ],
  );
});

test('appointments: one barber, by week', async () => {
  const res = await get('appointments', { ...WEEK, to: '2025-03-16', group_by: 'week', barber_id: b1 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.totals, {
    ...counts({ completed: 4, cancelled: 1, no_show: 1 }),
    no_show_rate: 0.2,
    cancellation_rate: 0.1667,
  });
  assert.deepEqual(res.body.series, [
    { from: '2025-03-03', to: '2025-03-09', ...counts({ completed: 4, cancelled: 1, no_show: 1 }) },
    { from: '2025-03-10', to: '2025-03-16', ...counts({}) },
  ]);
});

test('dashboard of the location: every figure of the six-figure dashboard', async () => {
  const res = await get('dashboard', WEEK);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    location_id: shop.location.id,
    barber_id: null,
    timezone: 'America/New_York',
    currency: 'USD',
    date_range: 'custom',
    from: '2025-03-03',
    to: '2025-03-09',
    days: 7,
    revenue_cents: 20_500, // 3000 + 6000 + (3000 − 1000) + 4500 + 5000
    average_ticket_cents: 4100, // 20 500 / 5 completed
    completed_appointments: 5,
    booked_minutes: 345, // barber 1: 30 + 60 + 30 + 45 + 30 (no-show); barber 2: 60 + 30 + 30 + 30
    working_minutes: 4320,
    utilisation: 0.0799, // 345 / 4320
    clients: 3, // X, V, Y
    visits_per_client: 1.6667, // 5 / 3
    returning_clients: 2, // X twice, Y once with each barber
    retention_rate: 0.6667,
    rebooked_clients: 1, // Y on 03-20; V's later booking is cancelled, X has none
    rebooking_rate: 0.3333,
    no_shows: 1,
    no_show_rate: 0.1667, // 1 / (5 + 1)
    target: {
      annual_target_cents: 10_000_000,
      monthly_target_cents: 833_333,
      monthly_revenue_cents: 89_137, // 20 500 / 7 × 30.436875
      monthly_gap_cents: 744_196,
      clients_needed_per_month: 204, // ⌈833 333 / 4100⌉
      additional_clients_per_month: 182, // ⌈744 196 / 4100⌉
      suggested_price_increase: 0.3, // 744 196 / 89 137 = 8.35, capped
      price_increase_capped: true,
    },
  });
});

const BARBER_1 = {
  barber_id: '',
  revenue_cents: 15_500,
  average_ticket_cents: 3875,
  completed_appointments: 4,
  booked_minutes: 195,
  working_minutes: 1920,
  utilisation: 0.1016,
  clients: 3,
  visits_per_client: 1.3333,
  returning_clients: 1, // only X: Y's second visit was with barber 2
  retention_rate: 0.3333,
  rebooked_clients: 1, // Y, with barber 1 on 03-20
  rebooking_rate: 0.3333,
  no_shows: 1,
  no_show_rate: 0.2,
};

test('dashboard of one barber: their appointments, payments and working time only', async () => {
  const res = await get('dashboard', { ...WEEK, barber_id: b1 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(pick(res.body, BARBER_1), { ...BARBER_1, barber_id: b1 });
  assert.equal(res.body.target.monthly_revenue_cents, 67_396);
  assert.equal(res.body.target.clients_needed_per_month, 216);
});

test('a barber sees their own dashboard without asking, and never another barber’s', async () => {
  const token = shop.barbers[0]!.user.token;
  const own = await get('dashboard', WEEK, token);
  assert.equal(own.status, 200, own.text);
  assert.deepEqual(pick(own.body, BARBER_1), { ...BARBER_1, barber_id: b1 });
  const same = await get('appointments', { ...WEEK, barber_id: b1 }, token);
  assert.equal(same.status, 200, same.text);
  assert.equal(same.body.totals.completed, 4);
  expectProblem(await get('dashboard', { ...WEEK, barber_id: b2 }, token), 403, 'forbidden');
  expectProblem(await get('revenue', { ...WEEK, barber_id: b2 }, token), 403, 'forbidden');
});

test('dashboard of an empty week: working time but no figures to divide', async () => {
  const res = await get('dashboard', { date_range: 'custom', from: '2024-01-01', to: '2024-01-07' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.working_minutes, 2 * 5 * 480);
  assert.equal(res.body.utilisation, 0);
  assert.equal(res.body.revenue_cents, 0);
  for (const field of [
    'average_ticket_cents',
    'visits_per_client',
    'retention_rate',
    'rebooking_rate',
    'no_show_rate',
  ])
    assert.equal(res.body[field], null, field);
  assert.equal(res.body.target.monthly_gap_cents, 833_333);
  assert.equal(res.body.target.suggested_price_increase, null);
});

test('dashboard and appointments refuse bad ranges like revenue does', async () => {
  expectProblem(
    await get('dashboard', { date_range: 'custom', from: '2025-03-09' }),
    422,
    'invalid-date-range',
  );
  expectProblem(await get('appointments', { ...WEEK, from: '2025-03-10' }), 422, 'invalid-date-range');
});

function pick(body: Record<string, unknown>, like: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(like).map((k) => [k, body[k]]));
}
