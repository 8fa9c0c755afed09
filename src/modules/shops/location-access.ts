// Tenant scope in one place: every read or write of a location's data asks here first. A location the
// caller has no membership of answers 404, as if it did not exist; a role not allowed answers 403.
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden, NotFound } from '../../platform/http/errors.js';
import { findMembershipRole } from './shops.sql.js';

export const ROLES = ['owner', 'manager', 'barber', 'receptionist'] as const;
export type Role = (typeof ROLES)[number];
/** The caller's standing in a location: a membership role, or platform admin. */
export type Standing = Role | 'admin';

export const STAFF: readonly Role[] = ROLES;
export const MANAGERS: readonly Role[] = ['owner', 'manager'];

export class LocationAccess {
  constructor(private readonly db: Database) {}

  /** The caller's role in the location, or undefined when they are not a member. */
  async roleIn(auth: AuthContext, locationId: string): Promise<Role | undefined> {
    return findMembershipRole(this.db.primary, locationId, auth.userId);
  }

  /**
   * Resolves when the caller holds one of `allowed` in the location (admins always do).
   * Non-members get 404 so another shop's ids reveal nothing.
   */
  async require(auth: AuthContext, locationId: string, allowed: readonly Role[]): Promise<Standing> {
    const role = await this.roleIn(auth, locationId);
    if (role && allowed.includes(role)) return role;
    if (auth.isAdmin) return 'admin';
    if (!role) throw NotFound('location not found');
    throw Forbidden(`this needs one of the roles: ${allowed.join(', ')}`);
  }
}
