/**
 * Principal Rate Limits API of each emulated org (okta-api.md 2) under `/orgs/{subdomain}/api/v1/...`.
 * Auth: SSWS API token of the org, or an OAuth token from the org's own token endpoint.
 */
import { PRINCIPAL_TYPES, SCOPES, type PrincipalRateLimitEntity, type PrincipalType } from '../okta-api';
import { authenticate, requireScope, type Caller } from './auth';
import { jsonObject } from './body';
import type { EmulatorCore, HandlerResult, RequestContext } from './core';
import { err, OktaError } from './errors';
import { decodeCursor, linkHeaders, paginate, parseLimit } from './pagination';
import { compileFilter, FilterError, type FilterAttribute } from './scim-filter';
import { randomId } from './seed';
import type { OrgState, RateLimitState } from './state';

const READ = [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage];
const MANAGE = [SCOPES.principalRateLimitsManage];

/** Authenticates for this org; OAuth tokens must come from this org's authorization server. */
export async function orgGuard(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
  read: string[],
  manage: string[],
): Promise<Caller> {
  const caller = await authenticate(core, ctx, org, true, org);
  if (caller.kind === 'oauth' && caller.token.orgId !== org.id) {
    // A token of another org's authorization server is not valid here at all.
    throw err.invalidToken();
  }
  const write = ctx.method !== 'GET' && ctx.method !== 'HEAD';
  requireScope(core, ctx, caller, write ? manage : read, org);
  return caller;
}

/** Who is recorded as createdBy / lastUpdatedBy. */
function actor(caller: Caller): string {
  return caller.kind === 'ssws' ? caller.userId : caller.token.clientId;
}

function entityJson(e: RateLimitState): PrincipalRateLimitEntity {
  return { ...e };
}

const PRL_FILTER: Record<string, FilterAttribute<RateLimitState>> = {
  principalType: { type: 'string', get: (e) => e.principalType, caseExact: true },
  principalId: { type: 'string', get: (e) => e.principalId, caseExact: true },
  id: { type: 'string', get: (e) => e.id, caseExact: true },
};

/** GET /api/v1/principal-rate-limits: `filter` required, limit 1..50 (default 20), Link pagination. */
export async function listPrl(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  await orgGuard(core, ctx, org, READ, MANAGE);
  const q = ctx.url.searchParams;
  const filter = q.get('filter');
  // Inference: okta-api.md leaves E0000028 vs E0000001 open; a missing parameter is E0000028.
  if (filter === null || filter.trim() === '') throw err.missingParam('filter');
  // Inference: a limit above 50 is refused (400 E0000001) rather than clamped.
  const limit = parseLimit(q.get('limit'), 20, 50);
  let match;
  try {
    match = compileFilter(filter, PRL_FILTER);
  } catch (e) {
    if (e instanceof FilterError) throw err.validation('filter', `filter: ${e.message}`);
    throw e;
  }
  const sorted = org.rateLimits.filter(match).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = q.get('after');
  const page = paginate(sorted, (e) => e.id, {
    limit,
    after: after !== null ? decodeCursor(after, 'after') : undefined,
  });
  return {
    status: 200,
    headers: { Link: linkHeaders(ctx.url, page, (e) => e.id, false) },
    body: page.items.map(entityJson),
  };
}

/** Validates the writable fields of a create/replace body. */
function readEntityBody(ctx: RequestContext): {
  principalId: string;
  principalType: PrincipalType;
  defaultPercentage: number;
  defaultConcurrencyPercentage: number;
} {
  const body = jsonObject(ctx);
  if (typeof body.principalId !== 'string' || !body.principalId)
    throw err.validation('principalId', 'principalId: is required');
  if (!PRINCIPAL_TYPES.includes(body.principalType as PrincipalType))
    throw err.validation('principalType', 'principalType: must be SSWS_TOKEN or OAUTH_CLIENT');
  const pct = (name: 'defaultPercentage' | 'defaultConcurrencyPercentage'): number => {
    const v = body[name];
    // Inference: omitted means Okta's default 50; the range is 0..100 integers.
    if (v === undefined || v === null) return 50;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100)
      throw err.validation(name, `${name}: must be an integer between 0 and 100`);
    return v;
  };
  return {
    principalId: body.principalId,
    principalType: body.principalType as PrincipalType,
    defaultPercentage: pct('defaultPercentage'),
    defaultConcurrencyPercentage: pct('defaultConcurrencyPercentage'),
  };
}

/** POST /api/v1/principal-rate-limits: 201; one entity per principal. */
export async function createPrl(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  const want = readEntityBody(ctx);
  const principal = org.principals.find((p) => p.id === want.principalId);
  if (!principal) throw err.notFound(`${want.principalId} (Principal)`);
  if (principal.type !== want.principalType)
    throw err.validation('principalType', `principalType: principal ${principal.id} is a ${principal.type}`);
  if (org.rateLimits.some((e) => e.principalId === want.principalId))
    throw new OktaError(400, 'E0000001', 'Api validation failed: principalRateLimitMediated', [
      `principalRateLimitMediated: a principal rate limit entity already exists for principal ${want.principalId}`,
    ]);
  const now = core.nowIso();
  const who = actor(caller);
  const entity: RateLimitState = {
    id: randomId('prl'),
    orgId: org.id,
    ...want,
    createdBy: who,
    createdDate: now,
    lastUpdate: now,
    lastUpdatedBy: who,
  };
  org.rateLimits.push(entity);
  core.changed();
  return { status: 201, body: entityJson(entity) };
}

function findEntity(org: OrgState, id: string): RateLimitState {
  const e = org.rateLimits.find((x) => x.id === id);
  if (!e) throw err.notFound(`${id} (PrincipalRateLimitEntity)`);
  return e;
}

/** GET /api/v1/principal-rate-limits/{id} */
export async function getPrl(core: EmulatorCore, ctx: RequestContext, org: OrgState): Promise<HandlerResult> {
  await orgGuard(core, ctx, org, READ, MANAGE);
  return { status: 200, body: entityJson(findEntity(org, ctx.params.id)) };
}

/**
 * PUT /api/v1/principal-rate-limits/{id}: replaces the percentages (omitted → 50, a full replacement).
 * Inference: a principalId/principalType different from the stored one is 400 E0000001.
 */
export async function replacePrl(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  const entity = findEntity(org, ctx.params.id);
  const want = readEntityBody(ctx);
  if (want.principalId !== entity.principalId)
    throw err.validation('principalId', `principalId: must stay ${entity.principalId}`);
  if (want.principalType !== entity.principalType)
    throw err.validation('principalType', `principalType: must stay ${entity.principalType}`);
  entity.defaultPercentage = want.defaultPercentage;
  entity.defaultConcurrencyPercentage = want.defaultConcurrencyPercentage;
  entity.lastUpdate = core.nowIso();
  entity.lastUpdatedBy = actor(caller);
  core.changed();
  return { status: 200, body: entityJson(entity) };
}
