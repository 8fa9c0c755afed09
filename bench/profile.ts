// `npm run bench:profile -- "<scenario>" [--working-tree] [--seconds N] [--workers N] [--cost] [--redis]
// [--appointments N …]`: the service's workers under `node --cpu-prof`, one scenario on the --quick data
// set (or the sizes given, as for the bench); prints where the CPU time went (self time by function) and
// keeps the .cpuprofile for Chrome DevTools. Answers "what stands in the way" of a target.
// With --cost, no profiler: the CPU milliseconds per request of the service and of PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildService } from './build.js';
import { cpuPerRequest, describeCost, snapshotCpu } from './cpu-cost.js';
import { createBenchDatabase } from './database.js';
import { generateDataSet } from './generate.js';
import { log } from './lifecycle.js';
import { rateAndLatency, runLoad } from './load.js';
import { parseOptions, SIZE_FLAGS } from './options.js';
import { benchRedis } from './redis.js';
import {
  appointmentListScenario,
  authenticatedGetScenario,
  availabilityColdScenario,
  availabilityWarmScenario,
  bookingCandidates,
  bookingScenario,
  healthScenario,
  type Scenario,
} from './scenarios.js';
import { startService } from './server.js';
import { loadWorld } from './world.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function over every process's profile (the cluster's primary and its workers), as a
 * share of the time they were busy: idle time is left out, so an idle primary does not dilute it.
 */
function topFunctions(profiles: CpuProfile[], limit: number): string[] {
  const self = new Map<string, number>();
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)?.callFrame;
      if (!frame || frame.functionName === '(idle)') return;
      const where = frame.url
        ? `${frame.url.replace(/^file:\/\/.*?node_modules\//, 'node_modules/').replace(/^file:\/\/\/tmp\/[^/]+\//, '')}:${frame.lineNumber + 1}`
        : '';
      const key = `${frame.functionName || '(anonymous)'} ${where}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}

/** The `type` of a problem+json body, or what the body starts with. */
function problemType(body: string): string {
  try {
    return String((JSON.parse(body) as { type?: unknown }).type);
  } catch {
    return body.slice(0, 80);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'availability cold';
  const seconds = Number(args[args.indexOf('--seconds') + 1]) || 10;
  const workers = Number(args[args.indexOf('--workers') + 1]) || 1;
  // Data set sizes as for the bench (--appointments N …); the --quick sizes otherwise.
  const sizeFlags = args.flatMap((a, i) => (Object.hasOwn(SIZE_FLAGS, a) ? [a, args[i + 1]!] : []));
  const options = parseOptions(['--quick', ...sizeFlags]);
  const build = await buildService(args.includes('--working-tree'), log);
  const db = await createBenchDatabase(options.serverUrl, 'profile_', build.migrate);
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'bb-bench-cpuprof-'));
  // --redis: with Redis as the bench has it (when it answers); PostgreSQL-only otherwise.
  const redis = args.includes('--redis')
    ? await benchRedis(process.env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379')
    : undefined;
  if (redis) log(`redis: ${redis.url} prefix ${redis.prefix}`);
  try {
    await generateDataSet(db.url, options.sizes, options.seed, () => undefined);
    const world = await loadWorld(db.url);
    const scenarios: Scenario[] = [
      healthScenario(),
      availabilityWarmScenario(world),
      availabilityColdScenario(world),
      authenticatedGetScenario(world, 'GET /auth/me', '/api/v2/auth/me'),
      authenticatedGetScenario(world, 'GET /users/profile', '/api/v2/users/profile'),
      appointmentListScenario(world),
      bookingScenario(world, await bookingCandidates(db.url, seconds * 3000), []),
    ];
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario)
      throw new Error(`no scenario "${name}"; one of: ${scenarios.map((s) => s.name).join(', ')}`);
    const costOnly = args.includes('--cost');
    const server = await startService(build.entry, {
      databaseUrl: db.url,
      workers,
      ...(redis ? { redisUrl: redis.url, redisKeyPrefix: redis.prefix } : {}),
      nodeFlags: costOnly ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    });
    const sessions = async () => {
      // Connections opened to the database: a pool that keeps reconnecting shows here.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query<{ n: number }>(
        'SELECT sessions::int AS n FROM pg_stat_database WHERE datname = current_database()',
      );
      await client.end();
      return rows[0]!.n;
    };
    const sessionsBefore = await sessions();
    try {
      const cpuBefore = await snapshotCpu(server.pids(), db.url);
      const serverErrors = new Map<string, number>();
      log(`${name}: ${seconds} s at 64 connections…`);
      const result = await runLoad({
        baseUrl: server.baseUrl,
        connections: 64,
        duration: seconds,
        next: scenario.next,
        onResponse: (status, body) => {
          scenario.onResponse?.(status, body);
          if (status < 500) return;
          const type = problemType(body);
          serverErrors.set(type, (serverErrors.get(type) ?? 0) + 1);
        },
      });
      log(`${name}: ${rateAndLatency(result)}, ${JSON.stringify(result.statuses)}`);
      if (serverErrors.size > 0)
        log(`5xx by problem type: ${JSON.stringify(Object.fromEntries(serverErrors))}`);
      const requests = Object.values(result.statuses).reduce((a, b) => a + b, 0);
      const cost = cpuPerRequest(cpuBefore, await snapshotCpu(server.pids(), db.url), requests);
      log(`${describeCost(cost)} (${requests} requests)`);
      log(`database sessions opened during the load: ${(await sessions()) - sessionsBefore - 1}`);
      log(`service stderr (tail):\n${server.stderrTail().slice(-1500)}`);
    } finally {
      await server.stop(); // the profile is written when the process exits
    }
    if (costOnly) return 0;
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error('no .cpuprofile written (did the server exit cleanly?)');
    const profiles = files.map(
      (file) => JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile,
    );
    log(`self time by function, share of busy time (${files.length} profiles in ${profileDir}):`);
    for (const line of topFunctions(profiles, 25)) log(`  ${line}`);
    return 0;
  } finally {
    await db.drop();
    if (redis) log(`redis: deleted ${await redis.cleanup()} bench keys`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
