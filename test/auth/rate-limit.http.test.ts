// Rate limits over HTTP (DESIGN §2): login 10/min per IP and per account, 429 `rate-limited` with
// Retry-After and RateLimit-* headers, counters in Redis, counting in memory when Redis fails, and
// RATE_LIMIT=off. Client IPs vary by binding the client socket to other loopback addresses.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { TestApp } from '../support/build-app.js';
import { expectProblem, type HttpResponse } from '../support/http.js';
import { startAuthTestApp } from './auth-test-app.js';

function post(
  ctx: TestApp,
  path: string,
  body: unknown,
  from = '127.0.0.1',
  extraHeaders: Record<string, string> = {},
): Promise<HttpResponse> {
  const payload = JSON.stringify(body);
  const url = new URL(ctx.baseUrl + path);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...extraHeaders,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          resolve({ status: res.statusCode ?? 0, headers, text, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Fixed one-minute windows: start a counting test well inside one, never across a boundary. */
async function awayFromWindowEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 100);
}

const probe = (app: FastifyInstance) => {
  app.post('/api/v2/test/limited', { config: { routeClass: 'public', rateLimitPerMinute: 5 } }, async () => ({
    ok: true,
  }));
};

function expectRateLimited(response: HttpResponse, limit: number) {
  expectProblem(response, 429, 'rate-limited');
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(response.headers.get('ratelimit-limit'), String(limit));
  assert.equal(response.headers.get('ratelimit-remaining'), '0');
  assert.equal(response.headers.get('ratelimit-reset'), String(retryAfter));
}

test('login: the 11th attempt in a minute from one IP answers 429 with Retry-After and RateLimit headers', async () => {
  const ctx = await startAuthTestApp();
  try {
    assert.ok(ctx.redis, 'this test needs the local Redis');
    await awayFromWindowEdge();
    for (let i = 0; i < 10; i++) {
      const response = await post(ctx, '/api/v2/auth/login', {
        email: `nobody${i}@example.test`,
        password: 'wrong password',
      });
      expectProblem(response, 401, 'invalid-credentials');
      assert.equal(response.headers.get('ratelimit-remaining'), String(9 - i));
    }
    const refused = await post(ctx, '/api/v2/auth/login', { email: 'x@example.test', password: 'whatever' });
    expectRateLimited(refused, 10);
    // Another IP is not affected, and the counters live in Redis (shared by every process).
    const other = await post(
      ctx,
      '/api/v2/auth/login',
      { email: 'y@example.test', password: 'whatever' },
      '127.0.0.2',
    );
    expectProblem(other, 401, 'invalid-credentials');
    assert.ok((await ctx.redis.keys(`${ctx.config.redisKeyPrefix}rl:*`)).length >= 2);
  } finally {
    await ctx.close();
  }
});

test('login: the 11th attempt on one account in a minute answers 429, whatever the IP', async () => {
  const ctx = await startAuthTestApp();
  try {
    await awayFromWindowEdge();
    const email = 'target@example.test'; // no such account: the answer must not tell
    for (let i = 0; i < 10; i++) {
      const response = await post(
        ctx,
        '/api/v2/auth/login',
        { email, password: 'guess' },
        `127.0.0.${i + 2}`,
      );
      expectProblem(response, 401, 'invalid-credentials');
    }
    const refused = await post(
      ctx,
      '/api/v2/auth/login',
      { email: email.toUpperCase(), password: 'guess' },
      '127.0.0.20',
    );
    expectProblem(refused, 429, 'rate-limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // forgot-password has its own per-account budget and the same generic answer.
    const forgot = await post(ctx, '/api/v2/auth/forgot-password', { email }, '127.0.0.21');
    assert.equal(forgot.status, 202);
  } finally {
    await ctx.close();
  }
});

test('when Redis fails, limits are counted in memory and requests are still answered', async () => {
  const ctx = await startAuthTestApp({ extend: probe });
  try {
    assert.ok(ctx.redis);
    await awayFromWindowEdge();
    assert.equal((await post(ctx, '/api/v2/test/limited', {})).status, 200);
    ctx.redis.disconnect(); // every Redis command now fails at once
    for (let i = 0; i < 5; i++) {
      const response = await post(ctx, '/api/v2/test/limited', {});
      assert.equal(response.status, 200, response.text);
    }
    expectRateLimited(await post(ctx, '/api/v2/test/limited', {}), 5);
  } finally {
    await ctx.close();
  }
});

test('without Redis, the memory limiter applies the same limits', async () => {
  const ctx = await startAuthTestApp({ extend: probe, redis: false });
  try {
    await awayFromWindowEdge();
    for (let i = 0; i < 5; i++) assert.equal((await post(ctx, '/api/v2/test/limited', {})).status, 200);
    expectRateLimited(await post(ctx, '/api/v2/test/limited', {}), 5);
  } finally {
    await ctx.close();
  }
});

test('RATE_LIMIT=off disables every limit', async () => {
  const ctx = await startAuthTestApp({ extend: probe, env: { RATE_LIMIT: 'off' } });
  try {
    for (let i = 0; i < 12; i++) {
      const response = await post(ctx, '/api/v2/test/limited', {});
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('ratelimit-limit'), null);
    }
  } finally {
    await ctx.close();
  }
});

const classProbe = (app: FastifyInstance) => {
  app.post('/api/v2/test/public', { config: { routeClass: 'public' } }, async () => ({ ok: true }));
};

test('RATE_LIMITS overrides a class limit', async () => {
  const ctx = await startAuthTestApp({ extend: classProbe, env: { RATE_LIMITS: 'public=3, booking=50' } });
  try {
    await awayFromWindowEdge();
    for (let i = 0; i < 3; i++) assert.equal((await post(ctx, '/api/v2/test/public', {})).status, 200);
    expectRateLimited(await post(ctx, '/api/v2/test/public', {}), 3);
  } finally {
    await ctx.close();
  }
});

test('a malformed RATE_LIMITS stops start-up with a clear message', () => {
  for (const bad of ['public', 'public=0', 'nosuchclass=5', 'public=ten']) {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'test', DATA_DIR: 'data/test', RATE_LIMITS: bad }),
      ConfigError,
    );
  }
});

