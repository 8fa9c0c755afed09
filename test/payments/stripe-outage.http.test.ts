// Stripe down, or not configured: payment routes answer 503 problems with Retry-After and leave nothing
// half-written; a cancellation refund waits as a pending row and is sent once Stripe is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RefundSender } from '../../src/modules/payments/refunds.js';
import { StripeGateway } from '../../src/modules/payments/stripe-gateway.js';
import { BOOKING_TEST_ENV, localStart } from '../booking/booking-world.js';
import { startTestApp } from '../support/build-app.js';
import { silentLog } from '../support/database.js';
import { newUser, type TestUser } from '../support/factory.js';
import { apiClient, expectProblem } from '../support/http.js';
import type { TestShop } from '../support/shop-factory.js';
import {
  book,
  createIntent,
  deliver,
  newPaymentsShop,
  paidDeposit,
  type PaymentsWorld,
  startPaymentsApp,
} from './payments-world.js';

let w: PaymentsWorld;
let shop: TestShop;
let client: TestUser;

before(async () => {
  // The test sends the pending refund by hand and counts it: the minute's job must not send it first.
  w = await startPaymentsApp({ JOB_WORKERS: 'off' });
  shop = await newPaymentsShop(w.ctx);
  client = await newUser(w.ctx);
});
after(() => w.close());

const count = async (sql: string, values: unknown[]) => (await w.ctx.db.primary.query(sql, values)).rows[0].n;

test('Stripe down: 503 with Retry-After from every route that calls it, and no row half-written', async () => {
  // While Stripe is up: a connected barber with paid deposits, a certificate, an appointment to pay.
  const account = 'acct_outage';
  await w.api.put(
    `/api/v2/barbers/${shop.barbers[0]!.id}/stripe-account`,
    { stripe_account_id: account },
    { token: shop.owner.token },
  );
  await deliver(
    w,
    w.stripe.signedEvent('account.updated', { id: account, object: 'account', payouts_enabled: true }),
  );
  const paid = [await paidDeposit(w, shop, client), await paidDeposit(w, shop, client)];
  const certificate = (
    await w.api.post(
      '/api/v2/gift-certificates',
      { location_id: shop.location.id, amount_cents: 300 },
      { token: shop.owner.token },
    )
  ).body;
  const unpaid = await book(w, shop, client);

  w.stripe.down = true;
  try {
    // 1. An intent: the certificate spend and the payment row roll back with it.
    const intent = await createIntent(w, client.token, {
      appointment_id: unpaid.id,
      kind: 'deposit',
      gift_certificate_code: certificate.code,
    });
    expectProblem(intent, 503, 'payment-provider-unavailable');
    assert.ok(Number(intent.headers.get('retry-after')) > 0);
    assert.equal(
      await count('SELECT count(*)::int AS n FROM payments WHERE appointment_id = $1', [unpaid.id]),
      0,
    );
    const balance = await w.api.get(
      `/api/v2/gift-certificates/${certificate.code}?location_id=${shop.location.id}`,
      { token: shop.owner.token },
    );
    assert.equal(balance.body.balance_cents, 300);

    // 2. A refund.
    const refund = await w.api.post(
      `/api/v2/payments/${paid[0]!.payment.id}/refund`,
      { amount_cents: 100, reason: 'outage' },
      { token: shop.owner.token },
    );
    expectProblem(refund, 503, 'payment-provider-unavailable');
    assert.ok(refund.headers.get('retry-after'));
    assert.equal(
      await count('SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1', [paid[0]!.payment.id]),
      0,
    );
    assert.equal(
      await count('SELECT refunded_cents AS n FROM payments WHERE id = $1', [paid[0]!.payment.id]),
      0,
    );

    // 3. A payout run.
    const payout = await w.api.post(
      '/api/v2/payouts/run',
      { location_id: shop.location.id, period_start: '2020-01-01', period_end: '2099-12-31' },
      { token: shop.owner.token },
    );
    expectProblem(payout, 503, 'payment-provider-unavailable');
    assert.equal(
      await count('SELECT count(*)::int AS n FROM payouts WHERE location_id = $1', [shop.location.id]),
      0,
    );
    assert.equal(
      await count(
        'SELECT count(*)::int AS n FROM payments WHERE location_id = $1 AND payout_id IS NOT NULL',
        [shop.location.id],
      ),
      0,
    );

    // 4. Cancelling still works; its refund waits, reserved, as a pending row.
    const cancel = await w.api.post(
      `/api/v2/appointments/${paid[1]!.appointment.id}/cancel`,
      {},
      { token: client.token },
    );
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.refund.amount_cents, 1000);
    const pending = await w.ctx.db.primary.query(
      'SELECT id, status, stripe_refund_id FROM refunds WHERE payment_id = $1',
      [paid[1]!.payment.id],
    );
    assert.equal(pending.rows.length, 1);
    assert.equal(pending.rows[0].status, 'pending');
    assert.equal(pending.rows[0].stripe_refund_id, null);

    // 5. After repeated failures the breaker opens: Stripe is not called, the answer says when to retry.
    let retryAfter: string | null = null;
    for (let i = 0; i < 12 && retryAfter !== '30'; i++) {
      const sync = await w.api.post(
        `/api/v2/payments/${paid[0]!.payment.id}/sync`,
        {},
        { token: client.token },
      );
      expectProblem(sync, 503, 'payment-provider-unavailable');
      retryAfter = sync.headers.get('retry-after');
    }
    assert.equal(retryAfter, '30');
  } finally {
    w.stripe.down = false;
  }
});

