// Real concurrency: many requests in flight at once against the real PostgreSQL; the exclusion
// constraint must let exactly one through and answer 409 to the rest.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { BOOKING_TEST_ENV, localStart } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let clients: TestUser[];

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  // 30 minutes and a 15-minute buffer: each booking keeps the chair 45 minutes.
  shop = await newShop(ctx, { barbers: 4, services: [{ durationMinutes: 30, bufferMinutes: 15 }] });
  clients = [];
  for (let i = 0; i < 50; i++) clients.push(await newUser(ctx));
});
after(() => ctx.close());

async function race(
  barber: number,
  starts: (i: number) => string,
  path = (_i: number) => '/api/v2/appointments',
) {
  const barberId = shop.barbers[barber]!.id;
  const responses = await Promise.all(
    clients.map((client, i) =>
      api.post(
        path(i),
        { barber_id: barberId, service_id: shop.services[0]!.id, start_time: starts(i) },
        { token: client.token },
      ),
    ),
  );
  const statuses = responses.map((r) => r.status);
  const codes = responses.filter((r) => r.status === 409).map((r) => r.body.code);
  const { rows } = await ctx.db.primary.query(
    `SELECT count(*)::int AS n FROM appointments WHERE barber_id = $1 AND status <> 'cancelled'`,
    [barberId],
  );
  const { rows: overlaps } = await ctx.db.primary.query(
    `SELECT count(*)::int AS n FROM appointments a JOIN appointments b
        ON a.barber_id = b.barber_id AND a.id < b.id
       AND tstzrange(a.start_time, a.busy_until) && tstzrange(b.start_time, b.busy_until)
     WHERE a.barber_id = $1 AND a.status <> 'cancelled' AND b.status <> 'cancelled'`,
    [barberId],
  );
  return {
    created: statuses.filter((s) => s === 201).length,
    conflicts: statuses.filter((s) => s === 409).length,
    others: statuses.filter((s) => s !== 201 && s !== 409),
    codes: new Set(codes),
    rows: rows[0].n as number,
    overlaps: overlaps[0].n as number,
  };
}

test('50 concurrent bookings of one slot: exactly one 201, 49 × 409 slot-unavailable, one row', async () => {
  const start = localStart(10, '10:00');
  const r = await race(0, () => start);
  assert.deepEqual(r, {
    created: 1,
    conflicts: 49,
    others: [],
    codes: new Set(['slot-unavailable']),
    rows: 1,
    overlaps: 0,
  });
});

test('50 concurrent bookings of pairwise-overlapping different starts: exactly one wins', async () => {
  // 10:00, 10:15 and 10:30 each keep the chair 45 minutes, so any two of them overlap.
  const starts = ['10:00', '10:15', '10:30'].map((t) => localStart(10, t));
  const r = await race(1, (i) => starts[i % 3]!);
  assert.deepEqual(r, {
    created: 1,
    conflicts: 49,
    others: [],
    codes: new Set(['slot-unavailable']),
    rows: 1,
    overlaps: 0,
  });
});

test('the buffer is contested too: 10:00 and 10:30 overlap only through the buffer, one wins', async () => {
  const starts = ['10:00', '10:30'].map((t) => localStart(10, t));
  const r = await race(2, (i) => starts[i % 2]!);
  assert.deepEqual(r, {
    created: 1,
    conflicts: 49,
    others: [],
    codes: new Set(['slot-unavailable']),
    rows: 1,
    overlaps: 0,
  });
});

test('holds and bookings racing for one slot: exactly one of them gets it', async () => {
  const start = localStart(10, '14:00');
  const r = await race(
    3,
    () => start,
    (i) => (i % 2 ? '/api/v2/appointments/holds' : '/api/v2/appointments'),
  );
  assert.deepEqual(r, {
    created: 1,
    conflicts: 49,
    others: [],
    codes: new Set(['slot-unavailable']),
    rows: 1,
    overlaps: 0,
  });
});