test('behind a trusted proxy, each forwarded client IP has its own budget', async () => {
  const ctx = await startAuthTestApp({
    extend: classProbe,
    env: { RATE_LIMITS: 'public=2', TRUST_PROXY: '127.0.0.1' },
  });
  try {
    await awayFromWindowEdge();
    const from = (ip: string) => post(ctx, '/api/v2/test/public', {}, '127.0.0.1', { 'x-forwarded-for': ip });
    assert.equal((await from('203.0.113.1')).status, 200);
    assert.equal((await from('203.0.113.1')).status, 200);
    expectRateLimited(await from('203.0.113.1'), 2);
    assert.equal((await from('203.0.113.2')).status, 200);
  } finally {
    await ctx.close();
  }
});

test('a large limit is counted locally first, and the count lands in Redis for every process', async () => {
  const ctx = await startAuthTestApp({ extend: classProbe, env: { RATE_LIMITS: 'public=30' } });
  try {
    assert.ok(ctx.redis);
    await awayFromWindowEdge();
    for (let i = 0; i < 30; i++) assert.equal((await post(ctx, '/api/v2/test/public', {})).status, 200);
    expectRateLimited(await post(ctx, '/api/v2/test/public', {}), 30);
    const [key] = await ctx.redis.keys(`${ctx.config.redisKeyPrefix}rl:public:*`);
    assert.ok(key, 'a counter in Redis');
    let stored = 0;
    for (let i = 0; i < 100 && stored < 30; i++) {
      stored = Number(await ctx.redis.get(key.slice(ctx.config.redisKeyPrefix.length)));
      if (stored < 30) await sleep(20);
    }
    assert.equal(stored, 30);
  } finally {
    await ctx.close();
  }
});

test('with Redis failing, a large limit is still enforced, in memory', async () => {
  const ctx = await startAuthTestApp({ extend: classProbe, env: { RATE_LIMITS: 'public=30' } });
  try {
    assert.ok(ctx.redis);
    await awayFromWindowEdge();
    assert.equal((await post(ctx, '/api/v2/test/public', {})).status, 200);
    ctx.redis.disconnect();
    for (let i = 0; i < 29; i++) assert.equal((await post(ctx, '/api/v2/test/public', {})).status, 200);
    expectRateLimited(await post(ctx, '/api/v2/test/public', {}), 30);
  } finally {
    await ctx.close();
  }
});
