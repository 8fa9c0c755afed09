// Barber schedules over HTTP: who may change them, what is refused, and that availability follows
// every change at once (the per-barber-day cache is invalidated, here and in another process).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../support/build-app.js';

const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' };

import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  // These specifications are not about overload: a busy CI machine must not turn them into 503s.
  ctx = await startTestApp({ env: QUIET });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

const TZ = 'America/New_York';
/** A date a week ahead: well inside notice and horizon. */
const date = Temporal.Now.plainDateISO(TZ).add({ days: 7 });
const weekday = date.dayOfWeek;

async function hourlyShop(): Promise<TestShop> {
  return newShop(ctx, { slotIntervalMinutes: 60, hours: [{ weekday, start: '09:00', end: '12:00' }] });
}

async function slotTimes(shop: TestShop, apiClient = api): Promise<string[]> {
  const res = await apiClient.get(
    `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&date=${date}&service_id=${shop.services[0]!.id}`,
  );
  assert.equal(res.status, 200, res.text);
  return res.body.slots.map((s: { start_time: string }) => s.start_time.slice(11, 16));
}

function at(hhmm: string): string {
  return date.toZonedDateTime({ timeZone: TZ, plainTime: hhmm }).toString({ timeZoneName: 'never' });
}

describe('working hours', () => {
  test('a barber sets their own week; it reads back sorted, and availability follows at once', async () => {
    const shop = await hourlyShop();
    const barber = shop.barbers[0]!;
    assert.deepEqual(await slotTimes(shop), ['09:00', '10:00', '11:00']); // cached now
    const put = await api.put(
      `/api/v2/barbers/${barber.id}/working-hours`,
      {
        hours: [
          { weekday, start: '14:00', end: '16:00' },
          { weekday, start: '08:00', end: '09:00' },
        ],
      },
      { token: barber.user.token },
    );
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, {
      barber_id: barber.id,
      hours: [
        { weekday, start: '08:00', end: '09:00' },
        { weekday, start: '14:00', end: '16:00' },
      ],
    });
    const get = await api.get(`/api/v2/barbers/${barber.id}/working-hours`, { token: shop.owner.token });
    assert.deepEqual(get.body, put.body);
    assert.deepEqual(await slotTimes(shop), ['08:00', '14:00', '15:00']);
  });

  test('overlapping windows answer 422 overlapping-windows', async () => {
    const shop = await hourlyShop();
    const res = await api.put(
      `/api/v2/barbers/${shop.barbers[0]!.id}/working-hours`,
      {
        hours: [
          { weekday: 1, start: '09:00', end: '12:00' },
          { weekday: 1, start: '11:00', end: '13:00' },
        ],
      },
      { token: shop.owner.token },
    );
    expectProblem(res, 422, 'overlapping-windows');
  });

  test('an end not after its start answers 422 invalid-time-range; a bad weekday or time is a schema error', async () => {
    const shop = await hourlyShop();
    const path = `/api/v2/barbers/${shop.barbers[0]!.id}/working-hours`;
    const token = shop.owner.token;
    expectProblem(
      await api.put(path, { hours: [{ weekday: 1, start: '12:00', end: '12:00' }] }, { token }),
      422,
      'invalid-time-range',
    );
    expectProblem(
      await api.put(path, { hours: [{ weekday: 8, start: '09:00', end: '12:00' }] }, { token }),
      422,
      'validation-failed',
    );
    expectProblem(
      await api.put(path, { hours: [{ weekday: 1, start: '9am', end: '12:00' }] }, { token }),
      422,
      'validation-failed',
    );
  });

  test('another barber of the shop gets 403; another shop’s owner 404; an unknown barber 404', async () => {
    const shop = await newShop(ctx, { barbers: 2 });
    const other = await newShop(ctx);
    const body = { hours: [{ weekday: 1, start: '09:00', end: '10:00' }] };
    const path = `/api/v2/barbers/${shop.barbers[0]!.id}/working-hours`;
    expectProblem(await api.put(path, body, { token: shop.barbers[1]!.user.token }), 403, 'forbidden');
    expectProblem(await api.put(path, body, { token: other.owner.token }), 404, 'not-found');
    expectProblem(await api.put(path, body), 401, 'unauthenticated');
    const stranger = await newUser(ctx);
    expectProblem(await api.get(path, { token: stranger.token }), 404, 'not-found');
    expectProblem(
      await api.put(`/api/v2/barbers/${crypto.randomUUID()}/working-hours`, body, {
        token: shop.owner.token,
      }),
      404,
      'barber-not-found',
    );
    expectProblem(
      await api.put('/api/v2/barbers/not-a-uuid/working-hours', body, { token: shop.owner.token }),
      422,
      'validation-failed',
    );
  });
});

