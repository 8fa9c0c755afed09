// Request and response shapes of /auth/*: each defined once, as validator, type and OpenAPI entry.
import { Type } from 'typebox';
import { PersonName, User } from '../users/users.schemas.js';

export const Email = Type.String({
  format: 'email',
  minLength: 3,
  maxLength: 254,
  examples: ['ana@example.com'],
});
/** OWASP ASVS 2.1.1–2.1.2: at least 10 (we ask more than 8), at most 128 characters. */
export const Password = Type.String({ minLength: 10, maxLength: 128 });
/** Any stored password may be up to 128 characters; shorter ones from older rules still sign in. */
const AnyPassword = Type.String({ minLength: 1, maxLength: 128 });
const OpaqueToken = Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });
/** A 6-digit TOTP code or a recovery code (`XXXXX-XXXXX`). */
const MfaCode = Type.String({ minLength: 6, maxLength: 32 });

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: PersonName,
    phone: Type.Optional(Type.String({ maxLength: 32, pattern: '^[0-9+() .-]*$' })),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { email: Email, password: AnyPassword, mfa_code: Type.Optional(MfaCode) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refresh_token: Type.Optional(OpaqueToken) },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { current_password: AnyPassword, new_password: Password },
  { additionalProperties: false },
);

export const ForgotPasswordBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetPasswordBody = Type.Object(
  { token: OpaqueToken, password: Password },
  { additionalProperties: false },
);
export const VerifyEmailBody = Type.Object({ token: OpaqueToken }, { additionalProperties: false });
export const MfaCodeBody = Type.Object({ code: MfaCode }, { additionalProperties: false });

export const TokenPair = Type.Object(
  {
    user: User,
    access_token: Type.String(),
    refresh_token: Type.String(),
    token_type: Type.Literal('bearer'),
    expires_in: Type.Integer({ description: 'Seconds the access token is valid' }),
  },
  { description: 'A new session: access and refresh tokens' },
);

export const Accepted = Type.Object({ message: Type.String() });
export const MfaSetup = Type.Object({ secret: Type.String(), otpauth_url: Type.String() });
export const RecoveryCodes = Type.Object({
  recovery_codes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }),
});
