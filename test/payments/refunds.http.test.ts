// Refunds over HTTP against the local Stripe stand-in: partial and full, never more than remains (also under
// concurrency), the automatic refund of the one cancel path, and refund webhooks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newUser, type TestUser } from '../support/factory.js';
import { expectProblem } from '../support/http.js';
import type { TestShop } from '../support/shop-factory.js';
import {
  book,
  createIntent,
  deliver,
  eventually,
  newPaymentsShop,
  paidDeposit,
  payIntent,
  type PaymentsWorld,
  startPaymentsApp,
} from './payments-world.js';

let w: PaymentsWorld;
let shop: TestShop;
let client: TestUser;
let manager: TestUser;

before(async () => {
  w = await startPaymentsApp();
  shop = await newPaymentsShop(w.ctx);
  client = await newUser(w.ctx);
  manager = await newUser(w.ctx);
  await w.ctx.db.primary.query(
    `INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, 'manager')`,
    [shop.location.id, manager.id],
  );
});
after(() => w.close());

const refund = (paymentId: string, body: Record<string, unknown>, token = shop.owner.token) =>
  w.api.post(`/api/v2/payments/${paymentId}/refund`, body, { token });

const refundRows = async (paymentId: string) =>
  (
    await w.ctx.db.primary.query(
      'SELECT amount_cents, status, stripe_refund_id, reason FROM refunds WHERE payment_id = $1 ORDER BY created_at',
      [paymentId],
    )
  ).rows;

const cancelAppointment = (appointmentId: string, token: string) =>
  w.api.post(`/api/v2/appointments/${appointmentId}/cancel`, {}, { token });

/** The payment's refund rows once its one refund has succeeded at Stripe (the sender runs after the commit). */
const oneSucceededRefund = (paymentId: string) =>
  eventually(
    () => refundRows(paymentId),
    (r) => r.length === 1 && r[0].status === 'succeeded',
  );

test('a partial refund, then the rest; one more cent is refused', async () => {
  const { payment } = await paidDeposit(w, shop, client);
  const first = await refund(payment.id, { amount_cents: 400, reason: 'shorter cut' }, manager.token);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.refund.amount_cents, 400);
  assert.equal(first.body.refund.status, 'succeeded');
  assert.match(first.body.refund.stripe_refund_id, /^re_/);
  assert.equal(first.body.payment.refunded_cents, 400);
  const sent = w.stripe.refunds.get(first.body.refund.stripe_refund_id)!;
  assert.equal(sent['amount'], 400);
  assert.equal(sent['payment_intent'], payment.stripe_payment_intent_id);
  assert.equal(
    w.stripe.calls('POST', '/v1/refunds').at(-1)!.idempotencyKey,
    `refund:${first.body.refund.id}`,
  );

  expectProblem(
    await refund(payment.id, { amount_cents: 601, reason: 'too much' }),
    409,
    'refund-exceeds-remaining',
  );
  const rest = await refund(payment.id, { reason: 'the rest' });
  assert.equal(rest.status, 201, rest.text);
  assert.equal(rest.body.refund.amount_cents, 600);
  assert.equal(rest.body.payment.refunded_cents, 1000);
  expectProblem(
    await refund(payment.id, { amount_cents: 1, reason: 'nothing left' }),
    409,
    'refund-exceeds-remaining',
  );
  assert.deepEqual(
    (await refundRows(payment.id)).map((r) => r.amount_cents),
    [400, 600],
  );
});

test('concurrent refunds of one payment never exceed it', async () => {
  const { payment } = await paidDeposit(w, shop, client);
  const answers = await Promise.all(
    Array.from({ length: 6 }, (_, i) => refund(payment.id, { amount_cents: 300, reason: `race ${i}` })),
  );
  const ok = answers.filter((r) => r.status === 201);
  assert.equal(ok.length, 3);
  for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 409, 'refund-exceeds-remaining');
  const p = await w.api.get(`/api/v2/payments/${payment.id}`, { token: shop.owner.token });
  assert.equal(p.body.refunded_cents, 900);
  const atStripe = [...w.stripe.refunds.values()].filter(
    (r) => r['payment_intent'] === payment.stripe_payment_intent_id,
  );
  assert.equal(
    atStripe.reduce((sum, r) => sum + Number(r['amount']), 0),
    900,
  );
});

