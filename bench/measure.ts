// Runs one scenario against a running server: a probe first (a route that does not exist yet is
// reported "not available", never as a pass), then, for a steady-state scenario, a few seconds of the
// same load that are not measured, then the bounded load.
import { startCeiling } from './ceiling.js';
import { type LoadResult, rateAndLatency, type RequestSpec, runLoad } from './load.js';
import { runPacedLoad } from './paced-load.js';
import { judge, type Row, unavailableRow } from './report.js';
import type { Scenario } from './scenarios.js';

/** The unmeasured load before a steady-state scenario (at most the measurement's own duration). */
const WARM_UP_SECONDS = 3;

export interface MeasureContext {
  baseUrl: string;
  connections: number;
  duration: number;
  ceilingRps: number;
  /** The service's processes: the open-loop control (a hello-world) runs with as many. */
  workers: number;
  /** false: no one-connection run after a scenario with a p99 target (the growth rounds skip it). */
  oneConnection?: boolean;
  log: (line: string) => void;
}

async function send(baseUrl: string, spec: RequestSpec): Promise<{ status: number; body: string }> {
  const response = await fetch(`${baseUrl}${spec.path}`, {
    method: spec.method,
    headers: { ...spec.headers, ...(spec.body ? { 'content-type': 'application/json' } : {}) },
    ...(spec.body ? { body: spec.body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

/** Why the scenario cannot run yet, or undefined when its route answers. */
export async function probe(
  baseUrl: string,
  spec: RequestSpec,
  expected: readonly number[] = [],
  log?: (line: string) => void,
): Promise<string | undefined> {
  try {
    const { status, body } = await send(baseUrl, spec);
    // An unexpected first answer is shown once, so a failing scenario explains itself.
    if (log && expected.length > 0 && !expected.includes(status))
      log(`    probe answered ${status}: ${body.slice(0, 300)}`);
    if (status === 404 && body.includes('route-not-found'))
      return `route ${spec.method} ${spec.path.split('?')[0]} does not exist yet`;
    return undefined;
  } catch (error) {
    return `probe failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function measure(
  context: MeasureContext,
  scenario: Scenario,
  rateForTarget?: (result: LoadResult) => number,
): Promise<{ row: Row; result: LoadResult | undefined }> {
  const firstRequest = scenario.next();
  const missing = await probe(context.baseUrl, firstRequest, scenario.expected, context.log);
  if (missing) {
    context.log(`  ${scenario.name}: not available (${missing})`);
    return { row: unavailableRow(scenario.name, scenario.target, missing), result: undefined };
  }
  const load = (duration: number, connections = context.connections) =>
    runLoad({
      baseUrl: context.baseUrl,
      connections,
      duration,
      next: scenario.next,
      ...(scenario.onResponse ? { onResponse: scenario.onResponse } : {}),
    });
  const warmUp = scenario.warmUp ? Math.min(WARM_UP_SECONDS, context.duration) : 0;
  context.log(
    `  ${scenario.name}: ${warmUp > 0 ? `${warmUp} s warm-up, then ` : ''}${context.duration} s at ${context.connections} connections…`,
  );
  if (warmUp > 0) await load(warmUp);
  const result = await load(context.duration);
  const row = judge(
    scenario.name,
    result,
    scenario.target,
    scenario.expected,
    context.ceilingRps,
    rateForTarget?.(result),
  );
  context.log(`    ${rateAndLatency(result)}, statuses ${JSON.stringify(result.statuses)}`);
  if (scenario.target.p99 !== undefined && context.oneConnection !== false) {
    // The target is judged above, at 64 requests always in flight, where most of the latency is
    // queueing (64 ÷ throughput on average, on cores shared with the load generator). One connection
    // shows what a request costs when nothing waits ahead of it. Shown, not judged.
    const alone = await load(context.duration, 1);
    row.notes.push(`one connection (nothing queued; not judged): ${rateAndLatency(alone)}`);
    context.log(`    one connection: p50 ${alone.p50.toFixed(2)} ms, p99 ${alone.p99.toFixed(2)} ms`);
  }
  return { row, result };
}

/**
 * A scenario with a throughput target and a p99 target, run again open-loop at the throughput target's
 * rate (ratio × ceiling) over the same 64 connections: the p99 while carrying the load the target asks
 * for. The saturated run judges p99 where every connection always has a request waiting, on cores
 * shared with the load generator, and most of that latency is queueing. Its own row, so both show.
 */
export async function measureAtTargetRate(context: MeasureContext, scenario: Scenario): Promise<Row[]> {
  const { ratio, p99 } = scenario.target;
  if (ratio === undefined || p99 === undefined)
    throw new Error(`${scenario.name} has no rate and p99 target`);
  const rate = Math.round(ratio * context.ceilingRps);
  const name = `${scenario.name} at ${ratio} × ceiling (fixed rate)`;
  context.log(`  ${name}: ${context.duration} s at ${rate} req/s over ${context.connections} connections…`);
  const paced = (baseUrl: string, next: Scenario['next'], onResponse?: Scenario['onResponse']) =>
    runPacedLoad({
      baseUrl,
      connections: context.connections,
      duration: context.duration,
      next,
      rate,
      ...(onResponse ? { onResponse } : {}),
    });
  const result = await paced(context.baseUrl, scenario.next, scenario.onResponse);
  const row = judge(name, result, { p99 }, scenario.expected, context.ceilingRps);
  row.notes.push(`open loop: ${rate} req/s due on a fixed schedule, latency counted from when each was due`);
  // Falling behind the schedule is no measurement of latency at that rate.
  if (result.rps < 0.95 * rate) {
    row.verdict = 'fail';
    row.notes.push(`answered only ${result.rps.toFixed(0)} of the ${rate} req/s asked for`);
  }
  context.log(`    ${rateAndLatency(result)}, statuses ${JSON.stringify(result.statuses)}`);
  return [row, await helloWorldAtRate(context, rate, paced)];
}

/**
 * The control of an open-loop row: the ceiling's bare hello-world, right after it, at the same rate
 * over the same connections. Its p99 is what this machine and the load generator add to any answer
 * at that rate (stalls of the shared cores included); the service's row is judged alone.
 */
async function helloWorldAtRate(
  context: MeasureContext,
  rate: number,
  paced: (baseUrl: string, next: Scenario['next']) => Promise<LoadResult>,
): Promise<Row> {
  const name = `control: node:http hello-world at ${rate} req/s (fixed rate)`;
  const ceiling = await startCeiling(context.workers);
  try {
    const result = await paced(ceiling.baseUrl, () => ({ method: 'GET', path: '/' }));
    context.log(`  ${name}: ${rateAndLatency(result)}`);
    const row = judge(name, result, {}, [200], context.ceilingRps);
    row.notes.push('the same schedule against the bare hello-world, right after the row above: not judged');
    return row;
  } finally {
    await ceiling.stop();
  }
}
