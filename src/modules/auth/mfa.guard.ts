// The financial route class's MFA hook: an owner of any location must have MFA enabled to touch
// payments, refunds or payouts. Both reads are cached, so the hook does no query when warm.
import type { NamedHook } from '../../platform/http/route-classes.js';
import type { LocationAccess } from '../shops/location-access.js';
import type { UsersService } from '../users/users.service.js';
import { MfaEnrolmentRequired } from './auth.errors.js';

export function ownerMfaHook(locationAccess: LocationAccess, users: UsersService): NamedHook {
  return {
    name: 'mfa-for-owners',
    async run(request) {
      const auth = request.auth;
      if (!auth) return; // runs after authenticate, which already refused anonymous callers
      const memberships = await locationAccess.membershipsOf(auth.userId);
      if (!memberships.some((m) => m.role === 'owner')) return;
      if (!(await users.profileOf(auth.userId)).mfa_enabled) {
        throw MfaEnrolmentRequired(
          'enable MFA (POST /api/v2/auth/mfa/setup, then /verify) to use financial routes',
        );
      }
    },
  };
}
