// Writes of the booking module. Each booking, hold, reschedule, cancel or status change is ONE
// statement (so one transaction and one round trip): expired holds in the range are purged, the
// client is linked or created, the idempotency key is recorded and the row is written together, and
// the exclusion constraint appointments_no_overlap decides who gets a contested slot (SQLSTATE 23P01).
import type { Queryable } from '../../platform/db/pool.js';
import { CLIENT_CHANNELS } from '../notifications/notifications.sql.js';
import type { AppointmentStatus, ClientTally } from './appointment-state.js';

export const APPOINTMENT_COLUMNS = `id, location_id, barber_id, service_id, client_id, booked_by_user_id, status,
  start_time, end_time, busy_until, price_cents, deposit_cents, currency, notes, confirmation_code,
  hold_expires_at, payment_due_by, cancelled_at, cancellation_reason, refund_cents,
  cancellation_fee_cents, refund_percent, created_at, updated_at`;

export interface AppointmentRow {
  id: string;
  location_id: string;
  barber_id: string;
  service_id: string;
  client_id: string | null;
  booked_by_user_id: string | null;
  status: AppointmentStatus;
  start_time: Date;
  end_time: Date;
  busy_until: Date;
  price_cents: number;
  deposit_cents: number;
  currency: string;
  notes: string | null;
  confirmation_code: string | null;
  hold_expires_at: Date | null;
  payment_due_by: Date | null;
  cancelled_at: Date | null;
  cancellation_reason: string | null;
  refund_cents: number | null;
  cancellation_fee_cents: number | null;
  refund_percent: number | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Deletes the expired holds that overlap [$start, $busyUntil) of the barber, and the caller's own
 * live hold `$hold` there (a hold becomes the booking it was taken for). Served by
 * appointments_held_expiry_idx, which holds only 'held' rows (live checkouts and expired ones the
 * sweeper has not reached), or by the gist index of appointments_no_overlap: the planner picks by size.
 */
const PURGE = (p: {
  location: string;
  barber: string;
  start: string;
  busy: string;
  hold: string;
  me: string;
}) => `
  DELETE FROM appointments
   WHERE location_id = ${p.location} AND barber_id = ${p.barber} AND status = 'held'
     AND tstzrange(start_time, busy_until, '[)') && tstzrange(${p.start}, ${p.busy}, '[)')
     AND (hold_expires_at <= now() OR (id = ${p.hold}::uuid AND booked_by_user_id = ${p.me}::uuid))
     AND EXISTS (SELECT 1 FROM locked)
  RETURNING 1`;

/**
 * Writers of one barber's time queue on a transaction-level advisory lock first. Without it two
 * concurrent inserts of overlapping rows each find the other's uncommitted row, wait for each other,
 * and one fails only after deadlock_timeout (1 s). Every other write of the statement waits for the
 * lock through a one-time filter (`EXISTS (SELECT 1 FROM locked)`), so nothing is locked before it.
 */
const LOCKED = (barber: string) => `locked AS MATERIALIZED (SELECT lock_barber_time(${barber}::uuid))`;

/**
 * An outbox row per channel the client can be reached on (e-mail, phone), due now, for the appointment
 * rows of CTE `from`; the notifier sends it. Used inside the statements that change an appointment, so
 * the message is written with the change or not at all. Ends in a WHERE clause callers may extend.
 */
const NOTIFY_CLIENT = (kind: 'reschedule' | 'cancellation', from: string) => `
    INSERT INTO notifications (location_id, appointment_id, kind, channel, recipient, send_at)
    SELECT ${from}.location_id, ${from}.id, '${kind}', c.channel, c.recipient, now()
      FROM ${from}
      JOIN clients cl ON cl.location_id = ${from}.location_id AND cl.id = ${from}.client_id
     ${CLIENT_CHANNELS('cl')}
     WHERE c.recipient IS NOT NULL`;

/** How the booking names its client. */
export type ClientRef =
  | { kind: 'user'; userId: string }
  | { kind: 'existing'; clientId: string }
  | { kind: 'contact'; name: string; email: string | null; phone: string | null };

// $14 client id, $15 user id, $16 name, $17 e-mail, $18 phone — only the ones of the variant are used.
const CLIENT_CTE: Record<ClientRef['kind'], string> = {
  // The caller's own client row in this location, created from their account on the first booking.
  // Served by clients_location_id_user_id_key.
  user: `
  found AS (SELECT id, email, phone FROM clients WHERE location_id = $1 AND user_id = $15::uuid),
  made AS (
    INSERT INTO clients (location_id, user_id, name, email, phone)
    SELECT $1, u.id, u.name, u.email, u.phone FROM users u
     WHERE u.id = $15::uuid AND NOT EXISTS (SELECT 1 FROM found) AND (SELECT free FROM locked)
    ON CONFLICT (location_id, user_id) DO UPDATE SET updated_at = clients.updated_at
    RETURNING id, email, phone),
  client AS (SELECT id, email, phone FROM found UNION ALL SELECT id, email, phone FROM made)`,
  // A client the staff picked. Served by clients_pkey.
  existing: `
  client AS (SELECT id, email, phone FROM clients WHERE location_id = $1 AND id = $14::uuid)`,
  // A guest (or a walk-in named by staff): one row per e-mail in the location, the latest contact
  // details win. Served by clients_location_email_key.
  contact: `
  client AS (
    INSERT INTO clients (location_id, name, email, phone)
    SELECT $1, $16::text, $17::text, $18::text WHERE (SELECT free FROM locked)
    ON CONFLICT (location_id, lower(email)) WHERE user_id IS NULL AND email IS NOT NULL
    DO UPDATE SET name = EXCLUDED.name, phone = COALESCE(EXCLUDED.phone, clients.phone), updated_at = now()
    RETURNING id, email, phone)`,
};

/**
 * The booking's lock (lock_barber_time, as LOCKED) and, after the wait, whether a live booking already holds the time,
 * seen in a fresh snapshot (migration 0007): a request that lost to the rival it waited for then writes
 * nothing. Not for a request with an Idempotency-Key: its twin's booking is its own, to be replayed.
 */
const LOCKED_AND_FREE = `locked AS MATERIALIZED (
    SELECT lock_barber_and_check_free($1, $3, $6, $8, $19::text IS NULL) AS free)`;

const bookSql = (kind: ClientRef['kind']) => `
WITH ${LOCKED_AND_FREE},
  purged AS (${PURGE({ location: '$1', barber: '$3', start: '$6', busy: '$8', hold: '$22', me: '$5' })}),
  -- Never read: it types the client parameters that this variant does not use.
  args AS (SELECT $14::uuid, $15::uuid, $16::text, $17::text, $18::text),
  ${CLIENT_CTE[kind]},
  idem AS (
    INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body)
    SELECT $19::text, $20::text, $21::bytea, 201, jsonb_build_object('appointment_id', $2::uuid)
     WHERE $19::text IS NOT NULL AND (SELECT free FROM locked)
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING 1),
  booked AS (
    INSERT INTO appointments (location_id, id, barber_id, service_id, client_id, booked_by_user_id, status,
      start_time, end_time, busy_until, price_cents, deposit_cents, currency, notes, confirmation_code,
      payment_due_by)
    SELECT $1, $2, $3, $4, client.id, $5, CASE WHEN $10::int > 0 THEN 'pending' ELSE 'confirmed' END,
           $6, $7, $8, $9, $10, $11, $12, $13,
           CASE WHEN $10::int > 0 THEN now() + l.payment_window_minutes * interval '1 minute' END
      FROM client
      JOIN locations l ON l.id = $1
      -- count(*) makes the purge run to completion before the insert is checked against the constraint
      CROSS JOIN (SELECT count(*) AS n FROM purged) p
      CROSS JOIN (SELECT count(*) AS n FROM idem) i
     WHERE ($19::text IS NULL OR i.n = 1) AND (SELECT free FROM locked)
    RETURNING ${APPOINTMENT_COLUMNS}),
  -- The confirmation, in the booking's own transaction (an outbox row): the notifier sends it.
  confirmation AS (
    INSERT INTO notifications (location_id, appointment_id, kind, channel, recipient, send_at)
    SELECT $1, booked.id, 'confirmation', c.channel, c.recipient, now()
      FROM booked, client
     ${CLIENT_CHANNELS('client')}
     WHERE c.recipient IS NOT NULL)
SELECT NOT locked.free AS slot_taken, booked.* FROM locked LEFT JOIN booked ON true`;

export interface NewBooking {
  locationId: string;
  id: string;
  barberId: string;
  serviceId: string;
  bookedByUserId: string | null;
  startTime: Date;
  endTime: Date;
  busyUntil: Date;
  priceCents: number;
  depositCents: number;
  currency: string;
  notes: string | null;
  confirmationCode: string;
  client: ClientRef;
  holdId: string | null;
  idempotency: { scope: string; key: string; hash: Buffer } | null;
}

/**
 * Books in one statement. `slotTaken` (or 23P01, when the rival's row was not yet committed) means the
 * time is taken; no row otherwise means the idempotency key was already used (or, for an `existing`
 * client, that the client is not in this location).
 */
export async function insertBooking(
  db: Queryable,
  b: NewBooking,
): Promise<{ slotTaken: boolean; row: AppointmentRow | undefined }> {
  const c = b.client;
  const result = await db.query<AppointmentRow & { slot_taken: boolean }>({
    name: `booking_insert_${c.kind}`,
    text: bookSql(c.kind),
    values: [
      b.locationId,
      b.id,
      b.barberId,
      b.serviceId,
      b.bookedByUserId,
      b.startTime,
      b.endTime,
      b.busyUntil,
      b.priceCents,
      b.depositCents,
      b.currency,
      b.notes,
      b.confirmationCode,
      c.kind === 'existing' ? c.clientId : null,
      c.kind === 'user' ? c.userId : null,
      c.kind === 'contact' ? c.name : null,
      c.kind === 'contact' ? c.email : null,
      c.kind === 'contact' ? c.phone : null,
      b.idempotency?.scope ?? null,
      b.idempotency?.key ?? null,
      b.idempotency?.hash ?? null,
      b.holdId,
    ],
  });
  const { slot_taken: slotTaken, ...row } = result.rows[0]!;
  return { slotTaken, row: row.id ? row : undefined };
}

export interface NewHold {
  locationId: string;
  barberId: string;
  serviceId: string;
  userId: string;
  startTime: Date;
  endTime: Date;
  busyUntil: Date;
  priceCents: number;
  currency: string;
  ttlSeconds: number;
}

/** A hold is a row in status 'held' in the same constraint; expired holds in its way are purged. */
export async function insertHold(db: Queryable, h: NewHold): Promise<AppointmentRow> {
  const result = await db.query<AppointmentRow>({
    name: 'booking_insert_hold',
    text: `
WITH ${LOCKED('$2')},
  purged AS (${PURGE({ location: '$1', barber: '$2', start: '$5', busy: '$7', hold: 'NULL', me: 'NULL' })})
INSERT INTO appointments (location_id, barber_id, service_id, booked_by_user_id, status, start_time,
  end_time, busy_until, price_cents, currency, hold_expires_at)
SELECT $1, $2, $3, $4, 'held', $5, $6, $7, $8, $9, now() + $10 * interval '1 second'
  FROM (SELECT count(*) FROM purged) p
RETURNING ${APPOINTMENT_COLUMNS}`,
    values: [
      h.locationId,
      h.barberId,
      h.serviceId,
      h.userId,
      h.startTime,
      h.endTime,
      h.busyUntil,
      h.priceCents,
      h.currency,
      h.ttlSeconds,
    ],
  });
  return result.rows[0]!;
}

/** Releases the caller's own hold. Served by appointments_pkey. */
export async function deleteHold(
  db: Queryable,
  locationId: string,
  holdId: string,
  userId: string,
): Promise<AppointmentRow | undefined> {
  const result = await db.query<AppointmentRow>({
    name: 'booking_delete_hold',
    text: `DELETE FROM appointments
            WHERE location_id = $1 AND id = $2 AND status = 'held' AND booked_by_user_id = $3
           RETURNING ${APPOINTMENT_COLUMNS}`,
    values: [locationId, holdId, userId],
  });
  return result.rows[0];
}

/**
 * Moves an appointment in one statement: the new time must not overlap anything but the
 * appointment's own old time (its old version is replaced, so the constraint does not see it).
 * Guarded by the status it was read in; no row back means it changed meanwhile.
 */
export async function rescheduleAppointment(
  db: Queryable,
  m: {
    locationId: string;
    id: string;
    barberId: string;
    fromStatus: AppointmentStatus;
    startTime: Date;
    endTime: Date;
    busyUntil: Date;
  },
): Promise<AppointmentRow | undefined> {
  const result = await db.query<AppointmentRow>({
    name: 'booking_reschedule',
    text: `
WITH ${LOCKED('$3')},
  purged AS (${PURGE({ location: '$1', barber: '$3', start: '$5', busy: '$7', hold: 'NULL', me: 'NULL' })}),
  moved AS (
    UPDATE appointments a SET start_time = $5, end_time = $6, busy_until = $7, updated_at = now()
      FROM (SELECT count(*) FROM purged) p
     WHERE a.location_id = $1 AND a.id = $2 AND a.status = $4
    RETURNING a.*),
  -- The client hears of it (outbox row, same transaction); reminders re-arm for the new time.
  notified AS (${NOTIFY_CLIENT('reschedule', 'moved')}
    ON CONFLICT (location_id, appointment_id, kind, channel) DO UPDATE
       SET send_at = now(), status = 'scheduled', attempts = 0, sent_at = NULL, last_error = NULL
    RETURNING 1)
SELECT * FROM moved`,
    values: [m.locationId, m.id, m.barberId, m.fromStatus, m.startTime, m.endTime, m.busyUntil],
  });
  return result.rows[0];
}

export interface StatusChange {
  locationId: string;
  id: string;
  from: AppointmentStatus;
  to: AppointmentStatus;
  tally: ClientTally;
  cancellation?: {
    reason: string | null;
    byUserId: string | null;
    refundCents: number;
    feeCents: number;
    percent: number;
  };
}

/**
 * Changes the status and the client's tallies in one statement, guarded by the status it was read
 * in (no row back: it changed meanwhile). Served by appointments_pkey and clients_pkey.
 */
export async function changeStatus(db: Queryable, s: StatusChange): Promise<AppointmentRow | undefined> {
  const c = s.cancellation;
  const result = await db.query<AppointmentRow>({
    name: 'booking_change_status',
    text: `
WITH moved AS (
  UPDATE appointments
     SET status = $4, updated_at = now(),
         payment_due_by = CASE WHEN $4 = 'pending' THEN payment_due_by END,
         cancelled_at = CASE WHEN $4 = 'cancelled' THEN now() END,
         cancellation_reason = $9, cancelled_by_user_id = $10,
         refund_cents = $11, cancellation_fee_cents = $12, refund_percent = $13
   WHERE location_id = $1 AND id = $2 AND status = $3
  RETURNING ${APPOINTMENT_COLUMNS}
), tallied AS (
  UPDATE clients c
     SET visits = c.visits + $5, total_spent_cents = c.total_spent_cents + $6,
         no_shows = c.no_shows + $7, cancellations = c.cancellations + $8,
         last_visit_at = CASE WHEN $5 > 0 THEN GREATEST(c.last_visit_at, moved.start_time) ELSE c.last_visit_at END,
         updated_at = now()
    FROM moved
   WHERE c.location_id = moved.location_id AND c.id = moved.client_id
  RETURNING 1
), notified AS (${NOTIFY_CLIENT('cancellation', 'moved')} AND $4 = 'cancelled'
  ON CONFLICT (location_id, appointment_id, kind, channel) DO NOTHING
  RETURNING 1
)
SELECT moved.* FROM moved LEFT JOIN (SELECT count(*) FROM tallied) t ON true`,
    values: [
      s.locationId,
      s.id,
      s.from,
      s.to,
      s.tally.visits,
      s.tally.spentCents,
      s.tally.noShows,
      s.tally.cancellations,
      c?.reason ?? null,
      c?.byUserId ?? null,
      c?.refundCents ?? null,
      c?.feeCents ?? null,
      c?.percent ?? null,
    ],
  });
  return result.rows[0];
}

/**
 * Keeps the booking as the first request returned it, so a retry answers exactly that even if the
 * appointment changed since. Best effort: without it a retry returns the appointment as it is now.
 * Served by idempotency_keys_pkey.
 */
export async function recordIdempotentResult(
  db: Queryable,
  scope: string,
  key: string,
  appointment: AppointmentRow,
): Promise<void> {
  await db.query({
    name: 'booking_record_idempotent_result',
    text: `UPDATE idempotency_keys SET response_body = response_body || jsonb_build_object('appointment', $3::jsonb)
            WHERE scope = $1 AND key = $2`,
    values: [scope, key, JSON.stringify(appointment)],
  });
}
