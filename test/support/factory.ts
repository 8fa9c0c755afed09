// Factories: each returns what it made, so tests build the smallest world they need.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createAccessTokens } from '../../src/modules/auth/tokens.js';
import type { TestApp } from './build-app.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  sessionId: string;
  /** A valid access token of a live session. */
  token: string;
}

let passwordHash: Promise<string> | undefined;
const DEFAULT_PASSWORD = 'correct horse battery staple';

/** A user with a live session, inserted directly (fast); auth's own tests go through the real routes. */
export async function newUser(
  ctx: TestApp,
  options: { email?: string; name?: string; isAdmin?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(DEFAULT_PASSWORD);
  const email = options.email ?? `user-${randomBytes(5).toString('hex')}@example.test`;
  const name = options.name ?? 'Test User';
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    'INSERT INTO users (email, password_hash, name, is_admin) VALUES ($1, $2, $3, $4) RETURNING id',
    [email, await passwordHash, name, options.isAdmin ?? false],
  );
  const id = rows[0]!.id;
  const session = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() + interval '7 days') RETURNING id`,
    [id],
  );
  const sessionId = session.rows[0]!.id;
  const token = createAccessTokens(ctx.config.secrets.accessToken).sign({
    userId: id,
    sessionId,
    isAdmin: options.isAdmin ?? false,
  });
  return { id, email, password: DEFAULT_PASSWORD, name, sessionId, token };
}
