// One helper for "these writes belong together".
import type pg from 'pg';
import { checkout } from './connection.js';
import type { Pool } from './pool.js';

export type Transaction = pg.PoolClient;

export async function withTransaction<T>(pool: Pool, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const { client, release } = await checkout(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackFailed) {
      // The connection itself is gone: do not return it to the pool.
      broken = rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed));
    }
    throw error;
  } finally {
    release(broken);
  }
}
