/**
 * The Principal Rate Limits API's routes (okta-api.md 2) under `/orgs/{subdomain}/api/v1/...`. Auth: an SSWS
 * API token of the org, or an OAuth token from the org's own token endpoint. The rules are in prl-model.ts;
 * there is no DELETE, so one is answered 405.
 */
import { SCOPES, type PrincipalRateLimitEntity } from '../okta-api';
import { actorOf, orgGuard } from './auth';
import { err } from './errors';
import { listPage } from './pagination';
import { createRateLimit, findRateLimit, rateLimitsOf, replaceRateLimit } from './prl-model';
import { jsonObject } from './request';
import { ok } from './response';
import { route } from './router';
import type { FilterAttribute } from './scim-filter';
import type { RateLimitState } from './state';
import type { OrgHandler } from './urls';

const READ = SCOPES.principalRateLimitsRead;
const MANAGE = SCOPES.principalRateLimitsManage;

const entityJson = (e: RateLimitState): PrincipalRateLimitEntity => ({ ...e });

const PRL_FILTER: Record<string, FilterAttribute<RateLimitState>> = {
  principalType: { type: 'string', get: (e) => e.principalType, caseExact: true },
  principalId: { type: 'string', get: (e) => e.principalId, caseExact: true },
  id: { type: 'string', get: (e) => e.id, caseExact: true },
};

/** `filter` required, limit 1..50 (default 20), `after` cursors, Link headers. */
const list: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, READ, MANAGE);
  const filter = ctx.url.searchParams.get('filter');
  // Inference: okta-api.md leaves E0000028 vs E0000001 open; a missing parameter is E0000028.
  if (filter === null || filter.trim() === '') throw err.missingParam('filter');
  // Inference: a limit above 50 is refused (400 E0000001) rather than clamped.
  const page = listPage(ctx.url, rateLimitsOf(org), (e) => e.id, {
    defaultLimit: 20,
    maxLimit: 50,
    filter: PRL_FILTER,
    before: false,
  });
  return { status: 200, headers: { Link: page.link }, body: page.items.map(entityJson) };
};

/** 201 with the entity. */
const create: OrgHandler = async (core, ctx, org) => {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  const entity = createRateLimit(core.model, org, jsonObject(ctx), actorOf(caller));
  return { status: 201, body: entityJson(entity) };
};

const get: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, READ, MANAGE);
  return ok(entityJson(findRateLimit(org, ctx.params.id)));
};

const replace: OrgHandler = async (core, ctx, org) => {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  const entity = findRateLimit(org, ctx.params.id);
  replaceRateLimit(core.model, entity, jsonObject(ctx), actorOf(caller));
  return ok(entityJson(entity));
};

/** Paths under `/orgs/{subdomain}`. */
export const PRL_ROUTES = [
  route('/api/v1/principal-rate-limits', { GET: ['prl.list', list], POST: ['prl.create', create] }),
  route('/api/v1/principal-rate-limits/{id}', { GET: ['prl.get', get], PUT: ['prl.replace', replace] }),
];
