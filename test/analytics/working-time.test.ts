// Working minutes (utilisation's denominator): real elapsed minutes across DST, special days, time off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BarberSchedule, workingMinutes } from '../../src/modules/analytics/working-time.js';

const NY = 'America/New_York';
const window = (start: string, end: string) => {
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { start_minute: minute(start), end_minute: minute(end) };
};
const schedule = (parts: Partial<BarberSchedule> = {}): BarberSchedule => ({
  weekly: new Map(),
  specialDays: new Map(),
  timeOff: [],
  ...parts,
});
const everyDay = (start: string, end: string) =>
  new Map([1, 2, 3, 4, 5, 6, 7].map((weekday) => [weekday, [window(start, end)]]));
const at = (iso: string) => new Date(iso).getTime();

test('weekly windows by ISO weekday, several a day', () => {
  const weekly = new Map([[1, [window('09:00', '12:00'), window('13:00', '17:00')]]]);
  // 2025-03-03 is a Monday, 2025-03-04 a Tuesday (no hours).
  assert.equal(workingMinutes(['2025-03-03', '2025-03-04'], NY, [schedule({ weekly })]), 420);
});

test('a window over the spring-forward gap lasts its real two hours, over the fall-back repeat four', () => {
  const weekly = everyDay('01:00', '04:00');
  assert.equal(workingMinutes(['2025-03-09'], NY, [schedule({ weekly })]), 120);
  assert.equal(workingMinutes(['2025-11-02'], NY, [schedule({ weekly })]), 240);
  assert.equal(workingMinutes(['2025-11-03'], NY, [schedule({ weekly })]), 180);
  // A whole-day window: the fall-back day has 25 hours, the spring-forward day 23.
  assert.equal(workingMinutes(['2025-11-02'], NY, [schedule({ weekly: everyDay('00:00', '24:00') })]), 1500);
  assert.equal(workingMinutes(['2025-03-09'], NY, [schedule({ weekly: everyDay('00:00', '24:00') })]), 1380);
});

test('a special day replaces the weekly windows; a closed one has none', () => {
  const s = schedule({
    weekly: everyDay('09:00', '17:00'),
    specialDays: new Map([
      ['2025-03-04', []],
      ['2025-03-05', [window('10:00', '12:00')]],
    ]),
  });
  assert.equal(workingMinutes(['2025-03-03', '2025-03-04', '2025-03-05'], NY, [s]), 480 + 0 + 120);
});

test('time off is cut out once, however its entries overlap, across days', () => {
  const s = schedule({
    weekly: everyDay('09:00', '17:00'),
    timeOff: [
      // 03-03 12:00–14:00 EST and an overlapping 13:00–15:00: 3 h off in all.
      [at('2025-03-03T17:00:00Z'), at('2025-03-03T19:00:00Z')],
      [at('2025-03-03T18:00:00Z'), at('2025-03-03T20:00:00Z')],
      // From 03-04 16:00 to 03-05 10:00 EST: 1 h + 1 h of working time.
      [at('2025-03-04T21:00:00Z'), at('2025-03-05T15:00:00Z')],
    ],
  });
  assert.equal(workingMinutes(['2025-03-03', '2025-03-04', '2025-03-05'], NY, [s]), 3 * 480 - 180 - 120);
});

test('barbers add up', () => {
  const a = schedule({ weekly: everyDay('09:00', '17:00') });
  const b = schedule({ weekly: everyDay('12:00', '13:30') });
  assert.equal(workingMinutes(['2025-06-02'], 'Europe/London', [a, b]), 480 + 90);
  assert.equal(workingMinutes([], NY, [a, b]), 0);
});
