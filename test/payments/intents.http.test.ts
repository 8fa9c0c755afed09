// Payment intents over HTTP against the local Stripe stand-in: amounts, the commission split, idempotency,
// gift certificates, and completion only when Stripe says succeeded.
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
  payIntent,
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

const appointmentStatus = async (id: string) =>
  (await w.ctx.db.primary.query('SELECT status FROM appointments WHERE id = $1', [id])).rows[0].status;

const giftCertificate = async (amount_cents: number, extra: Record<string, unknown> = {}) => {
  const res = await w.api.post(
    '/api/v2/gift-certificates',
    { location_id: shop.location.id, amount_cents, ...extra },
    { token: shop.owner.token },
  );
  assert.equal(res.status, 201, res.text);
  return res.body;
};

test('deposit → Stripe intent → payment_intent.succeeded webhook → payment succeeded and appointment confirmed', async () => {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  assert.equal(a.status, 'pending');

  // 1. The intent: the deposit, split 30 % / 70 % by the default commission rate.
  const res = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  assert.equal(res.status, 201, res.text);
  const p = res.body;
  assert.equal(p.status, 'requires_payment');
  assert.equal(p.amount_cents, 1000);
  assert.equal(p.platform_fee_cents, 300);
  assert.equal(p.barber_share_cents, 700);
  assert.equal(p.gift_certificate_cents, 0);
  assert.equal(p.completed_at, null);
  const intent = w.stripe.intents.get(p.stripe_payment_intent_id)!;
  assert.equal(p.client_secret, intent.client_secret);
  assert.equal(intent.amount, 1000);
  assert.equal(intent.currency, 'usd');
  assert.equal(intent.metadata['payment_id'], p.id);
  const call = w.stripe.calls('POST', '/v1/payment_intents').at(-1)!;
  assert.equal(call.idempotencyKey, `payment:${p.id}`);

  // 2. Nothing is completed until Stripe says so.
  assert.equal(await appointmentStatus(a.id), 'pending');

  // 3. Stripe says succeeded.
  await payIntent(w, p.stripe_payment_intent_id);
  const after = await w.api.get(`/api/v2/payments/${p.id}`, { token: client.token });
  assert.equal(after.status, 200);
  assert.equal(after.body.status, 'succeeded');
  assert.ok(after.body.completed_at);
  assert.equal(await appointmentStatus(a.id), 'confirmed');

  // 4. The rest of the price: $40 − $10 paid.
  const full = await createIntent(w, client.token, { appointment_id: a.id, kind: 'full' });
  assert.equal(full.status, 201, full.text);
  assert.equal(full.body.amount_cents, 3000);
  assert.equal(full.body.platform_fee_cents, 900);
  await payIntent(w, full.body.stripe_payment_intent_id);
  expectProblem(
    await createIntent(w, client.token, { appointment_id: a.id, kind: 'full' }),
    409,
    'nothing-to-pay',
  );
  expectProblem(
    await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' }),
    409,
    'nothing-to-pay',
  );
});

test('an open intent of the same appointment and kind is returned, never a second one (also concurrently)', async () => {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  const before = w.stripe.calls('POST', '/v1/payment_intents').length;
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' })),
  );
  for (const r of answers) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(answers.map((r) => r.body.id)).size, 1);
  assert.equal(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 5);
  assert.ok(answers.every((r) => r.body.client_secret?.startsWith(r.body.stripe_payment_intent_id)));
  assert.equal(w.stripe.calls('POST', '/v1/payment_intents').length, before + 1);
  const { rows } = await w.ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM payments WHERE appointment_id = $1',
    [a.id],
  );
  assert.equal(rows[0].n, 1);
});

