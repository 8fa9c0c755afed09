// The authorisation matrix of every analytics route (test/support/authz.ts): owners, managers, barbers
// (their own figures) and platform admins; receptionists 403; non-members 404, as if the location did
// not exist; anonymous 401.
import { after, before, test } from 'node:test';
import { type AuthzWorld, newAuthzWorld, runRouteAuthz } from '../support/authz.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { ANALYTICS_TEST_ENV, analyticsPath } from './analytics-world.js';

let ctx: TestApp;
let api: ApiClient;
let world: AuthzWorld;

before(async () => {
  ctx = await startTestApp({ env: ANALYTICS_TEST_ENV });
  api = apiClient(ctx.baseUrl);
  world = await newAuthzWorld(ctx);
});
after(() => ctx.close());

const ROUTES = ['revenue', 'appointments', 'dashboard'] as const;
const ANALYSTS = ['barber', 'manager', 'owner', 'admin'] as const;

for (const route of ROUTES) {
  test(`GET /analytics/${route}: owner, manager, barber and admins; receptionist 403; others 404`, async () => {
    await runRouteAuthz({
      world,
      allowedRoles: ANALYSTS,
      request: (c) =>
        api.get(analyticsPath(route, { location_id: world.location.id, date_range: 'last_7_days' }), {
          token: c.token,
        }),
    });
  });

  test(`GET /analytics/${route} for one barber: a barber only for themself`, async () => {
    const anotherBarber = await ctx.db.primary.query<{ id: string }>(
      `INSERT INTO barbers (location_id, display_name) VALUES ($1, 'Another') RETURNING id`,
      [world.location.id],
    );
    const path = (barberId: string) =>
      analyticsPath(route, { location_id: world.location.id, barber_id: barberId });
    await runRouteAuthz({
      world,
      allowedRoles: ['manager', 'owner', 'admin'],
      request: (c) => api.get(path(anotherBarber.rows[0]!.id), { token: c.token }),
    });
    await runRouteAuthz({
      world,
      allowedRoles: ANALYSTS,
      request: (c) => api.get(path(world.barberId), { token: c.token }),
    });
  });
}
