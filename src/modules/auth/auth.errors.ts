// The auth module's error catalogue. Credential failures share one answer so they reveal nothing.
import { defineError } from '../../platform/http/errors.js';

export const InvalidCredentials = defineError('invalid-credentials', 401, 'Invalid credentials');
export const MfaRequired = defineError('mfa-required', 401, 'MFA code required');
export const InvalidMfaCode = defineError('invalid-mfa-code', 401, 'Invalid MFA code');
export const InvalidRefreshToken = defineError('invalid-refresh-token', 401, 'Invalid refresh token');
export const RefreshTokenReused = defineError(
  'refresh-token-reused',
  401,
  'Refresh token already used; session revoked',
);
export const EmailTaken = defineError('email-taken', 409, 'E-mail already registered');
export const WeakPassword = defineError('weak-password', 422, 'Password too weak');
export const WrongPassword = defineError('wrong-password', 403, 'Current password is incorrect');
export const InvalidAccountToken = defineError('invalid-token', 400, 'Invalid or expired token');
export const MfaAlreadyEnabled = defineError('mfa-already-enabled', 409, 'MFA already enabled');
export const MfaNotSetUp = defineError('mfa-not-set-up', 409, 'MFA not set up');
export const MfaNotEnabled = defineError('mfa-not-enabled', 409, 'MFA not enabled');
export const MfaEnrolmentRequired = defineError(
  'mfa-enrolment-required',
  403,
  'Owners must enable MFA for financial operations',
);
