// An open-loop load: requests are due on a fixed schedule (`rate` per second) whether or not earlier
// answers have come back, over a pool of `connections` keep-alive connections (undici). A request's
// latency counts from when it was due, so time spent waiting for a free connection behind a slow answer
// is measured too (no coordinated omission). autocannon's own rate option is no substitute: it caps each
// connection's requests per second, so every connection still sends as fast as it can at the start of
// each second and then waits: saturated bursts.
import { Pool } from 'undici';
import { type LoadOptions, type LoadResult, summarize } from './load.js';

/** How often the schedule is checked; requests that fell due meanwhile leave together. */
const TICK_MS = 1;

/**
 * The schedule's first seconds run unmeasured: while the pool's connections open and undici's code
 * warms, requests fall behind and wait (against a hello-world: every request due in the first 0.4 s,
 * p95 50–70 ms instead of 3 ms; against the service after one warm-up second, the next 0.9 s).
 */
const DEFAULT_WARM_UP_SECONDS = 3;

export async function runPacedLoad(
  options: LoadOptions & { rate: number; warmUpSeconds?: number },
): Promise<LoadResult> {
  const warmUpSeconds = options.warmUpSeconds ?? DEFAULT_WARM_UP_SECONDS;
  const pool = new Pool(options.baseUrl, {
    connections: options.connections,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let transportErrors = 0;
  const unmeasured = Math.round(options.rate * warmUpSeconds);
  const total = unmeasured + Math.round(options.rate * options.duration);
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const measuredFrom = started + warmUpSeconds * 1000;

  const send = (dueAt: number, measured: boolean) => {
    const spec = options.next();
    const done = pool
      .request({
        method: spec.method,
        path: spec.path,
        headers: { ...spec.headers, ...(spec.body ? { 'content-type': 'application/json' } : {}) },
        ...(spec.body ? { body: spec.body } : {}),
      })
      .then(async (response) => {
        // The whole body is awaited either way (the latency ends with its last byte); it is decoded only
        // when a scenario reads it: turning a 5 KB answer into a string costs the generator, which
        // shares the cores with the service, CPU that the hello-world control's 15 bytes do not.
        if (options.onResponse) options.onResponse(response.statusCode, await response.body.text());
        else await response.body.dump({ limit: 16 * 1024 * 1024 }); // read to the end, then dropped
        if (!measured) return;
        latencies.push(performance.now() - dueAt);
        statuses[String(response.statusCode)] = (statuses[String(response.statusCode)] ?? 0) + 1;
      })
      .catch(() => {
        if (measured) transportErrors++;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * options.rate) / 1000));
      for (; sent < due; sent++) send(started + (sent * 1000) / options.rate, sent >= unmeasured);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // Bounded: every request times out after 10 s at the latest. Answers that come late lower the rate.
  await Promise.all(inFlight);
  const seconds = (performance.now() - measuredFrom) / 1000;
  await pool.close();
  return summarize(Float64Array.from(latencies), seconds, statuses, transportErrors);
}
