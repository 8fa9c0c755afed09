// The money rules of payments (DESIGN §3 Payments), pure: what an intent charges after a gift
// certificate, the commission split, a barber's share net of refunds, and which webhook status may
// follow which.
import { roundCents } from '../../platform/money.js';

export interface Split {
  platform_fee_cents: number;
  barber_share_cents: number;
}

/** Platform fee = amount × rate rounded to cents (half up); the barber gets the rest, so the two add up. */
export function splitCommission(amountCents: number, commissionRate: number): Split {
  if (commissionRate < 0 || commissionRate > 1) throw new RangeError(`commission rate ${commissionRate}`);
  const fee = roundCents(amountCents * commissionRate);
  return { platform_fee_cents: fee, barber_share_cents: amountCents - fee };
}

/** How much of `dueCents` a certificate balance covers, and what is left to charge. */
export function applyGiftCertificate(dueCents: number, balanceCents: number) {
  const used = Math.max(0, Math.min(dueCents, balanceCents));
  return { giftCents: used, chargeCents: dueCents - used };
}

/**
 * The barber's share of what the client kept paid: a refund takes from the barber and the platform
 * in proportion (share × (amount − refunded) / amount, rounded half up). A payment refunded after it
 * was paid out gives the difference back from the barber's next payout (payouts.service.ts).
 */
export function netBarberShare(p: {
  amount_cents: number;
  barber_share_cents: number;
  refunded_cents: number;
}) {
  if (p.amount_cents <= 0) return 0;
  if (p.refunded_cents <= 0) return p.barber_share_cents;
  const kept = Math.max(0, p.amount_cents - p.refunded_cents);
  return roundCents((p.barber_share_cents * kept) / p.amount_cents);
}

export const PAYMENT_STATUSES = [
  'requires_payment',
  'processing',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Open: the client may still pay it (Stripe lets a failed intent be retried with another card). */
export const OPEN_STATUSES: readonly PaymentStatus[] = ['requires_payment', 'processing', 'failed'];

/**
 * Whether Stripe's news moves a payment: succeeded and canceled are final; a late or repeated event
 * (processing after succeeded) changes nothing.
 */
export function canBecome(from: PaymentStatus, to: PaymentStatus): boolean {
  if (from === to || !OPEN_STATUSES.includes(from)) return false;
  if (to === 'requires_payment') return false;
  return true;
}

/** Stripe's PaymentIntent status in our vocabulary. */
export function statusOfIntent(stripeStatus: string): PaymentStatus {
  switch (stripeStatus) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
      return 'processing';
    case 'canceled':
      return 'canceled';
    default:
      return 'requires_payment'; // requires_payment_method, requires_confirmation, requires_action, …
  }
}

/** The payout minimum (DESIGN §3): $10. */
export const PAYOUT_MINIMUM_CENTS = 1000;
