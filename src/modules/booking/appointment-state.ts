// The appointment state machine (DESIGN §3 Statuses), pure: which status may follow which, and who
// may move an appointment. Every status but `cancelled` holds its time in the no-overlap constraint.

export const STATUSES = [
  'held',
  'pending',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
] as const;
export type AppointmentStatus = (typeof STATUSES)[number];

/**
 * Legal moves. `held` becomes a booking only through POST /appointments with its hold_id (or is
 * deleted); `cancelled` is reached only through the one cancel path.
 */
const TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  held: ['pending', 'confirmed'],
  pending: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'no_show', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses staff and barbers set with PATCH /appointments/{id}/status. */
export const MANUAL_STATUSES = ['confirmed', 'in_progress', 'completed', 'no_show'] as const;
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export function isCancellable(status: AppointmentStatus): boolean {
  return canTransition(status, 'cancelled');
}

/** Only an appointment that has not begun can move to another time. */
export function isReschedulable(status: AppointmentStatus): boolean {
  return status === 'pending' || status === 'confirmed';
}

/**
 * A no-show can only be recorded once the start time has passed; the barber may start early, so
 * in_progress has no such rule.
 */
export function violatesTiming(to: AppointmentStatus, startTime: Date, now: Date): boolean {
  return to === 'no_show' && now.getTime() < startTime.getTime();
}

/** What a status change does to the client's record. */
export interface ClientTally {
  visits: number;
  spentCents: number;
  noShows: number;
  cancellations: number;
}

export function tallyFor(to: AppointmentStatus, priceCents: number): ClientTally {
  return {
    visits: to === 'completed' ? 1 : 0,
    spentCents: to === 'completed' ? priceCents : 0,
    noShows: to === 'no_show' ? 1 : 0,
    cancellations: to === 'cancelled' ? 1 : 0,
  };
}
