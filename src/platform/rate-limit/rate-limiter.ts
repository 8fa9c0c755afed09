// Rate limiting as an adapter (CONVENTIONS: interface + memory + Redis): fixed-window counters keyed by
// what is limited (`login:ip:1.2.3.4`). Implementations never throw: a limiter that cannot count
// falls back to counting in memory, so the service keeps answering.

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests left in this window (0 when refused). */
  readonly remaining: number;
  /** Whole seconds until the window resets (at least 1). */
  readonly resetSeconds: number;
}

export interface RateLimiter {
  /** Counts one request against `key` and says whether it is within `limit` per `windowMs`. */
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

/** Fixed windows aligned to the epoch, so every process agrees on when a window starts. */
export function windowOf(now: number, windowMs: number): { id: number; resetMs: number } {
  const id = Math.floor(now / windowMs);
  return { id, resetMs: (id + 1) * windowMs - now };
}

export function decide(count: number, limit: number, resetMs: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
  };
}

/** For RATE_LIMIT=off: everything is allowed. */
export const unlimited: RateLimiter = {
  async consume(_key, limit, windowMs) {
    return decide(0, limit, windowOf(Date.now(), windowMs).resetMs);
  },
};
