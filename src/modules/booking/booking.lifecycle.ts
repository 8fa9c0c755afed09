// After the booking: who may see or move an appointment, listing by role, reschedule, the one cancel
// path (with the refund the policy decides) and status changes.

import { withConnection } from '../../platform/db/connection.js';
import { pgErrorCode } from '../../platform/db/errors.js';
import type { Queryable } from '../../platform/db/pool.js';
import { type Transaction, withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden, ValidationFailed } from '../../platform/http/errors.js';
import {
  type AppointmentStatus,
  canTransition,
  isCancellable,
  isReschedulable,
  type ManualStatus,
  tallyFor,
  violatesTiming,
} from './appointment-state.js';
import { AppointmentNotFound, InvalidTransition, NotStarted, SlotUnavailable } from './booking.errors.js';
import {
  type AppointmentWithParties,
  findAppointmentByCode,
  findAppointmentWithParties,
  findOwnChairs,
  type ListScope,
  listAppointments,
} from './booking.queries.js';
import type { ListQuery } from './booking.schemas.js';
import { type BookingDeps, type BookingService, FRONT_DESK } from './booking.service.js';
import { type AppointmentRow, changeStatus, rescheduleAppointment } from './booking.sql.js';
import { decodeCursor, encodeCursor } from './booking.views.js';
import { findPolicy } from './cancellation-policy.sql.js';
import {
  type CancellationPolicy,
  DEFAULT_POLICY,
  type Refund,
  refundForCancellation,
} from './refund-policy.js';

/** How the caller stands to one appointment. `colleague`: a barber of the shop, not of this chair. */
type Party = 'admin' | 'staff' | 'barber' | 'client' | 'colleague';

/** A guest acting with their confirmation code and e-mail. */
export interface GuestActor {
  email: string;
}

/**
 * What the one cancel path needs from payments: the policy refund reserved in the cancel's own
 * transaction (never lost, never doubled), then sent to Stripe after the commit.
 */
export interface CancellationRefunds {
  /** Takes payments' lock of the appointment and returns what was paid (succeeded, net of refunds). */
  lockPaid(tx: Transaction, locationId: string, appointmentId: string): Promise<number>;
  reserve(
    tx: Transaction,
    refund: { locationId: string; appointmentId: string; amountCents: number; reason: string },
  ): Promise<number>;
  kick(): void;
}

export class AppointmentLifecycle {
  constructor(
    private readonly deps: BookingDeps,
    private readonly booking: BookingService,
    private readonly refunds: CancellationRefunds,
    /** After a cancel commits: payments cancels the appointment's open intents at Stripe. */
    private readonly onCancelled?: () => void,
  ) {}

  private async partyOf(auth: AuthContext, a: AppointmentWithParties): Promise<Party | undefined> {
    const role = await this.deps.access.roleIn(auth, a.location_id);
    if (role && FRONT_DESK.includes(role)) return 'staff';
    if (role === 'barber' && a.barber_user_id === auth.userId) return 'barber';
    if (auth.isAdmin) return 'admin';
    if (a.client_user_id === auth.userId) return 'client';
    if (role === 'barber') return 'colleague';
    return undefined;
  }

  /** The appointment and the caller's standing; another tenant's (or a hold) is not found. */
  private async load(auth: AuthContext, id: string, allowed: readonly Party[]) {
    const appointment = await findAppointmentWithParties(this.deps.db.primary, id);
    const party =
      appointment && appointment.status !== 'held' ? await this.partyOf(auth, appointment) : undefined;
    if (!appointment || !party) throw AppointmentNotFound('no such appointment');
    if (!allowed.includes(party)) throw Forbidden('you may not do this to this appointment');
    return { appointment, party };
  }

  async get(auth: AuthContext, id: string): Promise<AppointmentRow> {
    return (await this.load(auth, id, ['admin', 'staff', 'barber', 'client'])).appointment;
  }

