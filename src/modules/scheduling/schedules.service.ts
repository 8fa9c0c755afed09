// Barber schedules: weekly working windows, time off and special days. A barber manages their own;
// owners and managers manage every barber of their location; other staff may read. Every write
// invalidates the barber-days it changes, in this process and (through the bus) in every other.
import { Temporal } from 'temporal-polyfill';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { type LocationAccess, MANAGERS, STAFF } from '../shops/location-access.js';
import type { LocalWindow } from './availability.js';
import * as sql from './schedules.sql.js';
import type { BarberDayCache } from './scheduling.cache.js';
import {
  BarberNotFound,
  InvalidTimeRange,
  OverlappingWindows,
  SpecialDayNotFound,
  TimeOffNotFound,
} from './scheduling.errors.js';
import { parseDate } from './scheduling.service.js';

const MAX_TIME_OFF_DAYS = 366;

export function minuteOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export function wallTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Throws 422 unless every window ends after it starts and windows of one day do not overlap. */
function checkWindows(windows: readonly (LocalWindow & { weekday?: number })[], field: string): void {
  const sorted = [...windows].sort(
    (a, b) => (a.weekday ?? 0) - (b.weekday ?? 0) || a.startMinute - b.startMinute,
  );
  sorted.forEach((w, i) => {
    if (w.endMinute <= w.startMinute) {
      throw InvalidTimeRange(`${wallTime(w.endMinute)} is not after ${wallTime(w.startMinute)}`, {
        errors: [{ field, message: 'end must be after start' }],
      });
    }
    const previous = sorted[i - 1];
    if (previous && previous.weekday === w.weekday && w.startMinute < previous.endMinute) {
      throw OverlappingWindows(
        `${wallTime(previous.startMinute)}–${wallTime(previous.endMinute)} overlaps ${wallTime(w.startMinute)}–${wallTime(w.endMinute)}`,
        { errors: [{ field, message: 'windows of one day must not overlap' }] },
      );
    }
  });
}

