/**
 * PrincipalRateLimit: adopt the org's existing entity for the principal or create one, then make its
 * percentages the desired ones. There is no DELETE in the API: DESTROY resets to Okta's default 50 / 50.
 */
import {
  DEFAULT_PRINCIPAL_PERCENTAGE,
  type PrincipalRateLimitEntity,
  type PrincipalRateLimitIdentitySpec,
  type PrincipalRateLimitSpec,
} from '../contract';

import { OktaApiError } from '../client/errors';
import { canonicalOrgUrl } from '../common';
import type { HandlerContext } from './context';
import type { LiveReader } from './live-reader';

/** The fields both the config spec and the identity spec carry. */
type PrincipalRateLimitKey = PrincipalRateLimitSpec | PrincipalRateLimitIdentitySpec;

/** What a PrincipalRateLimit declares and what is read back: its two percentages. */
export interface PrincipalRateLimitState {
  readonly defaultPercentage: number | undefined;
  readonly defaultConcurrencyPercentage: number | undefined;
}

/** The live state in the shape of the desired state, or undefined when the principal has no entity. */
export async function readPrincipalRateLimit(
  spec: PrincipalRateLimitSpec,
  live: LiveReader,
): Promise<PrincipalRateLimitState | undefined> {
  const e = await live.rateLimit(spec.org, spec.principalId, spec.principalType);
  return (
    e && {
      defaultPercentage: e.defaultPercentage,
      defaultConcurrencyPercentage: e.defaultConcurrencyPercentage,
    }
  );
}

function describe(spec: PrincipalRateLimitKey): string {
  return `rate limit of ${spec.principalType} ${spec.principalId} in ${spec.org.orgUrl}`;
}

function percentages(e: PrincipalRateLimitEntity): string {
  return `${e.defaultPercentage ?? '?'}%/${e.defaultConcurrencyPercentage ?? '?'}%`;
}

async function upsert(
  spec: PrincipalRateLimitKey,
  ctx: HandlerContext,
  defaultPercentage: number,
  defaultConcurrencyPercentage: number,
  createIfMissing: boolean,
): Promise<void> {
  const client = ctx.principalRateLimits(spec.org);
  if (createIfMissing)
    ctx.claim?.(
      `rate-limit ${canonicalOrgUrl(spec.org.orgUrl)} ${spec.principalType} ${spec.principalId}`,
      describe(spec),
    );
  const existing = await client.findByPrincipal(spec.principalId, spec.principalType);
  const desired: PrincipalRateLimitEntity = {
    principalId: spec.principalId,
    principalType: spec.principalType,
    defaultPercentage,
    defaultConcurrencyPercentage,
  };
  if (!existing) {
    if (!createIfMissing) {
      ctx.log(`${describe(spec)} does not exist; nothing to reset`);
      return;
    }
    let created: PrincipalRateLimitEntity;
    try {
      created = await client.create(desired);
    } catch (err) {
      // Another deploy (another pipeline on the same org) may have created it since the read: adopt it.
      const meanwhile = isRefusal(err)
        ? await client.findByPrincipal(spec.principalId, spec.principalType)
        : undefined;
      if (!meanwhile) throw err;
      ctx.log(`${describe(spec)} was created meanwhile by another deploy as ${meanwhile.id}; adopting it`);
      return setPercentages(spec, ctx, meanwhile, desired);
    }
    ctx.log(`${describe(spec)} created as ${created.id} (${percentages(created)})`);
    return;
  }
  return setPercentages(spec, ctx, existing, desired);
}

/** Makes an existing entity's percentages the desired ones (no call when they already are). */
async function setPercentages(
  spec: PrincipalRateLimitKey,
  ctx: HandlerContext,
  existing: PrincipalRateLimitEntity,
  desired: PrincipalRateLimitEntity,
): Promise<void> {
  const { defaultPercentage, defaultConcurrencyPercentage } = desired;
  const client = ctx.principalRateLimits(spec.org);
  if (
    existing.defaultPercentage === defaultPercentage &&
    existing.defaultConcurrencyPercentage === defaultConcurrencyPercentage
  ) {
    ctx.log(`${describe(spec)} already ${percentages(existing)}; nothing to change`);
    return;
  }
  const replaced = await client.replace(existing.id as string, desired);
  ctx.log(`${describe(spec)} ${percentages(existing)} -> ${percentages(replaced)}`);
}

/** Idempotent upsert keyed on (org, principal). */
export function applyPrincipalRateLimit(spec: PrincipalRateLimitSpec, ctx: HandlerContext): Promise<void> {
  return upsert(spec, ctx, spec.defaultPercentage, spec.defaultConcurrencyPercentage, true);
}

/** RETAIN makes no call; DESTROY resets the entity to 50 / 50 (entities cannot be deleted). */
export async function destroyPrincipalRateLimit(
  spec: PrincipalRateLimitKey,
  ctx: HandlerContext,
): Promise<void> {
  if (spec.removalPolicy !== 'DESTROY') {
    ctx.log(`${describe(spec)} retained (removalPolicy RETAIN); no API call`);
    return;
  }
  await upsert(spec, ctx, DEFAULT_PRINCIPAL_PERCENTAGE, DEFAULT_PRINCIPAL_PERCENTAGE, false);
}

/** Okta refused the create (400: an entity for the principal exists, or 409). */
function isRefusal(err: unknown): boolean {
  return err instanceof OktaApiError && (err.status === 400 || err.status === 409);
}
