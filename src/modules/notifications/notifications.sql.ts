// The notifications outbox: rows written by booking's statements (confirmation, reschedule,
// cancellation) and by the reminder scan here; the notifier claims due rows and sends them.
import type { Queryable } from '../../platform/db/pool.js';

export type NotificationKind =
  'confirmation' | 'reminder_24h' | 'reminder_2h' | 'cancellation' | 'reschedule';
export type ReminderKind = 'reminder_24h' | 'reminder_2h';

/**
 * SQL: one row `c (channel, recipient)` per way a client row `client` can be reached (e-mail, phone),
 * recipient null when it has none. The one place that decides which channels a client gets.
 */
export const CLIENT_CHANNELS = (client: string) =>
  `CROSS JOIN LATERAL (VALUES ('email', ${client}.email), ('sms', ${client}.phone)) c (channel, recipient)`;

export const REMINDER_LEAD_HOURS: Readonly<Record<ReminderKind, number>> = {
  reminder_24h: 24,
  reminder_2h: 2,
};

/**
 * Writes the reminders that are due now for every upcoming appointment booked before its reminder
 * time (one per reachable channel), and re-arms those whose appointment moved (send_at no longer
 * lead hours before the start). Served per location by appointments_location_time_idx; the
 * NOT EXISTS probe and the conflict arbiter by notifications_location_id_appointment_id_kind_channel_key.
 */
export async function armDueReminders(db: Queryable, kinds: readonly ReminderKind[]): Promise<number> {
  if (kinds.length === 0) return 0;
  const result = await db.query({
    name: 'notifications_arm_reminders',
    text: `
INSERT INTO notifications (location_id, appointment_id, kind, channel, recipient, send_at)
SELECT a.location_id, a.id, k.kind, c.channel, c.recipient, a.start_time - kl.lead_time
  FROM unnest($1::text[], $2::int[]) AS k (kind, lead_hours)
 CROSS JOIN LATERAL (SELECT make_interval(hours => k.lead_hours) AS lead_time) AS kl (lead_time)
 CROSS JOIN locations l
 CROSS JOIN LATERAL (
   SELECT a.location_id, a.id, a.client_id, a.start_time
     FROM appointments a
    WHERE a.location_id = l.id AND a.start_time > now() AND a.start_time <= now() + kl.lead_time
      AND a.status IN ('confirmed', 'pending') AND a.created_at <= a.start_time - kl.lead_time
      AND NOT EXISTS (SELECT 1 FROM notifications n
                       WHERE n.location_id = a.location_id AND n.appointment_id = a.id AND n.kind = k.kind
                         AND n.send_at = a.start_time - kl.lead_time)) a
  JOIN clients cl ON cl.location_id = a.location_id AND cl.id = a.client_id
 ${CLIENT_CHANNELS('cl')}
 WHERE c.recipient IS NOT NULL
ON CONFLICT (location_id, appointment_id, kind, channel) DO UPDATE
   SET send_at = EXCLUDED.send_at, status = 'scheduled', attempts = 0, sent_at = NULL, last_error = NULL`,
    values: [kinds, kinds.map((k) => REMINDER_LEAD_HOURS[k])],
  });
  return result.rowCount ?? 0;
}

export interface DueNotification {
  location_id: string;
  id: string;
  kind: NotificationKind;
  channel: 'email' | 'sms';
  recipient: string;
  send_at: Date;
  attempts: number;
  appointment_status: string;
  start_time: Date;
  confirmation_code: string | null;
  location_name: string;
  timezone: string;
  barber_name: string;
  service_name: string;
}

/**
 * Locks up to `limit` due rows that no other notifier holds (SKIP LOCKED), oldest first, with what
 * the message says. Call inside a transaction: the locks last until it ends. Served by
 * notifications_due_idx (send_at) WHERE status = 'scheduled'.
 */
export async function claimDue(db: Queryable, limit: number): Promise<DueNotification[]> {
  const result = await db.query<DueNotification>({
    name: 'notifications_claim_due',
    text: `
SELECT n.location_id, n.id, n.kind, n.channel, n.recipient, n.send_at, n.attempts,
       a.status AS appointment_status, a.start_time, a.confirmation_code,
       l.name AS location_name, l.timezone, b.display_name AS barber_name, s.name AS service_name
  FROM notifications n
  JOIN appointments a ON a.location_id = n.location_id AND a.id = n.appointment_id
  JOIN locations l ON l.id = n.location_id
  JOIN barbers b ON b.location_id = a.location_id AND b.id = a.barber_id
  JOIN services s ON s.location_id = a.location_id AND s.id = a.service_id
 WHERE n.status = 'scheduled' AND n.send_at <= now()
 ORDER BY n.send_at
 LIMIT $1
   FOR UPDATE OF n SKIP LOCKED`,
    values: [limit],
  });
  return result.rows;
}

export type Outcome =
  | { status: 'sent' }
  | { status: 'cancelled'; reason: string }
  | { status: 'retry'; error: string; retryAt: Date }
  | { status: 'failed'; error: string };

/** Records a claimed batch's outcomes in one statement (inside the claiming transaction). */
export async function recordOutcomes(
  db: Queryable,
  outcomes: readonly { row: Pick<DueNotification, 'location_id' | 'id'>; outcome: Outcome }[],
): Promise<void> {
  if (outcomes.length === 0) return;
  const note = (o: Outcome) =>
    o.status === 'retry' || o.status === 'failed'
      ? o.error.slice(0, 500)
      : o.status === 'cancelled'
        ? o.reason
        : null;
  await db.query({
    name: 'notifications_record_outcomes',
    text: `
UPDATE notifications n
   SET status = CASE WHEN o.status = 'retry' THEN 'scheduled' ELSE o.status END,
       attempts = n.attempts + CASE WHEN o.status = 'cancelled' THEN 0 ELSE 1 END,
       sent_at = CASE WHEN o.status = 'sent' THEN now() END,
       send_at = COALESCE(o.retry_at, n.send_at),
       last_error = o.note
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
         AS o (location_id, id, status, note, retry_at)
 WHERE n.location_id = o.location_id AND n.id = o.id`,
    values: [
      outcomes.map((o) => o.row.location_id),
      outcomes.map((o) => o.row.id),
      outcomes.map((o) => o.outcome.status),
      outcomes.map((o) => note(o.outcome)),
      outcomes.map((o) => (o.outcome.status === 'retry' ? o.outcome.retryAt : null)),
    ],
  });
}
