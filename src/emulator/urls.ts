/**
 * The emulator's URL layout, one loopback port for everything (moto's urls.py):
 *   /aerial/{production|sandbox}/{accountId}/api/v1/...          Aerial API of one environment   aerial-routes
 *   /{accountId}/api/v1/...        instead, with `--environment`: that one environment at the root (Okta's shape)
 *   /orgs/{subdomain}/oauth2/v1/token                              the org's authorization server  token-routes
 *   /orgs/{subdomain}/api/v1/principal-rate-limits[/{id}]          Principal Rate Limits API       prl-routes
 *   /orgs/{subdomain}/api/v1/org/privacy/aerial[/grant|/revoke]    consent API                     consent-routes
 *   /orgs/{subdomain}/api/v1/api-tokens[/{apiTokenId}]             API Tokens API (reads)          api-token-routes
 *   /__admin/{stats|log|reset|faults|credentials|state}            admin endpoints                 admin-routes
 */
import type { AerialEnvironment } from '../okta-api';
import { ADMIN_ROUTES } from './admin-routes';
import { AERIAL_ROUTES } from './aerial-routes';
import { CONSENT_ROUTES } from './consent-routes';
import type { EmulatorCore } from './core';
import { PRL_ROUTES } from './prl-routes';
import type { RequestContext } from './request';
import type { HandlerResult } from './response';
import { decodeParams, matchTable, type TableMatch } from './router';
import type { OrgState } from './state';
import { TOKEN_ROUTES } from './token-routes';
import { API_TOKEN_ROUTES } from './api-token-routes';

/** A handler of the Aerial API; the account and environment are on the context. */
export type AerialHandler = (core: EmulatorCore, ctx: RequestContext) => Promise<HandlerResult>;
/** A handler of an org's APIs, given the org the URL names. */
export type OrgHandler = (core: EmulatorCore, ctx: RequestContext, org: OrgState) => Promise<HandlerResult>;
/** An admin endpoint (no auth, no faults, not counted). */
export type AdminHandler = (core: EmulatorCore, ctx: RequestContext) => HandlerResult;

/** Path prefix of the admin endpoints. */
const ADMIN_PREFIX = '/__admin';

/** Whether a path is an admin endpoint's (those bypass auth, faults and stats). */
export function isAdminPath(path: string): boolean {
  return path.startsWith(`${ADMIN_PREFIX}/`);
}

const ORG_ROUTES = [...TOKEN_ROUTES, ...PRL_ROUTES, ...CONSENT_ROUTES, ...API_TOKEN_ROUTES];

/** What a request path names. */
export type Matched =
  | ({ kind: 'aerial'; env: AerialEnvironment; accountId: string } & TableMatch<AerialHandler>)
  | ({ kind: 'org'; subdomain: string } & TableMatch<OrgHandler>)
  | { kind: 'none'; route: string };

/**
 * Matches an API request (not an admin one). With `rootEnvironment`, only that environment's Aerial API is
 * served, at `/{accountId}/api/v1/...` as on aerial-apac.okta.com; otherwise each under `/aerial/{env}`.
 */
export function matchRequest(method: string, path: string, rootEnvironment?: AerialEnvironment): Matched {
  const aerial = (env: AerialEnvironment, rawAccount: string, rest: string): Matched | undefined => {
    const account = decodeParams(['accountId'], [rawAccount]);
    const hit = account && matchTable(AERIAL_ROUTES, method, rest);
    return hit ? { kind: 'aerial', env, accountId: account.accountId, ...hit } : undefined;
  };
  let m: RegExpExecArray | null;
  if (rootEnvironment === undefined) {
    m = /^\/aerial\/(production|sandbox)\/([^/]+)\/api\/v1(\/.*)$/.exec(path);
    const hit = m && aerial(m[1] as AerialEnvironment, m[2], m[3]);
    if (hit) return hit;
  } else if (!path.startsWith('/orgs/')) {
    m = /^\/([^/]+)\/api\/v1(\/.*)$/.exec(path);
    const hit = m && aerial(rootEnvironment, m[1], m[2]);
    if (hit) return hit;
  }
  m = /^\/orgs\/([^/]+)(\/.*)$/.exec(path);
  const org = m && decodeParams(['subdomain'], [m[1]]);
  if (m && org) {
    const hit = matchTable(ORG_ROUTES, method, m[2]);
    if (hit) return { kind: 'org', subdomain: org.subdomain.toLowerCase(), ...hit };
  }
  return { kind: 'none', route: 'unknown' };
}

/** Matches an admin request (see {@link isAdminPath}). */
export function matchAdmin(method: string, path: string): TableMatch<AdminHandler> | undefined {
  return matchTable(ADMIN_ROUTES, method, path.slice(ADMIN_PREFIX.length));
}
