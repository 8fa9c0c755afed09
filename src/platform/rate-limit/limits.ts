// Requests per minute per route class (DESIGN §2). `auth` is per IP and its login, registration and
// reset routes lower it to 10 (plus 10 per account e-mail in the auth service); the authenticated
// classes count per user.
export const RATE_LIMITS_PER_MINUTE = {
  public: { perMinute: 300, by: 'ip' },
  auth: { perMinute: 30, by: 'ip' },
  account: { perMinute: 300, by: 'user' },
  booking: { perMinute: 100, by: 'user' },
  financial: { perMinute: 20, by: 'user' },
  analytics: { perMinute: 50, by: 'user' },
} as const;
