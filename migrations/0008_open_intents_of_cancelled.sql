-- Up Migration
-- Card payments still open at Stripe (the client could still pay them), oldest first: the canceller
-- looks here for those of cancelled appointments (payments.sql.ts findOpenIntentsOfCancelled). Few rows
-- at any time, whatever the size of the table.
CREATE INDEX payments_open_card_idx ON payments (created_at)
  WHERE status IN ('requires_payment', 'processing', 'failed') AND stripe_payment_intent_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS payments_open_card_idx;
