import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';

let ctx: TestApp;
let api: ApiClient;
let admin: TestUser;
let someone: TestUser;

before(async () => {
  ctx = await startTestApp();
  api = apiClient(ctx.baseUrl);
  admin = await newUser(ctx, { isAdmin: true });
  someone = await newUser(ctx);
});
after(() => ctx.close());

const routes = [
  ['GET', '/api/v2/monitoring/middleware'],
  ['GET', '/api/v2/monitoring/performance'],
  ['GET', '/api/v2/monitoring/memory'],
  ['POST', '/api/v2/monitoring/memory/cleanup'],
  ['GET', '/api/v2/monitoring/services'],
] as const;

for (const [method, path] of routes) {
  test(`${method} ${path}: 401 anonymous, 403 for a non-admin, 200 for a platform admin`, async () => {
    expectProblem(await api.request(method, path), 401, 'unauthenticated');
    expectProblem(await api.request(method, path, { token: someone.token }), 403, 'forbidden');
    assert.equal((await api.request(method, path, { token: admin.token })).status, 200);
  });
}

test('the middleware view reports each hook that ran, with count and percentiles', async () => {
  await api.get('/api/v2/monitoring/services', { token: admin.token });
  const response = await api.get('/api/v2/monitoring/middleware', { token: admin.token });
  const hook = response.body.hooks.find((h: { name: string }) => h.name === 'authenticate');
  assert.ok(hook, JSON.stringify(response.body));
  assert.ok(hook.count >= 1);
  assert.ok(hook.p99_ms >= hook.p50_ms);
  // The admin's first request read its session from PostgreSQL: timed apart from the memory path.
  const waited = response.body.hooks.find(
    (h: { name: string }) => h.name === 'authenticate (waited for I/O)',
  );
  assert.ok(waited && waited.count >= 1, JSON.stringify(response.body));
});

test('the services view reports the database as ok', async () => {
  const response = await api.get('/api/v2/monitoring/services', { token: admin.token });
  const database = response.body.services.find((s: { name: string }) => s.name === 'postgres-primary');
  assert.equal(database.status, 'ok');
});

test('probes get no hooks: /health carries no security headers and is not timed', async () => {
  const response = await api.get('/health');
  assert.equal(response.headers.get('x-content-type-options'), null);
  const performance = await api.get('/api/v2/monitoring/performance', { token: admin.token });
  assert.equal(
    performance.body.routes.some((r: { name: string }) => r.name === 'GET /health'),
    false,
  );
});

test('memory cleanup empties the caches, and what was in them is read again on the next request', async () => {
  const profile = await api.get('/api/v2/users/profile', { token: admin.token });
  assert.equal(profile.status, 200);
  const first = await api.post('/api/v2/monitoring/memory/cleanup', {}, { token: admin.token });
  assert.equal(first.status, 200);
  assert.ok(first.body.released.sessions >= 1, JSON.stringify(first.body));
  assert.ok(first.body.released['user-profiles'] >= 1, JSON.stringify(first.body));
  // Emptied: the same request is answered from the database again, unchanged.
  const again = await api.get('/api/v2/users/profile', { token: admin.token });
  assert.deepEqual(again.body, profile.body);
  // Since the first cleanup, only the admin's session and profile were read back in.
  const second = await api.post('/api/v2/monitoring/memory/cleanup', {}, { token: admin.token });
  assert.equal(second.body.released.sessions, 1, JSON.stringify(second.body));
  assert.equal(second.body.released['user-profiles'], 1, JSON.stringify(second.body));
});
