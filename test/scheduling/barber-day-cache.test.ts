// The answer cache's admission: an answer is kept from the second time it is computed (TinyLFU's
// doorkeeper), and only while its day is the cached one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DayBusy } from '../../src/modules/scheduling/barber-profile.js';
import { BarberDayCache, Doorkeeper } from '../../src/modules/scheduling/scheduling.cache.js';
import { createInvalidationBus } from '../../src/platform/cache/invalidation-bus.js';

const BARBER = '00000000-0000-4000-8000-000000000001';
const SERVICE = '00000000-0000-4000-8000-000000000002';
const DATE = '2030-01-07';
const NOW = Date.UTC(2030, 0, 1);

function cacheWithDay() {
  const bus = createInvalidationBus(undefined, 'test');
  const cache = new BarberDayCache(bus);
  const busy = { appointments: [] } as unknown as DayBusy;
  cache.storeBusy(BARBER, DATE, 'location', busy, bus.generation);
  return { cache, busy };
}

const answer = { json: '{"slots":[]}', validUntil: NOW + 60_000 };

test('an answer computed once is not kept; computed twice, it is', () => {
  const { cache, busy } = cacheWithDay();
  cache.storeAnswer(BARBER, DATE, SERVICE, busy, answer);
  assert.equal(cache.answer(BARBER, DATE, SERVICE, NOW), undefined);
  cache.storeAnswer(BARBER, DATE, SERVICE, busy, answer);
  assert.equal(cache.answer(BARBER, DATE, SERVICE, NOW), answer.json);
});

test('an answer of a day that is no longer the cached one is never kept', () => {
  const { cache } = cacheWithDay();
  const stale = { appointments: [] } as unknown as DayBusy;
  cache.storeAnswer(BARBER, DATE, SERVICE, stale, answer);
  cache.storeAnswer(BARBER, DATE, SERVICE, stale, answer);
  assert.equal(cache.answer(BARBER, DATE, SERVICE, NOW), undefined);
});

test('a kept answer expires at its validUntil', () => {
  const { cache, busy } = cacheWithDay();
  cache.storeAnswer(BARBER, DATE, SERVICE, busy, answer);
  cache.storeAnswer(BARBER, DATE, SERVICE, busy, answer);
  assert.equal(cache.answer(BARBER, DATE, SERVICE, answer.validUntil), undefined);
});

test('the doorkeeper remembers a key for one to two windows, then forgets it', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const doorkeeper = new Doorkeeper(60_000, 1000);
  assert.equal(doorkeeper.admit('a'), false);
  t.mock.timers.tick(60_000);
  doorkeeper.purgeStale(); // 'a' moves to the previous generation: still remembered
  assert.equal(doorkeeper.admit('a'), true);

  assert.equal(doorkeeper.admit('b'), false);
  t.mock.timers.tick(60_000);
  doorkeeper.purgeStale();
  t.mock.timers.tick(60_000);
  doorkeeper.purgeStale(); // two windows on: forgotten
  assert.equal(doorkeeper.size, 0);
  assert.equal(doorkeeper.admit('b'), false);
});

test('a full generation of the doorkeeper starts the next one early', () => {
  const doorkeeper = new Doorkeeper(60_000, 2);
  for (const key of ['a', 'b', 'c', 'd', 'e']) assert.equal(doorkeeper.admit(key), false);
  assert.ok(doorkeeper.size <= 4);
  assert.equal(doorkeeper.admit('e'), true);
  assert.equal(doorkeeper.admit('a'), false); // two generations ago
});
