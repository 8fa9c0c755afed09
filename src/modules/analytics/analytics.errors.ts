// The analytics module's error catalogue.
import { defineError } from '../../platform/http/errors.js';

export const InvalidDateRange = defineError('invalid-date-range', 422, 'The date range is not valid');
export const UnknownBarber = defineError('unknown-barber', 422, 'The barber does not work at this location');
