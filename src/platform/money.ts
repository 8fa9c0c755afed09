// Money is integer minor units everywhere; this is the one place a fraction of a cent is rounded.

/**
 * Rounds a non-negative amount of cents with a fractional part to whole cents, half up
 * (a refund of 50 % of 1,001 cents is 501 cents: the half cent goes to the customer).
 */
export function roundCents(value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative amount: ${value}`);
  // The epsilon absorbs binary noise such as 1.005 * 100 = 100.49999999999999.
  return Math.floor(value + 0.5 + 1e-9);
}

/** `percent` % of `cents`, rounded by roundCents. */
export function percentOfCents(cents: number, percent: number): number {
  return roundCents((cents * percent) / 100);
}
