// The shops module's error catalogue.
import { defineError } from '../../platform/http/errors.js';

export const LocationNotFound = defineError('location-not-found', 404, 'Location not found');
export const SlugTaken = defineError('slug-taken', 409, 'That slug is taken by another location');
export const InvalidTimezone = defineError('invalid-timezone', 422, 'Not an IANA time zone');
export const UserNotFound = defineError('user-not-found', 404, 'No account with that e-mail');
export const AlreadyMember = defineError('already-member', 409, 'The user is already a member');
export const MemberNotFound = defineError('member-not-found', 404, 'Member not found');
export const OwnerNotRemovable = defineError('owner-not-removable', 409, 'The owner cannot be removed');
export const BarberExists = defineError('barber-exists', 409, 'The user is already a barber here');
export const DepositExceedsPrice = defineError('deposit-exceeds-price', 422, 'The deposit exceeds the price');
