// `npm run bench -- --soak 10m`: a warm-up, then a mixed load for the given duration, in 5-second
// windows; after each window the RSS of every server process (/proc/<pid>/status) and one worker's heap
// and caches (/metrics) are sampled. The warm-up lasts until RSS and the caches' occupancy have both
// settled (JIT, pools and caches at their working size: under 2 % and 5 % over the last minute), at
// least one minute and at most five. Growth is measured over the soak that follows; target < 10 %.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/platform/paths.js';
import type { ServiceBuild } from './build.js';
import { lineChartSvg } from './chart.js';
import { log, withDataSet, withService } from './lifecycle.js';
import { runLoad } from './load.js';
import { probe } from './measure.js';
import type { BenchOptions } from './options.js';
import type { BenchRedis } from './redis.js';
import { writeReport } from './report.js';
import {
  appointmentListScenario,
  authenticatedGetScenario,
  availabilityRandomScenario,
  availabilityWarmScenario,
  bookingCandidates,
  bookingScenario,
  type Candidate,
  type Scenario,
} from './scenarios.js';
import { type RunningServer, residentMemory } from './server.js';
import { loadWorld, type World } from './world.js';

const WINDOW_SECONDS = 5;
const GROWTH_TARGET = 0.1;
const WARMUP_MIN_SECONDS = 60;
const WARMUP_MAX_SECONDS = 300;
/** RSS growth over the last minute below which the warm-up is over. */
const SETTLED = 0.02;
/** Change of the caches' entries over the last minute below which they are at their working size. */
const CACHES_SETTLED = 0.05;
/** Drops a generation of keys every minute: a saw-tooth, not a level, so left out of the caches' total. */
const SAWTOOTH_CACHES = new Set(['availability-doorkeeper']);

interface Sample {
  t: number;
  rssMiB: number;
  heapMiB: number | undefined;
  /** Entries of that worker's caches. */
  cacheEntries: number | undefined;
  rps: number;
  p99: number;
  errors5xx: number;
}

/** The heap and cache occupancy of whichever worker answers /metrics. */
async function workerFigures(baseUrl: string): Promise<Pick<Sample, 'heapMiB' | 'cacheEntries'>> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const heap = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
    let cacheEntries: number | undefined;
    for (const [, cache, entries] of text.matchAll(/^bookedbarber_cache_entries\{cache="([^"]+)"\} (\d+)/gm))
      if (!SAWTOOTH_CACHES.has(cache!)) cacheEntries = (cacheEntries ?? 0) + Number(entries);
    return { heapMiB: heap ? Number(heap[1]) / 2 ** 20 : undefined, cacheEntries };
  } catch {
    return { heapMiB: undefined, cacheEntries: undefined };
  }
}

/** Tokens last 15 minutes: the mix is re-built with new ones every 10 minutes of soak. */
const REMINT_EVERY_WINDOWS = 120;
/** Slots each build of the booking scenario may try: more than 10 minutes of booking asks for. */
const CANDIDATES_PER_BUILD = 50_000;

/**
 * The mix, weighted by how often each request happens in a shop's day, and the same throughout (a soak
 * measures a steady load). A re-built mix (new tokens) continues where the last one stopped: the same
 * one-off draws (a new generator would replay the first minutes' keys, all repeats by then) and booking
 * candidates not tried yet (the same slots again would all answer 409, so no booking would invalidate a
 * cached day any more: a lighter load that keeps more in the caches).
 */
async function mixedScenarios(
  world: World,
  baseUrl: string,
  created: string[],
  steady: { oneOff: Scenario; candidates: Candidate[] },
) {
  const weighted: [Scenario, number][] = [
    [steady.oneOff, 35],
    [availabilityWarmScenario(world), 20],
    [authenticatedGetScenario(world, 'GET /auth/me', '/api/v2/auth/me'), 15],
    [authenticatedGetScenario(world, 'GET /users/profile', '/api/v2/users/profile'), 10],
    [appointmentListScenario(world), 15],
    [bookingScenario(world, steady.candidates, created), 5],
  ];
  const live: [Scenario, number][] = [];
  for (const [scenario, weight] of weighted) {
    const missing = await probe(baseUrl, scenario.next());
    if (missing) log(`  soak: ${scenario.name} not available (${missing})`);
    else live.push([scenario, weight]);
  }
  return live;
}

