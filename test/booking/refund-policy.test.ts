import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  applicableTier,
  type CancellationPolicy,
  DEFAULT_POLICY,
  refundForCancellation,
} from '../../src/modules/booking/refund-policy.js';
import { percentOfCents, roundCents } from '../../src/platform/money.js';

const START = new Date('2030-06-10T15:00:00Z');
const hoursBefore = (h: number) => new Date(START.getTime() - h * 3_600_000);
const refund = (paidCents: number, hours: number, firstTimeClient = false, policy = DEFAULT_POLICY) =>
  refundForCancellation({
    policy,
    paidCents,
    startTime: START,
    cancelledAt: hoursBefore(hours),
    firstTimeClient,
  });

test('≥ 48 h before: 100 %, no fee', () => {
  assert.deepEqual(refund(4000, 48), { amount_cents: 4000, fee_cents: 0, percent: 100 });
  assert.deepEqual(refund(4000, 200), { amount_cents: 4000, fee_cents: 0, percent: 100 });
});

test('≥ 24 h and < 48 h: 50 % minus a $10 fee', () => {
  assert.deepEqual(refund(4000, 47.99), { amount_cents: 1000, fee_cents: 1000, percent: 50 });
  assert.deepEqual(refund(4000, 24), { amount_cents: 1000, fee_cents: 1000, percent: 50 });
});

test('< 24 h: nothing back and a $25 fee', () => {
  assert.deepEqual(refund(4000, 23.99), { amount_cents: 0, fee_cents: 2500, percent: 0 });
  assert.deepEqual(refund(4000, 0), { amount_cents: 0, fee_cents: 2500, percent: 0 });
});

test('after the start the lowest tier applies', () => {
  assert.deepEqual(refund(4000, -3), { amount_cents: 0, fee_cents: 2500, percent: 0 });
});

test('the fee never makes the refund negative', () => {
  assert.deepEqual(refund(1500, 30), { amount_cents: 0, fee_cents: 1000, percent: 50 });
});

test('nothing paid: nothing refunded, the policy fee and percent still reported', () => {
  assert.deepEqual(refund(0, 100), { amount_cents: 0, fee_cents: 0, percent: 100 });
  assert.deepEqual(refund(0, 30), { amount_cents: 0, fee_cents: 1000, percent: 50 });
});

test('a first-time client cancelling ≥ 24 h ahead gets 100 % and no fee', () => {
  assert.deepEqual(refund(4000, 24, true), { amount_cents: 4000, fee_cents: 0, percent: 100 });
  assert.deepEqual(refund(4000, 47, true), { amount_cents: 4000, fee_cents: 0, percent: 100 });
});

test('a first-time client cancelling later than 24 h gets the ordinary tier', () => {
  assert.deepEqual(refund(4000, 23, true), { amount_cents: 0, fee_cents: 2500, percent: 0 });
});

test('a policy without the first-time rule treats first-timers like everyone', () => {
  const policy: CancellationPolicy = { ...DEFAULT_POLICY, firstTimeFullRefundMinHours: null };
  assert.deepEqual(refund(4000, 30, true, policy), { amount_cents: 1000, fee_cents: 1000, percent: 50 });
});

test('tiers are matched highest threshold first whatever their stored order', () => {
  const tiers = [
    { min_hours_before: 0, refund_percent: 10, fee_cents: 0 },
    { min_hours_before: 72, refund_percent: 90, fee_cents: 0 },
    { min_hours_before: 12, refund_percent: 40, fee_cents: 0 },
  ];
  assert.equal(applicableTier(tiers, 100).refund_percent, 90);
  assert.equal(applicableTier(tiers, 72).refund_percent, 90);
  assert.equal(applicableTier(tiers, 71.9).refund_percent, 40);
  assert.equal(applicableTier(tiers, 1).refund_percent, 10);
  assert.equal(applicableTier([], 5).refund_percent, 0);
});

test("half a cent rounds up in the customer's favour", () => {
  assert.equal(percentOfCents(1001, 50), 501);
  assert.equal(percentOfCents(999, 50), 500);
  assert.equal(percentOfCents(3, 33), 1);
  assert.equal(roundCents(100.49999999999999), 101); // 1.005 × 100 in binary is still half a cent
  assert.throws(() => roundCents(-1));
});

test('property: 0 ≤ refund ≤ paid, and the refund never grows as the start gets closer', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000_000 }),
      fc.double({ min: -100, max: 1000, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.boolean(),
      (paid, hours, closer, firstTime) => {
        const early = refund(paid, hours, firstTime);
        const late = refund(paid, hours - closer, firstTime);
        assert.ok(early.amount_cents >= 0 && early.amount_cents <= paid);
        assert.ok(late.amount_cents <= early.amount_cents);
      },
    ),
  );
});
