/**
 * Keys and signatures of the auth layer: the service app's signing key (PEM or JWK), the private_key_jwt
 * client assertion, and DPoP proofs (RFC 9449) with a fresh `jti` and `iat` every time, so no proof is
 * ever replayed. A key the client cannot use is a {@link ConfigurationError} that says what is wrong with
 * it, before any request is sent; the key itself is never quoted.
 */
import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { ConfigurationError } from '../errors/configuration-error';

/** A key ready to sign client assertions. */
export interface SigningKey {
  readonly key: KeyObject;
  readonly alg: string;
  readonly kid?: string;
}

/**
 * Reads a signing key from PEM (PKCS#8/PKCS#1/SEC1) or JWK JSON, with its algorithm and key id. `owner`
 * (e.g. `client 0oa…`) names whose key it is in the error.
 */
export function readSigningKey(privateKey: string, keyId?: string, owner?: string): SigningKey {
  const text = privateKey.trim();
  const fail = (problem: string, fix: string): ConfigurationError =>
    new ConfigurationError(
      `the private key${owner ? ` of ${owner}` : ''} ${problem}; no request was sent. ${fix}`,
      { setting: 'privateKey' },
    );
  let key: KeyObject;
  let kid = keyId;
  let alg: string | undefined;
  if (text.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(text) as JWK;
    } catch {
      // The parser's message quotes the input, so it is not passed on.
      throw fail(
        'starts like JWK JSON but is not valid JSON',
        'Store the whole JWK in the private key environment variable.',
      );
    }
    if (typeof jwk.d !== 'string')
      throw fail('is a public JWK (it has no "d"), not a private key', PUBLIC_KEY_FIX);
    try {
      key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch {
      throw fail('is a JWK the client cannot read as an RSA or EC private key', GENERIC_FIX);
    }
    kid = kid ?? jwk.kid;
    alg = jwk.alg;
  } else {
    const pem = text.replace(/\\n/g, '\n');
    const problem = pemProblem(pem);
    if (problem) throw fail(problem.problem, problem.fix);
    try {
      key = createPrivateKey(pem);
    } catch (e) {
      // The parser's message may quote the input, so only its code is looked at.
      if ((e as { code?: string }).code === 'ERR_MISSING_PASSPHRASE') throw fail(PASSPHRASE, PASSPHRASE_FIX);
      if (/-----BEGIN /.test(pem))
        throw fail(
          'is damaged: its PEM block does not hold a readable key (part of it missing or changed)',
          GENERIC_FIX,
        );
      throw fail('is not a PEM private key or a JWK JSON private key', GENERIC_FIX);
    }
  }
  if (!alg) {
    if (key.asymmetricKeyType === 'rsa') alg = 'RS256';
    else if (key.asymmetricKeyType === 'ec') {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      alg = curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
    } else throw fail(`has type ${key.asymmetricKeyType}`, 'Use an RSA or EC (P-256) key.');
  }
  return { key, alg, kid };
}

const GENERIC_FIX =
  'Check the private key environment variable: it must hold a PKCS#8 PEM or a JWK JSON private key.';
const PUBLIC_KEY_FIX = 'Use the private key of the pair whose public key is registered with the service app.';
const PASSPHRASE = 'is protected by a passphrase, which the client cannot use';
const PASSPHRASE_FIX = 'Export it without one, e.g. openssl pkcs8 -topk8 -nocrypt -in key.pem.';

/** What is visibly wrong with a PEM text, before the parser is asked (labels only: the key is never quoted). */
function pemProblem(pem: string): { problem: string; fix: string } | undefined {
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
  if (!begin) return undefined;
  const label = begin[1];
  if (/PUBLIC KEY|CERTIFICATE/.test(label))
    return { problem: `is a public key (a PEM '${label}' block), not a private key`, fix: PUBLIC_KEY_FIX };
  if (/ENCRYPTED/.test(label) || /Proc-Type:\s*4,ENCRYPTED/i.test(pem))
    return { problem: `${PASSPHRASE} (a PEM '${label}' block, encrypted)`, fix: PASSPHRASE_FIX };
  if (!pem.includes(`-----END ${label}-----`))
    return {
      problem: `is cut off: its PEM '${label}' block has no END line (truncated when it was copied or stored)`,
      fix: 'Store the whole key, END line included, in the private key environment variable.',
    };
  return undefined;
}

/** Signs a private_key_jwt client assertion for one token request (RFC 7523), valid for 5 minutes. */
export function signClientAssertion(
  signing: SigningKey,
  clientId: string,
  audience: string,
): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader(signing.kid ? { alg: signing.alg, kid: signing.kid } : { alg: signing.alg })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 300)
    .setJti(randomUUID())
    .sign(signing.key);
}

/** The DPoP key of one credential set (made at the first proof) and the proofs signed with it. */
export class DpopKey {
  private pair?: Promise<{ privateKey: KeyLike; jwk: JWK }>;

  /** A fresh proof for one request: `ath` binds it to the access token, `nonce` is the server's. */
  async proof(method: string, url: string, extra: { ath?: string; nonce?: string }): Promise<string> {
    this.pair ??= generateKeyPair('ES256').then(async ({ privateKey, publicKey }) => {
      const { kty, crv, x, y } = await exportJWK(publicKey);
      return { privateKey, jwk: { kty, crv, x, y } };
    });
    const { privateKey, jwk } = await this.pair;
    const u = new URL(url);
    const claims: Record<string, unknown> = { htm: method.toUpperCase(), htu: `${u.origin}${u.pathname}` };
    if (extra.ath) claims.ath = extra.ath;
    if (extra.nonce) claims.nonce = extra.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .setIssuedAt(Math.floor(Date.now() / 1000))
      .setJti(randomUUID())
      .sign(privateKey);
  }
}
