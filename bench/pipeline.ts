// The pipeline target (DESIGN §5: all hooks of a request < 0.1 ms at p99), read from the service's
// own HDR histograms on /metrics after the read scenarios have run through every route class.
import { WAITED } from '../src/platform/http/route-classes.js';
import type { Row } from './report.js';

const HOOK_P99 = /^bookedbarber_hook_duration_ms\{name="([^"]+)",quantile="0\.99"\} ([0-9.e+-]+)$/;

/** p99 per hook name, the worst one seen over `samples` scrapes (each may land on another worker). */
async function hookP99s(baseUrl: string, samples: number): Promise<Map<string, number>> {
  const worst = new Map<string, number>();
  for (let i = 0; i < samples; i++) {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      const match = HOOK_P99.exec(line);
      if (match) worst.set(match[1]!, Math.max(worst.get(match[1]!) ?? 0, Number(match[2])));
    }
  }
  return worst;
}

/**
 * One row: the sum of every hook's p99 on its memory path, an upper bound of the p99 of the hooks any
 * one request runs (no route class has them all). A hook that had to wait for I/O (the first request
 * of a session in a process reads it from PostgreSQL) is timed apart and shown in the notes: that time
 * is the database's and the event loop's, not the pipeline's. Rate limits are off in the bench.
 */
export async function pipelineRow(baseUrl: string): Promise<Row> {
  const all = await hookP99s(baseUrl, 8);
  const own = [...all].filter(([name]) => !name.endsWith(WAITED));
  const waited = [...all].filter(([name]) => name.endsWith(WAITED));
  const sum = own.reduce((a, [, p99]) => a + p99, 0);
  const problems = own.length === 0 ? ['no hook timings on /metrics'] : [];
  const list = (hooks: [string, number][]) => hooks.map(([name, p99]) => `${name} ${p99} ms`).join(', ');
  return {
    scenario: 'pipeline: hooks of a request (Σ p99)',
    rps: undefined,
    p50: undefined,
    p95: undefined,
    p99: Math.round(sum * 1000) / 1000,
    errors: 0,
    non2xx: 0,
    ratio: undefined,
    target: 'p99 < 0.1 ms',
    verdict: own.length === 0 ? 'not available' : sum < 0.1 ? 'pass' : 'fail',
    problems,
    notes: [list(own), ...(waited.length > 0 ? [`after a cache miss: ${list(waited)}`] : [])],
  };
}
