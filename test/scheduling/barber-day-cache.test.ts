// The answer cache's admission: an answer is kept from the second time it is computed (TinyLFU's
// doorkeeper), and only while its day is the cached one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DayBusy } from '../../src/modules/scheduling/barber-profile.js';
import { BarberDayCache } from '../../src/modules/scheduling/scheduling.cache.js';
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