test('only a succeeded payment can be refunded; an unknown payment is 404', async () => {
  const a = await book(w, shop, client);
  const open = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  expectProblem(await refund(open.body.id, { reason: 'not paid' }), 409, 'payment-not-refundable');
  expectProblem(
    await refund('00000000-0000-4000-8000-000000000000', { reason: 'x' }),
    404,
    'payment-not-found',
  );
});

test('cancelling a paid booking refunds the policy amount through Stripe automatically', async () => {
  // Booked days ahead by a first-time client: 100 % back.
  const { appointment, payment } = await paidDeposit(w, shop, client);
  const cancel = await w.api.post(
    `/api/v2/appointments/${appointment.id}/cancel`,
    { reason: 'sick' },
    {
      token: client.token,
    },
  );
  assert.equal(cancel.status, 200, cancel.text);
  // Booking's public answer is unchanged: the refund the policy decided.
  assert.deepEqual(cancel.body.refund, { amount_cents: 1000, fee_cents: 0, percent: 100 });
  const rows = await oneSucceededRefund(payment.id);
  assert.equal(rows[0].amount_cents, 1000);
  assert.equal(rows[0].reason, 'cancellation refund by policy');
  const sent = w.stripe.refunds.get(rows[0].stripe_refund_id)!;
  assert.equal(sent['amount'], 1000);
  assert.equal(sent['payment_intent'], payment.stripe_payment_intent_id);
  const p = await w.api.get(`/api/v2/payments/${payment.id}`, { token: client.token });
  assert.equal(p.body.refunded_cents, 1000);
});

/**
 * Cancels as a returning client 36 h before the start (test setup moves the booking there): the 50 %
 * minus $10 tier. The booking's shop should be the test's own, where nothing else is booked then.
 */
async function cancelAsReturningClient36HoursAhead(
  appointment: { id: string; client_id: string },
  token: string,
) {
  await w.ctx.db.primary.query(`UPDATE clients SET visits = 1 WHERE id = $1;`, [appointment.client_id]);
  await w.ctx.db.primary.query(
    `UPDATE appointments SET start_time = now() + interval '36 hours', end_time = now() + interval '36.5 hours',
            busy_until = now() + interval '36.5 hours' WHERE id = $1`,
    [appointment.id],
  );
  return cancelAppointment(appointment.id, token);
}

test('a cancellation refund below the paid amount refunds just that (50 % minus the $10 fee)', async () => {
  // A shop of its own: the booking is moved to 36 h from now, where another test's booking of the shared
  // shop's barber may already be.
  const ownShop = await newPaymentsShop(w.ctx);
  const returning = await newUser(w.ctx);
  const { appointment, payment } = await paidDeposit(w, ownShop, returning);
  const full = await createIntent(w, returning.token, { appointment_id: appointment.id, kind: 'full' });
  await payIntent(w, full.body.stripe_payment_intent_id);
  // A returning client, 36 h before: 50 % of $40 − $10 = $10, taken from the newest payment first.
  const cancel = await cancelAsReturningClient36HoursAhead(appointment, returning.token);
  assert.deepEqual(cancel.body.refund, { amount_cents: 1000, fee_cents: 1000, percent: 50 });
  const rows = await oneSucceededRefund(full.body.id);
  assert.equal(rows[0].amount_cents, 1000);
  assert.deepEqual(await refundRows(payment.id), []);
});

