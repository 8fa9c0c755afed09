// CPU time per request, of the service's processes and of the PostgreSQL backends serving its database,
// read from /proc, and the WAL written per request (pg_stat_wal, cluster-wide: run it alone). Unlike
// req/s they hardly move when other work shares the machine, so two revisions can be compared on a busy
// machine (`npm run bench:profile -- "<scenario>" --cost`).
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Cpu {
  userMs: number;
  systemMs: number;
}

/** utime and stime of a process in milliseconds (0 once it is gone). */
function cpuOf(pid: number): Cpu {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      userMs: (Number(fields[11]) * 1000) / TICKS_PER_SECOND,
      systemMs: (Number(fields[12]) * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return { userMs: 0, systemMs: 0 };
  }
}

interface Wal {
  bytes: number;
  /** Full-page images: the first change of a page after a checkpoint logs the whole 8 KB page. */
  fullPageImages: number;
}

async function databaseState(databaseUrl: string): Promise<{ backends: number[]; wal: Wal }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const wal = await client.query<Wal>(
      'SELECT wal_bytes::float8 AS "bytes", wal_fpi::float8 AS "fullPageImages" FROM pg_stat_wal',
    );
    return { backends: rows.map((r) => r.pid), wal: wal.rows[0]! };
  } finally {
    await client.end();
  }
}

export interface CpuSnapshot {
  service: Map<number, Cpu>;
  database: Map<number, Cpu>;
  wal: Wal;
}

export async function snapshotCpu(servicePids: number[], databaseUrl: string): Promise<CpuSnapshot> {
  const { backends, wal } = await databaseState(databaseUrl);
  return {
    service: new Map(servicePids.map((pid) => [pid, cpuOf(pid)])),
    database: new Map(backends.map((pid) => [pid, cpuOf(pid)])),
    wal,
  };
}

/**
 * Milliseconds of CPU and WAL per request between two snapshots (backends opened meanwhile count from 0).
 */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  const spent = (a: Map<number, Cpu>, b: Map<number, Cpu>, part: keyof Cpu) =>
    [...b].reduce((sum, [pid, cpu]) => sum + cpu[part] - (a.get(pid)?.[part] ?? 0), 0) / requests;
  const serviceUserMs = spent(before.service, after.service, 'userMs');
  const serviceSystemMs = spent(before.service, after.service, 'systemMs');
  return {
    serviceMs: serviceUserMs + serviceSystemMs,
    serviceSystemMs,
    databaseMs:
      spent(before.database, after.database, 'userMs') + spent(before.database, after.database, 'systemMs'),
    walBytes: (after.wal.bytes - before.wal.bytes) / requests,
    walFullPageImages: (after.wal.fullPageImages - before.wal.fullPageImages) / requests,
  };
}

export function describeCost(cost: ReturnType<typeof cpuPerRequest>): string {
  return `CPU per request: service ${cost.serviceMs.toFixed(3)} ms (${cost.serviceSystemMs.toFixed(3)} in the kernel), PostgreSQL ${cost.databaseMs.toFixed(3)} ms; WAL ${(cost.walBytes / 1024).toFixed(1)} KB with ${cost.walFullPageImages.toFixed(2)} full-page images per request`;
}
