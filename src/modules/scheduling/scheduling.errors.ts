// The scheduling module's error catalogue: why a barber, a service or a start time cannot be booked,
// and what is wrong with a schedule someone tried to save.
import { defineError } from '../../platform/http/errors.js';
import type { UnbookableReason } from './availability.js';

// A location is the shops module's: re-exported so scheduling's callers import one catalogue.
export { LocationNotFound } from '../shops/shops.errors.js';
export const BarberNotFound = defineError('barber-not-found', 404, 'Barber not found');
export const ServiceNotFound = defineError('service-not-found', 404, 'Service not found');
export const TimeOffNotFound = defineError('time-off-not-found', 404, 'Time off not found');
export const SpecialDayNotFound = defineError('special-day-not-found', 404, 'Special day not found');

export const BarberInactive = defineError('barber-inactive', 422, 'The barber is not taking bookings');
export const ServiceNotOffered = defineError(
  'service-not-offered',
  422,
  'The barber does not offer this service',
);
export const ServiceNotBookable = defineError(
  'service-not-bookable',
  422,
  'The service cannot be booked online',
);
export const TooLittleNotice = defineError('too-little-notice', 422, 'Too little notice for this start time');
export const TooFarAhead = defineError('too-far-ahead', 422, 'The start time is beyond the booking horizon');
export const DayClosed = defineError('day-closed', 422, 'The barber does not work that day');
export const OutsideWorkingHours = defineError(
  'outside-working-hours',
  422,
  'The appointment does not fit in a working window',
);
export const OffSlotGrid = defineError('off-slot-grid', 422, 'The start time is not on the slot grid');
export const BarberTimeOff = defineError('barber-time-off', 422, 'The barber has time off then');

export const InvalidDate = defineError('invalid-date', 422, 'Not a valid calendar date');
export const InvalidTimeRange = defineError('invalid-time-range', 422, 'The end must be after the start');
export const OverlappingWindows = defineError(
  'overlapping-windows',
  422,
  'Working windows of one day overlap',
);

/** The catalogue error for each reason the engine gives (slot-taken is the booking module's 409). */
export const UNBOOKABLE_ERRORS = {
  'too-little-notice': TooLittleNotice,
  'too-far-ahead': TooFarAhead,
  'day-closed': DayClosed,
  'outside-working-hours': OutsideWorkingHours,
  'off-slot-grid': OffSlotGrid,
  'barber-time-off': BarberTimeOff,
} as const satisfies Record<Exclude<UnbookableReason, 'slot-taken'>, unknown>;
