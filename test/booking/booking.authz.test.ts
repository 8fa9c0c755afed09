// The authorisation matrix of every booking route (test/support/authz.ts): who gets 2xx, 401, 403, 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AuthzCaller, type AuthzWorld, newAuthzWorld, runRouteAuthz } from '../support/authz.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { BOOKING_TEST_ENV, localStart, plusMinutes } from './booking-world.js';

let ctx: TestApp;
let api: ApiClient;
let world: AuthzWorld;
let serviceId: string;
let booker: TestUser;
let day = 3;

before(async () => {
  ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  world = await newAuthzWorld(ctx);
  booker = await newUser(ctx, { name: 'Third Party' });
  const { rows } = await ctx.db.primary.query(
    `INSERT INTO services (location_id, name, duration_minutes, price_cents) VALUES ($1, 'Cut', 30, 3000) RETURNING id`,
    [world.location.id],
  );
  serviceId = rows[0].id;
  for (let weekday = 1; weekday <= 7; weekday++) {
    await ctx.db.primary.query(
      `INSERT INTO working_hours (location_id, barber_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, 540, 1020)`,
      [world.location.id, world.barberId, weekday],
    );
  }
});
after(() => ctx.close());

/** A fresh appointment of the world's barber, booked by a third party (on a day of its own). */
async function freshAppointment(): Promise<{ id: string; clientId: string }> {
  const res = await api.post(
    '/api/v2/appointments',
    { barber_id: world.barberId, service_id: serviceId, start_time: localStart(day++, '10:00') },
    { token: booker.token },
  );
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, clientId: res.body.client_id };
}

const STAFF_AND_CHAIR = ['barber', 'receptionist', 'manager', 'owner', 'admin'] as const;

test('GET /appointments/{id}: the chair, front desk and admins; others 404', async () => {
  const { id } = await freshAppointment();
  await runRouteAuthz({
    world,
    allowedRoles: STAFF_AND_CHAIR,
    request: (c) => api.get(`/api/v2/appointments/${id}`, { token: c.token }),
  });
});

test('POST /appointments/{id}/cancel: the chair, front desk and admins (and the client, tested elsewhere)', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: STAFF_AND_CHAIR,
    request: async (c) => {
      const { id } = await freshAppointment();
      return api.post(`/api/v2/appointments/${id}/cancel`, {}, { token: c.token });
    },
  });
});

test('POST /appointments/{id}/reschedule: the chair, front desk and admins', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: STAFF_AND_CHAIR,
    request: async (c) => {
      const { id } = await freshAppointment();
      return api.post(
        `/api/v2/appointments/${id}/reschedule`,
        { start_time: localStart(day - 1, '14:00') },
        { token: c.token },
      );
    },
  });
});

test('PATCH /appointments/{id}/status: the chair, front desk and admins', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: STAFF_AND_CHAIR,
    request: async (c) => {
      const { id } = await freshAppointment();
      return api.patch(`/api/v2/appointments/${id}/status`, { status: 'in_progress' }, { token: c.token });
    },
  });
});

test('POST /appointments for a client (client_id): front desk and admins; a barber 403', async () => {
  const { clientId } = await freshAppointment();
  await runRouteAuthz({
    world,
    allowedRoles: ['receptionist', 'manager', 'owner', 'admin'],
    request: (c: AuthzCaller) =>
      api.post(
        '/api/v2/appointments',
        {
          barber_id: world.barberId,
          service_id: serviceId,
          start_time: localStart(day++, '11:00'),
          client_id: clientId,
        },
        { token: c.token },
      ),
  });
});

test('POST /appointments for oneself and GET /appointments: anyone signed in', async () => {
  const everyone = ['client', 'barber', 'receptionist', 'manager', 'owner', 'other_owner', 'admin'] as const;
  await runRouteAuthz({
    world,
    allowedRoles: everyone,
    request: (c) =>
      api.post(
        '/api/v2/appointments',
        { barber_id: world.barberId, service_id: serviceId, start_time: localStart(day++, '12:00') },
        { token: c.token },
      ),
  });
  await runRouteAuthz({
    world,
    allowedRoles: everyone,
    request: (c) => api.get(`/api/v2/appointments?location_id=${world.location.id}`, { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: everyone,
    request: (c) =>
      api.post(
        '/api/v2/appointments/holds',
        { barber_id: world.barberId, service_id: serviceId, start_time: localStart(day++, '13:00') },
        { token: c.token },
      ),
  });
});

test('client records (list, read, notes): the location staff and admins; others 404', async () => {
  const { clientId } = await freshAppointment();
  const staff = ['barber', 'receptionist', 'manager', 'owner', 'admin'] as const;
  await runRouteAuthz({
    world,
    allowedRoles: staff,
    request: (c) => api.get(`/api/v2/locations/${world.location.id}/clients`, { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: staff,
    request: (c) => api.get(`/api/v2/clients/${clientId}`, { token: c.token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: staff,
    request: (c) => api.patch(`/api/v2/clients/${clientId}`, { notes: `by ${c.role}` }, { token: c.token }),
  });
});

test('DELETE /appointments/holds/{id}: only the holder; everyone else is told there is no such hold', async () => {
  // Day 2 is left free by the other tests: one half-hour hold per role from 09:00.
  let slot = 0;
  await runRouteAuthz({
    world,
    allowedRoles: ['client'],
    expect: { barber: 404, receptionist: 404, manager: 404, owner: 404, admin: 404 },
    request: async (c) => {
      const hold = await api.post(
        '/api/v2/appointments/holds',
        {
          barber_id: world.barberId,
          service_id: serviceId,
          start_time: plusMinutes(localStart(2, '09:00'), 30 * slot++),
        },
        { token: world.users.client.token },
      );
      assert.equal(hold.status, 201, hold.text);
      return api.delete(`/api/v2/appointments/holds/${hold.body.id}`, { token: c.token });
    },
  });
});
