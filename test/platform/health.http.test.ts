import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { testServerUrl } from '../support/database.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let ctx: TestApp;
let api: ApiClient;
let proxy: TcpProxy;

before(async () => {
  const server = new URL(await testServerUrl());
  proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
  // The app reaches its database through the proxy, so the test can cut it.
  ctx = await startTestApp({
    databaseUrl(database) {
      const url = new URL(database.url);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      return url.toString();
    },
  });
  api = apiClient(ctx.baseUrl);
});
after(async () => {
  await ctx.close();
  await proxy.close();
});

test('/health answers 200 with no I/O', async () => {
  const response = await api.get('/health');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: 'ok' });
});

test('/health/ready turns 503 while the database is unreachable and 200 when it returns', async () => {
  // 1. Up.
  let response = await api.get('/health/ready');
  assert.equal(response.status, 200);
  assert.equal(response.body.checks.database, 'ok');
  // 2. Database gone: every connection cut and new ones refused.
  await proxy.cut();
  response = await api.get('/health/ready');
  assert.equal(response.status, 503);
  assert.equal(response.body.checks.database, 'down');
  assert.equal(response.headers.get('retry-after'), '2');
  // 3. Back: the pool reconnects by itself.
  await proxy.restore();
  response = await api.get('/health/ready');
  assert.equal(response.status, 200);
  assert.equal(response.body.checks.database, 'ok');
});

test('an API request that needs the database while it is unreachable answers 503 with Retry-After', async () => {
  const user = await newUser(ctx, { isAdmin: true });
  await proxy.cut();
  try {
    const started = Date.now();
    const response = await api.get('/api/v2/monitoring/memory', { token: user.token });
    expectProblem(response, 503, 'database-unavailable');
    assert.equal(response.headers.get('retry-after'), '2');
    // Bounded by the pool's connection timeout, not a hang (a generous bound, not a speed claim).
    assert.ok(Date.now() - started < 10_000);
  } finally {
    await proxy.restore();
  }
  assert.equal((await api.get('/api/v2/monitoring/memory', { token: user.token })).status, 200);
});

test('/metrics serves Prometheus text', async () => {
  const response = await api.get('/metrics');
  assert.equal(response.status, 200);
  assert.match(response.text, /process_resident_memory_bytes/);
  // Every per-process cache reports its occupancy (the soak reads these to tell warm-up from a leak).
  for (const cache of ['sessions', 'user-profiles', 'memberships', 'barber-days', 'availability-answers'])
    assert.match(response.text, new RegExp(`^bookedbarber_cache_entries\\{cache="${cache}"\\} \\d+`, 'm'));
});
