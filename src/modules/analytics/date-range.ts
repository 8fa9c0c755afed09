// Analytics date ranges, pure: a preset or a custom pair of local dates → an inclusive range of local
// dates (YYYY-MM-DD, in the location's zone), and the day/week/month buckets that cover it. Calendar
// arithmetic is on whole days counted from 1970-01-01 (UTC is used as a calendar only, never as a zone);
// turning local dates into instants happens in the service, with the location's time zone.

export const DATE_RANGES = [
  'today',
  'last_7_days',
  'last_30_days',
  'last_90_days',
  'this_month',
  'last_month',
  'custom',
] as const;
export type DateRangeName = (typeof DATE_RANGES)[number];
export const GROUP_BYS = ['day', 'week', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Longest custom range, in days (both ends included): a year, leap day included. */
export const MAX_RANGE_DAYS = 366;

export interface RangeQuery {
  readonly date_range: DateRangeName;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** Local dates, both included. */
export interface LocalRange {
  readonly from: string;
  readonly to: string;
}

export type Bucket = LocalRange;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function epochDay(date: string): number {
  const [, y, m, d] = DATE.exec(date)!;
  return Date.UTC(Number(y), Number(m) - 1, Number(d)) / DAY_MS;
}

export function dateOfEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfEpochDay(epochDay(date) + days);
}

/** A real calendar date from 1970 to 2999 (Date.UTC maps years 0–99 onto the 1900s, so bound it). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  return year >= 1970 && year <= 2999 && dateOfEpochDay(epochDay(text)) === text;
}

/** Days in the range, both ends included. */
export function daysIn(range: LocalRange): number {
  return epochDay(range.to) - epochDay(range.from) + 1;
}

/** Why the query cannot name a range, or undefined when it can (checked before any I/O). */
export function rangeProblem(query: RangeQuery): string | undefined {
  const { from, to } = query;
  if (query.date_range !== 'custom') {
    return from !== undefined || to !== undefined ? 'from and to are only for date_range=custom' : undefined;
  }
  if (from === undefined || to === undefined) return 'date_range=custom needs both from and to (YYYY-MM-DD)';
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isCalendarDate(value)) return `${name} is not a calendar date (YYYY-MM-DD, 1970–2999): ${value}`;
  }
  if (from > to) return `from (${from}) is after to (${to})`;
  const days = daysIn({ from, to });
  if (days > MAX_RANGE_DAYS) return `the range spans ${days} days; at most ${MAX_RANGE_DAYS}`;
  return undefined;
}

const firstOfMonth = (date: string) => `${date.slice(0, 8)}01`;

/**
 * The local dates a query covers, given today's local date. Presets end today (today included):
 * last_N_days is the N days ending today, this_month is month to date, last_month the whole previous
 * calendar month. Call rangeProblem first: a custom query is taken as valid here.
 */
export function resolveRange(query: RangeQuery, today: string): LocalRange {
  switch (query.date_range) {
    case 'today':
      return { from: today, to: today };
    case 'last_7_days':
      return { from: addDays(today, -6), to: today };
    case 'last_30_days':
      return { from: addDays(today, -29), to: today };
    case 'last_90_days':
      return { from: addDays(today, -89), to: today };
    case 'this_month':
      return { from: firstOfMonth(today), to: today };
    case 'last_month': {
      const lastDay = addDays(firstOfMonth(today), -1);
      return { from: firstOfMonth(lastDay), to: lastDay };
    }
    case 'custom':
      return { from: query.from!, to: query.to! };
  }
}

/** ISO weekday, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: string): number {
  return ((((epochDay(date) + 3) % 7) + 7) % 7) + 1;
}

/** The first day of the period a date falls in: itself, its ISO week's Monday, or the 1st of its month. */
export function periodStart(date: string, groupBy: GroupBy): string {
  if (groupBy === 'day') return date;
  if (groupBy === 'week') return addDays(date, 1 - isoWeekday(date));
  return firstOfMonth(date);
}

/**
 * The buckets covering the range in order, each the part of its day, ISO week (Monday to Sunday) or
 * calendar month inside the range: the first and last may be partial.
 */
export function bucketsOf(range: LocalRange, groupBy: GroupBy): Bucket[] {
  const buckets: Bucket[] = [];
  let from = range.from;
  while (from <= range.to) {
    const next =
      groupBy === 'day'
        ? addDays(from, 1)
        : groupBy === 'week'
          ? addDays(periodStart(from, 'week'), 7)
          : firstOfMonth(addDays(firstOfMonth(from), 31));
    const to = addDays(next, -1) < range.to ? addDays(next, -1) : range.to;
    buckets.push({ from, to });
    from = next;
  }
  return buckets;
}

/** Local dates of the range, in order. */
export function datesOf(range: LocalRange): string[] {
  const dates: string[] = [];
  for (let day = epochDay(range.from); day <= epochDay(range.to); day++) dates.push(dateOfEpochDay(day));
  return dates;
}
