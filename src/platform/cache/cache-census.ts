// Every per-process cache, by name: how full it is (on /metrics) and a periodic sweep of expired
// entries. lru-cache drops an expired entry only when it is read again or pushed out by the bound, so
// without the sweep a cache keyed by many one-off keys (random barber-days) fills to its bound with
// entries it can never serve, and a worker's memory grows for as long as new keys keep coming. Swept,
// a cache holds what was used within its TTL: its occupancy (and the heap) settles one TTL into a
// steady load.
import client from 'prom-client';

/** The part of a cache the census reads and sweeps: lru-cache's own members. */
export interface CountedCache {
  readonly size: number;
  /** Bytes, for a cache bounded by size (lru-cache's `calculatedSize`); 0 or absent otherwise. */
  readonly calculatedSize?: number;
  /** Drops expired entries. */
  purgeStale(): unknown;
  /** Drops every entry (POST /monitoring/memory/cleanup): each is rebuilt by its next read. */
  clear(): void;
}

/** An owner of caches lists them by name (unique within the owner). */
export interface CacheOwner {
  caches(): Record<string, CountedCache>;
}

const SWEEP_EVERY_MS = 10_000;

export class CacheCensus {
  private readonly caches = new Map<string, CountedCache>();
  private timer: NodeJS.Timeout | undefined;

  constructor(metrics: client.Registry) {
    const caches = this.caches;
    new client.Gauge({
      name: 'bookedbarber_cache_entries',
      help: 'Entries held by each per-process cache',
      labelNames: ['cache'],
      registers: [metrics],
      collect() {
        for (const [name, cache] of caches) this.set({ cache: name }, cache.size);
      },
    });
    new client.Gauge({
      name: 'bookedbarber_cache_bytes',
      help: 'Estimated bytes held by each per-process cache bounded by size',
      labelNames: ['cache'],
      registers: [metrics],
      collect() {
        for (const [name, cache] of caches)
          if (cache.calculatedSize) this.set({ cache: name }, cache.calculatedSize);
      },
    });
  }

  add(owner: CacheOwner): void {
    for (const [name, cache] of Object.entries(owner.caches())) {
      if (this.caches.has(name)) throw new Error(`cache ${name} is counted twice`);
      this.caches.set(name, cache);
    }
  }

  sweep(): void {
    for (const cache of this.caches.values()) cache.purgeStale();
  }

  /** Empties every cache; returns how many entries each held. */
  release(): Record<string, number> {
    const released: Record<string, number> = {};
    for (const [name, cache] of this.caches) {
      released[name] = cache.size;
      cache.clear();
    }
    return released;
  }

  start(everyMs = SWEEP_EVERY_MS): void {
    this.timer = setInterval(() => this.sweep(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
