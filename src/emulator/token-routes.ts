/**
 * The org authorization server's token endpoint (`/oauth2/v1/token`): client credentials with
 * private_key_jwt, optional DPoP (okta-api.md 1.2). The protocol is checked here and in client-assertion.ts
 * and dpop.ts; which scopes are granted, and how the token is kept, is token-model.ts.
 */
import { verifyAssertion } from './client-assertion';
import { htuCandidates } from './auth';
import { DpopProofError, currentNonce, nonceValid, verifyDpopProof } from './dpop';
import { OAuthError } from './errors';
import { route } from './router';
import { dpopRequired, issueToken } from './token-model';
import type { OrgHandler } from './urls';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** POST /orgs/{subdomain}/oauth2/v1/token */
const token: OrgHandler = async (core, ctx, org) => {
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
  // An app with "Require DPoP header in token requests" on (Okta's default since 2024) refuses a proofless
  // request; Okta's answer, seen in its SDKs' issues (okta-sdk-dotnet #697, okta-sdk-nodejs #424).
  if (jkt === undefined && dpopRequired(client, core.opts.strict))
    throw new OAuthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
  const ttl = core.opts.tokenTtlSeconds;
  const { accessToken, scopes } = issueToken(core.model, org, client, requested, {
    ttlSeconds: ttl,
    jkt,
    issuer: core.orgBase(org),
    exact: core.opts.strict,
  });
  core.stats.tokensIssued[client.clientId] = (core.stats.tokensIssued[client.clientId] ?? 0) + 1;
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
};

/** Paths under `/orgs/{subdomain}`. */
export const TOKEN_ROUTES = [route('/oauth2/v1/token', { POST: ['oauth.token', token] })];
