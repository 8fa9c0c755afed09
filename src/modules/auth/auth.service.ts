// Accounts and sessions: register, login (with the second factor), rotating refresh with re-use
// detection, logout, logout everywhere, password change and reset, e-mail verification. A session is
// a refresh-token family; every revocation is also announced to the session cache of every process.
import type { Logger } from 'pino';
import { pgConstraint } from '../../platform/db/errors.js';
import type { Database } from '../../platform/db/pool.js';
import { type Transaction, withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import { assertAllowed } from '../../platform/rate-limit/rate-limit-hook.js';
import type { RateLimiter } from '../../platform/rate-limit/rate-limiter.js';
import type { EmailSender } from '../notifications/email.js';
import type { UsersService, UserView } from '../users/users.service.js';
import {
  EmailTaken,
  InvalidAccountToken,
  InvalidCredentials,
  InvalidMfaCode,
  InvalidRefreshToken,
  MfaRequired,
  RefreshTokenReused,
  WeakPassword,
  WrongPassword,
} from './auth.errors.js';
import * as sql from './auth.sql.js';
import type { MfaService } from './mfa.service.js';
import { decoyHash, hashPassword, isCommonPassword, verifyPassword } from './passwords.js';
import type { SessionCache } from './sessions.cache.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  type AccessTokens,
  hashOpaqueToken,
  newOpaqueToken,
  REFRESH_TOKEN_TTL_SECONDS,
} from './tokens.js';

export interface IssuedSession {
  user: UserView;
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface AuthServiceDeps {
  db: Database;
  accessTokens: AccessTokens;
  sessions: SessionCache;
  users: UsersService;
  mfa: MfaService;
  email: EmailSender;
  /** Per-account limits (login, forgot-password); per-IP limits are the route class's hook. */
  limiter: RateLimiter;
  log: Pick<Logger, 'warn'>;
}

const ACCOUNT_ATTEMPTS_PER_MINUTE = 10;
const RESET_TOKEN_TTL_SECONDS = 60 * 60;
const VERIFICATION_TOKEN_TTL_SECONDS = 48 * 60 * 60;

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async register(
    input: { email: string; password: string; name: string; phone?: string | undefined },
    origin: sql.SessionOrigin,
  ): Promise<IssuedSession> {
    await this.assertStrong(input.password);
    const passwordHash = await hashPassword(input.password);
    const verification = newOpaqueToken();
    let issued: { user: UserView; tokens: Tokens };
    try {
      issued = await withTransaction(this.deps.db.primary, async (tx) => {
        const row = await sql.insertUser(tx, { ...input, email: input.email.trim(), passwordHash });
        const user = { ...row, created_at: row.created_at.toISOString() };
        await sql.insertAccountToken(
          tx,
          user.id,
          'email_verification',
          hashOpaqueToken(verification),
          VERIFICATION_TOKEN_TTL_SECONDS,
        );
        return { user, tokens: await this.startSession(tx, user, origin) };
      });
    } catch (error) {
      if (pgConstraint(error) === 'users_email_lower_key')
        throw EmailTaken('that e-mail is already registered');
      throw error;
    }
    this.sendInBackground(issued.user.email, 'Confirm your e-mail address', [
      'Welcome to BookedBarber. Confirm your e-mail address with this token (valid for 48 hours):',
      verification,
    ]);
    return pair(issued.user, issued.tokens);
  }

