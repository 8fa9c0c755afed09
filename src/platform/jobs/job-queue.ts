// Background work on a durable queue (pg-boss, in PostgreSQL): schedules and jobs survive restarts and
// run once across all processes, unlike timers a restart forgets. It shares the app's primary pool.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { withConnection } from '../db/connection.js';
import type { Pool } from '../db/pool.js';

export interface RecurringJob {
  /** Queue name, e.g. `booking.sweep-holds`. */
  readonly name: string;
  /** Cron expression (minute resolution), in UTC. */
  readonly cron: string;
  run(): Promise<void>;
}

/** The session lock under which a process declares its queues. */
const DECLARE_LOCK = `hashtextextended('bookedbarber.job-queue.declare', 0)`;

export class JobQueue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
  ) {
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schema: 'pgboss',
    });
    // pg-boss reports its own failures (a lost connection during maintenance) as events; never crash on them.
    this.boss.on('error', (error) => this.log.warn({ err: error }, 'job queue error'));
  }

  /**
   * Starts the queue and registers each job's schedule and, with `work` (the default), its worker;
   * idempotent across processes. A process that does not work still declares the schedules.
   */
  async start(jobs: readonly RecurringJob[], { work = true } = {}): Promise<void> {
    await this.declareOneProcessAtATime(async () => {
      await this.boss.start();
      this.started = true;
      for (const job of jobs) {
        await this.boss.createQueue(job.name);
        await this.boss.schedule(job.name, job.cron);
      }
    });
    if (!work) return;
    for (const job of jobs) {
      await this.boss.work(job.name, async () => {
        try {
          await job.run();
        } catch (error) {
          this.log.error({ err: error, job: job.name }, 'job failed');
          throw error; // pg-boss retries it
        }
      });
    }
  }

  /**
   * Declaring a queue creates its tables, and processes declaring at once on a fresh database deadlock
   * (one of the cluster's workers died at start-up). A session advisory lock, held on a connection of its
   * own, lets one process at a time declare; the others then find everything there.
   */
  private async declareOneProcessAtATime(declare: () => Promise<void>): Promise<void> {
    await withConnection(this.pool, async (lock) => {
      await lock.query(`SELECT pg_advisory_lock(${DECLARE_LOCK})`);
      try {
        await declare();
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(${DECLARE_LOCK})`);
      }
    });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 5000, close: false });
  }
}
