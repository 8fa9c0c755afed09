// buildApp(): the platform plugins, then one register() per module. The only wiring in the codebase.
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance } from 'fastify';
import client from 'prom-client';
import type { Config } from './config.js';
import { analyticsRoutes } from './modules/analytics/analytics.routes.js';
import { AnalyticsService } from './modules/analytics/analytics.service.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { createAuthenticator } from './modules/auth/authenticator.js';
import { MfaSecretBox } from './modules/auth/mfa.crypto.js';
import { ownerMfaHook } from './modules/auth/mfa.guard.js';
import { mfaRoutes } from './modules/auth/mfa.routes.js';
import { MfaService } from './modules/auth/mfa.service.js';
import { SessionCache } from './modules/auth/sessions.cache.js';
import { createAccessTokens } from './modules/auth/tokens.js';
import { batchRoutes } from './modules/batch/batch.routes.js';
import { AppointmentLifecycle } from './modules/booking/booking.lifecycle.js';
import { guestBookingRoutes } from './modules/booking/booking.public-routes.js';
import { bookingRoutes } from './modules/booking/booking.routes.js';
import { BookingService } from './modules/booking/booking.service.js';
import { BookingSweeper } from './modules/booking/booking.sweeper.js';
import { cancellationPolicyRoutes } from './modules/booking/cancellation-policy.routes.js';
import { CancellationPolicyService } from './modules/booking/cancellation-policy.service.js';
import { clientsRoutes } from './modules/booking/clients.routes.js';
import { ClientsService } from './modules/booking/clients.service.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { monitoringRoutes } from './modules/monitoring/monitoring.routes.js';
import { CapturingEmailSender, type EmailSender } from './modules/notifications/email.js';
import { Notifier } from './modules/notifications/notifier.js';
import { CapturingSmsSender, type SmsSender } from './modules/notifications/sms.js';
import { SmtpEmailSender } from './modules/notifications/smtp-email.js';
import { TwilioSmsSender } from './modules/notifications/twilio-sms.js';
import { GiftCertificateService } from './modules/payments/gift-certificates.service.js';
import { OpenIntentCanceller } from './modules/payments/open-intents.js';
import { paymentsRoutes } from './modules/payments/payments.routes.js';
import { PaymentsService } from './modules/payments/payments.service.js';
import { StripeWebhooks } from './modules/payments/payments.webhooks.js';
import { payoutsRoutes } from './modules/payments/payouts.routes.js';
import { PayoutsService } from './modules/payments/payouts.service.js';
import { RefundSender } from './modules/payments/refunds.js';
import { StripeGateway } from './modules/payments/stripe-gateway.js';
import { stripeWebhookRoutes } from './modules/payments/webhook.routes.js';
import { availabilityRoutes } from './modules/scheduling/availability.routes.js';
import { scheduleRoutes } from './modules/scheduling/schedules.routes.js';
import { ScheduleService } from './modules/scheduling/schedules.service.js';
import { BarberDayCache } from './modules/scheduling/scheduling.cache.js';
import { SchedulingService } from './modules/scheduling/scheduling.service.js';
import { LocationAccess } from './modules/shops/location-access.js';
import { CatalogueService } from './modules/shops/shops.catalogue.service.js';
import { offeringRoutes, publicShopsRoutes } from './modules/shops/shops.public-routes.js';
import { shopsRoutes } from './modules/shops/shops.routes.js';
import { ShopsService } from './modules/shops/shops.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { UsersService } from './modules/users/users.service.js';
import { CacheCensus } from './platform/cache/cache-census.js';
import { createInvalidationBus, invalidationChannel } from './platform/cache/invalidation-bus.js';
import type { Database } from './platform/db/pool.js';
import { authenticationHook, requireAdminHook } from './platform/http/auth-guard.js';
import { installErrorHandler, sendProblem } from './platform/http/error-handler.js';
import { Overloaded } from './platform/http/errors.js';
import { type HooksByClass, installRouteClasses, type NamedHook } from './platform/http/route-classes.js';
import { securityHeadersHook } from './platform/http/security-headers.js';
import { JobQueue } from './platform/jobs/job-queue.js';
import { MemoryMonitor } from './platform/memory/memory-monitor.js';
import { LatencyRecorder } from './platform/metrics/latency.js';
import { RATE_LIMITS_PER_MINUTE } from './platform/rate-limit/limits.js';
import { MemoryRateLimiter } from './platform/rate-limit/memory-rate-limiter.js';
import { rateLimitHook } from './platform/rate-limit/rate-limit-hook.js';
import { type RateLimiter, unlimited } from './platform/rate-limit/rate-limiter.js';
import { RedisRateLimiter } from './platform/rate-limit/redis-rate-limiter.js';
import type { Redis } from './platform/redis/redis.js';
import { ServiceRegistry } from './platform/registry/registry.js';

