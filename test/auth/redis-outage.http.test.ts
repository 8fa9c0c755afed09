// Redis going away and coming back, through a TCP proxy that the test cuts: requests keep being
// answered while it is down (rate limits count in memory, caches fall back to their TTL), and once it
// is back, invalidations flow between processes again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, type HttpResponse } from '../support/http.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startAuthTestApp } from './auth-test-app.js';

let proxy: TcpProxy;
let redisCut = false;
let one: TestApp;
let two: TestApp;
let api1: ApiClient;
let api2: ApiClient;
const PASSWORD = 'a long and unusual passphrase';

before(async () => {
  const redis = new URL(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379');
  proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  const original = process.env['REDIS_URL'];
  process.env['REDIS_URL'] = `redis://127.0.0.1:${proxy.port}`;
  const env = { REDIS_KEY_PREFIX: `bbtest:outage-${randomBytes(4).toString('hex')}:` };
  try {
    one = await startAuthTestApp({ env });
    two = await startAuthTestApp({ env, databaseUrl: () => one.database.url });
  } finally {
    if (original === undefined) delete process.env['REDIS_URL'];
    else process.env['REDIS_URL'] = original;
  }
  api1 = apiClient(one.baseUrl);
  api2 = apiClient(two.baseUrl);
});
after(async () => {
  if (redisCut) await proxy.restore();
  await two.close();
  await one.close();
  await proxy.close();
});

async function until(check: () => Promise<boolean>, attempts = 250): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await sleep(20);
  }
  return false;
}

async function register(api: ApiClient) {
  const email = `outage-${randomBytes(4).toString('hex')}@example.test`;
  const response: HttpResponse = await api.post('/api/v2/auth/register', {
    email,
    password: PASSWORD,
    name: 'Otto',
  });
  assert.equal(response.status, 201, response.text);
  return { email, token: response.body.access_token as string };
}

test('with Redis down, registration, login and authenticated reads are still answered', async () => {
  assert.ok(one.redis && two.redis, 'this test needs the local Redis');
  const user = await register(api1);
  await proxy.cut();
  redisCut = true;
  assert.ok(await until(async () => one.redis!.status !== 'ready' && two.redis!.status !== 'ready'));
  const fresh = await register(api1);
  assert.equal(
    (await api2.post('/api/v2/auth/login', { email: user.email, password: PASSWORD })).status,
    200,
  );
  assert.equal((await api2.get('/api/v2/auth/me', { token: fresh.token })).status, 200);
  assert.equal(
    (await api1.patch('/api/v2/users/profile', { name: 'Otto Down' }, { token: user.token })).status,
    200,
  );
  // A revocation while Redis is down still holds in the process that made it.
  assert.equal((await api1.post('/api/v2/auth/logout', undefined, { token: fresh.token })).status, 204);
  assert.equal((await api1.get('/api/v2/auth/me', { token: fresh.token })).status, 401);
});

test('once Redis is back, a logout in one process reaches the other again', async () => {
  await proxy.restore();
  redisCut = false;
  assert.ok(await until(async () => one.redis!.status === 'ready' && two.redis!.status === 'ready'));
  const user = await register(api1);
  // 1. Wait until the invalidation channel works again (the subscribers reconnect on their own).
  let round = 0;
  const flowing = await until(async () => {
    const name = `Otto ${++round}`;
    await api2.get('/api/v2/users/profile', { token: user.token }); // cached in process two
    await api1.patch('/api/v2/users/profile', { name }, { token: user.token });
    await sleep(20);
    return (await api2.get('/api/v2/users/profile', { token: user.token })).body.name === name;
  }, 100);
  assert.ok(flowing, 'invalidations flow again after Redis returns');
  // 2. Process two holds the session; a logout in process one ends it there at once.
  assert.equal((await api2.get('/api/v2/auth/me', { token: user.token })).status, 200);
  assert.equal((await api1.post('/api/v2/auth/logout', undefined, { token: user.token })).status, 204);
  assert.ok(
    await until(async () => (await api2.get('/api/v2/auth/me', { token: user.token })).status === 401, 100),
  );
});
