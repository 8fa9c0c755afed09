// Cancelling an appointment cancels its card payments still open at Stripe, so that nobody pays for a
// visit that will not happen (the cancel path, the deposit sweeper, staff). The cancel commits first
// and Stripe is told after it, at once and every minute on the durable job queue: an outage delays
// the cancellation of the intent but never blocks or undoes the appointment's. A payment that succeeds
// anyway is refunded in full (PaymentsService.applyIntentStatus).
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { RecurringJob } from '../../platform/jobs/job-queue.js';
import { KickedWork } from '../../platform/jobs/kicked-work.js';
import { statusOfIntent } from './commission.js';
import { PaymentProviderRejected } from './payments.errors.js';
import type { PaymentsService } from './payments.service.js';
import { findOpenIntentsOfCancelled } from './payments.sql.js';
import type { RefundSender } from './refunds.js';
import type { IntentView, PaymentGateway } from './stripe-gateway.js';

const BATCH = 100;

export class OpenIntentCanceller {
  private readonly canceller = new KickedWork(
    () => this.cancelOpen(),
    (error) => this.log.warn({ err: error }, 'open payment intents not cancelled; retried by the next run'),
  );

  constructor(
    private readonly db: Database,
    private readonly gateway: PaymentGateway,
    private readonly payments: Pick<PaymentsService, 'applyIntentStatus'>,
    private readonly refunds: Pick<RefundSender, 'kick'>,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /** After an appointment's cancel committed. */
  kick(): void {
    this.canceller.kick();
  }

  idle(): Promise<void> {
    return this.canceller.idle();
  }

  /**
   * Cancels the open intents of cancelled appointments, oldest first, and applies what Stripe says. An
   * intent Stripe will not cancel (it succeeded or is being processed meanwhile) is read instead, and
   * its status applied. Throws at the first outage, leaving the rest for the next run. Returns how
   * many intents it settled.
   */
  async cancelOpen(): Promise<number> {
    if (!this.gateway.configured) return 0;
    let settled = 0;
    for (const open of await findOpenIntentsOfCancelled(this.db.primary, BATCH)) {
      let intent: IntentView;
      try {
        intent = await this.gateway.cancelIntent(open.stripe_payment_intent_id);
      } catch (error) {
        if (!PaymentProviderRejected.is(error)) throw error;
        intent = await this.gateway.retrieveIntent(open.stripe_payment_intent_id);
      }
      const applied = await withTransaction(this.db.primary, (tx) =>
        this.payments.applyIntentStatus(tx, intent.id, statusOfIntent(intent.status)),
      );
      if (applied.refundReserved) this.refunds.kick();
      settled++;
    }
    return settled;
  }

  job(): RecurringJob {
    return {
      name: 'payments.cancel-open-intents',
      cron: '* * * * *',
      run: async () => {
        await this.cancelOpen();
      },
    };
  }
}
