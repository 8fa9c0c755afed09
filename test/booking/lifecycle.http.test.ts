import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { asApi, BOOKING_TEST_ENV, localStart } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let otherShop: TestShop;

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, { barbers: 2, services: [{ durationMinutes: 30, priceCents: 4000 }] });
  otherShop = await newShop(ctx);
});
after(() => ctx.close());

async function book(client: TestUser, daysAhead: number, hhmm: string, barber = 0) {
  const res = await api.post(
    '/api/v2/appointments',
    {
      barber_id: shop.barbers[barber]!.id,
      service_id: shop.services[0]!.id,
      start_time: localStart(daysAhead, hhmm),
    },
    { token: client.token },
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Test setup only: moves an appointment to `hours` from now and records a succeeded payment. */
async function startsInHoursAndPaid(id: string, hours: number, paidCents: number) {
  const db = ctx.db.primary;
  const { rows } = await db.query(
    `UPDATE appointments SET start_time = now() + $2 * interval '1 hour',
            end_time = now() + $2 * interval '1 hour' + interval '30 minutes',
            busy_until = now() + $2 * interval '1 hour' + interval '30 minutes'
      WHERE id = $1 RETURNING location_id, barber_id, client_id`,
    [id, hours],
  );
  const a = rows[0];
  await db.query(
    `INSERT INTO payments (location_id, appointment_id, barber_id, client_id, kind, status, amount_cents,
       platform_fee_cents, barber_share_cents, completed_at)
     VALUES ($1, $2, $3, $4, 'full', 'succeeded', $5, 0, $5, now())`,
    [a.location_id, id, a.barber_id, a.client_id, paidCents],
  );
  return a;
}

const returning = (clientId: string) =>
  ctx.db.primary.query('UPDATE clients SET visits = 1 WHERE id = $1', [clientId]);

test('cancel refunds by the location policy tiers (returning client, $40 paid)', async () => {
  const client = await newUser(ctx);
  const cases = [
    { hours: 72, slot: '09:00', refund: { amount_cents: 4000, fee_cents: 0, percent: 100 } },
    { hours: 36, slot: '10:00', refund: { amount_cents: 1000, fee_cents: 1000, percent: 50 } },
    { hours: 5, slot: '11:00', refund: { amount_cents: 0, fee_cents: 2500, percent: 0 } },
  ];
  for (const [i, c] of cases.entries()) {
    const a = await book(client, 20 + i, c.slot);
    await returning(a.client_id);
    await startsInHoursAndPaid(a.id, c.hours + i * 0.01, 4000);
    const res = await api.post(
      `/api/v2/appointments/${a.id}/cancel`,
      { reason: 'plans changed' },
      { token: client.token },
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'cancelled');
    assert.equal(res.body.cancellation_reason, 'plans changed');
    assert.ok(res.body.cancelled_at);
    assert.deepEqual(res.body.refund, c.refund, `${c.hours} h before`);
    // The decision is kept with the appointment.
    assert.deepEqual(
      (await api.get(`/api/v2/appointments/${a.id}`, { token: client.token })).body.refund,
      c.refund,
    );
  }
  const { rows } = await ctx.db.primary.query('SELECT cancellations FROM clients WHERE user_id = $1', [
    client.id,
  ]);
  assert.deepEqual(rows, [{ cancellations: 3 }]);
});

test('a first-time client cancelling ≥ 24 h ahead gets everything back; later, the ordinary tier', async () => {
  const client = await newUser(ctx);
  const early = await book(client, 25, '09:00');
  await startsInHoursAndPaid(early.id, 30, 4000);
  const res = await api.post(`/api/v2/appointments/${early.id}/cancel`, {}, { token: client.token });
  assert.deepEqual(res.body.refund, { amount_cents: 4000, fee_cents: 0, percent: 100 });

  const late = await book(client, 25, '10:00');
  await startsInHoursAndPaid(late.id, 3, 4000);
  const lateRes = await api.post(`/api/v2/appointments/${late.id}/cancel`, undefined, {
    token: client.token,
  });
  assert.deepEqual(lateRes.body.refund, { amount_cents: 0, fee_cents: 2500, percent: 0 });
});

test('a cancelled slot is free again; cancelling twice is 409 invalid-transition', async () => {
  const [a, b] = [await newUser(ctx), await newUser(ctx)];
  const first = await book(a, 26, '09:00');
  assert.equal(
    (await api.post(`/api/v2/appointments/${first.id}/cancel`, {}, { token: a.token })).status,
    200,
  );
  await book(b, 26, '09:00');
  expectProblem(
    await api.post(`/api/v2/appointments/${first.id}/cancel`, {}, { token: a.token }),
    409,
    'invalid-transition',
  );
});

test('status: confirmed → in_progress → completed by the barber counts a visit and the spend', async () => {
  const client = await newUser(ctx);
  const a = await book(client, 27, '09:00');
  const barber = shop.barbers[0]!.user;
  const patch = (status: string, token = barber.token) =>
    api.patch(`/api/v2/appointments/${a.id}/status`, { status }, { token });
  expectProblem(await patch('completed'), 409, 'invalid-transition');
  expectProblem(await patch('in_progress', client.token), 403, 'forbidden');
  expectProblem(await patch('in_progress', shop.barbers[1]!.user.token), 403, 'forbidden');
  expectProblem(await patch('cancelled'), 422, 'validation-failed');
  expectProblem(await patch('no_show'), 409, 'appointment-not-started');
  assert.equal((await patch('in_progress')).body.status, 'in_progress');
  expectProblem(await patch('confirmed'), 409, 'invalid-transition');
  assert.equal((await patch('completed')).body.status, 'completed');
  expectProblem(await patch('in_progress'), 409, 'invalid-transition');
  expectProblem(
    await api.post(`/api/v2/appointments/${a.id}/cancel`, {}, { token: client.token }),
    409,
    'invalid-transition',
  );
  const { rows } = await ctx.db.primary.query(
    'SELECT visits, total_spent_cents, no_shows, last_visit_at FROM clients WHERE id = $1',
    [a.client_id],
  );
  assert.deepEqual(rows, [
    { visits: 1, total_spent_cents: 4000, no_shows: 0, last_visit_at: new Date(a.start_time) },
  ]);
});

test('a no-show after the start counts on the client; the owner may record it', async () => {
  const client = await newUser(ctx);
  const a = await book(client, 28, '09:00');
  await ctx.db.primary.query(
    `UPDATE appointments SET start_time = now() - interval '2 hours', end_time = now() - interval '90 minutes',
            busy_until = now() - interval '90 minutes' WHERE id = $1`,
    [a.id],
  );
  const res = await api.patch(
    `/api/v2/appointments/${a.id}/status`,
    { status: 'no_show' },
    { token: shop.owner.token },
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'no_show');
  const { rows } = await ctx.db.primary.query('SELECT no_shows, visits FROM clients WHERE id = $1', [
    a.client_id,
  ]);
  assert.deepEqual(rows, [{ no_shows: 1, visits: 0 }]);
});

test('reschedule into a taken slot is 409 and keeps the original; into a free one moves it', async () => {
  const [a, b] = [await newUser(ctx), await newUser(ctx)];
  const mine = await book(a, 29, '09:00');
  await book(b, 29, '10:00');
  const move = (hhmm: string) =>
    api.post(
      `/api/v2/appointments/${mine.id}/reschedule`,
      { start_time: localStart(29, hhmm) },
      { token: a.token },
    );
  expectProblem(await move('10:15'), 409, 'slot-unavailable');
  assert.equal(
    (await api.get(`/api/v2/appointments/${mine.id}`, { token: a.token })).body.start_time,
    mine.start_time,
  );
  // Overlapping its own old time is fine: it excludes itself.
  const moved = await move('09:15');
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.body.start_time, asApi(localStart(29, '09:15')));
  assert.equal(moved.body.id, mine.id);
  expectProblem(await move('22:00'), 422, 'outside-working-hours');
  // Moved away entirely, its old time is free for others.
  assert.equal((await move('11:00')).status, 200);
  await book(b, 29, '09:00');
});

test('lists are scoped: a client sees their own, a barber their chair, the owner the location', async () => {
  const [c1, c2] = [await newUser(ctx), await newUser(ctx)];
  const mine = [await book(c1, 40, '09:00', 0), await book(c1, 40, '09:00', 1)];
  const theirs = await book(c2, 40, '11:00', 0);
  const window = `from=${encodeURIComponent(localStart(40, '00:00'))}&to=${encodeURIComponent(localStart(41, '00:00'))}`;
  const ids = async (token: string, extra = '') =>
    (await api.get(`/api/v2/appointments?${window}${extra}`, { token })).body.items.map(
      (a: { id: string }) => a.id,
    );
  // Both of c1's start at 09:00 (two chairs): the id breaks the tie.
  assert.deepEqual(await ids(c1.token), mine.map((a) => a.id).sort());
  assert.deepEqual(await ids(c2.token), [theirs.id]);
  assert.deepEqual(await ids(shop.barbers[0]!.user.token), [mine[0]!.id, theirs.id]);
  assert.deepEqual(await ids(shop.barbers[1]!.user.token), [mine[1]!.id]);
  assert.deepEqual((await ids(shop.owner.token)).sort(), [...mine.map((a) => a.id), theirs.id].sort());
  assert.deepEqual(await ids(shop.owner.token, `&barber_id=${shop.barbers[1]!.id}`), [mine[1]!.id]);
  assert.deepEqual(await ids(otherShop.owner.token, `&location_id=${shop.location.id}`), []);

  // Another tenant's appointment does not exist for them, nor another client's.
  expectProblem(
    await api.get(`/api/v2/appointments/${theirs.id}`, { token: otherShop.owner.token }),
    404,
    'appointment-not-found',
  );
  expectProblem(
    await api.get(`/api/v2/appointments/${theirs.id}`, { token: c1.token }),
    404,
    'appointment-not-found',
  );
  expectProblem(
    await api.post(`/api/v2/appointments/${theirs.id}/cancel`, {}, { token: otherShop.owner.token }),
    404,
    'appointment-not-found',
  );
  expectProblem(
    await api.get(`/api/v2/appointments/${theirs.id}`, { token: shop.barbers[1]!.user.token }),
    403,
    'forbidden',
  );
  assert.equal((await api.get(`/api/v2/appointments/${theirs.id}`, { token: shop.owner.token })).status, 200);
});

test('cursor pagination walks every appointment once, in start order', async () => {
  const client = await newUser(ctx);
  const made = [];
  for (const hhmm of ['09:00', '10:00', '11:00', '12:00', '13:00'])
    made.push((await book(client, 45, hhmm, 1)).id);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `/api/v2/appointments?limit=2&barber_id=${shop.barbers[1]!.id}&from=${encodeURIComponent(localStart(45, '00:00'))}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await api.get(q, { token: client.token });
    assert.equal(page.status, 200, page.text);
    seen.push(...page.body.items.map((a: { id: string }) => a.id));
    cursor = page.body.next_cursor;
    pages++;
  } while (cursor);
  assert.deepEqual(seen, made);
  assert.equal(pages, 3);
});
