// Queries of the payments module: payments, refunds and processed Stripe events. The appointment a
// payment is for is read here too (read-only, one round trip); booking owns every write to it.
import type { Queryable } from '../../platform/db/pool.js';
import type { PaymentStatus } from './commission.js';

export const PAYMENT_COLUMNS = `id, location_id, appointment_id, barber_id, client_id, kind, status, amount_cents,
  currency, gift_certificate_id, gift_certificate_cents, gift_certificate_refunded_cents, platform_fee_cents,
  barber_share_cents, refunded_cents, stripe_payment_intent_id, payout_id, completed_at, created_at, updated_at`;
const P_COLUMNS = PAYMENT_COLUMNS.replace(/(\w+)/g, 'p.$1');

export interface PaymentRow {
  id: string;
  location_id: string;
  appointment_id: string;
  barber_id: string;
  client_id: string | null;
  kind: 'deposit' | 'full';
  status: PaymentStatus;
  amount_cents: number;
  currency: string;
  gift_certificate_id: string | null;
  gift_certificate_cents: number;
  /** What of gift_certificate_cents went back to the certificate (a cancellation refund). */
  gift_certificate_refunded_cents: number;
  platform_fee_cents: number;
  barber_share_cents: number;
  refunded_cents: number;
  stripe_payment_intent_id: string | null;
  payout_id: string | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A payment and whose it is: the client's and the barber's accounts. */
export interface PaymentWithParties extends PaymentRow {
  client_user_id: string | null;
  barber_user_id: string | null;
}

export interface PayableAppointment {
  id: string;
  location_id: string;
  barber_id: string;
  client_id: string | null;
  status: string;
  price_cents: number;
  deposit_cents: number;
  currency: string;
  client_user_id: string | null;
  barber_user_id: string | null;
  commission_rate: number;
}

/** Served by appointments_id_idx, then clients_pkey and barbers_pkey. */
export async function findPayableAppointment(
  db: Queryable,
  id: string,
): Promise<PayableAppointment | undefined> {
  const result = await db.query<PayableAppointment>({
    name: 'payments_find_appointment',
    text: `
SELECT a.id, a.location_id, a.barber_id, a.client_id, a.status, a.price_cents, a.deposit_cents, a.currency,
       c.user_id AS client_user_id, b.user_id AS barber_user_id, b.commission_rate
  FROM appointments a
  LEFT JOIN clients c ON c.location_id = a.location_id AND c.id = a.client_id
  JOIN barbers b ON b.location_id = a.location_id AND b.id = a.barber_id
 WHERE a.id = $1 AND a.status <> 'held'`,
    values: [id],
  });
  return result.rows[0];
}

/** Serialises intent creation for one appointment (transaction-level advisory lock). */
export async function lockAppointmentPayments(tx: Queryable, appointmentId: string): Promise<void> {
  await tx.query({
    name: 'payments_lock_appointment',
    text: `SELECT pg_advisory_xact_lock(hashtextextended('payments:' || $1::text, 0))`,
    values: [appointmentId],
  });
}

/** The open intent of this appointment and kind, if any. Served by payments_open_intent_key. */
export async function findOpenPayment(
  tx: Queryable,
  locationId: string,
  appointmentId: string,
  kind: string,
): Promise<PaymentRow | undefined> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_find_open',
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments
            WHERE location_id = $1 AND appointment_id = $2 AND kind = $3
              AND status IN ('requires_payment', 'processing', 'failed')`,
    values: [locationId, appointmentId, kind],
  });
  return result.rows[0];
}

/**
 * What the client has paid for the appointment (card and certificate, net of refunds), what open
 * intents of it would still pay, and whether a deposit succeeded. Served by payments_appointment_idx.
 */
export async function findPaidSoFar(
  tx: Queryable,
  locationId: string,
  appointmentId: string,
): Promise<{ paid_cents: number; open_cents: number; deposit_paid: boolean }> {
  const result = await tx.query<{ paid_cents: number; open_cents: number; deposit_paid: boolean }>({
    name: 'payments_paid_so_far',
    text: `
SELECT COALESCE(sum(amount_cents + gift_certificate_cents - refunded_cents - gift_certificate_refunded_cents)
                  FILTER (WHERE status = 'succeeded'), 0)::int AS paid_cents,
       COALESCE(sum(amount_cents + gift_certificate_cents)
                  FILTER (WHERE status IN ('requires_payment', 'processing', 'failed')), 0)::int AS open_cents,
       COALESCE(bool_or(kind = 'deposit' AND status = 'succeeded'), false) AS deposit_paid
  FROM payments WHERE location_id = $1 AND appointment_id = $2`,
    values: [locationId, appointmentId],
  });
  return result.rows[0]!;
}

export interface NewPayment {
  id: string;
  locationId: string;
  appointmentId: string;
  barberId: string;
  clientId: string | null;
  kind: 'deposit' | 'full';
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  giftCertificateId: string | null;
  giftCertificateCents: number;
  platformFeeCents: number;
  barberShareCents: number;
  idempotencyKey: string | null;
}

export async function insertPayment(tx: Queryable, p: NewPayment): Promise<PaymentRow> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_insert',
    text: `
INSERT INTO payments (id, location_id, appointment_id, barber_id, client_id, kind, status, amount_cents, currency,
  gift_certificate_id, gift_certificate_cents, platform_fee_cents, barber_share_cents, idempotency_key, completed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, CASE WHEN $7 = 'succeeded' THEN now() END)
RETURNING ${PAYMENT_COLUMNS}`,
    values: [
      p.id,
      p.locationId,
      p.appointmentId,
      p.barberId,
      p.clientId,
      p.kind,
      p.status,
      p.amountCents,
      p.currency,
      p.giftCertificateId,
      p.giftCertificateCents,
      p.platformFeeCents,
      p.barberShareCents,
      p.idempotencyKey,
    ],
  });
  return result.rows[0]!;
}

/** The payment a request with this Idempotency-Key created. Served by payments_idempotency_key. */
export async function findPaymentByIdempotencyKey(
  tx: Queryable,
  locationId: string,
  appointmentId: string,
  key: string,
): Promise<PaymentRow | undefined> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_find_by_idempotency_key',
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments
            WHERE location_id = $1 AND appointment_id = $2 AND idempotency_key = $3`,
    values: [locationId, appointmentId, key],
  });
  return result.rows[0];
}

