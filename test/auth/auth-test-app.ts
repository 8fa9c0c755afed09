// The test app of the auth tests. They specify answers, not overload behaviour: the event-loop-delay
// guard (503 `overloaded`) is off, so a CPU-starved CI machine cannot turn an answer into a 503.
import { startTestApp, type TestApp, type TestAppOptions } from '../support/build-app.js';

export function startAuthTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({ ...options, env: { MAX_EVENT_LOOP_DELAY_MS: '0', ...options.env } });
}
