// The per-process answer cache of analytics: fresh for `freshMs`, then served while one background
// reload replaces it, up to `staleMs`; older answers are never served. So a steady stream of requests
// for a location never waits for the database (the reload runs beside them), and no answer is older
// than `staleMs` (its age counts from the start of the load that produced it). Concurrent misses of a
// key share one load; a failed load is not cached (the caller gets the error; a failed background
// reload leaves the answer to age out).
import { LRUCache } from 'lru-cache';
import type { CountedCache } from '../../platform/cache/cache-census.js';

interface Entry<V> {
  value: V | undefined;
  /** When the load that produced `value` started (epoch ms). */
  loadedAt: number;
  loading: Promise<V> | undefined;
}

export interface RefreshingCacheOptions {
  readonly max: number;
  readonly freshMs: number;
  readonly staleMs: number;
  /** For tests. */
  readonly now?: () => number;
}

export class RefreshingCache<V extends NonNullable<unknown>> implements CountedCache {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly now: () => number;

  constructor(private readonly options: RefreshingCacheOptions) {
    this.entries = new LRUCache({ max: options.max, ttl: options.staleMs });
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  purgeStale(): void {
    this.entries.purgeStale();
  }

  /** Loads in flight still answer their callers; their results are stored as they land. */
  clear(): void {
    this.entries.clear();
  }

  get(key: string, load: () => Promise<V>): V | Promise<V> {
    const entry = this.entries.get(key);
    if (entry?.value !== undefined) {
      const age = this.now() - entry.loadedAt;
      if (age < this.options.freshMs) return entry.value;
      if (age < this.options.staleMs) {
        // Served stale: the reload's failure has no caller to go to.
        if (!entry.loading) this.load(key, entry, load).catch(() => undefined);
        return entry.value;
      }
    }
    if (entry?.loading) return entry.loading;
    return this.load(key, entry, load);
  }

  private load(key: string, current: Entry<V> | undefined, load: () => Promise<V>): Promise<V> {
    const entry = current ?? { value: undefined, loadedAt: 0, loading: undefined };
    const startedAt = this.now();
    const loading = load().then(
      (value) => {
        this.entries.set(key, { value, loadedAt: startedAt, loading: undefined });
        return value;
      },
      (error: unknown) => {
        if (entry.loading === loading) entry.loading = undefined;
        throw error;
      },
    );
    entry.loading = loading;
    if (!current) this.entries.set(key, entry);
    return loading;
  }
}
