// Sends the notifications outbox: confirmations, reschedule and cancellation notices (written by
// booking's own statements) and reminders (armed here when due). Durable: the rows are the queue and a
// recurring job on pg-boss runs a pass every minute in some process; a booking nudges this process to
// run one at once. Rows are claimed with SKIP LOCKED, so concurrent notifiers never send one twice;
// a provider failure is retried with backoff, then the row is marked failed.
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { RecurringJob } from '../../platform/jobs/job-queue.js';
import type { EmailSender } from './email.js';
import { render } from './messages.js';
import {
  armDueReminders,
  claimDue,
  type DueNotification,
  type Outcome,
  REMINDER_LEAD_HOURS,
  type ReminderKind,
  recordOutcomes,
} from './notifications.sql.js';
import type { SmsSender } from './sms.js';

const BATCH = 50;
const MAX_ATTEMPTS = 5;
const MINUTE = 60_000;

export interface NotifierDeps {
  db: Database;
  email: EmailSender;
  sms: SmsSender;
  /** Which reminders are sent (REMINDERS, default both). */
  reminders: readonly ReminderKind[];
  log: Pick<Logger, 'warn' | 'error'>;
}

/** What to do with a due row before sending: the appointment may have changed since it was written. */
export function verdict(n: DueNotification, now: number): Outcome | 'send' {
  const cancelled = n.appointment_status === 'cancelled';
  if (n.kind === 'cancellation') return 'send';
  if (cancelled) return { status: 'cancelled', reason: 'the appointment was cancelled' };
  if (n.kind === 'reminder_24h' || n.kind === 'reminder_2h') {
    if (n.start_time.getTime() <= now) return { status: 'cancelled', reason: 'the appointment has started' };
    const due = n.start_time.getTime() - REMINDER_LEAD_HOURS[n.kind] * 60 * MINUTE;
    // Moved since it was armed: the reminder scan re-arms it for the new time.
    if (Math.abs(due - n.send_at.getTime()) > MINUTE) {
      return { status: 'cancelled', reason: 'the appointment moved; re-armed for the new time' };
    }
  }
  return 'send';
}

/** How long a nudge waits, so that one pass sends what a burst of bookings wrote. */
const NUDGE_DELAY_MS = 250;

export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;

  constructor(private readonly deps: NotifierDeps) {}

  /** One full pass (the minute job): arm the due reminders, then send everything due. */
  async runOnce(): Promise<{ sent: number; failed: number; skipped: number }> {
    await armDueReminders(this.deps.db.primary, this.deps.reminders);
    return this.sendDue();
  }

  /** Sends every due row, a batch per transaction; the batch's outcomes in one statement. */
  async sendDue(): Promise<{ sent: number; failed: number; skipped: number }> {
    const totals = { sent: 0, failed: 0, skipped: 0 };
    for (;;) {
      const claimed = await withTransaction(this.deps.db.primary, async (tx) => {
        const due = await claimDue(tx, BATCH);
        const outcomes = [];
        for (const n of due) {
          const outcome = await this.deliver(n);
          outcomes.push({ row: n, outcome });
          if (outcome.status === 'sent') totals.sent++;
          else if (outcome.status === 'cancelled') totals.skipped++;
          else totals.failed++;
        }
        await recordOutcomes(tx, outcomes);
        return due.length;
      });
      if (claimed < BATCH) return totals;
    }
  }

  private async deliver(n: DueNotification): Promise<Outcome> {
    const decided = verdict(n, Date.now());
    if (decided !== 'send') return decided;
    const message = render(n);
    try {
      if (n.channel === 'email') await this.deps.email.send({ to: n.recipient, ...message });
      else await this.deps.sms.send({ to: n.recipient, text: message.text });
      return { status: 'sent' };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.deps.log.warn({ err: error, kind: n.kind, channel: n.channel }, 'notification not sent');
      if (n.attempts + 1 >= MAX_ATTEMPTS) return { status: 'failed', error: text };
      // 1, 4, 16, 64 minutes
      return { status: 'retry', error: text, retryAt: new Date(Date.now() + 4 ** n.attempts * MINUTE) };
    }
  }

  /**
   * Sends soon in this process (after a booking wrote a confirmation): best effort, since the minute
   * job sends anything this misses. Nudges of a burst share one pass.
   */
  nudge(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, NUDGE_DELAY_MS);
    this.timer.unref();
  }

  private drain(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.sendDue()
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'notification pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) this.drain();
      });
  }

  /** Stops nudging and waits for a pass under way (shutdown, tests). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
    await this.running;
  }

  job(): RecurringJob {
    return {
      name: 'notifications.send',
      cron: '* * * * *',
      run: async () => {
        await this.runOnce();
      },
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The notifications sender (tests run passes with it). */
    notifier: Notifier;
  }
}
