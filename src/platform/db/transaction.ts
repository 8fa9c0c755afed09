// One helper for "these writes belong together".
import type pg from 'pg';
import type { Pool } from './pool.js';

export type Transaction = pg.PoolClient;

export async function withTransaction<T>(pool: Pool, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself is gone: do not return it to the pool
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
