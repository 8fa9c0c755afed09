// The money rules of payments, pure: the commission split, gift certificates, net shares, statuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  applyGiftCertificate,
  canBecome,
  netBarberShare,
  PAYMENT_STATUSES,
  splitCommission,
  statusOfIntent,
} from '../../src/modules/payments/commission.js';

test('the platform fee is amount × rate rounded half up; the barber gets the rest', () => {
  assert.deepEqual(splitCommission(1000, 0.3), { platform_fee_cents: 300, barber_share_cents: 700 });
  assert.deepEqual(splitCommission(1001, 0.3335), { platform_fee_cents: 334, barber_share_cents: 667 });
  // 5 × 0.3 = 1.5 → 2 (half up, binary noise absorbed).
  assert.deepEqual(splitCommission(5, 0.3), { platform_fee_cents: 2, barber_share_cents: 3 });
  assert.deepEqual(splitCommission(0, 0.3), { platform_fee_cents: 0, barber_share_cents: 0 });
  assert.deepEqual(splitCommission(999, 0), { platform_fee_cents: 0, barber_share_cents: 999 });
  assert.deepEqual(splitCommission(999, 1), { platform_fee_cents: 999, barber_share_cents: 0 });
  assert.throws(() => splitCommission(100, 1.5), RangeError);
});

test('property: the split adds up, neither part is negative, the fee is within half a cent', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000_000 }),
      fc.integer({ min: 0, max: 10_000 }),
      (amount, bp) => {
        const rate = bp / 10_000;
        const s = splitCommission(amount, rate);
        assert.equal(s.platform_fee_cents + s.barber_share_cents, amount);
        assert.ok(s.platform_fee_cents >= 0 && s.barber_share_cents >= 0);
        assert.ok(Math.abs(s.platform_fee_cents - amount * rate) <= 0.5 + 1e-6);
      },
    ),
  );
});

test('a gift certificate covers what it can; the rest is charged', () => {
  assert.deepEqual(applyGiftCertificate(1000, 600), { giftCents: 600, chargeCents: 400 });
  assert.deepEqual(applyGiftCertificate(1000, 5000), { giftCents: 1000, chargeCents: 0 });
  assert.deepEqual(applyGiftCertificate(1000, 0), { giftCents: 0, chargeCents: 1000 });
});

test('a refund reduces the barber’s share in proportion', () => {
  const p = { amount_cents: 1000, barber_share_cents: 700 };
  assert.equal(netBarberShare({ ...p, refunded_cents: 0 }), 700);
  assert.equal(netBarberShare({ ...p, refunded_cents: 400 }), 420);
  assert.equal(netBarberShare({ ...p, refunded_cents: 1000 }), 0);
  assert.equal(netBarberShare({ amount_cents: 0, barber_share_cents: 0, refunded_cents: 0 }), 0);
  assert.equal(netBarberShare({ amount_cents: 3, barber_share_cents: 1, refunded_cents: 1 }), 1); // 0.67 → 1
});

test('succeeded and canceled are final; a failed intent may still succeed', () => {
  for (const from of ['succeeded', 'canceled'] as const) {
    for (const to of PAYMENT_STATUSES) assert.equal(canBecome(from, to), false, `${from} → ${to}`);
  }
  assert.equal(canBecome('requires_payment', 'succeeded'), true);
  assert.equal(canBecome('failed', 'succeeded'), true);
  assert.equal(canBecome('processing', 'failed'), true);
  assert.equal(canBecome('processing', 'requires_payment'), false);
  assert.equal(canBecome('succeeded', 'succeeded'), false);
  assert.equal(statusOfIntent('requires_payment_method'), 'requires_payment');
  assert.equal(statusOfIntent('requires_action'), 'requires_payment');
  assert.equal(statusOfIntent('succeeded'), 'succeeded');
  assert.equal(statusOfIntent('canceled'), 'canceled');
});