/** A gift certificate of the shop, and a reader of its balance. */
async function certificate(ofShop: TestShop, cents: number) {
  const created = await w.api.post(
    '/api/v2/gift-certificates',
    { location_id: ofShop.location.id, amount_cents: cents },
    { token: ofShop.owner.token },
  );
  assert.equal(created.status, 201, created.text);
  const code: string = created.body.code;
  const balance = async () =>
    (
      await w.api.get(`/api/v2/gift-certificates/${code}?location_id=${ofShop.location.id}`, {
        token: ofShop.owner.token,
      })
    ).body.balance_cents as number;
  return { code, balance };
}

const getPayment = async (id: string) =>
  (await w.api.get(`/api/v2/payments/${id}`, { token: shop.owner.token })).body;

test('cancelling a booking paid partly from a gift certificate refunds the card share and gives the certificate its share back', async () => {
  const gift = await certificate(shop, 300);
  const appointment = await book(w, shop, client);
  const intent = await createIntent(w, client.token, {
    appointment_id: appointment.id,
    kind: 'deposit',
    gift_certificate_code: gift.code,
  });
  assert.equal(intent.body.amount_cents, 700);
  await payIntent(w, intent.body.stripe_payment_intent_id);
  assert.equal(await gift.balance(), 0);

  // A first-time client days ahead: 100 % of the 1000 paid, 700 by card and 300 from the certificate.
  const cancel = await cancelAppointment(appointment.id, client.token);
  assert.equal(cancel.status, 200, cancel.text);
  assert.deepEqual(cancel.body.refund, { amount_cents: 1000, fee_cents: 0, percent: 100 });
  // The certificate is credited in the cancel's own transaction; the card refund goes to Stripe.
  assert.equal(await gift.balance(), 300);
  const rows = await oneSucceededRefund(intent.body.id);
  assert.equal(rows[0].amount_cents, 700);
  assert.equal(w.stripe.refunds.get(rows[0].stripe_refund_id)!['amount'], 700);
  const p = await getPayment(intent.body.id);
  assert.equal(p.refunded_cents, 700);
  assert.equal(p.gift_certificate_refunded_cents, 300);
});

test('a booking paid wholly from a gift certificate: the cancel gives it all back, and nothing goes to Stripe', async () => {
  const gift = await certificate(shop, 5000);
  const appointment = await book(w, shop, client);
  const intent = await createIntent(w, client.token, {
    appointment_id: appointment.id,
    kind: 'deposit',
    gift_certificate_code: gift.code,
  });
  assert.equal(intent.status, 201, intent.text);
  assert.equal(intent.body.status, 'succeeded');
  assert.equal(intent.body.amount_cents, 0);
  assert.equal(await gift.balance(), 4000);
  const refundsBefore = w.stripe.calls('POST', '/v1/refunds').length;

  const cancel = await cancelAppointment(appointment.id, client.token);
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(cancel.body.refund.amount_cents, 1000);
  assert.equal(await gift.balance(), 5000);
  assert.equal((await getPayment(intent.body.id)).gift_certificate_refunded_cents, 1000);
  assert.deepEqual(await refundRows(intent.body.id), []);
  assert.equal(w.stripe.calls('POST', '/v1/refunds').length, refundsBefore);
  // Cancelled twice is refused, and nothing is credited twice.
  const again = await cancelAppointment(appointment.id, client.token);
  assert.equal(again.status, 409, again.text);
  assert.equal(await gift.balance(), 5000);
});

