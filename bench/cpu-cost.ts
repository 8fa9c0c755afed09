// CPU time per request, of the service's processes and of the PostgreSQL backends serving its database,
// read from /proc. Unlike req/s it hardly moves when other work shares the machine, so two revisions
// can be compared on a busy machine (`npm run bench:profile -- "<scenario>" --cost`).
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process in milliseconds (0 once it is gone). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

async function backendPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

export interface CpuSnapshot {
  service: Map<number, number>;
  database: Map<number, number>;
}

export async function snapshotCpu(servicePids: number[], databaseUrl: string): Promise<CpuSnapshot> {
  const database = await backendPids(databaseUrl);
  return {
    service: new Map(servicePids.map((pid) => [pid, cpuMs(pid)])),
    database: new Map(database.map((pid) => [pid, cpuMs(pid)])),
  };
}

/** Milliseconds of CPU per request between two snapshots (backends opened meanwhile count from 0). */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  const spent = (a: Map<number, number>, b: Map<number, number>) =>
    [...b].reduce((sum, [pid, ms]) => sum + ms - (a.get(pid) ?? 0), 0);
  return {
    serviceMs: spent(before.service, after.service) / requests,
    databaseMs: spent(before.database, after.database) / requests,
  };
}
