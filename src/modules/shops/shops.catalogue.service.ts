// A location's catalogue: barbers (each linked to an account), services, and which barber offers which
// service at what price and duration. Changes invalidate the location's cached availability.

import { pgConstraint, pgErrorCode } from '../../platform/db/errors.js';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { ValidationFailed } from '../../platform/http/errors.js';
import { BarberNotFound, ServiceNotFound } from '../scheduling/scheduling.errors.js';
import type { SchedulingService } from '../scheduling/scheduling.service.js';
import { type LocationAccess, MANAGERS, STAFF } from './location-access.js';
import * as catalogue from './shops.catalogue.sql.js';
import { BarberExists, DepositExceedsPrice, LocationNotFound, UserNotFound } from './shops.errors.js';
import { decodeCursor, type PageRequest, pageOf } from '../../platform/http/keyset-page.js';
import * as sql from './shops.sql.js';

export class CatalogueService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
    private readonly scheduling: SchedulingService,
  ) {}

  async addBarber(
    auth: AuthContext,
    locationId: string,
    input: { user_email: string; display_name: string; commission_rate?: number | undefined },
  ) {
    await this.access.require(auth, locationId, MANAGERS);
    const userId = await sql.findUserIdByEmail(this.db.primary, input.user_email);
    if (!userId) throw UserNotFound(`no account with e-mail ${input.user_email}`);
    try {
      const barber = await withTransaction(this.db.primary, async (tx) => {
        // An owner or manager who also cuts hair keeps their role; anyone else becomes a barber member.
        await sql.ensureMembership(tx, locationId, userId, 'barber');
        return catalogue.insertBarber(tx, locationId, {
          userId,
          displayName: input.display_name,
          commissionRate: input.commission_rate,
        });
      });
      this.access.invalidate(userId);
      this.scheduling.invalidateLocation(locationId);
      return barber;
    } catch (error) {
      if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'barbers_location_id_user_id_key') {
        throw BarberExists('this account is already a barber of this location');
      }
      throw error;
    }
  }

  async barbers(auth: AuthContext, locationId: string, page: PageRequest) {
    await this.access.require(auth, locationId, STAFF);
    return this.barberPage(locationId, page, false);
  }

  /** Public lists may read the replica; staff read their own writes back from the primary. */
  private async barberPage(locationId: string, page: PageRequest, activeOnly: boolean) {
    const after = decodeCursor(page.cursor);
    const rows = await catalogue.findBarbers(activeOnly ? this.db.replica : this.db.primary, locationId, {
      activeOnly,
      limit: page.limit,
      after,
    });
    return pageOf(rows, page.limit, (r) => ({ name: r.display_name, id: r.id }));
  }

  private async servicePage(locationId: string, page: PageRequest, publicOnly: boolean) {
    const after = decodeCursor(page.cursor);
    const rows = await catalogue.findServices(publicOnly ? this.db.replica : this.db.primary, locationId, {
      publicOnly,
      limit: page.limit,
      after,
    });
    return pageOf(rows, page.limit, (r) => ({ name: r.name, id: r.id }));
  }

  async updateBarber(
    auth: AuthContext,
    locationId: string,
    barberId: string,
    patch: { display_name?: string; bio?: string | null; commission_rate?: number; is_active?: boolean },
  ) {
    await this.access.require(auth, locationId, MANAGERS);
    const row = await catalogue.updateBarber(this.db.primary, locationId, barberId, patch);
    if (!row) throw BarberNotFound('no such barber at this location');
    this.scheduling.invalidateLocation(locationId);
    return row;
  }

  async addService(
    auth: AuthContext,
    locationId: string,
    input: {
      name: string;
      description?: string | undefined;
      duration_minutes: number;
      price_cents: number;
      currency?: string | undefined;
      buffer_minutes?: number | undefined;
      deposit_cents?: number | undefined;
    },
  ) {
    await this.access.require(auth, locationId, MANAGERS);
    const location = await sql.findLocation(this.db.primary, locationId);
    if (!location) throw LocationNotFound('no such location');
    const deposit = input.deposit_cents ?? 0;
    if (deposit > input.price_cents) {
      throw DepositExceedsPrice('deposit_cents must not exceed price_cents', {
        errors: [{ field: '/body/deposit_cents', message: 'must not exceed price_cents' }],
      });
    }
    const service = await catalogue.insertService(this.db.primary, locationId, {
      name: input.name,
      description: input.description ?? null,
      duration_minutes: input.duration_minutes,
      price_cents: input.price_cents,
      currency: input.currency ?? location.currency,
      buffer_minutes: input.buffer_minutes ?? 0,
      deposit_cents: deposit,
    });
    this.scheduling.invalidateLocation(locationId);
    return service;
  }

  async services(auth: AuthContext, locationId: string, page: PageRequest) {
    await this.access.require(auth, locationId, STAFF);
    return this.servicePage(locationId, page, false);
  }

  async updateService(
    auth: AuthContext,
    locationId: string,
    serviceId: string,
    patch: Partial<Record<string, unknown>> & { deposit_cents?: number; price_cents?: number },
  ) {
    await this.access.require(auth, locationId, MANAGERS);
    let row: catalogue.ServiceRow | undefined;
    try {
      row = await catalogue.updateService(this.db.primary, locationId, serviceId, patch);
    } catch (error) {
      // services_deposit_cents_check: the deposit would exceed the (new) price.
      if (pgErrorCode(error) === '23514')
        throw DepositExceedsPrice('deposit_cents must not exceed price_cents');
      throw error;
    }
    if (!row) throw ServiceNotFound('no such service at this location');
    this.scheduling.invalidateLocation(locationId);
    return row;
  }

  /** Active services bookable online (public listing). */
  async publicServices(location: { id: string }, page: PageRequest) {
    return this.servicePage(location.id, page, true);
  }

  /** Active barbers (public listing). */
  async publicBarbers(location: { id: string }, page: PageRequest) {
    return this.barberPage(location.id, page, true);
  }

  /** The barber's location once the caller may see (or, with `write`, change) their offerings. */
  private async barberLocation(auth: AuthContext, barberId: string, write: boolean): Promise<string> {
    const barber = await catalogue.findBarberById(this.db.primary, barberId);
    if (!barber) throw BarberNotFound('no such barber');
    await this.access.require(auth, barber.location_id, write ? MANAGERS : STAFF);
    return barber.location_id;
  }

  async offerings(auth: AuthContext, barberId: string) {
    const locationId = await this.barberLocation(auth, barberId, false);
    return catalogue.findOfferings(this.db.primary, locationId, barberId);
  }

  /** Replaces the barber's overrides; services not listed are offered at their own price and duration. */
  async replaceOfferings(
    auth: AuthContext,
    barberId: string,
    overrides: readonly {
      service_id: string;
      offered?: boolean | undefined;
      price_cents?: number | null | undefined;
      duration_minutes?: number | null | undefined;
    }[],
  ) {
    const locationId = await this.barberLocation(auth, barberId, true);
    const rows = overrides.map((o) => ({
      service_id: o.service_id,
      offered: o.offered ?? true,
      price_cents: o.price_cents ?? null,
      duration_minutes: o.duration_minutes ?? null,
    }));
    try {
      await withTransaction(this.db.primary, (tx) =>
        catalogue.replaceOfferings(tx, locationId, barberId, rows),
      );
    } catch (error) {
      if (pgErrorCode(error) === '23503')
        throw ServiceNotFound('a service_id is not a service of this location');
      if (pgErrorCode(error) === '23505') throw ValidationFailed('each service_id may appear once');
      throw error;
    }
    this.scheduling.invalidateLocation(locationId);
    return catalogue.findOfferings(this.db.primary, locationId, barberId);
  }
}
