// Fixed-window counters in process memory: the limiter without Redis, and the fallback while it is down.
// Bounded: the least recently used counters go first, and each expires with its window.
import { LRUCache } from 'lru-cache';
import { decide, type RateLimiter, windowOf } from './rate-limiter.js';

export class MemoryRateLimiter implements RateLimiter {
  private readonly counters: LRUCache<string, { count: number }>;

  constructor(maxKeys = 100_000) {
    this.counters = new LRUCache({ max: maxKeys, ttlAutopurge: false });
  }

  /** Synchronous core, shared with the Redis limiter's fallback. */
  consumeNow(key: string, limit: number, windowMs: number): ReturnType<typeof decide> {
    const window = windowOf(Date.now(), windowMs);
    const slot = `${key}:${window.id}`;
    let counter = this.counters.get(slot);
    if (!counter) {
      counter = { count: 0 };
      this.counters.set(slot, counter, { ttl: window.resetMs });
    }
    counter.count++;
    return decide(counter.count, limit, window.resetMs);
  }

  async consume(key: string, limit: number, windowMs: number) {
    return this.consumeNow(key, limit, windowMs);
  }
}
