// The booking module's error catalogue: services throw these, the one error handler renders them.
import { defineError } from '../../platform/http/errors.js';

export const SlotUnavailable = defineError(
  'slot-unavailable',
  409,
  'The slot is taken by another appointment or hold',
);
export const InvalidTransition = defineError(
  'invalid-transition',
  409,
  'The appointment cannot move to that status',
);
export const AppointmentNotFound = defineError('appointment-not-found', 404, 'Appointment not found');
export const HoldNotFound = defineError('hold-not-found', 404, 'Slot hold not found');
export const HoldMismatch = defineError(
  'hold-mismatch',
  422,
  'The hold is for a different barber, service or start time',
);
export const BarberNotFound = defineError('barber-not-found', 404, 'Barber not found');
export const ClientNotFound = defineError('client-not-found', 404, 'Client not found');
export const IdempotencyKeyReused = defineError(
  'idempotency-key-reused',
  422,
  'The Idempotency-Key was already used with a different request',
);
export const NotStarted = defineError('appointment-not-started', 409, 'The appointment has not started yet');
