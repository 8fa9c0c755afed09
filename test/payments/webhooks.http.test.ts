// POST /webhooks/stripe: only bodies signed with our secret are believed, each event is applied once,
// and Stripe's account news enables a barber's payouts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newUser } from '../support/factory.js';
import { expectProblem } from '../support/http.js';
import type { TestShop } from '../support/shop-factory.js';
import {
  book,
  createIntent,
  deliver,
  newPaymentsShop,
  type PaymentsWorld,
  startPaymentsApp,
} from './payments-world.js';

let w: PaymentsWorld;
let shop: TestShop;

before(async () => {
  w = await startPaymentsApp();
  shop = await newPaymentsShop(w.ctx);
});
after(() => w.close());

async function openIntent() {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  const res = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  assert.equal(res.status, 201, res.text);
  return { client, appointment: a, payment: res.body };
}

const paymentStatus = async (id: string) =>
  (await w.ctx.db.primary.query('SELECT status FROM payments WHERE id = $1', [id])).rows[0].status;

test('a body not signed with our secret, a tampered body or no signature is 400 and changes nothing', async () => {
  const { payment } = await openIntent();
  const intent = w.stripe.setIntentStatus(payment.stripe_payment_intent_id, 'succeeded');
  const forged = w.stripe.signedEvent('payment_intent.succeeded', intent, { secret: 'whsec_attacker' });
  expectProblem(await deliver(w, forged), 400, 'invalid-webhook-signature');
  const genuine = w.stripe.signedEvent('payment_intent.succeeded', intent);
  const tampered = {
    body: genuine.body.replace('"livemode":false', '"livemode":true'),
    signature: genuine.signature,
  };
  expectProblem(await deliver(w, tampered), 400, 'invalid-webhook-signature');
  expectProblem(
    await w.api.request('POST', '/api/v2/webhooks/stripe', {
      rawBody: genuine.body,
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'invalid-webhook-signature',
  );
  assert.equal(await paymentStatus(payment.id), 'requires_payment');
  const { rows } = await w.ctx.db.primary.query('SELECT count(*)::int AS n FROM stripe_events');
  assert.equal(rows[0].n, 0);
});

test('a redelivered event is acknowledged and does nothing', async () => {
  const { payment, appointment } = await openIntent();
  const intent = w.stripe.setIntentStatus(payment.stripe_payment_intent_id, 'succeeded');
  const event = w.stripe.signedEvent('payment_intent.succeeded', intent);
  const first = await deliver(w, event);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.body, { received: true, duplicate: false });
  assert.equal(await paymentStatus(payment.id), 'succeeded');
  const completedAt = (
    await w.ctx.db.primary.query('SELECT completed_at FROM payments WHERE id = $1', [payment.id])
  ).rows[0].completed_at;

  // The appointment moves on meanwhile; a redelivery must not touch anything.
  await w.ctx.db.primary.query(`UPDATE appointments SET status = 'pending' WHERE id = $1`, [appointment.id]);
  const again = await deliver(
    w,
    w.stripe.signedEvent('payment_intent.succeeded', intent, { id: event.event.id }),
  );
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { received: true, duplicate: true });
  const row = (await w.ctx.db.primary.query('SELECT completed_at FROM payments WHERE id = $1', [payment.id]))
    .rows[0];
  assert.equal(row.completed_at.getTime(), completedAt.getTime());
  const status = (
    await w.ctx.db.primary.query('SELECT status FROM appointments WHERE id = $1', [appointment.id])
  ).rows[0].status;
  assert.equal(status, 'pending');
});

test('a late event never moves a final status back (processing after succeeded)', async () => {
  const { payment } = await openIntent();
  const intent = w.stripe.setIntentStatus(payment.stripe_payment_intent_id, 'succeeded');
  await deliver(w, w.stripe.signedEvent('payment_intent.succeeded', intent));
  const late = { ...intent, status: 'processing' };
  assert.equal((await deliver(w, w.stripe.signedEvent('payment_intent.processing', late))).status, 200);
  assert.equal(await paymentStatus(payment.id), 'succeeded');
});

test('events about intents that are not ours, and event types we do not use, are acknowledged', async () => {
  const foreign = { id: 'pi_not_ours', object: 'payment_intent', status: 'succeeded', amount: 100 };
  assert.equal((await deliver(w, w.stripe.signedEvent('payment_intent.succeeded', foreign))).status, 200);
  const other = { id: 'cus_1', object: 'customer' };
  assert.equal((await deliver(w, w.stripe.signedEvent('customer.created', other))).status, 200);
});

test('account.updated enables and disables a barber’s payouts', async () => {
  const barberId = shop.barbers[0]!.id;
  const put = await w.api.put(
    `/api/v2/barbers/${barberId}/stripe-account`,
    { stripe_account_id: 'acct_webhook1' },
    { token: shop.owner.token },
  );
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body, {
    barber_id: barberId,
    stripe_account_id: 'acct_webhook1',
    stripe_payouts_enabled: false,
  });
  const account = { id: 'acct_webhook1', object: 'account', payouts_enabled: true, charges_enabled: true };
  assert.equal((await deliver(w, w.stripe.signedEvent('account.updated', account))).status, 200);
  const enabled = await w.ctx.db.primary.query('SELECT stripe_payouts_enabled FROM barbers WHERE id = $1', [
    barberId,
  ]);
  assert.equal(enabled.rows[0].stripe_payouts_enabled, true);
  await deliver(w, w.stripe.signedEvent('account.updated', { ...account, payouts_enabled: false }));
  const disabled = await w.ctx.db.primary.query('SELECT stripe_payouts_enabled FROM barbers WHERE id = $1', [
    barberId,
  ]);
  assert.equal(disabled.rows[0].stripe_payouts_enabled, false);
});

test('a payment that succeeds after its booking was cancelled is refunded in full', async () => {
  const { payment, appointment, client } = await openIntent();
  const cancel = await w.api.post(
    `/api/v2/appointments/${appointment.id}/cancel`,
    {},
    { token: client.token },
  );
  assert.equal(cancel.status, 200, cancel.text);
  const intent = w.stripe.setIntentStatus(payment.stripe_payment_intent_id, 'succeeded');
  await deliver(w, w.stripe.signedEvent('payment_intent.succeeded', intent));
  let refunds: { amount_cents: number; status: string }[] = [];
  for (let i = 0; i < 100; i++) {
    refunds = (
      await w.ctx.db.primary.query('SELECT amount_cents, status FROM refunds WHERE payment_id = $1', [
        payment.id,
      ])
    ).rows;
    if (refunds[0]?.status === 'succeeded') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(refunds, [{ amount_cents: 1000, status: 'succeeded' }]);
});
