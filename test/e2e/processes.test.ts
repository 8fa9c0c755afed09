// The server as operators run it: with DATABASE_URL, one process or a cluster of WORKERS, and a
// SIGTERM that lets an in-flight request finish before the process exits.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createAccessTokens } from '../../src/modules/auth/tokens.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort, startServerProcess, waitForStatus } from '../support/server-process.js';

const SECRET = 'e2e-access-secret-that-is-long-enough-0123456789';
let database: TestDatabase;
let adminToken: string;

before(async () => {
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ user_id: string; session_id: string }>(
    `WITH u AS (INSERT INTO users (email, password_hash, name, is_admin) VALUES ('ops@example.test', 'x', 'Ops', true) RETURNING id)
     INSERT INTO sessions (user_id, expires_at) SELECT id, now() + interval '1 day' FROM u RETURNING user_id, id AS session_id`,
  );
  await client.end();
  adminToken = createAccessTokens(SECRET).sign({
    userId: rows[0]!.user_id,
    sessionId: rows[0]!.session_id,
    isAdmin: true,
  });
});
after(() => database.drop());

function env(workers: number) {
  return {
    DATABASE_URL: database.url,
    REDIS_URL: undefined,
    WORKERS: String(workers),
    ACCESS_TOKEN_SECRET: SECRET,
    REFRESH_TOKEN_SECRET: `${SECRET}-refresh`,
    LOG_LEVEL: 'warn',
    // About shutdown and workers, not overload: a loaded CI machine's slow start-up must not turn the
    // first answers into 503 overloaded.
    MAX_EVENT_LOOP_DELAY_MS: '0',
  };
}

test('SIGTERM lets an in-flight request finish, then the process exits 0', async () => {
  const port = await freePort();
  const server = startServerProcess(env(1), port);
  await waitForStatus(`http://127.0.0.1:${port}/health`, 200, 60_000);

  const body = JSON.stringify({ reason: 'in flight during shutdown' });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v2/monitoring/memory/cleanup',
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    // 1. Half the body: the request is now in flight, waiting for the rest.
    request.write(body.slice(0, 10));
    setTimeout(() => {
      // 2. SIGTERM while it is in flight.
      server.child.kill('SIGTERM');
      // 3. The rest of the body after the signal: the request still completes.
      setTimeout(() => request.end(body.slice(10)), 500);
    }, 300);
  });
  const result = await response;
  assert.equal(result.status, 200, result.body);
  assert.equal(typeof JSON.parse(result.body).garbage_collected, 'boolean');
  assert.equal(await server.stop(), 0);
  // 4. And it no longer accepts connections.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});

test('WORKERS=2 serves one port from two processes and stops them all on SIGTERM', async () => {
  const port = await freePort();
  const server = startServerProcess(env(2), port);
  try {
    await waitForStatus(`http://127.0.0.1:${port}/health`, 200, 60_000);
    const pids = new Set<number>();
    for (let attempt = 0; attempt < 200 && pids.size < 2; attempt++) {
      const response = await fetch(`http://127.0.0.1:${port}/api/v2/monitoring/memory`, {
        headers: { authorization: `Bearer ${adminToken}`, connection: 'close' },
      });
      assert.equal(response.status, 200);
      pids.add(((await response.json()) as { pid: number }).pid);
    }
    assert.equal(pids.size, 2);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
