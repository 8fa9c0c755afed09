-- Up Migration
-- Booking additions: the refund percent decided at cancellation (shown with the appointment
-- afterwards), and the indexes of booking's own lookups.

ALTER TABLE appointments ADD COLUMN refund_percent numeric(5, 2)
  CHECK (refund_percent BETWEEN 0 AND 100);

-- "My appointments" finds the caller's client rows in every location.
CREATE INDEX clients_user_id_idx ON clients (user_id) WHERE user_id IS NOT NULL;

-- The sweeper cancels pending bookings whose payment window has lapsed.
CREATE INDEX appointments_payment_due_idx ON appointments (payment_due_by) WHERE status = 'pending';

-- Down Migration
DROP INDEX IF EXISTS appointments_payment_due_idx;
DROP INDEX IF EXISTS clients_user_id_idx;
ALTER TABLE appointments DROP COLUMN IF EXISTS refund_percent;
