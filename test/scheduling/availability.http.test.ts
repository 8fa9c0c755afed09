import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../support/build-app.js';

const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' };

import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop } from '../support/shop-factory.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  // These specifications are not about overload: a busy CI machine must not turn them into 503s.
  ctx = await startTestApp({ env: QUIET });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

function daysFromNow(days: number, timezone: string): string {
  return Temporal.Now.plainDateISO(timezone).add({ days }).toString();
}

test('a barber-day lists the grid of the working window', async () => {
  const shop = await newShop(ctx, {
    slotIntervalMinutes: 60,
    hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })),
  });
  const date = daysFromNow(3, 'America/New_York');
  const res = await api.get(
    `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=${date}&service_id=${shop.services[0]!.id}`,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.barber_id, shop.barbers[0]!.id);
  assert.equal(res.body.timezone, 'America/New_York');
  assert.deepEqual(
    res.body.slots.map((s: { start_time: string }) => s.start_time.slice(11, 16)),
    ['09:00', '10:00', '11:00'],
  );
});

test('an impossible date answers 422 invalid-date', async () => {
  const shop = await newShop(ctx);
  expectProblem(
    await api.get(
      `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=2026-02-30&service_id=${shop.services[0]!.id}`,
    ),
    422,
    'invalid-date',
  );
});

/**
 * The next DST transition of the zone in the given direction, as the local date it happens on. Searched from
 * the day after tomorrow: on the transition day itself (or tomorrow, should the test run across midnight)
 * the hours before now are past, and past slots are not listed.
 */
function nextTransition(timezone: string, direction: 'forward' | 'back') {
  let at = Temporal.Now.plainDateISO(timezone).add({ days: 2 }).toZonedDateTime({ timeZone: timezone });
  for (;;) {
    const next = at.getTimeZoneTransition('next')!;
    const before = next.subtract({ hours: 1 }).offsetNanoseconds;
    if (next.offsetNanoseconds > before === (direction === 'forward')) return next.toPlainDate().toString();
    at = next;
  }
}

async function hourlyShopIn(timezone: string) {
  return newShop(ctx, {
    timezone,
    slotIntervalMinutes: 60,
    minNoticeMinutes: 0,
    maxAdvanceDays: 730,
    hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '04:00' })),
  });
}

async function startsOn(shop: Awaited<ReturnType<typeof newShop>>, date: string): Promise<string[]> {
  const res = await api.get(
    `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=${date}&service_id=${shop.services[0]!.id}`,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.date, date);
  return res.body.slots.map((s: { start_time: string }) => s.start_time.slice(11));
}

test('New York spring forward over HTTP: 02:00 does not exist', async () => {
  const shop = await hourlyShopIn('America/New_York');
  assert.deepEqual(await startsOn(shop, nextTransition('America/New_York', 'forward')), [
    '00:00:00-05:00',
    '01:00:00-05:00',
    '03:00:00-04:00',
  ]);
});

test('New York fall back over HTTP: 01:00 is offered twice', async () => {
  const shop = await hourlyShopIn('America/New_York');
  assert.deepEqual(await startsOn(shop, nextTransition('America/New_York', 'back')), [
    '00:00:00-04:00',
    '01:00:00-04:00',
    '01:00:00-05:00',
    '02:00:00-05:00',
    '03:00:00-05:00',
  ]);
});

test('London spring forward and fall back over HTTP', async () => {
  const shop = await hourlyShopIn('Europe/London');
  assert.deepEqual(await startsOn(shop, nextTransition('Europe/London', 'forward')), [
    '00:00:00+00:00',
    '02:00:00+01:00',
    '03:00:00+01:00',
  ]);
  assert.deepEqual(await startsOn(shop, nextTransition('Europe/London', 'back')), [
    '00:00:00+01:00',
    '01:00:00+01:00',
    '01:00:00+00:00',
    '02:00:00+00:00',
    '03:00:00+00:00',
  ]);
});

