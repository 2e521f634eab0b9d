/**
 * Resource-call authentication: `Bearer` and `DPoP` access tokens issued by the emulator's token endpoints,
 * and `SSWS` API tokens where the org management API allows them; plus Okta-shaped 401/403 challenges.
 */
import type { EmulatorCore, RequestContext } from './core';
import { DPOP_CHALLENGE, DpopProofError, sha256b64u, verifyDpopProof } from './dpop';
import { err } from './errors';
import type { OrgState, TokenState } from './state';

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
  const token = core.findToken(hash);
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
