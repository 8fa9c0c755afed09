-- Up Migration
-- What of a payment's gift certificate share has gone back to the certificate. A cancellation refund
-- returns what was paid by card through Stripe (refunded_cents) and what was paid from a certificate
-- to the certificate (this column), in the cancel's own transaction. A constant default: no rewrite.
ALTER TABLE payments ADD COLUMN gift_certificate_refunded_cents integer NOT NULL DEFAULT 0;
ALTER TABLE payments ADD CONSTRAINT payments_gift_certificate_refunded_check
  CHECK (gift_certificate_refunded_cents >= 0 AND gift_certificate_refunded_cents <= gift_certificate_cents);
-- Revenue counts both kinds of refund: the index keeps the revenue query an index-only scan (see 0006
-- for how to rebuild it on a large live table).
DROP INDEX payments_completed_idx;
CREATE INDEX payments_completed_idx ON payments (location_id, completed_at)
  INCLUDE (amount_cents, gift_certificate_cents, refunded_cents, gift_certificate_refunded_cents, barber_id)
  WHERE status = 'succeeded';

-- Down Migration
DROP INDEX payments_completed_idx;
CREATE INDEX payments_completed_idx ON payments (location_id, completed_at)
  INCLUDE (amount_cents, gift_certificate_cents, refunded_cents, barber_id)
  WHERE status = 'succeeded';
ALTER TABLE payments DROP COLUMN IF EXISTS gift_certificate_refunded_cents;
