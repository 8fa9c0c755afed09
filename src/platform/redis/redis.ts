// The optional Redis connection. Commands fail fast while it is down (no offline queue), so adapters
// can fall back to process memory instead of waiting.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type { Redis };

export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    // Keep trying to come back, at most every 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let healthy = true;
  redis.on('error', (error) => {
    if (healthy) log.warn({ err: error }, 'redis unavailable; falling back to process memory');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) log.info('redis reconnected');
    healthy = true;
  });
  return redis;
}
