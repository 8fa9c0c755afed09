// The authorisation matrix (test/support/authz.ts) for every staff route of shops and scheduling.
import { after, before, test } from 'node:test';
import { type AuthzWorld, newAuthzWorld, runRouteAuthz } from '../support/authz.js';
import { startTestApp, type TestApp } from '../support/build-app.js';

const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' };

import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient } from '../support/http.js';

let ctx: TestApp;
let api: ApiClient;
let world: AuthzWorld;
let serviceId: string;

before(async () => {
  // These specifications are not about overload: a busy CI machine must not turn them into 503s.
  ctx = await startTestApp({ env: QUIET });
  api = apiClient(ctx.baseUrl);
  world = await newAuthzWorld(ctx);
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO services (location_id, name, duration_minutes, price_cents) VALUES ($1, 'Cut', 30, 3000) RETURNING id`,
    [world.location.id],
  );
  serviceId = rows[0]!.id;
});
after(() => ctx.close());

const STAFF = ['barber', 'receptionist', 'manager', 'owner', 'admin'] as const;
const MANAGERS = ['manager', 'owner', 'admin'] as const;

test('GET /locations/{id}: staff', () =>
  runRouteAuthz({
    world,
    allowedRoles: STAFF,
    request: ({ token }) => api.get(`/api/v2/locations/${world.location.id}`, { token }),
  }));

test('PATCH /locations/{id}: owner and manager', () =>
  runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: ({ token }) =>
      api.patch(`/api/v2/locations/${world.location.id}`, { name: 'Renamed' }, { token }),
  }));

test('GET /locations/{id}/members: staff', () =>
  runRouteAuthz({
    world,
    allowedRoles: STAFF,
    request: ({ token }) => api.get(`/api/v2/locations/${world.location.id}/members`, { token }),
  }));

test('POST /locations/{id}/members (receptionist): owner and manager', () =>
  runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: async ({ token }) => {
      const user = await newUser(ctx);
      return api.post(
        `/api/v2/locations/${world.location.id}/members`,
        { user_email: user.email, role: 'receptionist' },
        { token },
      );
    },
  }));

test('POST /locations/{id}/barbers: owner and manager', () =>
  runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: async ({ token }) => {
      const user = await newUser(ctx);
      return api.post(
        `/api/v2/locations/${world.location.id}/barbers`,
        { user_email: user.email, display_name: 'New Barber' },
        { token },
      );
    },
  }));

test('GET /locations/{id}/barbers and /services: staff', async () => {
  for (const what of ['barbers', 'services']) {
    await runRouteAuthz({
      world,
      allowedRoles: STAFF,
      request: ({ token }) => api.get(`/api/v2/locations/${world.location.id}/${what}`, { token }),
    });
  }
});

test('POST /locations/{id}/services and PATCH a service: owner and manager', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: ({ token }) =>
      api.post(
        `/api/v2/locations/${world.location.id}/services`,
        { name: 'Fade', duration_minutes: 45, price_cents: 4500 },
        { token },
      ),
  });
  await runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: ({ token }) =>
      api.patch(
        `/api/v2/locations/${world.location.id}/services/${serviceId}`,
        { price_cents: 3200 },
        { token },
      ),
  });
});

test('PUT /barbers/{id}/working-hours: the barber themself, owner and manager', () =>
  runRouteAuthz({
    world,
    allowedRoles: ['barber', ...MANAGERS],
    request: ({ token }) =>
      api.put(
        `/api/v2/barbers/${world.barberId}/working-hours`,
        { hours: [{ weekday: 2, start: '09:00', end: '17:00' }] },
        { token },
      ),
  }));

test('GET /barbers/{id}/working-hours, time-off, special-days: staff', async () => {
  for (const what of ['working-hours', 'time-off', 'special-days']) {
    await runRouteAuthz({
      world,
      allowedRoles: STAFF,
      request: ({ token }) => api.get(`/api/v2/barbers/${world.barberId}/${what}`, { token }),
    });
  }
});

test('POST /barbers/{id}/time-off and special-days: the barber themself, owner and manager', async () => {
  let day = 1;
  await runRouteAuthz({
    world,
    allowedRoles: ['barber', ...MANAGERS],
    request: ({ token }) =>
      api.post(
        `/api/v2/barbers/${world.barberId}/time-off`,
        { start_time: '2030-01-01T10:00:00Z', end_time: '2030-01-01T12:00:00Z' },
        { token },
      ),
  });
  await runRouteAuthz({
    world,
    allowedRoles: ['barber', ...MANAGERS],
    request: ({ token }) =>
      api.post(
        `/api/v2/barbers/${world.barberId}/special-days`,
        { date: `2030-02-${String(day++).padStart(2, '0')}`, available: false },
        { token },
      ),
  });
});

test('GET|PUT /barbers/{id}/services: staff read, owner and manager write', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: STAFF,
    request: ({ token }) => api.get(`/api/v2/barbers/${world.barberId}/services`, { token }),
  });
  await runRouteAuthz({
    world,
    allowedRoles: MANAGERS,
    request: ({ token }) =>
      api.put(
        `/api/v2/barbers/${world.barberId}/services`,
        { services: [{ service_id: serviceId, price_cents: 4000 }] },
        { token },
      ),
  });
});