test('a partial cancellation refund goes back by card first, then to the certificate', async () => {
  const ownShop = await newPaymentsShop(w.ctx);
  const returning = await newUser(w.ctx);
  const gift = await certificate(ownShop, 2500);
  const { appointment, payment: deposit } = await paidDeposit(w, ownShop, returning);
  // The rest of the $40: 2500 from the certificate, 500 by card.
  const full = await createIntent(w, returning.token, {
    appointment_id: appointment.id,
    kind: 'full',
    gift_certificate_code: gift.code,
  });
  assert.equal(full.body.amount_cents, 500);
  await payIntent(w, full.body.stripe_payment_intent_id);
  // A returning client, 36 h before: 50 % of $40 − $10 = $10, from the newest payment: its 500 by
  // card, then 500 of its certificate share. The deposit keeps all it paid.
  const cancel = await cancelAsReturningClient36HoursAhead(appointment, returning.token);
  assert.deepEqual(cancel.body.refund, { amount_cents: 1000, fee_cents: 1000, percent: 50 });
  assert.equal(await gift.balance(), 500);
  const rows = await oneSucceededRefund(full.body.id);
  assert.equal(rows[0].amount_cents, 500);
  const paid = await w.api.get(`/api/v2/payments/${full.body.id}`, { token: returning.token });
  assert.equal(paid.body.refunded_cents, 500);
  assert.equal(paid.body.gift_certificate_refunded_cents, 500);
  assert.deepEqual(await refundRows(deposit.id), []);
});

test('refund webhooks settle a pending refund; a failed one becomes refundable again', async () => {
  w.stripe.refundStatus = 'pending';
  try {
    const { payment } = await paidDeposit(w, shop, client);
    const r1 = await refund(payment.id, { amount_cents: 200, reason: 'a' });
    const r2 = await refund(payment.id, { amount_cents: 300, reason: 'b' });
    assert.equal(r1.body.refund.status, 'pending');
    const ok = { ...w.stripe.refunds.get(r1.body.refund.stripe_refund_id)!, status: 'succeeded' };
    assert.equal((await deliver(w, w.stripe.signedEvent('refund.updated', ok))).status, 200);
    const failed = { ...w.stripe.refunds.get(r2.body.refund.stripe_refund_id)!, status: 'failed' };
    assert.equal((await deliver(w, w.stripe.signedEvent('refund.failed', failed))).status, 200);
    assert.deepEqual(
      (await refundRows(payment.id)).map((r) => r.status),
      ['succeeded', 'failed'],
    );
    const p = await w.api.get(`/api/v2/payments/${payment.id}`, { token: shop.owner.token });
    assert.equal(p.body.refunded_cents, 200);
  } finally {
    w.stripe.refundStatus = 'succeeded';
  }
});

test('charge.refunded from Stripe (a refund made in its dashboard) raises refunded_cents', async () => {
  const { payment } = await paidDeposit(w, shop, client);
  const charge = {
    id: 'ch_dashboard',
    object: 'charge',
    amount: 1000,
    amount_refunded: 250,
    payment_intent: payment.stripe_payment_intent_id,
    refunded: false,
  };
  assert.equal((await deliver(w, w.stripe.signedEvent('charge.refunded', charge))).status, 200);
  const p = await w.api.get(`/api/v2/payments/${payment.id}`, { token: shop.owner.token });
  assert.equal(p.body.refunded_cents, 250);
});

test('a cancel racing a payment’s success webhook never fails with 500, and what was paid is refunded', async () => {
  for (let i = 0; i < 5; i++) {
    const someone = await newUser(w.ctx);
    const { appointment } = await paidDeposit(w, shop, someone);
    const full = await createIntent(w, someone.token, { appointment_id: appointment.id, kind: 'full' });
    const intent = w.stripe.setIntentStatus(full.body.stripe_payment_intent_id, 'succeeded');
    const [cancel, webhook] = await Promise.all([
      cancelAppointment(appointment.id, someone.token),
      deliver(w, w.stripe.signedEvent('payment_intent.succeeded', intent)),
    ]);
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(webhook.status, 200, webhook.text);
    // Whichever came first, the client gets all $40 back (first-time client, days ahead: 100 %).
    const refunded = await eventually(
      async () =>
        (
          await w.ctx.db.primary.query(
            `SELECT COALESCE(sum(r.amount_cents) FILTER (WHERE r.status = 'succeeded'), 0)::int AS n
               FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.appointment_id = $1`,
            [appointment.id],
          )
        ).rows[0].n,
      (n) => n === 4000,
    );
    assert.equal(refunded, 4000);
  }
});
