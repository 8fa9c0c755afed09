// The availability engine, pure: exact wall-clock answers on DST days and at the notice, horizon and grid
// edges, and fast-check properties tying listing and validation together.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { isoWeekday } from '../../src/modules/scheduling/barber-profile.js';
import {
  barberAnswerJson,
  datesTouching,
  parseDate,
} from '../../src/modules/scheduling/scheduling.service.js';
import {
  type BarberDay,
  type BookingRules,
  type BusyRange,
  checkStart,
  instantOf,
  isoInZone,
  type LocalWindow,
  listAnyBarberSlots,
  listDaySlots,
  localDateOf,
} from '../../src/modules/scheduling/availability.js';

const MIN = 60_000;
const hm = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

function day(date: string, timezone: string, windows: string[], extra: Partial<BarberDay> = {}): BarberDay {
  return {
    date,
    timezone,
    weekly: windows.map((w) => ({ startMinute: hm(w.slice(0, 5)), endMinute: hm(w.slice(6, 11)) })),
    special: null,
    busy: [],
    ...extra,
  };
}

const rules = (over: Partial<BookingRules> = {}): BookingRules => ({
  slotIntervalMinutes: 60,
  minNoticeMinutes: 0,
  maxAdvanceDays: 730,
  ...over,
});

/** Local "HH:MM±hh:mm" of each listed start. */
function starts(d: BarberDay, durationMinutes: number, r: BookingRules, now: number): string[] {
  return listDaySlots(d, { durationMinutes, bufferMinutes: 0 }, r, now).slots.map((s) =>
    Temporal.Instant.fromEpochMilliseconds(s.start)
      .toZonedDateTimeISO(d.timezone)
      .toString({ timeZoneName: 'never' })
      .slice(11)
      .replace(':00-', '-')
      .replace(':00+', '+'),
  );
}

const LONG_AGO = Date.parse('2026-01-01T00:00:00Z');

describe('daylight-saving days', () => {
  test('New York spring forward: the skipped hour does not exist, the day has 23 hourly slots', () => {
    const slots = starts(day('2026-03-08', 'America/New_York', ['00:00-24:00']), 60, rules(), LONG_AGO);
    assert.equal(slots.length, 23);
    assert.deepEqual(slots.slice(0, 4), ['00:00-05:00', '01:00-05:00', '03:00-04:00', '04:00-04:00']);
  });

  test('New York spring forward: a window across the gap is two real hours long', () => {
    const slots = starts(day('2026-03-08', 'America/New_York', ['01:00-04:00']), 60, rules(), LONG_AGO);
    assert.deepEqual(slots, ['01:00-05:00', '03:00-04:00']);
  });

  test('New York fall back: the repeated hour is offered twice, the day has 25 hourly slots', () => {
    const all = starts(day('2026-11-01', 'America/New_York', ['00:00-24:00']), 60, rules(), LONG_AGO);
    assert.equal(all.length, 25);
    const slots = starts(day('2026-11-01', 'America/New_York', ['01:00-04:00']), 60, rules(), LONG_AGO);
    assert.deepEqual(slots, ['01:00-04:00', '01:00-05:00', '02:00-05:00', '03:00-05:00']);
  });

  test('London spring forward: 01:00–02:00 does not exist', () => {
    const d = day('2026-03-29', 'Europe/London', ['00:00-03:00']);
    assert.deepEqual(starts(d, 30, rules({ slotIntervalMinutes: 30 }), LONG_AGO), [
      '00:00+00:00',
      '00:30+00:00',
      '02:00+01:00',
      '02:30+01:00',
    ]);
  });

  test('London fall back: 01:00–02:00 happens twice', () => {
    const d = day('2026-10-25', 'Europe/London', ['00:00-03:00']);
    assert.deepEqual(starts(d, 30, rules({ slotIntervalMinutes: 30 }), LONG_AGO), [
      '00:00+01:00',
      '00:30+01:00',
      '01:00+01:00',
      '01:30+01:00',
      '01:00+00:00',
      '01:30+00:00',
      '02:00+00:00',
      '02:30+00:00',
    ]);
  });

  test('both repeated 01:30s validate on a fall-back day', () => {
    const d = day('2026-11-01', 'America/New_York', ['00:00-04:00']);
    const r = rules({ slotIntervalMinutes: 30 });
    for (const iso of ['2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00']) {
      const check = checkStart(d, { durationMinutes: 30, bufferMinutes: 0 }, r, LONG_AGO, Date.parse(iso));
      assert.equal(check.ok, true, iso);
    }
  });
});

