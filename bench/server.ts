// Starts the built service (or any node program) as a child process on 127.0.0.1 and finds its
// processes, so the bench measures the real entry point (cluster, pools, hooks) and can read the RSS of
// every worker from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/platform/paths.js';

export const ACCESS_TOKEN_SECRET = 'bench-access-token-secret-0123456789abcdef';
const REFRESH_TOKEN_SECRET = 'bench-refresh-token-secret-0123456789abcdef';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RunningServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly pid: number;
  /** The primary and its live children (cluster workers). */
  pids(): number[];
  /** What the child wrote to stderr (last 4 KiB), for failure reports. */
  stderrTail(): string;
  /** Logged errors (pino level ≥ 50): how many, and the first few lines. */
  loggedErrors(): { count: number; first: string[] };
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

async function waitForHealth(baseUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr()}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not answer /health within ${START_TIMEOUT_MS / 1000} s:\n${stderr()}`);
}

export interface ServerOptions {
  databaseUrl: string;
  workers: number;
  redisUrl?: string | undefined;
  redisKeyPrefix?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

export async function startService(entry: string, options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bb-bench-data-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKERS: String(options.workers),
    DATABASE_URL: options.databaseUrl,
    // Two workers share the machine's PostgreSQL with other users: keep the pools modest.
    DATABASE_POOL_SIZE: '16',
    DATA_DIR: dataDir,
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'off',
    ACCESS_TOKEN_SECRET,
    REFRESH_TOKEN_SECRET,
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench',
    // Nothing listens there: no bench request may ever reach a real Stripe.
    STRIPE_API_BASE: 'http://127.0.0.1:9',
    ...(options.redisUrl
      ? { REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: options.redisKeyPrefix ?? 'bb_bench:' }
      : {}),
    // Diagnostics for the service's processes, e.g. '--heapsnapshot-signal=SIGWINCH --diagnostic-dir=/tmp'
    // (not SIGUSR2: close-with-grace shuts the process down on it).
    ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
    // To compare workers' heap limits in a soak (the service's default when unset).
    ...(process.env['WORKER_HEAP_MIB'] ? { WORKER_HEAP_MIB: process.env['WORKER_HEAP_MIB'] } : {}),
    ...options.env,
  };
  // One process runs the app itself, outside the cluster that gives each worker WORKER_HEAP_MIB: it gets
  // the same limit as a flag, as README advises for production.
  const heapMiB = process.env['WORKER_HEAP_MIB'] ?? '512';
  const heapFlags = options.workers === 1 && heapMiB !== '0' ? [`--max-old-space-size=${heapMiB}`] : [];
  const server = await startProcess([...heapFlags, ...(options.nodeFlags ?? []), entry], env, port);
  return {
    ...server,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startProcess(
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<RunningServer> {
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let partial = '';
  const errors = { count: 0, first: [] as string[] };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line)?.[1];
      if (level && Number(level) >= 50) {
        errors.count++;
        if (errors.first.length < 5) errors.first.push(line.slice(0, 600));
      }
    }
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid!;
  try {
    await waitForHealth(baseUrl, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    baseUrl,
    pid,
    pids: () => (child.exitCode === null ? [pid, ...childrenOf(pid)] : []),
    stderrTail: () => stderr,
    loggedErrors: () => errors,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size and peak of one process, in MiB, from /proc/<pid>/status. */
export function residentMemory(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
