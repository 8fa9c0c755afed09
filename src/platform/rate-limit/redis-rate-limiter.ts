// Fixed-window counters in Redis, shared by every process, in two modes:
// - strict limits (≤ 20 a minute: login, reset, MFA codes, financial) are counted exactly, one atomic
//   INCRBY per request; a key already over its limit is then answered locally until its window ends;
// - larger limits are counted locally first and added to Redis in the background (one request in flight
//   per key, carrying every hit since the last one), so the hook never waits for Redis. Across
//   processes the count may overshoot by what arrives during one Redis round trip.
// When Redis errors, requests are counted in memory instead: never thrown into a route.
import { LRUCache } from 'lru-cache';
import type { Redis } from '../redis/redis.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import { decide, type RateLimitDecision, type RateLimiter, windowOf } from './rate-limiter.js';

const ADD = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count`;

/** Limits up to this many a window are counted exactly. */
const EXACT_UP_TO = 20;

type WithAdd = Redis & { rateLimitAdd(key: string, delta: number, ttlMs: number): Promise<number> };

interface LocalCount {
  /** The window's total in Redis at the last sync (all processes). */
  known: number;
  /** Hits sent to Redis, not yet acknowledged. */
  inflight: number;
  /** Hits not yet sent. */
  pending: number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: WithAdd;
  private readonly fallback: MemoryRateLimiter;
  /** Strict keys refused in their current window: answered locally until the window ends. */
  private readonly refused = new LRUCache<string, number>({ max: 100_000 });
  private readonly counts = new LRUCache<string, LocalCount>({ max: 100_000 });

  constructor(redis: Redis, fallback = new MemoryRateLimiter()) {
    if (!('rateLimitAdd' in redis)) redis.defineCommand('rateLimitAdd', { numberOfKeys: 1, lua: ADD });
    this.redis = redis as WithAdd;
    this.fallback = fallback;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const window = windowOf(Date.now(), windowMs);
    const slot = `rl:${key}:${window.id}`;
    // A little more than the window, so a clock skew between processes cannot drop a live counter.
    const ttlMs = windowMs + 1000;
    if (limit > EXACT_UP_TO) return this.countLocallyFirst(slot, limit, ttlMs, window.resetMs);
    if (this.refused.get(slot) !== undefined) return decide(limit + 1, limit, window.resetMs);
    let count: number;
    try {
      count = await this.redis.rateLimitAdd(slot, 1, ttlMs);
    } catch {
      return this.fallback.consumeNow(key, limit, windowMs);
    }
    const decision = decide(count, limit, window.resetMs);
    if (!decision.allowed) this.refused.set(slot, count, { ttl: window.resetMs });
    return decision;
  }

  private countLocallyFirst(slot: string, limit: number, ttlMs: number, resetMs: number): RateLimitDecision {
    let local = this.counts.get(slot);
    if (!local) {
      local = { known: 0, inflight: 0, pending: 0 };
      this.counts.set(slot, local, { ttl: resetMs });
    }
    const decision = decide(local.known + local.inflight + local.pending + 1, limit, resetMs);
    if (decision.allowed) {
      local.pending++;
      this.sync(slot, local, ttlMs);
    }
    return decision;
  }

  /** Sends the pending hits; its answer (every process's total) replaces the local estimate. */
  private sync(slot: string, local: LocalCount, ttlMs: number): void {
    if (local.inflight > 0 || local.pending === 0) return;
    const delta = local.pending;
    local.inflight = delta;
    local.pending = 0;
    this.redis.rateLimitAdd(slot, delta, ttlMs).then(
      (total) => {
        local.known = Math.max(local.known + delta, total);
        local.inflight = 0;
        this.sync(slot, local, ttlMs);
      },
      () => {
        // Redis is down: the hits stay counted here, which is the memory fallback for this key.
        local.known += delta;
        local.inflight = 0;
      },
    );
  }
}
