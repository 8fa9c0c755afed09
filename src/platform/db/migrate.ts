// Applies the versioned SQL migrations in migrations/ with node-pg-migrate, which holds a
// PostgreSQL advisory lock while it runs: processes starting together migrate once.
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrationsDir } from '../paths.js';

export async function migrate(connectionString: string, log: Logger): Promise<string[]> {
  const client = new pg.Client({ connectionString, application_name: 'bookedbarber-migrate' });
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'schema_migrations',
      checkOrder: true,
      // A second process waits for the first to finish, then finds nothing left to apply.
      advisoryLockMode: 'wait',
      singleTransaction: true,
      log: (message: string) => log.debug(message),
    });
    const names = applied.map((m) => m.name);
    if (names.length > 0) log.info({ migrations: names }, 'database migrated');
    return names;
  } finally {
    await client.end();
  }
}
