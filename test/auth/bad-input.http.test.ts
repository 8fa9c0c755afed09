// Bad input on every auth and profile route gets a 4xx problem document, never a 500 or a stack trace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;
let token: string;

before(async () => {
  ctx = await startAuthTestApp({ env: { RATE_LIMIT: 'off' } });
  api = apiClient(ctx.baseUrl);
  token = (await newUser(ctx)).token;
});
after(() => ctx.close());

const BAD_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  { email: 12, password: true, name: [], phone: {} },
  { email: 'not-an-email', password: 'x', token: 'has spaces in it!!', code: 1234567 },
  { email: `${'a'.repeat(300)}@example.test`, password: 'p'.repeat(10_000), name: 'n'.repeat(500) },
  {
    email: 'a@b.c',
    password: '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000',
    name: '\u0000',
  },
  { token: 'A'.repeat(129), refresh_token: '../../etc/passwd', code: '12345', current_password: '' },
  { name: '', phone: 'call me maybe' },
];

const ROUTES: [method: 'POST' | 'PATCH', path: string, authenticated: boolean][] = [
  ['POST', '/api/v2/auth/register', false],
  ['POST', '/api/v2/auth/login', false],
  ['POST', '/api/v2/auth/refresh', false],
  ['POST', '/api/v2/auth/logout', false],
  ['POST', '/api/v2/auth/forgot-password', false],
  ['POST', '/api/v2/auth/reset-password', false],
  ['POST', '/api/v2/auth/verify-email', false],
  ['POST', '/api/v2/auth/change-password', true],
  ['POST', '/api/v2/auth/mfa/verify', true],
  ['POST', '/api/v2/auth/mfa/disable', true],
  ['PATCH', '/api/v2/users/profile', true],
];

for (const [method, path, authenticated] of ROUTES) {
  test(`${method} ${path}: every malformed body is a 4xx problem`, async () => {
    const bodies = [...BAD_BODIES.map((b) => JSON.stringify(b)), '{"email": ', '\u00ff\u00fe', ''];
    for (const raw of bodies) {
      const response = await api.request(method, path, {
        rawBody: raw,
        token: authenticated ? token : undefined,
        headers: { 'content-type': 'application/json' },
      });
      const where = `${method} ${path} with ${raw.slice(0, 60)} → ${response.status} ${response.text.slice(0, 200)}`;
      // 2xx is fine where the input is acceptable (logout with nothing to end, a no-op profile patch).
      assert.ok(response.status < 500, where);
      if (response.status >= 400) {
        assert.ok(response.headers.get('content-type')?.startsWith('application/problem+json'), where);
        assert.equal(response.body.status, response.status, where);
        assert.doesNotMatch(response.text, /at .+\.ts:\d+/, where);
      }
    }
  });
}

test('a garbage, expired-looking or foreign Bearer token is 401, not 500', async () => {
  for (const bad of [
    'x',
    'a.b.c',
    `${'e'.repeat(40)}.${'f'.repeat(40)}.${'g'.repeat(40)}`,
    token.slice(0, -2),
  ]) {
    const response = await api.get('/api/v2/auth/me', { token: bad });
    assert.equal(response.status, 401, response.text);
  }
  const badScheme = await api.get('/api/v2/auth/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  assert.equal(badScheme.status, 401);
});
