// Availability for clients and the booking module: lists slots (cached per barber-day) and validates a
// requested start with the same engine. Existing appointments are the booking module's concern when it
// validates (the exclusion constraint answers 409); listing subtracts them.
import DataLoader from 'dataloader';
import type { Database } from '../../platform/db/pool.js';
import {
  checkStart,
  isoInZone,
  listAnyBarberSlots,
  listDaySlots,
  localDateOf,
  pushIsoInZone,
  type Slot,
  type SlotLength,
} from './availability.js';
import {
  type BarberProfile,
  barberDayOf,
  type DayBusy,
  dayBounds,
  NOTHING_BOOKED,
  toDayBusy,
  toProfile,
} from './barber-profile.js';
import type { BarberDayCache } from './scheduling.cache.js';
import {
  BarberInactive,
  BarberNotFound,
  InvalidDate,
  LocationNotFound,
  ServiceNotBookable,
  ServiceNotFound,
  ServiceNotOffered,
  UNBOOKABLE_ERRORS,
} from './scheduling.errors.js';
import {
  type DayBusyRow,
  type DayKey,
  findBarberProfile,
  findDaysBusy,
  findLocationBarbers,
  type ServiceOffering,
} from './scheduling.sql.js';

export interface BookableInput {
  readonly locationId: string;
  readonly barberId: string;
  readonly serviceId: string;
  readonly startTime: Date;
  readonly now?: Date;
  /** Staff may book services that are not bookable online; clients and guests may not. */
  readonly byStaff?: boolean;
}

/** What a valid booking at that start means, with the barber's own price and duration applied. */
export interface Bookable {
  readonly endTime: Date;
  readonly busyUntil: Date;
  readonly priceCents: number;
  readonly depositCents: number;
  readonly currency: string;
  readonly durationMinutes: number;
  readonly bufferMinutes: number;
  readonly timezone: string;
}

/** Throws unless the barber takes bookings of the service (404 for unknown ones, else 422 why). */
function requireOffering(
  profile: BarberProfile | undefined,
  locationId: string,
  serviceId: string,
  byStaff: boolean,
): ServiceOffering {
  if (!profile || profile.locationId !== locationId) throw BarberNotFound('no such barber at this location');
  const service = profile.services.get(serviceId);
  if (!service) throw ServiceNotFound('no such service at this location');
  if (!profile.barberActive) throw BarberInactive('this barber is not taking bookings');
  if (!service.isActive || (!byStaff && !service.bookableOnline)) {
    throw ServiceNotBookable(
      service.isActive ? 'this service is booked by the shop only' : 'retired service',
    );
  }
  if (!service.offered) throw ServiceNotOffered('this barber does not offer this service');
  return service;
}

/** Whether the offering can be listed at all (the listing is empty rather than an error otherwise). */
function listable(profile: BarberProfile, serviceId: string): SlotLength | undefined {
  const s = profile.services.get(serviceId);
  if (!s || !profile.barberActive || !s.isActive || !s.bookableOnline || !s.offered) return undefined;
  return { durationMinutes: s.durationMinutes, bufferMinutes: s.bufferMinutes };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD calendar date, checked without Temporal (this runs on every availability request). */
export function parseDate(date: string): string {
  const match = ISO_DATE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0–99 as 1900–1999
    // 2026-02-30 rolls over to March: a real date survives the round trip unchanged.
    if (
      year >= 1 &&
      utc.getUTCFullYear() === year &&
      utc.getUTCMonth() === month - 1 &&
      utc.getUTCDate() === day
    )
      return date;
  }
  throw InvalidDate(`"${date}" is not a calendar date (YYYY-MM-DD)`);
}

const DAY_MS = 86_400_000;

/**
 * Every local date that can touch [from, to] in any time zone (offsets span −12 h … +14 h): the UTC
 * dates from the day before `from` to the day after `to` (at most 800). Runs on every booking.
 */
export function datesTouching(from: Date, to: Date): string[] {
  const first = Math.floor(from.getTime() / DAY_MS) - 1;
  const last = Math.min(Math.floor(to.getTime() / DAY_MS) + 1, first + 799);
  const dates: string[] = [];
  for (let day = first; day <= last; day++) dates.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  return dates;
}

