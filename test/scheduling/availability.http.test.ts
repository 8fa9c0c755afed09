import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop } from '../support/shop-factory.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  ctx = await startTestApp();
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