test('any barber of a location: each start once, with the free barbers', async () => {
  const shop = await newShop(ctx, {
    barbers: 2,
    slotIntervalMinutes: 60,
    hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '11:00' })),
  });
  const date = daysFromNow(5, 'America/New_York');
  const [first, second] = shop.barbers;
  // The second barber is away in the morning's first hour.
  await ctx.db.primary.query(
    `INSERT INTO time_off (location_id, barber_id, start_time, end_time) VALUES ($1, $2, $3, $4)`,
    [
      shop.location.id,
      second!.id,
      Temporal.PlainDate.from(date)
        .toZonedDateTime({ timeZone: 'America/New_York', plainTime: '09:00' })
        .toString({ timeZoneName: 'never' }),
      Temporal.PlainDate.from(date)
        .toZonedDateTime({ timeZone: 'America/New_York', plainTime: '10:00' })
        .toString({ timeZoneName: 'never' }),
    ],
  );
  const res = await api.get(
    `/api/v2/appointments/availability?location_id=${shop.location.id}&date=${date}&service_id=${shop.services[0]!.id}`,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.location_id, shop.location.id);
  assert.deepEqual(
    res.body.slots.map((s: { start_time: string; barber_id: string; barber_ids: string[] }) => [
      s.start_time.slice(11, 16),
      s.barber_id,
      s.barber_ids,
    ]),
    [
      ['09:00', first!.id, [first!.id]],
      ['10:00', first!.id, [first!.id, second!.id]],
    ],
  );
});

test('unknown ids answer 404; a wrong combination of parameters 422', async () => {
  const shop = await newShop(ctx);
  const other = await newShop(ctx);
  const date = daysFromNow(2, 'America/New_York');
  const base = '/api/v2/appointments/availability';
  const barber = shop.barbers[0]!.id;
  const service = shop.services[0]!.id;
  expectProblem(
    await api.get(`${base}?barber_id=${crypto.randomUUID()}&date=${date}&service_id=${service}`),
    404,
    'barber-not-found',
  );
  expectProblem(
    await api.get(`${base}?barber_id=${barber}&date=${date}&service_id=${crypto.randomUUID()}`),
    404,
    'service-not-found',
  );
  // Another shop's service is unknown here.
  expectProblem(
    await api.get(`${base}?barber_id=${barber}&date=${date}&service_id=${other.services[0]!.id}`),
    404,
    'service-not-found',
  );
  expectProblem(
    await api.get(`${base}?location_id=${crypto.randomUUID()}&date=${date}&service_id=${service}`),
    404,
    'location-not-found',
  );
  expectProblem(await api.get(`${base}?date=${date}&service_id=${service}`), 422, 'validation-failed');
  expectProblem(
    await api.get(
      `${base}?barber_id=${barber}&location_id=${shop.location.id}&date=${date}&service_id=${service}`,
    ),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.get(`${base}?barber_id=${barber}&date=tomorrow&service_id=${service}`),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.get(`${base}?barber_id=nope&date=${date}&service_id=${service}`),
    422,
    'validation-failed',
  );
});

test('a date past the horizon or in the past lists nothing', async () => {
  const shop = await newShop(ctx, { maxAdvanceDays: 7 });
  const q = (date: string) =>
    `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=${date}&service_id=${shop.services[0]!.id}`;
  assert.deepEqual((await api.get(q(daysFromNow(8, 'America/New_York')))).body.slots, []);
  assert.deepEqual((await api.get(q(daysFromNow(-1, 'America/New_York')))).body.slots, []);
  assert.equal((await api.get(q(daysFromNow(7, 'America/New_York')))).body.slots.length, 31); // 09:00 … 16:30 every 15 minutes
});

test('every listed slot can be booked in turn, and each booking leaves the listing at once', async () => {
  const shop = await newShop(ctx, {
    slotIntervalMinutes: 30,
    services: [{ durationMinutes: 45, bufferMinutes: 15 }],
    hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })),
  });
  const client = await newUser(ctx);
  const date = daysFromNow(4, 'America/New_York');
  const path = `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=${date}&service_id=${shop.services[0]!.id}`;
  const listed = (await api.get(path)).body.slots as { start_time: string }[];
  assert.deepEqual(
    listed.map((s) => s.start_time.slice(11, 16)),
    ['09:00', '09:30', '10:00', '10:30', '11:00'],
  );
  const booked: string[] = [];
  // 1. Book the first slot still listed, 2. re-list (the cache must drop the day), until none is left.
  for (let slots = listed; slots.length > 0; slots = (await api.get(path)).body.slots) {
    const res = await api.post(
      '/api/v2/appointments',
      { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: slots[0]!.start_time },
      { token: client.token },
    );
    assert.equal(res.status, 201, res.text);
    booked.push(slots[0]!.start_time.slice(11, 16));
  }
  assert.deepEqual(booked, ['09:00', '10:00', '11:00']);
});
