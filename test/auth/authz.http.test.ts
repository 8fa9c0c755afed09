// The authorisation matrix of the routes this module owns or guards, through runRouteAuthz: the
// caller's own account (every signed-in role, nobody else), platform operations (admins only) and the
// financial class's MFA rule for owners.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AuthzWorld, newAuthzWorld, runRouteAuthz, SIGNED_IN_ROLES } from '../support/authz.js';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;
let world: AuthzWorld;
let worldWithMfa: AuthzWorld;

before(async () => {
  ctx = await startAuthTestApp({
    env: { RATE_LIMIT: 'off' },
    extend(app) {
      app.get('/api/v2/payments/authz-probe', { config: { routeClass: 'financial' } }, async () => ({
        ok: true,
      }));
    },
  });
  api = apiClient(ctx.baseUrl);
  world = await newAuthzWorld(ctx);
  worldWithMfa = await newAuthzWorld(ctx, { ownersWithMfa: true });
});
after(() => ctx.close());

const accountRoutes = [
  ['GET /auth/me', (token?: string) => api.get('/api/v2/auth/me', { token })],
  ['GET /users/profile', (token?: string) => api.get('/api/v2/users/profile', { token })],
  [
    'PATCH /users/profile',
    (token?: string) => api.patch('/api/v2/users/profile', { name: 'Renamed' }, { token }),
  ],
  ['POST /auth/mfa/setup', (token?: string) => api.post('/api/v2/auth/mfa/setup', undefined, { token })],
] as const;

for (const [name, call] of accountRoutes) {
  test(`${name}: every signed-in user for themself, nobody anonymous`, async () => {
    await runRouteAuthz({ world, allowedRoles: SIGNED_IN_ROLES, request: (caller) => call(caller.token) });
  });
}

test('POST /auth/change-password: signed-in users only (a wrong current password is 403, not 2xx)', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: [],
    expect: Object.fromEntries(SIGNED_IN_ROLES.map((role) => [role, 403])),
    request: (caller) =>
      api.post(
        '/api/v2/auth/change-password',
        { current_password: 'not the password', new_password: 'a long and unusual passphrase' },
        { token: caller.token },
      ),
  });
});

test('GET /monitoring/memory: platform admins only', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['admin'],
    expect: { client: 403, other_owner: 403 },
    request: (caller) => api.get('/api/v2/monitoring/memory', { token: caller.token }),
  });
});

test('financial class: owners without MFA are refused with 403, everyone signed in otherwise passes the hook', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: ['client', 'barber', 'receptionist', 'manager', 'admin'],
    expect: { owner: 403, other_owner: 403 },
    request: (caller) => api.get('/api/v2/payments/authz-probe', { token: caller.token }),
  });
  await runRouteAuthz({
    world: worldWithMfa,
    allowedRoles: SIGNED_IN_ROLES,
    request: (caller) => api.get('/api/v2/payments/authz-probe', { token: caller.token }),
  });
});

test('POST /auth/logout-all: every signed-in user, nobody anonymous (run last: it ends the sessions)', async () => {
  await runRouteAuthz({
    world,
    allowedRoles: SIGNED_IN_ROLES,
    request: (caller) => api.post('/api/v2/auth/logout-all', undefined, { token: caller.token }),
  });
});

test('GET /auth/me shows the admin flag and the memberships, each {location_id, role}', async () => {
  const owner = await api.get('/api/v2/auth/me', { token: worldWithMfa.users.owner.token });
  assert.equal(owner.status, 200);
  assert.equal(owner.body.is_admin, false);
  assert.equal(owner.body.mfa_enabled, true);
  assert.deepEqual(owner.body.memberships, [{ location_id: worldWithMfa.location.id, role: 'owner' }]);
  const barber = await api.get('/api/v2/auth/me', { token: worldWithMfa.users.barber.token });
  assert.deepEqual(barber.body.memberships, [{ location_id: worldWithMfa.location.id, role: 'barber' }]);
  const admin = await api.get('/api/v2/auth/me', { token: worldWithMfa.users.admin.token });
  assert.equal(admin.body.is_admin, true);
  assert.deepEqual(admin.body.memberships, []);
});
