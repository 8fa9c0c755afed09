// SMS through the official Twilio SDK against a local stand-in of its Messages API: a guest with a
// phone gets the booking confirmation by SMS, and a throttling Twilio only delays it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BOOKING_TEST_ENV, localStart } from '../booking/booking-world.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { type LocalTwilio, startLocalTwilio } from '../support/local-twilio.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { dueNow, outboxRow } from './outbox.js';

let twilio: LocalTwilio;
let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;

before(async () => {
  twilio = await startLocalTwilio();
  // The outbox is sent by hand below: the minute's job must not send it in between.
  ctx = await startTestApp({ env: { ...BOOKING_TEST_ENV, ...twilio.env, JOB_WORKERS: 'off' } });
  api = apiClient(ctx.baseUrl);
  shop = await newShop(ctx, { services: [{ durationMinutes: 30, priceCents: 4000 }] });
});
after(async () => {
  await ctx.close();
  await twilio.stop();
});

test('a throttling Twilio delays the SMS confirmation; the next pass sends it once, through the SDK', async () => {
  await ctx.app.notifier.stop(); // the app's own nudge must not send it first
  twilio.failWith = 429;
  const res = await api.post(`/api/v2/public/locations/${shop.location.slug}/bookings`, {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(3, '12:00'),
    guest: { name: 'Tia Text', email: 'tia@example.test', phone: '+15555550199' },
  });
  assert.equal(res.status, 201, res.text);
  const sms = () => outboxRow(ctx.db.primary, res.body.id, 'sms');
  await ctx.app.notifier.runOnce();
  const refused = await sms();
  assert.equal(refused.status, 'scheduled');
  assert.equal(refused.attempts, 1);
  assert.match(refused.last_error ?? '', /Too Many Requests/);
  assert.deepEqual(twilio.messages, []);

  twilio.failWith = undefined;
  await dueNow(ctx.db.primary, res.body.id);
  await ctx.app.notifier.runOnce();
  assert.equal((await sms()).status, 'sent');
  assert.equal(twilio.messages.length, 1);
  assert.equal(twilio.messages[0]!['To'], '+15555550199');
  assert.equal(twilio.messages[0]!['From'], '+15550001111');
  assert.match(twilio.messages[0]!['Body']!, new RegExp(res.body.confirmation_code));
  await ctx.app.notifier.runOnce();
  assert.equal(twilio.messages.length, 1);
});
