// Who a user is, as the API shows them: the profile (cached per process, dropped everywhere on change)
// and, for /auth/me, their memberships from LocationAccess. The warm path does no query.
import type { CountedCache } from '../../platform/cache/cache-census.js';
import { CoherentLru } from '../../platform/cache/coherent-lru.js';
import type { InvalidationBus } from '../../platform/cache/invalidation-bus.js';
import type { Database } from '../../platform/db/pool.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import type { LocationAccess, Membership } from '../shops/location-access.js';
import { findUserById, type UserRow, updateUserProfile } from './users.sql.js';

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly phone: string | null;
  readonly is_admin: boolean;
  readonly email_verified: boolean;
  readonly mfa_enabled: boolean;
  readonly created_at: string;
}

export interface ProfileChange {
  name?: string | undefined;
  phone?: string | null | undefined;
}

const PROFILE_TTL_MS = 30_000;

export function toUserView(row: UserRow): UserView {
  return Object.freeze({
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    is_admin: row.is_admin,
    email_verified: row.email_verified,
    mfa_enabled: row.mfa_enabled,
    created_at: row.created_at.toISOString(),
  });
}

/** The bus topic of cached user views; its keys are user ids. */
export const USER_PROFILE_TOPIC = 'user-profile';

export class UsersService {
  private readonly profiles: CoherentLru<UserView>;

  constructor(
    private readonly db: Database,
    private readonly locationAccess: LocationAccess,
    bus: InvalidationBus,
  ) {
    this.profiles = new CoherentLru(bus, { topic: USER_PROFILE_TOPIC, max: 50_000, ttlMs: PROFILE_TTL_MS });
  }

  caches(): Record<string, CountedCache> {
    return { 'user-profiles': this.profiles };
  }

  /** The user (cached). An account deleted under a live token answers 401. */
  async profileOf(userId: string): Promise<UserView> {
    const user = await this.profiles.get(userId, async () => {
      const row = await findUserById(this.db.primary, userId);
      return row && toUserView(row);
    });
    if (!user) throw Unauthenticated('this account no longer exists');
    return user;
  }

  async me(userId: string): Promise<UserView & { memberships: Membership[] }> {
    // Both are memory reads when warm; sequential awaits of settled values beat Promise.all here.
    const user = await this.profileOf(userId);
    const memberships = await this.locationAccess.membershipsOf(userId);
    // Serialised straight away and never mutated: the cached array is handed out as is.
    return { ...user, memberships: memberships as Membership[] };
  }

  async updateProfile(userId: string, change: ProfileChange): Promise<UserView> {
    const row = await updateUserProfile(this.db.primary, userId, change);
    this.invalidate(userId);
    if (!row) throw Unauthenticated('this account no longer exists');
    return toUserView(row);
  }

  /** Call after any change to the users row (password, MFA, verification, admin flag). */
  invalidate(userId: string): void {
    this.profiles.invalidate(userId);
  }
}
