// Shared by the booking tests: start times on a shop's grid, in its wall clock, some days ahead.
import { Temporal } from 'temporal-polyfill';

/** The instant of local `hh:mm` on the day `daysAhead` from today in `timezone`, as ISO with offset. */
export function localStart(daysAhead: number, hhmm: string, timezone = 'America/New_York'): string {
  const [hour, minute] = hhmm.split(':').map(Number);
  const day = Temporal.Now.plainDateISO(timezone).add({ days: daysAhead });
  return day
    .toZonedDateTime({ timeZone: timezone, plainTime: { hour: hour!, minute: minute! } })
    .toString({ timeZoneName: 'never' });
}

/** The same instant as the API renders it (UTC, milliseconds, `Z`). */
export const asApi = (iso: string) => new Date(iso).toISOString();

/** Adds minutes to an ISO instant. */
export const plusMinutes = (iso: string, minutes: number) =>
  new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

/**
 * The test app's environment for booking tests: rate limits off (tests fire bursts on purpose) and no
 * overload shedding, whose event-loop-delay trigger fires when the test machine itself is saturated.
 */
export const BOOKING_TEST_ENV = { RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: '0' };
