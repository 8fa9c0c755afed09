// MFA over HTTP: enrol (setup → verify), login needs the code, a TOTP code works once, a recovery code
// works once, disable; owners without MFA are refused on financial routes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient, expectProblem } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

let ctx: TestApp;
let api: ApiClient;

before(async () => {
  ctx = await startAuthTestApp({
    env: { RATE_LIMIT: 'off' },
    extend(app) {
      // A stand-in financial route: the class's hooks are what is under test.
      app.get('/api/v2/payments/test-probe', { config: { routeClass: 'financial' } }, async () => ({
        ok: true,
      }));
    },
  });
  api = apiClient(ctx.baseUrl);
});
after(() => ctx.close());

const PASSWORD = 'a long and unusual passphrase';
let counter = 0;

async function register() {
  const email = `mfa${++counter}-${Date.now()}@example.test`;
  const response = await api.post('/api/v2/auth/register', { email, password: PASSWORD, name: 'Mo' });
  assert.equal(response.status, 201, response.text);
  return { email, token: response.body.access_token as string, id: response.body.user.id as string };
}

/** The code of the 30 s step `offset` steps from now. */
function codeAt(secret: string, offset: number): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + offset * 30_000 });
}

async function enrol(token: string) {
  const setup = await api.post('/api/v2/auth/mfa/setup', undefined, { token });
  assert.equal(setup.status, 200, setup.text);
  const secret = setup.body.secret as string;
  assert.match(setup.body.otpauth_url, /^otpauth:\/\/totp\/BookedBarber:.+\?.*secret=/);
  assert.ok(setup.body.otpauth_url.includes(`secret=${secret}`));
  // The previous step's code: later steps stay free for the login below.
  const verified = await api.post('/api/v2/auth/mfa/verify', { code: codeAt(secret, -1) }, { token });
  assert.equal(verified.status, 200, verified.text);
  return { secret, recoveryCodes: verified.body.recovery_codes as string[] };
}

test('enrolment returns ten distinct recovery codes and shows mfa_enabled', async () => {
  const user = await register();
  expectProblem(
    await api.post('/api/v2/auth/mfa/verify', { code: '123456' }, { token: user.token }),
    409,
    'mfa-not-set-up',
  );
  const { secret, recoveryCodes } = await enrol(user.token);
  // The TOTP secret is encrypted at rest.
  const row = await ctx.db.primary.query('SELECT mfa_secret FROM users WHERE id = $1', [user.id]);
  assert.match(row.rows[0].mfa_secret, /^v1\./);
  assert.equal(row.rows[0].mfa_secret.includes(secret), false);
  assert.equal(recoveryCodes.length, 10);
  assert.equal(new Set(recoveryCodes).size, 10);
  for (const code of recoveryCodes) assert.match(code, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
  const me = await api.get('/api/v2/auth/me', { token: user.token });
  assert.equal(me.body.mfa_enabled, true);
  expectProblem(
    await api.post('/api/v2/auth/mfa/setup', undefined, { token: user.token }),
    409,
    'mfa-already-enabled',
  );
  // Stored hashed: no recovery code appears in the table as given.
  const stored = await ctx.db.primary.query('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1', [
    user.id,
  ]);
  assert.equal(stored.rowCount, 10);
  for (const row of stored.rows) assert.equal(recoveryCodes.includes(row.code_hash.toString()), false);
});

test('a wrong code does not enable MFA', async () => {
  const user = await register();
  const setup = await api.post('/api/v2/auth/mfa/setup', undefined, { token: user.token });
  const wrong = codeAt(setup.body.secret, 5); // far outside the accepted drift
  expectProblem(
    await api.post('/api/v2/auth/mfa/verify', { code: wrong }, { token: user.token }),
    401,
    'invalid-mfa-code',
  );
  assert.equal((await api.get('/api/v2/auth/me', { token: user.token })).body.mfa_enabled, false);
});

test('login with MFA: no code → mfa-required; a TOTP code works once; a recovery code works once', async () => {
  const user = await register();
  const { secret, recoveryCodes } = await enrol(user.token);
  // 1. Right password, no code.
  const missing = expectProblem(
    await api.post('/api/v2/auth/login', { email: user.email, password: PASSWORD }),
    401,
    'mfa-required',
  );
  assert.ok(missing.type.endsWith('mfa-required'));
  // 2. Wrong password with a code is still just wrong credentials.
  expectProblem(
    await api.post('/api/v2/auth/login', {
      email: user.email,
      password: 'wrong password!!',
      mfa_code: '000000',
    }),
    401,
    'invalid-credentials',
  );
  // 3. The current code signs in, once.
  const code = codeAt(secret, 0);
  const first = await api.post('/api/v2/auth/login', {
    email: user.email,
    password: PASSWORD,
    mfa_code: code,
  });
  assert.equal(first.status, 200, first.text);
  expectProblem(
    await api.post('/api/v2/auth/login', { email: user.email, password: PASSWORD, mfa_code: code }),
    401,
    'invalid-mfa-code',
  );
  // 4. The code used at enrolment (an earlier step) is refused too.
  expectProblem(
    await api.post('/api/v2/auth/login', {
      email: user.email,
      password: PASSWORD,
      mfa_code: codeAt(secret, -1),
    }),
    401,
    'invalid-mfa-code',
  );
  // 5. A recovery code (any case, dash optional) signs in once.
  const recovery = recoveryCodes[3]!;
  const relaxed = recovery.replace('-', '').toLowerCase();
  const byRecovery = await api.post('/api/v2/auth/login', {
    email: user.email,
    password: PASSWORD,
    mfa_code: relaxed,
  });
  assert.equal(byRecovery.status, 200, byRecovery.text);
  expectProblem(
    await api.post('/api/v2/auth/login', { email: user.email, password: PASSWORD, mfa_code: recovery }),
    401,
    'invalid-mfa-code',
  );
});

test('concurrent logins with one TOTP code: exactly one succeeds', async () => {
  const user = await register();
  const { secret } = await enrol(user.token);
  const code = codeAt(secret, 0);
  const answers = await Promise.all(
    Array.from({ length: 4 }, () =>
      api.post('/api/v2/auth/login', { email: user.email, password: PASSWORD, mfa_code: code }),
    ),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401, 401, 401]);
});

