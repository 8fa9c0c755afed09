// Probes: liveness with no hooks and no I/O, readiness that checks the database (and Redis when configured).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type client from 'prom-client';
import { Type } from 'typebox';
import type { Database } from '../../platform/db/pool.js';
import type { Redis } from '../../platform/redis/redis.js';

export interface HealthDeps {
  db: Database;
  redis: Redis | undefined;
  metrics: client.Registry;
}

const Liveness = Type.Object({ status: Type.Literal('ok') });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Object({
    database: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
    redis: Type.Union([Type.Literal('ok'), Type.Literal('down'), Type.Literal('not_configured')]),
  }),
});

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthDeps> = async (app, { db, redis, metrics }) => {
  const probe = { routeClass: 'probe' as const };
  app.get(
    '/health',
    { config: probe, schema: { tags: ['health'], response: { 200: Liveness } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    { config: probe, schema: { tags: ['health'], response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const [database, cache] = await Promise.all([
        within(1500, db.primary.query('SELECT 1')).then(
          () => 'ok' as const,
          () => 'down' as const,
        ),
        redis
          ? within(1000, redis.ping()).then(
              () => 'ok' as const,
              () => 'down' as const,
            )
          : ('not_configured' as const),
      ]);
      const ok = database === 'ok' && cache !== 'down';
      if (!ok) reply.header('retry-after', '2');
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'unavailable', checks: { database, redis: cache } });
    },
  );

  app.get('/metrics', { config: probe, schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.contentType).send(await metrics.metrics());
  });
};
