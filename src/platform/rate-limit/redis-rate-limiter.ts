// Fixed-window counters in Redis, shared by every process: one atomic INCR (+ PEXPIRE on the first hit)
// per request. A key already over its limit is remembered locally until its window ends, so a flood
// costs Redis nothing. When Redis errors, the request is counted in memory instead: never thrown.
import { LRUCache } from 'lru-cache';
import type { Redis } from '../redis/redis.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { decide, type RateLimitDecision, type RateLimiter, windowOf } from './rate-limiter.js';

const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

type WithIncrement = Redis & { rateLimitIncrement(key: string, ttlMs: number): Promise<number> };

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: WithIncrement;
  private readonly fallback: MemoryRateLimiter;
  /** Keys refused in their current window: answered locally until the window ends. */
  private readonly refused = new LRUCache<string, number>({ max: 100_000 });

  constructor(redis: Redis, fallback = new MemoryRateLimiter()) {
    if (!('rateLimitIncrement' in redis)) {
      redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    }
    this.redis = redis as WithIncrement;
    this.fallback = fallback;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const window = windowOf(Date.now(), windowMs);
    const slot = `rl:${key}:${window.id}`;
    if (this.refused.get(slot) !== undefined) return decide(limit + 1, limit, window.resetMs);
    let count: number;
    try {
      // A little more than the window, so a clock skew between processes cannot drop a live counter.
      count = await this.redis.rateLimitIncrement(slot, windowMs + 1000);
    } catch {
      return this.fallback.consumeNow(key, limit, windowMs);
    }
    const decision = decide(count, limit, window.resetMs);
    if (!decision.allowed) this.refused.set(slot, count, { ttl: window.resetMs });
    return decision;
  }
}
