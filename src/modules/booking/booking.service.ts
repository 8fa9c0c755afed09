// Taking slots: bookings (client, staff for a client, guest), holds and reschedules. Scheduling says
// whether a start is bookable at all (422 why); the exclusion constraint says whether it is free (409).
import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { withConnection } from '../../platform/db/connection.js';
import { newRowId } from '../../platform/db/ids.js';
import { pgConstraint, pgErrorCode } from '../../platform/db/errors.js';
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { NotFound, ValidationFailed } from '../../platform/http/errors.js';
import type { LocationAccess, Role } from '../shops/location-access.js';
import {
  BarberNotFound,
  ClientNotFound,
  HoldMismatch,
  HoldNotFound,
  IdempotencyKeyReused,
  SlotUnavailable,
} from './booking.errors.js';
import {
  findAppointmentWithParties,
  findBarberLocation,
  findIdempotencyKey,
  findLocationIdBySlug,
} from './booking.queries.js';
import type { BookingBody, GuestBookingBody, HoldBody } from './booking.schemas.js';
import {
  type AppointmentRow,
  type ClientRef,
  deleteHold,
  insertBooking,
  insertHold,
  recordIdempotentResult,
} from './booking.sql.js';
import { BookingsInFlight } from './bookings-in-flight.js';

const INSTANTS = [
  'start_time',
  'end_time',
  'busy_until',
  'hold_expires_at',
  'payment_due_by',
  'cancelled_at',
  'created_at',
  'updated_at',
] as const;

/** An appointment row stored as JSON, with its instants as Dates again. */
function revive(json: Record<string, unknown>): AppointmentRow {
  const row = { ...json } as Record<string, unknown>;
  for (const field of INSTANTS) row[field] = row[field] === null ? null : new Date(row[field] as string);
  return row as unknown as AppointmentRow;
}

/** What booking needs from scheduling (SchedulingService satisfies it). */
export interface SchedulingPort {
  checkBookable(input: {
    locationId: string;
    barberId: string;
    serviceId: string;
    startTime: Date;
    now?: Date;
    byStaff?: boolean;
  }): Promise<{ endTime: Date; busyUntil: Date; priceCents: number; depositCents: number; currency: string }>;
  invalidateBarberDays(locationId: string, barberId: string, from: Date, to: Date): Promise<void>;
}

/** What scheduling says of a bookable start. */
type Bookable = Awaited<ReturnType<SchedulingPort['checkBookable']>>;

const SLOT_TAKEN = 'another appointment or hold takes this time';

export interface BookingDeps {
  db: Database;
  access: LocationAccess;
  scheduling: SchedulingPort;
  /** How long a hold keeps its slot. */
  holdTtlSeconds?: number;
  /** Called after a booking commits (its confirmation is in the notifications outbox by then). */
  onBooked?: () => void;
}

/** Roles that book for clients and see the whole location. */
export const FRONT_DESK: readonly Role[] = ['owner', 'manager', 'receptionist'];

// Crockford's alphabet without look-alikes: read over the phone, typed from an e-mail.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Bytes at or above this would favour the first characters (256 is not a multiple of 30). */
const UNBIASED_BELOW = 256 - (256 % CODE_ALPHABET.length);