test('once Stripe is back, the pending cancellation refund is sent exactly once', async () => {
  const { rows } = await w.ctx.db.primary.query(
    `SELECT id, amount_cents FROM refunds WHERE status = 'pending'`,
  );
  assert.equal(rows.length, 1);
  // The durable job's worker, as it runs every minute (a fresh process: its breaker is closed).
  const sender = () => new RefundSender(w.ctx.db, new StripeGateway(w.ctx.config.stripe), silentLog);
  const settled = await Promise.all([sender().sendPending(), sender().sendPending()]);
  assert.equal(settled[0]! + settled[1]!, 1);
  const after = await w.ctx.db.primary.query('SELECT status, stripe_refund_id FROM refunds WHERE id = $1', [
    rows[0].id,
  ]);
  assert.equal(after.rows[0].status, 'succeeded');
  const calls = w.stripe
    .calls('POST', '/v1/refunds')
    .filter((c) => c.idempotencyKey === `refund:${rows[0].id}`);
  assert.equal(calls.length, 1);
  assert.equal(w.stripe.refunds.get(after.rows[0].stripe_refund_id)!['amount'], 1000);
  assert.equal(await sender().sendPending(), 0);
});

test('without STRIPE_SECRET_KEY payment routes answer 503 payments-not-configured; reads still work', async () => {
  const ctx = await startTestApp({ env: BOOKING_TEST_ENV });
  try {
    const api = apiClient(ctx.baseUrl);
    const local = await newPaymentsShop(ctx);
    const someone = await newUser(ctx);
    const a = await api.post(
      '/api/v2/appointments',
      {
        barber_id: local.barbers[0]!.id,
        service_id: local.services[0]!.id,
        start_time: localStart(3, '10:00'),
      },
      { token: someone.token },
    );
    assert.equal(a.status, 201, a.text);
    expectProblem(
      await api.post(
        '/api/v2/payments/intents',
        { appointment_id: a.body.id, kind: 'deposit' },
        { token: someone.token },
      ),
      503,
      'payments-not-configured',
    );
    const { rows } = await ctx.db.primary.query('SELECT count(*)::int AS n FROM payments');
    assert.equal(rows[0].n, 0);
    expectProblem(
      await api.request('POST', '/api/v2/webhooks/stripe', {
        rawBody: '{}',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      }),
      503,
      'payments-not-configured',
    );
    const list = await api.get('/api/v2/payments', { token: someone.token });
    assert.equal(list.status, 200);
  } finally {
    await ctx.close();
  }
});
