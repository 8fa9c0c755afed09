// `npm run bench:faults`: fault injection on a throwaway PostgreSQL cluster and redis-server of its own.
//  1. PostgreSQL stopped for a few seconds and started again under booking load: the service answers
//     503 (problem document + Retry-After) during the outage, never hangs, recovers by itself, and
//     every booking answered 201 is in the database afterwards.
//  2. Redis killed under load: no 5xx, and the service is connected again once Redis is back.
// Exits non-zero on any failure; a watchdog bounds the whole run.
import pg from 'pg';
import { buildService } from './build.js';
import { checkBookings } from './checks.js';
import { databaseUrl, quietLog } from './database.js';
import { generateDataSet } from './generate.js';
import { log } from './lifecycle.js';
import { probe } from './measure.js';
import { availabilityColdScenario, bookingCandidates, type Candidate } from './scenarios.js';
import { type RunningServer, startService } from './server.js';
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from './throwaway.js';
import { loadWorld, mintTokens, type World } from './world.js';

const WATCHDOG_MS = 6 * 60_000;
/** A request without an answer after this long counts as hung. */
const HANG_MS = 6000;
const CLIENTS = 16;

interface Outcome {
  t: number;
  status: number | 'hung' | 'error';
  ms: number;
  retryAfter: string | null;
  problem: boolean;
  id?: string;
}

async function timedRequest(url: string, init: RequestInit, started: number): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
    const body = await response.text();
    let id: string | undefined;
    if (response.status === 201) id = (JSON.parse(body) as { id?: string }).id;
    return {
      t: (t0 - started) / 1000,
      status: response.status,
      ms: performance.now() - t0,
      retryAfter: response.headers.get('retry-after'),
      problem: (response.headers.get('content-type') ?? '').includes('application/problem+json'),
      ...(id ? { id } : {}),
    };
  } catch (error) {
    const hung = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      t: (t0 - started) / 1000,
      status: hung ? 'hung' : 'error',
      ms: performance.now() - t0,
      retryAfter: null,
      problem: false,
    };
  }
}

/** CLIENTS loops, each sending one request after another, until `seconds` have passed. */
async function drive(
  seconds: number,
  next: () => { url: string; init: RequestInit },
  during: (t: number) => Promise<void>,
) {
  const started = performance.now();
  const outcomes: Outcome[] = [];
  const stopAt = started + seconds * 1000;
  const loops = Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < stopAt) {
      const { url, init } = next();
      outcomes.push(await timedRequest(url, init, started));
    }
  });
  await Promise.all([...loops, during(started)]);
  return outcomes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function count(outcomes: Outcome[], status: Outcome['status']): number {
  return outcomes.filter((o) => o.status === status).length;
}

async function postgresRestart(
  server: RunningServer,
  postgres: ThrowawayPostgres,
  url: string,
  world: World,
  candidates: Candidate[],
) {
  const failures: string[] = [];
  const tokens = mintTokens(world.clients);
  let i = 0;
  let outage = { from: 0, to: 0 };
  const outcomes = await drive(
    24,
    () => {
      const slot = candidates[i % candidates.length]!;
      const token = tokens[i++ % tokens.length]!;
      return {
        url: `${server.baseUrl}/api/v2/appointments`,
        init: {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            barber_id: slot.barberId,
            service_id: slot.serviceId,
            start_time: slot.startTime,
          }),
        },
      };
    },
    async (started) => {
      await sleep(5000);
      outage.from = (performance.now() - started) / 1000;
      log('  stopping PostgreSQL (fast shutdown) for 5 s');
      await postgres.stop();
      await sleep(5000);
      // The outage ends when the restart is requested: PostgreSQL accepts connections before
      // pg_ctl returns, so a booking may rightly succeed before start() resolves.
      outage = { ...outage, to: (performance.now() - started) / 1000 };
      await postgres.start();
      log('  PostgreSQL started again');
    },
  );
  const inOutage = outcomes.filter((o) => o.t >= outage.from + 0.5 && o.t + o.ms / 1000 <= outage.to);
  const unavailable = outcomes.filter((o) => o.status === 503);
  const unexpected = outcomes.filter((o) => ![201, 409, 503].includes(o.status as number));
  const recovered = outcomes.filter((o) => o.status === 201 && o.t > outage.to);
  log(
    `  ${outcomes.length} bookings: ${count(outcomes, 201)} × 201, ${count(outcomes, 409)} × 409, ${unavailable.length} × 503, ${count(outcomes, 'hung')} hung, ${unexpected.length} unexpected`,
  );
  if (count(outcomes, 'hung') > 0)
    failures.push(`${count(outcomes, 'hung')} requests hung for ${HANG_MS} ms`);
  if (unavailable.length === 0) failures.push('no 503 during the PostgreSQL outage');
  if (inOutage.some((o) => o.status === 201))
    failures.push('a booking was answered 201 while PostgreSQL was down');
  const bad503 = unavailable.filter((o) => !o.retryAfter || !o.problem);
  if (bad503.length > 0) failures.push(`${bad503.length} answers 503 without Retry-After or problem+json`);
  if (unexpected.length > 0) {
    const kinds = [...new Set(unexpected.map((o) => String(o.status)))].join(', ');
    failures.push(`${unexpected.length} unexpected answers (${kinds})`);
  }
  if (recovered.length === 0) failures.push('no booking succeeded after PostgreSQL came back (no recovery)');
  else log(`  first 201 after restart at +${(recovered[0]!.t - outage.to).toFixed(1)} s`);
  const ids = outcomes.flatMap((o) => (o.id ? [o.id] : []));
  const check = await checkBookings(url, ids, new Date(0));
  log(`  201s stored: ${check.stored}/${check.answered201}; overlaps: ${check.overlaps}`);
  if (check.stored !== check.answered201)
    failures.push(`${check.answered201 - check.stored} bookings answered 201 are not in the database`);
  if (check.overlaps > 0) failures.push(`${check.overlaps} overlapping appointments`);
  return failures;
}

