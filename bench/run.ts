// `npm run bench`: builds the service, measures the ceiling, generates the data sets, drives the
// scenarios, checks bookings and query plans, and writes the report. Flags: see options.ts.
import os from 'node:os';
import { buildService } from './build.js';
import { captureStatements } from './capture.js';
import { startCeiling } from './ceiling.js';
import { checkBookings } from './checks.js';
import { cpuPerRequest, describeCost, snapshotCpu } from './cpu-cost.js';
import { explainHotQueries, statementsToExplain } from './explain.js';
import { log, withDataSet, withService } from './lifecycle.js';
import { runLoad } from './load.js';
import { type MeasureContext, measure, measureAtTargetRate } from './measure.js';
import { type BenchOptions, parseOptions } from './options.js';
import { pipelineRow } from './pipeline.js';
import { benchRedis } from './redis.js';
import type { RunningServer } from './server.js';
import { markdownTable, type Report, type Row, textTable, writeReport } from './report.js';
import {
  explainMarkdown,
  type Growth,
  growthMarkdown,
  growthRatio,
  sizeLabel,
  workersMarkdown,
} from './report-sections.js';
import {
  analyticsRevenueScenario,
  appointmentListScenario,
  authenticatedGetScenario,
  availabilityColdScenario,
  availabilityWarmScenario,
  bookingCandidates,
  bookingScenario,
  healthScenario,
  type Scenario,
} from './scenarios.js';
import { runSoak } from './soak.js';
import { loadWorld, type World } from './world.js';

async function measureCeiling(workers: number, options: BenchOptions): Promise<number> {
  const ceiling = await startCeiling(workers);
  try {
    const result = await runLoad({
      baseUrl: ceiling.baseUrl,
      connections: options.connections,
      duration: options.duration,
      next: () => ({ method: 'GET', path: '/' }),
    });
    log(
      `  ceiling (node:http, ${workers} process${workers > 1 ? 'es' : ''}): ${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms`,
    );
    return result.rps;
  } finally {
    await ceiling.stop();
  }
}

interface Pass {
  rows: Row[];
  bookingCheck?: Awaited<ReturnType<typeof checkBookings>>;
}

/**
 * The booking race and its database checks; the last scenario, since it changes the data. A second
 * pass on the same data set skips the slots the first one asked for.
 */
async function bookingPass(
  context: MeasureContext,
  server: RunningServer,
  url: string,
  rows: Row[],
  pass = 0,
): Promise<Pass['bookingCheck']> {
  const world = await loadWorld(url);
  const perPass = context.duration * 3000;
  const candidates = await bookingCandidates(url, perPass, pass * perPass);
  const created: string[] = [];
  const since = new Date(Date.now() - 1000);
  // What a booking costs, to tell a data set that makes each booking dearer from a busier machine.
  const cpuBefore = await snapshotCpu(server.pids(), url);
  const { row, result } = await measure(context, bookingScenario(world, candidates, created), (r) => {
    const decided = (r.statuses['201'] ?? 0) + (r.statuses['409'] ?? 0);
    return decided / r.seconds;
  });
  if (result) {
    const cost = cpuPerRequest(cpuBefore, await snapshotCpu(server.pids(), url), result.requests);
    row.notes.push(describeCost(cost));
    context.log(`    ${describeCost(cost)}`);
    const check = await checkBookings(url, created, since);
    row.notes.push(
      `${check.answered201} booked (${(check.answered201 / result.seconds).toFixed(0)}/s), ${result.statuses['409'] ?? 0} lost the race (409)`,
    );
    row.notes.push(`overlaps: ${check.overlaps}; 201s stored: ${check.stored}/${check.answered201}`);
    if (check.overlaps > 0) row.problems.push(`${check.overlaps} overlapping live appointments`);
    if (check.stored !== check.answered201)
      row.problems.push(`${check.answered201 - check.stored} bookings answered 201 are missing`);
    if (check.answered201 === 0) row.problems.push('no booking succeeded');
    rows.push(row);
    return check;
  }
  rows.push(row);
  return undefined;
}

