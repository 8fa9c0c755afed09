// Polling for what another process or a background job does a moment later (an invalidation over
// Redis, the refund sender): bounded, so a change that never comes fails the test instead of hanging.

/** Reads until `check` holds or `timeoutMs` has passed; returns the last value for the caller to assert on. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  { intervalMs = 20, timeoutMs = 2000 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}
