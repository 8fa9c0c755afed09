// Per-name latency (count, mean, p50, p95, p99 over the last 5–10 minutes), read by /monitoring and
// exported to Prometheus. Recording is on every request's path, so it is an HDR histogram insert
// (constant time, no allocation); percentiles are computed only when someone reads them.
import * as hdr from 'hdr-histogram-js';
import client from 'prom-client';

export interface LatencyStats {
  name: string;
  count: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

const WINDOW_MS = 5 * 60_000;

/** Microsecond resolution, two significant digits, up to one minute. */
function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 2,
    useWebAssembly: false,
  });
}

interface Series {
  current: hdr.Histogram;
  previous: hdr.Histogram;
  total: number;
}

export class LatencyRecorder {
  private readonly series = new Map<string, Series>();
  private windowStarted = Date.now();

  constructor(registry: client.Registry, metricName: string, help: string) {
    const snapshot = () => this.snapshot();
    new client.Gauge({
      name: metricName,
      help: `${help} (milliseconds, last 5–10 minutes)`,
      labelNames: ['name', 'quantile'],
      registers: [registry],
      collect() {
        this.reset();
        for (const stats of snapshot()) {
          this.set({ name: stats.name, quantile: '0.5' }, stats.p50_ms);
          this.set({ name: stats.name, quantile: '0.95' }, stats.p95_ms);
          this.set({ name: stats.name, quantile: '0.99' }, stats.p99_ms);
        }
      },
    });
  }

  record(name: string, ms: number): void {
    const now = Date.now();
    if (now - this.windowStarted > WINDOW_MS) this.rotate(now);
    let series = this.series.get(name);
    if (!series) {
      series = { current: newHistogram(), previous: newHistogram(), total: 0 };
      this.series.set(name, series);
    }
    series.current.recordValue(Math.max(1, Math.round(ms * 1000)));
    series.total++;
  }

  /** Starts a new window; the last one is kept so a read always covers at least five minutes. */
  private rotate(now: number): void {
    this.windowStarted = now;
    for (const series of this.series.values()) {
      const emptied = series.previous;
      emptied.reset();
      series.previous = series.current;
      series.current = emptied;
    }
  }

  snapshot(): LatencyStats[] {
    const round = (microseconds: number) => Math.round(microseconds) / 1000;
    return [...this.series.entries()].map(([name, series]) => {
      const window = newHistogram();
      window.add(series.previous);
      window.add(series.current);
      return {
        name,
        count: series.total,
        mean_ms: round(window.mean),
        p50_ms: round(window.getValueAtPercentile(50)),
        p95_ms: round(window.getValueAtPercentile(95)),
        p99_ms: round(window.getValueAtPercentile(99)),
      };
    });
  }
}