async function redisKill(server: RunningServer, redis: ThrowawayRedis, world: World) {
  const failures: string[] = [];
  const availability = availabilityColdScenario(world);
  const tokens = mintTokens(world.clients);
  let i = 0;
  const outcomes = await drive(
    16,
    () => {
      const n = i++;
      const spec =
        n % 2 === 0
          ? availability.next()
          : { path: '/api/v2/auth/me', headers: { authorization: `Bearer ${tokens[n % tokens.length]}` } };
      return { url: `${server.baseUrl}${spec.path}`, init: { headers: spec.headers ?? {} } };
    },
    async () => {
      await sleep(3000);
      log('  killing redis-server (SIGKILL) for 5 s');
      await redis.kill();
      await sleep(5000);
      await redis.start();
      log('  redis-server started again');
    },
  );
  const errors = outcomes.filter(
    (o) => o.status === 'hung' || o.status === 'error' || (o.status as number) >= 500,
  );
  log(
    `  ${outcomes.length} requests, statuses ${JSON.stringify(Object.fromEntries([...new Set(outcomes.map((o) => o.status))].map((s) => [s, count(outcomes, s)])))}`,
  );
  if (errors.length > 0)
    failures.push(`${errors.length} answers were 5xx, hung or failed while Redis was down`);
  // Reconnected: readiness reports Redis "ok" again (it pings through the service's own connection).
  let ready = false;
  for (let attempt = 0; attempt < 20 && !ready; attempt++) {
    const body = await fetch(`${server.baseUrl}/health/ready`)
      .then((r) => r.text())
      .catch(() => '');
    ready = body.includes('"redis":"ok"');
    if (!ready) await sleep(500);
  }
  if (!ready) failures.push('the service did not report Redis "ok" within 10 s of its return');
  else log('  service reconnected to Redis');
  return failures;
}

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`faults: watchdog fired after ${WATCHDOG_MS / 1000} s\n`);
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();
  const build = await buildService(process.argv.includes('--working-tree'), log);
  const cleanups: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    log('starting a throwaway PostgreSQL cluster and redis-server');
    const postgres = await startThrowawayPostgres();
    cleanups.unshift(() => postgres.destroy());
    const redis = await startThrowawayRedis();
    cleanups.unshift(() => redis.destroy());
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE bookedbarber_faults');
    await admin.end();
    const url = databaseUrl(postgres.url, 'bookedbarber_faults');
    await build.migrate(url, quietLog);
    await generateDataSet(
      url,
      { locations: 3, barbers: 12, appointments: 2000, payments: 500, clientUsers: 50 },
      7,
      () => undefined,
    );
    const server = await startService(build.entry, {
      databaseUrl: url,
      workers: 2,
      redisUrl: redis.url,
      redisKeyPrefix: 'bb_faults:',
    });
    cleanups.unshift(() => server.stop());
    const world = await loadWorld(url);
    const candidates = await bookingCandidates(url, 20_000);

    log('fault 1: PostgreSQL restarted under booking load');
    const missing = await probe(server.baseUrl, { method: 'POST', path: '/api/v2/appointments', body: '{}' });
    if (missing) {
      // Reported, not failed: the scenario cannot exist before its route does.
      log(`  not available: ${missing}`);
    } else {
      const pgFailures = await postgresRestart(server, postgres, url, world, candidates);
      failures.push(...pgFailures.map((f) => `postgres restart: ${f}`));
    }
    log('fault 2: Redis killed under load');
    const redisFailures = await redisKill(server, redis, world);
    failures.push(...redisFailures.map((f) => `redis kill: ${f}`));
  } catch (error) {
    failures.push(`aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
  for (const failure of failures) log(`FAIL: ${failure}`);
  log(failures.length === 0 ? 'faults: OK' : `faults: ${failures.length} failure(s)`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`faults failed: ${String(error)}\n`);
    process.exit(1);
  },
);
