// TOTP secrets are encrypted at rest (AES-256-GCM, bound to their user by the associated data), so a
// copy of the database alone cannot mint second factors. The key is derived (HKDF) from the refresh
// token secret, which nothing else signs with; rotating that secret means re-enrolling MFA.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1.';

export class MfaSecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterSecret, 'bookedbarber', 'mfa-secret-at-rest', 32));
  }

  seal(userId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The secret, or undefined when it cannot be opened (another key, another user's row). */
  open(userId: string, stored: string): string | undefined {
    // Rows written before encryption (and test fixtures) hold the base32 secret itself.
    if (!stored.startsWith(VERSION)) return stored;
    try {
      const raw = Buffer.from(stored.slice(VERSION.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