export interface AppDeps {
  config: Config;
  db: Database;
  redis?: Redis | undefined;
  /** Pino options, or false for no logs (tests). */
  logger?: boolean | Record<string, unknown>;
  /** The e-mail provider; by default messages are captured in memory (development, tests). */
  email?: EmailSender;
  /** The SMS provider; captured in memory by default, like e-mail. */
  sms?: SmsSender;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db, redis } = deps;
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
    },
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: true, useDefaults: true } },
    return503OnClosing: true,
    // Behind a load balancer the client IP (per-IP rate limits, sessions) comes from X-Forwarded-For.
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const metrics = new client.Registry();
  client.collectDefaultMetrics({ register: metrics });
  const hookTimings = new LatencyRecorder(
    metrics,
    'bookedbarber_hook_duration_ms',
    'Time spent in each pipeline hook',
  );
  const requestTimings = new LatencyRecorder(
    metrics,
    'bookedbarber_request_duration_ms',
    'Response time per route',
  );
  const memory = new MemoryMonitor();
  memory.start();
  app.addHook('onClose', async () => memory.stop());
  const registry = new ServiceRegistry();
  const answers = (pool: Database['primary']) => async () => {
    await pool.query('SELECT 1');
    return 'ok' as const;
  };
  registry.add({ name: 'postgres-primary', kind: 'database', check: answers(db.primary) });
  if (db.replica !== db.primary)
    registry.add({ name: 'postgres-replica', kind: 'database', check: answers(db.replica) });
  registry.add({
    name: 'redis',
    kind: 'cache',
    check: async () => (redis ? ((await redis.ping()) === 'PONG' ? 'ok' : 'down') : 'not_configured'),
  });

  app.decorateRequest('auth', null);
  installErrorHandler(app);

  // Per-process caches (sessions, profiles, memberships) stay coherent across processes through this bus.
  const invalidations = createInvalidationBus(redis, invalidationChannel(config.redisKeyPrefix), app.log);
  app.addHook('onClose', () => invalidations.close());
  /** Tenant scope: pass this one instance to every module that reads or writes a location's data. */
  const locationAccess = new LocationAccess(db, invalidations);
  /** Availability and booking validation; booking calls checkBookable and invalidateBarberDays. */
  const barberDays = new BarberDayCache(invalidations);
  const scheduling = new SchedulingService(db, barberDays);
  const accessTokens = createAccessTokens(config.secrets.accessToken);
  const sessions = new SessionCache(db, invalidations);
  const users = new UsersService(db, locationAccess, invalidations);
  const caches = new CacheCensus(metrics);
  for (const owner of [locationAccess, barberDays, sessions, users]) caches.add(owner);
  caches.start();
  app.addHook('onClose', async () => caches.stop());
  const mfa = new MfaService(db, users, new MfaSecretBox(config.secrets.refreshToken));
  const email = deps.email ?? emailSenderOf(config, app);
  if (email instanceof CapturingEmailSender && config.env === 'production') {
    app.log.warn('no SMTP_URL: reset, verification and booking e-mails are captured, not delivered');
  }
  app.decorate('emailSender', email);
  const sms =
    deps.sms ?? (config.twilio ? new TwilioSmsSender(config.twilio) : new CapturingSmsSender(app.log));
  if (sms instanceof CapturingSmsSender && config.env === 'production') {
    app.log.warn('no TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM: SMS is captured, not delivered');
  }
  const notifier = new Notifier({
    db,
    email,
    sms,
    reminders: config.reminders,
    log: app.log,
  });
  app.decorate('notifier', notifier);
  // Shared by all processes through Redis when configured; memory otherwise and while Redis is down.
  const limiter: RateLimiter = !config.rateLimit
    ? unlimited
    : redis
      ? new RedisRateLimiter(redis)
      : new MemoryRateLimiter();
  const auth = new AuthService({ db, accessTokens, sessions, users, mfa, email, limiter, log: app.log });
  const authenticate = authenticationHook(createAuthenticator(accessTokens, sessions));
  const limit = (routeClass: keyof typeof RATE_LIMITS_PER_MINUTE): NamedHook[] =>
    config.rateLimit
      ? [
          rateLimitHook(limiter, {
            routeClass,
            by: RATE_LIMITS_PER_MINUTE[routeClass].by,
            perMinute: config.rateLimits[routeClass] ?? RATE_LIMITS_PER_MINUTE[routeClass].perMinute,
          }),
        ]
      : [];
  const publicHooks: NamedHook[] = [securityHeadersHook(config)];
  const hooksByClass: HooksByClass = {
    probe: [],
    public: [...publicHooks, ...limit('public')],
    auth: [...publicHooks, ...limit('auth')],
    account: [...publicHooks, authenticate, ...limit('account')],
    webhook: [],
    booking: [authenticate, ...limit('booking')],
    financial: [authenticate, ownerMfaHook(locationAccess, users), ...limit('financial')],
    analytics: [authenticate, ...limit('analytics')],
    ops: [authenticate, requireAdminHook],
  };
  installRouteClasses(app, hooksByClass, { hooks: hookTimings, requests: requestTimings });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'BookedBarber API',
        version: '2.0.0',
        description: 'Booking backend for barbershops. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Probes live outside the API context: no cookie parsing, no overload check, no hooks at all.
  await app.register(healthRoutes, { db, redis, metrics });

  await app.register(async (api) => {
    await api.register(cookie);
    // An overloaded process answers 503 with Retry-After instead of queueing without bound.
    await api.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs || undefined,
      retryAfter: 2,
      pressureHandler: (_request, reply) => {
        sendProblem(
          reply,
          Overloaded('the server is overloaded; retry shortly', { headers: { 'retry-after': '2' } }),
        );
      },
    });
    await api.register(authRoutes, { prefix: '/api/v2/auth', auth, users, accessTokens, config });
    await api.register(mfaRoutes, { prefix: '/api/v2/auth/mfa', mfa });
    await api.register(usersRoutes, { prefix: '/api/v2/users', users });
    await api.register(monitoringRoutes, {
      prefix: '/api/v2/monitoring',
      hookTimings,
      requestTimings,
      memory,
      registry,
      caches,
    });
    await api.register(batchRoutes, { prefix: '/api/v2' });
    const shops = new ShopsService(db, locationAccess, scheduling);
    const catalogue = new CatalogueService(db, locationAccess, scheduling);
    await api.register(shopsRoutes, { prefix: '/api/v2/locations', shops, catalogue });
    await api.register(publicShopsRoutes, { prefix: '/api/v2/public/locations', shops, catalogue });
    await api.register(offeringRoutes, { prefix: '/api/v2/barbers', catalogue });
    await api.register(availabilityRoutes, { scheduling });
    await api.register(scheduleRoutes, {
      prefix: '/api/v2/barbers',
      schedules: new ScheduleService(db, locationAccess, barberDays),
    });
    const booking = new BookingService({
      db,
      access: locationAccess,
      scheduling,
      onBooked: () => notifier.nudge(),
    });
    const stripe = new StripeGateway(config.stripe);
    const refunds = new RefundSender(db, stripe, app.log);
    const lifecycle = new AppointmentLifecycle(
      { db, access: locationAccess, scheduling },
      booking,
      refunds,
      () => openIntents.kick(), // set below, before any request is served
    );
    await api.register(bookingRoutes, { booking, lifecycle });
    await api.register(guestBookingRoutes, { booking, lifecycle });
    await api.register(cancellationPolicyRoutes, {
      policies: new CancellationPolicyService(db, locationAccess, booking),
    });
    await api.register(clientsRoutes, { clients: new ClientsService(db, locationAccess) });
    const analytics = new AnalyticsService(db, locationAccess);
    caches.add(analytics);
    await api.register(analyticsRoutes, { prefix: '/api/v2/analytics', analytics });
    const payments = new PaymentsService({
      db,
      access: locationAccess,
      gateway: stripe,
      appointments: lifecycle,
      refunds,
    });
    const openIntents = new OpenIntentCanceller(db, stripe, payments, refunds, app.log);
    await api.register(paymentsRoutes, { payments });
    await api.register(payoutsRoutes, {
      payouts: new PayoutsService(db, locationAccess, stripe),
      giftCertificates: new GiftCertificateService(db, locationAccess),
    });
    await api.register(stripeWebhookRoutes, { webhooks: new StripeWebhooks(db, stripe, payments, refunds) });
    const jobs = new JobQueue(db.primary, app.log);
    const sweeper = new BookingSweeper({ db, access: locationAccess, scheduling }, booking);
    api.addHook('onReady', () =>
      jobs.start([sweeper.job(), refunds.job(), openIntents.job(), notifier.job()], {
        work: config.jobWorkers,
      }),
    );
    api.addHook('onClose', () => notifier.stop());
    api.addHook('onClose', () => refunds.idle());
    api.addHook('onClose', () => openIntents.idle());
    api.addHook('onClose', () => jobs.stop());
  });

  return app;
}

/** The SMTP relay when SMTP_URL is set (closed with the app), else the in-memory capture. */
function emailSenderOf(config: Config, app: FastifyInstance): EmailSender {
  if (!config.smtpUrl) return new CapturingEmailSender(app.log);
  const smtp = new SmtpEmailSender(config.smtpUrl, config.emailFrom);
  app.addHook('onClose', async () => smtp.close());
  return smtp;
}
