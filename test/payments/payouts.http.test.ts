// Payouts over HTTP against the local Stripe stand-in: the unpaid barber shares of a period net of refunds, the
// $10 minimum, an active Connect account, a period that can never be paid twice, and the share of a
// refund made after the payout taken back from the next one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { newUser } from '../support/factory.js';
import { expectProblem } from '../support/http.js';
import type { TestShop } from '../support/shop-factory.js';
import {
  deliver,
  newPaymentsShop,
  paidDeposit,
  type PaymentsWorld,
  startPaymentsApp,
} from './payments-world.js';

let w: PaymentsWorld;

before(async () => {
  w = await startPaymentsApp();
});
after(() => w.close());

/** A local date of the shops (New York), `days` back from today. */
const daysAgo = (days: number) => Temporal.Now.plainDateISO('America/New_York').subtract({ days }).toString();

async function connect(shop: TestShop, account: string, enabled = true) {
  const barberId = shop.barbers[0]!.id;
  const put = await w.api.put(
    `/api/v2/barbers/${barberId}/stripe-account`,
    { stripe_account_id: account },
    { token: shop.owner.token },
  );
  assert.equal(put.status, 200, put.text);
  if (enabled) {
    const event = w.stripe.signedEvent('account.updated', {
      id: account,
      object: 'account',
      payouts_enabled: true,
    });
    assert.equal((await deliver(w, event)).status, 200);
  }
}

const run = (shop: TestShop, extra: Record<string, unknown> = {}) =>
  w.api.post(
    '/api/v2/payouts/run',
    // Yesterday too: a payment completed just before local midnight is in the period after it.
    { location_id: shop.location.id, period_start: daysAgo(1), period_end: daysAgo(0), ...extra },
    { token: shop.owner.token },
  );

test('a payout sums the barber’s unpaid shares of the period net of refunds, transfers them and marks them paid', async () => {
  const shop = await newPaymentsShop(w.ctx);
  await connect(shop, 'acct_sums');
  const client = await newUser(w.ctx);
  const paid = [
    await paidDeposit(w, shop, client),
    await paidDeposit(w, shop, client),
    await paidDeposit(w, shop, client),
  ];
  // 400 of the third $10 deposit refunded: its $7 share keeps 60 % → $4.20.
  const refund = await w.api.post(
    `/api/v2/payments/${paid[2]!.payment.id}/refund`,
    { amount_cents: 400, reason: 'partly' },
    { token: shop.owner.token },
  );
  assert.equal(refund.status, 201, refund.text);

  // Outside the period: nothing.
  const early = await run(shop, { period_start: daysAgo(3), period_end: daysAgo(2) });
  assert.equal(early.status, 201, early.text);
  assert.deepEqual(early.body, { payouts: [], skipped: [] });

  const res = await run(shop);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.skipped.length, 0);
  assert.equal(res.body.payouts.length, 1);
  const payout = res.body.payouts[0];
  assert.equal(payout.barber_id, shop.barbers[0]!.id);
  assert.equal(payout.amount_cents, 700 + 700 + 420);
  assert.equal(payout.payments, 3);
  assert.equal(payout.status, 'paid');
  assert.equal(payout.period_start, daysAgo(1));
  const transfer = w.stripe.transfers.get(payout.stripe_transfer_id)!;
  assert.equal(transfer['amount'], 1820);
  assert.equal(transfer['destination'], 'acct_sums');
  assert.equal(w.stripe.calls('POST', '/v1/transfers').at(-1)!.idempotencyKey, `payout:${payout.id}`);
  const { rows } = await w.ctx.db.primary.query('SELECT payout_id FROM payments WHERE id = ANY($1)', [
    paid.map((p) => p.payment.id),
  ]);
  assert.ok(rows.every((r) => r.payout_id === payout.id));

  // The same period again pays nothing.
  const again = await run(shop);
  assert.deepEqual(again.body, { payouts: [], skipped: [] });
  expectProblem(await run(shop, { barber_id: shop.barbers[0]!.id }), 422, 'payout-below-minimum');

  const list = await w.api.get(`/api/v2/payouts?location_id=${shop.location.id}`, {
    token: shop.owner.token,
  });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(
    list.body.items.map((p: any) => [p.id, p.amount_cents]),
    [[payout.id, 1820]],
  );
  const mine = await w.api.get(`/api/v2/payouts?location_id=${shop.location.id}`, {
    token: shop.barbers[0]!.user.token,
  });
  assert.equal(mine.body.items.length, 1);
  const payment = await w.api.get(`/api/v2/payments/${paid[0]!.payment.id}`, { token: shop.owner.token });
  assert.equal(payment.body.payout_id, payout.id);
});

