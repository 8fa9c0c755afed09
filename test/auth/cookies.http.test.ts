// Cookie sessions: login sets HttpOnly SameSite=Lax access/refresh cookies and a readable csrf_token;
// cookie-authenticated writes need X-CSRF-Token equal to the cookie, Bearer requests never do.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem, type HttpResponse } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  ctx = await startAuthTestApp({ env: { RATE_LIMIT: 'off' } });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

const PASSWORD = 'a long and unusual passphrase';
let counter = 0;

interface Cookie {
  value: string;
  attributes: string[];
}

function cookiesOf(response: HttpResponse): Map<string, Cookie> {
  const cookies = new Map<string, Cookie>();
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const [name, ...value] = pair!.split('=');
    cookies.set(name!, { value: value.join('='), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return cookies;
}

async function cookieLogin() {
  const email = `cookie${++counter}-${Date.now()}@example.test`;
  await api.post('/api/v2/auth/register', { email, password: PASSWORD, name: 'Cook' });
  const login = await api.post('/api/v2/auth/login', { email, password: PASSWORD });
  assert.equal(login.status, 200);
  const cookies = cookiesOf(login);
  const jar = (names: string[]) => names.map((n) => `${n}=${cookies.get(n)!.value}`).join('; ');
  return { login, cookies, jar, csrf: cookies.get('csrf_token')!.value };
}

test('login sets the access, refresh and CSRF cookies with the right attributes', async () => {
  const { login, cookies } = await cookieLogin();
  const access = cookies.get('access_token')!;
  const refresh = cookies.get('refresh_token')!;
  const csrf = cookies.get('csrf_token')!;
  assert.equal(access.value, login.body.access_token);
  assert.equal(refresh.value, login.body.refresh_token);
  for (const cookie of [access, refresh]) {
    assert.ok(cookie.attributes.includes('httponly'));
    assert.ok(cookie.attributes.includes('samesite=lax'));
    assert.ok(!cookie.attributes.includes('secure'), 'Secure only when COOKIE_SECURE (production)');
  }
  assert.ok(access.attributes.includes('path=/'));
  assert.ok(refresh.attributes.includes('path=/api/v2/auth'));
  assert.ok(!csrf.attributes.includes('httponly'), 'the page must be able to read csrf_token');
  assert.ok(csrf.value.length >= 32);
});

test('a cookie session reads without CSRF but writes only with a matching X-CSRF-Token', async () => {
  const { jar, csrf } = await cookieLogin();
  const cookie = jar(['access_token', 'csrf_token']);
  assert.equal((await api.get('/api/v2/auth/me', { headers: { cookie } })).status, 200);
  const body = { name: 'Cookie Monster' };
  expectProblem(await api.patch('/api/v2/users/profile', body, { headers: { cookie } }), 403, 'csrf-failed');
  expectProblem(
    await api.patch('/api/v2/users/profile', body, { headers: { cookie, 'x-csrf-token': `${csrf}x` } }),
    403,
    'csrf-failed',
  );
  // The header alone, without the cookie to match, is not enough either.
  expectProblem(
    await api.patch('/api/v2/users/profile', body, {
      headers: { cookie: jar(['access_token']), 'x-csrf-token': csrf },
    }),
    403,
    'csrf-failed',
  );
  const ok = await api.patch('/api/v2/users/profile', body, { headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.name, 'Cookie Monster');
});

test('Bearer writes need no CSRF token', async () => {
  const { login } = await cookieLogin();
  const ok = await api.patch('/api/v2/users/profile', { name: 'Bearer' }, { token: login.body.access_token });
  assert.equal(ok.status, 200);
});

test('refresh from the cookie needs CSRF and sets new cookies; logout clears them', async () => {
  const { jar, csrf, cookies } = await cookieLogin();
  const cookie = jar(['refresh_token', 'csrf_token']);
  expectProblem(
    await api.post('/api/v2/auth/refresh', undefined, { headers: { cookie } }),
    403,
    'csrf-failed',
  );
  const refreshed = await api.post('/api/v2/auth/refresh', undefined, {
    headers: { cookie, 'x-csrf-token': csrf },
  });
  assert.equal(refreshed.status, 200, refreshed.text);
  const next = cookiesOf(refreshed);
  assert.notEqual(next.get('refresh_token')!.value, cookies.get('refresh_token')!.value);
  assert.equal(next.get('access_token')!.value, refreshed.body.access_token);
  // Logout with the new cookie session.
  const newCsrf = next.get('csrf_token')!.value;
  const newCookie = `access_token=${next.get('access_token')!.value}; csrf_token=${newCsrf}`;
  expectProblem(
    await api.post('/api/v2/auth/logout', undefined, { headers: { cookie: newCookie } }),
    403,
    'csrf-failed',
  );
  const out = await api.post('/api/v2/auth/logout', undefined, {
    headers: { cookie: newCookie, 'x-csrf-token': newCsrf },
  });
  assert.equal(out.status, 204);
  const cleared = cookiesOf(out);
  for (const name of ['access_token', 'refresh_token', 'csrf_token']) {
    assert.equal(cleared.get(name)?.value, '', `${name} cleared`);
  }
  expectProblem(await api.get('/api/v2/auth/me', { headers: { cookie: newCookie } }), 401, 'unauthenticated');
});
