// Checked-out connections. Two pg-pool behaviours need care here:
// - pool.query() destroys its connection on ANY error, an expected constraint violation included, so
//   every 409 would cost a reconnect (TCP, authentication, a new backend, every named statement prepared
//   again). Statements whose errors are answers (23P01, 23505) run through withConnection: a connection
//   that merely reported an error goes back to the pool; a broken one is discarded.
// - pg-pool listens for a connection's 'error' only while it is idle. A connection that dies while
//   checked out (a database restart mid-request) emits 'error' with no listener, which would crash the
//   process; checkout() listens for the whole time it is held and marks the connection broken.
import pg from 'pg';
import { isDatabaseUnavailable } from './errors.js';
import type { Pool } from './pool.js';

export interface CheckedOut {
  readonly client: pg.PoolClient;
  /** Returns the connection, or discards it when it broke (or `broken` says so). */
  release(broken?: Error): void;
}

export async function checkout(pool: Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error; // the query in flight rejects with it too; here it only must not crash the process
  };
  client.on('error', onError);
  return {
    client,
    release(broken) {
      client.off('error', onError);
      client.release(broken ?? lost);
    },
  };
}

export async function withConnection<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkout(pool);
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    // A DatabaseError is the server answering normally; in autocommit nothing is left open.
    if (!(error instanceof pg.DatabaseError) || isDatabaseUnavailable(error)) {
      broken = error instanceof Error ? error : new Error(String(error));
    }
    throw error;
  } finally {
    release(broken);
  }
}
