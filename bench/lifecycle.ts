// Set-up and tear-down shared by the bench modes: a generated data set that is dropped afterwards,
// and the service running against it for the length of some work.
import type { ServiceBuild } from './build.js';
import { createBenchDatabase } from './database.js';
import { generateDataSet } from './generate.js';
import type { BenchOptions, Sizes } from './options.js';
import type { BenchRedis } from './redis.js';
import { type RunningServer, startService } from './server.js';

export const log = (line: string) => process.stdout.write(`${line}\n`);

export async function withDataSet<T>(
  options: BenchOptions,
  build: ServiceBuild,
  sizes: Sizes,
  label: string,
  work: (url: string) => Promise<T>,
): Promise<T> {
  const db = await createBenchDatabase(options.serverUrl, label, build.migrate);
  log(
    `data set ${db.name}: ${sizes.appointments} appointments, ${sizes.payments} payments, ${sizes.barbers} barbers`,
  );
  try {
    const generated = await generateDataSet(db.url, sizes, options.seed, log);
    log(`  generated in ${generated.seconds.toFixed(1)} s`);
    return await work(db.url);
  } finally {
    if (options.keep) log(`kept ${db.url}`);
    else await db.drop();
  }
}

export async function withService<T>(
  build: ServiceBuild,
  url: string,
  workers: number,
  redis: BenchRedis | undefined,
  work: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const server = await startService(build.entry, {
    databaseUrl: url,
    workers,
    redisUrl: redis?.url,
    redisKeyPrefix: redis?.prefix ?? '',
  });
  try {
    return await work(server);
  } finally {
    await server.stop();
    // The service's own error logs explain 500s the load saw.
    const { count, first } = server.loggedErrors();
    if (count > 0) log(`  the service logged ${count} error(s); first:\n    ${first.join('\n    ')}`);
  }
}
