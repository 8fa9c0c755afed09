// Analytics: revenue, appointments and the six-figure dashboard of a location or one barber over a
// range of the location's local days. Owners, managers and platform admins see the whole location; a
// barber sees only their own figures. Answers are cached per process (see ANSWER_FRESH_MS).
import { Temporal } from 'temporal-polyfill';
import type { CountedCache } from '../../platform/cache/cache-census.js';
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden, NotFound } from '../../platform/http/errors.js';
import type { LocationAccess, Role } from '../shops/location-access.js';
import { RefreshingCache } from './analytics.cache.js';
import { InvalidDateRange, UnknownBarber } from './analytics.errors.js';
import type {
  AnalyticsQuery,
  AppointmentStats,
  Dashboard,
  Revenue,
  SeriesQuery,
} from './analytics.schemas.js';
import * as sql from './analytics.sql.js';
import {
  addDays,
  type Bucket,
  bucketsOf,
  datesOf,
  daysIn,
  type GroupBy,
  type LocalRange,
  periodStart,
  rangeProblem,
  resolveRange,
} from './date-range.js';
import { appointmentRates, dashboardFigures, revenueTotals, type StatusCounts } from './figures.js';
import { type BarberSchedule, workingMinutes } from './working-time.js';

/**
 * Analytics may be a little stale (DESIGN §2: it may even be read from a replica), so answers are
 * reused instead of invalidated: a payment, booking or schedule change costs its write path nothing
 * and shows in every process once the answer is reloaded. An answer is fresh for ANSWER_FRESH_MS;
 * after that the next request gets it while one reload runs in the background; none older than
 * ANSWER_STALE_MS is ever served (counted from the start of the query that made it). Presets
 * ("last_30_days") are resolved against today when loaded, so a range lags midnight by as much.
 */
export const ANSWER_FRESH_MS = 5_000;
export const ANSWER_STALE_MS = 15_000;

const ANALYSTS: readonly Role[] = ['owner', 'manager', 'barber'];
const STATUSES = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show'] as const;

interface Scope extends sql.Span {
  readonly settings: sql.LocationSettings;
}

/** The instant a local date begins (its first instant: midnight, or later where midnight is skipped). */
function startOfDay(date: string, timezone: string): Date {
  return new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: timezone }).epochMilliseconds);
}

function zeroCounts(): StatusCounts {
  return { pending: 0, confirmed: 0, in_progress: 0, completed: 0, cancelled: 0, no_show: 0 };
}

/** Rows keyed by local day → one entry per bucket, in order, empty buckets included. */
function intoBuckets<R extends { day: string }, T>(
  range: LocalRange,
  groupBy: GroupBy,
  rows: readonly R[],
  empty: () => T,
  add: (into: T, row: R) => void,
): (Bucket & T)[] {
  const buckets = bucketsOf(range, groupBy).map((b) => ({ ...b, ...empty() }));
  const byStart = new Map(buckets.map((b) => [b.from, b]));
  for (const row of rows) {
    const start = periodStart(row.day, groupBy);
    // The first bucket may begin after its period does (a range starting mid-week or mid-month).
    const bucket = byStart.get(start < range.from ? range.from : start);
    if (bucket) add(bucket, row);
  }
  return buckets;
}