test('the platform fee is amount × commission rate rounded half up to cents; the barber gets the rest', async () => {
  const odd = await newPaymentsShop(w.ctx, {
    services: [{ name: 'Odd', priceCents: 1001, depositCents: 1001 }],
  });
  await w.ctx.db.primary.query('UPDATE barbers SET commission_rate = 0.3335 WHERE id = $1', [
    odd.barbers[0]!.id,
  ]);
  const client = await newUser(w.ctx);
  const a = await book(w, odd, client);
  const res = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  assert.equal(res.status, 201, res.text);
  // 1001 × 0.3335 = 333.8335 → 334; 1001 − 334 = 667.
  assert.equal(res.body.platform_fee_cents, 334);
  assert.equal(res.body.barber_share_cents, 667);
});

test('a gift certificate pays first; its balance goes down in the same transaction and never below 0', async () => {
  const client = await newUser(w.ctx);
  const certificate = await giftCertificate(600);
  const a = await book(w, shop, client);
  const res = await createIntent(w, client.token, {
    appointment_id: a.id,
    kind: 'deposit',
    gift_certificate_code: certificate.code.toLowerCase().replace(/-/g, ' '),
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.gift_certificate_cents, 600);
  assert.equal(res.body.amount_cents, 400);
  assert.equal(res.body.platform_fee_cents, 120);
  assert.equal(res.body.barber_share_cents, 280);
  assert.equal(w.stripe.intents.get(res.body.stripe_payment_intent_id)!.amount, 400);
  const lookup = await w.api.get(
    `/api/v2/gift-certificates/${certificate.code}?location_id=${shop.location.id}`,
    {
      token: shop.owner.token,
    },
  );
  assert.equal(lookup.body.balance_cents, 0);
  // Empty now: a second use is refused.
  const b = await book(w, shop, client);
  expectProblem(
    await createIntent(w, client.token, {
      appointment_id: b.id,
      kind: 'deposit',
      gift_certificate_code: certificate.code,
    }),
    422,
    'gift-certificate-unusable',
  );
});

test('a gift certificate covering everything completes the payment without Stripe and confirms the booking', async () => {
  const client = await newUser(w.ctx);
  const certificate = await giftCertificate(5000);
  const a = await book(w, shop, client);
  const before = w.stripe.requests.length;
  const res = await createIntent(w, client.token, {
    appointment_id: a.id,
    kind: 'deposit',
    gift_certificate_code: certificate.code,
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'succeeded');
  assert.equal(res.body.amount_cents, 0);
  assert.equal(res.body.gift_certificate_cents, 1000);
  assert.equal(res.body.client_secret, null);
  assert.equal(res.body.stripe_payment_intent_id, null);
  assert.ok(res.body.completed_at);
  assert.equal(w.stripe.requests.length, before);
  assert.equal(await appointmentStatus(a.id), 'confirmed');
  const lookup = await w.api.get(
    `/api/v2/gift-certificates/${certificate.code}?location_id=${shop.location.id}`,
    {
      token: shop.owner.token,
    },
  );
  assert.equal(lookup.body.balance_cents, 4000);
});

test('concurrent intents spending one certificate never take more than its balance', async () => {
  const client = await newUser(w.ctx);
  const certificate = await giftCertificate(1500);
  const appointments = [
    await book(w, shop, client),
    await book(w, shop, client),
    await book(w, shop, client),
  ];
  const answers = await Promise.all(
    appointments.map((a) =>
      createIntent(w, client.token, {
        appointment_id: a.id,
        kind: 'deposit',
        gift_certificate_code: certificate.code,
      }),
    ),
  );
  const ok = answers.filter((r) => r.status === 201);
  const spent = ok.reduce((sum, r) => sum + r.body.gift_certificate_cents, 0);
  assert.equal(spent, 1500);
  assert.deepEqual(ok.map((r) => r.body.gift_certificate_cents).sort(), [1000, 500].sort());
  for (const r of answers.filter((x) => x.status !== 201)) expectProblem(r, 422, 'gift-certificate-unusable');
});

test('expired, unknown and other shops’ certificates are refused', async () => {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  const expired = await giftCertificate(1000, { expires_at: new Date(Date.now() - 60_000).toISOString() });
  expectProblem(
    await createIntent(w, client.token, {
      appointment_id: a.id,
      kind: 'deposit',
      gift_certificate_code: expired.code,
    }),
    422,
    'gift-certificate-unusable',
  );
  expectProblem(
    await createIntent(w, client.token, {
      appointment_id: a.id,
      kind: 'deposit',
      gift_certificate_code: 'AAAA-BBBB-CCCC-DDDD',
    }),
    404,
    'gift-certificate-not-found',
  );
  const other = await newPaymentsShop(w.ctx);
  const theirs = await w.api.post(
    '/api/v2/gift-certificates',
    { location_id: other.location.id, amount_cents: 1000 },
    { token: other.owner.token },
  );
  expectProblem(
    await createIntent(w, client.token, {
      appointment_id: a.id,
      kind: 'deposit',
      gift_certificate_code: theirs.body.code,
    }),
    404,
    'gift-certificate-not-found',
  );
  // Nothing was written by the refusals.
  const { rows } = await w.ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM payments WHERE appointment_id = $1',
    [a.id],
  );
  assert.equal(rows[0].n, 0);
});

test('gift certificates get an unguessable XXXX-XXXX-XXXX-XXXX code', async () => {
  const codes = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const g = await giftCertificate(2500, { recipient_name: 'Sam', purchaser_email: 'buyer@example.test' });
    assert.match(g.code, /^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/);
    assert.equal(g.balance_cents, 2500);
    assert.equal(g.initial_cents, 2500);
    assert.equal(g.currency, 'USD');
    codes.add(g.code);
  }
  assert.equal(codes.size, 5);
});

