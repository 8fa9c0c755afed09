// Queries of refunds: each is a row first (pending), then sent to Stripe with its id as idempotency
// key, so an outage delays a refund but never loses or doubles it.
import type { Queryable } from '../../platform/db/pool.js';

export interface RefundRow {
  id: string;
  location_id: string;
  payment_id: string;
  amount_cents: number;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  stripe_refund_id: string | null;
  created_at: Date;
}

const COLUMNS = 'id, location_id, payment_id, amount_cents, reason, status, stripe_refund_id, created_at';

export async function insertRefund(
  tx: Queryable,
  r: {
    id: string;
    locationId: string;
    paymentId: string;
    amountCents: number;
    reason: string;
    status: RefundRow['status'];
    stripeRefundId: string | null;
    byUserId: string | null;
  },
): Promise<RefundRow> {
  const result = await tx.query<RefundRow>({
    name: 'refunds_insert',
    text: `INSERT INTO refunds (id, location_id, payment_id, amount_cents, reason, status, stripe_refund_id, created_by_user_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    values: [
      r.id,
      r.locationId,
      r.paymentId,
      r.amountCents,
      r.reason,
      r.status,
      r.stripeRefundId,
      r.byUserId,
    ],
  });
  return result.rows[0]!;
}

/** The oldest refund not yet sent to Stripe, locked; others' claims are skipped. Served by refunds_pending_idx. */
export async function claimUnsentRefund(
  tx: Queryable,
): Promise<(RefundRow & { stripe_payment_intent_id: string | null }) | undefined> {
  const result = await tx.query<RefundRow & { stripe_payment_intent_id: string | null }>({
    name: 'refunds_claim_unsent',
    text: `SELECT r.id, r.location_id, r.payment_id, r.amount_cents, r.reason, r.status, r.stripe_refund_id,
                  r.created_at, p.stripe_payment_intent_id
             FROM refunds r
             JOIN payments p ON p.location_id = r.location_id AND p.id = r.payment_id
            WHERE r.status = 'pending' AND r.stripe_refund_id IS NULL
            ORDER BY r.created_at LIMIT 1 FOR UPDATE OF r SKIP LOCKED`,
  });
  return result.rows[0];
}

export async function markRefundSent(
  tx: Queryable,
  locationId: string,
  id: string,
  status: RefundRow['status'],
  stripeRefundId: string | null,
): Promise<void> {
  await tx.query({
    name: 'refunds_mark_sent',
    text: `UPDATE refunds SET status = $3, stripe_refund_id = COALESCE($4, stripe_refund_id)
            WHERE location_id = $1 AND id = $2`,
    values: [locationId, id, status, stripeRefundId],
  });
}

/** Stripe's news of a refund; returns the row as it was when it changed status. Served by refunds_stripe_refund_idx. */
export async function settleRefundByStripeId(
  tx: Queryable,
  stripeRefundId: string,
  status: 'succeeded' | 'failed',
): Promise<RefundRow | undefined> {
  const result = await tx.query<RefundRow>({
    name: 'refunds_settle_by_stripe_id',
    text: `UPDATE refunds SET status = $2 WHERE stripe_refund_id = $1 AND status = 'pending'
           RETURNING ${COLUMNS}`,
    values: [stripeRefundId, status],
  });
  return result.rows[0];
}
