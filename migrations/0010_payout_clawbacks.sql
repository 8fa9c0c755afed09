-- Up Migration
-- A refund of a payment already paid out takes the barber's share of it back from the barber's next
-- payout. A paid-out payment remembers what it had refunded when its share was last settled; a
-- payout settles the difference of every payment of the barber refunded since (the partial index
-- finds those few), and records each in payout_clawbacks.
ALTER TABLE payments ADD COLUMN paid_out_refunded_cents integer;
UPDATE payments SET paid_out_refunded_cents = refunded_cents WHERE payout_id IS NOT NULL;
CREATE INDEX payments_refunded_after_payout_idx ON payments (location_id, barber_id)
  WHERE payout_id IS NOT NULL AND refunded_cents <> paid_out_refunded_cents;

ALTER TABLE payouts ADD COLUMN clawback_cents integer NOT NULL DEFAULT 0;

CREATE TABLE payout_clawbacks (
  location_id   uuid NOT NULL,
  payout_id     uuid NOT NULL,
  payment_id    uuid NOT NULL,
  -- The barber's share taken back (negative: given back, when a refund failed after all).
  amount_cents  integer NOT NULL CHECK (amount_cents <> 0),
  refunded_from integer NOT NULL,
  refunded_to   integer NOT NULL,
  PRIMARY KEY (location_id, payout_id, payment_id),
  FOREIGN KEY (location_id, payout_id) REFERENCES payouts (location_id, id) ON DELETE CASCADE,
  FOREIGN KEY (location_id, payment_id) REFERENCES payments (location_id, id) ON DELETE CASCADE
);

-- Down Migration
DROP TABLE IF EXISTS payout_clawbacks;
ALTER TABLE payouts DROP COLUMN IF EXISTS clawback_cents;
DROP INDEX IF EXISTS payments_refunded_after_payout_idx;
ALTER TABLE payments DROP COLUMN IF EXISTS paid_out_refunded_cents;
