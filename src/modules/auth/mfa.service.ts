// MFA: TOTP enrolment (setup → verify), ten single-use recovery codes, disable, and the code check used
// at login. Every check runs with the user row locked, so a TOTP step or a recovery code is accepted
// at most once even under concurrent requests.
import type { Database } from '../../platform/db/pool.js';
import { type Transaction, withTransaction } from '../../platform/db/transaction.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import type { UsersService } from '../users/users.service.js';
import { InvalidMfaCode, MfaAlreadyEnabled, MfaNotEnabled, MfaNotSetUp } from './auth.errors.js';
import type { MfaSecretBox } from './mfa.crypto.js';
import {
  disableMfa,
  enableMfa,
  lockMfaState,
  type MfaState,
  recordMfaStep,
  replaceRecoveryCodes,
  setPendingMfaSecret,
  useRecoveryCode,
} from './mfa.sql.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUrl, totpStep } from './totp.js';

export class MfaService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly box: MfaSecretBox,
  ) {}

  private async locked<T>(
    userId: string,
    work: (tx: Transaction, state: MfaState) => Promise<T>,
  ): Promise<T> {
    return withTransaction(this.db.primary, async (tx) => {
      const state = await lockMfaState(tx, userId);
      if (!state) throw Unauthenticated('this account no longer exists');
      return work(tx, state);
    });
  }

  /** Starts (or restarts) enrolment with a new secret; MFA is on only after `verify`. */
  async setup(userId: string): Promise<{ secret: string; otpauth_url: string }> {
    return this.locked(userId, async (tx, state) => {
      if (state.mfa_enabled) throw MfaAlreadyEnabled('disable MFA before setting it up again');
      const secret = newTotpSecret();
      await setPendingMfaSecret(tx, userId, this.box.seal(userId, secret));
      return { secret, otpauth_url: otpauthUrl(secret, state.email) };
    });
  }

  /** Enables MFA with a first code from the authenticator app; returns the recovery codes, once. */
  async verify(userId: string, code: string): Promise<{ recovery_codes: string[] }> {
    const codes = await this.locked(userId, async (tx, state) => {
      if (state.mfa_enabled) throw MfaAlreadyEnabled('MFA is already enabled');
      if (!state.mfa_secret) throw MfaNotSetUp('call /auth/mfa/setup first');
      if (!(await this.acceptTotp(tx, userId, state, code))) throw InvalidMfaCode('the code is not valid');
      await enableMfa(tx, userId);
      const recovery = newRecoveryCodes();
      await replaceRecoveryCodes(tx, userId, recovery.map(hashRecoveryCode));
      return recovery;
    });
    this.users.invalidate(userId);
    return { recovery_codes: codes };
  }

  /** Turns MFA off; needs a current TOTP code or an unused recovery code. */
  async disable(userId: string, code: string): Promise<void> {
    await this.locked(userId, async (tx, state) => {
      if (!state.mfa_enabled) throw MfaNotEnabled('MFA is not enabled');
      if (!(await this.acceptCode(tx, userId, state, code))) throw InvalidMfaCode('the code is not valid');
      await disableMfa(tx, userId);
    });
    this.users.invalidate(userId);
  }

  /** The second factor at login, inside the login's own transaction; false when the code is refused. */
  async acceptLoginCode(tx: Transaction, userId: string, code: string): Promise<boolean> {
    const state = await lockMfaState(tx, userId);
    if (!state?.mfa_enabled) return false;
    return this.acceptCode(tx, userId, state, code);
  }

  private async acceptCode(tx: Transaction, userId: string, state: MfaState, code: string): Promise<boolean> {
    if (/^\d{6}$/.test(code)) return this.acceptTotp(tx, userId, state, code);
    return useRecoveryCode(tx, userId, hashRecoveryCode(code));
  }

  /** RFC 6238 §5.2: a step at or before the last accepted one is refused, so each code works once. */
  private async acceptTotp(tx: Transaction, userId: string, state: MfaState, code: string): Promise<boolean> {
    const secret = state.mfa_secret && this.box.open(userId, state.mfa_secret);
    if (!secret) return false;
    const step = totpStep(secret, code);
    if (step === undefined || (state.mfa_last_step !== null && step <= state.mfa_last_step)) return false;
    await recordMfaStep(tx, userId, step);
    return true;
  }
}
