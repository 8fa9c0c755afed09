// Two processes (two apps on one database and one Redis): each caches sessions and profiles in memory,
// and a change made through one is seen by the other through the invalidation channel — long before
// the caches' 30 s TTL would have expired it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { TestApp } from '../support/build-app.js';
import { eventually } from '../support/eventually.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { localStart } from '../booking/booking-world.js';
import { newUser } from '../support/factory.js';
import { newShop } from '../support/shop-factory.js';
import { startAuthTestApp } from './auth-test-app.js';

let one: TestApp;
let two: TestApp;
let api1: ApiClient;
let api2: ApiClient;

before(async () => {
  // One channel for both: the channel is named after REDIS_KEY_PREFIX.
  const env = { RATE_LIMIT: 'off', REDIS_KEY_PREFIX: `bbtest:shared-${randomBytes(4).toString('hex')}:` };
  one = await startAuthTestApp({ env });
  two = await startAuthTestApp({ env, databaseUrl: () => one.database.url });
  api1 = apiClient(one.baseUrl);
  api2 = apiClient(two.baseUrl);
});
after(async () => {
  await two.close();
  await one.close();
});

async function registerOn(api: ApiClient) {
  const email = `inv-${randomBytes(4).toString('hex')}@example.test`;
  const response = await api.post('/api/v2/auth/register', {
    email,
    password: 'a long and unusual passphrase',
    name: 'Ivy',
  });
  assert.equal(response.status, 201, response.text);
  return response.body as { access_token: string; refresh_token: string };
}

test('both processes need Redis for this test', () => {
  assert.ok(one.redis && two.redis, 'start the local Redis');
});

test('a logout in one process ends the session in the other at once', async () => {
  const { access_token } = await registerOn(api1);
  // Process two now holds the session as live in its cache.
  assert.equal((await api2.get('/api/v2/auth/me', { token: access_token })).status, 200);
  assert.equal((await api2.get('/api/v2/auth/me', { token: access_token })).status, 200);
  assert.equal((await api1.post('/api/v2/auth/logout', undefined, { token: access_token })).status, 204);
  const after = await eventually(
    () => api2.get('/api/v2/auth/me', { token: access_token }),
    (r) => r.status === 401,
  );
  assert.equal(after.status, 401);
});

test('logout-all in one process ends every session in the other', async () => {
  const first = await registerOn(api1);
  const me = (await api1.get('/api/v2/auth/me', { token: first.access_token })).body;
  const second = (
    await api2.post('/api/v2/auth/login', { email: me.email, password: 'a long and unusual passphrase' })
  ).body;
  assert.equal((await api2.get('/api/v2/auth/me', { token: second.access_token })).status, 200);
  assert.equal(
    (await api1.post('/api/v2/auth/logout-all', undefined, { token: first.access_token })).status,
    204,
  );
  const after = await eventually(
    () => api2.get('/api/v2/auth/me', { token: second.access_token }),
    (r) => r.status === 401,
  );
  assert.equal(after.status, 401);
});

test('a profile change in one process is served by the other', async () => {
  const { access_token } = await registerOn(api1);
  assert.equal((await api2.get('/api/v2/users/profile', { token: access_token })).body.name, 'Ivy');
  assert.equal(
    (await api1.patch('/api/v2/users/profile', { name: 'Ivy Renamed' }, { token: access_token })).status,
    200,
  );
  const after = await eventually(
    () => api2.get('/api/v2/users/profile', { token: access_token }),
    (r) => r.body?.name === 'Ivy Renamed',
  );
  assert.equal(after.body.name, 'Ivy Renamed');
});

test('a booking in one process drops the other process’s cached availability of that day', async () => {
  const shop = await newShop(one, { slotIntervalMinutes: 60, services: [{ durationMinutes: 60 }] });
  const client = await newUser(one);
  const date = localStart(5, '00:00').slice(0, 10);
  const query = `/api/v2/appointments/availability?barber_id=${shop.barbers[0]!.id}&service_id=${shop.services[0]!.id}&date=${date}`;
  const before = await api2.get(query);
  assert.equal(before.status, 200, before.text);
  const first = before.body.slots[0].start_time as string;
  const booked = await api1.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: first },
    { token: client.token },
  );
  assert.equal(booked.status, 201, booked.text);
  const after = await eventually(
    () => api2.get(query),
    (r) => r.body?.slots?.[0]?.start_time !== first,
  );
  assert.notEqual(after.body.slots[0]?.start_time, first);
  assert.equal(after.body.slots.length, before.body.slots.length - 1);
});
