// Samples this process's memory every so often into a bounded ring, so /monitoring/memory can show
// the trend (a leak is growth after warm-up, not a high number).
import v8 from 'node:v8';

export interface MemorySample {
  at: string;
  rss_bytes: number;
  heap_used_bytes: number;
  heap_total_bytes: number;
  external_bytes: number;
}

function sample(): MemorySample {
  const usage = process.memoryUsage();
  return {
    at: new Date().toISOString(),
    rss_bytes: usage.rss,
    heap_used_bytes: usage.heapUsed,
    heap_total_bytes: usage.heapTotal,
    external_bytes: usage.external,
  };
}

export class MemoryMonitor {
  private readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs = 30_000,
    private readonly keep = 120,
  ) {}

  start(): void {
    this.record();
    this.timer = setInterval(() => this.record(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private record(): void {
    this.samples.push(sample());
    if (this.samples.length > this.keep) this.samples.shift();
  }

  report() {
    const current = sample();
    const first = this.samples[0] ?? current;
    const heap = v8.getHeapStatistics();
    return {
      current,
      heap_limit_bytes: heap.heap_size_limit,
      rss_growth_percent:
        Math.round(((current.rss_bytes - first.rss_bytes) / first.rss_bytes) * 10_000) / 100,
      samples: this.samples,
    };
  }

  /** Runs a full GC when the process was started with --expose-gc; reports whether it could. */
  collectGarbage(): boolean {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return false;
    gc();
    return true;
  }
}
