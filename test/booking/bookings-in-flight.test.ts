// Contention inside one process: a request for a time that overlaps a booking in flight waits for it,
// and loses only when that booking is stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BookingsInFlight } from '../../src/modules/booking/bookings-in-flight.js';

const at = (minute: number) => minute * 60_000;
const request = (start: number, end: number, retryOf?: string) => ({
  barberId: 'b1',
  start: at(start),
  end: at(end),
  retryOf,
});

/** A claim whose insert the test finishes (a row, nothing, or an error). */
function pendingClaim(inFlight: BookingsInFlight, slot: ReturnType<typeof request>) {
  let finish!: (row: string | undefined) => void;
  let fail!: (error: Error) => void;
  const done = inFlight.claim(
    slot,
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  );
  return { done, finish, fail };
}

test('an overlapping request loses once the booking in flight is stored; others are not held up', async () => {
  const inFlight = new BookingsInFlight();
  const first = pendingClaim(inFlight, request(600, 645));
  const overlapping = inFlight.lostTo(request(630, 675));
  // Touching is not overlapping ([10:00, 10:45) and [10:45, 11:30)), and another barber is free.
  assert.equal(await inFlight.lostTo(request(645, 690)), false);
  assert.equal(await inFlight.lostTo({ ...request(600, 645), barberId: 'b2' }), false);
  first.finish('row');
  assert.equal(await first.done, 'row');
  assert.equal(await overlapping, true);
  assert.equal(inFlight.size, 0);
});

test('a booking in flight that stores nothing, or fails, makes no one lose', async () => {
  const inFlight = new BookingsInFlight();
  const nothing = pendingClaim(inFlight, request(600, 645));
  const afterNothing = inFlight.lostTo(request(600, 645));
  nothing.finish(undefined);
  assert.equal(await nothing.done, undefined);
  assert.equal(await afterNothing, false);

  const failing = pendingClaim(inFlight, request(600, 645));
  const afterFailure = inFlight.lostTo(request(600, 645));
  failing.fail(new Error('database unavailable'));
  await assert.rejects(failing.done, /database unavailable/);
  assert.equal(await afterFailure, false);
  assert.equal(inFlight.size, 0);
});

test('a retry of the request in flight (same Idempotency-Key) goes to the database to be replayed', async () => {
  const inFlight = new BookingsInFlight();
  const first = pendingClaim(inFlight, request(600, 645, 'user:u1\0key-1'));
  const retry = inFlight.lostTo(request(600, 645, 'user:u1\0key-1'));
  const other = inFlight.lostTo(request(600, 645, 'user:u2\0key-1'));
  first.finish('row');
  await first.done;
  assert.equal(await retry, false);
  assert.equal(await other, true);
});
