// Throwaway servers for fault injection: a PostgreSQL cluster initdb'ed into a temp dir and a
// redis-server, each on a free port of 127.0.0.1, started and stopped by us. The machine's shared
// PostgreSQL (5432) and Redis (6379) are never touched.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensurePostgresOsUser } from '../src/platform/db/embedded.js';
import { freePort } from './server.js';

const run = promisify(execFile);

function pgBinDir(): string {
  const candidates = [process.env['PG_BIN'], '/usr/lib/postgresql/15/bin'];
  try {
    candidates.push(
      path.dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim()),
    );
  } catch {
    // not on PATH
  }
  const found = candidates.find(
    (dir) => dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')),
  );
  if (!found) throw new Error('no initdb/pg_ctl found (set PG_BIN)');
  return found;
}

export interface ThrowawayPostgres {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = pgBinDir();
  const user = await ensurePostgresOsUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bb-faults-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const pgdata = path.join(dir, 'data');
  const as = { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, timeout: 60_000 };
  await run(
    path.join(bin, 'initdb'),
    ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'],
    as,
  );
  const port = await freePort();
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=100 -c fsync=off`;
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', pgdata, ...args], as);
  const start = async () => {
    await pgCtl('-l', path.join(dir, 'postgres.log'), '-w', '-t', '30', '-o', settings, 'start');
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    async stop() {
      await pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
    },
    async destroy() {
      await pgCtl('-m', 'immediate', '-w', '-t', '30', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ThrowawayRedis {
  readonly url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        await run('redis-cli', ['-p', String(port), 'ping'], { timeout: 1000 });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('throwaway redis-server did not start');
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, start, destroy: kill };
}
