// The notifications outbox as the tests read and nudge it: one delivery's state, and making rows due
// now instead of waiting out the notifier's backoff.
import type { Queryable } from '../../src/platform/db/pool.js';

/** The appointment's outbox row on one channel: where its delivery stands. */
export async function outboxRow(db: Queryable, appointmentId: string, channel: 'email' | 'sms') {
  const { rows } = await db.query<{ status: string; attempts: number; last_error: string | null }>(
    `SELECT status, attempts, last_error FROM notifications WHERE appointment_id = $1 AND channel = $2`,
    [appointmentId, channel],
  );
  return rows[0]!;
}

/** Test setup only: the appointment's outbox rows are due now, as once their backoff has passed. */
export async function dueNow(db: Queryable, appointmentId: string): Promise<void> {
  await db.query(`UPDATE notifications SET send_at = now() WHERE appointment_id = $1`, [appointmentId]);
}