export class SchedulingService {
  private readonly loadingProfiles = new Map<string, Promise<BarberProfile | undefined>>();
  private readonly loadingDays = new Map<string, Promise<DayBusy>>();
  /**
   * Cold barber-days asked for in the same turn of the event loop (requests parsed together, the
   * barbers of an "any barber" listing) load in one statement: fewer round trips and fewer socket
   * writes per request under load. setImmediate lets every ready request join before it runs.
   */
  private readonly daysBusy: DataLoader<DayKey, DayBusyRow>;

  constructor(
    private readonly db: Database,
    private readonly cache: BarberDayCache,
  ) {
    this.daysBusy = new DataLoader((keys) => findDaysBusy(this.db.primary, keys), {
      cache: false,
      maxBatchSize: 100,
      batchScheduleFn: (run) => setImmediate(run),
    });
  }

  /**
   * Validates a requested start against hours, grid, notice, horizon, time off and special days (not
   * against other appointments: the exclusion constraint does that atomically). Reads the cached
   * profile, which every schedule write invalidates, so a booking costs no query here.
   */
  async checkBookable(input: BookableInput): Promise<Bookable> {
    const profile = await this.profileWith(input.barberId, input.serviceId);
    const service = requireOffering(profile, input.locationId, input.serviceId, input.byStaff ?? false);
    const { timezone, rules } = profile!;
    const start = input.startTime.getTime();
    const day = barberDayOf(profile!, localDateOf(start, timezone), NOTHING_BOOKED);
    const now = (input.now ?? new Date()).getTime();
    const length = { durationMinutes: service.durationMinutes, bufferMinutes: service.bufferMinutes };
    const check = checkStart(day, length, rules, now, start);
    if (!check.ok) {
      if (check.reason === 'slot-taken') throw new Error('unreachable: appointments were not loaded');
      throw UNBOOKABLE_ERRORS[check.reason](`${input.startTime.toISOString()}: ${check.reason}`, {
        extra: { reason: check.reason },
      });
    }
    return {
      endTime: new Date(check.slot.end),
      busyUntil: new Date(check.slot.busyUntil),
      priceCents: service.priceCents,
      depositCents: service.depositCents,
      currency: service.currency,
      durationMinutes: service.durationMinutes,
      bufferMinutes: service.bufferMinutes,
      timezone,
    };
  }

  /** Call after any committed write that changes the barber's time between `from` and `to`. */
  async invalidateBarberDays(_locationId: string, barberId: string, from: Date, to: Date): Promise<void> {
    this.cache.invalidateDays(barberId, datesTouching(from, to));
  }

  /** Call after a location's rules, services, offerings or barbers change. */
  invalidateLocation(locationId: string): void {
    this.cache.invalidateLocation(locationId);
  }

  /**
   * The barber's profile with the service in it. A cached profile that lacks the service is read
   * again: the service may be new and this process not yet told (the bus is asynchronous).
   */
  private async profileWith(barberId: string, serviceId: string): Promise<BarberProfile | undefined> {
    const profile = await this.profile(barberId);
    return profile && !profile.services.has(serviceId) ? this.profile(barberId, true) : profile;
  }

  /** A barber's profile from the primary, cached; concurrent misses share one query. */
  private async profile(barberId: string, fresh = false): Promise<BarberProfile | undefined> {
    const cached = fresh ? undefined : this.cache.profile(barberId);
    if (cached) return cached;
    const pending = this.loadingProfiles.get(barberId);
    if (pending) return pending;
    const generation = this.cache.generation;
    // Special days and time off from two days back: earlier ones cannot touch a bookable slot.
    const loading = findBarberProfile(this.db.primary, barberId, new Date(Date.now() - 2 * DAY_MS))
      .then((row) => {
        if (!row) return undefined;
        const profile = toProfile(row);
        this.cache.storeProfile(barberId, profile, generation);
        return profile;
      })
      .finally(() => this.loadingProfiles.delete(barberId));
    this.loadingProfiles.set(barberId, loading);
    return loading;
  }

