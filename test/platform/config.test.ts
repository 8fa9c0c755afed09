import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const SECRETS = {
  ACCESS_TOKEN_SECRET: 'a'.repeat(40),
  REFRESH_TOKEN_SECRET: 'b'.repeat(40),
  DATA_DIR: 'data/test-config',
};

test('defaults: port 8000, one worker, rate limits on, embedded database', () => {
  const config = loadConfig({ ...SECRETS });
  assert.equal(config.port, 8000);
  assert.equal(config.workers, 1);
  assert.equal(config.rateLimit, true);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.cookieSecure, false);
  assert.ok(Object.isFrozen(config));
});

const badValues: [string, Record<string, string>, RegExp][] = [
  ['a port out of range', { PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
  ['a port that is not a number', { PORT: 'eighty' }, /PORT must be an integer/],
  ['zero workers', { WORKERS: '0' }, /WORKERS must be an integer from 1/],
  ['an unknown RATE_LIMIT', { RATE_LIMIT: 'maybe' }, /RATE_LIMIT must be one of on, off/],
  ['an unknown JOB_WORKERS', { JOB_WORKERS: 'no' }, /JOB_WORKERS must be one of on, off/],
  ['Twilio half configured', { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_FROM: '+15550001111' }, /set together/],
  [
    'a DATABASE_URL that is not postgres',
    { DATABASE_URL: 'mysql://x@y/z' },
    /DATABASE_URL must use postgres: or postgresql:/,
  ],
  ['a malformed REDIS_URL', { REDIS_URL: 'not a url' }, /REDIS_URL is not a valid URL/],
  ['a short secret', { ACCESS_TOKEN_SECRET: 'short' }, /ACCESS_TOKEN_SECRET must be at least 32 characters/],
  ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
  ['an unknown reminder', { REMINDERS: '24h,3h' }, /REMINDERS must list 24h and\/or 2h, or be off/],
];

test('REMINDERS: both by default, a subset, or off', () => {
  assert.deepEqual(loadConfig({ ...SECRETS }).reminders, ['reminder_24h', 'reminder_2h']);
  assert.deepEqual(loadConfig({ ...SECRETS, REMINDERS: '2h' }).reminders, ['reminder_2h']);
  assert.deepEqual(loadConfig({ ...SECRETS, REMINDERS: 'off' }).reminders, []);
});

for (const [what, env, message] of badValues) {
  test(`${what} stops start-up with a clear message`, () => {
    assert.throws(
      () => loadConfig({ ...SECRETS, ...env }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test('production refuses to start without its secrets', () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production', DATA_DIR: 'data/test-config' }),
    /ACCESS_TOKEN_SECRET is required in production/,
  );
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production', ...SECRETS }),
    /STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required in production/,
  );
});

test('development generates secrets once and keeps them in DATA_DIR', () => {
  const dir = `data/test-config-${process.pid}`;
  const first = loadConfig({ DATA_DIR: dir });
  const second = loadConfig({ DATA_DIR: dir });
  assert.equal(first.secrets.accessToken, second.secrets.accessToken);
  assert.ok(first.secrets.accessToken.length >= 32);
  assert.notEqual(first.secrets.accessToken, first.secrets.refreshToken);
  rmSync(dir, { recursive: true, force: true });
});
