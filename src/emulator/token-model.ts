/**
 * The org authorization server's issuing rules (okta-api.md 1.2): which of the requested scopes a client
 * gets at which org, and how a token is kept (only its hash, bound to a DPoP key when one was proven).
 */
import { randomBytes } from 'node:crypto';
import { SCOPES } from '../okta-api';
import { OAuthError } from './errors';
import { sha256b64u } from './ids';
import type { EmulatorModel } from './model';
import type { ClientState, OrgState } from './state';

const ACCOUNT_SCOPES: string[] = [SCOPES.accountsRead, SCOPES.accountsManage];

/** An issued token: the value (returned once, never stored) and the scopes granted. */
export interface IssuedToken {
  accessToken: string;
  scopes: string[];
}

/** Issues a token to an authenticated client for the requested scopes it was granted. */
export function issueToken(
  model: EmulatorModel,
  org: OrgState,
  client: ClientState,
  requested: string[],
  options: { ttlSeconds: number; jkt?: string },
): IssuedToken {
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
  model.addToken({
    hash: sha256b64u(accessToken),
    clientId: client.clientId,
    orgId: org.id,
    accountId: model.accountOfAerialOrg(org)?.id,
    scopes,
    exp: model.now() + options.ttlSeconds * 1000,
    jkt: options.jkt,
  });
  model.changed();
  return { accessToken, scopes };
}