describe('rules at their edges', () => {
  const d = day('2026-06-10', 'America/New_York', ['09:00-12:00']);
  const nineAm = Date.parse('2026-06-10T09:00:00-04:00');
  const len = { durationMinutes: 60, bufferMinutes: 0 };

  test('a start exactly min_notice ahead is offered; one minute less is not', () => {
    const r = rules({ minNoticeMinutes: 60 });
    assert.deepEqual(starts(d, 60, r, nineAm - 60 * MIN), ['09:00-04:00', '10:00-04:00', '11:00-04:00']);
    assert.deepEqual(starts(d, 60, r, nineAm - 59 * MIN), ['10:00-04:00', '11:00-04:00']);
    assert.deepEqual(checkStart(d, len, r, nineAm - 59 * MIN, nineAm), {
      ok: false,
      reason: 'too-little-notice',
    });
  });

  test('the last day of the horizon is offered, the next is not', () => {
    const now = Date.parse('2026-06-01T12:00:00-04:00');
    const r = rules({ maxAdvanceDays: 9 });
    assert.equal(starts(d, 60, r, now).length, 3);
    const r8 = rules({ maxAdvanceDays: 8 });
    assert.deepEqual(starts(d, 60, r8, now), []);
    assert.deepEqual(checkStart(d, len, r8, now, nineAm), { ok: false, reason: 'too-far-ahead' });
  });

  test('the grid counts from the window start, and an off-grid start is refused', () => {
    const w = day('2026-06-10', 'America/New_York', ['09:10-11:00']);
    assert.deepEqual(starts(w, 30, rules({ slotIntervalMinutes: 30 }), LONG_AGO), [
      '09:10-04:00',
      '09:40-04:00',
      '10:10-04:00',
    ]);
    const at = Date.parse('2026-06-10T09:25:00-04:00');
    const check = checkStart(
      w,
      { durationMinutes: 30, bufferMinutes: 0 },
      rules({ slotIntervalMinutes: 30 }),
      LONG_AGO,
      at,
    );
    assert.deepEqual(check, { ok: false, reason: 'off-slot-grid' });
  });

  test('the buffer must fit in the window and counts against busy time', () => {
    const buffered = { durationMinutes: 45, bufferMinutes: 15 };
    const listed = listDaySlots(d, buffered, rules(), LONG_AGO).slots;
    assert.equal(listed.length, 3);
    assert.equal(listed[2]!.busyUntil, Date.parse('2026-06-10T12:00:00-04:00'));
    const tight = listDaySlots(d, { durationMinutes: 60, bufferMinutes: 5 }, rules(), LONG_AGO).slots;
    assert.equal(tight.length, 2);
  });

  test('a slot overlapping an appointment is not offered and validates as taken', () => {
    const busy: BusyRange[] = [
      {
        start: Date.parse('2026-06-10T10:30:00-04:00'),
        end: Date.parse('2026-06-10T10:45:00-04:00'),
        kind: 'appointment',
      },
    ];
    const b = { ...d, busy };
    assert.deepEqual(starts(b, 60, rules(), LONG_AGO), ['09:00-04:00', '11:00-04:00']);
    assert.deepEqual(checkStart(b, len, rules(), LONG_AGO, Date.parse('2026-06-10T10:00:00-04:00')), {
      ok: false,
      reason: 'slot-taken',
    });
  });

  test('time off removes slots and validates as barber-time-off', () => {
    const b = {
      ...d,
      busy: [{ start: nineAm, end: nineAm + 90 * MIN, kind: 'time-off' as const }],
    };
    assert.deepEqual(starts(b, 60, rules(), LONG_AGO), ['11:00-04:00']);
    assert.deepEqual(checkStart(b, len, rules(), LONG_AGO, nineAm), { ok: false, reason: 'barber-time-off' });
  });

  test('a closed special day offers nothing; an open one replaces the weekly windows', () => {
    const closed = { ...d, special: { available: false, windows: [] } };
    assert.deepEqual(starts(closed, 60, rules(), LONG_AGO), []);
    assert.deepEqual(checkStart(closed, len, rules(), LONG_AGO, nineAm), { ok: false, reason: 'day-closed' });
    const open = {
      ...d,
      special: { available: true, windows: [{ startMinute: hm('14:00'), endMinute: hm('16:00') }] },
    };
    assert.deepEqual(starts(open, 60, rules(), LONG_AGO), ['14:00-04:00', '15:00-04:00']);
    assert.deepEqual(checkStart(open, len, rules(), LONG_AGO, nineAm), {
      ok: false,
      reason: 'outside-working-hours',
    });
  });

  test('several windows a day: the gap is a break', () => {
    const split = day('2026-06-10', 'America/New_York', ['13:00-15:00', '09:00-10:30']);
    assert.deepEqual(starts(split, 60, rules({ slotIntervalMinutes: 30 }), LONG_AGO), [
      '09:00-04:00',
      '09:30-04:00',
      '13:00-04:00',
      '13:30-04:00',
      '14:00-04:00',
    ]);
  });

  test('any barber: each start once, with every barber free then', () => {
    const a = day('2026-06-10', 'America/New_York', ['09:00-11:00']);
    const b = day('2026-06-10', 'America/New_York', ['10:00-12:00']);
    const listed = listAnyBarberSlots(
      [
        { barberId: 'a', day: a, length: len },
        { barberId: 'b', day: b, length: len },
      ],
      rules(),
      LONG_AGO,
    );
    assert.deepEqual(
      listed.slots.map((s) => [new Date(s.start).toISOString().slice(11, 16), s.barberIds]),
      [
        ['13:00', ['a']],
        ['14:00', ['a', 'b']],
        ['15:00', ['b']],
      ],
    );
  });
});

