// A real app on a real socket, over its own migrated database and (when reachable) Redis with a key
// prefix of its own. Tests talk to it over HTTP with `api`.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/platform/db/pool.js';
import { createTestDatabase, silentLog, type TestDatabase } from './database.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly baseUrl: string;
  readonly db: Database;
  readonly database: TestDatabase;
  readonly redis: Redis | undefined;
  readonly config: Config;
  close(): Promise<void>;
}

async function reachableRedis(url: string, prefix: string): Promise<Redis | undefined> {
  const redis = new Redis(url, {
    keyPrefix: prefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra routes (for pipeline tests), added before the app is ready. */
  extend?: (app: FastifyInstance) => void;
  /** Use this database URL instead of a fresh one (the fresh one is still created for cleanup). */
  databaseUrl?: (database: TestDatabase) => string;
  redis?: boolean;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const prefix = `bbtest:${randomBytes(4).toString('hex')}:`;
  const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
  const redis = options.redis === false ? undefined : await reachableRedis(redisUrl, prefix);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: 'data/test',
    ACCESS_TOKEN_SECRET: 'test-access-secret-that-is-long-enough-0123456789',
    REFRESH_TOKEN_SECRET: 'test-refresh-secret-that-is-long-enough-012345678',
    LOG_LEVEL: 'silent',
    // Overload shedding answers 503 when the event loop lags; a busy CI machine must not trip it in tests.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...(redis ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } : {}),
    ...options.env,
  });
  const connectionString = options.databaseUrl ? options.databaseUrl(database) : database.url;
  const db = createDatabase({
    connectionString,
    max: 10,
    applicationName: 'bookedbarber-test',
    log: silentLog,
  });
  const app = await buildApp({ config, db, redis, logger: false });
  options.extend?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    database,
    redis,
    config,
    async close() {
      await app.close();
      await db.close();
      if (redis) {
        const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
        if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length))).catch(() => undefined);
        redis.disconnect();
      }
      await database.drop();
    },
  };
}
