// Locations (the tenants) and their memberships. Creating a location makes the caller its owner and
// gives it the default cancellation policy, in one transaction.
import { randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { pgConstraint, pgErrorCode } from '../../platform/db/errors.js';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden } from '../../platform/http/errors.js';
import type { SchedulingService } from '../scheduling/scheduling.service.js';
import { type LocationAccess, MANAGERS, type Role, STAFF } from './location-access.js';
import {
  AlreadyMember,
  InvalidTimezone,
  LocationNotFound,
  MemberNotFound,
  OwnerNotRemovable,
  SlugTaken,
  UserNotFound,
} from './shops.errors.js';
import * as sql from './shops.sql.js';
// A new location starts with the DESIGN §3 policy, the one refunds fall back to without a row.
import { DEFAULT_POLICY } from '../booking/refund-policy.js';

/** The canonical IANA id, or 422. */
export function canonicalTimezone(timezone: string): string {
  try {
    return Temporal.Now.zonedDateTimeISO(timezone).timeZoneId;
  } catch {
    throw InvalidTimezone(`"${timezone}" is not an IANA time zone such as America/New_York`, {
      errors: [{ field: '/body/timezone', message: 'must be an IANA time zone' }],
    });
  }
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || 'shop';
}

function isSlugConflict(error: unknown): boolean {
  return pgErrorCode(error) === '23505' && pgConstraint(error) === 'locations_slug_key';
}

export type LocationInput = Omit<sql.NewLocation, 'slug'> & { slug?: string | undefined };

export class ShopsService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
    private readonly scheduling: SchedulingService,
  ) {}

  async createLocation(auth: AuthContext, input: LocationInput): Promise<sql.LocationRow> {
    const timezone = canonicalTimezone(input.timezone);
    // A slug chosen by the caller must be free; a derived one gets a suffix until it is.
    for (let attempt = 0; ; attempt++) {
      const slug =
        input.slug ??
        (attempt === 0 ? slugify(input.name) : `${slugify(input.name)}-${randomBytes(3).toString('hex')}`);
      try {
        const location = await withTransaction(this.db.primary, async (tx) => {
          const row = await sql.insertLocation(tx, { ...input, slug, timezone });
          await sql.ensureMembership(tx, row.id, auth.userId, 'owner');
          await sql.insertCancellationPolicy(tx, row.id, DEFAULT_POLICY);
          return row;
        });
        this.access.invalidate(auth.userId);
        return location;
      } catch (error) {
        if (!isSlugConflict(error)) throw error;
        if (input.slug !== undefined || attempt >= 5)
          throw SlugTaken(`"${slug}" is taken; choose another slug`);
      }
    }
  }

  async location(auth: AuthContext, id: string): Promise<sql.LocationRow> {
    await this.access.require(auth, id, STAFF);
    const row = await sql.findLocation(this.db.primary, id);
    if (!row) throw LocationNotFound('no such location');
    return row;
  }

  async updateLocation(auth: AuthContext, id: string, patch: sql.LocationPatch): Promise<sql.LocationRow> {
    await this.access.require(auth, id, MANAGERS);
    const values = { ...patch, ...(patch.timezone ? { timezone: canonicalTimezone(patch.timezone) } : {}) };
    let row: sql.LocationRow | undefined;
    try {
      row = await sql.updateLocation(this.db.primary, id, values);
    } catch (error) {
      if (isSlugConflict(error)) throw SlugTaken(`"${patch.slug}" is taken; choose another slug`);
      throw error;
    }
    if (!row) throw LocationNotFound('no such location');
    this.scheduling.invalidateLocation(id);
    return row;
  }

  async publicLocation(slug: string): Promise<sql.LocationRow> {
    const row = await sql.findLocationBySlug(this.db.replica, slug);
    if (!row) throw LocationNotFound(`no location "${slug}"`);
    return row;
  }

  async addMember(
    auth: AuthContext,
    locationId: string,
    input: { user_email: string; role: 'manager' | 'receptionist' },
  ) {
    const standing = await this.access.require(auth, locationId, MANAGERS);
    if (standing === 'manager' && input.role !== 'receptionist') {
      throw Forbidden('a manager may add receptionists only');
    }
    const userId = await sql.findUserIdByEmail(this.db.primary, input.user_email);
    if (!userId) throw UserNotFound(`no account with e-mail ${input.user_email}`);
    const result = await sql.ensureMembership(this.db.primary, locationId, userId, input.role);
    if (!result.created) throw AlreadyMember(`already a member (${result.role})`);
    this.access.invalidate(userId);
    return (await sql.findMember(this.db.primary, locationId, userId))!;
  }

  async members(auth: AuthContext, locationId: string) {
    await this.access.require(auth, locationId, STAFF);
    return sql.findMembers(this.db.primary, locationId);
  }

  async removeMember(auth: AuthContext, locationId: string, userId: string): Promise<void> {
    const standing = await this.access.require(auth, locationId, MANAGERS);
    const member = await sql.findMember(this.db.primary, locationId, userId);
    if (!member) throw MemberNotFound('no such member');
    if (member.role === 'owner') throw OwnerNotRemovable('transfer ownership before removing the owner');
    const allowed: readonly Role[] =
      standing === 'manager' ? ['receptionist'] : ['manager', 'receptionist', 'barber'];
    if (!allowed.includes(member.role)) throw Forbidden(`a ${standing} may not remove a ${member.role}`);
    await withTransaction(this.db.primary, (tx) => sql.deleteMembership(tx, locationId, userId));
    this.access.invalidate(userId);
    if (member.role === 'barber') this.scheduling.invalidateLocation(locationId);
  }
}
