// Stripe's webhooks: the signature is verified by the official SDK against the raw body, each event is
// processed once (stripe_events, in the same transaction as its effects: a redelivery changes nothing),
// and an event that fails to apply is answered 500 so that Stripe delivers it again.
import type Stripe from 'stripe';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { PaymentStatus } from './commission.js';
import type { PaymentsService } from './payments.service.js';
import { addRefunded, raiseRefundedTo, recordStripeEvent } from './payments.sql.js';
import { setPayoutsEnabled } from './payouts.sql.js';
import type { RefundSender } from './refunds.js';
import { settleRefundByStripeId } from './refunds.sql.js';
import type { PaymentGateway } from './stripe-gateway.js';

const INTENT_EVENTS: Readonly<Record<string, PaymentStatus>> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.processing': 'processing',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.canceled': 'canceled',
};

const REFUND_EVENTS = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

export class StripeWebhooks {
  constructor(
    private readonly db: Database,
    private readonly gateway: PaymentGateway,
    private readonly payments: PaymentsService,
    private readonly refunds: RefundSender,
  ) {}

  /** Verifies and applies one delivery; `duplicate` when the event was already processed. */
  async receive(rawBody: Buffer, signature: string | undefined): Promise<{ duplicate: boolean }> {
    const event = this.gateway.verifyWebhook(rawBody, signature);
    const outcome = await withTransaction(this.db.primary, async (tx) => {
      if (!(await recordStripeEvent(tx, event.id, event.type)))
        return { duplicate: true, refundReserved: false };
      let refundReserved = false;
      const intentStatus = INTENT_EVENTS[event.type];
      if (intentStatus) {
        const intent = event.data.object as Stripe.PaymentIntent;
        refundReserved = (await this.payments.applyIntentStatus(tx, intent.id, intentStatus)).refundReserved;
      } else if (event.type === 'charge.refunded') {
        const charge = event.data.object as Stripe.Charge;
        const intentId =
          typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        if (intentId) await raiseRefundedTo(tx, intentId, charge.amount_refunded);
      } else if (REFUND_EVENTS.has(event.type)) {
        const refund = event.data.object as Stripe.Refund;
        if (refund.status === 'succeeded') await settleRefundByStripeId(tx, refund.id, 'succeeded');
        if (refund.status === 'failed' || refund.status === 'canceled') {
          const settled = await settleRefundByStripeId(tx, refund.id, 'failed');
          // A refund that failed gives its amount back: it may be refunded again.
          if (settled) await addRefunded(tx, settled.location_id, settled.payment_id, -settled.amount_cents);
        }
      } else if (event.type === 'account.updated') {
        const account = event.data.object as Stripe.Account;
        await setPayoutsEnabled(tx, account.id, account.payouts_enabled === true);
      }
      return { duplicate: false, refundReserved };
    });
    if (outcome.refundReserved) this.refunds.kick();
    return { duplicate: outcome.duplicate };
  }
}
