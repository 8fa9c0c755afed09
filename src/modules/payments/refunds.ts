// Refunds that must happen even if Stripe is down right now: the cancellation refund (DESIGN §3,
// "refunded through Stripe automatically") and the refund of a payment that succeeded for an
// appointment already cancelled. Each is reserved as a pending refunds row in the transaction that
// decides it; a sender then takes them to Stripe one at a time, with the row id as idempotency key, at
// once after the commit and every minute on the durable job queue, so a crash or an outage delays a
// refund but never loses or doubles it.
import type { Logger } from 'pino';
import { newRowId } from '../../platform/db/ids.js';
import type { Database, Queryable } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { RecurringJob } from '../../platform/jobs/job-queue.js';
import { KickedWork } from '../../platform/jobs/kicked-work.js';
import { PaymentProviderRejected } from './payments.errors.js';
import { adjustGiftBalance } from './gift-certificates.sql.js';
import {
  addCertificateRefunded,
  addRefunded,
  lockAppointmentPayments,
  lockRefundablePayments,
  type PaymentRow,
} from './payments.sql.js';
import { claimUnsentRefund, insertRefund, markRefundSent } from './refunds.sql.js';
import type { PaymentGateway } from './stripe-gateway.js';

const BATCH = 100;

const cardLeft = (p: PaymentRow) => p.amount_cents - p.refunded_cents;
const certificateLeft = (p: PaymentRow) => p.gift_certificate_cents - p.gift_certificate_refunded_cents;

export class RefundSender {
  private readonly sender = new KickedWork(
    () => this.sendPending(),
    (error) => this.log.warn({ err: error }, 'sending refunds failed'),
  );

  constructor(
    private readonly db: Database,
    private readonly gateway: PaymentGateway,
    private readonly log: Pick<Logger, 'warn' | 'error'>,
  ) {}

  /**
   * In the caller's transaction: takes the appointment's payments lock (the one intents and webhooks
   * take) and returns what was paid, by card and from gift certificates, and not refunded: the base of
   * the cancellation refund.
   */
  async lockPaid(tx: Queryable, locationId: string, appointmentId: string): Promise<number> {
    await lockAppointmentPayments(tx, appointmentId);
    const payments = await lockRefundablePayments(tx, locationId, appointmentId);
    return payments.reduce((sum, p) => sum + cardLeft(p) + certificateLeft(p), 0);
  }

  /**
   * In the caller's transaction: `amountCents` of the appointment's succeeded payments goes back, newest
   * payment first, and within a payment its card share before its certificate share: card money goes
   * back as money. The card share becomes a pending refund for Stripe and counts as refunded at once, so
   * nothing refunds it twice; the certificate share is credited to the certificate here and now. Capped
   * at what remains. Returns the amount reserved.
   */
  async reserve(
    tx: Queryable,
    r: { locationId: string; appointmentId: string; amountCents: number; reason: string },
  ): Promise<number> {
    let left = r.amountCents;
    for (const payment of await lockRefundablePayments(tx, r.locationId, r.appointmentId)) {
      const byCard = Math.min(left, cardLeft(payment));
      if (byCard > 0) {
        await insertRefund(tx, {
          id: newRowId(),
          locationId: r.locationId,
          paymentId: payment.id,
          amountCents: byCard,
          reason: r.reason,
          status: 'pending',
          stripeRefundId: null,
          byUserId: null,
        });
        await addRefunded(tx, r.locationId, payment.id, byCard);
        left -= byCard;
      }
      const toCertificate = Math.min(left, certificateLeft(payment));
      if (toCertificate > 0 && payment.gift_certificate_id) {
        await adjustGiftBalance(tx, r.locationId, payment.gift_certificate_id, toCertificate);
        await addCertificateRefunded(tx, r.locationId, payment.id, toCertificate);
        left -= toCertificate;
      }
    }
    return r.amountCents - left;
  }

  /** Starts sending now, in the background (after the reserving transaction committed). */
  kick(): void {
    this.sender.kick();
  }

  /** Resolves when a kicked send has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.sender.idle();
  }

  /** Sends pending refunds until none is left or Stripe is unavailable; returns how many were settled. */
  async sendPending(): Promise<number> {
    if (!this.gateway.configured) return 0;
    let settled = 0;
    for (let i = 0; i < BATCH; i++) {
      const outcome = await withTransaction(this.db.primary, async (tx) => {
        const refund = await claimUnsentRefund(tx);
        if (!refund) return 'none' as const;
        const fail = async (why: string) => {
          this.log.error({ refund: refund.id, why }, 'refund failed; its amount is refundable again');
          await markRefundSent(tx, refund.location_id, refund.id, 'failed', null);
          await addRefunded(tx, refund.location_id, refund.payment_id, -refund.amount_cents);
          return 'settled' as const;
        };
        if (!refund.stripe_payment_intent_id) return fail('the payment has no Stripe payment intent');
        try {
          const sent = await this.gateway.createRefund({
            paymentIntentId: refund.stripe_payment_intent_id,
            amountCents: refund.amount_cents,
            idempotencyKey: `refund:${refund.id}`,
            metadata: {
              refund_id: refund.id,
              payment_id: refund.payment_id,
              location_id: refund.location_id,
            },
          });
          if (sent.status === 'failed' || sent.status === 'canceled')
            return fail(`Stripe says ${sent.status}`);
          const status = sent.status === 'succeeded' ? 'succeeded' : 'pending';
          await markRefundSent(tx, refund.location_id, refund.id, status, sent.id);
          return 'settled' as const;
        } catch (error) {
          if (PaymentProviderRejected.is(error)) {
            return fail(error.message);
          }
          throw error; // Stripe unavailable: the row stays pending for the next run
        }
      }).catch((error) => {
        this.log.warn({ err: error }, 'refund not sent; retried by the next run');
        return 'stop' as const;
      });
      if (outcome !== 'settled') break;
      settled++;
    }
    return settled;
  }

  job(): RecurringJob {
    return {
      name: 'payments.send-refunds',
      cron: '* * * * *',
      run: async () => {
        await this.sendPending();
      },
    };
  }
}
