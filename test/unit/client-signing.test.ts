import { generateKeyPairSync } from 'node:crypto';
import { readSigningKey } from '../../src/client/auth/signing';
import { ConfigurationError } from '../../src/client/errors';

describe('readSigningKey', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const body = pem.split('\n').filter((l) => l.length > 20);
  /** The error readSigningKey throws for `key`, checked to be a ConfigurationError that quotes no key. */
  const refusal = (key: string): ConfigurationError => {
    let caught: unknown;
    try {
      readSigningKey(key, undefined, 'client 0oaTest');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const err = caught as ConfigurationError;
    expect(err.setting).toBe('privateKey');
    expect(err.message).toContain('the private key of client 0oaTest');
    expect(err.message).toContain('no request was sent');
    for (const line of [...body, ...key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))])
      expect(err.message).not.toContain(line);
    return err;
  };

  it('reads an RSA PKCS#8 PEM and an EC JWK, with their algorithms', () => {
    expect(readSigningKey(pem, 'k1')).toMatchObject({ alg: 'RS256', kid: 'k1' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const jwk = JSON.stringify({ ...ec.export({ format: 'jwk' }), kid: 'k2' });
    expect(readSigningKey(jwk)).toMatchObject({ alg: 'ES256', kid: 'k2' });
  });

  it('says that a public-key PEM is a public key', () => {
    const err = refusal(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(err.message).toMatch(/is a public key \(a PEM 'PUBLIC KEY' block\), not a private key/);
  });

  it('says that a passphrase-protected key is protected by a passphrase', () => {
    const encrypted = privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
      .toString();
    expect(refusal(encrypted).message).toMatch(/is protected by a passphrase.*openssl pkcs8 -topk8 -nocrypt/);
  });

  it('says that a truncated PEM is cut off', () => {
    const cut = pem.slice(0, Math.floor(pem.length / 2));
    expect(refusal(cut).message).toMatch(/is cut off: its PEM 'PRIVATE KEY' block has no END line/);
  });

  it('says that a public JWK and text that is no key are not private keys', () => {
    const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
    expect(refusal(jwk).message).toContain('is a public JWK (it has no "d")');
    expect(refusal('not a key at all').message).toContain(
      'is not a PEM private key or a JWK JSON private key',
    );
  });
});
