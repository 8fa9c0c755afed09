import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { asApi, BOOKING_TEST_ENV, localStart, plusMinutes } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, {
    barbers: 2,
    services: [
      { name: 'Cut', durationMinutes: 30, priceCents: 3000, bufferMinutes: 15 },
      { name: 'Colour', durationMinutes: 60, priceCents: 9000, depositCents: 2000 },
    ],
  });
});
after(() => ctx.close());

const rows = async (barberId: string) =>
  (
    await ctx.db.primary.query(
      `SELECT id, status FROM appointments WHERE barber_id = $1 AND status <> 'cancelled'`,
      [barberId],
    )
  ).rows;

test('a client books for themself: 201 confirmed, price and end from the service, a client row linked', async () => {
  const client = await newUser(ctx, { name: 'Casey Client' });
  const start = localStart(3, '10:00');
  const res = await api.post(
    '/api/v2/appointments',
    {
      barber_id: shop.barbers[0]!.id,
      service_id: shop.services[0]!.id,
      start_time: start,
      notes: 'skin fade',
    },
    { token: client.token },
  );
  assert.equal(res.status, 201, res.text);
  const a = res.body;
  assert.equal(a.status, 'confirmed');
  assert.equal(a.location_id, shop.location.id);
  assert.equal(a.barber_id, shop.barbers[0]!.id);
  assert.equal(a.service_id, shop.services[0]!.id);
  assert.equal(a.start_time, asApi(start));
  assert.equal(a.end_time, plusMinutes(start, 30));
  assert.equal(a.price_cents, 3000);
  assert.equal(a.deposit_cents, 0);
  assert.equal(a.payment_due_by, null);
  assert.equal(a.notes, 'skin fade');
  assert.match(a.confirmation_code, /^[2-9A-Z]{8}$/);
  const { rows: clients } = await ctx.db.primary.query(
    'SELECT id, user_id, name, email FROM clients WHERE id = $1',
    [a.client_id],
  );
  assert.deepEqual(clients, [
    { id: a.client_id, user_id: client.id, name: 'Casey Client', email: client.email },
  ]);

  // The second booking of the same client reuses the client row.
  const again = await api.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: localStart(3, '14:00') },
    { token: client.token },
  );
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body.client_id, a.client_id);
});

test('a service with a deposit starts pending with payment_due_by = now + the payment window (30 min)', async () => {
  const client = await newUser(ctx);
  const before = Date.now();
  const res = await api.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[1]!.id, service_id: shop.services[1]!.id, start_time: localStart(4, '11:00') },
    { token: client.token },
  );
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'pending');
  assert.equal(res.body.deposit_cents, 2000);
  const due = new Date(res.body.payment_due_by).getTime();
  assert.ok(due >= before + 29 * 60_000 && due <= Date.now() + 31 * 60_000, res.body.payment_due_by);
});

test('the buffer follows the appointment: the next start inside it is 409 slot-unavailable', async () => {
  const [a, b] = [await newUser(ctx), await newUser(ctx)];
  const barber = shop.barbers[0]!.id;
  const service = shop.services[0]!.id;
  const first = await api.post(
    '/api/v2/appointments',
    { barber_id: barber, service_id: service, start_time: localStart(5, '09:00') },
    { token: a.token },
  );
  assert.equal(first.status, 201);
  // 09:00–09:30 plus 15 min buffer: 09:30 is taken, 09:45 is free.
  const inBuffer = await api.post(
    '/api/v2/appointments',
    { barber_id: barber, service_id: service, start_time: localStart(5, '09:30') },
    { token: b.token },
  );
  expectProblem(inBuffer, 409, 'slot-unavailable');
  const after = await api.post(
    '/api/v2/appointments',
    { barber_id: barber, service_id: service, start_time: localStart(5, '09:45') },
    { token: b.token },
  );
  assert.equal(after.status, 201, after.text);
});

test('Idempotency-Key: the same key and body twice give the same appointment and one row', async () => {
  const client = await newUser(ctx);
  const barber = shop.barbers[1]!.id;
  const body = { barber_id: barber, service_id: shop.services[0]!.id, start_time: localStart(6, '10:00') };
  const headers = { 'idempotency-key': 'retry-me-1' };
  const first = await api.post('/api/v2/appointments', body, { token: client.token, headers });
  const second = await api.post('/api/v2/appointments', body, { token: client.token, headers });
  assert.equal(first.status, 201, first.text);
  assert.equal(second.status, 201, second.text);
  assert.equal(second.body.id, first.body.id);
  assert.deepEqual(second.body, first.body);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  const { rows: count } = await ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM appointments WHERE barber_id = $1 AND start_time = $2',
    [barber, body.start_time],
  );
  assert.equal(count[0].n, 1);

  // The same key with another body is refused.
  const other = await api.post(
    '/api/v2/appointments',
    { ...body, start_time: localStart(6, '12:00') },
    { token: client.token, headers },
  );
  expectProblem(other, 422, 'idempotency-key-reused');

  // Keys are per caller: another client may use the same key for their own booking.
  const stranger = await newUser(ctx);
  const theirs = await api.post(
    '/api/v2/appointments',
    { ...body, start_time: localStart(6, '13:00') },
    { token: stranger.token, headers },
  );
  assert.equal(theirs.status, 201, theirs.text);
  assert.notEqual(theirs.body.id, first.body.id);
});

