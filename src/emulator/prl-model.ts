/**
 * The rules of the Principal Rate Limits API (okta-api.md 2.4): one entity per principal, the principal
 * must exist with that type, percentages are integers 0..100 (50 when omitted), and a replacement cannot
 * move an entity to another principal. No DELETE exists.
 */
import { PRINCIPAL_TYPES, type PrincipalType } from '../okta-api';
import { err, OktaError } from './errors';
import { randomId } from './ids';
import { byId, type EmulatorModel } from './model';
import type { OrgState, RateLimitState } from './state';

/** The writable fields of an entity. */
type RateLimitInput = Pick<
  RateLimitState,
  'principalId' | 'principalType' | 'defaultPercentage' | 'defaultConcurrencyPercentage'
>;

/** The org's entities sorted by id (the cursor key). */
export function rateLimitsOf(org: OrgState): RateLimitState[] {
  return [...org.rateLimits].sort(byId);
}

/** An entity of the org, or 404. */
export function findRateLimit(org: OrgState, id: string): RateLimitState {
  const e = org.rateLimits.find((x) => x.id === id);
  if (!e) throw err.notFound(`${id} (PrincipalRateLimitEntity)`);
  return e;
}

/** Creates an entity for a principal of the org; `actor` is recorded as createdBy and lastUpdatedBy. */
export function createRateLimit(
  model: EmulatorModel,
  org: OrgState,
  body: Record<string, unknown>,
  actor: string,
): RateLimitState {
  const want = rateLimitInput(body);
  const principal = org.principals.find((p) => p.id === want.principalId);
  if (!principal) throw err.notFound(`${want.principalId} (Principal)`);
  if (principal.type !== want.principalType)
    throw err.validation('principalType', `principalType: principal ${principal.id} is a ${principal.type}`);
  if (org.rateLimits.some((e) => e.principalId === want.principalId))
    throw new OktaError(400, 'E0000001', 'Api validation failed: principalRateLimitMediated', [
      `principalRateLimitMediated: a principal rate limit entity already exists for principal ${want.principalId}`,
    ]);
  const now = model.nowIso();
  const entity: RateLimitState = {
    id: randomId('prl'),
    orgId: org.id,
    ...want,
    createdBy: actor,
    createdDate: now,
    lastUpdate: now,
    lastUpdatedBy: actor,
  };
  org.rateLimits.push(entity);
  model.changed();
  return entity;
}

/**
 * Replaces the percentages (omitted → 50, a full replacement).
 * Inference: a principalId/principalType different from the stored one is 400 E0000001.
 */
export function replaceRateLimit(
  model: EmulatorModel,
  entity: RateLimitState,
  body: Record<string, unknown>,
  actor: string,
): void {
  const want = rateLimitInput(body);
  if (want.principalId !== entity.principalId)
    throw err.validation('principalId', `principalId: must stay ${entity.principalId}`);
  if (want.principalType !== entity.principalType)
    throw err.validation('principalType', `principalType: must stay ${entity.principalType}`);
  entity.defaultPercentage = want.defaultPercentage;
  entity.defaultConcurrencyPercentage = want.defaultConcurrencyPercentage;
  entity.lastUpdate = model.nowIso();
  entity.lastUpdatedBy = actor;
  model.changed();
}

/** Checks the writable fields of a create/replace body. Read-only fields sent in the body are ignored. */
function rateLimitInput(body: Record<string, unknown>): RateLimitInput {
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
