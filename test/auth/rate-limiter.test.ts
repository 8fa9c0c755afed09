// The pure side of rate limiting: fixed windows aligned to the epoch and the memory limiter's counting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MemoryRateLimiter } from '../../src/platform/rate-limit/memory-rate-limiter.js';
import { decide, windowOf } from '../../src/platform/rate-limit/rate-limiter.js';

test('windows are aligned to the epoch and reset within one window', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_000_000_000_000 }),
      fc.integer({ min: 1, max: 3_600_000 }),
      (now, ms) => {
        const window = windowOf(now, ms);
        assert.ok(window.resetMs > 0 && window.resetMs <= ms);
        assert.equal(window.id * ms + ms - window.resetMs, now);
      },
    ),
  );
});

test('a decision allows up to the limit, then refuses with nothing remaining', () => {
  assert.deepEqual(decide(1, 10, 30_500), { allowed: true, limit: 10, remaining: 9, resetSeconds: 31 });
  assert.deepEqual(decide(10, 10, 1), { allowed: true, limit: 10, remaining: 0, resetSeconds: 1 });
  assert.deepEqual(decide(11, 10, 0), { allowed: false, limit: 10, remaining: 0, resetSeconds: 1 });
});

test('the memory limiter counts per key', async () => {
  const limiter = new MemoryRateLimiter();
  const window = 365 * 24 * 3_600_000; // a year-long window: the test cannot straddle its boundary
  const results = [];
  for (let i = 0; i < 4; i++) results.push((await limiter.consume('a', 3, window)).allowed);
  assert.deepEqual(results, [true, true, true, false]);
  assert.equal((await limiter.consume('b', 3, window)).allowed, true);
});
