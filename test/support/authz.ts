// Authorisation written once, run for every protected route (CONVENTIONS "Tests"): for each role —
// anonymous, client, barber, receptionist, manager, owner, owner of another location, admin — the
// route answers what the matrix says. Defaults: no token → 401; a client or another shop's owner →
// 404 (the location "does not exist" for them); a staff role not allowed → 403; an allowed role → 2xx.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestApp } from './build-app.js';
import { newUser, type TestUser } from './factory.js';
import type { HttpResponse } from './http.js';

export const AUTHZ_ROLES = [
  'anonymous',
  'client',
  'barber',
  'receptionist',
  'manager',
  'owner',
  'other_owner',
  'admin',
] as const;
export type AuthzRole = (typeof AUTHZ_ROLES)[number];
export type SignedInRole = Exclude<AuthzRole, 'anonymous'>;
/** Every role but anonymous: `allowedRoles` of a route any signed-in user may call. */
export const SIGNED_IN_ROLES: readonly SignedInRole[] = AUTHZ_ROLES.filter(
  (role): role is SignedInRole => role !== 'anonymous',
);

export interface AuthzLocation {
  id: string;
  slug: string;
}

export interface AuthzWorld {
  /** The shop under test: owner, manager, barber (with a barbers row), receptionist. */
  location: AuthzLocation;
  /** Another shop, owned by `other_owner`. */
  otherLocation: AuthzLocation;
  /** The barbers row of `users.barber` in `location`. */
  barberId: string;
  users: Record<SignedInRole, TestUser>;
}

export interface AuthzCaller {
  role: AuthzRole;
  /** Undefined for anonymous. */
  user: TestUser | undefined;
  token: string | undefined;
}

async function newLocation(ctx: TestApp, name: string): Promise<AuthzLocation> {
  const slug = `shop-${randomBytes(5).toString('hex')}`;
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO locations (name, slug, timezone) VALUES ($1, $2, 'America/New_York') RETURNING id`,
    [name, slug],
  );
  return { id: rows[0]!.id, slug };
}

async function addMember(ctx: TestApp, locationId: string, userId: string, role: string): Promise<void> {
  await ctx.db.primary.query('INSERT INTO memberships (location_id, user_id, role) VALUES ($1, $2, $3)', [
    locationId,
    userId,
    role,
  ]);
}

/**
 * Two shops and one user per role, inserted directly. Build it before the first request of the users
 * it makes (the app caches memberships). `ownersWithMfa` enrols both owners in MFA (financial routes).
 */
export async function newAuthzWorld(ctx: TestApp, options: { ownersWithMfa?: boolean } = {}) {
  const location = await newLocation(ctx, 'Authz Barbers');
  const otherLocation = await newLocation(ctx, 'Other Barbers');
  const users = {
    client: await newUser(ctx, { name: 'Client' }),
    barber: await newUser(ctx, { name: 'Barber' }),
    receptionist: await newUser(ctx, { name: 'Receptionist' }),
    manager: await newUser(ctx, { name: 'Manager' }),
    owner: await newUser(ctx, { name: 'Owner' }),
    other_owner: await newUser(ctx, { name: 'Other Owner' }),
    admin: await newUser(ctx, { name: 'Admin', isAdmin: true }),
  } satisfies Record<SignedInRole, TestUser>;
  for (const role of ['owner', 'manager', 'barber', 'receptionist'] as const) {
    await addMember(ctx, location.id, users[role].id, role);
  }
  await addMember(ctx, otherLocation.id, users.other_owner.id, 'owner');
  const barber = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO barbers (location_id, user_id, display_name) VALUES ($1, $2, 'Barber') RETURNING id`,
    [location.id, users.barber.id],
  );
  if (options.ownersWithMfa) {
    await ctx.db.primary.query(
      `UPDATE users SET mfa_secret = 'JBSWY3DPEHPK3PXP', mfa_enabled_at = now() WHERE id = ANY($1)`,
      [[users.owner.id, users.other_owner.id]],
    );
  }
  return { location, otherLocation, barberId: barber.rows[0]!.id, users } satisfies AuthzWorld;
}

type Expected = number | '2xx';

export interface RouteAuthzSpec {
  world: AuthzWorld;
  /** Makes the request as `caller` (called once per role, so it may create a fresh resource first). */
  request: (caller: AuthzCaller) => Promise<HttpResponse>;
  /** Roles that must get a 2xx. */
  allowedRoles: readonly AuthzRole[];
  /** Exceptions to the default matrix, e.g. `{ client: 403 }` for a route that is not tenant-scoped. */
  expect?: Partial<Record<AuthzRole, Expected>>;
}

function defaultExpectation(role: AuthzRole, allowed: readonly AuthzRole[]): Expected {
  if (allowed.includes(role)) return '2xx';
  if (role === 'anonymous') return 401;
  if (role === 'client' || role === 'other_owner') return 404;
  return 403;
}

/** Runs the whole matrix and asserts it at once, so a failure shows every cell that is wrong. */
export async function runRouteAuthz(spec: RouteAuthzSpec): Promise<void> {
  const expected: Record<string, Expected> = {};
  const actual: Record<string, Expected> = {};
  for (const role of AUTHZ_ROLES) {
    const user = role === 'anonymous' ? undefined : spec.world.users[role];
    const want = spec.expect?.[role] ?? defaultExpectation(role, spec.allowedRoles);
    const response = await spec.request({ role, user, token: user?.token });
    const got: Expected = response.status >= 200 && response.status < 300 ? '2xx' : response.status;
    expected[role] = want;
    actual[role] = got;
    if (got !== '2xx' && got < 500) {
      // Every refusal is a problem document, never a bare status.
      assert.ok(
        (response.headers.get('content-type') ?? '').startsWith('application/problem+json'),
        `${role}: expected a problem document, got ${response.text.slice(0, 200)}`,
      );
    }
  }
  assert.deepEqual(actual, expected);
}