describe('time off', () => {
  test('time off removes slots from a cached day, and deleting it brings them back', async () => {
    const shop = await hourlyShop();
    const barber = shop.barbers[0]!;
    assert.deepEqual(await slotTimes(shop), ['09:00', '10:00', '11:00']);
    const created = await api.post(
      `/api/v2/barbers/${barber.id}/time-off`,
      { start_time: at('09:15'), end_time: at('10:30'), reason: 'dentist' },
      { token: barber.user.token },
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.reason, 'dentist');
    assert.equal(Date.parse(created.body.start_time), Date.parse(at('09:15')));
    assert.deepEqual(await slotTimes(shop), ['11:00']);

    const list = await api.get(`/api/v2/barbers/${barber.id}/time-off`, { token: shop.owner.token });
    assert.deepEqual(
      list.body.items.map((t: { id: string }) => t.id),
      [created.body.id],
    );
    const removed = await api.delete(`/api/v2/barbers/${barber.id}/time-off/${created.body.id}`, {
      token: shop.owner.token,
    });
    assert.equal(removed.status, 204);
    assert.deepEqual(await slotTimes(shop), ['09:00', '10:00', '11:00']);
    expectProblem(
      await api.delete(`/api/v2/barbers/${barber.id}/time-off/${created.body.id}`, {
        token: shop.owner.token,
      }),
      404,
      'time-off-not-found',
    );
  });

  test('an end before the start answers 422 invalid-time-range; a non-ISO time is a schema error', async () => {
    const shop = await hourlyShop();
    const path = `/api/v2/barbers/${shop.barbers[0]!.id}/time-off`;
    const token = shop.owner.token;
    expectProblem(
      await api.post(path, { start_time: at('10:00'), end_time: at('09:00') }, { token }),
      422,
      'invalid-time-range',
    );
    expectProblem(
      await api.post(path, { start_time: 'tomorrow', end_time: at('09:00') }, { token }),
      422,
      'validation-failed',
    );
  });
});

describe('special days', () => {
  test('a closed day offers nothing, an open one replaces the week, and deleting restores it', async () => {
    const shop = await hourlyShop();
    const barber = shop.barbers[0]!;
    const path = `/api/v2/barbers/${barber.id}/special-days`;
    const token = shop.owner.token;
    assert.deepEqual(await slotTimes(shop), ['09:00', '10:00', '11:00']);
    const closed = await api.post(path, { date: date.toString(), available: false }, { token });
    assert.equal(closed.status, 201, closed.text);
    assert.deepEqual(closed.body, {
      barber_id: barber.id,
      date: date.toString(),
      available: false,
      windows: [],
    });
    assert.deepEqual(await slotTimes(shop), []);
    await api.post(
      path,
      { date: date.toString(), available: true, windows: [{ start: '18:00', end: '20:00' }] },
      { token },
    );
    assert.deepEqual(await slotTimes(shop), ['18:00', '19:00']);
    const list = await api.get(path, { token });
    assert.equal(list.body.items.length, 1);
    assert.equal((await api.delete(`${path}/${date}`, { token })).status, 204);
    assert.deepEqual(await slotTimes(shop), ['09:00', '10:00', '11:00']);
    expectProblem(await api.delete(`${path}/${date}`, { token }), 404, 'special-day-not-found');
    expectProblem(
      await api.post(path, { date: '2026-02-30', available: false }, { token }),
      422,
      'invalid-date',
    );
  });
});

describe('across processes', () => {
  test('a change made through one process is seen at once by another process’s warm cache', async (t) => {
    if (!ctx.redis) return t.skip('no Redis');
    const second = await startTestApp({
      databaseUrl: () => ctx.database.url,
      env: { ...QUIET, REDIS_KEY_PREFIX: ctx.config.redisKeyPrefix },
    });
    try {
      const api2 = apiClient(second.baseUrl);
      const shop = await hourlyShop();
      assert.deepEqual(await slotTimes(shop, api2), ['09:00', '10:00', '11:00']); // warm in process 2
      const res = await api.post(
        `/api/v2/barbers/${shop.barbers[0]!.id}/time-off`,
        { start_time: at('09:00'), end_time: at('11:00') },
        { token: shop.owner.token },
      );
      assert.equal(res.status, 201);
      // Pub/sub is asynchronous: poll briefly (a correctness wait, not a timing assertion).
      let seen: string[] = [];
      for (let i = 0; i < 50; i++) {
        seen = await slotTimes(shop, api2);
        if (seen.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(seen, ['11:00']);
    } finally {
      await second.close();
    }
  });
});
