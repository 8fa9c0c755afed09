// Notifications end to end: booking, rescheduling and cancelling write their outbox rows in the same
// statement, reminders are armed when due, and the notifier sends each once, through the capturing
// e-mail and SMS adapters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CapturingEmailSender } from '../../src/modules/notifications/email.js';
import { Notifier } from '../../src/modules/notifications/notifier.js';
import { CapturingSmsSender } from '../../src/modules/notifications/sms.js';
import { BOOKING_TEST_ENV, localStart } from '../booking/booking-world.js';
import { startTestApp, type TestApp } from '../support/build-app.js';
import { newUser, type TestUser } from '../support/factory.js';
import { type ApiClient, apiClient } from '../support/http.js';
import { newShop, type TestShop } from '../support/shop-factory.js';
import { dueNow } from './outbox.js';

let ctx: TestApp;
let api: ApiClient;
let shop: TestShop;
let outbox: CapturingEmailSender;
let day = 3;

before(async () => {
  // Reminders are run by hand and counted: the minute's job must not send them in between.
  ctx = await startTestApp({ env: { ...BOOKING_TEST_ENV, JOB_WORKERS: 'off' } });
  api = apiClient(ctx.baseUrl);
  outbox = ctx.app.emailSender as CapturingEmailSender;
  shop = await newShop(ctx, { services: [{ durationMinutes: 30, priceCents: 4000 }] });
});
after(() => ctx.close());

async function book(client: TestUser) {
  const res = await api.post(
    '/api/v2/appointments',
    {
      barber_id: shop.barbers[0]!.id,
      service_id: shop.services[0]!.id,
      start_time: localStart(day++, '10:00'),
    },
    { token: client.token },
  );
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; confirmation_code: string };
}

const rows = async (appointmentId: string) =>
  (
    await ctx.db.primary.query(
      `SELECT kind, channel, recipient, status, attempts FROM notifications WHERE appointment_id = $1
        ORDER BY kind, channel`,
      [appointmentId],
    )
  ).rows;

/** Test setup only: the appointment starts in `hours` and was booked long before. */
const startsIn = (id: string, hours: number) =>
  ctx.db.primary.query(
    `UPDATE appointments SET start_time = now() + $2 * interval '1 hour',
            end_time = now() + $2 * interval '1 hour' + interval '30 minutes',
            busy_until = now() + $2 * interval '1 hour' + interval '30 minutes',
            created_at = now() - interval '5 days'
      WHERE id = $1`,
    [id, hours],
  );

test('a booking writes its confirmation in the same statement; the nudge sends it once', async () => {
  const client = await newUser(ctx);
  const booked = await book(client);
  assert.deepEqual(
    (await rows(booked.id)).map((r) => [r.kind, r.channel, r.recipient]),
    [['confirmation', 'email', client.email]],
  );
  const message = await Promise.race([
    outbox.next(client.email),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no confirmation within 5 s')), 5000)),
  ]);
  assert.match((message as { subject: string }).subject, /Your appointment is booked/);
  assert.match((message as { text: string }).text, new RegExp(booked.confirmation_code));
  await ctx.app.notifier.runOnce();
  assert.equal(outbox.to(client.email).length, 1, 'sent once');
  assert.deepEqual(
    (await rows(booked.id)).map((r) => r.status),
    ['sent'],
  );
});

test('reminders go out when due, once, and not for a cancelled appointment', async () => {
  const client = await newUser(ctx);
  const soon = await book(client);
  const cancelled = await book(client);
  await ctx.app.notifier.runOnce(); // the confirmations
  await startsIn(soon.id, 23);
  await startsIn(cancelled.id, 1.5);
  const sentBefore = outbox.to(client.email).length;
  await ctx.app.notifier.runOnce();
  await ctx.app.notifier.runOnce();
  const reminders = outbox.to(client.email).slice(sentBefore);
  // soon: the 24 h reminder; cancelled (1.5 h ahead): both reminders are due, the 2 h one applies too.
  assert.deepEqual(reminders.map((m) => m.subject.split(' — ')[0]).sort(), [
    'Reminder: your appointment is in two hours',
    'Reminder: your appointment is tomorrow',
    'Reminder: your appointment is tomorrow',
  ]);

  // Cancelled now: a notice goes out, and no reminder is armed for it any more.
  const res = await api.post(`/api/v2/appointments/${cancelled.id}/cancel`, {}, { token: client.token });
  assert.equal(res.status, 200, res.text);
  await ctx.app.notifier.runOnce();
  const last = outbox.to(client.email).at(-1)!;
  assert.match(last.subject, /cancelled/);
  assert.deepEqual(
    (await rows(cancelled.id)).map((r) => [r.kind, r.status]),
    [
      ['cancellation', 'sent'],
      ['confirmation', 'sent'],
      ['reminder_24h', 'sent'],
      ['reminder_2h', 'sent'],
    ],
  );
});

