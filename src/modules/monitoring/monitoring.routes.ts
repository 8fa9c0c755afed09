// Operations views for platform admins: hook and route timings, memory, components.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CacheCensus } from '../../platform/cache/cache-census.js';
import type { MemoryMonitor } from '../../platform/memory/memory-monitor.js';
import type { LatencyRecorder } from '../../platform/metrics/latency.js';
import type { ServiceRegistry } from '../../platform/registry/registry.js';

export interface MonitoringDeps {
  hookTimings: LatencyRecorder;
  requestTimings: LatencyRecorder;
  memory: MemoryMonitor;
  registry: ServiceRegistry;
  caches: CacheCensus;
}

const Latency = Type.Object({
  name: Type.String(),
  count: Type.Integer(),
  mean_ms: Type.Number(),
  p50_ms: Type.Number(),
  p95_ms: Type.Number(),
  p99_ms: Type.Number(),
});

const MemorySample = Type.Object({
  at: Type.String({ format: 'date-time' }),
  rss_bytes: Type.Integer(),
  heap_used_bytes: Type.Integer(),
  heap_total_bytes: Type.Integer(),
  external_bytes: Type.Integer(),
});

const ops = { routeClass: 'ops' as const };
const tags = ['monitoring'];
const security = [{ bearer: [] }];

export const monitoringRoutes: FastifyPluginAsyncTypebox<MonitoringDeps> = async (app, deps) => {
  app.get(
    '/middleware',
    {
      config: ops,
      schema: {
        tags,
        security,
        description:
          'Time spent in each pipeline hook (count, mean, p50, p95, p99 over the last 10 minutes).',
        response: { 200: Type.Object({ pid: Type.Integer(), hooks: Type.Array(Latency) }) },
      },
    },
    async () => ({ pid: process.pid, hooks: deps.hookTimings.snapshot() }),
  );

  app.get(
    '/performance',
    {
      config: ops,
      schema: {
        tags,
        security,
        description: 'Response time per route of this process.',
        response: {
          200: Type.Object({
            pid: Type.Integer(),
            uptime_seconds: Type.Number(),
            routes: Type.Array(Latency),
          }),
        },
      },
    },
    async () => ({
      pid: process.pid,
      uptime_seconds: Math.round(process.uptime()),
      routes: deps.requestTimings.snapshot(),
    }),
  );

  app.get(
    '/memory',
    {
      config: ops,
      schema: {
        tags,
        security,
        response: {
          200: Type.Object({
            pid: Type.Integer(),
            current: MemorySample,
            heap_limit_bytes: Type.Integer(),
            rss_growth_percent: Type.Number(),
            samples: Type.Array(MemorySample),
          }),
        },
      },
    },
    async () => ({ pid: process.pid, ...deps.memory.report() }),
  );

  app.post(
    '/memory/cleanup',
    {
      config: ops,
      schema: {
        tags,
        security,
        description:
          "Empties this process's caches (entries released, by cache) and runs a GC when the process allows it.",
        response: {
          200: Type.Object({
            released: Type.Record(Type.String(), Type.Integer()),
            garbage_collected: Type.Boolean(),
            before: MemorySample,
            after: MemorySample,
          }),
        },
      },
    },
    async () => {
      const before = deps.memory.report().current;
      const released = deps.caches.release();
      const garbageCollected = deps.memory.collectGarbage();
      return { released, garbage_collected: garbageCollected, before, after: deps.memory.report().current };
    },
  );

  app.get(
    '/services',
    {
      config: ops,
      schema: {
        tags,
        security,
        response: {
          200: Type.Object({
            services: Type.Array(
              Type.Object({ name: Type.String(), kind: Type.String(), status: Type.String() }),
            ),
          }),
        },
      },
    },
    async () => ({ services: await deps.registry.statuses() }),
  );
};
