// What each notification says: pure, in the location's wall clock.
import type { DueNotification, NotificationKind } from './notifications.sql.js';

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "Tue 24 Nov 2026, 10:30" in the location's time zone. */
export function localTime(instant: Date, timezone: string): string {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  return format.format(instant);
}

const HEADLINES: Record<NotificationKind, string> = {
  confirmation: 'Your appointment is booked',
  reminder_24h: 'Reminder: your appointment is tomorrow',
  reminder_2h: 'Reminder: your appointment is in two hours',
  reschedule: 'Your appointment has moved',
  cancellation: 'Your appointment is cancelled',
};

export function render(n: DueNotification): RenderedMessage {
  const when = localTime(n.start_time, n.timezone);
  const what = `${n.service_name} with ${n.barber_name} at ${n.location_name}, ${when}`;
  const code = n.confirmation_code ? ` Confirmation code: ${n.confirmation_code}.` : '';
  const pending = n.kind === 'confirmation' && n.appointment_status === 'pending';
  const subject = `${HEADLINES[n.kind]} — ${n.location_name}`;
  const text =
    n.kind === 'cancellation'
      ? `${HEADLINES[n.kind]}: ${what}.`
      : `${HEADLINES[n.kind]}: ${what}.${code}${pending ? ' Pay the deposit to keep the time.' : ''}`;
  return { subject, text };
}
