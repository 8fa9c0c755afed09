// Cancelling an appointment cancels its card payments still open at Stripe, after the cancel commits:
// nobody pays for a visit that will not happen, a gift certificate gets its share back, an outage only
// delays it, and an intent that succeeded meanwhile is refunded in full instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newUser, type TestUser } from '../support/factory.js';
import type { TestShop } from '../support/shop-factory.js';
import {
  book,
  createIntent,
  eventually,
  newPaymentsShop,
  type PaymentsWorld,
  startPaymentsApp,
} from './payments-world.js';

let w: PaymentsWorld;
let shop: TestShop;
let client: TestUser;

before(async () => {
  w = await startPaymentsApp();
  shop = await newPaymentsShop(w.ctx);
  client = await newUser(w.ctx);
});
after(() => w.close());

const cancel = (appointmentId: string) =>
  w.api.post(`/api/v2/appointments/${appointmentId}/cancel`, {}, { token: client.token });

const payment = async (id: string) =>
  (await w.api.get(`/api/v2/payments/${id}`, { token: client.token })).body;

const cancelCalls = (intentId: string) => w.stripe.calls('POST', `/v1/payment_intents/${intentId}/cancel`);

/** A pending booking with an open deposit intent. */
async function openDeposit(extra: Record<string, unknown> = {}) {
  const appointment = await book(w, shop, client);
  const intent = await createIntent(w, client.token, {
    appointment_id: appointment.id,
    kind: 'deposit',
    ...extra,
  });
  assert.equal(intent.status, 201, intent.text);
  assert.equal(intent.body.status, 'requires_payment');
  return { appointment, payment: intent.body };
}

test('cancelling the appointment cancels its open intent at Stripe and gives the gift certificate its share back', async () => {
  const certificate = await w.api.post(
    '/api/v2/gift-certificates',
    { location_id: shop.location.id, amount_cents: 300 },
    { token: shop.owner.token },
  );
  assert.equal(certificate.status, 201, certificate.text);
  const { appointment, payment: open } = await openDeposit({ gift_certificate_code: certificate.body.code });
  assert.equal(open.amount_cents, 700);

  const res = await cancel(appointment.id);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'cancelled');

  const settled = await eventually(
    () => payment(open.id),
    (p) => p.status === 'canceled',
  );
  assert.equal(settled.refunded_cents, 0);
  assert.equal(w.stripe.intents.get(open.stripe_payment_intent_id)!.status, 'canceled');
  assert.equal(cancelCalls(open.stripe_payment_intent_id).length, 1);
  const lookup = await w.api.get(
    `/api/v2/gift-certificates/${certificate.body.code}?location_id=${shop.location.id}`,
    { token: shop.owner.token },
  );
  assert.equal(lookup.body.balance_cents, 300);
});

test('Stripe down at the cancel: the appointment is cancelled at once, its intent once Stripe is back', async () => {
  const first = await openDeposit();
  w.stripe.down = true;
  try {
    const res = await cancel(first.appointment.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'cancelled');
    // The attempt after the commit failed (the SDK tries twice); the payment is still open.
    await eventually(
      async () => w.stripe.dropped,
      (dropped) => dropped >= 2,
    );
    assert.equal((await payment(first.payment.id)).status, 'requires_payment');
  } finally {
    w.stripe.down = false;
  }
  // The next run (here kicked by another cancel; otherwise the minute's job) takes both to Stripe.
  const second = await openDeposit();
  assert.equal((await cancel(second.appointment.id)).status, 200);
  for (const open of [first.payment, second.payment]) {
    await eventually(
      () => payment(open.id),
      (p) => p.status === 'canceled',
    );
    assert.equal(w.stripe.intents.get(open.stripe_payment_intent_id)!.status, 'canceled');
  }
});

test('an intent the client paid before the cancel reached Stripe is not cancelled: it is refunded in full', async () => {
  const { appointment, payment: open } = await openDeposit();
  // Paid at Stripe, and its webhook not yet delivered: the cancel finds nothing paid.
  w.stripe.setIntentStatus(open.stripe_payment_intent_id, 'succeeded');
  const res = await cancel(appointment.id);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.refund.amount_cents, 0);

  const refunded = await eventually(
    () => payment(open.id),
    (p) => p.status === 'succeeded' && p.refunded_cents === 1000,
  );
  assert.equal(refunded.amount_cents, 1000);
  assert.equal(cancelCalls(open.stripe_payment_intent_id).length, 1); // refused by Stripe
  const refunds = await w.ctx.db.primary.query(
    'SELECT amount_cents, reason, status FROM refunds WHERE payment_id = $1',
    [open.id],
  );
  assert.deepEqual(refunds.rows, [
    { amount_cents: 1000, reason: 'paid after the appointment was cancelled', status: 'succeeded' },
  ]);
  const sent = [...w.stripe.refunds.values()].filter(
    (r) => r['payment_intent'] === open.stripe_payment_intent_id,
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!['amount'], 1000);
});
