/**
 * Resource-call authentication: `Bearer` and `DPoP` access tokens issued by the emulator's token endpoints,
 * and `SSWS` API tokens where the org management API allows them; Okta-shaped 401/403 challenges; and the
 * guard of each API family (which caller may call it, with which scopes).
 */
import { SCOPES } from '../okta-api';
import type { EmulatorCore } from './core';
import { DPOP_CHALLENGE, DpopProofError, verifyDpopProof } from './dpop';
import { err } from './errors';
import { sha256b64u } from './ids';
import type { RequestContext } from './request';
import type { AccountState, OrgState, TokenState } from './state';

/** Who made a request. */
export type Caller =
  | { kind: 'oauth'; token: TokenState; scheme: 'Bearer' | 'DPoP' }
  | { kind: 'ssws'; userId: string; principalId: string };

/** The request URL forms a client may have signed into a DPoP proof (emulator URL, or the Host it used). */
export function htuCandidates(core: EmulatorCore, ctx: RequestContext): string[] {
  const list = [`${core.url}${ctx.url.pathname}`];
  const host = ctx.req.headers.host;
  if (host) list.push(`http://${host}${ctx.url.pathname}`);
  return list;
}

/** 401 E0000011 with challenges naming the realm (the org whose authorization server issues tokens). */
function unauthorized(core: EmulatorCore, realmOrg: OrgState | undefined, dpopError?: string) {
  const realm = realmOrg ? core.orgBase(realmOrg) : core.url;
  const headers: Record<string, string[]> = {
    'WWW-Authenticate': [
      `Bearer authorization_uri="${realm}/oauth2/v1/authorize", realm="${realm}", error="invalid_token", error_description="The access token is invalid."`,
      dpopError
        ? `${DPOP_CHALLENGE}, error="invalid_dpop_proof", error_description="${dpopError.replace(/"/g, "'")}"`
        : DPOP_CHALLENGE,
    ],
  };
  return err.invalidToken(headers);
}

/** Authenticates the caller; `allowSsws` for org management APIs. Throws 401 on any failure. */
export async function authenticate(
  core: EmulatorCore,
  ctx: RequestContext,
  realmOrg: OrgState | undefined,
  allowSsws: boolean,
  sswsOrg?: OrgState,
): Promise<Caller> {
  const header = ctx.req.headers.authorization;
  if (!header) throw unauthorized(core, realmOrg);
  const sp = header.indexOf(' ');
  const scheme = sp === -1 ? header : header.slice(0, sp);
  const value = sp === -1 ? '' : header.slice(sp + 1).trim();
  if (!value) throw unauthorized(core, realmOrg);
  if (scheme.toLowerCase() === 'ssws') {
    const t = allowSsws ? sswsOrg?.apiTokens.find((x) => x.value === value) : undefined;
    if (!t) throw unauthorized(core, realmOrg);
    ctx.principal = t.principalId;
    return { kind: 'ssws', userId: t.userId, principalId: t.principalId };
  }
  const lower = scheme.toLowerCase();
  if (lower !== 'bearer' && lower !== 'dpop') throw unauthorized(core, realmOrg);
  const hash = sha256b64u(value);
  const token = core.model.findToken(hash);
  if (!token || token.exp <= core.now()) throw unauthorized(core, realmOrg);
  ctx.clientId = token.clientId;
  if (token.jkt) {
    // A DPoP-bound token is useless without a proof of the bound key (RFC 9449 section 7).
    if (lower !== 'dpop')
      throw unauthorized(core, realmOrg, 'A DPoP-bound access token must use the DPoP scheme.');
    const proof = ctx.req.headers.dpop;
    if (typeof proof !== 'string') throw unauthorized(core, realmOrg, 'The DPoP proof is missing.');
    try {
      const v = await verifyDpopProof(core, proof, {
        htm: ctx.method,
        htu: htuCandidates(core, ctx),
        accessToken: value,
      });
      if (v.jkt !== token.jkt)
        throw new DpopProofError('The DPoP proof key does not match the access token (cnf.jkt).');
    } catch (e) {
      if (e instanceof DpopProofError) throw unauthorized(core, realmOrg, e.message);
      throw e;
    }
    return { kind: 'oauth', token, scheme: 'DPoP' };
  }
  if (lower === 'dpop')
    throw unauthorized(core, realmOrg, 'The access token is not DPoP-bound; use the Bearer scheme.');
  return { kind: 'oauth', token, scheme: 'Bearer' };
}

/**
 * Requires one of `anyOf` scopes on an OAuth caller (SSWS tokens act as their super-admin owner).
 * 403 E0000006 with an insufficient_scope challenge otherwise (okta-api.md 2.1).
 */
export function requireScope(
  core: EmulatorCore,
  ctx: RequestContext,
  caller: Caller,
  anyOf: string[],
  realmOrg: OrgState | undefined,
): void {
  if (caller.kind === 'ssws') return;
  if (anyOf.some((s) => caller.token.scopes.includes(s))) return;
  const realm = realmOrg ? core.orgBase(realmOrg) : core.url;
  // Name the least scope that would do (read for reads), as Okta's challenge does.
  const needed = anyOf[0];
  throw err.forbidden({
    'WWW-Authenticate': `${caller.scheme} authorization_uri="${realm}/oauth2/v1/authorize", realm="${realm}", scope="${needed}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${ctx.url.pathname}"`,
  });
}

/** Who is recorded as createdBy / lastUpdatedBy / grantedBy: the token's user, or the OAuth client. */
export function actorOf(caller: Caller): string {
  return caller.kind === 'ssws' ? caller.userId : caller.token.clientId;
}

/**
 * Authenticates and authorises an Aerial call (okta-api.md 4): a token from the account's Aerial org, for
 * this account, with okta.accounts.read (either scope unless strict) or, to write, okta.accounts.manage.
 * Returns the account.
 */
export async function accountGuard(
  core: EmulatorCore,
  ctx: RequestContext,
  write: boolean,
): Promise<AccountState> {
  const known = core.model.account(ctx.accountId!);
  const realm = known ? core.model.aerialOrgOf(known) : undefined;
  const caller = await authenticate(core, ctx, realm, false);
  // An account lives in exactly one environment: the other environment does not know it.
  const account = known && known.environment === ctx.env ? known : undefined;
  if (!account) throw err.notFound(`${ctx.accountId} (Account)`);
  if (caller.kind !== 'oauth' || caller.token.accountId !== account.id)
    throw err.forbidden({}, 'The access token was not issued for this Aerial account.');
  const scopes = write
    ? [SCOPES.accountsManage]
    : core.readScopes(SCOPES.accountsRead, SCOPES.accountsManage);
  requireScope(core, ctx, caller, scopes, realm);
  return account;
}

/**
 * Authenticates a call to an org's management API: its SSWS token, or an OAuth token from this org's own
 * authorization server; the `read` scope (or, unless strict, `manage`) for GET/HEAD, `manage` otherwise.
 */
export async function orgGuard(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
  read: string,
  manage: string,
): Promise<Caller> {
  const caller = await authenticate(core, ctx, org, true, org);
  if (caller.kind === 'oauth' && caller.token.orgId !== org.id) {
    // A token of another org's authorization server is not valid here at all.
    throw err.invalidToken();
  }
  const write = ctx.method !== 'GET' && ctx.method !== 'HEAD';
  requireScope(core, ctx, caller, write ? [manage] : core.readScopes(read, manage), org);
  return caller;
}