/** Eight characters from one read of the CSPRNG (a booking's hot path; randomInt per character is not). */
function confirmationCode(): string {
  let code = '';
  while (code.length < 8) {
    for (const byte of randomBytes(12)) {
      if (byte < UNBIASED_BELOW && code.length < 8) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
  }
  return code;
}

/** JSON with object keys sorted at every level, so key order never makes two requests differ. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The request a key was first used with: a retry must send the same route and body. */
function requestHash(route: string, body: object): Buffer {
  return createHash('sha256').update(route).update('\0').update(canonicalJson(body)).digest();
}

export interface BookingResult {
  appointment: AppointmentRow;
  /** True when an Idempotency-Key retry returned the first booking. */
  replayed: boolean;
}

interface BookingRequest {
  locationId: string;
  barberId: string;
  serviceId: string;
  startTime: string;
  notes: string | undefined;
  holdId: string | undefined;
  bookedByUserId: string | null;
  client: ClientRef;
  byStaff: boolean;
  idempotency: { scope: string; key: string; hash: Buffer } | null;
}

export class BookingService {
  // A barber's location never changes (it is part of the key), so this never goes stale.
  private readonly barberLocations = new LRUCache<string, string>({ max: 100_000 });
  private readonly inFlight = new BookingsInFlight();
  private readonly holdTtlSeconds: number;

  constructor(private readonly deps: BookingDeps) {
    this.holdTtlSeconds = deps.holdTtlSeconds ?? 300;
  }

  async locationOfBarber(barberId: string): Promise<string> {
    const cached = this.barberLocations.get(barberId);
    if (cached) return cached;
    const locationId = await findBarberLocation(this.deps.db.primary, barberId);
    if (!locationId) throw BarberNotFound('no such barber');
    this.barberLocations.set(barberId, locationId);
    return locationId;
  }

  /** POST /appointments: a client for themself, or front-desk staff for a client. */
  async book(
    auth: AuthContext,
    body: BookingBody,
    idempotencyKey: string | undefined,
  ): Promise<BookingResult> {
    const locationId = await this.locationOfBarber(body.barber_id);
    let client: ClientRef = { kind: 'user', userId: auth.userId };
    if (body.client_id !== undefined || body.client !== undefined) {
      if (body.client_id !== undefined && body.client !== undefined) {
        throw ValidationFailed('give client_id or client, not both', {
          errors: [{ field: '/body/client', message: 'give client_id or client, not both' }],
        });
      }
      await this.deps.access.require(auth, locationId, FRONT_DESK);
      client = body.client_id
        ? { kind: 'existing', clientId: body.client_id }
        : {
            kind: 'contact',
            name: body.client!.name,
            email: body.client!.email ?? null,
            phone: body.client!.phone ?? null,
          };
    }
    if (body.hold_id !== undefined) await this.requireMatchingHold(auth, body);
    return this.place({
      locationId,
      barberId: body.barber_id,
      serviceId: body.service_id,
      startTime: body.start_time,
      notes: body.notes,
      holdId: body.hold_id,
      bookedByUserId: auth.userId,
      client,
      byStaff: client.kind !== 'user',
      idempotency: idempotencyKey
        ? { scope: `user:${auth.userId}`, key: idempotencyKey, hash: requestHash('POST /appointments', body) }
        : null,
    });
  }

  /**
   * A live hold of the caller's that is for another barber, service or start is refused: booking past
   * it would leave the held chair blocked until the hold lapses. A hold that lapsed (or was swept) or is
   * not the caller's is ignored; the booking statement decides whether the time is free.
   */
  private async requireMatchingHold(auth: AuthContext, body: BookingBody): Promise<void> {
    const hold = await findAppointmentWithParties(this.deps.db.primary, body.hold_id!);
    if (hold?.status !== 'held' || hold.booked_by_user_id !== auth.userId) return;
    if (hold.hold_expires_at !== null && hold.hold_expires_at.getTime() <= Date.now()) return;
    if (
      hold.barber_id !== body.barber_id ||
      hold.service_id !== body.service_id ||
      hold.start_time.getTime() !== Date.parse(body.start_time)
    ) {
      throw HoldMismatch(
        `hold ${hold.id} is for another barber, service or start time; book its own slot or release it`,
      );
    }
  }

  /** POST /public/locations/{slug}/bookings: a guest, known by e-mail. */
  async bookAsGuest(
    slug: string,
    body: GuestBookingBody,
    idempotencyKey: string | undefined,
  ): Promise<BookingResult> {
    const locationId = await this.locationOfSlug(slug);
    if ((await this.locationOfBarber(body.barber_id)) !== locationId)
      throw BarberNotFound('no such barber here');
    const { guest } = body;
    return this.place({
      locationId,
      barberId: body.barber_id,
      serviceId: body.service_id,
      startTime: body.start_time,
      notes: body.notes,
      holdId: undefined,
      bookedByUserId: null,
      client: { kind: 'contact', name: guest.name, email: guest.email, phone: guest.phone ?? null },
      byStaff: false,
      idempotency: idempotencyKey
        ? {
            scope: `guest:${guest.email.toLowerCase()}`,
            key: idempotencyKey,
            hash: requestHash(`POST /public/locations/${slug}/bookings`, body),
          }
        : null,
    });
  }

  async locationOfSlug(slug: string): Promise<string> {
    const locationId = await findLocationIdBySlug(this.deps.db.primary, slug);
    if (!locationId) throw NotFound('location not found');
    return locationId;
  }

  private async place(r: BookingRequest): Promise<BookingResult> {
    const { db } = this.deps;
    // A retry is answered before anything else: the slot may no longer be bookable by now.
    if (r.idempotency) {
      const replay = await this.replay(r.idempotency);
      if (replay) return replay;
    }
    const slot = await this.deps.scheduling.checkBookable({
      locationId: r.locationId,
      barberId: r.barberId,
      serviceId: r.serviceId,
      startTime: new Date(r.startTime),
      byStaff: r.byStaff,
    });
    const claim = {
      barberId: r.barberId,
      start: new Date(r.startTime).getTime(),
      end: slot.busyUntil.getTime(),
      retryOf: r.idempotency ? `${r.idempotency.scope}\0${r.idempotency.key}` : undefined,
    };
    const outcome = await this.inFlight.claim(claim, () => this.insert(r, slot));
    if (outcome.lost) throw SlotUnavailable(SLOT_TAKEN);
    const { row } = outcome;
    if (row) {
      if (r.idempotency) {
        await recordIdempotentResult(db.primary, r.idempotency.scope, r.idempotency.key, row);
      }
      await this.barberDayChanged(row, row.start_time, row.busy_until);
      this.deps.onBooked?.();
      return { appointment: row, replayed: false };
    }
    // No row: the key was taken by a concurrent twin since the check above, or the client is unknown.
    const replay = r.idempotency ? await this.replay(r.idempotency) : undefined;
    if (replay) return replay;
    throw ClientNotFound('no such client at this location');
  }

  /** The booking's one statement; undefined when its key was taken or its client is unknown. */
  private async insert(r: BookingRequest, slot: Bookable): Promise<AppointmentRow | undefined> {
    for (let attempt = 0; ; attempt++) {
      let booking: Awaited<ReturnType<typeof insertBooking>>;
      try {
        booking = await withConnection(this.deps.db.primary, (c) =>
          insertBooking(c, {
            locationId: r.locationId,
            id: newRowId(),
            barberId: r.barberId,
            serviceId: r.serviceId,
            bookedByUserId: r.bookedByUserId,
            startTime: new Date(r.startTime),
            endTime: slot.endTime,
            busyUntil: slot.busyUntil,
            priceCents: slot.priceCents,
            depositCents: slot.depositCents,
            currency: slot.currency,
            notes: r.notes ?? null,
            confirmationCode: confirmationCode(),
            client: r.client,
            holdId: r.holdId ?? null,
            idempotency: r.idempotency,
          }),
        );
      } catch (error) {
        if (pgErrorCode(error) === '23P01') throw SlotUnavailable(SLOT_TAKEN);
        // Two codes colliding in one location (one in 10¹¹): draw again.
        if (
          pgErrorCode(error) === '23505' &&
          pgConstraint(error)?.includes('confirmation_code') &&
          attempt < 3
        )
          continue;
        throw error;
      }
      if (booking.slotTaken) throw SlotUnavailable(SLOT_TAKEN);
      return booking.row;
    }
  }

  private async replay(idem: {
    scope: string;
    key: string;
    hash: Buffer;
  }): Promise<BookingResult | undefined> {
    const stored = await findIdempotencyKey(this.deps.db.primary, idem.scope, idem.key);
    if (!stored) return undefined;
    if (!stored.request_hash.equals(idem.hash)) {
      throw IdempotencyKeyReused('this Idempotency-Key was used with another request; use a new key');
    }
    if (stored.first_result) return { appointment: revive(stored.first_result), replayed: true };
    const appointment = await findAppointmentWithParties(this.deps.db.primary, stored.appointment_id);
    if (!appointment) return undefined;
    return { appointment, replayed: true };
  }

  /** POST /appointments/holds: reserves the slot for holdTtlSeconds. */
  async hold(auth: AuthContext, body: HoldBody): Promise<AppointmentRow> {
    const locationId = await this.locationOfBarber(body.barber_id);
    const startTime = new Date(body.start_time);
    const slot = await this.deps.scheduling.checkBookable({
      locationId,
      barberId: body.barber_id,
      serviceId: body.service_id,
      startTime,
    });
    try {
      const row = await withConnection(this.deps.db.primary, (c) =>
        insertHold(c, {
          locationId,
          barberId: body.barber_id,
          serviceId: body.service_id,
          userId: auth.userId,
          startTime,
          endTime: slot.endTime,
          busyUntil: slot.busyUntil,
          priceCents: slot.priceCents,
          currency: slot.currency,
          ttlSeconds: this.holdTtlSeconds,
        }),
      );
      await this.barberDayChanged(row, row.start_time, row.busy_until);
      return row;
    } catch (error) {
      if (pgErrorCode(error) === '23P01') throw SlotUnavailable(SLOT_TAKEN);
      throw error;
    }
  }

  /** DELETE /appointments/holds/{id}: only the holder may release it; anyone else sees no hold. */
  async releaseHold(auth: AuthContext, holdId: string): Promise<void> {
    const found = await findAppointmentWithParties(this.deps.db.primary, holdId);
    if (found?.status !== 'held' || found.booked_by_user_id !== auth.userId) {
      throw HoldNotFound('no such hold of yours');
    }
    const row = await deleteHold(this.deps.db.primary, found.location_id, holdId, auth.userId);
    if (!row) throw HoldNotFound('the hold has already been released or used');
    await this.barberDayChanged(row, row.start_time, row.busy_until);
  }

  /** Availability caches drop the barber-days the range touches. A failure only leaves a cache stale. */
  async barberDayChanged(
    row: { location_id: string; barber_id: string },
    from: Date,
    to: Date,
  ): Promise<void> {
    await this.deps.scheduling
      .invalidateBarberDays(row.location_id, row.barber_id, from, to)
      .catch(() => undefined);
  }
}
