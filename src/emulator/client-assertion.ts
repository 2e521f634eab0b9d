/** private_key_jwt client authentication (okta-api.md 1.2): the assertion checked against the client's keys. */
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { EmulatorCore } from './core';
import { SIGNING_ALGS } from './dpop';
import { OAuthError } from './errors';
import type { ClientState, OrgState } from './state';

/** Okta allows a client assertion to live at most one hour; a little clock skew is tolerated. */
const MAX_ASSERTION_LIFETIME_S = 3600;
const SKEW_S = 60;

/** Verifies a private_key_jwt client assertion against the client's registered public keys. */
export async function verifyAssertion(
  core: EmulatorCore,
  org: OrgState,
  assertion: string,
  tokenUrls: string[],
  clientIdParam: string | null,
): Promise<ClientState> {
  const fail = (why: string) => new OAuthError(401, 'invalid_client', why);
  let header;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw fail('The client_assertion is not a valid JWT.');
  }
  if (!header.alg || !SIGNING_ALGS.includes(header.alg))
    throw fail(`The client_assertion 'alg' must be one of ${SIGNING_ALGS.join(', ')}.`);
  const clientId = claims.iss;
  if (typeof clientId !== 'string' || claims.sub !== clientId)
    throw fail("The client_assertion 'iss' and 'sub' must both be the client_id.");
  if (clientIdParam !== null && clientIdParam !== clientId)
    throw fail("The 'client_id' parameter does not match the client_assertion issuer.");
  const client = org.clients.find((c) => c.clientId === clientId);
  if (!client) throw fail('The client_id is not registered in this org.');
  const family = header.alg.startsWith('ES') ? 'EC' : 'RSA';
  const jwks = (client.jwks ?? core.model.state.keys.map((k) => k.publicJwk)).filter(
    (k) => k.kty === family && (header.kid === undefined || k.kid === header.kid),
  );
  if (!jwks.length) throw fail('No registered key of the client matches the client_assertion (kid/alg).');
  const nowS = core.now() / 1000;
  let verified = false;
  for (const jwk of jwks) {
    try {
      const key = await importJWK(jwk as unknown as JWK, header.alg);
      await jwtVerify(assertion, key, {
        algorithms: [header.alg],
        issuer: clientId,
        subject: clientId,
        currentDate: new Date(core.now()),
        clockTolerance: SKEW_S,
      });
      verified = true;
      break;
    } catch {
      // try the next registered key
    }
  }
  if (!verified) throw fail('The client_assertion signature is invalid or it has expired.');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && tokenUrls.includes(a)))
    throw fail("The client_assertion 'aud' must be the token endpoint URL.");
  if (typeof claims.exp !== 'number') throw fail("The client_assertion must carry 'exp'.");
  if (claims.exp > nowS + MAX_ASSERTION_LIFETIME_S + SKEW_S)
    throw fail("The client_assertion 'exp' is more than one hour in the future.");
  if (claims.jti !== undefined) {
    core.pruneReplayCaches();
    const key = `${org.id}/${clientId}/${claims.jti}`;
    if (core.assertionJtis.has(key)) throw fail("The client_assertion 'jti' has already been used.");
    core.assertionJtis.set(key, (claims.exp + SKEW_S) * 1000);
  }
  return client;
}
