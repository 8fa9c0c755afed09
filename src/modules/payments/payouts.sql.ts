// Queries of payouts and of the barbers' Stripe Connect accounts (barbers.stripe_account_id and
// stripe_payouts_enabled are payments' columns on the shops module's table).
import type { Queryable } from '../../platform/db/pool.js';
import { CREATED_KEY } from './payments.sql.js';

export interface PayoutRow {
  id: string;
  location_id: string;
  barber_id: string;
  period_start: string;
  period_end: string;
  amount_cents: number;
  currency: string;
  status: 'pending' | 'paid' | 'failed';
  stripe_transfer_id: string | null;
  /** Barber shares of payments refunded after an earlier payout, taken back from this one. */
  clawback_cents: number;
  created_at: Date;
}

const COLUMNS = `id, location_id, barber_id, period_start, period_end, amount_cents, currency, status,
  stripe_transfer_id, clawback_cents, created_at`;

export interface PayoutBarber {
  id: string;
  location_id: string;
  user_id: string | null;
  stripe_account_id: string | null;
  stripe_payouts_enabled: boolean;
}

/** Served by barbers_id_idx. */
export async function findBarber(db: Queryable, id: string): Promise<PayoutBarber | undefined> {
  const result = await db.query<PayoutBarber>({
    name: 'payouts_find_barber',
    text: `SELECT id, location_id, user_id, stripe_account_id, stripe_payouts_enabled FROM barbers WHERE id = $1`,
    values: [id],
  });
  return result.rows[0];
}

/** The location's barbers (barbers_pkey). */
export async function findBarbersOf(db: Queryable, locationId: string): Promise<PayoutBarber[]> {
  const result = await db.query<PayoutBarber>({
    name: 'payouts_barbers_of',
    text: `SELECT id, location_id, user_id, stripe_account_id, stripe_payouts_enabled FROM barbers
            WHERE location_id = $1 ORDER BY id`,
    values: [locationId],
  });
  return result.rows;
}

/** A new account is not paid out to until Stripe's account.updated says payouts are enabled. */
export async function setStripeAccount(
  db: Queryable,
  locationId: string,
  barberId: string,
  accountId: string,
): Promise<PayoutBarber> {
  const result = await db.query<PayoutBarber>({
    name: 'payouts_set_account',
    text: `UPDATE barbers SET stripe_payouts_enabled = stripe_payouts_enabled AND stripe_account_id IS NOT DISTINCT FROM $3,
                  stripe_account_id = $3, updated_at = now()
            WHERE location_id = $1 AND id = $2
           RETURNING id, location_id, user_id, stripe_account_id, stripe_payouts_enabled`,
    values: [locationId, barberId, accountId],
  });
  return result.rows[0]!;
}

/** Stripe's account.updated. Served by barbers_stripe_account_idx. */
export async function setPayoutsEnabled(tx: Queryable, accountId: string, enabled: boolean): Promise<void> {
  await tx.query({
    name: 'payouts_set_enabled',
    text: 'UPDATE barbers SET stripe_payouts_enabled = $2, updated_at = now() WHERE stripe_account_id = $1',
    values: [accountId, enabled],
  });
}

/** Serialises payout runs of one barber (transaction-level advisory lock). */
export async function lockBarberPayouts(tx: Queryable, barberId: string): Promise<void> {
  await tx.query({
    name: 'payouts_lock_barber',
    text: `SELECT pg_advisory_xact_lock(hashtextextended('payouts:' || $1::text, 0))`,
    values: [barberId],
  });
}

export interface UnpaidShare {
  id: string;
  amount_cents: number;
  barber_share_cents: number;
  refunded_cents: number;
  currency: string;
}

/**
 * The barber's succeeded, not yet paid out payments completed in the period (local dates of the
 * location, end inclusive), locked. Served by payments_unpaid_share_idx.
 */
export async function lockUnpaidShares(
  tx: Queryable,
  locationId: string,
  barberId: string,
  periodStart: string,
  periodEnd: string,
): Promise<UnpaidShare[]> {
  const result = await tx.query<UnpaidShare>({
    name: 'payouts_lock_unpaid_shares',
    text: `
SELECT p.id, p.amount_cents, p.barber_share_cents, p.refunded_cents, p.currency
  FROM payments p JOIN locations l ON l.id = p.location_id
 WHERE p.location_id = $1 AND p.barber_id = $2 AND p.status = 'succeeded' AND p.payout_id IS NULL
   AND p.completed_at >= ($3::date)::timestamp AT TIME ZONE l.timezone
   AND p.completed_at < ($4::date + 1)::timestamp AT TIME ZONE l.timezone
 ORDER BY p.completed_at, p.id
   FOR UPDATE OF p`,
    values: [locationId, barberId, periodStart, periodEnd],
  });
  return result.rows;
}

export interface RefundedSincePayout {
  id: string;
  amount_cents: number;
  barber_share_cents: number;
  refunded_cents: number;
  /** refunded_cents when the payment's share was last settled by a payout. */
  paid_out_refunded_cents: number;
  currency: string;
}

