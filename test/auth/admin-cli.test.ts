// The operator's `npm run cli -- make-admin|revoke-admin EMAIL`, run as its own process against a
// running server's database and Redis: the server applies the change at once (its session cache would
// otherwise keep the old flag for 30 s), and a revoked admin loses the ops endpoints at once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/platform/paths.js';
import type { TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { eventually } from '../support/eventually.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

const ADMIN_ONLY = '/api/v2/monitoring/memory';
const redisKeyPrefix = `bbtest:cli-${randomBytes(4).toString('hex')}:`;
let app: TestApp;
let api: ApiClient;

before(async () => {
  app = await startAuthTestApp({ env: { RATE_LIMIT: 'off', REDIS_KEY_PREFIX: redisKeyPrefix } });
  api = apiClient(app.baseUrl);
});
after(() => app.close());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    DATABASE_URL: app.database.url,
    REDIS_URL: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: redisKeyPrefix,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: projectRoot, env, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('the server needs Redis for this test', () => {
  assert.ok(app.redis, 'start the local Redis');
});

test('make-admin and revoke-admin take effect in the running server at once', async () => {
  const user = await newUser(app);
  const asUser = () => api.get(ADMIN_ONLY, { token: user.token });
  // The server now caches this session as a non-admin's.
  assert.equal((await asUser()).status, 403);
  assert.equal((await asUser()).status, 403);

  const granted = await cli('make-admin', user.email.toUpperCase());
  assert.equal(granted.code, 0, granted.stderr);
  assert.match(granted.stdout, /is now a platform admin; running servers apply it now/);
  const asAdmin = await eventually(asUser, (r) => r.status === 200);
  assert.equal(asAdmin.status, 200, asAdmin.text);
  assert.equal((await api.get('/api/v2/users/profile', { token: user.token })).body.is_admin, true);

  const revoked = await cli('revoke-admin', user.email);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, /is no longer a platform admin/);
  const refused = await eventually(asUser, (r) => r.status === 403);
  assert.equal(refused.status, 403, refused.text);
  assert.equal((await api.get('/api/v2/users/profile', { token: user.token })).body.is_admin, false);
});

test('an unknown e-mail or a bad command changes nothing and exits non-zero', async () => {
  const admins = async () =>
    (await app.db.primary.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_admin'))
      .rows[0]!.n;
  const before = await admins();
  const missing = await cli('make-admin', 'nobody-here@example.test');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no user with e-mail nobody-here@example\.test/);

  const noEmail = await cli('revoke-admin');
  assert.equal(noEmail.code, 2);
  assert.match(noEmail.stderr, /usage: npm run cli/);

  const unknown = await cli('drop-everything');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /usage: npm run cli/);
  assert.equal(await admins(), before);
});
