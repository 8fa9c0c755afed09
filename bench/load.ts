// One bounded load run with autocannon, programmatically. We record every response's latency ourselves
// (autocannon's own histogram has no p95 and leaves out non-2xx answers) and count answers by status.
import autocannon from 'autocannon';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  /** Seconds; autocannon stops by itself. */
  duration: number;
  /** Called for every request: the scenario chooses path, token and body. */
  next: () => RequestSpec;
  /** Sees every answer (status and body), e.g. to collect the ids of created bookings. */
  onResponse?: (status: number, body: string) => void;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts: answers that never came. */
  transportErrors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let finished!: (value: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  // The callback form returns the instance, whose 'response' events carry every latency.
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      duration: options.duration,
      timeout: 10,
      requests: [
        {
          setupRequest: (request) => {
            const spec = options.next();
            return {
              ...request,
              method: spec.method,
              path: spec.path,
              headers: { ...spec.headers, ...(spec.body ? { 'content-type': 'application/json' } : {}) },
              body: spec.body ?? '',
            };
          },
          ...(options.onResponse
            ? { onResponse: (status: number, body: string) => options.onResponse!(status, body) }
            : {}),
        },
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    const key = String(statusCode);
    statuses[key] = (statuses[key] ?? 0) + 1;
  });
  const result = await done;
  // autocannon's own clock excludes its set-up; ours is the fallback.
  const seconds = result.duration > 0 ? result.duration : (performance.now() - started) / 1000;
  return summarize(latencies.subarray(0, count), seconds, statuses, result.errors + result.timeouts);
}

/** "N req/s, p50 … ms, p99 … ms": how a run went, for logs and notes. */
export const rateAndLatency = (r: LoadResult) =>
  `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;

/** Percentiles and rate of one run's latencies (sorted in place). */
export function summarize(
  latencies: Float64Array,
  seconds: number,
  statuses: Record<string, number>,
  transportErrors: number,
): LoadResult {
  const sorted = latencies.sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const count = sorted.length;
  return {
    requests: count,
    seconds,
    rps: count / Math.max(seconds, 1e-9),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: count > 0 ? sum / count : Number.NaN,
    statuses,
    transportErrors,
  };
}