export class ScheduleService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
    private readonly cache: BarberDayCache,
  ) {}

  /** The barber's location, once the caller may act on their schedule. */
  private async authorise(auth: AuthContext, barberId: string, write: boolean): Promise<string> {
    const barber = await sql.findBarberRef(this.db.primary, barberId);
    if (!barber) throw BarberNotFound('no such barber');
    if (barber.userId === auth.userId) {
      await this.access.require(auth, barber.locationId, STAFF); // still a member of the shop
      return barber.locationId;
    }
    await this.access.require(auth, barber.locationId, write ? MANAGERS : STAFF);
    return barber.locationId;
  }

  async workingHours(auth: AuthContext, barberId: string) {
    const locationId = await this.authorise(auth, barberId, false);
    return this.hoursView(barberId, await sql.findWorkingHours(this.db.primary, locationId, barberId));
  }

  async replaceWorkingHours(
    auth: AuthContext,
    barberId: string,
    hours: readonly { weekday: number; start: string; end: string }[],
  ) {
    const locationId = await this.authorise(auth, barberId, true);
    const rows = hours.map((h) => ({
      weekday: h.weekday,
      startMinute: minuteOf(h.start),
      endMinute: minuteOf(h.end),
    }));
    checkWindows(rows, '/body/hours');
    await withTransaction(this.db.primary, (tx) => sql.replaceWorkingHours(tx, locationId, barberId, rows));
    this.cache.invalidateBarber(barberId);
    return this.hoursView(barberId, await sql.findWorkingHours(this.db.primary, locationId, barberId));
  }

  private hoursView(barberId: string, rows: sql.WeeklyRow[]) {
    return {
      barber_id: barberId,
      hours: rows.map((r) => ({
        weekday: r.weekday,
        start: wallTime(r.startMinute),
        end: wallTime(r.endMinute),
      })),
    };
  }

  async addTimeOff(
    auth: AuthContext,
    barberId: string,
    input: { start_time: string; end_time: string; reason?: string | undefined },
  ) {
    const locationId = await this.authorise(auth, barberId, true);
    const startTime = new Date(input.start_time);
    const endTime = new Date(input.end_time);
    if (!(endTime.getTime() > startTime.getTime())) {
      throw InvalidTimeRange('end_time must be after start_time', {
        errors: [{ field: '/body/end_time', message: 'must be after start_time' }],
      });
    }
    if (endTime.getTime() - startTime.getTime() > MAX_TIME_OFF_DAYS * 86_400_000) {
      throw InvalidTimeRange(`time off is limited to ${MAX_TIME_OFF_DAYS} days per entry`);
    }
    const row = await sql.insertTimeOff(this.db.primary, locationId, barberId, {
      startTime,
      endTime,
      reason: input.reason ?? null,
    });
    this.cache.invalidateBarber(barberId);
    return timeOffView(barberId, row);
  }

  async listTimeOff(auth: AuthContext, barberId: string, range: { from?: string; to?: string }) {
    const locationId = await this.authorise(auth, barberId, false);
    const from = range.from ? new Date(range.from) : new Date();
    const to = range.to ? new Date(range.to) : new Date(from.getTime() + 366 * 86_400_000);
    if (!(to.getTime() > from.getTime())) throw InvalidTimeRange('to must be after from');
    const rows = await sql.findTimeOff(this.db.primary, locationId, barberId, from, to);
    return { items: rows.map((r) => timeOffView(barberId, r)) };
  }

  async removeTimeOff(auth: AuthContext, barberId: string, timeOffId: string): Promise<void> {
    const locationId = await this.authorise(auth, barberId, true);
    const row = await sql.deleteTimeOff(this.db.primary, locationId, barberId, timeOffId);
    if (!row) throw TimeOffNotFound('no such time off for this barber');
    this.cache.invalidateBarber(barberId);
  }

  async setSpecialDay(
    auth: AuthContext,
    barberId: string,
    input: { date: string; available: boolean; windows?: { start: string; end: string }[] | undefined },
  ) {
    const locationId = await this.authorise(auth, barberId, true);
    const date = parseDate(input.date);
    const windows = input.available
      ? (input.windows ?? []).map((w) => ({ startMinute: minuteOf(w.start), endMinute: minuteOf(w.end) }))
      : [];
    checkWindows(windows, '/body/windows');
    const row = {
      date,
      available: input.available,
      windows: windows.map((w) => ({ start_minute: w.startMinute, end_minute: w.endMinute })),
    };
    await sql.upsertSpecialDay(this.db.primary, locationId, barberId, row);
    this.cache.invalidateBarber(barberId);
    return specialDayView(barberId, row);
  }

  async listSpecialDays(auth: AuthContext, barberId: string, from?: string) {
    const locationId = await this.authorise(auth, barberId, false);
    const since = from ? parseDate(from) : Temporal.Now.plainDateISO('UTC').subtract({ days: 1 }).toString();
    const rows = await sql.findSpecialDays(this.db.primary, locationId, barberId, since);
    return { items: rows.map((r) => specialDayView(barberId, r)) };
  }

  async removeSpecialDay(auth: AuthContext, barberId: string, date: string): Promise<void> {
    const locationId = await this.authorise(auth, barberId, true);
    const day = parseDate(date);
    if (!(await sql.deleteSpecialDay(this.db.primary, locationId, barberId, day))) {
      throw SpecialDayNotFound(`no special day on ${day}`);
    }
    this.cache.invalidateBarber(barberId);
  }
}

function timeOffView(barberId: string, row: sql.TimeOffRow) {
  return {
    id: row.id,
    barber_id: barberId,
    start_time: row.startTime.toISOString(),
    end_time: row.endTime.toISOString(),
    reason: row.reason,
  };
}

function specialDayView(barberId: string, row: sql.SpecialDayRow) {
  return {
    barber_id: barberId,
    date: row.date,
    available: row.available,
    windows: row.windows.map((w) => ({ start: wallTime(w.start_minute), end: wallTime(w.end_minute) })),
  };
}
