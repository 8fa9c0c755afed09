import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { BOOKING_TEST_ENV, localStart } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let otherShop: TestShop;

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, { services: [{ durationMinutes: 30, priceCents: 2500 }] });
  otherShop = await newShop(ctx);
});
after(() => ctx.close());

test('staff see a client record with its tallies and keep private notes; others cannot', async () => {
  const client = await newUser(ctx, { name: 'Ada Client' });
  const booked = await api.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: localStart(3, '10:00') },
    { token: client.token },
  );
  const id = booked.body.client_id;
  const barber = shop.barbers[0]!.user.token;
  await api.patch(
    `/api/v2/appointments/${booked.body.id}/status`,
    { status: 'in_progress' },
    { token: barber },
  );
  await api.patch(
    `/api/v2/appointments/${booked.body.id}/status`,
    { status: 'completed' },
    { token: barber },
  );

  const record = await api.get(`/api/v2/clients/${id}`, { token: shop.owner.token });
  assert.equal(record.status, 200, record.text);
  assert.deepEqual(
    {
      name: record.body.name,
      email: record.body.email,
      user_id: record.body.user_id,
      visits: record.body.visits,
      total_spent_cents: record.body.total_spent_cents,
      no_shows: record.body.no_shows,
      cancellations: record.body.cancellations,
      last_visit_at: record.body.last_visit_at,
      notes: record.body.notes,
    },
    {
      name: 'Ada Client',
      email: client.email,
      user_id: client.id,
      visits: 1,
      total_spent_cents: 2500,
      no_shows: 0,
      cancellations: 0,
      last_visit_at: booked.body.start_time,
      notes: null,
    },
  );

  const noted = await api.patch(`/api/v2/clients/${id}`, { notes: 'prefers scissors' }, { token: barber });
  assert.equal(noted.status, 200, noted.text);
  assert.equal(noted.body.notes, 'prefers scissors');

  const list = await api.get(`/api/v2/locations/${shop.location.id}/clients`, { token: shop.owner.token });
  assert.deepEqual(
    list.body.items.map((c: { id: string; notes: string }) => [c.id, c.notes]),
    [[id, 'prefers scissors']],
  );
  assert.equal(list.body.next_cursor, null);

  // The client themself, and another shop's owner, see no such client or location.
  expectProblem(await api.get(`/api/v2/clients/${id}`, { token: client.token }), 404, 'client-not-found');
  expectProblem(
    await api.get(`/api/v2/clients/${id}`, { token: otherShop.owner.token }),
    404,
    'client-not-found',
  );
  expectProblem(
    await api.patch(`/api/v2/clients/${id}`, { notes: 'x' }, { token: client.token }),
    404,
    'client-not-found',
  );
  expectProblem(
    await api.get(`/api/v2/locations/${shop.location.id}/clients`, { token: otherShop.owner.token }),
    404,
    'not-found',
  );
  expectProblem(
    await api.get('/api/v2/clients/00000000-0000-4000-8000-000000000000', { token: shop.owner.token }),
    404,
    'client-not-found',
  );
});
