// Rows as the API shows them, and the list cursor. Instants leave as ISO 8601 (UTC, `Z` offset).
import { ValidationFailed } from '../../platform/http/errors.js';
import type { Appointment, Hold } from './booking.schemas.js';
import type { AppointmentRow } from './booking.sql.js';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function appointmentView(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    status: row.status as Appointment['status'],
    location_id: row.location_id,
    barber_id: row.barber_id,
    client_id: row.client_id!,
    service_id: row.service_id,
    start_time: iso(row.start_time),
    end_time: iso(row.end_time),
    price_cents: row.price_cents,
    deposit_cents: row.deposit_cents,
    currency: row.currency,
    notes: row.notes,
    confirmation_code: row.confirmation_code ?? '',
    payment_due_by: isoOrNull(row.payment_due_by),
    cancelled_at: isoOrNull(row.cancelled_at),
    cancellation_reason: row.cancellation_reason,
    refund:
      row.refund_cents === null
        ? null
        : {
            amount_cents: row.refund_cents,
            fee_cents: row.cancellation_fee_cents ?? 0,
            percent: row.refund_percent ?? 0,
          },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function holdView(row: AppointmentRow): Hold {
  return {
    id: row.id,
    status: 'held',
    location_id: row.location_id,
    barber_id: row.barber_id,
    service_id: row.service_id,
    start_time: iso(row.start_time),
    end_time: iso(row.end_time),
    price_cents: row.price_cents,
    currency: row.currency,
    expires_at: iso(row.hold_expires_at!),
  };
}

/** Opaque to clients: the (start_time, id) of the last item of the page. */
export function encodeCursor(row: AppointmentRow): string {
  return Buffer.from(`${row.start_time.toISOString()}|${row.id}`).toString('base64url');
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/;

export function decodeCursor(cursor: string): { startTime: Date; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  const startTime = match ? new Date(match[1]!) : undefined;
  if (!match || !startTime || Number.isNaN(startTime.getTime())) {
    throw ValidationFailed('the cursor is not one this API returned', {
      errors: [{ field: '/querystring/cursor', message: 'is not a valid cursor' }],
    });
  }
  return { startTime, id: match[2]! };
}