test('retries of one Idempotency-Key racing other clients: the key is answered with its one booking or 409', async () => {
  const barberId = shop.barbers[0]!.id;
  const body = { barber_id: barberId, service_id: shop.services[0]!.id, start_time: localStart(11, '10:00') };
  const retry = { token: clients[0]!.token, headers: { 'idempotency-key': 'race-retry-1' } };
  const responses = await Promise.all([
    ...Array.from({ length: 10 }, () => api.post('/api/v2/appointments', body, retry)),
    ...clients.slice(1, 11).map((c) => api.post('/api/v2/appointments', body, { token: c.token })),
  ]);
  const { rows } = await ctx.db.primary.query(
    `SELECT id FROM appointments WHERE barber_id = $1 AND start_time = $2 AND status <> 'cancelled'`,
    [barberId, body.start_time],
  );
  assert.equal(rows.length, 1);
  const created = responses.flatMap((r, i) => (r.status === 201 ? [{ i, id: r.body.id }] : []));
  assert.ok(
    created.every((c) => c.id === rows[0].id),
    JSON.stringify(created),
  );
  assert.ok(
    responses.every((r) => r.status === 201 || r.status === 409),
    JSON.stringify(responses.map((r) => r.status)),
  );
  // Either the key won and every one of its requests has the booking, or another client won alone.
  const keyWon = created.some((c) => c.i < 10);
  if (keyWon)
    assert.deepEqual(
      created.map((c) => c.i),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  else assert.equal(created.length, 1);
});

test('a request that books nothing (an unknown client) makes no one else lose the slot', async () => {
  const barberId = shop.barbers[1]!.id;
  const body = { barber_id: barberId, service_id: shop.services[0]!.id, start_time: localStart(11, '10:00') };
  // Hold the barber's writer lock, so the unknown client's statement is surely in flight when the
  // others arrive: they wait for it in the process, and must go on to the database when it books nothing.
  const lock = await ctx.db.primary.connect();
  await lock.query('BEGIN');
  await lock.query('SELECT lock_barber_time($1)', [barberId]);
  const unknownClient = api.post(
    '/api/v2/appointments',
    { ...body, client_id: '00000000-0000-4000-8000-000000000000' },
    { token: shop.owner.token },
  );
  await untilWaitingOnTheLock(1);
  const others = clients.slice(0, 10).map((c) => api.post('/api/v2/appointments', body, { token: c.token }));
  await sleep(100); // let them reach the booking in flight (were any at the database, they would queue on the lock too)
  await lock.query('COMMIT');
  lock.release();
  const [failed, ...rest] = await Promise.all([unknownClient, ...others]);
  assert.equal(failed.status, 404);
  assert.deepEqual(rest.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
});

/**
 * A rival booking of `barber` at `start`, made in a transaction that holds the barber's writer lock
 * until `commit()`: requests for that time wait on the lock meanwhile.
 */
async function rivalHoldingTheLock(barber: number, start: string) {
  const barberId = shop.barbers[barber]!.id;
  const rival = await ctx.db.primary.connect();
  await rival.query('BEGIN');
  await rival.query('SELECT lock_barber_time($1)', [barberId]);
  const { rows } = await rival.query(
    `INSERT INTO clients (location_id, name) VALUES ($1, 'Rival') RETURNING id`,
    [shop.location.id],
  );
  await rival.query(
    `INSERT INTO appointments (location_id, barber_id, service_id, client_id, status, start_time, end_time,
       busy_until, price_cents)
     VALUES ($1, $2, $3, $4, 'confirmed', $5, $5::timestamptz + interval '30 minutes',
       $5::timestamptz + interval '45 minutes', 0)`,
    [shop.location.id, barberId, shop.services[0]!.id, rows[0].id, start],
  );
  return {
    barberId,
    async commit() {
      await rival.query('COMMIT');
      rival.release();
    },
  };
}

async function untilWaitingOnTheLock(n: number) {
  const waiting = async () => {
    const { rows } = await ctx.db.primary.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    );
    return rows[0].n as number;
  };
  for (let i = 0; i < 200 && (await waiting()) < n; i++) await sleep(10);
  assert.equal(await waiting(), n);
}

test('the free check after the lock sees a rival committed during the wait; the statement’s snapshot does not', async () => {
  // Why the booking statement asks a VOLATILE function (migration 0007): a plain check in the statement
  // would read the snapshot taken before the wait and find the time free.
  const start = localStart(13, '10:00');
  const rival = await rivalHoldingTheLock(3, start);
  const checking = ctx.db.primary.query(
    `WITH locked AS MATERIALIZED (
       SELECT lock_barber_and_check_free($1, $2, $3, $3::timestamptz + interval '45 minutes', true) AS free)
     SELECT free, (SELECT count(*)::int FROM appointments WHERE barber_id = $2 AND start_time = $3) AS seen
       FROM locked`,
    [shop.location.id, rival.barberId, start],
  );
  await untilWaitingOnTheLock(1);
  await rival.commit();
  assert.deepEqual((await checking).rows[0], { free: false, seen: 0 });
});

test('a booking that waited on the lock for a rival that booked the time is 409 and writes nothing', async () => {
  const start = localStart(13, '14:00');
  const rival = await rivalHoldingTheLock(3, start);
  const late = clients[20]!;
  const request = api.post(
    '/api/v2/appointments',
    { barber_id: rival.barberId, service_id: shop.services[0]!.id, start_time: start },
    { token: late.token },
  );
  await untilWaitingOnTheLock(1);
  await rival.commit();
  expectProblem(await request, 409, 'slot-unavailable');
  // Not even the client row a first booking at this location creates.
  const { rows } = await ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM clients WHERE location_id = $1 AND user_id = $2',
    [shop.location.id, late.id],
  );
  assert.equal(rows[0].n, 0);
});