function picker(mix: [Scenario, number][]) {
  const total = mix.reduce((sum, [, w]) => sum + w, 0);
  let i = 0;
  // A fixed interleaving (not Math.random): the same mix every run.
  return () => {
    let slot = (i++ * 7919) % total;
    for (const [scenario, weight] of mix) {
      if (slot < weight) return scenario.next();
      slot -= weight;
    }
    return mix[0]![0].next();
  };
}

/**
 * Whether, over the last minute of samples, RSS changed by less than SETTLED and the caches' entries by
 * less than CACHES_SETTLED, either way (the primary gives memory back after start-up; a sweep shrinks
 * caches).
 */
function settled(samples: readonly Sample[]): boolean {
  const lastMinute = samples.slice(-(60 / WINDOW_SECONDS));
  if (lastMinute.length < 60 / WINDOW_SECONDS) return false;
  const [first, last] = [lastMinute[0]!, lastMinute.at(-1)!];
  const rssSettled = Math.abs(last.rssMiB - first.rssMiB) / first.rssMiB < SETTLED;
  // A /metrics read that failed (undefined) settles nothing.
  const cachesSettled =
    first.cacheEntries !== undefined &&
    last.cacheEntries !== undefined &&
    Math.abs(last.cacheEntries - first.cacheEntries) <= CACHES_SETTLED * Math.max(first.cacheEntries, 1);
  return rssSettled && cachesSettled;
}

async function soakOn(
  server: RunningServer,
  url: string,
  options: BenchOptions,
): Promise<{ samples: Sample[]; warmup: number }> {
  const world = await loadWorld(url);
  const created: string[] = [];
  const samples: Sample[] = [];
  let warmup: number | undefined;
  let soakWindows = Math.ceil(options.soakSeconds / WINDOW_SECONDS);
  const started = performance.now();
  const oneOff = availabilityRandomScenario(world);
  const builds = Math.ceil(
    (WARMUP_MAX_SECONDS + options.soakSeconds) / WINDOW_SECONDS / REMINT_EVERY_WINDOWS,
  );
  const candidates = await bookingCandidates(url, builds * CANDIDATES_PER_BUILD);
  let build = 0;
  const nextMix = () => {
    const offset = (build++ * CANDIDATES_PER_BUILD) % candidates.length;
    const fresh = candidates.slice(offset, offset + CANDIDATES_PER_BUILD);
    return mixedScenarios(world, server.baseUrl, created, { oneOff, candidates: fresh });
  };
  let mix = await nextMix();
  if (mix.length === 0) throw new Error('no soak scenario is available');
  for (let w = 0; soakWindows > 0; w++) {
    if (warmup !== undefined) soakWindows--;
    if (w > 0 && w % REMINT_EVERY_WINDOWS === 0) mix = await nextMix();
    const next = picker(mix);
    const result = await runLoad({
      baseUrl: server.baseUrl,
      connections: options.connections,
      duration: WINDOW_SECONDS,
      next,
    });
    const rssMiB = server.pids().reduce((sum, pid) => sum + (residentMemory(pid)?.rssMiB ?? 0), 0);
    const errors5xx = Object.entries(result.statuses)
      .filter(([s]) => s.startsWith('5'))
      .reduce((n, [, c]) => n + c, 0);
    samples.push({
      t: (performance.now() - started) / 1000,
      rssMiB,
      ...(await workerFigures(server.baseUrl)),
      rps: result.rps,
      p99: result.p99,
      errors5xx: errors5xx + result.transportErrors,
    });
    const s = samples.at(-1)!;
    if (w % 6 === 0)
      log(
        `  t=${s.t.toFixed(0)} s  rss ${s.rssMiB.toFixed(0)} MiB  heap ${s.heapMiB?.toFixed(0) ?? '?'} MiB  cached ${s.cacheEntries ?? '?'}  ${s.rps.toFixed(0)} req/s  p99 ${s.p99.toFixed(1)} ms`,
      );
    if (
      warmup === undefined &&
      s.t >= WARMUP_MIN_SECONDS &&
      (settled(samples) || s.t >= WARMUP_MAX_SECONDS)
    ) {
      warmup = s.t;
      log(
        `  warm-up over at t=${s.t.toFixed(0)} s (${settled(samples) ? 'RSS and caches settled' : 'time limit'})`,
      );
    }
  }
  return { samples, warmup: warmup ?? 0 };
}

