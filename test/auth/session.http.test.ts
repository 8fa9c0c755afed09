// The life of a session over HTTP: register → login → refresh (rotating) → re-use detection revokes the
// whole family → logout; logout everywhere; password change ending the other sessions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  ctx = await startAuthTestApp({ env: { RATE_LIMIT: 'off' } });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

let counter = 0;
function newEmail(): string {
  counter++;
  return `person${counter}-${Date.now()}@example.test`;
}

const PASSWORD = 'a long and unusual passphrase';

async function register(email = newEmail(), password = PASSWORD) {
  const response = await api.post('/api/v2/auth/register', { email, password, name: 'Ana Barber' });
  assert.equal(response.status, 201, response.text);
  return { email, password, ...response.body };
}

test('register answers 201 with the user, a token pair, bearer type and 900 s expiry', async () => {
  const email = newEmail();
  const response = await api.post('/api/v2/auth/register', {
    email,
    password: PASSWORD,
    name: 'Ana Barber',
    phone: '+1 555 0100',
  });
  assert.equal(response.status, 201, response.text);
  const body = response.body;
  assert.deepEqual(Object.keys(body).sort(), [
    'access_token',
    'expires_in',
    'refresh_token',
    'token_type',
    'user',
  ]);
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 900);
  assert.deepEqual(
    { ...body.user, id: undefined, created_at: undefined },
    {
      id: undefined,
      created_at: undefined,
      email,
      name: 'Ana Barber',
      phone: '+1 555 0100',
      is_admin: false,
      email_verified: false,
      mfa_enabled: false,
    },
  );
  assert.equal('password_hash' in body.user, false);
  const me = await api.get('/api/v2/auth/me', { token: body.access_token });
  assert.equal(me.status, 200);
  assert.deepEqual(me.body, { ...body.user, memberships: [] });
});

test('a duplicate e-mail, in any case, answers 409 email-taken', async () => {
  const { email } = await register();
  const again = await api.post('/api/v2/auth/register', {
    email: email.toUpperCase(),
    password: PASSWORD,
    name: 'Copy',
  });
  expectProblem(again, 409, 'email-taken');
});

test('a short, long or common password answers 422', async () => {
  const base = { email: newEmail(), name: 'Weak' };
  expectProblem(
    await api.post('/api/v2/auth/register', { ...base, password: 'short9' }),
    422,
    'validation-failed',
  );
  expectProblem(
    await api.post('/api/v2/auth/register', { ...base, password: 'x'.repeat(129) }),
    422,
    'validation-failed',
  );
  for (const common of ['password123', '1234567890', 'Qwertyuiop']) {
    expectProblem(
      await api.post('/api/v2/auth/register', { ...base, password: common }),
      422,
      'weak-password',
    );
  }
});

test('login: wrong password and unknown e-mail get the same 401 answer', async () => {
  const { email } = await register();
  const wrong = await api.post('/api/v2/auth/login', { email, password: 'not the password at all' });
  const unknown = await api.post('/api/v2/auth/login', { email: newEmail(), password: PASSWORD });
  const a = expectProblem(wrong, 401, 'invalid-credentials');
  const b = expectProblem(unknown, 401, 'invalid-credentials');
  assert.equal(a.detail, b.detail);
  assert.equal(a.title, b.title);
});

test('session life: login, refresh rotates, re-use of a rotated token revokes the family, logout', async () => {
  const { email } = await register();
  // 1. Log in (e-mail in another case) and use the access token.
  const login = await api.post('/api/v2/auth/login', { email: email.toUpperCase(), password: PASSWORD });
  assert.equal(login.status, 200, login.text);
  const first = login.body;
  assert.equal((await api.get('/api/v2/auth/me', { token: first.access_token })).status, 200);
  // 2. Refresh: a new pair, different from the first.
  const refreshed = await api.post('/api/v2/auth/refresh', { refresh_token: first.refresh_token });
  assert.equal(refreshed.status, 200, refreshed.text);
  const second = refreshed.body;
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal((await api.get('/api/v2/auth/me', { token: second.access_token })).status, 200);
  // 3. The first refresh token again: re-use → 401, and the whole session is revoked.
  expectProblem(
    await api.post('/api/v2/auth/refresh', { refresh_token: first.refresh_token }),
    401,
    'refresh-token-reused',
  );
  expectProblem(await api.get('/api/v2/auth/me', { token: second.access_token }), 401, 'unauthenticated');
  expectProblem(
    await api.post('/api/v2/auth/refresh', { refresh_token: second.refresh_token }),
    401,
    'invalid-refresh-token',
  );
  // 4. A fresh login still works, and logout ends it.
  const again = (await api.post('/api/v2/auth/login', { email, password: PASSWORD })).body;
  assert.equal((await api.post('/api/v2/auth/logout', undefined, { token: again.access_token })).status, 204);
  expectProblem(await api.get('/api/v2/auth/me', { token: again.access_token }), 401, 'unauthenticated');
  expectProblem(
    await api.post('/api/v2/auth/refresh', { refresh_token: again.refresh_token }),
    401,
    'invalid-refresh-token',
  );
});

