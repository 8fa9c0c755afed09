// The job queue over a real PostgreSQL: several processes starting on a fresh database at once (the
// cluster's workers do) must all start. pg-boss's createQueue creates tables, and two of them racing
// deadlocked: one worker died at start-up. A web-only process (JOB_WORKERS=off) declares the schedules
// but takes no job.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import PgBoss from 'pg-boss';
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

test('a process started without workers declares the schedules and leaves the jobs to a process that works', async () => {
  const db: TestDatabase = await createTestDatabase();
  cleanup.push(() => db.drop());
  const pool = createPool({
    connectionString: db.url,
    max: 5,
    applicationName: 'job-queue-test',
    log: silentLog,
  });
  const runs: string[] = [];
  const job: RecurringJob = {
    name: 'test.web-only',
    cron: '* * * * *',
    run: async () => void runs.push('ran'),
  };
  const webOnly = new JobQueue(pool, silentLog);
  const worker = new JobQueue(pool, silentLog);
  const sender = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: 'pgboss',
  });
  cleanup.push(async () => {
    await Promise.all([webOnly.stop(), worker.stop(), sender.stop({ graceful: false, close: false })]);
    await pool.end();
  });

  await webOnly.start([job], { work: false });
  const { rows } = await pool.query(`SELECT cron FROM pgboss.schedule WHERE name = 'test.web-only'`);
  assert.deepEqual(rows, [{ cron: '* * * * *' }]);
  await sender.start();
  const id = await sender.send('test.web-only', {});
  // Two of pg-boss's 2-second polls: nobody in this process takes it.
  await new Promise((resolve) => setTimeout(resolve, 4500));
  assert.deepEqual(runs, []);
  assert.equal((await sender.getJobById('test.web-only', id!))?.state, 'created');

  await worker.start([job]);
  for (let i = 0; i < 100 && runs.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(runs, ['ran']);
});
