// E-mail over real SMTP (SMTP_URL) to a local relay: the account e-mails and the booking outbox leave
// through nodemailer as they would to a provider, and a relay that refuses for now only delays a message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BOOKING_TEST_ENV, localStart } from '../booking/booking-world.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser } from '../support/factory.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { type LocalSmtp, startLocalSmtp } from '../support/local-smtp.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { dueNow, outboxRow } from './outbox.js';

let smtp: LocalSmtp;
let ctx: TestApp;
let api: ApiClient;

before(async () => {
  smtp = await startLocalSmtp();
  ctx = await startTestApp({
    // The outbox is sent by hand below: the minute's job must not send it in between.
    env: {
      ...BOOKING_TEST_ENV,
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Shop <shop@bookedbarber.test>',
      JOB_WORKERS: 'off',
    },
  });
  api = apiClient(ctx.baseUrl);
});
after(async () => {
  await ctx.close();
  await smtp.stop();
});

const tokenIn = (text: string) => text.match(/^[A-Za-z0-9_-]{43}$/m)?.[0];

test('registering and resetting a password send their e-mails through the SMTP relay', async () => {
  const email = `smtp-${Date.now()}@example.test`;
  const verification = smtp.next(email);
  const registered = await api.post('/api/v2/auth/register', {
    email,
    password: 'a long and unusual passphrase',
    name: 'Sam',
  });
  assert.equal(registered.status, 201, registered.text);
  const verify = await verification;
  assert.deepEqual(verify.from?.value, [{ address: 'shop@bookedbarber.test', name: 'Shop' }]);
  assert.ok(tokenIn(verify.text ?? ''), verify.text);

  const reset = smtp.next(email);
  assert.equal((await api.post('/api/v2/auth/forgot-password', { email })).status, 202);
  const token = tokenIn((await reset).text ?? '');
  assert.ok(token);
  const changed = await api.post('/api/v2/auth/reset-password', {
    token,
    password: 'a brand new unusual passphrase',
  });
  assert.equal(changed.status, 204, changed.text);
});

test('a relay that refuses for now delays the booking confirmation; the next pass delivers it once', async () => {
  const shop: TestShop = await newShop(ctx, { services: [{ durationMinutes: 30, priceCents: 4000 }] });
  const client = await newUser(ctx);
  smtp.refusing.add(client.email);
  const booked = await api.post(
    '/api/v2/appointments',
    { barber_id: shop.barbers[0]!.id, service_id: shop.services[0]!.id, start_time: localStart(3, '10:00') },
    { token: client.token },
  );
  assert.equal(booked.status, 201, booked.text);
  const row = () => outboxRow(ctx.db.primary, booked.body.id, 'email');
  await ctx.app.notifier.runOnce();
  const refused = await row();
  assert.equal(refused.status, 'scheduled');
  assert.equal(refused.attempts, 1);
  assert.match(refused.last_error ?? '', /451/);

  smtp.refusing.delete(client.email);
  await dueNow(ctx.db.primary, booked.body.id);
  const delivered = smtp.next(client.email);
  await ctx.app.notifier.runOnce();
  const mail = await delivered;
  assert.match(mail.subject ?? '', /Your appointment is booked/);
  assert.match(mail.text ?? '', new RegExp(booked.body.confirmation_code));
  assert.equal((await row()).status, 'sent');
  await ctx.app.notifier.runOnce();
  assert.equal(smtp.received.filter((m) => m.subject === mail.subject && m.text === mail.text).length, 1);
});
