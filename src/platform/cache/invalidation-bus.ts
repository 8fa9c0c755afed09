// Cross-process cache invalidation. Each process keeps hot data (sessions, profiles, memberships) in
// memory; a change made by any process is announced here, applied locally at once and, when Redis is
// configured, broadcast over pub/sub so every other process drops its copy too. Without Redis, or
// while it is down, only the local copy is dropped and the caches' short TTL bounds the staleness.
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
  /** Several keys of one topic in one message (one Redis command). */
  publishAll(topic: string, keys: readonly string[]): void;
  close(): Promise<void>;
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
        const [from, topic, keys] = JSON.parse(message) as [string, string, string | string[]];
        if (from === origin) return;
        for (const key of Array.isArray(keys) ? keys : [keys]) apply(topic, key);
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
      redis?.publish(channel, JSON.stringify([origin, topic, key])).catch(() => undefined);
    },
    publishAll(topic, keys) {
      for (const key of keys) apply(topic, key);
      redis?.publish(channel, JSON.stringify([origin, topic, keys])).catch(() => undefined);
    },
    async close() {
      subscriber?.disconnect();
    },
  };
}