/** The read scenarios, in the order they run; booking comes last since it changes the data. */
function readScenarios(world: World): Scenario[] {
  return [
    healthScenario(),
    availabilityWarmScenario(world),
    availabilityColdScenario(world),
    authenticatedGetScenario(world, 'GET /auth/me', '/api/v2/auth/me'),
    authenticatedGetScenario(world, 'GET /users/profile', '/api/v2/users/profile'),
    appointmentListScenario(world),
    analyticsRevenueScenario(world),
  ];
}

/** `--only text`: the scenarios whose name contains it; all of them without the flag. */
function selected(only: string | undefined, name: string): boolean {
  return only === undefined || name.toLowerCase().includes(only.toLowerCase());
}

async function mainPass(
  context: MeasureContext,
  server: RunningServer,
  url: string,
  only?: string,
): Promise<Row[]> {
  const world = await loadWorld(url);
  const rows: Row[] = [];
  for (const scenario of readScenarios(world).filter((s) => selected(only, s.name))) {
    rows.push((await measure(context, scenario)).row);
    if (scenario.target.ratio !== undefined && scenario.target.p99 !== undefined)
      rows.push(...(await measureAtTargetRate(context, scenario)));
  }
  if (selected(only, 'POST /appointments')) await bookingPass(context, server, url, rows);
  // Last: the hook timings then cover every route class the scenarios went through, booking included.
  rows.push(await pipelineRow(context.baseUrl));
  return rows;
}

/** The growth comparison's small data set: appointments (and payments). */
const SMALL_APPOINTMENTS = 10_000;
const SMALL = sizeLabel(SMALL_APPOINTMENTS);
/** Rounds of the growth comparison; the median of their ratios is judged. */
const GROWTH_ROUNDS = 3;
/** Booking passes 0 and 1 are the main pass and the other process count's: the growth rounds take the next. */
const FIRST_GROWTH_PASS = 2;

/**
 * Growth: cold availability and booking on the 10 k and the 1 M data set, in alternating rounds (10 k,
 * 1 M, 10 k, …), each on a freshly started service that first runs health and warm availability (the
 * main pass's history, so that JIT and pool warm-up do not pass for growth). This shared machine's speed
 * drifts by a third within minutes; a round measures both sizes within about a minute, so a drift moves
 * both, and the median of the rounds' ratios is the growth.
 */
