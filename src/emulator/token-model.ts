/**
 * The org authorization server's issuing rules (okta-api.md 1.2): which of the requested scopes a client
 * gets at which org, whether the app requires DPoP, and how a token is made (a JWT carrying `cnf.jkt` when
 * DPoP-bound, as Okta's are) and kept (only its hash).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SCOPES } from '../okta-api';
import { OAuthError } from './errors';
import { sha256b64u } from './ids';
import type { EmulatorModel } from './model';
import type { ClientState, OrgState } from './state';

const ACCOUNT_SCOPES: string[] = [SCOPES.accountsRead, SCOPES.accountsManage];

/** Signs this process's access tokens. Tokens are recognised by their hash, so it need not survive a restart. */
const TOKEN_SECRET = randomBytes(32);

/** An issued token: the value (returned once, never stored) and the scopes granted. */
export interface IssuedToken {
  accessToken: string;
  scopes: string[];
}

/** Whether the app refuses token requests without a DPoP proof (strict mode: every app, as Okta's default). */
export function dpopRequired(client: ClientState, strict: boolean): boolean {
  return strict || client.dpopBoundAccessTokens !== false;
}

/**
 * Issues a token to an authenticated client for the requested scopes it was granted. Lenient: ungranted
 * scopes are left out (refused only when none is left). `exact` (strict mode): a request naming any scope
 * the app was not granted is refused as a whole with `invalid_scope` (documented in docs/emulator.md).
 */
export function issueToken(
  model: EmulatorModel,
  org: OrgState,
  client: ClientState,
  requested: string[],
  options: { ttlSeconds: number; jkt?: string; issuer: string; exact?: boolean },
): IssuedToken {
  // okta.accounts.* can only come from an account's Aerial org; any org grants its own management scopes.
  const grantable = client.scopes.filter((s) => org.aerialOrg || !ACCOUNT_SCOPES.includes(s));
  const unique = requested.filter((s, i) => requested.indexOf(s) === i);
  const refused = unique.filter((s) => !grantable.includes(s));
  const scopes = unique.filter((s) => grantable.includes(s));
  if (!scopes.length || (options.exact && refused.length))
    throw new OAuthError(
      400,
      'invalid_scope',
      `The following scopes are not allowed for this client: ${(refused.length ? refused : requested).join(' ')}`,
    );
  const nowMs = model.now();
  const exp = nowMs + options.ttlSeconds * 1000;
  const accessToken = signAccessToken({
    ver: 1,
    jti: `AT.${randomBytes(16).toString('base64url')}`,
    iss: options.issuer,
    aud: options.issuer,
    iat: Math.floor(nowMs / 1000),
    exp: Math.floor(exp / 1000),
    cid: client.clientId,
    sub: client.clientId,
    scp: scopes,
    ...(options.jkt && { cnf: { jkt: options.jkt } }),
  });
  model.addToken({
    hash: sha256b64u(accessToken),
    clientId: client.clientId,
    orgId: org.id,
    accountId: model.accountOfAerialOrg(org)?.id,
    scopes,
    exp,
    jkt: options.jkt,
  });
  model.changed();
  return { accessToken, scopes };
}

/** An HS256 JWT (Okta's access tokens are JWTs; a DPoP-bound one carries `cnf.jkt`, RFC 9449 section 6). */
function signAccessToken(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT', kid: 'emulator' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', TOKEN_SECRET).update(input).digest('base64url')}`;
}
