import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withConnection } from '../../src/platform/db/connection.js';
import { createDatabase, type Database } from '../../src/platform/db/pool.js';
import { createTestDatabase, silentLog, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let db: Database;

before(async () => {
  database = await createTestDatabase({ migrate: false });
  db = createDatabase({
    connectionString: database.url,
    max: 1,
    applicationName: 'connection-test',
    log: silentLog,
  });
});
after(async () => {
  await db.close();
  await database.drop();
});

const backendPid = async () =>
  (await withConnection(db.primary, (c) => c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')))
    .rows[0]!.pid;

test('a statement error the server reports keeps the connection in the pool', async () => {
  const before = await backendPid();
  await assert.rejects(
    withConnection(db.primary, (c) => c.query('SELECT 1/0')),
    (error: { code?: string }) => error.code === '22012',
  );
  assert.equal(await backendPid(), before);
});

test('pool.query, by contrast, throws the connection away on any error', async () => {
  const before = await backendPid();
  await assert.rejects(db.primary.query('SELECT 1/0'));
  assert.notEqual(await backendPid(), before);
});

test('an error that is not the server answering discards the connection', async () => {
  const before = await backendPid();
  await assert.rejects(
    withConnection(db.primary, async () => {
      throw new Error('the caller failed mid-way');
    }),
  );
  assert.notEqual(await backendPid(), before);
});