async function growthRounds(
  contextOf: (server: RunningServer) => MeasureContext,
  urls: { small: string; large: string },
  withServiceOn: <T>(url: string, work: (server: RunningServer) => Promise<T>) => Promise<T>,
): Promise<Growth[]> {
  const measureOn = (url: string, round: number) =>
    withServiceOn(url, async (server) => {
      const context = contextOf(server);
      const world = await loadWorld(url);
      const warmUp = { ...context, duration: Math.min(3, context.duration), oneConnection: false };
      for (const scenario of readScenarios(world).slice(0, 2)) await measure(warmUp, scenario);
      const rows = [
        (await measure({ ...context, oneConnection: false }, availabilityColdScenario(world))).row,
      ];
      await bookingPass(context, server, url, rows, FIRST_GROWTH_PASS + round);
      return rows;
    });
  const growth = new Map<string, Growth>();
  for (let round = 0; round < GROWTH_ROUNDS; round++) {
    log(`growth round ${round + 1} of ${GROWTH_ROUNDS}: the ${SMALL} data set, then the large one`);
    const small = await measureOn(urls.small, round);
    const large = await measureOn(urls.large, round);
    for (const row of small) {
      const other = large.find((r) => r.scenario === row.scenario);
      if (!other) continue;
      const g = growth.get(row.scenario) ?? { scenario: row.scenario, rounds: [] };
      g.rounds.push({ small: row, large: other });
      growth.set(row.scenario, g);
    }
  }
  return [...growth.values()];
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  if (options.correctnessOnly)
    log(
      'CI mode: throughput targets are reported but do not fail the run; overlaps, errors and seq scans do.',
    );
  const build = await buildService(options.workingTree, log);
  const redis = await benchRedis(process.env['BENCH_REDIS_URL'] || 'redis://127.0.0.1:6379');
  log(
    redis
      ? `redis: ${redis.url} prefix ${redis.prefix}`
      : 'redis: not answering; the service runs without it',
  );
  if (options.soakSeconds > 0) {
    return runSoak(options, build, redis, command, startedAt);
  }

  const report: Report = {
    name: options.quick ? 'quick' : 'full',
    startedAt,
    command,
    machine: {
      revision: build.revision,
      loadAverage: os.loadavg(),
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      redis: Boolean(redis),
    },
    sections: [],
    data: {
      sizes: options.sizes,
      duration: options.duration,
      connections: options.connections,
      workers: options.workers,
    },
    failures: [],
    warnings: [],
  };
  try {
    // The machine is shared: the ceiling is measured at the start and again right before the main
    // pass, and the higher one (the one least disturbed by others) is the reference.
    const ceilings = [await measureCeiling(options.workers, options)];
    let ceilingRps = ceilings[0]!;
    report.data['ceilingRps'] = ceilings;
    const context = (baseUrl: string, ceiling = ceilingRps, workers = options.workers): MeasureContext => ({
      baseUrl,
      connections: options.connections,
      duration: options.duration,
      ceilingRps: ceiling,
      workers,
      log,
    });

    // Growth compares the large data set with one of 10 k appointments on the same shops; both are
    // generated first and kept, so that their rounds can alternate (growthRounds).
    const withSmallDataSet = <T>(work: (url: string | undefined) => Promise<T>): Promise<T> =>
      options.growth
        ? withDataSet(
            options,
            build,
            { ...options.sizes, appointments: SMALL_APPOINTMENTS, payments: SMALL_APPOINTMENTS },
            'small_',
            work,
          )
        : work(undefined);

    await withSmallDataSet((smallUrl) =>
      withDataSet(options, build, options.sizes, '', async (url) => {
        ceilings.push(await measureCeiling(options.workers, options));
        ceilingRps = Math.max(...ceilings);
        const rows = await withService(build, url, options.workers, redis, (server) =>
          mainPass(context(server.baseUrl), server, url, options.only),
        );
        report.sections.push({
          title: `Scenarios (${options.sizes.appointments} appointments, WORKERS=${options.workers}, ceiling ${ceilingRps.toFixed(0)} req/s, the higher of ${ceilings.map((c) => c.toFixed(0)).join(' and ')})`,
          markdown: markdownTable(rows) + notesOf(rows),
        });
        report.data['scenarios'] = rows;
        log(`\n${textTable(rows)}\n`);
        for (const row of rows) {
          for (const problem of row.problems) report.failures.push(`${row.scenario}: ${problem}`);
          if (row.verdict === 'fail')
            (options.correctnessOnly ? report.warnings : report.failures).push(
              `${row.scenario}: target ${row.target} missed`,
            );
        }

        if (smallUrl) {
          const large = sizeLabel(options.sizes.appointments);
          const growth = await growthRounds(
            (server) => context(server.baseUrl),
            { small: smallUrl, large: url },
            (url, work) => withService(build, url, options.workers, redis, work),
          );
          report.sections.push({
            title: `Growth: ${SMALL} → ${large} appointments, ${GROWTH_ROUNDS} alternating rounds (target ≤ 1.2 ×)`,
            markdown: growthMarkdown(growth, SMALL, large),
          });
          report.data['growth'] = growth;
          for (const g of growth) {
            for (const round of g.rounds)
              for (const row of [round.small, round.large])
                for (const problem of row.problems)
                  report.failures.push(`growth, ${row.scenario}: ${problem}`);
            const ratio = growthRatio(g);
            if (ratio !== undefined && ratio > 1.2)
              (options.correctnessOnly ? report.warnings : report.failures).push(
                `growth of ${g.scenario}: p50 × ${ratio.toFixed(2)}`,
              );
          }
        }

        log('EXPLAIN check: capturing the statements the service sends, then the named ones of src/modules');
        const world = await loadWorld(url);
        const captured = await captureStatements(build, url, [
          ...readScenarios(world),
          bookingScenario(world, await bookingCandidates(url, 5000), []),
        ]);
        const plans = await explainHotQueries(url, statementsToExplain(captured, build.root));
        report.sections.push({
          title: 'EXPLAIN (ANALYZE, BUFFERS) of the hot queries',
          markdown: explainMarkdown(plans),
        });
        report.data['explain'] = plans;
        for (const plan of plans) {
          log(
            `  ${plan.name}: ${plan.method}${plan.ms !== undefined ? ` ${plan.ms.toFixed(2)} ms` : ''} ${plan.indexes.join(', ') || '(no index)'}${plan.largeSeqScans.length ? ` SEQ SCAN ${plan.largeSeqScans.join(', ')}` : ''}${plan.error ? ` error: ${plan.error}` : ''}`,
          );
          if (plan.largeSeqScans.length)
            report.failures.push(`${plan.name} does a Seq Scan on ${plan.largeSeqScans.join(', ')}`);
          if (plan.error) report.warnings.push(`${plan.name} could not be explained: ${plan.error}`);
        }

        if (options.compareWorkers) {
          const other = options.workers === 1 ? 2 : 1;
          const otherCeiling = await measureCeiling(other, options);
          const otherRows = await withService(build, url, other, redis, async (server) => {
            const world = await loadWorld(url);
            const out: Row[] = [];
            for (const s of [
              healthScenario(),
              availabilityWarmScenario(world),
              authenticatedGetScenario(world, 'GET /auth/me', '/api/v2/auth/me'),
            ])
              out.push((await measure(context(server.baseUrl, otherCeiling, other), s)).row);
            await bookingPass(context(server.baseUrl, otherCeiling, other), server, url, out, 1);
            return out;
          });
          for (const row of otherRows)
            for (const problem of row.problems)
              report.failures.push(`${row.scenario} (W=${other}): ${problem}`);
          const [one, two] = other === 1 ? [otherRows, rows] : [rows, otherRows];
          const [ceilingOne, ceilingTwo] =
            other === 1 ? [otherCeiling, ceilingRps] : [ceilingRps, otherCeiling];
          report.sections.push({
            title: 'WORKERS=1 vs WORKERS=2',
            markdown: workersMarkdown(one, two, ceilingOne, ceilingTwo),
          });
          report.data['otherWorkers'] = { workers: other, ceilingRps: otherCeiling, rows: otherRows };
        }
      }),
    );
  } catch (error) {
    report.failures.push(
      `bench aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  } finally {
    if (redis) log(`redis: deleted ${await redis.cleanup()} bench keys`);
  }
  if (options.correctnessOnly)
    report.warnings.unshift(
      'CI mode (--quick): throughput targets do not fail the run; only correctness (overlaps, errors, seq scans) does.',
    );
  const files = writeReport(report);
  log(`results: ${files.markdown}, ${files.json}`);
  for (const warning of report.warnings) log(`warning: ${warning}`);
  for (const failure of report.failures) log(`FAIL: ${failure}`);
  log(report.failures.length === 0 ? 'bench: OK' : `bench: ${report.failures.length} failure(s)`);
  return report.failures.length === 0 ? 0 : 1;
}

function notesOf(rows: readonly Row[]): string {
  const notes = rows.flatMap((r) => [...r.notes, ...r.problems].map((n) => `- ${r.scenario}: ${n}`));
  return notes.length ? `\n\n${notes.join('\n')}` : '';
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