test('disable needs a valid code, then login needs none', async () => {
  const user = await register();
  const { recoveryCodes } = await enrol(user.token);
  expectProblem(
    await api.post('/api/v2/auth/mfa/disable', { code: 'AAAAA-AAAAA' }, { token: user.token }),
    401,
    'invalid-mfa-code',
  );
  const disabled = await api.post(
    '/api/v2/auth/mfa/disable',
    { code: recoveryCodes[0] },
    { token: user.token },
  );
  assert.equal(disabled.status, 204, disabled.text);
  assert.equal((await api.get('/api/v2/auth/me', { token: user.token })).body.mfa_enabled, false);
  expectProblem(
    await api.post('/api/v2/auth/mfa/disable', { code: recoveryCodes[1] }, { token: user.token }),
    409,
    'mfa-not-enabled',
  );
  assert.equal((await api.post('/api/v2/auth/login', { email: user.email, password: PASSWORD })).status, 200);
  const rows = await ctx.db.primary.query('SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [user.id]);
  assert.equal(rows.rowCount, 0);
});

test('an owner without MFA gets 403 mfa-enrolment-required on financial routes; with MFA, through', async () => {
  const owner = await register();
  const staff = await register();
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO locations (name, slug, timezone) VALUES ('Cash Cuts', $1, 'UTC') RETURNING id`,
    [`cash-${Date.now()}`],
  );
  await ctx.db.primary.query(
    `INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'owner'), ($1, $3, 'manager')`,
    [rows[0]!.id, owner.id, staff.id],
  );
  expectProblem(await api.get('/api/v2/payments/test-probe'), 401, 'unauthenticated');
  expectProblem(
    await api.get('/api/v2/payments/test-probe', { token: owner.token }),
    403,
    'mfa-enrolment-required',
  );
  // Not an owner: no MFA demanded.
  assert.equal((await api.get('/api/v2/payments/test-probe', { token: staff.token })).status, 200);
  await enrol(owner.token);
  assert.equal((await api.get('/api/v2/payments/test-probe', { token: owner.token })).status, 200);
});
