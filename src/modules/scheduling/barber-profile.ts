// A barber's profile (rules, weekly hours, special days, time off, services as they offer them) in the
// shape the engine reads, and the assembly of one barber-day from it plus that day's appointments.
import type { BarberDay, BookingRules, BusyRange, LocalWindow, SpecialDayRule } from './availability.js';
import { instantOf } from './zone-time.js';
import type { BarberProfileRow, DayBusyRow, ServiceOffering } from './scheduling.sql.js';

export interface BarberProfile {
  readonly locationId: string;
  readonly barberActive: boolean;
  readonly timezone: string;
  readonly rules: BookingRules;
  /** Weekly windows by ISO weekday. */
  readonly weekly: ReadonlyMap<number, readonly LocalWindow[]>;
  readonly specialDays: ReadonlyMap<string, SpecialDayRule>;
  readonly timeOff: readonly BusyRange[];
  readonly services: ReadonlyMap<string, ServiceOffering>;
}

/** What occupies the chair on one day, as loaded. */
export interface DayBusy {
  readonly appointments: readonly BusyRange[];
  readonly holdsLapseAt: number | null;
}

export const NOTHING_BOOKED: DayBusy = Object.freeze({ appointments: [], holdsLapseAt: null });

export function toProfile(row: BarberProfileRow): BarberProfile {
  const weekly = new Map<number, LocalWindow[]>();
  for (const [weekday, startMinute, endMinute] of row.weekly) {
    const windows = weekly.get(weekday) ?? [];
    windows.push({ startMinute, endMinute });
    weekly.set(weekday, windows);
  }
  return {
    locationId: row.locationId,
    barberActive: row.barberActive,
    timezone: row.timezone,
    rules: {
      slotIntervalMinutes: row.slotIntervalMinutes,
      minNoticeMinutes: row.minNoticeMinutes,
      maxAdvanceDays: row.maxAdvanceDays,
    },
    weekly,
    specialDays: new Map(
      row.specialDays.map((s) => [
        s.day,
        {
          available: s.available,
          windows: s.windows.map((w) => ({ startMinute: w.start_minute, endMinute: w.end_minute })),
        },
      ]),
    ),
    timeOff: row.timeOff.map(([start, end]) => ({ start, end, kind: 'time-off' as const })),
    services: new Map(row.services.map((s) => [s.id, s])),
  };
}

export function toDayBusy(row: DayBusyRow): DayBusy {
  return {
    appointments: row.appointments.map(([start, end]) => ({ start, end, kind: 'appointment' as const })),
    holdsLapseAt: row.holdsLapseAt,
  };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD date, without Temporal. */
export function isoWeekday(date: string): number {
  const sunday0 = new Date(Date.parse(date)).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

/** The instants the local date starts and ends at (23 or 25 hours apart on DST days). */
export function dayBounds(date: string, timezone: string): { start: number; end: number } {
  return { start: instantOf(date, 0, timezone), end: instantOf(date, 1440, timezone) };
}

/** One barber-day for the engine: the profile's windows and time off for that date, and its bookings. */
export function barberDayOf(profile: BarberProfile, date: string, busy: DayBusy): BarberDay {
  const { start, end } = dayBounds(date, profile.timezone);
  const timeOff = profile.timeOff.filter((t) => t.start < end && start < t.end);
  return {
    date,
    timezone: profile.timezone,
    weekly: profile.weekly.get(isoWeekday(date)) ?? [],
    special: profile.specialDays.get(date) ?? null,
    busy: timeOff.length === 0 ? busy.appointments : [...timeOff, ...busy.appointments],
  };
}
