// The pure pieces of the second factor: TOTP steps, recovery codes and the at-rest box for secrets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Secret, TOTP } from 'otpauth';
import { MfaSecretBox } from '../../src/modules/auth/mfa.crypto.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpStep } from '../../src/modules/auth/totp.js';

const code = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: at,
  });

test('a code maps to its own time step, one step of drift either way, no further', () => {
  const secret = newTotpSecret();
  const now = 1_800_000_000_000; // a fixed instant, 15 s into its step
  const step = Math.floor(now / 30_000);
  assert.equal(totpStep(secret, code(secret, now), now), step);
  assert.equal(totpStep(secret, code(secret, now - 30_000), now), step - 1);
  assert.equal(totpStep(secret, code(secret, now + 30_000), now), step + 1);
  assert.equal(totpStep(secret, code(secret, now + 90_000), now), undefined);
  assert.equal(totpStep(secret, 'abcdef', now), undefined);
  assert.equal(totpStep(secret, '1234567', now), undefined);
});

test('recovery codes: ten distinct XXXXX-XXXXX codes; the hash ignores case, dashes and spaces', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const c of codes) {
    assert.match(c, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    assert.deepEqual(hashRecoveryCode(c.toLowerCase().replace('-', ' ')), hashRecoveryCode(c));
  }
  assert.notDeepEqual(hashRecoveryCode(codes[0]!), hashRecoveryCode(codes[1]!));
});

test('the secret box opens what it sealed, only for the same user and key', () => {
  const box = new MfaSecretBox('a master secret that is long enough to derive a key');
  const other = new MfaSecretBox('another master secret, equally long enough to derive');
  fc.assert(
    fc.property(
      fc.uuid(),
      fc.uuid(),
      fc.string({ minLength: 1, maxLength: 64 }),
      (user, stranger, secret) => {
        const sealed = box.seal(user, secret);
        assert.ok(sealed.startsWith('v1.'));
        assert.equal(box.open(user, sealed), secret);
        assert.equal(other.open(user, sealed), undefined);
        if (stranger !== user) assert.equal(box.open(stranger, sealed), undefined);
      },
    ),
    { numRuns: 200 },
  );
  // Rows from before encryption hold the base32 secret itself.
  assert.equal(box.open('u', 'JBSWY3DPEHPK3PXP'), 'JBSWY3DPEHPK3PXP');
});
