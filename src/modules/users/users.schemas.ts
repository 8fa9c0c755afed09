// The user as the API shows it. The response schemas are the allow-list: password hashes, MFA secrets
// and anything else on the row never leave, whatever a query selects.
import { Type } from 'typebox';

/** A person's name: printable text (no control characters, which PostgreSQL or logs would choke on). */
export const PersonName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
});

export const User = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    is_admin: Type.Boolean(),
    email_verified: Type.Boolean(),
    mfa_enabled: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A user account as the API shows it' },
);

export const Membership = Type.Object({
  location_id: Type.String({ format: 'uuid' }),
  role: Type.Union([
    Type.Literal('owner'),
    Type.Literal('manager'),
    Type.Literal('barber'),
    Type.Literal('receptionist'),
  ]),
});

export const Me = Type.Object({ ...User.properties, memberships: Type.Array(Membership) });

/** Only these can be changed by the user; e-mail verification, admin flag and roles never. */
export const ProfilePatch = Type.Object(
  {
    name: Type.Optional(PersonName),
    // Null first: with type coercion on, a null tried against the string branch would become "".
    phone: Type.Optional(
      Type.Union([Type.Null(), Type.String({ maxLength: 32, pattern: '^[0-9+() .-]*$' })]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