describe('properties', () => {
  const ZONES = ['America/New_York', 'Europe/London', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe'];
  const DATES = ['2026-03-08', '2026-03-29', '2026-10-04', '2026-10-25', '2026-11-01', '2026-06-15'];

  const windowsArb = fc
    .uniqueArray(fc.integer({ min: 0, max: 1440 }), { minLength: 0, maxLength: 8 })
    .map((points) => {
      const sorted = [...points].sort((a, b) => a - b);
      const windows: LocalWindow[] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) {
        windows.push({ startMinute: sorted[i]!, endMinute: sorted[i + 1]! });
      }
      return windows;
    });

  const worldArb = fc
    .record({
      timezone: fc.constantFrom(...ZONES),
      date: fc.constantFrom(...DATES),
      windows: windowsArb,
      busyMinutes: fc.array(
        fc.record({
          from: fc.integer({ min: -300, max: 1740 }),
          length: fc.integer({ min: 1, max: 300 }),
          timeOff: fc.boolean(),
        }),
        { maxLength: 6 },
      ),
      slotIntervalMinutes: fc.constantFrom(5, 10, 15, 20, 30, 45, 60, 90),
      minNoticeMinutes: fc.integer({ min: 0, max: 600 }),
      maxAdvanceDays: fc.integer({ min: 1, max: 3 }),
      nowOffsetMinutes: fc.integer({ min: -3 * 1440, max: 1440 }),
      durationMinutes: fc.integer({ min: 5, max: 240 }),
      bufferMinutes: fc.integer({ min: 0, max: 60 }),
    })
    .map((w) => {
      const midnight = instantOf(w.date, 0, w.timezone);
      const d: BarberDay = {
        date: w.date,
        timezone: w.timezone,
        weekly: w.windows,
        special: null,
        busy: w.busyMinutes.map((b) => ({
          start: midnight + b.from * MIN,
          end: midnight + (b.from + b.length) * MIN,
          kind: b.timeOff ? ('time-off' as const) : ('appointment' as const),
        })),
      };
      return {
        day: d,
        rules: {
          slotIntervalMinutes: w.slotIntervalMinutes,
          minNoticeMinutes: w.minNoticeMinutes,
          maxAdvanceDays: w.maxAdvanceDays,
        },
        now: midnight + w.nowOffsetMinutes * MIN,
        length: { durationMinutes: w.durationMinutes, bufferMinutes: w.bufferMinutes },
        midnight,
      };
    });

  test('every listed slot fits a window, avoids everything busy, respects notice, and validates', () => {
    fc.assert(
      fc.property(worldArb, ({ day: d, rules: r, now, length }) => {
        const windows = d.weekly.map((w) => ({
          start: instantOf(d.date, w.startMinute, d.timezone),
          end: instantOf(d.date, w.endMinute, d.timezone),
        }));
        for (const slot of listDaySlots(d, length, r, now).slots) {
          const window = windows.find((w) => w.start <= slot.start && slot.busyUntil <= w.end);
          assert.ok(window, 'fits a window');
          assert.equal((slot.start - window.start) % (r.slotIntervalMinutes * MIN), 0, 'on the grid');
          assert.ok(slot.start >= now + r.minNoticeMinutes * MIN, 'respects notice');
          for (const b of d.busy) assert.ok(b.end <= slot.start || slot.busyUntil <= b.start, 'free');
          assert.deepEqual(checkStart(d, length, r, now, slot.start), { ok: true, slot });
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a start that validates is always listed (nothing bookable is hidden)', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 40 }),
        (world, probes) => {
          const listed = new Set(
            listDaySlots(world.day, world.length, world.rules, world.now).slots.map((s) => s.start),
          );
          for (const minute of probes) {
            const at = world.midnight + minute * MIN;
            const check = checkStart(world.day, world.length, world.rules, world.now, at);
            if (check.ok)
              assert.ok(listed.has(at), `validated but not listed: ${new Date(at).toISOString()}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('booking every listed slot in turn succeeds until the chair is full', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        let d = world.day;
        for (const slot of listDaySlots(d, world.length, world.rules, world.now).slots) {
          const check = checkStart(d, world.length, world.rules, world.now, slot.start);
          if (!check.ok) {
            // Only an earlier booking of this sweep may take it.
            assert.equal(check.reason, 'slot-taken');
            continue;
          }
          d = { ...d, busy: [...d.busy, { start: slot.start, end: slot.busyUntil, kind: 'appointment' }] };
        }
        assert.deepEqual(listDaySlots(d, world.length, world.rules, world.now).slots, []);
      }),
      { numRuns: 300 },
    );
  });

  test('the joined availability JSON is what JSON.stringify makes of the answer, DST days included', () => {
    fc.assert(
      fc.property(worldArb, fc.uuid(), ({ day: d, rules: r, now, length }, barberId) => {
        const slots = listDaySlots({ ...d, busy: [] }, length, r, now).slots;
        const expected = JSON.stringify({
          barber_id: barberId,
          date: d.date,
          timezone: d.timezone,
          slots: slots.map((s) => ({
            start_time: isoInZone(s.start, d.date, d.timezone),
            end_time: isoInZone(s.end, d.date, d.timezone),
          })),
        });
        assert.equal(barberAnswerJson(barberId, d.date, d.timezone, slots), expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDate and the profile helpers', () => {
  test('accepts real calendar dates only, as Temporal would', () => {
    for (const ok of ['2026-11-23', '2028-02-29', '0050-01-01', '9999-12-31']) {
      assert.equal(parseDate(ok), ok);
      assert.equal(Temporal.PlainDate.from(ok).toString(), ok);
    }
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-1', '26-01-01', 'x']) {
      assert.throws(
        () => parseDate(bad),
        (error: unknown) => (error as { status?: number }).status === 422,
      );
    }
  });

  test('isoWeekday matches Temporal on every day of a leap year', () => {
    let day = Temporal.PlainDate.from('2028-01-01');
    for (let i = 0; i < 366; i++, day = day.add({ days: 1 })) {
      assert.equal(isoWeekday(day.toString()), day.dayOfWeek);
    }
  });
});

test('datesTouching covers the day before and after in UTC dates, whatever the zone', () => {
  assert.deepEqual(datesTouching(new Date('2026-03-08T05:00:00Z'), new Date('2026-03-08T06:00:00Z')), [
    '2026-03-07',
    '2026-03-08',
    '2026-03-09',
  ]);
  assert.deepEqual(datesTouching(new Date('2026-12-31T23:30:00Z'), new Date('2027-01-01T00:30:00Z')), [
    '2026-12-30',
    '2026-12-31',
    '2027-01-01',
    '2027-01-02',
  ]);
  assert.equal(datesTouching(new Date('2026-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z')).length, 800);
});

test('localDateOf agrees with Temporal for any instant, in zones with and without DST', () => {
  const zones = [
    'America/New_York',
    'Europe/London',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
  ];
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
      fc.constantFrom(...zones),
      (instant, zone) => {
        const expected = Temporal.Instant.fromEpochMilliseconds(instant)
          .toZonedDateTimeISO(zone)
          .toPlainDate()
          .toString();
        assert.equal(localDateOf(instant, zone), expected);
      },
    ),
    { numRuns: 3000 },
  );
});

test('isoInZone agrees with Temporal for any instant of the local date, DST days included', () => {
  const zones = [
    'America/New_York',
    'Europe/London',
    'Pacific/Kiritimati',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
  ];
  const temporal = (instant: number, zone: string) =>
    Temporal.Instant.fromEpochMilliseconds(instant)
      .toZonedDateTimeISO(zone)
      .toString({ timeZoneName: 'never', smallestUnit: 'second' });
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
      fc.constantFrom(...zones),
      (instant, zone) => {
        const expected = temporal(instant, zone);
        assert.equal(isoInZone(instant, expected.slice(0, 10), zone), expected);
      },
    ),
    { numRuns: 3000 },
  );
  // The seconds and the last second of a day, and a spring-forward day in New York.
  assert.equal(
    isoInZone(Date.UTC(2026, 2, 8, 4, 59, 59), '2026-03-07', 'America/New_York'),
    '2026-03-07T23:59:59-05:00',
  );
  assert.equal(
    isoInZone(Date.UTC(2026, 2, 8, 7, 30, 5), '2026-03-08', 'America/New_York'),
    '2026-03-08T03:30:05-04:00',
  );
  assert.equal(
    isoInZone(Date.UTC(2026, 5, 1, 3, 30), '2026-06-01', 'Asia/Kolkata'),
    '2026-06-01T09:00:00+05:30',
  );
});