export async function setPaymentIntent(
  tx: Queryable,
  locationId: string,
  id: string,
  intentId: string,
): Promise<PaymentRow> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_set_intent',
    text: `UPDATE payments SET stripe_payment_intent_id = $3, updated_at = now()
            WHERE location_id = $1 AND id = $2 RETURNING ${PAYMENT_COLUMNS}`,
    values: [locationId, id, intentId],
  });
  return result.rows[0]!;
}

const WITH_PARTIES = `
SELECT ${P_COLUMNS}, c.user_id AS client_user_id, b.user_id AS barber_user_id
  FROM payments p
  LEFT JOIN clients c ON c.location_id = p.location_id AND c.id = p.client_id
  JOIN barbers b ON b.location_id = p.location_id AND b.id = p.barber_id`;

/** Served by payments_id_idx. */
export async function findPayment(db: Queryable, id: string): Promise<PaymentWithParties | undefined> {
  const result = await db.query<PaymentWithParties>({
    name: 'payments_find',
    text: `${WITH_PARTIES} WHERE p.id = $1`,
    values: [id],
  });
  return result.rows[0];
}

/** Locks the payment for a refund or a status change. Served by payments_pkey. */
export async function lockPayment(
  tx: Queryable,
  locationId: string,
  id: string,
): Promise<PaymentRow | undefined> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_lock',
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE location_id = $1 AND id = $2 FOR UPDATE`,
    values: [locationId, id],
  });
  return result.rows[0];
}

/**
 * Card payments still open at Stripe whose appointment was cancelled, oldest first. Served by
 * payments_open_card_idx (open card payments only) and the appointment's key; the statuses are
 * OPEN_STATUSES, spelled out as in the index's predicate so that the planner can match it.
 */
export async function findOpenIntentsOfCancelled(
  db: Queryable,
  limit: number,
): Promise<{ id: string; stripe_payment_intent_id: string }[]> {
  const result = await db.query<{ id: string; stripe_payment_intent_id: string }>({
    name: 'payments_open_intents_of_cancelled',
    text: `SELECT p.id, p.stripe_payment_intent_id
             FROM payments p
             JOIN appointments a ON a.location_id = p.location_id AND a.id = p.appointment_id
            WHERE p.status IN ('requires_payment', 'processing', 'failed')
              AND p.stripe_payment_intent_id IS NOT NULL AND a.status = 'cancelled'
            ORDER BY p.created_at
            LIMIT $1`,
    values: [limit],
  });
  return result.rows;
}

/** Which payment an intent is, not locked (the appointment's lock comes first). Served by payments_intent_idx. */
export async function findPaymentByIntent(
  tx: Queryable,
  intentId: string,
): Promise<{ id: string; location_id: string; appointment_id: string } | undefined> {
  const result = await tx.query<{ id: string; location_id: string; appointment_id: string }>({
    name: 'payments_find_by_intent',
    text: `SELECT id, location_id, appointment_id FROM payments WHERE stripe_payment_intent_id = $1`,
    values: [intentId],
  });
  return result.rows[0];
}

export async function updatePaymentStatus(
  tx: Queryable,
  locationId: string,
  id: string,
  status: PaymentStatus,
): Promise<PaymentRow> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_update_status',
    text: `UPDATE payments SET status = $3, updated_at = now(),
                  completed_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE completed_at END
            WHERE location_id = $1 AND id = $2 RETURNING ${PAYMENT_COLUMNS}`,
    values: [locationId, id, status],
  });
  return result.rows[0]!;
}

/** Adds to (or, negative, gives back) the refunded amount; the table's CHECKs keep it in 0..amount. */
export async function addRefunded(
  tx: Queryable,
  locationId: string,
  id: string,
  cents: number,
): Promise<PaymentRow> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_add_refunded',
    text: `UPDATE payments SET refunded_cents = refunded_cents + $3, updated_at = now()
            WHERE location_id = $1 AND id = $2 RETURNING ${PAYMENT_COLUMNS}`,
    values: [locationId, id, cents],
  });
  return result.rows[0]!;
}

/** Records that `cents` of the payment's certificate share went back to the certificate (CHECKed ≤ the share). */
export async function addCertificateRefunded(
  tx: Queryable,
  locationId: string,
  id: string,
  cents: number,
): Promise<void> {
  await tx.query({
    name: 'payments_add_certificate_refunded',
    text: `UPDATE payments SET gift_certificate_refunded_cents = gift_certificate_refunded_cents + $3, updated_at = now()
            WHERE location_id = $1 AND id = $2`,
    values: [locationId, id, cents],
  });
}

/** Stripe says this much of the intent is refunded in all (refunds made outside this API included). */
export async function raiseRefundedTo(tx: Queryable, intentId: string, cents: number): Promise<void> {
  await tx.query({
    name: 'payments_raise_refunded',
    text: `UPDATE payments SET refunded_cents = LEAST(amount_cents, GREATEST(refunded_cents, $2)), updated_at = now()
            WHERE stripe_payment_intent_id = $1`,
    values: [intentId, cents],
  });
}

/**
 * The appointment's succeeded payments with something left to refund, by card or to a gift certificate,
 * newest first (payments_appointment_idx).
 */
export async function lockRefundablePayments(
  tx: Queryable,
  locationId: string,
  appointmentId: string,
): Promise<PaymentRow[]> {
  const result = await tx.query<PaymentRow>({
    name: 'payments_lock_refundable',
    text: `SELECT ${PAYMENT_COLUMNS} FROM payments
            WHERE location_id = $1 AND appointment_id = $2 AND status = 'succeeded'
              AND (refunded_cents < amount_cents OR gift_certificate_refunded_cents < gift_certificate_cents)
            ORDER BY created_at DESC, id DESC FOR UPDATE`,
    values: [locationId, appointmentId],
  });
  return result.rows;
}

/** Records a Stripe event id; false when it was already processed (a redelivery). Served by stripe_events_pkey. */
export async function recordStripeEvent(tx: Queryable, id: string, type: string): Promise<boolean> {
  const result = await tx.query({
    name: 'payments_record_event',
    text: `INSERT INTO stripe_events (id, type, processed_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING`,
    values: [id, type],
  });
  return result.rowCount === 1;
}

/** created_at to the microsecond, for keyset cursors (a Date would drop the microseconds). */
export const CREATED_KEY = (t: string) =>
  `to_char(${t}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key`;

/** Which payments a caller may list. */
export interface PaymentScope {
  locationIds: string[];
  barberIds: string[];
  clientUserId: string;
}

export interface PaymentFilters {
  locationId?: string | undefined;
  status?: PaymentStatus | undefined;
  appointmentId?: string | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/**
 * Newest first by (created_at, id). Whole locations are read by payments_location_created_idx; the
 * caller's chairs and client rows add their own payments.
 */
export async function listPayments(
  db: Queryable,
  scope: PaymentScope,
  f: PaymentFilters,
): Promise<(PaymentRow & { created_key: string })[]> {
  const result = await db.query<PaymentRow & { created_key: string }>({
    name: 'payments_list',
    text: `
SELECT ${P_COLUMNS}, ${CREATED_KEY('p')} FROM payments p
  LEFT JOIN clients c ON c.location_id = p.location_id AND c.id = p.client_id
 WHERE (p.location_id = ANY($1::uuid[]) OR p.barber_id = ANY($2::uuid[]) OR c.user_id = $3::uuid)
   AND ($4::uuid IS NULL OR p.location_id = $4)
   AND ($5::text IS NULL OR p.status = $5)
   AND ($6::uuid IS NULL OR p.appointment_id = $6)
   AND ($7::timestamptz IS NULL OR (p.created_at, p.id) < ($7, $8::uuid))
 ORDER BY p.created_at DESC, p.id DESC LIMIT $9`,
    values: [
      scope.locationIds,
      scope.barberIds,
      scope.clientUserId,
      f.locationId ?? null,
      f.status ?? null,
      f.appointmentId ?? null,
      f.after?.createdAt ?? null,
      f.after?.id ?? null,
      f.limit,
    ],
  });
  return result.rows;
}

/** The caller's barber rows (barbers_location_id_user_id_key). */
export async function findChairsOfUser(
  db: Queryable,
  userId: string,
  locationIds: string[],
): Promise<string[]> {
  if (locationIds.length === 0) return [];
  const result = await db.query<{ id: string }>({
    name: 'payments_chairs_of_user',
    text: 'SELECT id FROM barbers WHERE location_id = ANY($1::uuid[]) AND user_id = $2',
    values: [locationIds, userId],
  });
  return result.rows.map((r) => r.id);
}
