-- Up Migration
-- Analytics revenue counts what a client paid for a service: the Stripe charge (amount_cents) plus the
-- part paid from a gift certificate (gift_certificate_cents), as payments itself counts a payment.
-- payments_completed_idx is rebuilt with that column in its INCLUDE list, so the revenue query stays an
-- index-only scan. (On a large live table, build the new index CONCURRENTLY under another name first,
-- outside a migration transaction, then drop the old one and rename.)
DROP INDEX payments_completed_idx;
CREATE INDEX payments_completed_idx ON payments (location_id, completed_at)
  INCLUDE (amount_cents, gift_certificate_cents, refunded_cents, barber_id)
  WHERE status = 'succeeded';

-- Down Migration
DROP INDEX payments_completed_idx;
CREATE INDEX payments_completed_idx ON payments (location_id, completed_at)
  INCLUDE (amount_cents, refunded_cents, barber_id)
  WHERE status = 'succeeded';
