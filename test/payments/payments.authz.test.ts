// The authorisation matrix of every payments route (test/support/authz.ts): who gets 2xx, 401, 403, 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { localStart } from '../booking/booking-world.js';
import { type AuthzWorld, newAuthzWorld, runRouteAuthz, SIGNED_IN_ROLES } from '../support/authz.js';
import { newUser } from '../support/factory.js';
import { expectProblem } from '../support/http.js';
import { createIntent, payIntent, type PaymentsWorld, startPaymentsApp } from './payments-world.js';

let w: PaymentsWorld;
let world: AuthzWorld;
let appointmentId: string;
let paymentId: string;
let giftCode: string;

before(async () => {
  w = await startPaymentsApp();
  world = await newAuthzWorld(w.ctx, { ownersWithMfa: true });
  const { rows } = await w.ctx.db.primary.query(
    `INSERT INTO services (location_id, name, duration_minutes, price_cents, deposit_cents)
     VALUES ($1, 'Cut', 30, 4000, 1000) RETURNING id`,
    [world.location.id],
  );
  for (let weekday = 1; weekday <= 7; weekday++) {
    await w.ctx.db.primary.query(
      `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, 540, 1020)`,
      [world.location.id, world.barberId, weekday],
    );
  }
  // The world's client books with the world's barber and pays the deposit.
  const booked = await w.api.post(
    '/api/v2/appointments',
    { barber_id: world.barberId, service_id: rows[0].id, start_time: localStart(3, '10:00') },
    { token: world.users.client.token },
  );
  assert.equal(booked.status, 201, booked.text);
  appointmentId = booked.body.id;
  const paid = await createIntent(w, world.users.client.token, {
    appointment_id: appointmentId,
    kind: 'deposit',
  });
  await payIntent(w, paid.body.stripe_payment_intent_id);
  paymentId = paid.body.id;
  const gift = await w.api.post(
    '/api/v2/gift-certificates',
    { location_id: world.location.id, amount_cents: 1000 },
    { token: world.users.owner.token },
  );
  giftCode = gift.body.code;
});
after(() => w.close());

const PARTIES = ['client', 'barber', 'receptionist', 'manager', 'owner', 'admin'] as const;

test('POST /payments/intents, GET /payments/{id}, POST /payments/{id}/sync: the client, the chair, front desk, admins', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: PARTIES,
    request: (c) => createIntent(w, c.token ?? '', { appointment_id: appointmentId, kind: 'full' }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: PARTIES,
    request: (c) => w.api.get(`/api/v2/payments/${paymentId}`, { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: PARTIES,
    request: (c) => w.api.post(`/api/v2/payments/${paymentId}/sync`, {}, { token: c.token }),
  });
});

test('a barber of the shop who is not the appointment’s barber is refused (403)', async () => {
  const colleague = await newUser(w.ctx);
  await w.ctx.db.primary.query(
    `INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'barber')`,
    [world.location.id, colleague.id],
  );
  expectProblem(
    await w.api.get(`/api/v2/payments/${paymentId}`, { token: colleague.token }),
    403,
    'forbidden',
  );
});

test('GET /payments: anyone signed in (scoped to what they may see)', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: SIGNED_IN_ROLES,
    request: (c) => w.api.get(`/api/v2/payments?location_id=${world.location.id}`, { token: c.token }),
  });
  const client = await w.api.get('/api/v2/payments', { token: world.users.client.token });
  assert.ok(client.body.items.some((p: any) => p.id === paymentId));
  const other = await w.api.get(`/api/v2/payments?location_id=${world.location.id}`, {
    token: world.users.other_owner.token,
  });
  assert.deepEqual(other.body.items, []);
});

test('POST /payments/{id}/refund: owners, managers and admins', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['manager', 'owner', 'admin'],
    request: (c) =>
      w.api.post(
        `/api/v2/payments/${paymentId}/refund`,
        { amount_cents: 100, reason: c.role },
        { token: c.token },
      ),
  });
});

test('gift certificates: owners and managers issue, all staff look up', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['manager', 'owner', 'admin'],
    request: (c) =>
      w.api.post(
        '/api/v2/gift-certificates',
        { location_id: world.location.id, amount_cents: 500 },
        { token: c.token },
      ),
  });
  await runRouteAuthz({
    world,
    allowedRoles: ['barber', 'receptionist', 'manager', 'owner', 'admin'],
    request: (c) =>
      w.api.get(`/api/v2/gift-certificates/${giftCode}?location_id=${world.location.id}`, { token: c.token }),
  });
});

test('payouts: owners and managers list (a barber their own); only owners run them and connect accounts', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['barber', 'manager', 'owner', 'admin'],
    request: (c) => w.api.get(`/api/v2/payouts?location_id=${world.location.id}`, { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: ['owner', 'admin'],
    request: (c) =>
      w.api.post(
        '/api/v2/payouts/run',
        { location_id: world.location.id, period_start: '2020-01-01', period_end: '2020-01-31' },
        { token: c.token },
      ),
  });
  await runRouteAuthz({
    world,
    allowedRoles: ['owner', 'admin'],
    request: (c) =>
      w.api.put(
        `/api/v2/barbers/${world.barberId}/stripe-account`,
        { stripe_account_id: `acct_${c.role.replace('_', '')}` },
        { token: c.token },
      ),
  });
});

test('an owner without MFA may not use financial routes', async () => {
  const lone = await newUser(w.ctx);
  await w.ctx.db.primary.query(`INSERT INTO locations (name, slug, timezone) VALUES ('Lone', $1, 'UTC')`, [
    `lone-${lone.id.slice(0, 8)}`,
  ]);
  await w.ctx.db.primary.query(
    `INSERT INTO memberships (location_id, user_id, role) SELECT id, $1, 'owner' FROM locations WHERE slug = $2`,
    [lone.id, `lone-${lone.id.slice(0, 8)}`],
  );
  expectProblem(await w.api.get('/api/v2/payments', { token: lone.token }), 403, 'mfa-enrolment-required');
});

test('ids of nothing are 404 for admins too, never a 500', async () => {
  const admin = { token: world.users.admin.token };
  const nowhere = '00000000-0000-4000-8000-000000000000';
  expectProblem(
    await w.api.post('/api/v2/gift-certificates', { location_id: nowhere, amount_cents: 500 }, admin),
    404,
    'not-found',
  );
  expectProblem(
    await w.api.get(`/api/v2/gift-certificates/AAAA-BBBB-CCCC-DDDD?location_id=${nowhere}`, admin),
    404,
    'gift-certificate-not-found',
  );
  expectProblem(await w.api.get(`/api/v2/payments/${nowhere}`, admin), 404, 'payment-not-found');
  expectProblem(
    await w.api.put(`/api/v2/barbers/${nowhere}/stripe-account`, { stripe_account_id: 'acct_x' }, admin),
    404,
    'barber-not-found',
  );
  expectProblem(
    await w.api.post(
      '/api/v2/payouts/run',
      {
        location_id: world.location.id,
        period_start: '2020-01-01',
        period_end: '2020-01-31',
        barber_id: nowhere,
      },
      admin,
    ),
    404,
    'barber-not-found',
  );
});
