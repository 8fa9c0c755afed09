// E-mailed single-use tokens: password reset (same answer whether or not the account exists; single
// use; expiry; ends every session) and e-mail verification. Tokens are read from the captured e-mail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CapturingEmailSender } from '../../src/modules/notifications/email.js';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;
let outbox: CapturingEmailSender;

before(async () => {
  ctx = await startAuthTestApp({ env: { RATE_LIMIT: 'off' } });
  api = apiClient(ctx.baseUrl);
  outbox = ctx.app.emailSender as CapturingEmailSender;
});
after(() => ctx.close());

const PASSWORD = 'a long and unusual passphrase';
const NEW_PASSWORD = 'a brand new unusual passphrase';
let counter = 0;

async function register() {
  const email = `tok${++counter}-${Date.now()}@example.test`;
  const verification = outbox.next(email);
  const response = await api.post('/api/v2/auth/register', { email, password: PASSWORD, name: 'Tess' });
  assert.equal(response.status, 201, response.text);
  return { email, token: response.body.access_token as string, verification };
}

/** The token is the message's line of 43 base64url characters. */
function tokenIn(text: string): string {
  const match = text.match(/^[A-Za-z0-9_-]{43}$/m);
  assert.ok(match, `no token in: ${text}`);
  return match[0];
}

async function requestReset(email: string): Promise<string> {
  const message = outbox.next(email);
  const response = await api.post('/api/v2/auth/forgot-password', { email });
  assert.equal(response.status, 202);
  return tokenIn((await message).text);
}

test('forgot-password answers the same whether or not the account exists', async () => {
  const { email } = await register();
  const known = await api.post('/api/v2/auth/forgot-password', { email });
  const unknown = await api.post('/api/v2/auth/forgot-password', {
    email: `nobody-${Date.now()}@example.test`,
  });
  assert.equal(known.status, 202);
  assert.equal(unknown.status, 202);
  assert.deepEqual(known.body, unknown.body);
});

test('reset: the token sets a new password once, ends every session, and cannot be used again', async () => {
  const { email, token: access } = await register();
  const resetToken = await requestReset(email);
  expectProblem(
    await api.post('/api/v2/auth/reset-password', { token: resetToken, password: 'password123' }),
    422,
    'weak-password',
  );
  const reset = await api.post('/api/v2/auth/reset-password', { token: resetToken, password: NEW_PASSWORD });
  assert.equal(reset.status, 204, reset.text);
  expectProblem(await api.get('/api/v2/auth/me', { token: access }), 401, 'unauthenticated');
  expectProblem(
    await api.post('/api/v2/auth/login', { email, password: PASSWORD }),
    401,
    'invalid-credentials',
  );
  const login = await api.post('/api/v2/auth/login', { email, password: NEW_PASSWORD });
  assert.equal(login.status, 200);
  // The e-mailed token proved the address.
  assert.equal(login.body.user.email_verified, true);
  expectProblem(
    await api.post('/api/v2/auth/reset-password', {
      token: resetToken,
      password: 'yet another passphrase 9',
    }),
    400,
    'invalid-token',
  );
});

test('reset: an expired token is refused', async () => {
  const { email } = await register();
  const resetToken = await requestReset(email);
  await ctx.db.primary.query(
    `UPDATE account_tokens SET expires_at = now() - interval '1 second'
     WHERE purpose = 'password_reset' AND user_id = (SELECT id FROM users WHERE email = $1)`,
    [email],
  );
  expectProblem(
    await api.post('/api/v2/auth/reset-password', { token: resetToken, password: NEW_PASSWORD }),
    400,
    'invalid-token',
  );
});

test('reset: using one token spends the older ones too', async () => {
  const { email } = await register();
  const older = await requestReset(email);
  const newer = await requestReset(email);
  assert.equal(
    (await api.post('/api/v2/auth/reset-password', { token: newer, password: NEW_PASSWORD })).status,
    204,
  );
  expectProblem(
    await api.post('/api/v2/auth/reset-password', { token: older, password: 'yet another passphrase 9' }),
    400,
    'invalid-token',
  );
});

test('reset: concurrent uses of one token, exactly one succeeds', async () => {
  const { email } = await register();
  const resetToken = await requestReset(email);
  const answers = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      api.post('/api/v2/auth/reset-password', { token: resetToken, password: `${NEW_PASSWORD} ${i}` }),
    ),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [204, 400, 400, 400]);
});

test('verify-email: the token from the welcome e-mail verifies the address, once', async () => {
  const { token: access, verification } = await register();
  const token = tokenIn((await verification).text);
  assert.equal((await api.get('/api/v2/auth/me', { token: access })).body.email_verified, false);
  assert.equal((await api.post('/api/v2/auth/verify-email', { token })).status, 204);
  assert.equal((await api.get('/api/v2/auth/me', { token: access })).body.email_verified, true);
  expectProblem(await api.post('/api/v2/auth/verify-email', { token }), 400, 'invalid-token');
  expectProblem(await api.post('/api/v2/auth/verify-email', { token: 'A'.repeat(43) }), 400, 'invalid-token');
});

test('a reset token cannot verify an e-mail, nor a verification token reset a password', async () => {
  const { email, verification } = await register();
  const verifyToken = tokenIn((await verification).text);
  const resetToken = await requestReset(email);
  expectProblem(await api.post('/api/v2/auth/verify-email', { token: resetToken }), 400, 'invalid-token');
  expectProblem(
    await api.post('/api/v2/auth/reset-password', { token: verifyToken, password: NEW_PASSWORD }),
    400,
    'invalid-token',
  );
});
