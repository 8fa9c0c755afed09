// The pure date-range rules: presets, custom validation, and buckets that partition a range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addDays,
  bucketsOf,
  daysIn,
  GROUP_BYS,
  isoWeekday,
  periodStart,
  rangeProblem,
  resolveRange,
} from '../../src/modules/analytics/date-range.js';

test('presets end today, today included', () => {
  const today = '2024-03-15';
  const range = (date_range: Parameters<typeof resolveRange>[0]['date_range']) =>
    resolveRange({ date_range }, today);
  assert.deepEqual(range('today'), { from: '2024-03-15', to: '2024-03-15' });
  assert.deepEqual(range('last_7_days'), { from: '2024-03-09', to: '2024-03-15' });
  assert.deepEqual(range('last_30_days'), { from: '2024-02-15', to: '2024-03-15' });
  assert.deepEqual(range('last_90_days'), { from: '2023-12-17', to: '2024-03-15' });
  assert.deepEqual(range('this_month'), { from: '2024-03-01', to: '2024-03-15' });
  assert.deepEqual(range('last_month'), { from: '2024-02-01', to: '2024-02-29' });
  assert.deepEqual(resolveRange({ date_range: 'last_month' }, '2025-01-31'), {
    from: '2024-12-01',
    to: '2024-12-31',
  });
  assert.equal(daysIn(range('last_30_days')), 30);
  assert.equal(daysIn(range('last_90_days')), 90);
});

test('a custom range needs both ends, real dates, from ≤ to and at most 366 days', () => {
  const problem = (from?: string, to?: string) => rangeProblem({ date_range: 'custom', from, to });
  assert.match(problem('2025-01-01')!, /needs both from and to/);
  assert.match(problem(undefined, '2025-01-01')!, /needs both from and to/);
  assert.match(problem('2025-02-29', '2025-03-01')!, /from is not a calendar date/);
  assert.match(problem('2025-01-01', '2025-13-01')!, /to is not a calendar date/);
  assert.match(problem('1969-12-31', '1970-01-01')!, /from is not a calendar date/);
  assert.match(problem('2025-01-02', '2025-01-01')!, /after/);
  assert.match(problem('2024-01-01', '2025-01-01')!, /367 days/);
  assert.equal(problem('2024-01-01', '2024-12-31'), undefined);
  assert.equal(problem('2025-01-01', '2025-01-01'), undefined);
  assert.match(rangeProblem({ date_range: 'today', to: '2025-01-01' })!, /only for date_range=custom/);
  assert.equal(rangeProblem({ date_range: 'last_90_days' }), undefined);
});

test('periods start on the day, the ISO Monday, or the 1st', () => {
  assert.equal(isoWeekday('2025-03-10'), 1);
  assert.equal(isoWeekday('2025-03-09'), 7);
  assert.equal(isoWeekday('1970-01-01'), 4);
  assert.equal(periodStart('2025-03-09', 'week'), '2025-03-03');
  assert.equal(periodStart('2025-03-10', 'week'), '2025-03-10');
  assert.equal(periodStart('2025-01-01', 'week'), '2024-12-30');
  assert.equal(periodStart('2025-03-09', 'month'), '2025-03-01');
  assert.equal(periodStart('2025-03-09', 'day'), '2025-03-09');
});

test('month buckets are whole calendar months cut to the range', () => {
  assert.deepEqual(bucketsOf({ from: '2024-01-31', to: '2024-03-01' }, 'month'), [
    { from: '2024-01-31', to: '2024-01-31' },
    { from: '2024-02-01', to: '2024-02-29' },
    { from: '2024-03-01', to: '2024-03-01' },
  ]);
});

test('buckets partition the range in order, each inside one period', () => {
  const date = fc.integer({ min: 0, max: 20_000 }).map((n) => addDays('2000-01-01', n));
  fc.assert(
    fc.property(
      date,
      fc.integer({ min: 0, max: 365 }),
      fc.constantFrom(...GROUP_BYS),
      (from, span, groupBy) => {
        const to = addDays(from, span);
        const buckets = bucketsOf({ from, to }, groupBy);
        assert.equal(buckets[0]!.from, from);
        assert.equal(buckets.at(-1)!.to, to);
        for (const [i, b] of buckets.entries()) {
          assert.ok(b.from <= b.to);
          assert.equal(periodStart(b.to, groupBy), periodStart(b.from, groupBy));
          // Adjacent, and cut only at the range's ends: inside it a bucket is a whole period.
          if (i > 0) assert.equal(b.from, addDays(buckets[i - 1]!.to, 1));
          if (i > 0) assert.equal(periodStart(b.from, groupBy), b.from);
          if (i < buckets.length - 1) assert.equal(periodStart(addDays(b.to, 1), groupBy), addDays(b.to, 1));
        }
      },
    ),
  );
});
