// Shared by the payments tests: an app pointed at the local Stripe stand-in, a shop whose owner has MFA (the
// financial routes require it), bookings, and signed webhook deliveries.
import assert from 'node:assert/strict';
import { BOOKING_TEST_ENV, localStart } from '../booking/booking-world.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { eventually as poll } from '../support/eventually.js';
import { type LocalStripe, startLocalStripe } from '../../src/demo/local-stripe.js';
import type { TestUser } from '../support/factory.js';
import { type ApiClient, apiClient, type HttpResponse } from '../support/http.js';
import { newShop, type ShopOptions, type TestShop } from '../support/shop-factory.js';

export interface PaymentsWorld {
  ctx: TestApp;
  api: ApiClient;
  stripe: LocalStripe;
  close(): Promise<void>;
}

export async function startPaymentsApp(env: Record<string, string> = {}): Promise<PaymentsWorld> {
  const stripe = await startLocalStripe();
  const ctx = await startTestApp({ env: { ...BOOKING_TEST_ENV, ...stripe.env(), ...env } });
  return {
    ctx,
    api: apiClient(ctx.baseUrl),
    stripe,
    async close() {
      await ctx.close();
      await stripe.stop();
    },
  };
}

/** Owners must have MFA for financial routes; test owners are enrolled directly. */
export async function enrolMfa(ctx: TestApp, ...users: TestUser[]): Promise<void> {
  await ctx.db.primary.query(
    `UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP', mfa_enabled_at = now() WHERE id = ANY($1)`,
    [users.map((u) => u.id)],
  );
}

/** A shop whose owner may use financial routes: $40 cut with a $10 deposit, and a $30 one without. */
export async function newPaymentsShop(ctx: TestApp, options: ShopOptions = {}): Promise<TestShop> {
  const shop = await newShop(ctx, {
    services: [
      { name: 'Cut', durationMinutes: 30, priceCents: 4000, depositCents: 1000 },
      { name: 'Trim', durationMinutes: 30, priceCents: 3000, depositCents: 0 },
    ],
    ...options,
  });
  await enrolMfa(ctx, shop.owner);
  return shop;
}

let nextDay = 2;
let nextSlot = 0;

/** A booking of the shop's first barber on a slot of its own (service 0 has a deposit: pending). */
export async function book(
  w: PaymentsWorld,
  shop: TestShop,
  client: TestUser,
  service = 0,
): Promise<{ id: string; status: string; client_id: string; price_cents: number }> {
  const slot = nextSlot++;
  if (nextSlot >= 14) {
    nextSlot = 0;
    nextDay++;
  }
  const hour = 9 + Math.floor(slot / 2);
  const res = await w.api.post(
    '/api/v2/appointments',
    {
      barber_id: shop.barbers[0]!.id,
      service_id: shop.services[service]!.id,
      start_time: localStart(nextDay, `${String(hour).padStart(2, '0')}:${slot % 2 ? '30' : '00'}`),
    },
    { token: client.token },
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
}

export function createIntent(
  w: PaymentsWorld,
  token: string,
  body: { appointment_id: string; kind: 'deposit' | 'full'; gift_certificate_code?: string },
): Promise<HttpResponse> {
  return w.api.post('/api/v2/payments/intents', body, { token });
}

/** Delivers a signed Stripe event to the app's webhook, as Stripe would. */
export function deliver(
  w: PaymentsWorld,
  signed: { body: string; signature: string },
): Promise<HttpResponse> {
  return w.api.request('POST', '/api/v2/webhooks/stripe', {
    rawBody: signed.body,
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signed.signature },
  });
}

/** The client pays the intent: Stripe marks it succeeded and sends payment_intent.succeeded. */
export async function payIntent(w: PaymentsWorld, intentId: string): Promise<HttpResponse> {
  const intent = w.stripe.setIntentStatus(intentId, 'succeeded');
  const res = await deliver(w, w.stripe.signedEvent('payment_intent.succeeded', intent));
  assert.equal(res.status, 200, res.text);
  return res;
}

/** A succeeded deposit for a fresh booking: the payment as the API returns it after the webhook. */
export async function paidDeposit(w: PaymentsWorld, shop: TestShop, client: TestUser) {
  const appointment = await book(w, shop, client);
  const intent = await createIntent(w, client.token, { appointment_id: appointment.id, kind: 'deposit' });
  assert.equal(intent.status, 201, intent.text);
  await payIntent(w, intent.body.stripe_payment_intent_id);
  return { appointment, payment: { ...intent.body, status: 'succeeded' } as Record<string, any> };
}

/** Polls until `check` holds (background work such as the refund sender); fails after ~5 s. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const value = await poll(read, check, { intervalMs: 50, timeoutMs: 5000 });
  assert.ok(check(value), `condition never held; last value ${JSON.stringify(value)}`);
  return value;
}
