// Command-line flags of `npm run bench`: data sizes, durations and modes. Every loop of the bench is
// bounded by these numbers, so a run always stops by itself.

export interface Sizes {
  locations: number;
  barbers: number;
  appointments: number;
  payments: number;
  /** Client accounts with a live session; the authenticated scenarios rotate through their tokens. */
  clientUsers: number;
}

export interface BenchOptions {
  quick: boolean;
  keep: boolean;
  /** Bench the working tree (with unfinished edits) instead of a snapshot of HEAD. */
  workingTree: boolean;
  sizes: Sizes;
  /** Seconds per load scenario. */
  duration: number;
  connections: number;
  workers: number;
  /**
   * Also measure the other process count (WORKERS=2 when the main pass runs 1, else 1): one extra pass
   * over the fast scenarios and booking.
   */
  compareWorkers: boolean;
  /** Run the growth comparison (a second, 10 k appointment data set). */
  growth: boolean;
  /** Soak duration in seconds; 0 = no soak. */
  soakSeconds: number;
  seed: number;
  /** CI: throughput targets are reported but only correctness fails the run. */
  correctnessOnly: boolean;
  serverUrl: string;
  /** Measure only the load scenarios whose name contains this (case-insensitive); the checks still run. */
  only: string | undefined;
}

const FULL: Sizes = {
  locations: 50,
  barbers: 500,
  appointments: 1_000_000,
  payments: 1_000_000,
  clientUsers: 2000,
};
const QUICK: Sizes = { locations: 5, barbers: 40, appointments: 20_000, payments: 20_000, clientUsers: 200 };

/** "10m", "90s", "1h" or a bare number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Math.round(Number(match[1]) * unit);
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return Math.floor(value);
}

/** The flags that size the data set, each with the field it sets. */
export const SIZE_FLAGS: Readonly<Record<string, keyof Sizes>> = {
  '--locations': 'locations',
  '--barbers': 'barbers',
  '--appointments': 'appointments',
  '--payments': 'payments',
  '--client-users': 'clientUsers',
};

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const quick = argv.includes('--quick');
  const sizes: Sizes = { ...(quick ? QUICK : FULL) };
  const options: BenchOptions = {
    quick,
    keep: false,
    workingTree: false,
    sizes,
    duration: quick ? 3 : 10,
    connections: 64,
    // The service's default, one process: on this 2-core machine the load generator needs a core of
    // its own, and two workers beside it oversubscribe the cores (every p99 higher, booking slower; the
    // full run's comparison shows both). The quick run (CI) runs two, so that two processes race for
    // the same chairs in its correctness checks.
    workers: quick ? 2 : 1,
    compareWorkers: !quick,
    growth: !quick,
    soakSeconds: 0,
    seed: 42,
    correctnessOnly: quick && env['CI'] === 'true',
    serverUrl: env['BENCH_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres',
    only: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = () => argv[++i];
    const size = Object.hasOwn(SIZE_FLAGS, flag) ? SIZE_FLAGS[flag] : undefined;
    if (size) {
      sizes[size] = positive(flag.slice(2), next());
      continue;
    }
    switch (flag) {
      case '--quick':
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--working-tree':
        options.workingTree = true;
        break;
      case '--duration':
        options.duration = parseDuration(next() ?? '');
        break;
      case '--connections':
        options.connections = positive('connections', next());
        break;
      case '--workers':
        options.workers = positive('workers', next());
        break;
      case '--no-compare-workers':
        options.compareWorkers = false;
        break;
      case '--no-growth':
        options.growth = false;
        break;
      case '--soak':
        options.soakSeconds = parseDuration(next() ?? '');
        break;
      case '--seed':
        options.seed = positive('seed', next());
        break;
      case '--only':
        options.only = next();
        if (!options.only) throw new Error('--only needs part of a scenario name, e.g. analytics');
        break;
      case '--correctness-only':
        options.correctnessOnly = true;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  if (sizes.barbers < sizes.locations) throw new Error('--barbers must be at least --locations');
  if (sizes.payments > sizes.appointments) throw new Error('--payments cannot exceed --appointments');
  return options;
}
