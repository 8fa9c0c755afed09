// The census: occupancy of every cache on /metrics, and the sweep that frees entries past their TTL
// (which lru-cache would otherwise keep until read again or pushed out by its bound).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LRUCache } from 'lru-cache';
import client from 'prom-client';
import { CacheCensus } from '../../src/platform/cache/cache-census.js';

function gaugeValues(text: string, metric: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const match of text.matchAll(new RegExp(`^${metric}\\{cache="([^"]+)"\\} (\\d+)`, 'gm')))
    values[match[1]!] = Number(match[2]);
  return values;
}

test('the census reports entries and bytes per cache, and the sweep drops expired entries', async () => {
  const metrics = new client.Registry();
  const census = new CacheCensus(metrics);
  const shortLived = new LRUCache<string, string>({ max: 100, ttl: 20 });
  const sized = new LRUCache<string, string>({ maxSize: 1000, sizeCalculation: (v) => v.length });
  census.add({ caches: () => ({ 'short-lived': shortLived, sized }) });
  for (let i = 0; i < 10; i++) shortLived.set(`k${i}`, 'v');
  sized.set('a', 'x'.repeat(40));

  let text = await metrics.metrics();
  assert.deepEqual(gaugeValues(text, 'bookedbarber_cache_entries'), { 'short-lived': 10, sized: 1 });
  assert.deepEqual(gaugeValues(text, 'bookedbarber_cache_bytes'), { sized: 40 });

  // Unread, the expired entries would stay: lru-cache only drops them on access or eviction.
  await sleep(60);
  assert.equal(shortLived.size, 10);
  census.sweep();
  text = await metrics.metrics();
  assert.deepEqual(gaugeValues(text, 'bookedbarber_cache_entries'), { 'short-lived': 0, sized: 1 });
});

test('a cache name counted twice is refused', () => {
  const census = new CacheCensus(new client.Registry());
  const cache = new LRUCache<string, string>({ max: 1 });
  census.add({ caches: () => ({ sessions: cache }) });
  assert.throws(() => census.add({ caches: () => ({ sessions: cache }) }), /counted twice/);
});

test('release empties every cache and says how many entries each held', () => {
  const census = new CacheCensus(new client.Registry());
  const sessions = new LRUCache<string, string>({ max: 100 });
  const profiles = new LRUCache<string, string>({ max: 100 });
  census.add({ caches: () => ({ sessions, profiles }) });
  for (let i = 0; i < 3; i++) sessions.set(`s${i}`, 'v');
  profiles.set('p', 'v');
  assert.deepEqual(census.release(), { sessions: 3, profiles: 1 });
  assert.equal(sessions.size + profiles.size, 0);
});
