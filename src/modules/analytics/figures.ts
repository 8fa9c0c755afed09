// The analytics formulas, pure (DESIGN §3 "six-figure dashboard"). Inputs are counts and sums already
// read from the database for one location (or one barber) and one range of local dates. A ratio whose
// denominator is zero is null ("not defined"), never 0 or NaN. Ratios are fractions (0.25 = 25 %),
// rounded to 4 decimals; money is integer cents, rounded by roundCents.
import { roundCents } from '../../platform/money.js';

/** The average month: 365.2425 / 12 days. Turns a range's figures into per-month run rates. */
export const DAYS_PER_MONTH = 365.2425 / 12;
/** The largest price increase the dashboard ever suggests. */
export const MAX_PRICE_INCREASE = 0.3;

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : null;
}

export interface MoneyTotals {
  /** Charged plus paid from gift certificates. */
  gross_cents: number;
  gift_certificate_cents: number;
  refunded_cents: number;
  payment_count: number;
}

/**
 * Revenue totals: gross = charged + paid from gift certificates (what clients paid for services);
 * net = gross − refunded (a refund counts against the payment it refunds, in that payment's period);
 * average ticket = net / payments (a visit paid as deposit + balance is two payments).
 */
export function revenueTotals(t: MoneyTotals) {
  const net = t.gross_cents - t.refunded_cents;
  return {
    gross_cents: t.gross_cents,
    gift_certificate_cents: t.gift_certificate_cents,
    refunded_cents: t.refunded_cents,
    net_cents: net,
    payment_count: t.payment_count,
    average_ticket_cents: t.payment_count > 0 ? roundCents(net / t.payment_count) : null,
  };
}

export interface StatusCounts {
  pending: number;
  confirmed: number;
  in_progress: number;
  completed: number;
  cancelled: number;
  no_show: number;
}

/**
 * Appointment rates: total = every appointment starting in the range (slot holds are not appointments);
 * no-show rate = no-shows / (completed + no-shows), the appointments whose outcome is known;
 * cancellation rate = cancelled / total.
 */
export function appointmentRates(c: StatusCounts) {
  const total = c.pending + c.confirmed + c.in_progress + c.completed + c.cancelled + c.no_show;
  return {
    total,
    no_show_rate: ratio(c.no_show, c.completed + c.no_show),
    cancellation_rate: ratio(c.cancelled, total),
  };
}

export interface DashboardInput {
  /** Net revenue (gross − refunded) of payments completed in the range. */
  revenueCents: number;
  /** Appointments starting in the range that were completed / were no-shows. */
  completed: number;
  noShows: number;
  /** Minutes of booked appointments (every status that holds the chair: not cancelled, not a hold). */
  bookedMinutes: number;
  /** Working minutes of the barbers over the range (weekly hours, special days, minus time off). */
  workingMinutes: number;
  /** Distinct clients with a completed visit in the range. */
  clients: number;
  /** Of those, clients with more than one completed visit in the range. */
  returningClients: number;
  /** Of those, clients with a booking (not cancelled) starting after their last visit in the range. */
  rebookedClients: number;
  /** Local days in the range. */
  days: number;
  annualTargetCents: number;
}

/**
 * The dashboard figures:
 * - average ticket = revenue / completed appointments (null without completed appointments);
 * - utilisation = booked minutes / working minutes (may exceed 1 when work is booked outside hours);
 * - visits per client = completed appointments / clients; retention = returning / clients;
 *   rebooking rate = rebooked / clients; no-show rate = no-shows / (completed + no-shows);
 * - target: monthly target = annual / 12; monthly revenue = revenue / days × DAYS_PER_MONTH (the run
 *   rate of the range); gap = max(0, monthly target − monthly revenue); clients needed per month =
 *   ⌈monthly target / average ticket⌉ and additional clients = ⌈gap / average ticket⌉ (null without an
 *   average ticket); suggested price increase = min(30 %, gap / monthly revenue): the increase that
 *   closes the gap at today's volume (null without revenue, when no price increase can help).
 */
export function dashboardFigures(input: DashboardInput) {
  const averageTicket = input.completed > 0 ? roundCents(input.revenueCents / input.completed) : null;
  const monthlyTarget = roundCents(input.annualTargetCents / 12);
  const monthlyRevenue = input.days > 0 ? roundCents((input.revenueCents / input.days) * DAYS_PER_MONTH) : 0;
  const gap = Math.max(0, monthlyTarget - monthlyRevenue);
  const increase = monthlyRevenue > 0 ? gap / monthlyRevenue : null;
  return {
    revenue_cents: input.revenueCents,
    average_ticket_cents: averageTicket,
    completed_appointments: input.completed,
    booked_minutes: input.bookedMinutes,
    working_minutes: input.workingMinutes,
    utilisation: ratio(input.bookedMinutes, input.workingMinutes),
    clients: input.clients,
    visits_per_client: ratio(input.completed, input.clients),
    returning_clients: input.returningClients,
    retention_rate: ratio(input.returningClients, input.clients),
    rebooked_clients: input.rebookedClients,
    rebooking_rate: ratio(input.rebookedClients, input.clients),
    no_shows: input.noShows,
    no_show_rate: ratio(input.noShows, input.completed + input.noShows),
    target: {
      annual_target_cents: input.annualTargetCents,
      monthly_target_cents: monthlyTarget,
      monthly_revenue_cents: monthlyRevenue,
      monthly_gap_cents: gap,
      clients_needed_per_month: averageTicket ? Math.ceil(monthlyTarget / averageTicket) : null,
      additional_clients_per_month: averageTicket ? Math.ceil(gap / averageTicket) : null,
      suggested_price_increase:
        increase === null ? null : Math.round(Math.min(MAX_PRICE_INCREASE, increase) * 10_000) / 10_000,
      price_increase_capped: increase !== null && increase > MAX_PRICE_INCREASE,
    },
  };
}
