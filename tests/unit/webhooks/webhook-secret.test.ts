import crypto from 'node:crypto';
import {
  generateSigningSecret,
  openSecret,
  sealSecret,
  SealedSecretError,
  signatureHeader,
} from '../../../src/webhooks/webhook-secret.js';

describe('webhook signing secrets', () => {
  it('when a delivery is signed, then the signature is the Standard Webhooks one (their published example)', () => {
    expect(
      signatureHeader(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('when a secret is generated, then it is whsec_ and the base64 of 32 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('when a secret is sealed, then only the same key and subscription id open it', () => {
    const key = crypto.randomBytes(32);
    const id = crypto.randomUUID();
    const secret = generateSigningSecret();
    const sealed = sealSecret(key, id, secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(sealSecret(key, id, secret)).not.toBe(sealed);
    expect(openSecret(key, id, sealed)).toBe(secret);
    expect(() => openSecret(crypto.randomBytes(32), id, sealed)).toThrow(SealedSecretError);
    expect(() => openSecret(key, crypto.randomUUID(), sealed)).toThrow(SealedSecretError);
    const [version, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openSecret(key, id, [version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(
      SealedSecretError,
    );
    expect(() => openSecret(key, id, 'not sealed')).toThrow(SealedSecretError);
  });
});
