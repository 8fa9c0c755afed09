// The cancellation refund (DESIGN §3), pure: which tier applies, the first-time client rule, and
// net = max(0, paid × percent − fee). Payments executes the refund later; this only decides it.
import { percentOfCents } from '../../platform/money.js';

export interface RefundTier {
  min_hours_before: number;
  refund_percent: number;
  fee_cents: number;
}

export interface CancellationPolicy {
  tiers: readonly RefundTier[];
  noShowFeeCents: number;
  /** Null: no first-time rule. */
  firstTimeFullRefundMinHours: number | null;
}

/** The policy of a location that has not set its own (DESIGN §3 defaults). */
export const DEFAULT_POLICY: CancellationPolicy = Object.freeze({
  tiers: Object.freeze([
    { min_hours_before: 48, refund_percent: 100, fee_cents: 0 },
    { min_hours_before: 24, refund_percent: 50, fee_cents: 1000 },
    { min_hours_before: 0, refund_percent: 0, fee_cents: 2500 },
  ]),
  noShowFeeCents: 5000,
  firstTimeFullRefundMinHours: 24,
});

export interface RefundInput {
  policy: CancellationPolicy;
  /** Succeeded payments minus what was already refunded, for this appointment. */
  paidCents: number;
  startTime: Date;
  cancelledAt: Date;
  /** The client has no completed visit at this location yet. */
  firstTimeClient: boolean;
}

export interface Refund {
  amount_cents: number;
  fee_cents: number;
  percent: number;
}

const HOUR_MS = 3_600_000;

/**
 * The tier whose threshold the notice meets, the highest threshold first. Notice below every
 * threshold (cancelling after the start) falls into the lowest tier.
 */
export function applicableTier(tiers: readonly RefundTier[], hoursBefore: number): RefundTier {
  if (tiers.length === 0) return { min_hours_before: 0, refund_percent: 0, fee_cents: 0 };
  const ordered = [...tiers].sort((a, b) => b.min_hours_before - a.min_hours_before);
  return ordered.find((tier) => hoursBefore >= tier.min_hours_before) ?? ordered[ordered.length - 1]!;
}

export function refundForCancellation(input: RefundInput): Refund {
  const { policy, paidCents, startTime, cancelledAt, firstTimeClient } = input;
  const hoursBefore = (startTime.getTime() - cancelledAt.getTime()) / HOUR_MS;
  const firstTimeHours = policy.firstTimeFullRefundMinHours;
  const tier =
    firstTimeClient && firstTimeHours !== null && hoursBefore >= firstTimeHours
      ? { min_hours_before: firstTimeHours, refund_percent: 100, fee_cents: 0 }
      : applicableTier(policy.tiers, hoursBefore);
  const gross = percentOfCents(Math.max(0, paidCents), tier.refund_percent);
  return {
    amount_cents: Math.max(0, gross - tier.fee_cents),
    fee_cents: tier.fee_cents,
    percent: tier.refund_percent,
  };
}