test('less than $10 unpaid is not paid out', async () => {
  const shop = await newPaymentsShop(w.ctx);
  await connect(shop, 'acct_small');
  await w.ctx.db.primary.query('UPDATE barbers SET commission_rate = 0.95 WHERE id = $1', [
    shop.barbers[0]!.id,
  ]);
  await paidDeposit(w, shop, await newUser(w.ctx));
  const problem = expectProblem(
    await run(shop, { barber_id: shop.barbers[0]!.id }),
    422,
    'payout-below-minimum',
  );
  assert.match(problem.detail, /50 cents/);
  const all = await run(shop);
  assert.deepEqual(all.body, {
    payouts: [],
    skipped: [{ barber_id: shop.barbers[0]!.id, amount_cents: 50, reason: 'below-minimum' }],
  });
  assert.equal(
    w.stripe.calls('POST', '/v1/transfers').filter((c) => c.params['destination'] === 'acct_small').length,
    0,
  );
});

test('no active Connect account, no payout', async () => {
  const shop = await newPaymentsShop(w.ctx);
  const client = await newUser(w.ctx);
  await paidDeposit(w, shop, client);
  await paidDeposit(w, shop, client);
  expectProblem(await run(shop, { barber_id: shop.barbers[0]!.id }), 422, 'connect-account-required');
  // Connected but Stripe has not enabled payouts yet.
  await connect(shop, 'acct_pending', false);
  expectProblem(await run(shop, { barber_id: shop.barbers[0]!.id }), 422, 'connect-account-required');
  const all = await run(shop);
  assert.deepEqual(all.body.skipped, [
    { barber_id: shop.barbers[0]!.id, amount_cents: 1400, reason: 'connect-account-required' },
  ]);
  const { rows } = await w.ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM payouts WHERE location_id = $1',
    [shop.location.id],
  );
  assert.equal(rows[0].n, 0);
});

test('concurrent runs of one period pay once', async () => {
  const shop = await newPaymentsShop(w.ctx);
  await connect(shop, 'acct_race');
  const client = await newUser(w.ctx);
  await paidDeposit(w, shop, client);
  await paidDeposit(w, shop, client);
  const answers = await Promise.all(Array.from({ length: 6 }, () => run(shop)));
  for (const r of answers) assert.equal(r.status, 201, r.text);
  assert.equal(answers.filter((r) => r.body.payouts.length === 1).length, 1);
  const { rows } = await w.ctx.db.primary.query('SELECT amount_cents FROM payouts WHERE location_id = $1', [
    shop.location.id,
  ]);
  assert.deepEqual(rows, [{ amount_cents: 1400 }]);
  const transfers = [...w.stripe.transfers.values()].filter((t) => t['destination'] === 'acct_race');
  assert.equal(transfers.length, 1);
});

test('a refund after the payout is taken back from the barber’s next payout, once; a refund that fails gives it back', async () => {
  const shop = await newPaymentsShop(w.ctx);
  await connect(shop, 'acct_clawback');
  const client = await newUser(w.ctx);
  const deposits = () => Promise.all([1, 2, 3].map(() => paidDeposit(w, shop, client)));
  const first = await deposits();
  const paid = await run(shop);
  assert.equal(paid.body.payouts[0].amount_cents, 2100);
  assert.equal(paid.body.payouts[0].clawback_cents, 0);

  // Refunded in full after its $7 share went to the barber; Stripe has not settled the refund yet.
  w.stripe.refundStatus = 'pending';
  let refund;
  try {
    refund = await w.api.post(
      `/api/v2/payments/${first[0]!.payment.id}/refund`,
      { reason: 'unhappy' },
      { token: shop.owner.token },
    );
  } finally {
    w.stripe.refundStatus = 'succeeded';
  }
  assert.equal(refund.status, 201, refund.text);

  // One new $10 deposit: its $7 less the $7 taken back leaves nothing to pay; the debt waits.
  await paidDeposit(w, shop, client);
  assert.deepEqual((await run(shop)).body, { payouts: [], skipped: [] });
  await deposits();
  const next = await run(shop);
  assert.equal(next.status, 201, next.text);
  const payout = next.body.payouts[0];
  assert.equal(payout.payments, 4);
  assert.equal(payout.clawback_cents, 700);
  assert.equal(payout.amount_cents, 4 * 700 - 700);
  assert.equal(w.stripe.transfers.get(payout.stripe_transfer_id)!['amount'], 2100);
  const clawbacks = await w.ctx.db.primary.query(
    'SELECT payment_id, amount_cents, refunded_from, refunded_to FROM payout_clawbacks WHERE payout_id = $1',
    [payout.id],
  );
  assert.deepEqual(clawbacks.rows, [
    { payment_id: first[0]!.payment.id, amount_cents: 700, refunded_from: 0, refunded_to: 1000 },
  ]);
  assert.deepEqual((await run(shop)).body, { payouts: [], skipped: [] });

  // The refund fails at Stripe: the client keeps having paid, and the share is the barber's again.
  const failed = { ...w.stripe.refunds.get(refund.body.refund.stripe_refund_id)!, status: 'failed' };
  assert.equal((await deliver(w, w.stripe.signedEvent('refund.failed', failed))).status, 200);
  await paidDeposit(w, shop, client);
  const back = await run(shop);
  assert.equal(back.body.payouts[0].clawback_cents, -700);
  assert.equal(back.body.payouts[0].amount_cents, 700 + 700);
});
