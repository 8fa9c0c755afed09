// The rate-limit hook of a route class: counts the request against its caller (the user when the class
// authenticates, else the client IP) and answers 429 `rate-limited` with Retry-After once over the
// limit. A route may set a stricter `config.rateLimitPerMinute`; it then gets a bucket of its own.
import { RateLimited } from '../http/errors.js';
import type { NamedHook } from '../http/route-classes.js';
import type { RateLimitDecision, RateLimiter } from './rate-limiter.js';

const MINUTE_MS = 60_000;

export interface RateLimitHookOptions {
  /** Names the bucket family and the hook in the timings (`rate-limit:booking`). */
  readonly routeClass: string;
  readonly perMinute: number;
  /** `user` needs the authentication hook to run first. */
  readonly by: 'ip' | 'user';
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
}

/** Throws the 429 for a refused decision; the one shape of every rate-limited answer. */
export function assertAllowed(decision: RateLimitDecision): void {
  if (decision.allowed) return;
  throw RateLimited(`too many requests; retry in ${decision.resetSeconds} s`, {
    headers: { ...rateLimitHeaders(decision), 'retry-after': String(decision.resetSeconds) },
  });
}

export function rateLimitHook(limiter: RateLimiter, options: RateLimitHookOptions): NamedHook {
  const { routeClass, perMinute, by } = options;
  return {
    name: `rate-limit:${routeClass}`,
    async run(request, reply) {
      const override = request.routeOptions.config.rateLimitPerMinute;
      const bucket = override ? `${routeClass}:${request.routeOptions.url}` : routeClass;
      const who = by === 'user' && request.auth ? `u:${request.auth.userId}` : `ip:${request.ip}`;
      const decision = await limiter.consume(`${bucket}:${who}`, override ?? perMinute, MINUTE_MS);
      assertAllowed(decision);
      reply.headers(rateLimitHeaders(decision));
    },
  };
}
