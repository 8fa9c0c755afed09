// Cross-process cache invalidation. Each process keeps hot data (sessions, profiles, memberships) in
// memory; a change made by any process is announced here, applied locally at once and, when Redis is
// configured, broadcast over pub/sub so every other process drops its copy too. Without Redis, or
// while it is down, only the local copy is dropped and the caches' short TTL bounds the staleness.
// What a turn of the event loop publishes goes out as one message: under load many writes finish in
// the same turn (a booking invalidates its barber-days), and a Redis command per write cost about a
// tenth of the booking throughput in socket writes and wake-ups, here and in every subscriber.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Redis } from '../redis/redis.js';

export type InvalidationHandler = (key: string) => void;

export interface InvalidationBus {
  /** Bumped on every invalidation applied here; a loader compares it to discard a raced read. */
  readonly generation: number;
  on(topic: string, handler: InvalidationHandler): void;
  /** Applies the invalidation locally, then tells the other processes. Never throws. */
  publish(topic: string, key: string): void;
  publishAll(topic: string, keys: readonly string[]): void;
  close(): Promise<void>;
}

/** Invalidations by topic: what one broadcast carries. */
export type InvalidationBatch = [topic: string, keys: string[]][];

/** The pub/sub channel of the processes that share a Redis key prefix. */
export function invalidationChannel(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}invalidate`;
}

function encode(origin: string, batch: InvalidationBatch): string {
  return JSON.stringify([origin, batch]);
}

/**
 * Announces invalidations from a process that keeps no caches (the operator's command line): every
 * running process drops its copies at once. Throws when Redis does not take the message.
 */
export async function broadcastInvalidations(
  redis: Redis,
  channel: string,
  batch: InvalidationBatch,
): Promise<void> {
  await redis.publish(channel, encode(randomBytes(8).toString('hex'), batch));
}

export function createInvalidationBus(
  redis: Redis | undefined,
  channel: string,
  log?: Pick<Logger, 'warn'>,
): InvalidationBus {
  // Identifies this bus's own messages (applied already when published); one per bus, not per process,
  // so two apps in one process (tests) still hear each other.
  const origin = randomBytes(8).toString('hex');
  const handlers = new Map<string, InvalidationHandler[]>();
  let generation = 0;
  const apply = (topic: string, key: string) => {
    generation++;
    for (const handler of handlers.get(topic) ?? []) handler(key);
  };

  // Pub/sub needs a connection of its own.
  const subscriber = redis?.duplicate();
  if (subscriber) {
    subscriber.on('error', () => undefined); // the main connection already reports Redis health
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const [from, batch] = JSON.parse(message) as [string, InvalidationBatch];
        if (from === origin) return;
        for (const [topic, keys] of batch) for (const key of keys) apply(topic, key);
      } catch {
        // not one of ours
      }
    });
    // Subscribe on every 'ready', not once: Redis may still be connecting at start-up (or be down), and
    // a subscription refused then would never be retried. Subscribing twice to a channel is harmless.
    subscriber.on('ready', () => {
      subscriber
        .subscribe(channel)
        .catch((error: unknown) => log?.warn({ err: error }, 'cache invalidation channel unavailable'));
    });
    if (subscriber.status === 'wait') subscriber.connect().catch(() => undefined); // lazyConnect clients
  }

  /** Keys applied here this turn and not yet broadcast, by topic. */
  let unsent = new Map<string, string[]>();
  const broadcast = () => {
    if (unsent.size === 0) return;
    const batch = [...unsent];
    unsent = new Map();
    redis?.publish(channel, encode(origin, batch)).catch(() => undefined);
  };
  const send = (topic: string, keys: readonly string[]) => {
    if (!redis) return;
    if (unsent.size === 0) setImmediate(broadcast);
    const list = unsent.get(topic);
    if (list) list.push(...keys);
    else unsent.set(topic, [...keys]);
  };

  return {
    get generation() {
      return generation;
    },
    on(topic, handler) {
      const list = handlers.get(topic) ?? [];
      list.push(handler);
      handlers.set(topic, list);
    },
    publish(topic, key) {
      apply(topic, key);
      send(topic, [key]);
    },
    publishAll(topic, keys) {
      for (const key of keys) apply(topic, key);
      send(topic, keys);
    },
    async close() {
      broadcast();
      subscriber?.disconnect();
    },
  };
}
