// Gift certificates: issued by owners and managers with an unguessable code, looked up by staff, spent
// by payment intents (see PaymentsService) inside the intent's transaction.
import { randomInt } from 'node:crypto';
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { pgConstraint } from '../../platform/db/errors.js';
import { NotFound } from '../../platform/http/errors.js';
import { type LocationAccess, MANAGERS, STAFF } from '../shops/location-access.js';
import { GiftCertificateNotFound } from './payments.errors.js';
import {
  findGiftCertificate,
  type GiftCertificateRow,
  insertGiftCertificate,
} from './gift-certificates.sql.js';
import type { GiftCertificateBody } from './payments.schemas.js';

// Crockford's alphabet without look-alikes; 16 characters ≈ 78 bits, read out as XXXX-XXXX-XXXX-XXXX.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 16;

export function newGiftCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** As typed by a person: case, spaces and dashes do not matter. */
export function normaliseGiftCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function formatGiftCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

export class GiftCertificateService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
  ) {}

  async issue(auth: AuthContext, body: GiftCertificateBody): Promise<GiftCertificateRow> {
    await this.access.require(auth, body.location_id, MANAGERS);
    for (let attempt = 0; ; attempt++) {
      try {
        const issued = await insertGiftCertificate(this.db.primary, {
          locationId: body.location_id,
          code: newGiftCode(),
          amountCents: body.amount_cents,
          purchaserEmail: body.purchaser_email ?? null,
          recipientName: body.recipient_name ?? null,
          expiresAt: body.expires_at ? new Date(body.expires_at) : null,
          byUserId: auth.userId,
        });
        if (!issued) throw NotFound('location not found');
        return issued;
      } catch (error) {
        // A collision of 78 random bits: try another code.
        if (pgConstraint(error) !== 'gift_certificates_location_id_code_key' || attempt >= 2) throw error;
      }
    }
  }

  async lookUp(auth: AuthContext, locationId: string, code: string): Promise<GiftCertificateRow> {
    await this.access.require(auth, locationId, STAFF);
    const found = await findGiftCertificate(this.db.primary, locationId, normaliseGiftCode(code));
    if (!found) throw GiftCertificateNotFound('no gift certificate with this code here');
    return found;
  }
}