test('50 identical retries with one key at once create one appointment', async () => {
  const client = await newUser(ctx);
  const body = {
    barber_id: shop.barbers[1]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(6, '15:00'),
  };
  const headers = { 'idempotency-key': 'storm' };
  const results = await Promise.all(
    Array.from({ length: 50 }, () =>
      api.post('/api/v2/appointments', body, { token: client.token, headers }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array(50).fill(201),
  );
  assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
});

test('not an offered slot is 422 saying why; bad input and unknown ids are problem documents', async () => {
  const client = await newUser(ctx);
  const barber = shop.barbers[0]!.id;
  const service = shop.services[0]!.id;
  const post = (body: unknown) => api.post('/api/v2/appointments', body, { token: client.token });
  expectProblem(
    await post({ barber_id: barber, service_id: service, start_time: localStart(5, '20:00') }),
    422,
    'outside-working-hours',
  );
  expectProblem(
    await post({ barber_id: barber, service_id: service, start_time: localStart(5, '10:07') }),
    422,
    'off-slot-grid',
  );
  expectProblem(
    await post({ barber_id: barber, service_id: service, start_time: localStart(-1, '10:00') }),
    422,
    'too-little-notice',
  );
  expectProblem(
    await post({ barber_id: barber, service_id: service, start_time: '2030-13-45T10:00:00Z' }),
    422,
    'validation-failed',
  );
  expectProblem(
    await post({ barber_id: barber, service_id: service, start_time: '2030-01-10T10:00:00' }),
    422,
    'validation-failed',
  );
  expectProblem(
    await post({ barber_id: 'nope', service_id: service, start_time: localStart(5, '10:00') }),
    422,
    'validation-failed',
  );
  expectProblem(await post({ barber_id: barber, service_id: service }), 422, 'validation-failed');
  expectProblem(
    await post({
      barber_id: '00000000-0000-4000-8000-000000000000',
      service_id: service,
      start_time: localStart(5, '10:00'),
    }),
    404,
    'barber-not-found',
  );
  expectProblem(
    await post({
      barber_id: barber,
      service_id: '00000000-0000-4000-8000-000000000000',
      start_time: localStart(5, '10:00'),
    }),
    404,
    'service-not-found',
  );
  expectProblem(
    await api.get('/api/v2/appointments/00000000-0000-4000-8000-000000000000', { token: client.token }),
    404,
    'appointment-not-found',
  );
  expectProblem(
    await api.get('/api/v2/appointments/not-a-uuid', { token: client.token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.get('/api/v2/appointments?from=yesterday', { token: client.token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.get('/api/v2/appointments?cursor=garbage', { token: client.token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.post('/api/v2/appointments', {
      barber_id: barber,
      service_id: service,
      start_time: localStart(5, '10:00'),
    }),
    401,
    'unauthenticated',
  );
});

test("a hold blocks others, converts into the holder's booking, and an expired hold never blocks", async () => {
  const [holder, other] = [await newUser(ctx), await newUser(ctx)];
  const body = {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(7, '10:00'),
  };
  const hold = await api.post('/api/v2/appointments/holds', body, { token: holder.token });
  assert.equal(hold.status, 201, hold.text);
  assert.equal(hold.body.status, 'held');
  const ttl = new Date(hold.body.expires_at).getTime() - Date.now();
  assert.ok(ttl > 4 * 60_000 && ttl <= 5 * 60_000, hold.body.expires_at);

  // 1. Someone else cannot book or hold the held slot.
  expectProblem(
    await api.post('/api/v2/appointments', body, { token: other.token }),
    409,
    'slot-unavailable',
  );
  expectProblem(
    await api.post('/api/v2/appointments/holds', body, { token: other.token }),
    409,
    'slot-unavailable',
  );
  // 2. The holder books with the hold: the hold row becomes the appointment's slot.
  const booked = await api.post(
    '/api/v2/appointments',
    { ...body, hold_id: hold.body.id },
    { token: holder.token },
  );
  assert.equal(booked.status, 201, booked.text);
  assert.deepEqual(await rows(body.barber_id).then((r) => r.filter((x) => x.id === hold.body.id)), []);

  // 3. A hold that has expired (moved into the past here) is purged by the next booking.
  const late = { ...body, start_time: localStart(7, '11:00') };
  const stale = await api.post('/api/v2/appointments/holds', late, { token: holder.token });
  assert.equal(stale.status, 201);
  await ctx.db.primary.query(
    `UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE id = $1`,
    [stale.body.id],
  );
  const taken = await api.post('/api/v2/appointments', late, { token: other.token });
  assert.equal(taken.status, 201, taken.text);
  const { rows: gone } = await ctx.db.primary.query('SELECT 1 FROM appointments WHERE id = $1', [
    stale.body.id,
  ]);
  assert.equal(gone.length, 0);
});

test('a live hold of the caller for another slot is refused (422 hold-mismatch) and stays; its own slot books', async () => {
  const [holder, other] = [await newUser(ctx), await newUser(ctx)];
  const held = {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(7, '15:00'),
  };
  const hold = await api.post('/api/v2/appointments/holds', held, { token: holder.token });
  assert.equal(hold.status, 201, hold.text);

  const elsewhere = { ...held, start_time: localStart(7, '16:00'), hold_id: hold.body.id };
  expectProblem(
    await api.post('/api/v2/appointments', elsewhere, { token: holder.token }),
    422,
    'hold-mismatch',
  );
  const { rows: still } = await ctx.db.primary.query('SELECT status FROM appointments WHERE id = $1', [
    hold.body.id,
  ]);
  assert.deepEqual(still, [{ status: 'held' }]);
  const { rows: none } = await ctx.db.primary.query(
    `SELECT 1 FROM appointments WHERE barber_id = $1 AND start_time = $2 AND status <> 'cancelled'`,
    [held.barber_id, elsewhere.start_time],
  );
  assert.equal(none.length, 0);

  // Someone else's hold id is not theirs to use: ignored, and the free 16:00 books.
  const theirs = await api.post('/api/v2/appointments', elsewhere, { token: other.token });
  assert.equal(theirs.status, 201, theirs.text);
  // The holder books the held slot with the hold.
  const own = await api.post(
    '/api/v2/appointments',
    { ...held, hold_id: hold.body.id },
    { token: holder.token },
  );
  assert.equal(own.status, 201, own.text);
});

test('a hold can be released by its holder only', async () => {
  const [holder, other] = [await newUser(ctx), await newUser(ctx)];
  const body = {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(7, '13:00'),
  };
  const hold = await api.post('/api/v2/appointments/holds', body, { token: holder.token });
  expectProblem(
    await api.delete(`/api/v2/appointments/holds/${hold.body.id}`, { token: other.token }),
    404,
    'hold-not-found',
  );
  assert.equal(
    (await api.delete(`/api/v2/appointments/holds/${hold.body.id}`, { token: holder.token })).status,
    204,
  );
  expectProblem(
    await api.delete(`/api/v2/appointments/holds/${hold.body.id}`, { token: holder.token }),
    404,
    'hold-not-found',
  );
  assert.equal((await api.post('/api/v2/appointments', body, { token: other.token })).status, 201);
});

test('staff book for a client by contact or client_id; a client may not name another client', async () => {
  const receptionist = await newUser(ctx);
  await ctx.db.primary.query(
    `INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'receptionist')`,
    [shop.location.id, receptionist.id],
  );
  const base = { barber_id: shop.barbers[1]!.id, service_id: shop.services[0]!.id };
  const walkIn = await api.post(
    '/api/v2/appointments',
    {
      ...base,
      start_time: localStart(8, '10:00'),
      client: { name: 'Walk In', email: 'walk.in@example.test' },
    },
    { token: receptionist.token },
  );
  assert.equal(walkIn.status, 201, walkIn.text);
  const again = await api.post(
    '/api/v2/appointments',
    { ...base, start_time: localStart(8, '11:00'), client_id: walkIn.body.client_id },
    { token: receptionist.token },
  );
  assert.equal(again.status, 201, again.text);
  assert.equal(again.body.client_id, walkIn.body.client_id);
  expectProblem(
    await api.post(
      '/api/v2/appointments',
      { ...base, start_time: localStart(8, '12:00'), client_id: '00000000-0000-4000-8000-000000000000' },
      { token: receptionist.token },
    ),
    404,
    'client-not-found',
  );
  const client = await newUser(ctx);
  expectProblem(
    await api.post(
      '/api/v2/appointments',
      { ...base, start_time: localStart(8, '13:00'), client_id: walkIn.body.client_id },
      { token: client.token },
    ),
    404,
    'not-found',
  );
});

test('guest booking: 201 with a code; look up and cancel with code + e-mail; a wrong e-mail is not found', async () => {
  const path = `/api/v2/public/locations/${shop.location.slug}/bookings`;
  const res = await api.post(path, {
    barber_id: shop.barbers[1]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(9, '10:00'),
    guest: { name: 'Gina Guest', email: 'Gina@Example.test', phone: '+1 555 0100' },
  });
  assert.equal(res.status, 201, res.text);
  const code = res.body.confirmation_code;
  assert.equal(res.body.status, 'confirmed');

  const found = await api.get(`${path}/${code}?email=gina@example.test`);
  assert.equal(found.status, 200, found.text);
  assert.equal(found.body.id, res.body.id);
  expectProblem(await api.get(`${path}/${code}?email=someone@example.test`), 404, 'appointment-not-found');
  expectProblem(
    await api.get(`/api/v2/public/locations/no-such-shop/bookings/${code}?email=gina@example.test`),
    404,
    'not-found',
  );

  expectProblem(
    await api.post(`${path}/${code}/cancel`, { email: 'someone@example.test' }),
    404,
    'appointment-not-found',
  );
  const cancelled = await api.post(`${path}/${code}/cancel`, { email: 'gina@example.test', reason: 'sick' });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal(cancelled.body.cancellation_reason, 'sick');
  // Nothing was paid: 9 days ahead is the 100 % tier, so 0 back and no fee.
  assert.deepEqual(cancelled.body.refund, { amount_cents: 0, fee_cents: 0, percent: 100 });
  expectProblem(
    await api.post(`${path}/${code}/cancel`, { email: 'gina@example.test' }),
    409,
    'invalid-transition',
  );
  const { rows: client } = await ctx.db.primary.query(
    'SELECT cancellations, user_id FROM clients WHERE id = $1',
    [res.body.client_id],
  );
  assert.deepEqual(client, [{ cancellations: 1, user_id: null }]);
});

test('control characters in text fields and malformed codes are 422, never a 500', async () => {
  const client = await newUser(ctx);
  const base = {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(11, '10:00'),
  };
  expectProblem(
    await api.post('/api/v2/appointments', { ...base, notes: 'a\u0000b' }, { token: client.token }),
    422,
    'validation-failed',
  );
  const path = `/api/v2/public/locations/${shop.location.slug}/bookings`;
  expectProblem(
    await api.post(path, { ...base, guest: { name: 'x\u0000', email: 'x@example.test' } }),
    422,
    'validation-failed',
  );
  expectProblem(await api.get(`${path}/AB%00CD?email=x@example.test`), 422, 'validation-failed');
  expectProblem(
    await api.get(`/api/v2/public/locations/BAD%00SLUG/bookings/ABCD?email=x@example.test`),
    422,
    'validation-failed',
  );
  // Notes may span lines.
  const ok = await api.post(
    '/api/v2/appointments',
    { ...base, notes: 'line one\nline two' },
    { token: client.token },
  );
  assert.equal(ok.status, 201, ok.text);
  expectProblem(
    await api.post(
      `/api/v2/appointments/${ok.body.id}/cancel`,
      { reason: 'x\u0000' },
      { token: client.token },
    ),
    422,
    'validation-failed',
  );
});

test('the OpenAPI document lists the booking routes', async () => {
  const doc = await api.get('/docs/json');
  assert.equal(doc.status, 200);
  for (const path of [
    '/api/v2/appointments',
    '/api/v2/appointments/holds',
    '/api/v2/appointments/holds/{id}',
    '/api/v2/appointments/{id}',
    '/api/v2/appointments/{id}/cancel',
    '/api/v2/appointments/{id}/reschedule',
    '/api/v2/appointments/{id}/status',
    '/api/v2/public/locations/{slug}/bookings',
    '/api/v2/public/locations/{slug}/bookings/{code}',
    '/api/v2/public/locations/{slug}/bookings/{code}/cancel',
    '/api/v2/locations/{id}/clients',
    '/api/v2/clients/{id}',
  ]) {
    assert.ok(doc.body.paths[path], `${path} is documented`);
  }
});

test('a retry returns the first response even after the appointment changed, and books nothing', async () => {
  const client = await newUser(ctx);
  const body = {
    barber_id: shop.barbers[1]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(12, '10:00'),
  };
  const headers = { 'idempotency-key': 'first-answer' };
  const first = await api.post('/api/v2/appointments', body, { token: client.token, headers });
  assert.equal(first.status, 201, first.text);
  const cancelled = await api.post(
    `/api/v2/appointments/${first.body.id}/cancel`,
    {},
    { token: client.token },
  );
  assert.equal(cancelled.body.status, 'cancelled');
  // The slot is free again, yet the retry must not book it a second time.
  const retry = await api.post('/api/v2/appointments', body, { token: client.token, headers });
  assert.equal(retry.status, 201);
  assert.deepEqual(retry.body, first.body);
  const { rows } = await ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM appointments WHERE barber_id = $1 AND start_time = $2',
    [body.barber_id, body.start_time],
  );
  assert.equal(rows[0].n, 1);
});
