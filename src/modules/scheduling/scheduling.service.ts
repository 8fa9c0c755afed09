// Availability for clients and the booking module: lists slots (cached per barber-day) and validates a
// requested start with the same engine. Existing appointments are the booking module's concern when it
// validates (the exclusion constraint answers 409); listing subtracts them.
import { Temporal } from 'temporal-polyfill';
import type { Database } from '../../platform/db/pool.js';
import {
  type BarberDay,
  type BookingRules,
  checkStart,
  isoInZone,
  listAnyBarberSlots,
  listDaySlots,
  type SlotLength,
} from './availability.js';
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
import { type BarberDayRow, findBarberDay, findLocationBarbers } from './scheduling.sql.js';

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

export function toBarberDay(row: BarberDayRow): BarberDay {
  return {
    date: row.date,
    timezone: row.timezone,
    weekly: row.weekly.map(([startMinute, endMinute]) => ({ startMinute, endMinute })),
    special: row.special
      ? {
          available: row.special.available,
          windows: row.special.windows.map((w) => ({ startMinute: w.start_minute, endMinute: w.end_minute })),
        }
      : null,
    busy: [
      ...row.timeOff.map(([start, end]) => ({ start, end, kind: 'time-off' as const })),
      ...row.appointments.map(([start, end]) => ({ start, end, kind: 'appointment' as const })),
    ],
  };
}

export function rulesOf(row: BarberDayRow): BookingRules {
  return {
    slotIntervalMinutes: row.slotIntervalMinutes,
    minNoticeMinutes: row.minNoticeMinutes,
    maxAdvanceDays: row.maxAdvanceDays,
  };
}

/** Throws unless the barber takes bookings of the service (404 for unknown ones, else 422 why). */
function requireOffering(row: BarberDayRow | undefined, byStaff: boolean) {
  if (!row) throw BarberNotFound('no such barber at this location');
  const service = row.service;
  if (!service) throw ServiceNotFound('no such service at this location');
  if (!row.barberActive) throw BarberInactive('this barber is not taking bookings');
  if (!service.isActive || (!byStaff && !service.bookableOnline)) {
    throw ServiceNotBookable(
      service.isActive ? 'this service is booked by the shop only' : 'retired service',
    );
  }
  if (!service.offered) throw ServiceNotOffered('this barber does not offer this service');
  return service;
}

/** Whether the offering can be listed at all (the listing is empty rather than an error otherwise). */
function listable(row: BarberDayRow): SlotLength | undefined {
  const s = row.service;
  if (!s || !row.barberActive || !s.isActive || !s.bookableOnline || !s.offered) return undefined;
  return { durationMinutes: s.durationMinutes, bufferMinutes: s.bufferMinutes };
}

export function parseDate(date: string): string {
  try {
    return Temporal.PlainDate.from(date, { overflow: 'reject' }).toString();
  } catch {
    throw InvalidDate(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  }
}

/** Every local date that can touch [from, to] in any time zone (offsets span −12 h … +14 h). */
export function datesTouching(from: Date, to: Date): string[] {
  let day = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO('UTC').toPlainDate();
  day = day.subtract({ days: 1 });
  const last = Temporal.Instant.fromEpochMilliseconds(to.getTime())
    .toZonedDateTimeISO('UTC')
    .toPlainDate()
    .add({ days: 1 });
  const dates: string[] = [];
  for (; Temporal.PlainDate.compare(day, last) <= 0 && dates.length < 800; day = day.add({ days: 1 })) {
    dates.push(day.toString());
  }
  return dates;
}

export class SchedulingService {
  private readonly inflight = new Map<string, Promise<BarberDayRow | undefined>>();

  constructor(
    private readonly db: Database,
    private readonly cache: BarberDayCache,
  ) {}

  /**
   * Validates a requested start against hours, grid, notice, horizon, time off and special days (not
   * against other appointments: the exclusion constraint does that atomically). Always reads the primary.
   */
  async checkBookable(input: BookableInput): Promise<Bookable> {
    const row = await findBarberDay(this.db.primary, {
      barberId: input.barberId,
      serviceId: input.serviceId,
      at: input.startTime,
      locationId: input.locationId,
      withAppointments: false,
    });
    const service = requireOffering(row, input.byStaff ?? false);
    const day = toBarberDay(row!);
    const now = (input.now ?? new Date()).getTime();
    const length = { durationMinutes: service.durationMinutes, bufferMinutes: service.bufferMinutes };
    const check = checkStart(day, length, rulesOf(row!), now, input.startTime.getTime());
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
      timezone: row!.timezone,
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

  /** One barber-day, cached; concurrent misses share one query. */
  private async barberDay(
    barberId: string,
    date: string,
    serviceId: string,
  ): Promise<BarberDayRow | undefined> {
    const cached = this.cache.row(barberId, date, serviceId);
    if (cached && !(cached.holdsLapseAt !== null && cached.holdsLapseAt <= Date.now())) return cached;
    const key = `${barberId}|${date}|${serviceId}`;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.cache.generation;
    const loading = findBarberDay(this.db.primary, { barberId, serviceId, date, withAppointments: true })
      .then((row) => {
        if (row) this.cache.storeRow(barberId, serviceId, row, generation);
        return row;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }

  /** The availability answer of one barber-day as JSON text (DESIGN §4), cached until it changes. */
  async barberAvailabilityJson(barberId: string, date: string, serviceId: string): Promise<string> {
    const now = Date.now();
    const warm = this.cache.answer(barberId, date, serviceId, now);
    if (warm) return warm;
    const day = parseDate(date);
    const row = await this.barberDay(barberId, day, serviceId);
    if (!row) throw BarberNotFound('no such barber');
    if (!row.service) throw ServiceNotFound('no such service at this barber’s location');
    const length = listable(row);
    const listed = length
      ? listDaySlots(toBarberDay(row), length, rulesOf(row), now)
      : { slots: [], validUntil: Number.POSITIVE_INFINITY };
    const json = JSON.stringify({
      barber_id: barberId,
      date: day,
      timezone: row.timezone,
      slots: listed.slots.map((s) => ({
        start_time: isoInZone(s.start, day, row.timezone),
        end_time: isoInZone(s.end, day, row.timezone),
      })),
    });
    const validUntil = Math.min(listed.validUntil, row.holdsLapseAt ?? Number.POSITIVE_INFINITY);
    this.cache.storeAnswer(barberId, day, serviceId, { json, validUntil });
    return json;
  }

  /** "Any barber" of a location: each start once, with the first free barber and all free ones. */
  async locationAvailability(locationId: string, date: string, serviceId: string) {
    const day = parseDate(date);
    const now = Date.now();
    const location = await findLocationBarbers(this.db.replica, locationId, serviceId);
    if (!location) throw LocationNotFound('no such location');
    if (!location.serviceExists) throw ServiceNotFound('no such service at this location');
    const rows = await Promise.all(location.barberIds.map((id) => this.barberDay(id, day, serviceId)));
    const barbers = rows.flatMap((row, i) => {
      const length = row && listable(row);
      return row && length ? [{ barberId: location.barberIds[i]!, day: toBarberDay(row), length, row }] : [];
    });
    const first = barbers[0]?.row;
    const listed = first ? listAnyBarberSlots(barbers, rulesOf(first), now) : { slots: [] };
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
