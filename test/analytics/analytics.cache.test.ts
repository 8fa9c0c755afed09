// The analytics answer cache: fresh, then stale while one reload runs, never older than staleMs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefreshingCache } from '../../src/modules/analytics/analytics.cache.js';

function world() {
  let now = 1_000_000;
  const cache = new RefreshingCache<string>({ max: 10, freshMs: 5000, staleMs: 15_000, now: () => now });
  let loads = 0;
  const pending: ((value: string) => void)[] = [];
  const load = () => {
    loads++;
    return new Promise<string>((resolve) => pending.push(resolve));
  };
  return {
    cache,
    load,
    loads: () => loads,
    finish: (value: string) => pending.shift()!(value),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test('a fresh answer is served without loading; concurrent misses share one load', async () => {
  const w = world();
  // 1. Two misses at once: one load, both get its answer.
  const a = w.cache.get('k', w.load);
  const b = w.cache.get('k', w.load);
  w.finish('v1');
  assert.deepEqual(await Promise.all([a, b]), ['v1', 'v1']);
  assert.equal(w.loads(), 1);
  // 2. Within freshMs: served from memory.
  w.advance(4999);
  assert.equal(w.cache.get('k', w.load), 'v1');
  assert.equal(w.loads(), 1);
});

test('a stale answer is served while one reload runs, then replaced', async () => {
  const w = world();
  const first = w.cache.get('k', w.load);
  w.finish('v1');
  await first;
  // 1. Past freshMs: the old answer at once, and one reload in the background.
  w.advance(6000);
  assert.equal(w.cache.get('k', w.load), 'v1');
  assert.equal(w.cache.get('k', w.load), 'v1');
  assert.equal(w.loads(), 2);
  // 2. The reload lands: its answer is served, fresh.
  w.finish('v2');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(w.cache.get('k', w.load), 'v2');
  assert.equal(w.loads(), 2);
});

test('an answer older than staleMs is never served: the caller waits for the load', async () => {
  const w = world();
  const first = w.cache.get('k', w.load);
  w.finish('v1');
  await first;
  w.advance(15_000);
  const next = w.cache.get('k', w.load);
  assert.ok(next instanceof Promise);
  w.finish('v2');
  assert.equal(await next, 'v2');
});

test('a failed load is not cached', async () => {
  const w = world();
  let fail = true;
  const load = async () => {
    if (fail) throw new Error('boom');
    return 'ok';
  };
  await assert.rejects(async () => w.cache.get('k', load), /boom/);
  fail = false;
  assert.equal(await w.cache.get('k', load), 'ok');
});
