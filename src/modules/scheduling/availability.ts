// The availability engine: pure (no I/O), one set of rules for listing slots and for validating a
// requested start, so a listed slot can be booked and an unlisted one cannot (DESIGN §3).
//
// Instants are epoch milliseconds; wall-clock windows are converted once per day with Temporal, so
// every rule below is plain arithmetic on real elapsed time. That is what makes DST days exact: the
// grid steps in elapsed minutes from the window's start instant, so a fall-back day offers its
// repeated hour twice and a spring-forward day has no slot in the hour that does not exist.
import { Temporal } from 'temporal-polyfill';
import { instantOf, localDateOf } from './zone-time.js';

export { instantOf, isoInZone, localDateOf, pushIsoInZone } from './zone-time.js';

const MINUTE = 60_000;

/** A wall-clock window of one local date: minutes from local midnight, end ≤ 1440. */
export interface LocalWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** A date that replaces the weekly windows: closed, or open with its own windows. */
export interface SpecialDayRule {
  readonly available: boolean;
  readonly windows: readonly LocalWindow[];
}

/** Something that occupies the barber's chair, [start, end) in epoch ms. */
export interface BusyRange {
  readonly start: number;
  readonly end: number;
  /** Appointments and live holds make a slot "taken" (409); time off makes it "not offered" (422). */
  readonly kind: 'appointment' | 'time-off';
}

export interface BookingRules {
  readonly slotIntervalMinutes: number;
  readonly minNoticeMinutes: number;
  readonly maxAdvanceDays: number;
}

/** Everything the engine needs about one barber on one local date. */
export interface BarberDay {
  readonly date: string;
  readonly timezone: string;
  /** The weekly windows of this date's weekday. */
  readonly weekly: readonly LocalWindow[];
  readonly special: SpecialDayRule | null;
  /** Anything overlapping the day, in any order. */
  readonly busy: readonly BusyRange[];
}

/** The chair time a booking needs: the service duration (or the barber's own) plus the buffer after it. */
export interface SlotLength {
  readonly durationMinutes: number;
  readonly bufferMinutes: number;
}

export interface Slot {
  readonly start: number;
  /** start + duration: when the client leaves. */
  readonly end: number;
  /** end + buffer: when the chair is free again. */
  readonly busyUntil: number;
}

export type UnbookableReason =
  | 'too-little-notice'
  | 'too-far-ahead'
  | 'day-closed'
  | 'outside-working-hours'
  | 'off-slot-grid'
  | 'barber-time-off'
  | 'slot-taken';

export type StartCheck = { ok: true; slot: Slot } | { ok: false; reason: UnbookableReason };

export interface DaySlots {
  readonly slots: Slot[];
  /**
   * The instant until which this listing stays exact as time passes (the first slot falls inside the
   * notice period, or the day enters the booking horizon). Callers may cache it until then.
   */
  readonly validUntil: number;
}

/** The windows that apply to a date: a special day replaces the weekly ones. */
export function effectiveWindows(day: Pick<BarberDay, 'weekly' | 'special'>): readonly LocalWindow[] {
  if (!day.special) return day.weekly;
  return day.special.available ? day.special.windows : [];
}

/** Windows as instants, sorted; a window that a DST gap swallows entirely disappears. */
function windowInstants(day: BarberDay): { start: number; end: number }[] {
  return effectiveWindows(day)
    .map((w) => ({
      start: instantOf(day.date, w.startMinute, day.timezone),
      end: instantOf(day.date, w.endMinute, day.timezone),
    }))
    .filter((w) => w.start < w.end)
    .sort((a, b) => a.start - b.start);
}

/** Busy ranges sorted and merged into disjoint intervals. */
function mergeBusy(busy: readonly BusyRange[]): { start: number; end: number }[] {
  const sorted = [...busy].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ start: range.start, end: range.end });
  }
  return merged;
}

/** Days between today (local, at `now`) and the date; negative for past dates. */
function daysAhead(date: string, timezone: string, now: number): number {
  return Math.round((Date.parse(date) - Date.parse(localDateOf(now, timezone))) / 86_400_000);
}

/**
 * The bookable slots of one barber-day, in order. O(windows + busy + slots): one sweep over the sorted
 * windows with a cursor into the merged busy ranges, jumping over each busy range to the next grid point.
 */
