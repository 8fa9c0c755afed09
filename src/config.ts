// Environment → a typed, validated, frozen Config. A bad value stops start-up with one clear line.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RATE_LIMITS_PER_MINUTE } from './platform/rate-limit/limits.js';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  readonly logLevel: string;
  /** Unset: the embedded PostgreSQL under `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  readonly databaseReplicaUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly rateLimit: boolean;
  /** Per-minute limits overriding the defaults of some route classes (`RATE_LIMITS=booking=200,public=600`). */
  readonly rateLimits: Readonly<Partial<Record<RateLimitedClass, number>>>;
  /** Fastify `trustProxy`: behind a load balancer, which hops to trust for the client IP (rate limits). */
  readonly trustProxy: boolean | string;
  readonly secrets: { readonly accessToken: string; readonly refreshToken: string };
  readonly cookieSecure: boolean;
  /** Unset key (development, tests): payment routes answer 503 payments-not-configured. */
  readonly stripe: {
    readonly secretKey: string | undefined;
    readonly webhookSecret: string | undefined;
    /** A Stripe-compatible server (tests, demo) instead of api.stripe.com. */
    readonly apiBase: string | undefined;
  };
  /** An SMTP relay for e-mail (`smtp://user:password@host:587`); unset, e-mails are captured, not sent. */
  readonly smtpUrl: string | undefined;
  /** The From of every e-mail. */
  readonly emailFrom: string;
  /** SMS through Twilio when the account, token and sender are all set; else SMS is captured, not sent. */
  readonly twilio:
    | {
        readonly accountSid: string;
        readonly authToken: string;
        /** A Twilio phone number (E.164) or a Messaging Service SID (MG…). */
        readonly from: string;
        /** A Twilio-compatible server instead of api.twilio.com (tests, demo). */
        readonly apiBase: string | undefined;
      }
    | undefined;
  readonly seedDemo: boolean;
  /**
   * Whether this process takes background jobs from the durable queue (`JOB_WORKERS=on`, the default).
   * `off`: a web-only process; the schedules are still declared, and other processes run the jobs.
   */
  readonly jobWorkers: boolean;
  /** Which appointment reminders are sent (`REMINDERS=24h,2h`, the default; `off` for none). */
  readonly reminders: readonly ('reminder_24h' | 'reminder_2h')[];
  /** Event-loop delay beyond which the process answers 503 rather than queue without bound. */
  readonly maxEventLoopDelayMs: number;
  /**
   * V8 old-space limit of each worker process (WORKERS ≥ 2), in MiB; 0 leaves V8's default, which on a
   * large machine lets the heap grow to several times its live size before collecting.
   */
  readonly workerHeapMiB: number;
}

export class ConfigError extends Error {}

type RateLimitedClass = keyof typeof RATE_LIMITS_PER_MINUTE;

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function rateLimits(env: Env, name: string): Config['rateLimits'] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return {};
  const limits: Partial<Record<RateLimitedClass, number>> = {};
  for (const part of raw.split(',')) {
    const [routeClass = '', value = ''] = part.split('=').map((piece) => piece.trim());
    const perMinute = Number(value);
    if (!(routeClass in RATE_LIMITS_PER_MINUTE) || !Number.isInteger(perMinute) || perMinute < 1) {
      const classes = Object.keys(RATE_LIMITS_PER_MINUTE).join(', ');
      throw new ConfigError(
        `${name} must look like "booking=200,public=600" (classes: ${classes}), got "${raw}"`,
      );
    }
    limits[routeClass as RateLimitedClass] = perMinute;
  }
  return limits;
}

function reminders(env: Env, name: string): Config['reminders'] {
  const raw = env[name]?.trim() || '24h,2h';
  if (raw === 'off') return [];
  const kinds = raw.split(',').map((part) => part.trim());
  const chosen: Config['reminders'][number][] = [];
  for (const kind of kinds) {
    if (kind !== '24h' && kind !== '2h')
      throw new ConfigError(`${name} must list 24h and/or 2h, or be off; got "${raw}"`);
  }
  for (const kind of new Set(kinds)) chosen.push(kind === '24h' ? 'reminder_24h' : 'reminder_2h');
  return chosen;
}

/** "true" (trust every hop) or the addresses/CIDRs (comma-separated) of the proxies to trust; unset: none. */
function trustProxy(env: Env, name: string): Config['trustProxy'] {
  const raw = env[name]?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return raw;
}

/**
 * A secret from the environment; in development only, one generated once and kept in
 * `dataDir/secrets.json` so tokens survive restarts. Production refuses to start without it.
 */
function secret(env: Env, name: string, mode: Config['env'], dataDir: string): string {
  const raw = env[name];
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
    return raw;
  }
  if (mode === 'production') throw new ConfigError(`${name} is required in production`);
  const file = path.join(dataDir, 'secrets.json');
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (!stored[name]) {
    stored[name] = randomBytes(48).toString('base64url');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored[name];
}

function twilioSettings(env: Env): Config['twilio'] {
  const names = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;
  const [accountSid, authToken, from] = names.map((name) => env[name] || undefined);
  if (!accountSid && !authToken && !from) return undefined;
  if (!accountSid || !authToken || !from) {
    throw new ConfigError(`${names.join(', ')} are set together or not at all`);
  }
  return { accountSid, authToken, from, apiBase: url(env, 'TWILIO_API_BASE', ['http:', 'https:']) };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(env['DATA_DIR'] || 'data');
  const config: Config = {
    env: mode,
    host: env['HOST'] || '0.0.0.0',
    port: integer(env, 'PORT', 8000, 0, 65535),
    workers: integer(env, 'WORKERS', 1, 1, 256),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseReplicaUrl: url(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']),
    // At least 2: the job queue holds one connection for its start-up lock while it declares through another.
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 20, 2, 500),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env['REDIS_KEY_PREFIX'] || 'bb:',
    dataDir,
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    rateLimit: oneOf(env, 'RATE_LIMIT', ['on', 'off'] as const, 'on') === 'on',
    rateLimits: rateLimits(env, 'RATE_LIMITS'),
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    secrets: {
      accessToken: secret(env, 'ACCESS_TOKEN_SECRET', mode, dataDir),
      refreshToken: secret(env, 'REFRESH_TOKEN_SECRET', mode, dataDir),
    },
    cookieSecure: mode === 'production',
    stripe: {
      secretKey: env['STRIPE_SECRET_KEY'] || undefined,
      webhookSecret: env['STRIPE_WEBHOOK_SECRET'] || undefined,
      apiBase: url(env, 'STRIPE_API_BASE', ['http:', 'https:']),
    },
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    emailFrom: env['EMAIL_FROM'] || 'BookedBarber <no-reply@bookedbarber.app>',
    twilio: twilioSettings(env),
    seedDemo: oneOf(env, 'SEED_DEMO', ['auto', 'off'] as const, 'auto') === 'auto',
    jobWorkers: oneOf(env, 'JOB_WORKERS', ['on', 'off'] as const, 'on') === 'on',
    reminders: reminders(env, 'REMINDERS'),
    maxEventLoopDelayMs: integer(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 60_000),
    workerHeapMiB: integer(env, 'WORKER_HEAP_MIB', 512, 0, 65_536),
  };
  if (mode === 'production' && (!config.stripe.secretKey || !config.stripe.webhookSecret)) {
    throw new ConfigError('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required in production');
  }
  return Object.freeze(config);
}
