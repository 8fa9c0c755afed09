// GET /analytics/revenue over real HTTP and PostgreSQL: figures checked against sums done by hand.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { ANALYTICS_TEST_ENV, analyticsPath, insertPayment } from './analytics-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let other: TestShop;

// New York: EST (−05:00) until 2025-03-09 02:00, EDT (−04:00) after; EST again from 2025-11-02 02:00.
before(async () => {
  ctx = await startTestApp({ env: ANALYTICS_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, { timezone: 'America/New_York', barbers: 2 });
  other = await newShop(ctx, { timezone: 'America/New_York' });
  const [b1, b2] = shop.barbers.map((b) => b.id) as [string, string];
  const pay = (barberId: string, completedAt: string, amountCents: number, more = {}) =>
    insertPayment(ctx, shop, { barberId, completedAt, amountCents, ...more });
  await pay(b1, '2025-03-08T04:59:00Z', 1000); // 03-07 23:59 EST
  await pay(b1, '2025-03-08T05:00:00Z', 2000); // 03-08 00:00 EST
  await pay(b1, '2025-03-09T04:59:59Z', 3000, { refundedCents: 500 }); // 03-08 23:59:59 EST
  await pay(b1, '2025-03-09T05:00:00Z', 4000); // 03-09 00:00 EST
  await pay(b1, '2025-03-10T03:59:00Z', 5000, { refundedCents: 5000 }); // 03-09 23:59 EDT
  await pay(b1, '2025-03-10T04:00:00Z', 6000); // 03-10 00:00 EDT
  await pay(b1, '2025-03-11T03:59:00Z', 7000, { status: 'failed' }); // 03-10, never succeeded
  await pay(b1, '2025-03-11T04:00:00Z', 8000); // 03-11 00:00 EDT
  await pay(b2, '2025-03-10T15:00:00Z', 1500); // 03-10 11:00 EDT, the other barber
  await insertPayment(ctx, other, {
    barberId: other.barbers[0]!.id,
    completedAt: '2025-03-09T15:00:00Z',
    amountCents: 99_900,
  });
  // Fall back: 2025-11-02 runs 00:00 EDT (04:00Z) to 24:00 EST (05:00Z next day), 25 hours.
  await pay(b1, '2025-11-02T03:59:00Z', 100); // 11-01 23:59 EDT
  await pay(b1, '2025-11-02T04:00:00Z', 200); // 11-02 00:00 EDT
  await pay(b1, '2025-11-03T04:59:00Z', 400); // 11-02 23:59 EST
  await pay(b1, '2025-11-03T05:00:00Z', 800); // 11-03 00:00 EST
});
after(() => ctx.close());

const revenue = (params: Record<string, string | undefined>, token = shop.owner.token) =>
  api.get(analyticsPath('revenue', { location_id: shop.location.id, ...params }), { token });

const money = (gross: number, refunded: number, count: number, gift = 0) => ({
  gross_cents: gross,
  gift_certificate_cents: gift,
  refunded_cents: refunded,
  net_cents: gross - refunded,
  payment_count: count,
});

test('day buckets start at local midnight across spring forward; refunds and failed payments counted right', async () => {
  const res = await revenue({ date_range: 'custom', from: '2025-03-08', to: '2025-03-10' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    location_id: shop.location.id,
    barber_id: null,
    timezone: 'America/New_York',
    currency: 'USD',
    date_range: 'custom',
    from: '2025-03-08',
    to: '2025-03-10',
    group_by: 'day',
    // 2000 + 3000 + 4000 + 5000 + 6000 + 1500 = 21 500 gross, 500 + 5000 refunded, 16 000 net over 6.
    totals: { ...money(21_500, 5500, 6), average_ticket_cents: 2667 },
    series: [
      { from: '2025-03-08', to: '2025-03-08', ...money(5000, 500, 2) },
      { from: '2025-03-09', to: '2025-03-09', ...money(9000, 5000, 2) },
      { from: '2025-03-10', to: '2025-03-10', ...money(7500, 0, 2) },
    ],
  });
});

test('what a gift certificate paid is revenue, shown apart; refunds by card and to the certificate come off', async () => {
  const fresh = await newShop(ctx, { timezone: 'Europe/Berlin' });
  const barberId = fresh.barbers[0]!.id;
  // 2000 charged + 1000 from a gift certificate, 500 refunded by card and 400 given back to the
  // certificate; then a visit paid wholly by gift certificate.
  await insertPayment(ctx, fresh, {
    barberId,
    completedAt: '2025-06-02T10:00:00Z',
    amountCents: 2000,
    giftCertificateCents: 1000,
    refundedCents: 500,
    giftCertificateRefundedCents: 400,
  });
  await insertPayment(ctx, fresh, {
    barberId,
    completedAt: '2025-06-02T12:00:00Z',
    amountCents: 0,
    giftCertificateCents: 3000,
  });
  const res = await api.get(
    analyticsPath('revenue', {
      location_id: fresh.location.id,
      date_range: 'custom',
      from: '2025-06-02',
      to: '2025-06-02',
    }),
    { token: fresh.owner.token },
  );
  assert.equal(res.status, 200, res.text);
  // gross 2000 + 1000 + 3000 = 6000, of which 4000 by gift certificate; 900 refunded, net 5100 over 2.
  assert.deepEqual(res.body.totals, { ...money(6000, 900, 2, 4000), average_ticket_cents: 2550 });
  assert.deepEqual(res.body.series, [{ from: '2025-06-02', to: '2025-06-02', ...money(6000, 900, 2, 4000) }]);
});

test('the 25-hour fall-back day keeps its last hour', async () => {
  const res = await revenue({ date_range: 'custom', from: '2025-11-01', to: '2025-11-03' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(
    res.body.series.map((b: { from: string; gross_cents: number }) => [b.from, b.gross_cents]),
    [
      ['2025-11-01', 100],
      ['2025-11-02', 600],
      ['2025-11-03', 800],
    ],
  );
});

test('barber_id keeps one barber’s payments', async () => {
  const res = await revenue({
    date_range: 'custom',
    from: '2025-03-08',
    to: '2025-03-10',
    barber_id: shop.barbers[1]!.id,
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.barber_id, shop.barbers[1]!.id);
  assert.deepEqual(res.body.totals, { ...money(1500, 0, 1), average_ticket_cents: 1500 });
  assert.deepEqual(
    res.body.series.map((b: { net_cents: number }) => b.net_cents),
    [0, 0, 1500],
  );
});

test('ISO weeks run Monday to Sunday; the first and last are cut to the range', async () => {
  // 2025-03-05 is a Wednesday, 2025-03-18 a Tuesday.
  const res = await revenue({ date_range: 'custom', from: '2025-03-05', to: '2025-03-18', group_by: 'week' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.series, [
    // 1000 + 2000 + 3000 + 4000 + 5000; refunds 500 + 5000
    { from: '2025-03-05', to: '2025-03-09', ...money(15_000, 5500, 5) },
    // 6000 + 1500 + 8000
    { from: '2025-03-10', to: '2025-03-16', ...money(15_500, 0, 3) },
    { from: '2025-03-17', to: '2025-03-18', ...money(0, 0, 0) },
  ]);
});

test('months are calendar months of the location', async () => {
  const res = await revenue({
    date_range: 'custom',
    from: '2025-02-20',
    to: '2025-03-31',
    group_by: 'month',
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.series, [
    { from: '2025-02-20', to: '2025-02-28', ...money(0, 0, 0) },
    { from: '2025-03-01', to: '2025-03-31', ...money(30_500, 5500, 8) },
  ]);
});

test('an empty range answers zeros in every bucket and no average ticket', async () => {
  const res = await revenue({ date_range: 'custom', from: '2024-01-01', to: '2024-01-03' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.totals, { ...money(0, 0, 0), average_ticket_cents: null });
  assert.deepEqual(
    res.body.series.map((b: { from: string; payment_count: number }) => [b.from, b.payment_count]),
    [
      ['2024-01-01', 0],
      ['2024-01-02', 0],
      ['2024-01-03', 0],
    ],
  );
});

test('last_30_days is the 30 local days ending today', async () => {
  const fresh = await newShop(ctx, { timezone: 'Australia/Sydney' });
  const barberId = fresh.barbers[0]!.id;
  const now = Date.now();
  await insertPayment(ctx, fresh, {
    barberId,
    completedAt: new Date(now - 60_000).toISOString(),
    amountCents: 700,
  });
  await insertPayment(ctx, fresh, {
    barberId,
    completedAt: new Date(now - 31 * 86_400_000).toISOString(),
    amountCents: 9000,
  });
  const before = Temporal.Now.plainDateISO('Australia/Sydney');
  const res = await api.get(analyticsPath('revenue', { location_id: fresh.location.id }), {
    token: fresh.owner.token,
  });
  const after = Temporal.Now.plainDateISO('Australia/Sydney');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.date_range, 'last_30_days');
  // Today as the server saw it: the request may straddle Sydney's midnight.
  const today = [before, after].find((d) => d.toString() === res.body.to);
  assert.ok(today, `to ${res.body.to}, expected ${before} or ${after}`);
  assert.equal(res.body.from, today.subtract({ days: 29 }).toString());
  assert.equal(res.body.series.length, 30);
  assert.deepEqual(res.body.totals, { ...money(700, 0, 1), average_ticket_cents: 700 });
});

test('bad ranges and filters answer 422 problems, never 500', async () => {
  const cases: [Record<string, string>, number, string][] = [
    [{ date_range: 'custom', from: '2025-03-01' }, 422, 'invalid-date-range'],
    [{ date_range: 'custom', to: '2025-03-01' }, 422, 'invalid-date-range'],
    [{ date_range: 'custom', from: '2025-03-02', to: '2025-03-01' }, 422, 'invalid-date-range'],
    [{ date_range: 'custom', from: '2024-01-01', to: '2025-01-01' }, 422, 'invalid-date-range'], // 367 days
    [{ date_range: 'custom', from: '2025-02-29', to: '2025-03-01' }, 422, 'invalid-date-range'],
    [{ date_range: 'custom', from: '0099-01-01', to: '0099-01-02' }, 422, 'invalid-date-range'],
    [{ date_range: 'last_7_days', from: '2025-03-01' }, 422, 'invalid-date-range'],
    [{ date_range: 'yesterday' }, 422, 'validation-failed'],
    [{ date_range: 'custom', from: '2025-3-1', to: '2025-03-02' }, 422, 'validation-failed'],
    [{ group_by: 'year' }, 422, 'validation-failed'],
    [{ barber_id: 'not-a-uuid' }, 422, 'validation-failed'],
    [{ barber_id: other.barbers[0]!.id }, 422, 'unknown-barber'],
    [{ barber_id: '00000000-0000-4000-8000-000000000000' }, 422, 'unknown-barber'],
  ];
  for (const [params, status, code] of cases) expectProblem(await revenue(params), status, code);
  expectProblem(
    await api.get('/api/v2/analytics/revenue', { token: shop.owner.token }),
    422,
    'validation-failed',
  );
  // 366 days, a leap year whole, is the longest range.
  const year = await revenue({
    date_range: 'custom',
    from: '2024-01-01',
    to: '2024-12-31',
    group_by: 'month',
  });
  assert.equal(year.status, 200, year.text);
  assert.equal(year.body.series.length, 12);
});

test('the OpenAPI document lists the analytics routes', async () => {
  const doc = await api.get('/docs/json');
  assert.equal(doc.status, 200);
  for (const path of [
    '/api/v2/analytics/revenue',
    '/api/v2/analytics/appointments',
    '/api/v2/analytics/dashboard',
  ])
    assert.ok(doc.body.paths[path]?.get, `${path} is documented`);
});
