// Locations, members, barbers, services and offerings over HTTP, with the public listings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { startTestApp, type TestApp } from '../support/build-app.js';

const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' };

import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  // These specifications are not about overload: a busy CI machine must not turn them into 503s.
  ctx = await startTestApp({ env: QUIET });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

async function createLocation(owner: TestUser, body: Record<string, unknown> = {}) {
  const res = await api.post(
    '/api/v2/locations',
    { name: 'Fade Street Barbers', timezone: 'America/New_York', ...body },
    { token: owner.token },
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
}

describe('locations', () => {
  test('the creator becomes owner and the default cancellation policy is set, in one go', async () => {
    const owner = await newUser(ctx);
    const location = await createLocation(owner, { slot_interval_minutes: 30, min_notice_minutes: 0 });
    assert.match(location.slug, /^fade-street-barbers(-[0-9a-f]{6})?$/);
    assert.equal(location.timezone, 'America/New_York');
    assert.equal(location.slot_interval_minutes, 30);
    assert.equal(location.min_notice_minutes, 0);
    assert.equal(location.max_advance_days, 60);
    assert.equal(location.currency, 'USD');
    const { rows } = await ctx.db.primary.query(
      'SELECT tiers, no_show_fee_cents, first_time_full_refund_min_hours FROM cancellation_policies WHERE location_id = $1',
      [location.id],
    );
    assert.deepEqual(rows, [
      {
        tiers: [
          { min_hours_before: 48, refund_percent: 100, fee_cents: 0 },
          { min_hours_before: 24, refund_percent: 50, fee_cents: 1000 },
          { min_hours_before: 0, refund_percent: 0, fee_cents: 2500 },
        ],
        no_show_fee_cents: 5000,
        first_time_full_refund_min_hours: 24,
      },
    ]);
    const members = await api.get(`/api/v2/locations/${location.id}/members`, { token: owner.token });
    assert.deepEqual(
      members.body.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]),
      [[owner.id, 'owner']],
    );
    const read = await api.get(`/api/v2/locations/${location.id}`, { token: owner.token });
    assert.deepEqual(read.body, location);
  });

  test('bad input is a clear 4xx: unknown time zone, rules out of range, a taken slug', async () => {
    const owner = await newUser(ctx);
    const post = (body: Record<string, unknown>) =>
      api.post(
        '/api/v2/locations',
        { name: 'X', timezone: 'Europe/London', ...body },
        { token: owner.token },
      );
    expectProblem(await post({ timezone: 'Mars/Olympus' }), 422, 'invalid-timezone');
    expectProblem(await post({ slot_interval_minutes: 4 }), 422, 'validation-failed');
    expectProblem(await post({ min_notice_minutes: 10_081 }), 422, 'validation-failed');
    expectProblem(await post({ max_advance_days: 0 }), 422, 'validation-failed');
    expectProblem(await post({ slug: 'Not A Slug' }), 422, 'validation-failed');
    const slug = `taken-${Date.now().toString(36)}`;
    assert.equal((await post({ slug })).status, 201);
    expectProblem(await post({ slug }), 409, 'slug-taken');
    expectProblem(
      await api.post('/api/v2/locations', { name: 'X', timezone: 'UTC' }),
      401,
      'unauthenticated',
    );
  });

  test('PATCH changes the rules; a non-member gets 404 and a receptionist 403', async () => {
    const owner = await newUser(ctx);
    const location = await createLocation(owner);
    const patched = await api.patch(
      `/api/v2/locations/${location.id}`,
      { max_advance_days: 90, timezone: 'Europe/London' },
      { token: owner.token },
    );
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.max_advance_days, 90);
    assert.equal(patched.body.timezone, 'Europe/London');
    const stranger = await newUser(ctx);
    expectProblem(
      await api.get(`/api/v2/locations/${location.id}`, { token: stranger.token }),
      404,
      'not-found',
    );
    const receptionist = await newUser(ctx);
    await api.post(
      `/api/v2/locations/${location.id}/members`,
      { user_email: receptionist.email, role: 'receptionist' },
      { token: owner.token },
    );
    expectProblem(
      await api.patch(`/api/v2/locations/${location.id}`, { name: 'Mine' }, { token: receptionist.token }),
      403,
      'forbidden',
    );
    assert.equal(
      (await api.get(`/api/v2/locations/${location.id}`, { token: receptionist.token })).status,
      200,
    );
  });
});

