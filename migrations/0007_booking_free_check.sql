-- Up Migration
-- The writer lock of a barber's time, held to the end of the transaction: every statement that writes
-- that time (booking, hold, reschedule; booking.sql.ts) takes it first, so the key is defined here, once.
CREATE FUNCTION lock_barber_time(p_barber uuid) RETURNS void LANGUAGE sql VOLATILE AS $$
  SELECT pg_advisory_xact_lock(hashtextextended(p_barber::text, 0))
$$;

-- A booking statement first waits for its barber's writer lock. A request that waited there for a rival
-- which then booked the same time used to run its whole insert anyway (client row, idempotency key, the
-- appointment and each of its index entries) only to fail on appointments_no_overlap and roll back: a
-- loser cost PostgreSQL what a winner does. The statement's own snapshot is older than the wait, so it
-- cannot see the rival's row; the query of a VOLATILE function takes a fresh snapshot and can.
-- Conservative: only live rows that are not holds count (a hold may be expired or the caller's own, and
-- the statement purges those); everything else is left to the constraint, which stays the only judge.
CREATE FUNCTION lock_barber_and_check_free(
  p_location uuid, p_barber uuid, p_start timestamptz, p_busy_until timestamptz, p_check boolean
) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM lock_barber_time(p_barber);
  RETURN NOT p_check OR NOT EXISTS (
    SELECT 1 FROM appointments
     WHERE location_id = p_location AND barber_id = p_barber AND status NOT IN ('cancelled', 'held')
       AND tstzrange(start_time, busy_until, '[)') && tstzrange(p_start, p_busy_until, '[)'));
END
$$;

-- Down Migration
DROP FUNCTION lock_barber_and_check_free(uuid, uuid, timestamptz, timestamptz, boolean);
DROP FUNCTION lock_barber_time(uuid);