  async login(
    input: { email: string; password: string; mfa_code?: string | undefined },
    origin: sql.SessionOrigin,
  ): Promise<IssuedSession> {
    await this.throttle('login', input.email);
    const credentials = await sql.findCredentialsByEmail(this.deps.db.primary, input.email);
    // An unknown e-mail costs one argon2 verification too, so timing does not tell accounts apart.
    const matches = await verifyPassword(credentials?.password_hash ?? (await decoyHash()), input.password);
    if (!credentials || !matches) throw InvalidCredentials('the e-mail or the password is wrong');
    if (credentials.mfa_enabled && !input.mfa_code) {
      throw MfaRequired('send the code from your authenticator app (or a recovery code) as mfa_code');
    }
    const user = await this.deps.users.profileOf(credentials.id);
    const tokens = await withTransaction(this.deps.db.primary, async (tx) => {
      if (credentials.mfa_enabled && !(await this.deps.mfa.acceptLoginCode(tx, user.id, input.mfa_code!))) {
        throw InvalidMfaCode('the MFA code is wrong or was already used');
      }
      return this.startSession(tx, user, origin);
    });
    return pair(user, tokens);
  }

  /** Exchanges a refresh token for a new pair; a token used twice revokes its whole session. */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const next = newOpaqueToken();
    const outcome = await withTransaction(this.deps.db.primary, async (tx) => {
      const state = await sql.lockRefreshToken(tx, hashOpaqueToken(refreshToken));
      if (!state) return { kind: 'invalid' as const };
      if (state.rotated) {
        await sql.revokeSession(tx, state.session_id, 'refresh-token-reuse');
        return { kind: 'reused' as const, sessionId: state.session_id };
      }
      if (!state.usable) return { kind: 'invalid' as const };
      await sql.rotateRefreshToken(tx, state.id, state.session_id, REFRESH_TOKEN_TTL_SECONDS);
      await sql.insertRefreshToken(tx, state.session_id, hashOpaqueToken(next), REFRESH_TOKEN_TTL_SECONDS);
      return { kind: 'rotated' as const, sessionId: state.session_id, userId: state.user_id };
    });
    if (outcome.kind === 'invalid') throw InvalidRefreshToken('the refresh token is invalid or expired');
    // The expiry slid (rotated) or the session ended (reused): drop every process's copy.
    this.deps.sessions.invalidate([outcome.sessionId]);
    if (outcome.kind === 'reused') {
      throw RefreshTokenReused('this refresh token was already used; the session is revoked, sign in again');
    }
    const user = await this.deps.users.profileOf(outcome.userId);
    return pair(user, {
      sessionId: outcome.sessionId,
      accessToken: this.sign(user, outcome.sessionId),
      refreshToken: next,
    });
  }

  /** Ends the caller's session, known from the access token or else from the refresh token. */
  async logout(sessionId: string | undefined, refreshToken: string | undefined): Promise<void> {
    const id =
      sessionId ??
      (refreshToken
        ? await sql.findSessionOfRefreshToken(this.deps.db.primary, hashOpaqueToken(refreshToken))
        : undefined);
    if (!id) return;
    await sql.revokeSession(this.deps.db.primary, id, 'logout');
    this.deps.sessions.invalidate([id]);
  }

  async logoutAll(auth: AuthContext): Promise<void> {
    const ids = await sql.revokeSessionsOfUser(this.deps.db.primary, auth.userId, 'logout-all');
    this.deps.sessions.invalidate(ids);
  }

  /** Changes the password and ends every other session; this one stays signed in. */
  async changePassword(auth: AuthContext, current: string, next: string): Promise<void> {
    const stored = await sql.findPasswordHash(this.deps.db.primary, auth.userId);
    if (!stored) throw Unauthenticated('this account no longer exists');
    if (!(await verifyPassword(stored, current))) throw WrongPassword('the current password is wrong');
    await this.assertStrong(next);
    const passwordHash = await hashPassword(next);
    const revoked = await withTransaction(this.deps.db.primary, async (tx) => {
      await sql.updatePasswordHash(tx, auth.userId, passwordHash);
      return sql.revokeSessionsOfUser(tx, auth.userId, 'password-changed', auth.sessionId);
    });
    this.deps.sessions.invalidate(revoked);
  }

  /**
   * Sends a reset token when the account exists. The answer (and its timing) is the same either way:
   * the lookup, the token and the e-mail happen after the caller has been answered.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.throttle('forgot-password', email);
    const work = async () => {
      const credentials = await sql.findCredentialsByEmail(this.deps.db.primary, email);
      if (!credentials) return;
      const token = newOpaqueToken();
      await sql.insertAccountToken(
        this.deps.db.primary,
        credentials.id,
        'password_reset',
        hashOpaqueToken(token),
        RESET_TOKEN_TTL_SECONDS,
      );
      const user = await this.deps.users.profileOf(credentials.id);
      await this.deps.email.send(resetMessage(user.email, token));
    };
    work().catch((error: unknown) => this.deps.log.warn({ err: error }, 'password reset e-mail not sent'));
  }

  /** Sets a new password with a single-use, expiring token, and ends every session of the account. */
  async resetPassword(token: string, password: string): Promise<void> {
    await this.assertStrong(password);
    const passwordHash = await hashPassword(password);
    const { userId, revoked } = await withTransaction(this.deps.db.primary, async (tx) => {
      const userId = await sql.consumeAccountToken(tx, hashOpaqueToken(token), 'password_reset');
      if (!userId) throw InvalidAccountToken('the reset token is invalid, expired or already used');
      await sql.updatePasswordHash(tx, userId, passwordHash);
      // The token arrived by e-mail, which proves the address.
      await sql.markEmailVerified(tx, userId);
      return { userId, revoked: await sql.revokeSessionsOfUser(tx, userId, 'password-reset') };
    });
    this.deps.sessions.invalidate(revoked);
    this.deps.users.invalidate(userId);
  }

  async verifyEmail(token: string): Promise<void> {
    const userId = await withTransaction(this.deps.db.primary, async (tx) => {
      const userId = await sql.consumeAccountToken(tx, hashOpaqueToken(token), 'email_verification');
      if (!userId) throw InvalidAccountToken('the verification token is invalid, expired or already used');
      await sql.markEmailVerified(tx, userId);
      return userId;
    });
    this.deps.users.invalidate(userId);
  }

  private async assertStrong(password: string): Promise<void> {
    if (await isCommonPassword(password)) {
      throw WeakPassword('this password is among the most common ones; choose another', {
        errors: [{ field: '/body/password', message: 'is a commonly used password' }],
      });
    }
  }

  /** Per-account limit, keyed by the normalised e-mail whether or not the account exists. */
  private async throttle(action: string, email: string): Promise<void> {
    const key = `${action}:account:${email.trim().toLowerCase()}`;
    assertAllowed(await this.deps.limiter.consume(key, ACCOUNT_ATTEMPTS_PER_MINUTE, 60_000));
  }

  private sign(user: UserView, sessionId: string): string {
    return this.deps.accessTokens.sign({ userId: user.id, sessionId, isAdmin: user.is_admin });
  }

  private async startSession(tx: Transaction, user: UserView, origin: sql.SessionOrigin): Promise<Tokens> {
    const sessionId = await sql.insertSession(tx, user.id, origin, REFRESH_TOKEN_TTL_SECONDS);
    const refreshToken = newOpaqueToken();
    await sql.insertRefreshToken(tx, sessionId, hashOpaqueToken(refreshToken), REFRESH_TOKEN_TTL_SECONDS);
    return { sessionId, accessToken: this.sign(user, sessionId), refreshToken };
  }

  private sendInBackground(to: string, subject: string, lines: string[]): void {
    this.deps.email
      .send({ to, subject, text: lines.join('\n\n') })
      .catch((error: unknown) => this.deps.log.warn({ err: error, subject }, 'e-mail not sent'));
  }
}

interface Tokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

function pair(user: UserView, tokens: Tokens): IssuedSession {
  return {
    user,
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
  };
}

function resetMessage(to: string, token: string) {
  return {
    to,
    subject: 'Reset your BookedBarber password',
    text: [
      'Someone asked to reset the password of your BookedBarber account.',
      'Use this token within one hour to choose a new password:',
      token,
      'If it was not you, ignore this message; your password stays as it is.',
    ].join('\n\n'),
  };
}