describe('members', () => {
  test('an owner adds a manager; a manager adds receptionists only; removal revokes access at once', async () => {
    const owner = await newUser(ctx);
    const location = await createLocation(owner);
    const manager = await newUser(ctx);
    const receptionist = await newUser(ctx);
    const path = `/api/v2/locations/${location.id}/members`;
    const added = await api.post(
      path,
      { user_email: manager.email.toUpperCase(), role: 'manager' },
      { token: owner.token },
    );
    assert.equal(added.status, 201, added.text);
    assert.deepEqual(added.body, {
      user_id: manager.id,
      email: manager.email,
      name: manager.name,
      role: 'manager',
    });
    expectProblem(
      await api.post(path, { user_email: receptionist.email, role: 'manager' }, { token: manager.token }),
      403,
      'forbidden',
    );
    assert.equal(
      (
        await api.post(
          path,
          { user_email: receptionist.email, role: 'receptionist' },
          { token: manager.token },
        )
      ).status,
      201,
    );
    expectProblem(
      await api.post(path, { user_email: receptionist.email, role: 'receptionist' }, { token: owner.token }),
      409,
      'already-member',
    );
    expectProblem(
      await api.post(
        path,
        { user_email: 'nobody@example.test', role: 'receptionist' },
        { token: owner.token },
      ),
      404,
      'user-not-found',
    );
    expectProblem(
      await api.post(path, { user_email: manager.email, role: 'owner' }, { token: owner.token }),
      422,
      'validation-failed',
    );
    assert.equal(
      (await api.get(`/api/v2/locations/${location.id}`, { token: receptionist.token })).status,
      200,
    );
    assert.equal((await api.delete(`${path}/${receptionist.id}`, { token: manager.token })).status, 204);
    expectProblem(
      await api.get(`/api/v2/locations/${location.id}`, { token: receptionist.token }),
      404,
      'not-found',
    );
    expectProblem(
      await api.delete(`${path}/${owner.id}`, { token: owner.token }),
      409,
      'owner-not-removable',
    );
    expectProblem(
      await api.delete(`${path}/${receptionist.id}`, { token: owner.token }),
      404,
      'member-not-found',
    );
  });
});

