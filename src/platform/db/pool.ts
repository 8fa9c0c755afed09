// PostgreSQL pools: the primary for writes and read-your-writes, a replica for reads that may be stale.
import pg from 'pg';
import type { Logger } from 'pino';

export type Pool = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

// int8 (bigint) sums and counts arrive as strings by default; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// numeric (commission rates) likewise: four decimal places, never money.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
// date stays a 'YYYY-MM-DD' string: a local date has no instant, so no Date with a zone shift.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export interface PoolOptions {
  connectionString: string;
  max: number;
  applicationName: string;
  log: Logger;
}

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    application_name: options.applicationName,
    // Never hang a request on an unreachable database: fail fast and answer 503.
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 12_000,
    keepAlive: true,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', (error) => options.log.warn({ err: error }, 'idle database connection lost'));
  return pool;
}

export interface Database {
  readonly primary: Pool;
  /** Reads that may be a little stale (analytics, listings); the primary when no replica is set. */
  readonly replica: Pool;
  close(): Promise<void>;
}

export function createDatabase(options: PoolOptions & { replicaConnectionString?: string }): Database {
  const primary = createPool(options);
  const replica = options.replicaConnectionString
    ? createPool({ ...options, connectionString: options.replicaConnectionString })
    : primary;
  return {
    primary,
    replica,
    async close() {
      await primary.end();
      if (replica !== primary) await replica.end();
    },
  };
}