test('a reschedule tells the client and re-arms the reminder for the new time', async () => {
  const client = await newUser(ctx);
  const booked = await book(client);
  await startsIn(booked.id, 20);
  await ctx.app.notifier.runOnce(); // confirmation + 24 h reminder
  const moved = await api.post(
    `/api/v2/appointments/${booked.id}/reschedule`,
    { start_time: localStart(day++, '11:00') },
    { token: client.token },
  );
  assert.equal(moved.status, 200, moved.text);
  await ctx.app.notifier.runOnce();
  assert.match(outbox.to(client.email).at(-1)!.subject, /has moved/);
  // Now 20 h ahead again: the 24 h reminder is due for the new time and goes out a second time.
  await ctx.db.primary.query(
    `UPDATE appointments SET start_time = now() + interval '20 hours', end_time = now() + interval '20.5 hours',
            busy_until = now() + interval '20.5 hours' WHERE id = $1`,
    [booked.id],
  );
  const before = outbox.to(client.email).length;
  await ctx.app.notifier.runOnce();
  assert.equal(outbox.to(client.email).length, before + 1);
  assert.match(outbox.to(client.email).at(-1)!.subject, /tomorrow/);
});

test('a guest with a phone gets e-mail and SMS; a failing provider is retried, then succeeds once', async () => {
  const sms = new CapturingSmsSender();
  let failures = 2;
  const flaky = {
    send: async (m: { to: string; text: string }) => {
      if (failures-- > 0) throw new Error('provider down');
      await sms.send(m);
    },
  };
  // A notifier of its own over the same database, with the flaky SMS provider.
  const notifier = new Notifier({
    db: ctx.db,
    email: outbox,
    sms: flaky,
    reminders: [],
    log: { warn: () => undefined, error: () => undefined },
  });
  await ctx.app.notifier.stop(); // the app's own nudge must not send these first
  const res = await api.post(`/api/v2/public/locations/${shop.location.slug}/bookings`, {
    barber_id: shop.barbers[0]!.id,
    service_id: shop.services[0]!.id,
    start_time: localStart(day++, '12:00'),
    guest: { name: 'Gus Guest', email: 'gus@example.test', phone: '+15555550123' },
  });
  assert.equal(res.status, 201, res.text);
  const id = res.body.id as string;
  await ctx.app.notifier.stop();
  await notifier.sendDue();
  assert.equal(outbox.to('gus@example.test').length, 1);
  assert.equal(sms.sent.length, 0);
  const retry = await rows(id);
  assert.deepEqual(
    retry.map((r) => [r.channel, r.status, r.attempts]),
    [
      ['email', 'sent', 1],
      ['sms', 'scheduled', 1],
    ],
  );
  // Due again (the backoff moved send_at a minute ahead): fails once more, then is sent.
  for (let i = 0; i < 2; i++) {
    await dueNow(ctx.db.primary, id);
    await notifier.sendDue();
  }
  assert.deepEqual(
    sms.sent.map((m) => m.to),
    ['+15555550123'],
  );
  assert.deepEqual(
    (await rows(id)).map((r) => [r.channel, r.status, r.attempts]),
    [
      ['email', 'sent', 1],
      ['sms', 'sent', 3],
    ],
  );
});

test('concurrent notifiers send each message exactly once', async () => {
  const clients = await Promise.all(Array.from({ length: 6 }, () => newUser(ctx)));
  await ctx.app.notifier.stop();
  const emails = clients.map((c) => c.email);
  const counting = { sent: [] as string[], send: async (m: { to: string }) => void counting.sent.push(m.to) };
  const make = () =>
    new Notifier({
      db: ctx.db,
      email: counting as never,
      sms: new CapturingSmsSender(),
      reminders: [],
      log: { warn: () => undefined, error: () => undefined },
    });
  for (const client of clients) await book(client);
  await ctx.app.notifier.stop();
  await Promise.all([make().sendDue(), make().sendDue(), make().sendDue()]);
  const ours = counting.sent.filter((to) => emails.includes(to));
  assert.deepEqual(ours.sort(), [...emails].sort());
});
