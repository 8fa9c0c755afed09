// The analytics formulas, with figures worked out by hand in the comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appointmentRates,
  type DashboardInput,
  dashboardFigures,
  ratio,
  revenueTotals,
} from '../../src/modules/analytics/figures.js';

const week: DashboardInput = {
  revenueCents: 15_500,
  completed: 4,
  noShows: 1,
  bookedMinutes: 195,
  workingMinutes: 1920,
  clients: 3,
  returningClients: 1,
  rebookedClients: 1,
  days: 7,
  annualTargetCents: 10_000_000,
};

test('a week short of a six-figure year: every figure and the capped price increase', () => {
  assert.deepEqual(dashboardFigures(week), {
    revenue_cents: 15_500,
    average_ticket_cents: 3875, // 15 500 / 4
    completed_appointments: 4,
    booked_minutes: 195,
    working_minutes: 1920,
    utilisation: 0.1016, // 195 / 1920 = 0.1015625
    clients: 3,
    visits_per_client: 1.3333,
    returning_clients: 1,
    retention_rate: 0.3333,
    rebooked_clients: 1,
    rebooking_rate: 0.3333,
    no_shows: 1,
    no_show_rate: 0.2, // 1 / (4 + 1)
    target: {
      annual_target_cents: 10_000_000,
      monthly_target_cents: 833_333, // 10 000 000 / 12 = 833 333.33
      monthly_revenue_cents: 67_396, // 15 500 / 7 × 30.436875 = 67 396.0
      monthly_gap_cents: 765_937,
      clients_needed_per_month: 216, // ⌈833 333 / 3875⌉ = ⌈215.05⌉
      additional_clients_per_month: 198, // ⌈765 937 / 3875⌉ = ⌈197.66⌉
      suggested_price_increase: 0.3, // 765 937 / 67 396 = 11.36, capped
      price_increase_capped: true,
    },
  });
});

test('a small gap suggests the exact increase that closes it', () => {
  const { target } = dashboardFigures({ ...week, annualTargetCents: 900_000 });
  assert.deepEqual(target, {
    annual_target_cents: 900_000,
    monthly_target_cents: 75_000,
    monthly_revenue_cents: 67_396,
    monthly_gap_cents: 7604,
    clients_needed_per_month: 20, // ⌈75 000 / 3875⌉ = ⌈19.35⌉
    additional_clients_per_month: 2, // ⌈7604 / 3875⌉
    suggested_price_increase: 0.1128, // 7604 / 67 396 = 0.11283
    price_increase_capped: false,
  });
});

test('at or above target there is no gap and no increase', () => {
  const { target } = dashboardFigures({
    ...week,
    revenueCents: 300_000,
    completed: 60,
    days: 30,
    annualTargetCents: 3_600_000,
  });
  assert.equal(target.monthly_revenue_cents, 304_369); // 300 000 / 30 × 30.436875
  assert.equal(target.monthly_gap_cents, 0);
  assert.equal(target.additional_clients_per_month, 0);
  assert.equal(target.clients_needed_per_month, 60); // 300 000 / 5000
  assert.equal(target.suggested_price_increase, 0);
  assert.equal(target.price_increase_capped, false);
});

test('an empty range: ratios are null, not 0 or NaN, and no price increase is suggested', () => {
  const empty = dashboardFigures({
    revenueCents: 0,
    completed: 0,
    noShows: 0,
    bookedMinutes: 0,
    workingMinutes: 0,
    clients: 0,
    returningClients: 0,
    rebookedClients: 0,
    days: 1,
    annualTargetCents: 10_000_000,
  });
  assert.equal(empty.average_ticket_cents, null);
  assert.equal(empty.utilisation, null);
  assert.equal(empty.visits_per_client, null);
  assert.equal(empty.retention_rate, null);
  assert.equal(empty.rebooking_rate, null);
  assert.equal(empty.no_show_rate, null);
  assert.deepEqual(empty.target, {
    annual_target_cents: 10_000_000,
    monthly_target_cents: 833_333,
    monthly_revenue_cents: 0,
    monthly_gap_cents: 833_333,
    clients_needed_per_month: null,
    additional_clients_per_month: null,
    suggested_price_increase: null,
    price_increase_capped: false,
  });
});

test('revenue totals: net of refunds, average ticket per payment rounded half up', () => {
  assert.deepEqual(
    revenueTotals({
      gross_cents: 21_500,
      gift_certificate_cents: 1500,
      refunded_cents: 5500,
      payment_count: 6,
    }),
    {
      gross_cents: 21_500,
      gift_certificate_cents: 1500,
      refunded_cents: 5500,
      net_cents: 16_000,
      payment_count: 6,
      average_ticket_cents: 2667, // 2666.67
    },
  );
  assert.equal(
    revenueTotals({ gross_cents: 5, gift_certificate_cents: 0, refunded_cents: 0, payment_count: 2 })
      .average_ticket_cents,
    3,
  );
  assert.equal(
    revenueTotals({ gross_cents: 0, gift_certificate_cents: 0, refunded_cents: 0, payment_count: 0 })
      .average_ticket_cents,
    null,
  );
});

test('appointment rates: no-shows among known outcomes, cancellations among all', () => {
  assert.deepEqual(
    appointmentRates({ pending: 1, confirmed: 1, in_progress: 0, completed: 3, cancelled: 1, no_show: 1 }),
    { total: 7, no_show_rate: 0.25, cancellation_rate: 0.1429 },
  );
  assert.deepEqual(
    appointmentRates({ pending: 0, confirmed: 0, in_progress: 0, completed: 0, cancelled: 0, no_show: 0 }),
    { total: 0, no_show_rate: null, cancellation_rate: null },
  );
  assert.equal(ratio(1, 3), 0.3333);
  assert.equal(ratio(2, 3), 0.6667);
});
