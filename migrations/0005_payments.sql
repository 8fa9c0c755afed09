-- Up Migration
-- Payments additions: at most one open intent per appointment and kind (a retry returns it instead
-- of opening a second), the Idempotency-Key of intent creation, refunds found by their Stripe id,
-- payment and payout lists by location and time.

-- POST /payments/intents with an Idempotency-Key: a retry returns the first payment, even once paid.
ALTER TABLE payments ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX payments_idempotency_key ON payments (location_id, appointment_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Open = the client may still pay it: requires_payment, processing, or failed (Stripe lets the same
-- intent be retried with another card after payment_intent.payment_failed).
CREATE UNIQUE INDEX payments_open_intent_key ON payments (location_id, appointment_id, kind)
  WHERE status IN ('requires_payment', 'processing', 'failed');

-- GET /payments: a location's payments, newest first.
CREATE INDEX payments_location_created_idx ON payments (location_id, created_at DESC, id DESC);

-- Refund webhooks find our row by Stripe's refund id; the refund sender finds pending ones.
CREATE INDEX refunds_stripe_refund_idx ON refunds (stripe_refund_id) WHERE stripe_refund_id IS NOT NULL;
CREATE INDEX refunds_pending_idx ON refunds (created_at) WHERE status = 'pending';

-- GET /payouts: a location's payouts, newest first.
CREATE INDEX payouts_location_created_idx ON payouts (location_id, created_at DESC, id DESC);

-- account.updated webhooks find the barber by Connect account.
CREATE INDEX barbers_stripe_account_idx ON barbers (stripe_account_id) WHERE stripe_account_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS barbers_stripe_account_idx;
DROP INDEX IF EXISTS payouts_location_created_idx;
DROP INDEX IF EXISTS refunds_pending_idx;
DROP INDEX IF EXISTS refunds_stripe_refund_idx;
DROP INDEX IF EXISTS payments_location_created_idx;
DROP INDEX IF EXISTS payments_open_intent_key;
DROP INDEX IF EXISTS payments_idempotency_key;
ALTER TABLE payments DROP COLUMN IF EXISTS idempotency_key;
