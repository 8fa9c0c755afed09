// Operator commands: `npm run cli -- make-admin EMAIL`, `revoke-admin EMAIL`, `npm run seed:demo`.
// All act on DATABASE_URL, or on the embedded PostgreSQL when it is unset.
import { once } from 'node:events';
import pino, { type Logger } from 'pino';
import { type Config, loadConfig } from './config.js';
import { seedDemoIfEmpty } from './demo/seed-demo.js';
import {
  adminFlagInvalidations,
  type AdminFlagChange,
  setPlatformAdmin,
} from './modules/auth/platform-admin.js';
import { SESSION_TTL_MS } from './modules/auth/sessions.cache.js';
import { broadcastInvalidations, invalidationChannel } from './platform/cache/invalidation-bus.js';
import { startEmbeddedPostgres } from './platform/db/embedded.js';
import { migrate } from './platform/db/migrate.js';
import { createDatabase } from './platform/db/pool.js';
import { createRedis } from './platform/redis/redis.js';

const USAGE = 'usage: npm run cli -- make-admin EMAIL | revoke-admin EMAIL | seed-demo';
const COMMANDS = ['make-admin', 'revoke-admin', 'seed-demo'];
const REDIS_WAIT_MS = 3000;
const LAPSE = `within ${SESSION_TTL_MS / 1000} s`;

/**
 * Tells the running processes (through Redis, when configured) to drop what they cached of the user.
 * Without Redis they re-read the flag when their session cache lapses.
 */
async function announce(config: Config, log: Logger, change: AdminFlagChange): Promise<string> {
  if (!config.redisUrl) return `a running server applies it ${LAPSE} (no REDIS_URL to announce it on)`;
  const redis = createRedis(config.redisUrl, log);
  try {
    await once(redis, 'ready', { signal: AbortSignal.timeout(REDIS_WAIT_MS) });
    await broadcastInvalidations(
      redis,
      invalidationChannel(config.redisKeyPrefix),
      adminFlagInvalidations(change),
    );
    return 'running servers apply it now';
  } catch {
    return `Redis did not answer: running servers apply it ${LAPSE}`;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || !COMMANDS.includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  const url = config.databaseUrl ?? embedded!.connectionString;
  await migrate(url, log);
  const db = createDatabase({ connectionString: url, max: 1, applicationName: 'bookedbarber-cli', log });
  try {
    if (command === 'make-admin' || command === 'revoke-admin') {
      const email = args[0];
      if (!email) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const isAdmin = command === 'make-admin';
      const change = await setPlatformAdmin(db.primary, email, isAdmin);
      if (!change) {
        process.stderr.write(`no user with e-mail ${email}\n`);
        return 1;
      }
      const applied = await announce(config, log, change);
      process.stdout.write(`${email} is ${isAdmin ? 'now' : 'no longer'} a platform admin; ${applied}\n`);
      return 0;
    }
    const logins = await seedDemoIfEmpty(db.primary, config.dataDir);
    if (!logins) process.stdout.write('the database already has data; nothing seeded\n');
    for (const login of logins ?? [])
      process.stdout.write(`demo login: ${login.email} password: ${login.password}\n`);
    return 0;
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
