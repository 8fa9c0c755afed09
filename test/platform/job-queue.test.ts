// The job queue over a real PostgreSQL: several processes starting on a fresh database at once (the
// cluster's workers do) must all start. pg-boss's createQueue creates tables, and two of them racing
// deadlocked: one worker died at start-up.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createPool, type Pool } from '../../src/platform/db/pool.js';
import { JobQueue, type RecurringJob } from '../../src/platform/jobs/job-queue.js';
import { createTestDatabase, silentLog, type TestDatabase } from '../support/database.js';

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.reverse()) await step();
});

const jobs: RecurringJob[] = ['test.sweep', 'test.refunds', 'test.notify', 'test.report'].map((name) => ({
  name,
  cron: '* * * * *',
  run: async () => undefined,
}));

test('four processes starting the queue on a fresh database at once all start, and each queue exists once', async () => {
  for (let round = 0; round < 3; round++) {
    const db: TestDatabase = await createTestDatabase();
    cleanup.push(() => db.drop());
    const pools: Pool[] = Array.from({ length: 4 }, () =>
      createPool({ connectionString: db.url, max: 5, applicationName: 'job-queue-test', log: silentLog }),
    );
    const queues = pools.map((pool) => new JobQueue(pool, silentLog));
    cleanup.push(async () => {
      await Promise.all(queues.map((q) => q.stop()));
      await Promise.all(pools.map((p) => p.end()));
    });
    const started = await Promise.allSettled(queues.map((q) => q.start(jobs)));
    const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    assert.deepEqual(failures, [], `round ${round}`);
    const { rows } = await pools[0]!.query<{ name: string }>(
      `SELECT name FROM pgboss.queue WHERE name LIKE 'test.%' ORDER BY name`,
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      jobs.map((j) => j.name).sort(),
    );
  }
});
