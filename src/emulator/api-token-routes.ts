/**
 * The API Tokens API's read routes under `/orgs/{subdomain}/api/v1/api-tokens`: the metadata of the org's
 * SSWS tokens (never their values), from the seed's `apiTokens`. Okta's own tools find an SSWS principal
 * here before creating or adopting its rate limit. Same auth as the org's other management APIs (an SSWS
 * token, or an OAuth token of this org with okta.apiTokens.read). Revoking is not emulated (405).
 */
import { SCOPES, type ApiToken } from '../okta-api';
import { orgGuard } from './auth';
import type { EmulatorCore } from './core';
import { err } from './errors';
import { byId } from './model';
import { listPage } from './pagination';
import { ok } from './response';
import { route } from './router';
import type { ApiTokenState, OrgState } from './state';
import type { OrgHandler } from './urls';

const PATH = '/api/v1/api-tokens';
/** Okta's default inactivity window of an API token. */
const TOKEN_WINDOW_DAYS = 30;

/** Okta's ApiToken object for a seeded token. */
export function apiTokenJson(core: EmulatorCore, org: OrgState, t: ApiTokenState): ApiToken {
  const self = `${core.orgBase(org)}${PATH}/${t.principalId}`;
  return {
    id: t.principalId,
    name: t.name ?? org.principals.find((p) => p.id === t.principalId)?.name ?? 'API token',
    userId: t.userId,
    clientName: t.clientName ?? 'Okta API',
    tokenWindow: `P${TOKEN_WINDOW_DAYS}D`,
    created: org.createdDate,
    lastUpdated: org.createdDate,
    // Inference: a seeded token counts as used now, so it expires one window from now.
    expiresAt: new Date(core.now() + TOKEN_WINDOW_DAYS * 86_400_000).toISOString(),
    network: { connection: 'ANYWHERE' },
    _links: {
      self: { href: self, hints: { allow: ['GET', 'DELETE'] } },
      user: { href: `${core.orgBase(org)}/api/v1/users/${t.userId}`, hints: { allow: ['GET'] } },
    },
  };
}

const tokensOf = (org: OrgState) =>
  org.apiTokens.map((t) => ({ ...t, id: t.principalId })).sort(byId) as (ApiTokenState & { id: string })[];

/**
 * Inference (UNCONFIRMED): `after` cursors and `limit` 1..200 (default 20) with Link headers, like Okta's
 * other list APIs; no filter.
 */
const list: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, SCOPES.apiTokensRead, SCOPES.apiTokensManage);
  const page = listPage(ctx.url, tokensOf(org), (t) => t.id, {
    defaultLimit: 20,
    maxLimit: 200,
    filter: {},
    before: false,
  });
  return {
    status: 200,
    headers: { Link: page.link },
    body: page.items.map((t) => apiTokenJson(core, org, t)),
  };
};

const get: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, SCOPES.apiTokensRead, SCOPES.apiTokensManage);
  const t = org.apiTokens.find((x) => x.principalId === ctx.params.apiTokenId);
  if (!t) throw err.notFound(`${ctx.params.apiTokenId} (ApiToken)`);
  return ok(apiTokenJson(core, org, t));
};

/** Paths under `/orgs/{subdomain}`. */
export const API_TOKEN_ROUTES = [
  route(PATH, { GET: ['apiTokens.list', list] }),
  route(`${PATH}/{apiTokenId}`, { GET: ['apiTokens.get', get] }),
];