describe('barbers, services and offerings', () => {
  test('a barber and a service make a bookable availability; overrides and opt-outs apply', async () => {
    const owner = await newUser(ctx);
    const location = await createLocation(owner, { slot_interval_minutes: 60, min_notice_minutes: 0 });
    const person = await newUser(ctx);
    const token = owner.token;
    const barber = await api.post(
      `/api/v2/locations/${location.id}/barbers`,
      { user_email: person.email, display_name: 'Marcus', commission_rate: 0.25 },
      { token },
    );
    assert.equal(barber.status, 201, barber.text);
    assert.deepEqual(barber.body, {
      id: barber.body.id,
      location_id: location.id,
      user_id: person.id,
      display_name: 'Marcus',
      bio: null,
      commission_rate: 0.25,
      is_active: true,
    });
    expectProblem(
      await api.post(
        `/api/v2/locations/${location.id}/barbers`,
        { user_email: person.email, display_name: 'M' },
        { token },
      ),
      409,
      'barber-exists',
    );
    const service = await api.post(
      `/api/v2/locations/${location.id}/services`,
      {
        name: 'Classic cut',
        duration_minutes: 30,
        price_cents: 3500,
        buffer_minutes: 5,
        deposit_cents: 1000,
      },
      { token },
    );
    assert.equal(service.status, 201, service.text);
    assert.equal(service.body.currency, 'USD');
    expectProblem(
      await api.post(
        `/api/v2/locations/${location.id}/services`,
        { name: 'Bad', duration_minutes: 30, price_cents: 100, deposit_cents: 200 },
        { token },
      ),
      422,
      'deposit-exceeds-price',
    );

    const date = Temporal.Now.plainDateISO('America/New_York').add({ days: 3 });
    // The barber sets their own hours (their membership was created with the barber row).
    const hours = await api.put(
      `/api/v2/barbers/${barber.body.id}/working-hours`,
      { hours: [{ weekday: date.dayOfWeek, start: '10:00', end: '12:00' }] },
      { token: person.token },
    );
    assert.equal(hours.status, 200, hours.text);
    const availability = () =>
      api.get(
        `/api/v2/appointments/availability?barber_id=${barber.body.id}&date=${date}&service_id=${service.body.id}`,
      );
    assert.deepEqual(
      (await availability()).body.slots.map((s: { start_time: string; end_time: string }) => [
        s.start_time.slice(11, 16),
        s.end_time.slice(11, 16),
      ]),
      [
        ['10:00', '10:30'],
        ['11:00', '11:30'],
      ],
    );

    // A custom duration for this barber: 90 minutes no longer fits twice.
    const offered = await api.put(
      `/api/v2/barbers/${barber.body.id}/services`,
      { services: [{ service_id: service.body.id, duration_minutes: 90, price_cents: 5000 }] },
      { token },
    );
    assert.equal(offered.status, 200, offered.text);
    assert.deepEqual(offered.body.items, [
      {
        service_id: service.body.id,
        name: 'Classic cut',
        offered: true,
        price_cents: 5000,
        duration_minutes: 90,
        custom_price_cents: 5000,
        custom_duration_minutes: 90,
      },
    ]);
    assert.deepEqual(
      (await availability()).body.slots.map((s: { end_time: string }) => s.end_time.slice(11, 16)),
      ['11:30'],
    );
    await api.put(
      `/api/v2/barbers/${barber.body.id}/services`,
      { services: [{ service_id: service.body.id, offered: false }] },
      { token },
    );
    assert.deepEqual((await availability()).body.slots, []);
    await api.put(`/api/v2/barbers/${barber.body.id}/services`, { services: [] }, { token });
    assert.equal((await availability()).body.slots.length, 2);

    // Inactive barber: nothing listed, and not in the public list.
    const inactive = await api.patch(
      `/api/v2/locations/${location.id}/barbers/${barber.body.id}`,
      { is_active: false },
      { token },
    );
    assert.equal(inactive.body.is_active, false);
    assert.deepEqual((await availability()).body.slots, []);
    const publicBarbers = await api.get(`/api/v2/public/locations/${location.slug}/barbers`);
    assert.deepEqual(publicBarbers.body.items, []);
  });

  test('public listings show active services bookable online, by slug, with no login', async () => {
    const owner = await newUser(ctx);
    const location = await createLocation(owner);
    const token = owner.token;
    const a = await api.post(
      `/api/v2/locations/${location.id}/services`,
      { name: 'Beard trim', duration_minutes: 20, price_cents: 2000 },
      { token },
    );
    const b = await api.post(
      `/api/v2/locations/${location.id}/services`,
      { name: 'Colour', duration_minutes: 120, price_cents: 9000 },
      { token },
    );
    const hidden = await api.patch(
      `/api/v2/locations/${location.id}/services/${b.body.id}`,
      { bookable_online: false },
      { token },
    );
    assert.equal(hidden.body.bookable_online, false);
    const pub = await api.get(`/api/v2/public/locations/${location.slug}`);
    assert.equal(pub.status, 200);
    assert.deepEqual(Object.keys(pub.body).sort(), [
      'currency',
      'id',
      'max_advance_days',
      'min_notice_minutes',
      'name',
      'slot_interval_minutes',
      'slug',
      'timezone',
    ]);
    const services = await api.get(`/api/v2/public/locations/${location.slug}/services`);
    assert.deepEqual(
      services.body.items.map((s: { id: string }) => s.id),
      [a.body.id],
    );
    expectProblem(await api.get('/api/v2/public/locations/no-such-shop'), 404, 'location-not-found');
    const other = await newUser(ctx);
    expectProblem(
      await api.patch(
        `/api/v2/locations/${location.id}/services/${a.body.id}`,
        { price_cents: 1 },
        { token: other.token },
      ),
      404,
      'not-found',
    );
  });
});

test('service and barber lists are keyset pages: limit, cursor → next_cursor', async () => {
  const owner = await newUser(ctx);
  const location = await createLocation(owner);
  const token = owner.token;
  for (const name of ['Cut C', 'Cut A', 'Cut B']) {
    await api.post(
      `/api/v2/locations/${location.id}/services`,
      { name, duration_minutes: 30, price_cents: 1000 },
      { token },
    );
  }
  const first = await api.get(`/api/v2/locations/${location.id}/services?limit=2`, { token });
  assert.deepEqual(
    first.body.items.map((s: { name: string }) => s.name),
    ['Cut A', 'Cut B'],
  );
  assert.equal(typeof first.body.next_cursor, 'string');
  const second = await api.get(
    `/api/v2/public/locations/${location.slug}/services?limit=2&cursor=${first.body.next_cursor}`,
  );
  assert.deepEqual(
    second.body.items.map((s: { name: string }) => s.name),
    ['Cut C'],
  );
  assert.equal(second.body.next_cursor, null);
  expectProblem(
    await api.get(`/api/v2/locations/${location.id}/barbers?cursor=garbage`, { token }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.get(`/api/v2/locations/${location.id}/barbers?limit=0`, { token }),
    422,
    'validation-failed',
  );
});