/**
 * The barber's paid-out payments whose refunds changed since their share was last settled, locked.
 * Served by payments_refunded_after_payout_idx (a handful of rows at most).
 */
export async function lockRefundedSincePayout(
  tx: Queryable,
  locationId: string,
  barberId: string,
): Promise<RefundedSincePayout[]> {
  const result = await tx.query<RefundedSincePayout>({
    name: 'payouts_lock_refunded_since',
    text: `
SELECT id, amount_cents, barber_share_cents, refunded_cents, paid_out_refunded_cents, currency
  FROM payments
 WHERE location_id = $1 AND barber_id = $2 AND payout_id IS NOT NULL AND refunded_cents <> paid_out_refunded_cents
 ORDER BY id
   FOR UPDATE`,
    values: [locationId, barberId],
  });
  return result.rows;
}

export interface Clawback {
  paymentId: string;
  amountCents: number;
  refundedFrom: number;
  refundedTo: number;
}

/** Marks the payments settled at their refunds of now, and records the payout's non-zero clawbacks. */
export async function settleClawbacks(
  tx: Queryable,
  locationId: string,
  payoutId: string,
  clawbacks: readonly Clawback[],
): Promise<void> {
  if (clawbacks.length === 0) return;
  await tx.query({
    name: 'payouts_settle_clawbacks',
    text: `
WITH settled AS (
  UPDATE payments p SET paid_out_refunded_cents = c.refunded_to, updated_at = now()
    FROM unnest($3::uuid[], $5::int[]) AS c (payment_id, refunded_to)
   WHERE p.location_id = $1 AND p.id = c.payment_id
)
INSERT INTO payout_clawbacks (location_id, payout_id, payment_id, amount_cents, refunded_from, refunded_to)
SELECT $1, $2, c.payment_id, c.amount_cents, c.refunded_from, c.refunded_to
  FROM unnest($3::uuid[], $4::int[], $6::int[], $5::int[]) AS c (payment_id, amount_cents, refunded_from, refunded_to)
 WHERE c.amount_cents <> 0`,
    values: [
      locationId,
      payoutId,
      clawbacks.map((c) => c.paymentId),
      clawbacks.map((c) => c.amountCents),
      clawbacks.map((c) => c.refundedTo),
      clawbacks.map((c) => c.refundedFrom),
    ],
  });
}

export async function insertPayout(
  tx: Queryable,
  p: {
    id: string;
    locationId: string;
    barberId: string;
    periodStart: string;
    periodEnd: string;
    amountCents: number;
    clawbackCents: number;
    currency: string;
  },
): Promise<PayoutRow> {
  const result = await tx.query<PayoutRow>({
    name: 'payouts_insert',
    text: `INSERT INTO payouts (id, location_id, barber_id, period_start, period_end, amount_cents, clawback_cents,
                                currency, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING ${COLUMNS}`,
    values: [
      p.id,
      p.locationId,
      p.barberId,
      p.periodStart,
      p.periodEnd,
      p.amountCents,
      p.clawbackCents,
      p.currency,
    ],
  });
  return result.rows[0]!;
}

/** The transfer went out: the payout is paid and its payments are marked, in one transaction. */
export async function markPaidOut(
  tx: Queryable,
  locationId: string,
  payoutId: string,
  transferId: string,
  paymentIds: string[],
): Promise<PayoutRow> {
  const result = await tx.query<PayoutRow>({
    name: 'payouts_mark_paid',
    text: `
WITH marked AS (
  UPDATE payments SET payout_id = $2, paid_out_refunded_cents = refunded_cents, updated_at = now()
   WHERE location_id = $1 AND id = ANY($4::uuid[]) AND payout_id IS NULL
  RETURNING 1
)
UPDATE payouts SET status = 'paid', stripe_transfer_id = $3
 WHERE location_id = $1 AND id = $2 AND (SELECT count(*) FROM marked) = cardinality($4::uuid[])
RETURNING ${COLUMNS}`,
    values: [locationId, payoutId, transferId, paymentIds],
  });
  return result.rows[0]!;
}

/** Newest first. Served by payouts_location_created_idx. */
export async function listPayouts(
  db: Queryable,
  f: {
    locationId: string;
    barberId?: string | undefined;
    after?: { createdAt: string; id: string } | undefined;
    limit: number;
  },
): Promise<(PayoutRow & { created_key: string })[]> {
  const result = await db.query<PayoutRow & { created_key: string }>({
    name: 'payouts_list',
    text: `SELECT ${COLUMNS}, ${CREATED_KEY('payouts')} FROM payouts
            WHERE location_id = $1 AND ($2::uuid IS NULL OR barber_id = $2)
              AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
            ORDER BY created_at DESC, id DESC LIMIT $5`,
    values: [f.locationId, f.barberId ?? null, f.after?.createdAt ?? null, f.after?.id ?? null, f.limit],
  });
  return result.rows;
}
