// A bounded, short-lived per-process cache kept coherent through the invalidation bus: the warm path of
// an authenticated request reads memory only, and any change anywhere drops the stale copy.
import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from './invalidation-bus.js';

export interface CoherentLruOptions {
  /** Bus topic; `invalidate(key)` announces it to every process. */
  readonly topic: string;
  readonly max: number;
  readonly ttlMs: number;
}

export class CoherentLru<V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, V>;
  private readonly inflight = new Map<string, Promise<V | undefined>>();
  /** Bumped by every invalidation of this cache's topic (not others': they cannot make a load stale). */
  private generation = 0;

  constructor(
    private readonly bus: InvalidationBus,
    private readonly options: CoherentLruOptions,
  ) {
    this.entries = new LRUCache<string, V>({ max: options.max, ttl: options.ttlMs });
    bus.on(options.topic, (key) => {
      this.generation++;
      this.entries.delete(key);
      this.inflight.delete(key);
    });
  }

  /**
   * The cached value, or the loader's (cached unless undefined). Concurrent misses share one load; a
   * load that raced an invalidation is returned but not kept, so a stale read never outlives the change.
   */
  get(key: string, load: () => Promise<V | undefined>): V | Promise<V | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loading = load().then(
      (value) => {
        if (this.inflight.get(key) === loading) this.inflight.delete(key);
        if (value !== undefined && this.generation === generation) this.entries.set(key, value);
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

  /** Drops the key here and in every other process. */
  invalidate(key: string): void {
    this.bus.publish(this.options.topic, key);
  }
}
