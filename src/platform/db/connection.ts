// pg-pool's pool.query() destroys its connection on ANY error, an expected constraint violation
// included, so every 409 would cost a reconnect (TCP, authentication, a new backend, and every named
// statement prepared again). Statements whose errors are answers (23P01, 23505) run through here: a
// connection that merely reported an error goes back to the pool; a broken one is discarded.
import pg from 'pg';
import { isDatabaseUnavailable } from './errors.js';
import type { Pool } from './pool.js';

export async function withConnection<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
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
    client.release(broken);
  }
}
