// Working minutes of barbers over local dates, pure: the denominator of utilisation. A date's windows
// are its special day's (none when closed) or else its weekday's; each window is turned into real
// instants in the location's zone (exact across DST: a 01:00–04:00 window lasts 2 h on a spring-forward
// day and 4 h on a fall-back day), and the barber's time off is cut out of it.
import { Temporal } from 'temporal-polyfill';
import { isoWeekday } from './date-range.js';

const MINUTE_MS = 60_000;

/** Wall-clock minutes from local midnight, end exclusive (1440 = the next midnight). */
export interface Window {
  readonly start_minute: number;
  readonly end_minute: number;
}

export interface BarberSchedule {
  /** ISO weekday (1 = Monday) → that day's windows. */
  readonly weekly: ReadonlyMap<number, readonly Window[]>;
  /** Local date → windows replacing the weekly ones (an empty list when the day is closed). */
  readonly specialDays: ReadonlyMap<string, readonly Window[]>;
  /** Time off as [start, end) epoch milliseconds. */
  readonly timeOff: readonly (readonly [number, number])[];
}

/** The instant of a wall-clock minute of a local date; a skipped time moves forward ('compatible'). */
function instantOf(date: string, minute: number, timezone: string): number {
  const day = Temporal.PlainDate.from(date).add({ days: Math.floor(minute / 1440) });
  const m = minute % 1440;
  return day.toZonedDateTime({
    timeZone: timezone,
    plainTime: new Temporal.PlainTime(Math.floor(m / 60), m % 60),
  }).epochMilliseconds;
}

/**
 * Converts the windows of one date to instants. Most dates keep one offset all day, so their local
 * midnight is resolved once and windows are offsets from it; a date with a transition asks Temporal
 * for every window edge.
 */
function dayClock(date: string, timezone: string): (minute: number) => number {
  const plain = Temporal.PlainDate.from(date);
  const start = plain.toZonedDateTime({ timeZone: timezone });
  const next = plain.add({ days: 1 }).toZonedDateTime({ timeZone: timezone });
  const uniform =
    start.offsetNanoseconds === next.offsetNanoseconds &&
    start.hour === 0 &&
    start.minute === 0 &&
    next.epochMilliseconds - start.epochMilliseconds === 1440 * MINUTE_MS;
  const midnight = start.epochMilliseconds;
  return uniform ? (minute) => midnight + minute * MINUTE_MS : (minute) => instantOf(date, minute, timezone);
}

/** Merges overlapping or touching intervals, sorted by start. */
function merged(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Minutes of [start, end) not covered by the (merged) time off. */
function minutesFree(start: number, end: number, timeOff: readonly [number, number][]): number {
  let covered = 0;
  for (const [offStart, offEnd] of timeOff) {
    const overlap = Math.min(end, offEnd) - Math.max(start, offStart);
    if (overlap > 0) covered += overlap;
  }
  return (end - start - covered) / MINUTE_MS;
}

/** Total working minutes of all the schedules over the dates. */
export function workingMinutes(
  dates: readonly string[],
  timezone: string,
  schedules: readonly BarberSchedule[],
): number {
  let total = 0;
  const offs = schedules.map((s) => merged(s.timeOff));
  for (const date of dates) {
    const clock = dayClock(date, timezone);
    const weekday = isoWeekday(date);
    schedules.forEach((schedule, i) => {
      const windows = schedule.specialDays.get(date) ?? schedule.weekly.get(weekday) ?? [];
      for (const w of windows) total += minutesFree(clock(w.start_minute), clock(w.end_minute), offs[i]!);
    });
  }
  return total;
}
