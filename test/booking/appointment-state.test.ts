import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AppointmentStatus,
  canTransition,
  isCancellable,
  isReschedulable,
  STATUSES,
  tallyFor,
  violatesTiming,
} from '../../src/modules/booking/appointment-state.js';

// The whole table, written out: every pair not listed here is illegal.
const LEGAL = new Set([
  'held→pending',
  'held→confirmed',
  'pending→confirmed',
  'pending→cancelled',
  'confirmed→in_progress',
  'confirmed→no_show',
  'confirmed→cancelled',
  'in_progress→completed',
]);

test('exactly the listed transitions are legal (all 49 pairs)', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      assert.equal(canTransition(from, to), LEGAL.has(`${from}→${to}`), `${from} → ${to}`);
    }
  }
});

test('terminal statuses have no way out', () => {
  for (const from of ['completed', 'cancelled', 'no_show'] as AppointmentStatus[]) {
    for (const to of STATUSES) assert.equal(canTransition(from, to), false);
  }
});

test('no status moves to itself', () => {
  for (const status of STATUSES) assert.equal(canTransition(status, status), false);
});

test('only pending and confirmed appointments can be cancelled or rescheduled', () => {
  assert.deepEqual(STATUSES.filter(isCancellable), ['pending', 'confirmed']);
  assert.deepEqual(STATUSES.filter(isReschedulable), ['pending', 'confirmed']);
});

test('a no-show cannot be recorded before the start; other statuses have no timing rule', () => {
  const start = new Date('2030-01-01T10:00:00Z');
  assert.equal(violatesTiming('no_show', start, new Date('2030-01-01T09:59:59Z')), true);
  assert.equal(violatesTiming('no_show', start, new Date('2030-01-01T10:00:00Z')), false);
  assert.equal(violatesTiming('in_progress', start, new Date('2030-01-01T09:00:00Z')), false);
  assert.equal(violatesTiming('completed', start, new Date('2030-01-01T09:00:00Z')), false);
});

test('completion counts a visit and the price; no-show and cancellation count themselves', () => {
  assert.deepEqual(tallyFor('completed', 3500), {
    visits: 1,
    spentCents: 3500,
    noShows: 0,
    cancellations: 0,
  });
  assert.deepEqual(tallyFor('no_show', 3500), { visits: 0, spentCents: 0, noShows: 1, cancellations: 0 });
  assert.deepEqual(tallyFor('cancelled', 3500), { visits: 0, spentCents: 0, noShows: 0, cancellations: 1 });
  assert.deepEqual(tallyFor('in_progress', 3500), { visits: 0, spentCents: 0, noShows: 0, cancellations: 0 });
});