export async function runSoak(
  options: BenchOptions,
  build: ServiceBuild,
  redis: BenchRedis | undefined,
  command: string,
  startedAt: string,
): Promise<number> {
  log(`soak: ${options.soakSeconds} s of mixed load in ${WINDOW_SECONDS} s windows`);
  const { samples, warmup } = await withDataSet(options, build, options.sizes, 'soak_', (url) =>
    withService(build, url, options.workers, redis, (server) => soakOn(server, url, options)),
  );
  if (redis) await redis.cleanup();
  const after = samples.filter((s) => s.t > warmup);
  const avg = (xs: Sample[]) => xs.reduce((n, s) => n + s.rssMiB, 0) / Math.max(xs.length, 1);
  const base = avg(after.slice(0, 3));
  const end = avg(after.slice(-3));
  const growth = after.length >= 6 ? (end - base) / base : Number.NaN;
  // Shown beside the verdict: a curve that flattens (caches full, heap at its working size) reads
  // differently from one that keeps climbing, whatever the first minute did.
  const secondHalf = samples.filter((s) => s.t >= warmup + options.soakSeconds / 2);
  const lateGrowth =
    secondHalf.length >= 6
      ? (avg(secondHalf.slice(-3)) - avg(secondHalf.slice(0, 3))) / avg(secondHalf.slice(0, 3))
      : Number.NaN;
  const errors = samples.reduce((n, s) => n + s.errors5xx, 0);
  const failures: string[] = [];
  if (!(growth < GROWTH_TARGET))
    failures.push(`RSS grew ${(growth * 100).toFixed(1)} % after warm-up (target < 10 %)`);
  if (errors > 0) failures.push(`${errors} 5xx answers or transport errors during the soak`);

  const svg = lineChartSvg(
    `Soak: ${options.soakSeconds} s mixed load, WORKERS=${options.workers}, ${options.connections} connections`,
    [
      {
        label: 'RSS of all server processes',
        unit: 'MiB',
        color: '#1f77b4',
        points: samples.map((s) => ({ x: s.t, y: s.rssMiB })),
      },
      {
        label: 'heap used (one worker)',
        unit: 'MiB',
        color: '#2ca02c',
        points: samples.map((s) => ({ x: s.t, y: s.heapMiB ?? Number.NaN })),
      },
      {
        label: 'cache entries (one worker, thousands)',
        unit: 'k',
        color: '#9467bd',
        points: samples.map((s) => ({ x: s.t, y: (s.cacheEntries ?? Number.NaN) / 1000 })),
      },
      {
        label: 'p99 latency per 5 s window',
        unit: 'ms',
        color: '#d62728',
        points: samples.map((s) => ({ x: s.t, y: s.p99 })),
      },
    ],
    warmup,
  );
  const svgPath = path.join(projectRoot, 'bench', 'results', 'soak.svg');
  const summary = `Warm-up ${warmup.toFixed(0)} s, then ${options.soakSeconds} s measured. RSS after warm-up ${base.toFixed(1)} MiB → at the end ${end.toFixed(1)} MiB: growth ${(growth * 100).toFixed(1)} % (target < 10 %); over the second half ${(lateGrowth * 100).toFixed(1)} %. ${errors} 5xx/transport errors. Mean ${(samples.reduce((n, s) => n + s.rps, 0) / Math.max(samples.length, 1)).toFixed(0)} req/s.`;
  const files = writeReport({
    name: 'soak',
    startedAt,
    command,
    machine: {
      revision: build.revision,
      loadAverage: os.loadavg(),
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
    },
    sections: [
      { title: 'Memory over the soak', markdown: `${summary}\n\n![RSS and p99 over time](soak.svg)` },
    ],
    data: { samples, warmupSeconds: warmup, growth, lateGrowth },
    failures,
    warnings: [],
  });
  writeFileSync(svgPath, svg);
  log(summary);
  log(`results: ${files.markdown}, ${svgPath}`);
  for (const f of failures) log(`FAIL: ${f}`);
  return failures.length === 0 ? 0 : 1;
}
