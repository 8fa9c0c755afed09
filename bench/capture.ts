// The capture phase of the EXPLAIN check: a one-worker service whose database connection runs through
// the recording proxy, driven briefly through every scenario, yields the statements it really sends.
// Kept apart from the measured passes: the proxy costs CPU.
import type { ServiceBuild } from './build.js';
import { runLoad } from './load.js';
import { probe } from './measure.js';
import { type CapturedStatement, startRecorder } from './recorder.js';
import type { Scenario } from './scenarios.js';
import { startService } from './server.js';

const SECONDS_PER_SCENARIO = 1;

export async function captureStatements(
  build: ServiceBuild,
  databaseUrl: string,
  scenarios: readonly Scenario[],
): Promise<CapturedStatement[]> {
  const target = new URL(databaseUrl);
  const recorder = await startRecorder(target.hostname, Number(target.port || 5432));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(recorder.port);
  try {
    const server = await startService(build.entry, { databaseUrl: proxied.toString(), workers: 1 });
    try {
      for (const scenario of scenarios) {
        if (await probe(server.baseUrl, scenario.next())) continue;
        await runLoad({
          baseUrl: server.baseUrl,
          connections: 8,
          duration: SECONDS_PER_SCENARIO,
          next: scenario.next,
        });
      }
    } finally {
      await server.stop();
    }
    return recorder.statements();
  } finally {
    await recorder.close();
  }
}
