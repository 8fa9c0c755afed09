// Tenant scope in one place: every read or write of a location's data asks here first. A location the
// caller has no membership of answers 404, as if it did not exist; a role not allowed answers 403.
// A user's memberships are cached per process (bounded, short TTL) and dropped everywhere through the
// invalidation bus whenever they change, so the warm path of a tenant-scoped request does no query.
import type { CountedCache } from '../../platform/cache/cache-census.js';
import { CoherentLru } from '../../platform/cache/coherent-lru.js';
import { createInvalidationBus, type InvalidationBus } from '../../platform/cache/invalidation-bus.js';
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden, NotFound } from '../../platform/http/errors.js';
import { findMembershipsOfUser } from './location-access.sql.js';

export const ROLES = ['owner', 'manager', 'barber', 'receptionist'] as const;
export type Role = (typeof ROLES)[number];
/** The caller's standing in a location: a membership role, or platform admin. */
export type Standing = Role | 'admin';

export const STAFF: readonly Role[] = ROLES;
export const MANAGERS: readonly Role[] = ['owner', 'manager'];

export interface Membership {
  readonly location_id: string;
  readonly role: Role;
}

const MEMBERSHIPS_TTL_MS = 30_000;

export class LocationAccess {
  private readonly memberships: CoherentLru<readonly Membership[]>;

  /** Without a bus (single-process tools, tests), invalidation is local to this instance. */
  constructor(
    private readonly db: Database,
    bus: InvalidationBus = createInvalidationBus(undefined, ''),
  ) {
    this.memberships = new CoherentLru(bus, { topic: 'memberships', max: 50_000, ttlMs: MEMBERSHIPS_TTL_MS });
  }

  caches(): Record<string, CountedCache> {
    return { memberships: this.memberships };
  }

  /** All of a user's memberships (cached). */
  async membershipsOf(userId: string): Promise<readonly Membership[]> {
    return (
      (await this.memberships.get(userId, async () =>
        Object.freeze(await findMembershipsOfUser(this.db.primary, userId)),
      )) ?? []
    );
  }

  /** Call after any change to a user's memberships (added, removed, role changed, location deleted). */
  invalidate(userId: string): void {
    this.memberships.invalidate(userId);
  }

  /** The caller's role in the location, or undefined when they are not a member. */
  async roleIn(auth: Pick<AuthContext, 'userId'>, locationId: string): Promise<Role | undefined> {
    const memberships = await this.membershipsOf(auth.userId);
    return memberships.find((m) => m.location_id === locationId)?.role;
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
