// The coherent cache's refresh-ahead: a busy key is reloaded in the background, never on a request's
// path, and a reload that finds the key gone (a revoked session) drops it.
import assert from 'node:assert/strict';
import { mock, test, type TestContext } from 'node:test';
import { createInvalidationBus } from '../../src/platform/cache/invalidation-bus.js';
import { CoherentLru } from '../../src/platform/cache/coherent-lru.js';

function cacheWithLoader() {
  const bus = createInvalidationBus(undefined, 'test');
  const cache = new CoherentLru<string>(bus, { topic: 't', max: 10, ttlMs: 30_000 });
  const loads: ((value: string | undefined) => void)[] = [];
  const load = () =>
    new Promise<string | undefined>((resolve) => {
      loads.push(resolve);
    });
  return { cache, loads, load };
}

/** A cache holding 'v1' for key 'k', loaded at t=0, with the clock moved on past half the TTL. */
async function dueForRefresh(t: TestContext) {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const loader = cacheWithLoader();
  const first = loader.cache.get('k', loader.load);
  loader.loads[0]!('v1');
  await first;
  t.mock.timers.tick(16_000);
  return loader;
}

test('a hit before half the TTL answers synchronously and loads nothing', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache, loads, load } = cacheWithLoader();
  const first = cache.get('k', load);
  assert.ok(first instanceof Promise);
  loads[0]!('v1');
  assert.equal(await first, 'v1');
  t.mock.timers.tick(14_000);
  assert.equal(cache.get('k', load), 'v1');
  assert.equal(loads.length, 1);
});

test('after half the TTL a hit still answers from memory and starts one background reload', async (t) => {
  const { cache, loads, load } = await dueForRefresh(t);
  assert.equal(cache.get('k', load), 'v1');
  assert.equal(cache.get('k', load), 'v1');
  assert.equal(loads.length, 2, 'one reload for two hits');
  loads[1]!('v2');
  await new Promise(setImmediate);
  assert.equal(cache.get('k', load), 'v2');
});

test('a reload that finds nothing drops the key: the next read waits for a load', async (t) => {
  const { cache, loads, load } = await dueForRefresh(t);
  assert.equal(cache.get('k', load), 'v1');
  loads[1]!(undefined);
  await new Promise(setImmediate);
  const next = cache.get('k', load);
  assert.ok(next instanceof Promise, 'not served from memory any more');
  loads[2]!(undefined);
  assert.equal(await next, undefined);
});

test('a reload that raced an invalidation is not kept', async (t) => {
  const { cache, loads, load } = await dueForRefresh(t);
  cache.get('k', load); // starts the reload
  cache.invalidate('k');
  loads[1]!('stale');
  await new Promise(setImmediate);
  const next = cache.get('k', load);
  assert.ok(next instanceof Promise);
  loads[2]!('fresh');
  assert.equal(await next, 'fresh');
});

test('a failed reload keeps the cached value and backs off before trying again', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const bus = createInvalidationBus(undefined, 'test');
  const cache = new CoherentLru<string>(bus, { topic: 't', max: 10, ttlMs: 30_000 });
  let calls = 0;
  const failing = mock.fn(async () => {
    calls++;
    if (calls === 1) return 'v1';
    throw new Error('database down');
  });
  assert.equal(await cache.get('k', failing), 'v1');
  t.mock.timers.tick(16_000);
  assert.equal(cache.get('k', failing), 'v1');
  await new Promise(setImmediate);
  assert.equal(cache.get('k', failing), 'v1');
  t.mock.timers.tick(10_000);
  assert.equal(cache.get('k', failing), 'v1');
  assert.equal(failing.mock.callCount(), 2, 'no second reload within the back-off');
});
