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

/** A claim whose insert, if it runs, the test finishes (a row, nothing, or an error). */
function pendingClaim(inFlight: BookingsInFlight, slot: ReturnType<typeof request>) {
  let finish!: (row: string | undefined) => void;
  let fail!: (error: Error) => void;
  let ran = false;
  const done = inFlight.claim(slot, () => {
    ran = true;
    return new Promise<string | undefined>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  });
  return {
    done,
    finish: (row: string | undefined) => finish(row),
    fail: (e: Error) => fail(e),
    ran: () => ran,
  };
}

/** A claim whose insert answers at once. */
const quickClaim = (inFlight: BookingsInFlight, slot: ReturnType<typeof request>, row: string | undefined) =>
  inFlight.claim(slot, async () => row);

test('an overlapping request loses once the booking in flight is stored; others are not held up', async () => {
  const inFlight = new BookingsInFlight();
  const first = pendingClaim(inFlight, request(600, 645));
  const overlapping = pendingClaim(inFlight, request(630, 675));
  // Touching is not overlapping ([10:00, 10:45) and [10:45, 11:30)), and another barber is free.
  assert.deepEqual(await quickClaim(inFlight, request(645, 690), 'touching'), {
    lost: false,
    row: 'touching',
  });
  assert.deepEqual(await quickClaim(inFlight, { ...request(600, 645), barberId: 'b2' }, 'b2'), {
    lost: false,
    row: 'b2',
  });
  first.finish('row');
  assert.deepEqual(await first.done, { lost: false, row: 'row' });
  assert.deepEqual(await overlapping.done, { lost: true });
  assert.equal(overlapping.ran(), false);
  assert.equal(inFlight.size, 0);
});

test('requests for one slot claimed in the same turn run one insert; the others wait for it', async () => {
  // A pair arriving together is handled in one turn of the event loop: neither may find the time free
  // because the other has not registered yet.
  const inFlight = new BookingsInFlight();
  const claims = Array.from({ length: 5 }, () => pendingClaim(inFlight, request(600, 645)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    claims.map((c) => c.ran()),
    [true, false, false, false, false],
  );
  claims[0]!.finish('row');
  assert.deepEqual(await Promise.all(claims.map((c) => c.done)), [
    { lost: false, row: 'row' },
    { lost: true },
    { lost: true },
    { lost: true },
    { lost: true },
  ]);
  assert.equal(inFlight.size, 0);
});

test('a booking in flight that stores nothing, or fails, makes no one lose; the next waiter runs alone', async () => {
  const inFlight = new BookingsInFlight();
  const nothing = pendingClaim(inFlight, request(600, 645));
  const waiters = [pendingClaim(inFlight, request(600, 645)), pendingClaim(inFlight, request(600, 645))];
  nothing.finish(undefined);
  assert.deepEqual(await nothing.done, { lost: false, row: undefined });
  await new Promise((resolve) => setImmediate(resolve));
  // One waiter claims the time; the other waits for it in turn.
  assert.deepEqual(
    waiters.map((w) => w.ran()),
    [true, false],
  );
  waiters[0]!.fail(new Error('database unavailable'));
  await assert.rejects(waiters[0]!.done, /database unavailable/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(waiters[1]!.ran(), true);
  waiters[1]!.finish('row');
  assert.deepEqual(await waiters[1]!.done, { lost: false, row: 'row' });
  assert.equal(inFlight.size, 0);
});

test('a retry of the request in flight (same Idempotency-Key) goes to the database to be replayed', async () => {
  const inFlight = new BookingsInFlight();
  const first = pendingClaim(inFlight, request(600, 645, 'user:u1\0key-1'));
  const retry = pendingClaim(inFlight, request(600, 645, 'user:u1\0key-1'));
  const other = pendingClaim(inFlight, request(600, 645, 'user:u2\0key-1'));
  assert.equal(retry.ran(), true);
  assert.equal(other.ran(), false);
  retry.finish(undefined); // the database found the key taken by its twin and left the replay to it
  first.finish('row');
  assert.deepEqual(await first.done, { lost: false, row: 'row' });
  assert.deepEqual(await retry.done, { lost: false, row: undefined });
  assert.deepEqual(await other.done, { lost: true });
});