export function listDaySlots(day: BarberDay, length: SlotLength, rules: BookingRules, now: number): DaySlots {
  if (daysAhead(day.date, day.timezone, now) > rules.maxAdvanceDays) {
    // Not bookable yet; it becomes so when its date enters the horizon (local midnight, DST-exact).
    const opens = Temporal.PlainDate.from(day.date)
      .subtract({ days: rules.maxAdvanceDays })
      .toZonedDateTime({ timeZone: day.timezone }).epochMilliseconds;
    return { slots: [], validUntil: opens };
  }
  const step = rules.slotIntervalMinutes * MINUTE;
  const duration = length.durationMinutes * MINUTE;
  const occupied = duration + length.bufferMinutes * MINUTE;
  const earliest = now + rules.minNoticeMinutes * MINUTE;
  const busy = mergeBusy(day.busy);
  const slots: Slot[] = [];
  let cursor = 0;
  for (const window of windowInstants(day)) {
    let start = window.start;
    if (start < earliest) start += Math.ceil((earliest - start) / step) * step;
    while (start + occupied <= window.end) {
      while (cursor < busy.length && busy[cursor]!.end <= start) cursor++;
      const next = busy[cursor];
      if (next && next.start < start + occupied) {
        start += Math.ceil((next.end - start) / step) * step;
        continue;
      }
      slots.push({ start, end: start + duration, busyUntil: start + occupied });
      start += step;
    }
  }
  const first = slots[0];
  const validUntil = first ? first.start - rules.minNoticeMinutes * MINUTE + 1 : Number.POSITIVE_INFINITY;
  return { slots, validUntil };
}

/**
 * Whether a booking may start at `start` (epoch ms) on this barber-day, and if not, why: the same rules
 * as listDaySlots, checked in the order a person would explain them.
 */
export function checkStart(
  day: BarberDay,
  length: SlotLength,
  rules: BookingRules,
  now: number,
  start: number,
): StartCheck {
  if (start < now + rules.minNoticeMinutes * MINUTE) return { ok: false, reason: 'too-little-notice' };
  if (daysAhead(day.date, day.timezone, now) > rules.maxAdvanceDays) {
    return { ok: false, reason: 'too-far-ahead' };
  }
  if (day.special && !day.special.available) return { ok: false, reason: 'day-closed' };
  const duration = length.durationMinutes * MINUTE;
  const busyUntil = start + duration + length.bufferMinutes * MINUTE;
  const window = windowInstants(day).find((w) => w.start <= start && busyUntil <= w.end);
  if (!window) return { ok: false, reason: 'outside-working-hours' };
  if ((start - window.start) % (rules.slotIntervalMinutes * MINUTE) !== 0) {
    return { ok: false, reason: 'off-slot-grid' };
  }
  const overlapping = day.busy.filter((b) => b.start < busyUntil && start < b.end);
  if (overlapping.some((b) => b.kind === 'time-off')) return { ok: false, reason: 'barber-time-off' };
  if (overlapping.length > 0) return { ok: false, reason: 'slot-taken' };
  return { ok: true, slot: { start, end: start + duration, busyUntil } };
}

export interface AnyBarberSlot extends Slot {
  /** Every barber free at this start, in the order given. */
  readonly barberIds: readonly string[];
}

/**
 * "Any barber": each start time offered by at least one barber, once, with the barbers free then.
 * Each barber brings their own day and slot length (custom durations differ).
 */
export function listAnyBarberSlots(
  barbers: readonly { barberId: string; day: BarberDay; length: SlotLength }[],
  rules: BookingRules,
  now: number,
): { slots: AnyBarberSlot[]; validUntil: number } {
  const byStart = new Map<number, { slot: Slot; barberIds: string[] }>();
  let validUntil = Number.POSITIVE_INFINITY;
  for (const { barberId, day, length } of barbers) {
    const listed = listDaySlots(day, length, rules, now);
    validUntil = Math.min(validUntil, listed.validUntil);
    for (const slot of listed.slots) {
      const entry = byStart.get(slot.start);
      if (entry) entry.barberIds.push(barberId);
      else byStart.set(slot.start, { slot, barberIds: [barberId] });
    }
  }
  const slots = [...byStart.values()]
    .sort((a, b) => a.slot.start - b.slot.start)
    .map(({ slot, barberIds }) => ({ ...slot, barberIds }));
  return { slots, validUntil };
}