  /** What is booked on one barber-day, cached until a write or the first live hold lapses. */
  private async dayBusy(barberId: string, profile: BarberProfile, date: string): Promise<DayBusy> {
    const cached = this.cache.busy(barberId, date);
    if (cached && !(cached.holdsLapseAt !== null && cached.holdsLapseAt <= Date.now())) return cached;
    const key = `${barberId}|${date}`;
    const pending = this.loadingDays.get(key);
    if (pending) return pending;
    const generation = this.cache.generation;
    const { start, end } = dayBounds(date, profile.timezone);
    const loading = this.daysBusy
      .load({ locationId: profile.locationId, barberId, dayStart: new Date(start), dayEnd: new Date(end) })
      .then((row) => {
        const busy = toDayBusy(row);
        this.cache.storeBusy(barberId, date, profile.locationId, busy, generation);
        return busy;
      })
      .finally(() => this.loadingDays.delete(key));
    this.loadingDays.set(key, loading);
    return loading;
  }

  /** The availability answer of one barber-day as JSON text (DESIGN §4), cached until it changes. */
  async barberAvailabilityJson(barberId: string, date: string, serviceId: string): Promise<string> {
    const now = Date.now();
    const warm = this.cache.answer(barberId, date, serviceId, now);
    if (warm) return warm;
    const day = parseDate(date);
    const profile = await this.profileWith(barberId, serviceId);
    if (!profile) throw BarberNotFound('no such barber');
    if (!profile.services.has(serviceId)) throw ServiceNotFound('no such service at this barber’s location');
    const length = listable(profile, serviceId);
    if (!length) return emptyAnswer(barberId, day, profile.timezone);
    const busy = await this.dayBusy(barberId, profile, day);
    const listed = listDaySlots(barberDayOf(profile, day, busy), length, profile.rules, now);
    const json = barberAnswerJson(barberId, day, profile.timezone, listed.slots);
    const validUntil = Math.min(listed.validUntil, busy.holdsLapseAt ?? Number.POSITIVE_INFINITY);
    this.cache.storeAnswer(barberId, day, serviceId, busy, { json, validUntil });
    return json;
  }

  /** "Any barber" of a location: each start once, with the first free barber and all free ones. */
  async locationAvailability(locationId: string, date: string, serviceId: string) {
    const day = parseDate(date);
    const now = Date.now();
    const location = await findLocationBarbers(this.db.replica, locationId, serviceId);
    if (!location) throw LocationNotFound('no such location');
    if (!location.serviceExists) throw ServiceNotFound('no such service at this location');
    const barbers = (
      await Promise.all(
        location.barberIds.map(async (barberId) => {
          const profile = await this.profileWith(barberId, serviceId);
          const length = profile && listable(profile, serviceId);
          if (!profile || !length) return undefined;
          const busy = await this.dayBusy(barberId, profile, day);
          return { barberId, day: barberDayOf(profile, day, busy), length, rules: profile.rules };
        }),
      )
    ).filter((b) => b !== undefined);
    const rules = barbers[0]?.rules;
    const listed = rules ? listAnyBarberSlots(barbers, rules, now) : { slots: [] };
    return {
      location_id: locationId,
      date: day,
      timezone: location.timezone,
      slots: listed.slots.map((s) => ({
        start_time: isoInZone(s.start, day, location.timezone),
        end_time: isoInZone(s.end, day, location.timezone),
        barber_id: s.barberIds[0]!,
        barber_ids: [...s.barberIds],
      })),
    };
  }
}

function emptyAnswer(barberId: string, date: string, timezone: string): string {
  return barberAnswerJson(barberId, date, timezone, []);
}

/**
 * The BarberAvailability JSON, joined from pieces rather than built as objects for JSON.stringify: the
 * slot objects, their time strings and the stringifier's buffers were half of what a cold request
 * allocated, and every allocation brings the next scavenge pause nearer. The id is a validated UUID,
 * the date a checked YYYY-MM-DD and the times ISO strings, none needing escapes; the zone name goes
 * through JSON.stringify.
 */
export function barberAnswerJson(
  barberId: string,
  date: string,
  timezone: string,
  slots: readonly Slot[],
): string {
  const out = [
    `{"barber_id":"${barberId}","date":"${date}","timezone":${JSON.stringify(timezone)},"slots":[`,
  ];
  for (let i = 0; i < slots.length; i++) {
    out.push(i === 0 ? '{"start_time":"' : ',{"start_time":"');
    pushIsoInZone(out, slots[i]!.start, date, timezone);
    out.push('","end_time":"');
    pushIsoInZone(out, slots[i]!.end, date, timezone);
    out.push('"}');
  }
  out.push(']}');
  return out.join('');
}
