// Fast wall-clock ↔ instant conversions for the availability engine. Temporal is exact but slow (tens
// of microseconds a call in the polyfill), and the cold availability path converts dozens of times a
// request. Almost every day has one UTC offset throughout, so each (zone, date) is resolved with
// Temporal once and memoised; on the rare day with a transition every conversion goes to Temporal.
import { Temporal } from 'temporal-polyfill';

const MINUTE = 60_000;
const MEMO_LIMIT = 20_000;

interface ZoneDay {
  /** Date.UTC of the date at 00:00. */
  readonly utcMidnight: number;
  /** The offset (ms) when it holds all day, else null (a DST transition happens that day). */
  readonly offset: number | null;
  readonly offsetText: string;
}

const zoneDays = new Map<string, ZoneDay>();

function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / MINUTE;
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The last day asked for: a day's slots all ask for the same one, and a Map key costs a concatenation. */
let last = { date: '', timezone: '', day: undefined as ZoneDay | undefined };

function zoneDay(date: string, timezone: string): ZoneDay {
  if (last.date === date && last.timezone === timezone && last.day) return last.day;
  const key = `${timezone}|${date}`;
  let day = zoneDays.get(key);
  if (!day) {
    day = resolveZoneDay(date, timezone);
    if (zoneDays.size >= MEMO_LIMIT) zoneDays.clear();
    zoneDays.set(key, day);
  }
  last = { date, timezone, day };
  return day;
}

function resolveZoneDay(date: string, timezone: string): ZoneDay {
  const plain = Temporal.PlainDate.from(date);
  const start = plain.toZonedDateTime({ timeZone: timezone });
  const end = plain.add({ days: 1 }).toZonedDateTime({ timeZone: timezone });
  const offset = start.offsetNanoseconds / 1e6;
  const uniform =
    offset === end.offsetNanoseconds / 1e6 &&
    end.epochMilliseconds - start.epochMilliseconds === 1440 * MINUTE;
  return {
    utcMidnight: Date.UTC(plain.year, plain.month - 1, plain.day),
    offset: uniform ? offset : null,
    offsetText: offsetText(offset),
  };
}

/** The instant a wall-clock minute of a date happens ('compatible': a skipped time moves forward). */
export function instantOf(date: string, minute: number, timezone: string): number {
  const day = zoneDay(date, timezone);
  if (day.offset !== null && minute <= 1440) return day.utcMidnight + minute * MINUTE - day.offset;
  const plain = Temporal.PlainDate.from(date).add({ days: Math.floor(minute / 1440) });
  const m = minute % 1440;
  return plain.toZonedDateTime({
    timeZone: timezone,
    plainTime: new Temporal.PlainTime(Math.floor(m / 60), m % 60),
  }).epochMilliseconds;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
/** "THH:MM:" of every minute of a day, and "SS" of every second of a minute. */
const CLOCK = Array.from({ length: 1440 }, (_, m) => `T${two(Math.floor(m / 60))}:${two(m % 60)}:`);
const SECONDS = Array.from({ length: 60 }, (_, s) => two(s));

/**
 * Appends the ISO 8601 time of an instant with the zone's offset then, e.g. 2026-03-08T09:00:00-04:00,
 * to `out` as pieces for a later join. `date` is the local date (YYYY-MM-DD) the instant is expected
 * on: a cold availability answer writes every slot of the day with it, so the time of day is looked
 * up, and joining the pieces makes one string per answer instead of a string per slot.
 */
export function pushIsoInZone(out: string[], instant: number, date: string, timezone: string): void {
  const day = zoneDay(date, timezone);
  if (day.offset !== null) {
    const sinceMidnight = instant + day.offset - day.utcMidnight;
    if (sinceMidnight >= 0 && sinceMidnight < 1440 * MINUTE) {
      const second = Math.floor((sinceMidnight % MINUTE) / 1000);
      out.push(date, CLOCK[Math.floor(sinceMidnight / MINUTE)]!, SECONDS[second]!, day.offsetText);
      return;
    }
  }
  out.push(
    Temporal.Instant.fromEpochMilliseconds(instant)
      .toZonedDateTimeISO(timezone)
      .toString({ timeZoneName: 'never', smallestUnit: 'second' }),
  );
}

/** pushIsoInZone as one string. */
export function isoInZone(instant: number, date: string, timezone: string): string {
  const out: string[] = [];
  pushIsoInZone(out, instant, date, timezone);
  return out.join('');
}

const DAY = 1440 * MINUTE;

/** Per zone, the local date of the last minute asked for: `now` repeats all minute long. */
const todays = new Map<string, { minute: number; date: string }>();

/**
 * The local date (YYYY-MM-DD) of an instant in a time zone. Offsets lie within −12 h … +14 h, so it is
 * the UTC date or a neighbour: the memoised zone days answer, and Temporal only on a transition day.
 */
export function localDateOf(instant: number, timezone: string): string {
  const minute = Math.floor(instant / MINUTE);
  const today = todays.get(timezone);
  if (today && today.minute === minute) return today.date;
  const utcDay = Math.floor(instant / DAY) * DAY;
  let date: string | undefined;
  for (const candidate of [utcDay, utcDay - DAY, utcDay + DAY]) {
    const text = new Date(candidate).toISOString().slice(0, 10);
    const day = zoneDay(text, timezone);
    if (day.offset === null) break; // a transition day: let Temporal decide
    const start = day.utcMidnight - day.offset;
    if (instant >= start && instant < start + DAY) {
      date = text;
      break;
    }
  }
  date ??= Temporal.Instant.fromEpochMilliseconds(instant)
    .toZonedDateTimeISO(timezone)
    .toPlainDate()
    .toString();
  if (todays.size >= MEMO_LIMIT) todays.clear();
  todays.set(timezone, { minute, date });
  return date;
}
