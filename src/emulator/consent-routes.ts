/**
 * The Aerial consent API's routes (okta-api.md 1.7) under `/orgs/{subdomain}/api/v1/org/privacy/aerial`.
 * The rules are in consent-model.ts.
 */
import { SCOPES } from '../okta-api';
import { actorOf, orgGuard } from './auth';
import { effectiveConsent, grantConsent, revokeConsent } from './consent-model';
import type { EmulatorCore } from './core';
import { err } from './errors';
import { jsonObject } from './request';
import { ok } from './response';
import { route } from './router';
import type { OrgState } from './state';
import type { OrgHandler } from './urls';

const READ = SCOPES.orgsRead;
const MANAGE = SCOPES.orgsManage;
const PATH = '/api/v1/org/privacy/aerial';

const link = (core: EmulatorCore, org: OrgState, rest: string, allow: string) => ({
  href: `${core.orgBase(org)}${PATH}${rest}`,
  hints: { allow: [allow] },
});

/** The org's consent as the API shows it: its own grant or the one it inherits from its parent. */
function consentJson(core: EmulatorCore, org: OrgState) {
  return {
    ...effectiveConsent(core.model, org)!.consent,
    _links: { self: link(core, org, '', 'GET'), revoke: link(core, org, '/revoke', 'POST') },
  };
}

const get: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, READ, MANAGE);
  if (!effectiveConsent(core.model, org)) throw err.notFound('grant (String)');
  return ok(consentJson(core, org));
};

/** Body `{accountId}`; 200 with the consent. */
const grant: OrgHandler = async (core, ctx, org) => {
  const caller = await orgGuard(core, ctx, org, READ, MANAGE);
  grantConsent(core.model, org, jsonObject(ctx).accountId, actorOf(caller));
  return ok(consentJson(core, org));
};

/** Body `{accountId}`; 200 with the link to grant again. */
const revoke: OrgHandler = async (core, ctx, org) => {
  await orgGuard(core, ctx, org, READ, MANAGE);
  revokeConsent(core.model, org, jsonObject(ctx).accountId);
  return ok({ _links: { grant: link(core, org, '/grant', 'POST') } });
};

/** Paths under `/orgs/{subdomain}`. */
export const CONSENT_ROUTES = [
  route(PATH, { GET: ['consent.get', get] }),
  route(`${PATH}/grant`, { POST: ['consent.grant', grant] }),
  route(`${PATH}/revoke`, { POST: ['consent.revoke', revoke] }),
];
