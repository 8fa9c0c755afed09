// Per-name latency summaries (count, mean, p95, p99), exported to Prometheus and read by monitoring.
import client from 'prom-client';

export interface LatencyStats {
  name: string;
  count: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export class LatencyRecorder {
  private readonly summary: client.Summary<'name'>;
  private readonly totals = new Map<string, { count: number; sumMs: number }>();

  constructor(registry: client.Registry, metricName: string, help: string) {
    this.summary = new client.Summary({
      name: metricName,
      help,
      labelNames: ['name'],
      percentiles: [0.5, 0.95, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers: [registry],
    });
  }

  record(name: string, ms: number): void {
    this.summary.observe({ name }, ms);
    const total = this.totals.get(name);
    if (total) {
      total.count++;
      total.sumMs += ms;
    } else {
      this.totals.set(name, { count: 1, sumMs: ms });
    }
  }

  async snapshot(): Promise<LatencyStats[]> {
    const metric = await this.summary.get();
    const byName = new Map<string, Record<string, number>>();
    for (const value of metric.values) {
      const labels = value.labels as Record<string, string | number | undefined>;
      const name = String(labels['name']);
      const quantile = labels['quantile'];
      if (quantile === undefined) continue;
      const entry = byName.get(name) ?? {};
      entry[String(quantile)] = value.value;
      byName.set(name, entry);
    }
    return [...this.totals.entries()].map(([name, total]) => {
      const q = byName.get(name) ?? {};
      const round = (n: number | undefined) => Math.round((n ?? 0) * 1000) / 1000;
      return {
        name,
        count: total.count,
        mean_ms: round(total.sumMs / total.count),
        p50_ms: round(q['0.5']),
        p95_ms: round(q['0.95']),
        p99_ms: round(q['0.99']),
      };
    });
  }
}
