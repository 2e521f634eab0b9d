/** Aerial consent API of each emulated org (okta-api.md 1.7) under `/orgs/{subdomain}/api/v1/org/privacy/aerial`. */
import type { EmulatorCore, HandlerResult, RequestContext } from './core';
import { jsonObject } from './body';
import { err, OktaError } from './errors';
import { orgGuard } from './prl-routes';
import type { OrgState } from './state';

const READ = ['okta.orgs.read', 'okta.orgs.manage'];
const MANAGE = ['okta.orgs.manage'];
const ACCOUNT_ID = /^[a-z0-9]{27}$/;

function consentJson(core: EmulatorCore, org: OrgState) {
  const base = `${core.orgBase(org)}/api/v1/org/privacy/aerial`;
  return {
    ...org.consent!,
    _links: {
      self: { href: base, hints: { allow: ['GET'] } },
      revoke: { href: `${base}/revoke`, hints: { allow: ['POST'] } },
    },
  };
}

/** GET /api/v1/org/privacy/aerial */
export async function getConsent(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  await orgGuard(core, ctx, org, READ, MANAGE);
  if (!org.consent) throw err.notFound('grant (String)');
  return { status: 200, body: consentJson(core, org) };
}

/** POST /api/v1/org/privacy/aerial/grant {accountId} */
export async function grantConsent(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  const body = jsonObject(ctx);
  if (typeof body.accountId !== 'string' || !ACCOUNT_ID.test(body.accountId))
    throw new OktaError(400, 'E0000001', 'API validation failed: account', ['Invalid aerial account ID.']);
  if (org.consent)
    throw new OktaError(400, 'E0000001', 'API validation failed: account', [
      'The org already has a consent grant added to Aerial.',
    ]);
  org.consent = {
    accountId: body.accountId,
    grantedBy: caller.kind === 'ssws' ? caller.userId : caller.token.clientId,
    grantedDate: core.nowIso(),
  };
  core.changed();
  return { status: 200, body: consentJson(core, org) };
}

/** POST /api/v1/org/privacy/aerial/revoke {accountId} */
export async function revokeConsent(
  core: EmulatorCore,
  ctx: RequestContext,
  org: OrgState,
): Promise<HandlerResult> {
  await orgGuard(core, ctx, org, READ, MANAGE);
  const body = jsonObject(ctx);
  if (typeof body.accountId !== 'string' || !ACCOUNT_ID.test(body.accountId))
    throw new OktaError(400, 'E0000001', 'API validation failed: account', ['Invalid aerial account ID.']);
  if (org.linkedAccountId)
    throw new OktaError(400, 'E0000001', 'API validation failed: account', [
      'The org is already linked to an Account.',
    ]);
  if (org.consent?.accountId === body.accountId) {
    org.consent = undefined;
    core.changed();
  }
  const base = `${core.orgBase(org)}/api/v1/org/privacy/aerial`;
  return { status: 200, body: { _links: { grant: { href: `${base}/grant`, hints: { allow: ['POST'] } } } } };
}