test('no deposit due, or a cancelled appointment, cannot be paid', async () => {
  const client = await newUser(w.ctx);
  const noDeposit = await book(w, shop, client, 1);
  expectProblem(
    await createIntent(w, client.token, { appointment_id: noDeposit.id, kind: 'deposit' }),
    422,
    'no-deposit-due',
  );
  const cancelled = await book(w, shop, client, 1);
  assert.equal(
    (await w.api.post(`/api/v2/appointments/${cancelled.id}/cancel`, {}, { token: client.token })).status,
    200,
  );
  expectProblem(
    await createIntent(w, client.token, { appointment_id: cancelled.id, kind: 'full' }),
    409,
    'appointment-not-payable',
  );
  expectProblem(
    await createIntent(w, client.token, {
      appointment_id: '00000000-0000-4000-8000-000000000000',
      kind: 'full',
    }),
    404,
    'appointment-not-found',
  );
});

test('payment_failed keeps the intent open for another card; canceled closes it and gives the certificate back', async () => {
  const client = await newUser(w.ctx);
  const certificate = await giftCertificate(300);
  const a = await book(w, shop, client);
  const first = await createIntent(w, client.token, {
    appointment_id: a.id,
    kind: 'deposit',
    gift_certificate_code: certificate.code,
  });
  const intentId = first.body.stripe_payment_intent_id;
  const failed = w.stripe.setIntentStatus(intentId, 'requires_payment_method');
  assert.equal((await deliver(w, w.stripe.signedEvent('payment_intent.payment_failed', failed))).status, 200);
  const again = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  assert.equal(again.body.id, first.body.id);
  assert.equal(again.body.status, 'failed');

  const canceled = w.stripe.setIntentStatus(intentId, 'canceled');
  assert.equal((await deliver(w, w.stripe.signedEvent('payment_intent.canceled', canceled))).status, 200);
  const p = await w.api.get(`/api/v2/payments/${first.body.id}`, { token: client.token });
  assert.equal(p.body.status, 'canceled');
  const lookup = await w.api.get(
    `/api/v2/gift-certificates/${certificate.code}?location_id=${shop.location.id}`,
    {
      token: shop.owner.token,
    },
  );
  assert.equal(lookup.body.balance_cents, 300);
  // A new intent may now be opened.
  const fresh = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  assert.notEqual(fresh.body.id, first.body.id);
  assert.equal(fresh.body.amount_cents, 1000);
});

