/**
 * The org authorization server's token endpoint (`/oauth2/v1/token`): client credentials with
 * private_key_jwt, optional DPoP (okta-api.md 1.2). Issued tokens are opaque; only their hash is stored.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { SCOPES } from '../okta-api';
import { htuCandidates } from './auth';
import type { EmulatorCore, HandlerResult, RequestContext } from './core';
import { DpopProofError, SIGNING_ALGS, currentNonce, nonceValid, sha256b64u, verifyDpopProof } from './dpop';
import { OAuthError } from './errors';
import type { ClientState, OrgState } from './state';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta allows a client assertion to live at most one hour; a little clock skew is tolerated. */
const MAX_ASSERTION_LIFETIME_S = 3600;
const SKEW_S = 60;

const ACCOUNT_SCOPES: string[] = [SCOPES.accountsRead, SCOPES.accountsManage];

/** POST /orgs/{subdomain}/oauth2/v1/token */
export async function tokenEndpoint(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  const type = String(ctx.req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new OAuthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
  const form = new URLSearchParams(ctx.rawBody.toString('utf8'));
  const grant = form.get('grant_type');
  if (!grant) throw new OAuthError(400, 'invalid_request', "The 'grant_type' parameter is required.");
  if (grant !== 'client_credentials')
    throw new OAuthError(400, 'unsupported_grant_type', `The grant type '${grant}' is not supported.`);
  const assertion = form.get('client_assertion');
  if (form.get('client_assertion_type') !== ASSERTION_TYPE || !assertion)
    throw new OAuthError(
      401,
      'invalid_client',
      'Client authentication with private_key_jwt is required (client_assertion_type jwt-bearer and client_assertion).',
    );
  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (!requested.length)
    throw new OAuthError(
      400,
      'invalid_scope',
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );

  const tokenUrls = htuCandidates(core, ctx);
  // DPoP nonce first: a client retries with a new proof but may reuse its assertion, so the assertion
  // must not be consumed by a request that only fails for the nonce.
  let jkt: string | undefined;
  const proof = ctx.req.headers.dpop;
  if (proof !== undefined) {
    if (typeof proof !== 'string')
      throw new OAuthError(400, 'invalid_dpop_proof', 'Only one DPoP proof is allowed.');
    let nonce: string | undefined;
    try {
      ({ jkt, nonce } = await verifyDpopProof(core, proof, { htm: 'POST', htu: tokenUrls }));
    } catch (e) {
      if (e instanceof DpopProofError) throw new OAuthError(400, 'invalid_dpop_proof', e.message);
      throw e;
    }
    if (!nonceValid(core, nonce))
      throw new OAuthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', {
        'dpop-nonce': currentNonce(core),
      });
  }

  const client = await verifyAssertion(core, org, assertion, tokenUrls, form.get('client_id'));
  ctx.clientId = client.clientId;
  // okta.accounts.* can only come from an account's Aerial org; any org grants its own management scopes.
  const grantable = client.scopes.filter((s) => org.aerialOrg || !ACCOUNT_SCOPES.includes(s));
  const scopes = requested.filter((s, i) => grantable.includes(s) && requested.indexOf(s) === i);
  if (!scopes.length)
    throw new OAuthError(
      400,
      'invalid_scope',
      `The following scopes are not allowed for this client: ${requested.join(' ')}`,
    );

  const accessToken = randomBytes(40).toString('base64url');
  const ttl = core.opts.tokenTtlSeconds;
  const account = org.aerialOrg ? core.state.accounts.find((a) => a.aerialOrgId === org.id) : undefined;
  core.addToken({
    hash: sha256b64u(accessToken),
    clientId: client.clientId,
    orgId: org.id,
    accountId: account?.id,
    scopes,
    exp: core.now() + ttl * 1000,
    jkt,
  });
  core.stats.tokensIssued[client.clientId] = (core.stats.tokensIssued[client.clientId] ?? 0) + 1;
  core.changed();
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' },
    body: {
      token_type: jkt ? 'DPoP' : 'Bearer',
      expires_in: ttl,
      access_token: accessToken,
      scope: scopes.join(' '),
    },
  };
}

/** Verifies a private_key_jwt client assertion against the client's registered public keys. */
async function verifyAssertion(
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
  const jwks = (client.jwks ?? core.state.keys.map((k) => k.publicJwk)).filter(
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
