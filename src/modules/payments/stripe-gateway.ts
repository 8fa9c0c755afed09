// Stripe behind one door: the official SDK (timeouts, no hidden retries beyond one), a circuit
// breaker (opossum) so an outage answers 503 at once instead of piling up requests, and Stripe's
// errors mapped onto the catalogue. Without STRIPE_SECRET_KEY every call answers 503
// payments-not-configured. The breaker's state is per process.
import CircuitBreaker from 'opossum';
import Stripe from 'stripe';
import type { Config } from '../../config.js';
import {
  InvalidWebhookSignature,
  PaymentProviderRejected,
  PaymentProviderUnavailable,
  PaymentsNotConfigured,
} from './payments.errors.js';

export interface IntentView {
  id: string;
  status: string;
  client_secret: string | null;
}

export interface PaymentGateway {
  /** False without STRIPE_SECRET_KEY: every call then throws payments-not-configured. */
  readonly configured: boolean;
  createIntent(p: {
    amountCents: number;
    currency: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
    transferGroup?: string;
  }): Promise<IntentView>;
  retrieveIntent(id: string): Promise<IntentView>;
  /** Stripe refuses (payment-provider-rejected) an intent that succeeded or is being processed. */
  cancelIntent(id: string): Promise<IntentView>;
  createRefund(p: {
    paymentIntentId: string;
    amountCents: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ id: string; status: string }>;
  createTransfer(p: {
    amountCents: number;
    currency: string;
    destination: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ id: string }>;
  /** The verified event; throws invalid-webhook-signature. */
  verifyWebhook(rawBody: Buffer, signature: string | undefined): Stripe.Event;
}

const RESET_AFTER_MS = 30_000;

/** Errors that say Stripe answered and refused (our request was wrong): they do not trip the breaker. */
function isRefusal(error: unknown): boolean {
  const e = error as { type?: unknown; statusCode?: unknown };
  if (
    e.type === 'StripeConnectionError' ||
    e.type === 'StripeAPIError' ||
    e.type === 'StripeRateLimitError'
  ) {
    return false;
  }
  return typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500;
}

export class StripeGateway implements PaymentGateway {
  private readonly stripe: Stripe | undefined;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(private readonly config: Config['stripe']) {
    if (config.secretKey) {
      const base = config.apiBase ? new URL(config.apiBase) : undefined;
      this.stripe = new Stripe(config.secretKey, {
        timeout: 5000,
        maxNetworkRetries: 1,
        telemetry: false,
        ...(base
          ? {
              host: base.hostname,
              port: base.port || (base.protocol === 'https:' ? 443 : 80),
              protocol: base.protocol === 'https:' ? 'https' : 'http',
            }
          : {}),
      });
    }
    this.breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      timeout: false, // the SDK's own timeout bounds each call
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      resetTimeout: RESET_AFTER_MS,
      errorFilter: isRefusal,
    });
  }

  get configured(): boolean {
    return this.stripe !== undefined;
  }

  private client(): Stripe {
    if (!this.stripe) throw PaymentsNotConfigured('set STRIPE_SECRET_KEY to take payments');
    return this.stripe;
  }

  /** One Stripe call through the breaker, its failure mapped onto the catalogue. */
  private async call<T>(work: (stripe: Stripe) => Promise<T>): Promise<T> {
    const stripe = this.client();
    try {
      return (await this.breaker.fire(() => work(stripe))) as T;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const fromStripe = typeof (error as { type?: unknown }).type === 'string' || code === 'EOPENBREAKER';
      if (!fromStripe) throw error; // a bug of ours, not an outage: the error handler logs it
      if (isRefusal(error)) {
        throw PaymentProviderRejected(`Stripe refused: ${(error as Error).message}`);
      }
      const open = code === 'EOPENBREAKER';
      throw PaymentProviderUnavailable(
        open ? 'Stripe is failing; calls are paused for a moment' : 'Stripe did not answer; retry shortly',
        { headers: { 'retry-after': open ? String(RESET_AFTER_MS / 1000) : '5' } },
      );
    }
  }

  createIntent(p: Parameters<PaymentGateway['createIntent']>[0]): Promise<IntentView> {
    return this.call(async (stripe) => {
      const intent = await stripe.paymentIntents.create(
        {
          amount: p.amountCents,
          currency: p.currency.toLowerCase(),
          metadata: p.metadata,
          automatic_payment_methods: { enabled: true },
          ...(p.transferGroup ? { transfer_group: p.transferGroup } : {}),
        },
        { idempotencyKey: p.idempotencyKey },
      );
      return { id: intent.id, status: intent.status, client_secret: intent.client_secret };
    });
  }

  retrieveIntent(id: string): Promise<IntentView> {
    return this.call(async (stripe) => {
      const intent = await stripe.paymentIntents.retrieve(id);
      return { id: intent.id, status: intent.status, client_secret: intent.client_secret };
    });
  }

  cancelIntent(id: string): Promise<IntentView> {
    return this.call(async (stripe) => {
      const intent = await stripe.paymentIntents.cancel(id);
      return { id: intent.id, status: intent.status, client_secret: intent.client_secret };
    });
  }

  createRefund(p: Parameters<PaymentGateway['createRefund']>[0]) {
    return this.call(async (stripe) => {
      const refund = await stripe.refunds.create(
        { payment_intent: p.paymentIntentId, amount: p.amountCents, metadata: p.metadata },
        { idempotencyKey: p.idempotencyKey },
      );
      return { id: refund.id, status: refund.status ?? 'pending' };
    });
  }

  createTransfer(p: Parameters<PaymentGateway['createTransfer']>[0]) {
    return this.call(async (stripe) => {
      const transfer = await stripe.transfers.create(
        {
          amount: p.amountCents,
          currency: p.currency.toLowerCase(),
          destination: p.destination,
          metadata: p.metadata,
        },
        { idempotencyKey: p.idempotencyKey },
      );
      return { id: transfer.id };
    });
  }

  verifyWebhook(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    const stripe = this.client();
    if (!this.config.webhookSecret) throw PaymentsNotConfigured('set STRIPE_WEBHOOK_SECRET to take webhooks');
    if (!signature) throw InvalidWebhookSignature('the Stripe-Signature header is missing');
    try {
      return stripe.webhooks.constructEvent(rawBody, signature, this.config.webhookSecret);
    } catch {
      throw InvalidWebhookSignature('the Stripe-Signature header does not match the body');
    }
  }
}
