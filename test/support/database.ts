// Each test file gets its own uniquely named database on the real PostgreSQL (TEST_DATABASE_URL, by
// default the local server), migrated, and dropped at the end. With no server reachable, an embedded
// PostgreSQL is started instead so `npm test` passes on a fresh machine.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { projectRoot } from '../../src/platform/paths.js';

export const silentLog = pino({ level: 'silent' });

let serverUrl: Promise<string> | undefined;

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The maintenance URL of the server tests run against. */
export function testServerUrl(): Promise<string> {
  serverUrl ??= (async () => {
    const configured = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
    if (await reachable(configured)) return configured;
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(projectRoot, 'data', 'test-embedded'),
      port: Number(process.env['TEST_EMBEDDED_PG_PORT'] || 54339),
      log: silentLog,
    });
    const url = new URL(embedded.connectionString);
    url.pathname = '/postgres';
    return url.toString();
  })();
  return serverUrl;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const server = await testServerUrl();
  const name = `bb_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  if (options.migrate !== false) await migrate(url.toString(), silentLog);
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
