// Process entry: config → database (embedded when DATABASE_URL is unset) → migrations → demo seed →
// (cluster of WORKERS processes) → buildApp → listen → graceful shutdown.
import cluster from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type LocalStripe, startLocalStripe } from './demo/local-stripe.js';
import { seedDemoIfEmpty } from './demo/seed-demo.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './platform/db/embedded.js';
import { migrate } from './platform/db/migrate.js';
import { createDatabase } from './platform/db/pool.js';
import { createRedis } from './platform/redis/redis.js';

/** How long in-flight requests get to finish after SIGTERM/SIGINT. */
const SHUTDOWN_GRACE_MS = 10_000;

interface PreparedDatabase {
  url: string;
  embedded: EmbeddedPostgres | undefined;
}

async function prepareDatabase(config: Config, log: Logger): Promise<PreparedDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  const url = config.databaseUrl ?? embedded!.connectionString;
  await migrate(url, log);
  if (embedded && config.seedDemo) {
    const db = createDatabase({ connectionString: url, max: 2, applicationName: 'bookedbarber-seed', log });
    try {
      const logins = await seedDemoIfEmpty(db.primary, config.dataDir);
      // One line per login, plain text, so a newcomer can copy it from the terminal.
      for (const login of logins ?? [])
        process.stdout.write(`demo login: ${login.email} password: ${login.password}\n`);
    } finally {
      await db.close();
    }
  }
  return { url, embedded };
}

/**
 * Development without Stripe keys: the local Stripe stand-in (DESIGN §2), so payments work end to end
 * on a newcomer's machine. Never in production (keys are required there) or tests (they start their own).
 */
async function localStripeForDevelopment(config: Config, log: Logger): Promise<LocalStripe | undefined> {
  if (config.env !== 'development' || config.stripe.secretKey) return undefined;
  const stripe = await startLocalStripe();
  if (config.port !== 0) stripe.webhookUrl = `http://127.0.0.1:${config.port}/api/v2/webhooks/stripe`;
  log.warn(
    { stripe: stripe.url },
    'no STRIPE_SECRET_KEY: payments use the local Stripe stand-in; pay an intent with POST <stripe>/v1/payment_intents/{id}/confirm client_secret=…',
  );
  return stripe;
}

async function serve(
  config: Config,
  databaseUrl: string,
  log: Logger,
  onClosed: () => Promise<void>,
): Promise<void> {
  const db = createDatabase({
    connectionString: databaseUrl,
    replicaConnectionString: config.databaseReplicaUrl,
    max: config.databasePoolSize,
    applicationName: 'bookedbarber-api',
    log,
  });
  const redis = config.redisUrl ? createRedis(config.redisUrl, log) : undefined;
  const app = await buildApp({ config, db, redis });
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: log }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info({ signal }, 'shutting down');
    // Stop accepting and wait for in-flight requests. A keep-alive connection whose request finishes
    // during the wait becomes idle only then, so idle sockets are swept until the server has closed.
    const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    await app.close();
    clearInterval(sweeper);
    await db.close();
    redis?.disconnect();
    await onClosed();
  });
  await app.listen({ host: config.host, port: config.port });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel });

  if (cluster.isWorker) {
    await serve(config, process.env['BOOKEDBARBER_DATABASE_URL']!, log, async () => {});
    return;
  }

  const { url, embedded } = await prepareDatabase(config, log);
  const stripe = await localStripeForDevelopment(config, log);
  if (stripe) config = loadConfig({ ...process.env, ...stripe.env() });
  if (config.workers === 1) {
    await serve(config, url, log, async () => {
      await stripe?.stop();
      await embedded?.stop();
    });
    return;
  }

  // Several processes on one port: the primary prepares the database once, then forks the workers.
  let stopping = false;
  if (config.workerHeapMiB > 0) {
    // The live heap is bounded by the caches' limits (64–84 MiB per worker in the bench's soak, by heap
    // snapshots); a fixed old space keeps V8 collecting instead of growing the heap, and RSS, 4× and more.
    cluster.setupPrimary({
      execArgv: [...process.execArgv, `--max-old-space-size=${config.workerHeapMiB}`],
    });
  }
  const fork = () => cluster.fork({ BOOKEDBARBER_DATABASE_URL: url, ...stripe?.env() });
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    fork();
  });
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS + 2000, logger: log }, async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await stripe?.stop();
    await embedded?.stop();
  });
  log.info({ workers: config.workers, port: config.port }, 'cluster started');
}

main().catch((error) => {
  process.stderr.write(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
