// Redis for the bench: used when the configured one answers, always under a key prefix of this run
// only, whose keys are deleted at the end (a bounded SCAN, never FLUSHDB on a shared server).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface BenchRedis {
  url: string;
  prefix: string;
  cleanup(): Promise<number>;
}

const MAX_SCAN_ROUNDS = 10_000;

export async function benchRedis(url: string): Promise<BenchRedis | undefined> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
  const prefix = `bb_bench_${randomBytes(4).toString('hex')}:`;
  return {
    url,
    prefix,
    async cleanup() {
      const redis = new Redis(url, { connectTimeout: 1000, maxRetriesPerRequest: 1 });
      let deleted = 0;
      try {
        let cursor = '0';
        for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
          const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length > 0) deleted += await redis.unlink(...keys);
          cursor = nextCursor;
          if (cursor === '0') break;
        }
      } finally {
        redis.disconnect();
      }
      return deleted;
    },
  };
}