test('POST /payments/{id}/sync asks Stripe: only its succeeded completes the payment', async () => {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  const res = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  const unpaid = await w.api.post(`/api/v2/payments/${res.body.id}/sync`, {}, { token: client.token });
  assert.equal(unpaid.status, 200, unpaid.text);
  assert.equal(unpaid.body.status, 'requires_payment');
  assert.equal(await appointmentStatus(a.id), 'pending');
  w.stripe.setIntentStatus(res.body.stripe_payment_intent_id, 'succeeded');
  const paid = await w.api.post(`/api/v2/payments/${res.body.id}/sync`, {}, { token: client.token });
  assert.equal(paid.body.status, 'succeeded');
  assert.ok(paid.body.completed_at);
  assert.equal(await appointmentStatus(a.id), 'confirmed');
});

test('GET /payments: newest first, cursor pages, filters; a client sees only their own', async () => {
  const client = await newUser(w.ctx);
  const stranger = await newUser(w.ctx);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const a = await book(w, shop, client);
    ids.push((await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' })).body.id);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await w.api.get(
      `/api/v2/payments?location_id=${shop.location.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      { token: client.token },
    );
    assert.equal(page.status, 200, page.text);
    assert.ok(page.body.items.length <= 2);
    seen.push(...page.body.items.map((p: any) => p.id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...ids].reverse());
  const byAppointment = await w.api.get(
    `/api/v2/payments?appointment_id=${(await w.api.get(`/api/v2/payments/${ids[0]}`, { token: client.token })).body.appointment_id}`,
    { token: client.token },
  );
  assert.deepEqual(
    byAppointment.body.items.map((p: any) => p.id),
    [ids[0]],
  );
  const succeeded = await w.api.get(`/api/v2/payments?status=succeeded`, { token: client.token });
  assert.ok(succeeded.body.items.every((p: any) => p.status === 'succeeded'));
  const staff = await w.api.get(`/api/v2/payments?location_id=${shop.location.id}&limit=200`, {
    token: shop.owner.token,
  });
  assert.ok(ids.every((id) => staff.body.items.some((p: any) => p.id === id)));
  const none = await w.api.get(`/api/v2/payments?location_id=${shop.location.id}`, { token: stranger.token });
  assert.deepEqual(none.body, { items: [], next_cursor: null });
  expectProblem(
    await w.api.get(`/api/v2/payments/${ids[0]}`, { token: stranger.token }),
    404,
    'payment-not-found',
  );
});

test('bad input is a 4xx problem, never a 500', async () => {
  const client = await newUser(w.ctx);
  const t = { token: client.token };
  expectProblem(await w.api.post('/api/v2/payments/intents', {}, t), 422, 'validation-failed');
  expectProblem(
    await w.api.post('/api/v2/payments/intents', { appointment_id: 'nope', kind: 'deposit' }, t),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.post('/api/v2/payments/intents', { appointment_id: shop.location.id, kind: 'tip' }, t),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.request('POST', '/api/v2/payments/intents', {
      ...t,
      rawBody: '{',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'malformed-json',
  );
  expectProblem(await w.api.get('/api/v2/payments?cursor=garbage', t), 422, 'validation-failed');
  expectProblem(await w.api.get('/api/v2/payments/not-a-uuid', t), 422, 'validation-failed');
  const o = { token: shop.owner.token };
  expectProblem(
    await w.api.post('/api/v2/gift-certificates', { location_id: shop.location.id, amount_cents: -5 }, o),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.post('/api/v2/payments/00000000-0000-4000-8000-000000000000/refund', { reason: '' }, o),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.post(
      '/api/v2/payouts/run',
      { location_id: shop.location.id, period_start: '2026-02-30', period_end: '2026-03-01' },
      o,
    ),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.post(
      '/api/v2/payouts/run',
      { location_id: shop.location.id, period_start: '2026-03-02', period_end: '2026-03-01' },
      o,
    ),
    422,
    'validation-failed',
  );
  expectProblem(
    await w.api.put(
      `/api/v2/barbers/${shop.barbers[0]!.id}/stripe-account`,
      { stripe_account_id: 'bank' },
      o,
    ),
    422,
    'validation-failed',
  );
});

test('an Idempotency-Key retry returns the first payment, even once it is paid; another kind with it is 422', async () => {
  const client = await newUser(w.ctx);
  const certificate = await giftCertificate(1000);
  const a = await book(w, shop, client);
  const body = { appointment_id: a.id, kind: 'deposit' as const, gift_certificate_code: certificate.code };
  const headers = { 'idempotency-key': `pay-${a.id}` };
  const first = await w.api.post('/api/v2/payments/intents', body, { token: client.token, headers });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.status, 'succeeded');
  const retry = await w.api.post('/api/v2/payments/intents', body, { token: client.token, headers });
  assert.equal(retry.status, 201, retry.text);
  assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  assert.equal(retry.body.id, first.body.id);
  expectProblem(
    await w.api.post('/api/v2/payments/intents', { ...body, kind: 'full' }, { token: client.token, headers }),
    422,
    'idempotency-key-reused',
  );
  const { rows } = await w.ctx.db.primary.query(
    'SELECT count(*)::int AS n FROM payments WHERE appointment_id = $1',
    [a.id],
  );
  assert.equal(rows[0].n, 1);
});

test('the OpenAPI document lists the payments contract of DESIGN §4', async () => {
  const doc = await w.api.get('/docs/json');
  assert.equal(doc.status, 200);
  const paths = Object.keys(doc.body.paths);
  for (const path of [
    '/api/v2/payments/intents',
    '/api/v2/webhooks/stripe',
    '/api/v2/payments/{id}/refund',
    '/api/v2/payments',
    '/api/v2/gift-certificates',
    '/api/v2/payouts',
    '/api/v2/payouts/run',
  ]) {
    assert.ok(paths.includes(path), `${path} missing from /docs/json`);
  }
});

test('open intents of both kinds never ask for more than the price together', async () => {
  const client = await newUser(w.ctx);
  const a = await book(w, shop, client);
  const deposit = await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' });
  const full = await createIntent(w, client.token, { appointment_id: a.id, kind: 'full' });
  assert.equal(deposit.body.amount_cents, 1000);
  assert.equal(full.body.amount_cents, 3000);
  const b = await book(w, shop, client);
  const whole = await createIntent(w, client.token, { appointment_id: b.id, kind: 'full' });
  assert.equal(whole.body.amount_cents, 4000);
  expectProblem(
    await createIntent(w, client.token, { appointment_id: b.id, kind: 'deposit' }),
    409,
    'nothing-to-pay',
  );
});

test('the local stand-in as in development: the client confirms with its client_secret, the signed webhook completes the payment', async () => {
  w.stripe.webhookUrl = `${w.ctx.baseUrl}/api/v2/webhooks/stripe`;
  try {
    const client = await newUser(w.ctx);
    const a = await book(w, shop, client);
    const p = (await createIntent(w, client.token, { appointment_id: a.id, kind: 'deposit' })).body;
    const confirm = (secret: string) =>
      fetch(`${w.stripe.url}/v1/payment_intents/${p.stripe_payment_intent_id}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_secret: secret, payment_method: 'pm_card_visa' }),
      });
    assert.equal((await confirm('pi_wrong_secret')).status, 401);
    assert.equal(await appointmentStatus(a.id), 'pending');
    const confirmed = await confirm(p.client_secret);
    assert.equal(confirmed.status, 200);
    assert.equal(((await confirmed.json()) as { status: string }).status, 'succeeded');
    let status = '';
    for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await w.api.get(`/api/v2/payments/${p.id}`, { token: client.token })).body.status;
    }
    assert.equal(status, 'succeeded');
    assert.equal(await appointmentStatus(a.id), 'confirmed');
  } finally {
    w.stripe.webhookUrl = undefined;
  }
});