test('logout with only a refresh token ends that session', async () => {
  const { access_token, refresh_token } = await register();
  assert.equal((await api.post('/api/v2/auth/logout', { refresh_token })).status, 204);
  expectProblem(await api.get('/api/v2/auth/me', { token: access_token }), 401, 'unauthenticated');
});

test('concurrent refreshes with one token: exactly one succeeds and the family is revoked', async () => {
  const { refresh_token } = await register();
  const answers = await Promise.all(
    Array.from({ length: 5 }, () => api.post('/api/v2/auth/refresh', { refresh_token })),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [200, 401, 401, 401, 401]);
  const winner = answers.find((a) => a.status === 200)!.body;
  expectProblem(await api.get('/api/v2/auth/me', { token: winner.access_token }), 401, 'unauthenticated');
});

test('logout-all ends every session of the user, this one included', async () => {
  const { email, access_token } = await register();
  const other = (await api.post('/api/v2/auth/login', { email, password: PASSWORD })).body;
  assert.equal((await api.post('/api/v2/auth/logout-all', undefined, { token: access_token })).status, 204);
  expectProblem(await api.get('/api/v2/auth/me', { token: access_token }), 401, 'unauthenticated');
  expectProblem(await api.get('/api/v2/auth/me', { token: other.access_token }), 401, 'unauthenticated');
  expectProblem(
    await api.post('/api/v2/auth/refresh', { refresh_token: other.refresh_token }),
    401,
    'invalid-refresh-token',
  );
});

test('change-password ends the other sessions, keeps this one, and the new password works', async () => {
  const { email, access_token } = await register();
  const other = (await api.post('/api/v2/auth/login', { email, password: PASSWORD })).body;
  const next = 'another unusual passphrase 42';
  expectProblem(
    await api.post(
      '/api/v2/auth/change-password',
      { current_password: 'wrong wrong wrong', new_password: next },
      { token: access_token },
    ),
    403,
    'wrong-password',
  );
  expectProblem(
    await api.post(
      '/api/v2/auth/change-password',
      { current_password: PASSWORD, new_password: 'password123' },
      { token: access_token },
    ),
    422,
    'weak-password',
  );
  const changed = await api.post(
    '/api/v2/auth/change-password',
    { current_password: PASSWORD, new_password: next },
    { token: access_token },
  );
  assert.equal(changed.status, 204, changed.text);
  assert.equal((await api.get('/api/v2/auth/me', { token: access_token })).status, 200);
  expectProblem(await api.get('/api/v2/auth/me', { token: other.access_token }), 401, 'unauthenticated');
  expectProblem(
    await api.post('/api/v2/auth/login', { email, password: PASSWORD }),
    401,
    'invalid-credentials',
  );
  assert.equal((await api.post('/api/v2/auth/login', { email, password: next })).status, 200);
});

test('profile: GET and PATCH name and phone; e-mail verification, admin flag and roles cannot be set', async () => {
  const { access_token, user } = await register();
  const got = await api.get('/api/v2/users/profile', { token: access_token });
  assert.deepEqual(got.body, user);
  const patched = await api.patch(
    '/api/v2/users/profile',
    { name: 'Ana B.', phone: '555 0101', is_admin: true, email_verified: true, memberships: [] },
    { token: access_token },
  );
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.body, { ...user, name: 'Ana B.', phone: '555 0101' });
  const me = await api.get('/api/v2/auth/me', { token: access_token });
  assert.deepEqual(me.body, { ...user, name: 'Ana B.', phone: '555 0101', memberships: [] });
  const cleared = await api.patch('/api/v2/users/profile', { phone: null }, { token: access_token });
  assert.equal(cleared.body.phone, null);
  // Fields other than name and phone are dropped, never applied.
  const ignored = await api.patch('/api/v2/users/profile', { is_admin: true }, { token: access_token });
  assert.equal(ignored.status, 200);
  assert.equal(ignored.body.is_admin, false);
  expectProblem(
    await api.patch('/api/v2/users/profile', { name: '' }, { token: access_token }),
    422,
    'validation-failed',
  );
  expectProblem(await api.get('/api/v2/users/profile'), 401, 'unauthenticated');
});
