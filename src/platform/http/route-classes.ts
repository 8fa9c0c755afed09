// Route classes replace the old stack of 13 middleware layers: each route declares its class in
// `config.routeClass`, and the hooks of that class are attached to it once, when the route is
// registered, each wrapped in a timer. Nothing is matched per request.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { MaybePromise } from '../maybe-async.js';
import type { LatencyRecorder } from '../metrics/latency.js';

export const ROUTE_CLASSES = [
  'probe',
  'public',
  'auth',
  // The caller's own account (/auth/me, logout-all, change-password, mfa/*, /users/*): authenticated.
  'account',
  'booking',
  'financial',
  'analytics',
  'ops',
  'webhook',
] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which hooks the route gets; required on every route. */
    routeClass?: RouteClass;
    /** Overrides the class's per-minute rate limit for this route (e.g. login). */
    rateLimitPerMinute?: number;
  }
}

/**
 * Returns undefined when it finished synchronously (the warm path of every hook: memory only), or a
 * promise when it had to wait for I/O (a cache miss, a Redis rate-limit bucket). Staying synchronous
 * keeps a warm hook off the microtask queue, where it would queue behind other requests' work.
 */
export type PipelineHook = (request: FastifyRequest, reply: FastifyReply) => MaybePromise<void>;

export interface NamedHook {
  readonly name: string;
  readonly run: PipelineHook;
}

export type HooksByClass = Readonly<Record<RouteClass, readonly NamedHook[]>>;

/** Suffix of a hook's timings when it had to wait for I/O (a cache miss), kept apart from its own work. */
export const WAITED = ' (waited for I/O)';

function timed(hook: NamedHook, recorder: LatencyRecorder): onRequestHookHandler {
  const { name, run } = hook;
  const waited = `${name}${WAITED}`;
  return function timedHook(request, reply, done) {
    const started = performance.now();
    const finish = (timing: string, error?: unknown) => {
      recorder.record(timing, performance.now() - started);
      done(error as Error | undefined);
    };
    let pending: MaybePromise<void>;
    try {
      pending = run(request, reply);
    } catch (error) {
      finish(name, error);
      return;
    }
    if (!pending) {
      finish(name);
      return;
    }
    // Waited for I/O: the time includes that wait, and whatever ran on the event loop meanwhile.
    pending.then(
      () => finish(waited),
      (error: unknown) => finish(waited, error),
    );
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Must be called before any route is registered. */
export function installRouteClasses(
  app: FastifyInstance,
  hooksByClass: HooksByClass,
  recorders: { hooks: LatencyRecorder; requests: LatencyRecorder },
): void {
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD') return; // Fastify's implicit HEAD twin shares the GET's hooks
    const config = (route.config ?? {}) as { routeClass?: RouteClass };
    if (!config.routeClass) {
      // Swagger UI's static files and similar plugin routes are public documentation.
      if (route.url.startsWith('/docs')) return;
      throw new Error(`route ${route.method} ${route.url} has no config.routeClass`);
    }
    if (config.routeClass === 'probe') return; // probes get no hooks at all
    const hooks = hooksByClass[config.routeClass].map((hook) => timed(hook, recorders.hooks));
    route.onRequest = [...hooks, ...asArray(route.onRequest)];
    const routeName = `${route.method} ${route.url}`;
    route.onResponse = [
      ...asArray(route.onResponse),
      (_request, reply, done) => {
        recorders.requests.record(routeName, reply.elapsedTime);
        done();
      },
    ];
  });
}
