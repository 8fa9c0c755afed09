// A bounded, short-lived per-process cache kept coherent through the invalidation bus: the warm path of
// an authenticated request reads memory only, and any change anywhere drops the stale copy.
//
// Entries in use are refreshed ahead of their TTL, in the background: after half the TTL the next hit
// still answers from memory and starts one reload. So a busy key never makes a request wait for the
// database, and the TTL (which bounds staleness while the bus is down) holds for keys nobody reads.
import { LRUCache } from 'lru-cache';
import type { MaybePromise } from '../maybe-async.js';
import type { CountedCache } from './cache-census.js';
import type { InvalidationBus } from './invalidation-bus.js';

export interface CoherentLruOptions {
  /** Bus topic; `invalidate(key)` announces it to every process. */
  readonly topic: string;
  readonly max: number;
  readonly ttlMs: number;
}

interface Entry<V> {
  readonly value: V;
  /** When the next hit starts a background reload (moved on when one starts, so a failure backs off). */
  refreshAt: number;
}

export class CoherentLru<V extends NonNullable<unknown>> implements CountedCache {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<V | undefined>>();
  /** Bumped by every invalidation of this cache's topic (not others': they cannot make a load stale). */
  private generation = 0;
  private readonly refreshAfterMs: number;

  constructor(
    private readonly bus: InvalidationBus,
    private readonly options: CoherentLruOptions,
  ) {
    this.entries = new LRUCache<string, Entry<V>>({ max: options.max, ttl: options.ttlMs });
    this.refreshAfterMs = options.ttlMs / 2;
    bus.on(options.topic, (key) => {
      this.generation++;
      this.entries.delete(key);
      this.inflight.delete(key);
    });
  }

  /**
   * The cached value (synchronously), or the loader's. Concurrent misses share one load; a load that
   * raced an invalidation is returned but not kept, so a stale read never outlives the change. A load
   * that finds nothing (undefined) drops the key: a background refresh of a revoked session ends it.
   */
  get(key: string, load: () => Promise<V | undefined>): MaybePromise<V | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      const now = Date.now();
      if (now >= hit.refreshAt && !this.inflight.has(key)) {
        hit.refreshAt = now + this.refreshAfterMs;
        // A failed refresh keeps the cached value until its TTL; the next one is tried after the back-off.
        this.load(key, load).catch(() => undefined);
      }
      return hit.value;
    }
    return this.inflight.get(key) ?? this.load(key, load);
  }

  get size(): number {
    return this.entries.size;
  }

  purgeStale(): void {
    this.entries.purgeStale();
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops the key here and in every other process. */
  invalidate(key: string): void {
    this.bus.publish(this.options.topic, key);
  }

  private load(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const generation = this.generation;
    const loading = load().then(
      (value) => {
        if (this.inflight.get(key) === loading) this.inflight.delete(key);
        if (this.generation === generation) {
          if (value === undefined) this.entries.delete(key);
          else this.entries.set(key, { value, refreshAt: Date.now() + this.refreshAfterMs });
        }
        return value;
      },
      (error: unknown) => {
        if (this.inflight.get(key) === loading) this.inflight.delete(key);
        throw error;
      },
    );
    this.inflight.set(key, loading);
    return loading;
  }
}
