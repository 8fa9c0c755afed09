// A connection that dies while checked out (the database restarts mid-request) must fail that request,
// not crash the process: pg-pool stops listening for a connection's errors while it is lent out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { withConnection } from '../../src/platform/db/connection.js';
import { createPool, type Pool } from '../../src/platform/db/pool.js';
import { withTransaction } from '../../src/platform/db/transaction.js';
import { createTestDatabase, silentLog, type TestDatabase, testServerUrl } from '../support/database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let database: TestDatabase;
let proxy: TcpProxy;
let pool: Pool;

before(async () => {
  database = await createTestDatabase({ migrate: false });
  const server = new URL(await testServerUrl());
  proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  pool = createPool({
    connectionString: url.toString(),
    max: 2,
    applicationName: 'connection-test',
    log: silentLog,
  });
});
after(async () => {
  await pool.end();
  await proxy.close();
  await database.drop();
});

for (const [name, run] of [
  [
    'a transaction',
    (work: (q: (sql: string) => Promise<unknown>) => Promise<void>) =>
      withTransaction(pool, (tx) => work((sql) => tx.query(sql))),
  ],
  [
    'withConnection',
    (work: (q: (sql: string) => Promise<unknown>) => Promise<void>) =>
      withConnection(pool, (c) => work((sql) => c.query(sql))),
  ],
] as const) {
  test(`${name} whose connection is cut while checked out rejects, and the pool recovers`, async () => {
    let uncaught: unknown;
    const onUncaught = (error: unknown) => {
      uncaught = error;
    };
    process.on('uncaughtException', onUncaught);
    try {
      await assert.rejects(
        run(async (query) => {
          await query('SELECT 1');
          // 1. The connection is cut while this request holds it, between two statements.
          await proxy.cut();
          await new Promise((resolve) => setTimeout(resolve, 100));
          // 2. The next statement fails instead of the process crashing.
          await query('SELECT 2');
        }),
      );
      assert.equal(uncaught, undefined);
    } finally {
      process.off('uncaughtException', onUncaught);
      await proxy.restore();
    }
    // 3. The broken connection was discarded: the next checkout works.
    assert.deepEqual((await pool.query('SELECT 3 AS n')).rows, [{ n: 3 }]);
  });
}
