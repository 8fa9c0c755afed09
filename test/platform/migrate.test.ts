import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../../src/platform/db/migrate.js';
import { createTestDatabase, silentLog, type TestDatabase } from '../support/database.js';

const databases: TestDatabase[] = [];
after(async () => {
  for (const db of databases) await db.drop();
});

async function appliedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

test('migrating twice applies every migration once and the second run changes nothing', async () => {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  const first = await migrate(db.url, silentLog);
  assert.ok(first.includes('0001_init'), `first run applied ${first.join(', ')}`);
  const second = await migrate(db.url, silentLog);
  assert.deepEqual(second, []);
  assert.deepEqual(await appliedMigrations(db.url), first);
});

test('eight processes migrating one database at once migrate it exactly once', async () => {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  const runs = await Promise.all(Array.from({ length: 8 }, () => migrate(db.url, silentLog)));
  const applied = runs.flat();
  // Exactly one runner applied each migration; the others found nothing left to do.
  assert.equal(applied.filter((name) => name === '0001_init').length, 1);
  assert.deepEqual(
    await appliedMigrations(db.url),
    runs.find((r) => r.length > 0),
  );
});

test('the no-overlap exclusion constraint exists and covers holds and active appointments', async () => {
  const db = await createTestDatabase();
  databases.push(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'appointments_no_overlap'`,
    );
    assert.equal(rows.length, 1);
    assert.match(
      rows[0]!.def,
      /EXCLUDE USING gist \(location_id WITH =, barber_id WITH =, tstzrange\(start_time, busy_until, '\[\)'::text\) WITH &&\) WHERE \(\(status <> 'cancelled'::text\)\)/,
    );
  } finally {
    await client.end();
  }
});
