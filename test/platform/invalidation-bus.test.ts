// The invalidation bus over a real Redis: what one turn of the event loop publishes reaches the other
// processes as one message, every key of every topic in it, and a bus ignores its own messages.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createInvalidationBus } from '../../src/platform/cache/invalidation-bus.js';

const url = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

/** Resolves when `handler` has been called `count` times in all. */
function waitFor(count: number): {
  handler: (topic: string) => (key: string) => void;
  done: Promise<string[]>;
} {
  const heard: string[] = [];
  let resolve: (value: string[]) => void;
  const done = new Promise<string[]>((r) => (resolve = r));
  return {
    handler: (topic) => (key) => {
      heard.push(`${topic}:${key}`);
      if (heard.length === count) resolve(heard);
    },
    done,
  };
}

test('a turn of publishes is one Redis message that carries every key to the other bus', async (t) => {
  const channel = `bb_test_bus_${randomBytes(4).toString('hex')}`;
  const publisher = new Redis(url);
  const listener = new Redis(url);
  const raw = new Redis(url);
  t.after(() => {
    for (const client of [publisher, listener, raw]) client.disconnect();
  });
  const sender = createInvalidationBus(publisher, channel);
  const receiver = createInvalidationBus(listener, channel);
  t.after(async () => {
    await sender.close();
    await receiver.close();
  });
  const heardBySender: string[] = [];
  sender.on('day', (key) => heardBySender.push(key));
  const expected = waitFor(4);
  receiver.on('day', expected.handler('day'));
  receiver.on('session', expected.handler('session'));
  const messages: string[] = [];
  raw.on('message', (_channel: string, message: string) => messages.push(message));
  await raw.subscribe(channel);
  // Both buses subscribe on 'ready'; wait until Redis counts them with the raw client.
  for (let i = 0; i < 100; i++) {
    const [, subscribers] = (await publisher.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    if (subscribers === 3) break;
    await sleep(20);
  }

  sender.publishAll('day', ['b1|2026-12-07', 'b1|2026-12-08']);
  sender.publish('session', 's1');
  sender.publish('day', 'b2|2026-12-07');
  // Applied here at once, before anything is sent.
  assert.deepEqual(heardBySender, ['b1|2026-12-07', 'b1|2026-12-08', 'b2|2026-12-07']);

  assert.deepEqual((await expected.done).sort(), [
    'day:b1|2026-12-07',
    'day:b1|2026-12-08',
    'day:b2|2026-12-07',
    'session:s1',
  ]);
  // Once the raw subscriber has seen every key, it has seen every message that carried them.
  const keysSeen = () =>
    messages
      .flatMap((m) => (JSON.parse(m) as [string, [string, string[]][]])[1])
      .reduce((n, [, keys]) => n + keys.length, 0);
  for (let i = 0; i < 250 && keysSeen() < 4; i++) await sleep(20);
  assert.equal(messages.length, 1, messages.join('\n'));
  // The sender ignored its own broadcast: nothing was applied twice.
  assert.equal(heardBySender.length, 3);
});