  /** A client sees their own, a barber their own chair, front-desk staff their whole location. */
  async list(
    auth: AuthContext,
    q: ListQuery,
  ): Promise<{ items: AppointmentRow[]; nextCursor: string | null }> {
    if (q.from && q.to && new Date(q.to) <= new Date(q.from)) {
      throw ValidationFailed('`to` must be after `from`', {
        errors: [{ field: '/querystring/to', message: 'must be after from' }],
      });
    }
    const memberships = await this.deps.access.membershipsOf(auth.userId);
    const scope: ListScope = { locationIds: [], chairs: [], clientUserId: auth.userId };
    const relevant = q.location_id ? memberships.filter((m) => m.location_id === q.location_id) : memberships;
    scope.locationIds = relevant.filter((m) => FRONT_DESK.includes(m.role)).map((m) => m.location_id);
    if (q.location_id && auth.isAdmin) scope.locationIds = [q.location_id];
    const chairs = relevant.filter((m) => m.role === 'barber').map((m) => m.location_id);
    scope.chairs = await findOwnChairs(this.deps.db.primary, auth.userId, chairs);
    const rows = await listAppointments(this.deps.db.primary, scope, {
      locationId: q.location_id,
      barberId: q.barber_id,
      status: q.status,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: rows.length > q.limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  async reschedule(auth: AuthContext, id: string, startTime: string): Promise<AppointmentRow> {
    const { appointment: a, party } = await this.load(auth, id, ['admin', 'staff', 'barber', 'client']);
    if (!isReschedulable(a.status)) throw InvalidTransition(`a ${a.status} appointment cannot be moved`);
    const start = new Date(startTime);
    const slot = await this.deps.scheduling.checkBookable({
      locationId: a.location_id,
      barberId: a.barber_id,
      serviceId: a.service_id,
      startTime: start,
      byStaff: party !== 'client',
    });
    let moved: AppointmentRow | undefined;
    try {
      moved = await withConnection(this.deps.db.primary, (c) =>
        rescheduleAppointment(c, {
          locationId: a.location_id,
          id: a.id,
          barberId: a.barber_id,
          fromStatus: a.status,
          startTime: start,
          endTime: slot.endTime,
          busyUntil: slot.busyUntil,
        }),
      );
    } catch (error) {
      if (pgErrorCode(error) === '23P01')
        throw SlotUnavailable('another appointment or hold takes that time');
      throw error;
    }
    if (!moved) throw InvalidTransition('the appointment changed meanwhile; reload it');
    await this.booking.barberDayChanged(a, a.start_time, a.busy_until);
    await this.booking.barberDayChanged(moved, moved.start_time, moved.busy_until);
    return moved;
  }

  async cancel(auth: AuthContext, id: string, reason: string | undefined): Promise<AppointmentRow> {
    const { appointment } = await this.load(auth, id, ['admin', 'staff', 'barber', 'client']);
    return this.cancelLoaded(appointment, reason, auth.userId);
  }

  /** The guest's booking, when the e-mail matches the one it was made with; otherwise not found. */
  async findForGuest(slug: string, code: string, guest: GuestActor): Promise<AppointmentWithParties> {
    const locationId = await this.booking.locationOfSlug(slug);
    const a = await findAppointmentByCode(this.deps.db.primary, locationId, code.toUpperCase());
    if (!a || a.status === 'held' || a.client_email?.toLowerCase() !== guest.email.toLowerCase()) {
      throw AppointmentNotFound('no booking with this code and e-mail');
    }
    return a;
  }

  async cancelForGuest(slug: string, code: string, guest: GuestActor, reason: string | undefined) {
    return this.cancelLoaded(await this.findForGuest(slug, code, guest), reason, null);
  }

  /** The one cancel path: the refund comes from the location's policy and what was paid. */
  private async cancelLoaded(a: AppointmentWithParties, reason: string | undefined, byUserId: string | null) {
    if (!isCancellable(a.status)) throw InvalidTransition(`a ${a.status} appointment cannot be cancelled`);
    const stored = await findPolicy(this.deps.db.primary, a.location_id);
    const policy: CancellationPolicy = stored
      ? {
          tiers: stored.tiers,
          noShowFeeCents: stored.no_show_fee_cents,
          firstTimeFullRefundMinHours: stored.first_time_full_refund_min_hours,
        }
      : DEFAULT_POLICY;
    const cancelledAt = new Date();
    const decide = (paidCents: number) =>
      refundForCancellation({
        policy,
        paidCents,
        startTime: a.start_time,
        cancelledAt,
        firstTimeClient: (a.client_visits ?? 0) === 0,
      });
    const cancel = (db: Queryable, refund: Refund) =>
      changeStatus(db, {
        locationId: a.location_id,
        id: a.id,
        from: a.status,
        to: 'cancelled',
        tally: tallyFor('cancelled', a.price_cents),
        cancellation: {
          reason: reason ?? null,
          byUserId,
          refundCents: refund.amount_cents,
          feeCents: refund.fee_cents,
          percent: refund.percent,
        },
      });
    const row = await withTransaction(this.deps.db.primary, async (tx) => {
      // What was paid, read under payments' lock of this appointment: a payment succeeding meanwhile is
      // either counted here or, once it sees the cancellation, refunded by payments.
      const refund = decide(await this.refunds.lockPaid(tx, a.location_id, a.id));
      if (refund.amount_cents > 0) {
        await this.refunds.reserve(tx, {
          locationId: a.location_id,
          appointmentId: a.id,
          amountCents: refund.amount_cents,
          reason: 'cancellation refund by policy',
        });
      }
      const cancelled = await cancel(tx, refund);
      if (!cancelled) throw InvalidTransition('the appointment changed meanwhile; reload it');
      return cancelled;
    });
    if ((row.refund_cents ?? 0) > 0) this.refunds.kick();
    this.onCancelled?.();
    await this.booking.barberDayChanged(row, row.start_time, row.busy_until);
    return row;
  }

  /** Payments, in its own transaction, when Stripe says a payment succeeded: pending → confirmed. */
  async confirmPaid(tx: Queryable, locationId: string, id: string): Promise<boolean> {
    const row = await changeStatus(tx, {
      locationId,
      id,
      from: 'pending',
      to: 'confirmed',
      tally: tallyFor('confirmed', 0),
    });
    return row !== undefined;
  }

  /** PATCH /appointments/{id}/status: the appointment's barber and front-desk staff. */
  async changeStatus(auth: AuthContext, id: string, to: ManualStatus): Promise<AppointmentRow> {
    const { appointment: a } = await this.load(auth, id, ['admin', 'staff', 'barber']);
    return this.transition(a, to);
  }

  async transition(a: AppointmentRow, to: AppointmentStatus, tally = tallyFor(to, a.price_cents)) {
    if (!canTransition(a.status, to)) throw InvalidTransition(`${a.status} → ${to} is not allowed`);
    if (violatesTiming(to, a.start_time, new Date()))
      throw NotStarted('a no-show is recorded after the start time');
    const row = await changeStatus(this.deps.db.primary, {
      locationId: a.location_id,
      id: a.id,
      from: a.status,
      to,
      tally,
    });
    if (!row) throw InvalidTransition('the appointment changed meanwhile; reload it');
    return row;
  }
}