export class AnalyticsService {
  /**
   * Finished JSON bodies: a hit costs no serialisation (as availability's cached answers). At most
   * 2,000 (a few KiB each), so that every cache of a worker fits its heap (WORKER_HEAP_MIB).
   */
  private readonly answers = new RefreshingCache<Buffer>({
    max: 2_000,
    freshMs: ANSWER_FRESH_MS,
    staleMs: ANSWER_STALE_MS,
  });

  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
  ) {}

  caches(): Record<string, CountedCache> {
    return { 'analytics-answers': this.answers };
  }

  /** The Revenue document, as JSON. */
  async revenueJson(auth: AuthContext, query: SeriesQuery): Promise<Buffer> {
    return this.answer(auth, 'revenue', query, async (scope): Promise<Revenue> => {
      const rows = await sql.findRevenueByDay(this.db.replica, scope);
      const series = intoBuckets(
        scope.range,
        query.group_by,
        rows,
        () => ({
          gross_cents: 0,
          gift_certificate_cents: 0,
          refunded_cents: 0,
          net_cents: 0,
          payment_count: 0,
        }),
        (b, r) => {
          b.gross_cents += r.gross_cents;
          b.gift_certificate_cents += r.gift_certificate_cents;
          b.refunded_cents += r.refunded_cents;
          b.net_cents += r.gross_cents - r.refunded_cents;
          b.payment_count += r.payment_count;
        },
      );
      const sum = (pick: (b: (typeof series)[number]) => number) => series.reduce((n, b) => n + pick(b), 0);
      const totals = revenueTotals({
        gross_cents: sum((b) => b.gross_cents),
        gift_certificate_cents: sum((b) => b.gift_certificate_cents),
        refunded_cents: sum((b) => b.refunded_cents),
        payment_count: sum((b) => b.payment_count),
      });
      return { ...this.scopeView(scope, query), group_by: query.group_by, totals, series };
    });
  }

  /** The AppointmentStats document, as JSON. */
  async appointmentsJson(auth: AuthContext, query: SeriesQuery): Promise<Buffer> {
    return this.answer(auth, 'appointments', query, async (scope): Promise<AppointmentStats> => {
      const rows = await sql.findAppointmentsByDay(this.db.replica, scope);
      const series = intoBuckets(
        scope.range,
        query.group_by,
        rows,
        () => ({ total: 0, ...zeroCounts() }),
        (b, r) => {
          if (!(STATUSES as readonly string[]).includes(r.status)) return;
          b[r.status as keyof StatusCounts] += r.count;
          b.total += r.count;
        },
      );
      const counts = zeroCounts();
      for (const b of series) for (const s of STATUSES) counts[s] += b[s];
      return {
        ...this.scopeView(scope, query),
        group_by: query.group_by,
        totals: { ...counts, ...appointmentRates(counts) },
        series,
      };
    });
  }

  /** The Dashboard document, as JSON. */
  async dashboardJson(auth: AuthContext, query: AnalyticsQuery): Promise<Buffer> {
    return this.answer(auth, 'dashboard', query, async (scope): Promise<Dashboard> => {
      const { range } = scope;
      const [revenue, visits, schedules] = await Promise.all([
        sql.findRevenueByDay(this.db.replica, scope),
        sql.findVisitFigures(this.db.replica, scope),
        sql.findSchedules(this.db.replica, scope),
      ]);
      const figures = dashboardFigures({
        revenueCents: revenue.reduce((n, r) => n + r.gross_cents - r.refunded_cents, 0),
        completed: visits.completed,
        noShows: visits.no_shows,
        bookedMinutes: visits.booked_minutes,
        workingMinutes: workingMinutes(datesOf(range), scope.timezone, schedules.map(scheduleOf)),
        clients: visits.clients,
        returningClients: visits.returning_clients,
        rebookedClients: visits.rebooked_clients,
        days: daysIn(range),
        annualTargetCents: scope.settings.annual_income_target_cents,
      });
      return { ...this.scopeView(scope, query), days: daysIn(range), ...figures };
    });
  }

  /**
   * Checks the query and the caller's standing, then answers from the cache or `load`. The barber
   * filter is decided before the cache is asked: a barber's answer is keyed by their own barber id.
   */
  private async answer(
    auth: AuthContext,
    kind: string,
    query: AnalyticsQuery & { group_by?: GroupBy },
    load: (scope: Scope) => Promise<Revenue | AppointmentStats | Dashboard>,
  ): Promise<Buffer> {
    const problem = rangeProblem(query);
    if (problem) throw InvalidDateRange(problem);
    const locationId = query.location_id;
    const barberId = await this.barberFilter(auth, locationId, query.barber_id);
    const key = [
      kind,
      locationId,
      barberId ?? '',
      query.date_range,
      query.from ?? '',
      query.to ?? '',
      query.group_by ?? '',
    ].join('|');
    return this.answers.get(key, async () =>
      Buffer.from(JSON.stringify(await load(await this.scope(locationId, barberId, query)))),
    );
  }

  /** The barber whose figures are asked for: a barber's own, always; anyone else's choice. */
  private async barberFilter(auth: AuthContext, locationId: string, asked: string | undefined) {
    const standing = await this.access.require(auth, locationId, ANALYSTS);
    if (standing !== 'barber') return asked ?? null;
    const own = await sql.findOwnBarberId(this.db.primary, locationId, auth.userId);
    if (!own) throw Forbidden('this account has no chair at the location');
    if (asked !== undefined && asked !== own) throw Forbidden('a barber sees only their own figures');
    return own;
  }

  private async scope(locationId: string, barberId: string | null, query: AnalyticsQuery): Promise<Scope> {
    const settings = await sql.findLocationSettings(this.db.replica, locationId, barberId);
    if (!settings) throw NotFound('location not found');
    if (!settings.barber_found) throw UnknownBarber(`barber ${barberId} does not work at this location`);
    const today = Temporal.Now.plainDateISO(settings.timezone).toString();
    const range = resolveRange(query, today);
    const { timezone } = settings;
    return {
      locationId,
      barberId,
      settings,
      timezone,
      range,
      start: startOfDay(range.from, timezone),
      end: startOfDay(addDays(range.to, 1), timezone),
    };
  }

  private scopeView(scope: Scope, query: AnalyticsQuery) {
    return {
      location_id: scope.locationId,
      barber_id: scope.barberId,
      timezone: scope.timezone,
      currency: scope.settings.currency,
      date_range: query.date_range,
      from: scope.range.from,
      to: scope.range.to,
    };
  }
}

function scheduleOf(row: sql.ScheduleRow): BarberSchedule {
  const weekly = new Map<number, sql.ScheduleRow['weekly']>();
  for (const w of row.weekly) weekly.set(w.weekday, [...(weekly.get(w.weekday) ?? []), w]);
  return {
    weekly,
    specialDays: new Map(row.special_days.map((d) => [d.day, d.available ? d.windows : []])),
    timeOff: row.time_off,
  };
}
