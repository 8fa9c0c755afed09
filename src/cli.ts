// Operator commands: `npm run cli -- make-admin EMAIL`, `npm run seed:demo`.
// Both act on DATABASE_URL, or on the embedded PostgreSQL when it is unset.
import pino from 'pino';
import { loadConfig } from './config.js';
import { seedDemoIfEmpty } from './demo/seed-demo.js';
import { startEmbeddedPostgres } from './platform/db/embedded.js';
import { migrate } from './platform/db/migrate.js';
import { createDatabase } from './platform/db/pool.js';

const USAGE = 'usage: npm run cli -- make-admin EMAIL | seed-demo';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'make-admin' && command !== 'seed-demo') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  const url = config.databaseUrl ?? embedded!.connectionString;
  await migrate(url, log);
  const db = createDatabase({ connectionString: url, max: 1, applicationName: 'bookedbarber-cli', log });
  try {
    if (command === 'make-admin') {
      const email = args[0];
      if (!email) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const result = await db.primary.query(
        'UPDATE users SET is_admin = true, updated_at = now() WHERE lower(email) = lower($1)',
        [email],
      );
      if (result.rowCount === 0) {
        process.stderr.write(`no user with e-mail ${email}\n`);
        return 1;
      }
      process.stdout.write(`${email} is now a platform admin\n`);
      return 0;
    }
    const logins = await seedDemoIfEmpty(db.primary, config.dataDir);
    if (!logins) process.stdout.write('the database already has data; nothing seeded\n');
    for (const login of logins ?? [])
      process.stdout.write(`demo login: ${login.email} password: ${login.password}\n`);
    return 0;
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
