// `npm start` on a clean machine: no DATABASE_URL, so the embedded PostgreSQL is initialised, migrated
// and seeded; the second start reuses the data. Also proves SIGTERM shuts everything down.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { freePort, startServerProcess, waitForStatus } from '../support/server-process.js';

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'bb-embedded-'));
const dataDir = path.join(scratch, 'data');

after(async () => {
  // As root, a cluster the dedicated user could not reach from here was relocated: remove it too.
  const location = path.join(dataDir, 'pg-location');
  if (existsSync(location))
    await fs.rm(readFileSync(location, 'utf8').trim(), { recursive: true, force: true });
  await fs.rm(scratch, { recursive: true, force: true });
});

const DEMO_LOGIN = /^demo login: (\S+) password: (\S+)$/gm;

async function startOnce() {
  const port = await freePort();
  const embeddedPort = await freePort();
  const server = startServerProcess(
    {
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(embeddedPort),
    },
    port,
  );
  await waitForStatus(`http://127.0.0.1:${port}/health`, 200, 120_000);
  return { server, port, embeddedPort };
}

async function portIsClosed(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('the first start with no DATABASE_URL serves /health, /docs and the demo data, and prints the logins', async () => {
  const { server, port, embeddedPort } = await startOnce();
  try {
    await server.waitFor(/demo login: client@/, 10_000);
    const logins = [...server.output().matchAll(DEMO_LOGIN)];
    assert.equal(logins.length, 5);
    assert.equal((await fetch(`http://127.0.0.1:${port}/docs`)).status, 200);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      status: 'ok',
      checks: { database: 'ok', redis: 'not_configured' },
    });
  } finally {
    // SIGTERM: a clean exit, and the embedded PostgreSQL is stopped with it.
    assert.equal(await server.stop(), 0);
  }
  assert.equal(await portIsClosed(embeddedPort), true);
});

test('the second start reuses the data: same demo logins, nothing seeded twice', async () => {
  const firstLogins = JSON.parse(readFileSync(path.join(dataDir, 'demo-logins.json'), 'utf8'));
  const { server } = await startOnce();
  try {
    await server.waitFor(/demo login: client@/, 10_000);
    const printed = [...server.output().matchAll(DEMO_LOGIN)].map((m) => ({ email: m[1], password: m[2] }));
    assert.deepEqual(
      printed,
      firstLogins.map((l: { email: string; password: string }) => ({ email: l.email, password: l.password })),
    );
    assert.doesNotMatch(server.output(), /initialising embedded PostgreSQL/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
