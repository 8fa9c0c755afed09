// The location's cancellation policy over HTTP: defaults until set, replaced by owners and managers,
// shown publicly before booking, and applied by the one cancel path.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AuthzWorld, newAuthzWorld, runRouteAuthz } from '../support/authz.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { BOOKING_TEST_ENV, localStart } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let world: AuthzWorld;

const DEFAULTS = {
  tiers: [
    { min_hours_before: 48, refund_percent: 100, fee_cents: 0 },
    { min_hours_before: 24, refund_percent: 50, fee_cents: 1000 },
    { min_hours_before: 0, refund_percent: 0, fee_cents: 2500 },
  ],
  no_show_fee_cents: 5000,
  first_time_full_refund_min_hours: 24,
  updated_at: null,
};

const LENIENT = {
  tiers: [
    { min_hours_before: 2, refund_percent: 80, fee_cents: 500 },
    { min_hours_before: 12, refund_percent: 100, fee_cents: 0 },
  ],
  no_show_fee_cents: 2000,
  first_time_full_refund_min_hours: null,
};

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, { services: [{ durationMinutes: 30, priceCents: 4000 }] });
  world = await newAuthzWorld(ctx);
});
after(() => ctx.close());

const policyPath = (locationId: string) => `/api/v2/locations/${locationId}/cancellation-policy`;

test('a location without a policy row shows the DESIGN defaults, to staff and publicly', async () => {
  const staff = await api.get(policyPath(world.location.id), { token: world.users.owner.token });
  assert.equal(staff.status, 200, staff.text);
  assert.deepEqual(staff.body, { location_id: world.location.id, ...DEFAULTS });
  const open = await api.get(`/api/v2/public/locations/${world.location.slug}/cancellation-policy`);
  assert.deepEqual(open.body, staff.body);
  expectProblem(await api.get('/api/v2/public/locations/no-such-shop/cancellation-policy'), 404, 'not-found');
});

test('the owner replaces it; tiers come back longest notice first; cancelling applies it', async () => {
  const put = await api.put(policyPath(shop.location.id), LENIENT, { token: shop.owner.token });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body.tiers, [LENIENT.tiers[1], LENIENT.tiers[0]]);
  assert.equal(put.body.first_time_full_refund_min_hours, null);
  assert.ok(put.body.updated_at);
  assert.deepEqual((await api.get(policyPath(shop.location.id), { token: shop.owner.token })).body, put.body);

  // 5 h ahead, $40 paid: the 2 h tier (80 % − $5), not the default 0 % − $25.
  const client = await newUser(ctx);
  const booked = await api.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: localStart(9, '10:00') },
    { token: client.token },
  );
  assert.equal(booked.status, 201, booked.text);
  const { rows } = await ctx.db.primary.query(
    `UPDATE appointments SET start_time = now() + interval '5 hours', end_time = now() + interval '330 minutes',
            busy_until = now() + interval '330 minutes' WHERE id = $1 RETURNING location_id, barber_id, client_id`,
    [booked.body.id],
  );
  await ctx.db.primary.query(
    `INSERT INTO payments (location_id, appointment_id, barber_id, client_id, kind, status, amount_cents,
       platform_fee_cents, barber_share_cents, completed_at)
     VALUES ($1, $2, $3, $4, 'full', 'succeeded', 4000, 0, 4000, now())`,
    [rows[0].location_id, booked.body.id, rows[0].barber_id, rows[0].client_id],
  );
  const cancelled = await api.post(
    `/api/v2/appointments/${booked.body.id}/cancel`,
    {},
    { token: client.token },
  );
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.deepEqual(cancelled.body.refund, { amount_cents: 2700, fee_cents: 500, percent: 80 });
});

test('bad policies are refused with field errors and change nothing', async () => {
  const before = (await api.get(policyPath(shop.location.id), { token: shop.owner.token })).body;
  const bad = [
    { ...LENIENT, tiers: [] },
    { ...LENIENT, tiers: [{ min_hours_before: 24, refund_percent: 101, fee_cents: 0 }] },
    { ...LENIENT, tiers: [{ min_hours_before: -1, refund_percent: 50, fee_cents: 0 }] },
    { ...LENIENT, tiers: [{ min_hours_before: 24, refund_percent: 50, fee_cents: -5 }] },
    { ...LENIENT, no_show_fee_cents: 'lots' },
    { tiers: LENIENT.tiers },
    {
      ...LENIENT,
      tiers: [
        { min_hours_before: 24, refund_percent: 50, fee_cents: 0 },
        { min_hours_before: 24, refund_percent: 100, fee_cents: 0 },
      ],
    },
  ];
  for (const body of bad) {
    const res = await api.put(policyPath(shop.location.id), body, { token: shop.owner.token });
    expectProblem(res, 422, 'validation-failed');
    assert.ok(res.body.errors?.length > 0, res.text);
  }
  assert.deepEqual((await api.get(policyPath(shop.location.id), { token: shop.owner.token })).body, before);
});

test('GET: staff and admins; PUT: owner, manager and admins', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['barber', 'receptionist', 'manager', 'owner', 'admin'],
    request: (c) => api.get(policyPath(world.location.id), { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: ['manager', 'owner', 'admin'],
    request: (c) => api.put(policyPath(world.location.id), LENIENT, { token: c.token }),
  });
});
