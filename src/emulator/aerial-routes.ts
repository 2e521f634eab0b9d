/**
 * The Aerial API's routes (okta-api.md 1.6) under `/aerial/{environment}/{accountId}/api/v1/...`: each
 * handler authenticates, hands the request to the rules in aerial-model.ts, and renders the result.
 */
import type { Org } from '../okta-api';
import {
  associatedOrgs,
  linkedOrg,
  linkedOrgs,
  linkOrg,
  renameAccount,
  requestDeletion,
  setEnabledProducts,
  setOrgStatus,
} from './aerial-model';
import { accountGuard } from './auth';
import type { EmulatorCore } from './core';
import { listPage } from './pagination';
import { jsonBody, jsonObject, type RequestContext } from './request';
import { ok, type HandlerResult } from './response';
import { route } from './router';
import type { FilterAttribute } from './scim-filter';
import { productsOf, type AccountState, type OrgState } from './state';
import type { AerialHandler } from './urls';

/** Renders an org the way the Aerial API returns it. */
export function orgJson(core: EmulatorCore, account: AccountState, org: OrgState): Org {
  const self = `${core.aerialBase(account.environment) ?? core.url}/${account.id}/api/v1/orgs/${org.id}`;
  return {
    id: org.id,
    accountId: account.id,
    name: org.name,
    cell: org.cell,
    domain: org.domain,
    status: org.status,
    aerialOrg: org.aerialOrg,
    createdDate: org.createdDate,
    // Inference (UNCONFIRMED marker): an org whose deletion is pending says so until it disappears.
    ...(org.deletionRequestedAt !== undefined && { deletionRequested: true }),
    // Inference: link names are not documented; `self` plus the two sub-resources.
    _links: {
      self: { href: self, hints: { allow: ['GET'] } },
      status: { href: `${self}/status`, hints: { allow: ['PUT'] } },
      products: { href: `${self}/products`, hints: { allow: ['GET', 'PUT'] } },
    },
  };
}

const ORG_FILTER: Record<string, FilterAttribute<OrgState>> = {
  subdomain: { type: 'string', get: (o) => o.subdomain },
  aerialOrg: { type: 'boolean', get: (o) => o.aerialOrg },
  adminOrg: { type: 'boolean', get: (o) => o.aerialOrg },
  status: { type: 'string', get: (o) => o.status },
  id: { type: 'string', get: (o) => o.id, caseExact: true },
  domain: { type: 'string', get: (o) => o.domain },
  name: { type: 'string', get: (o) => o.name },
  cell: { type: 'string', get: (o) => o.cell },
};

const accountJson = (a: AccountState) => ({ id: a.id, name: a.name });

/** A list of orgs: limit 1..100 (default 25), SCIM filter, after/before cursors and Link headers. */
function orgPage(
  core: EmulatorCore,
  ctx: RequestContext,
  account: AccountState,
  orgs: OrgState[],
): HandlerResult {
  const page = listPage(ctx.url, orgs, (o) => o.id, {
    defaultLimit: 25,
    maxLimit: 100,
    filter: ORG_FILTER,
    before: true,
  });
  return {
    status: 200,
    headers: { Link: page.link },
    body: page.items.map((o) => orgJson(core, account, o)),
  };
}

/** A1 */
const getAccount: AerialHandler = async (core, ctx) => ok(accountJson(await accountGuard(core, ctx, false)));

/** A2 */
const replaceAccount: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, true);
  renameAccount(core.model, account, jsonObject(ctx).name);
  return ok(accountJson(account));
};

/** A3 */
const listSubscribedProducts: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, false);
  return ok(account.subscribedProducts.map((p) => ({ id: p.id, name: p.name })));
};

/** O1 */
const listOrgs: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, false);
  return orgPage(core, ctx, account, linkedOrgs(core.model, account));
};

/** O7 (optional). Inference: the path is UNCONFIRMED; same paging and filter as O1. */
const listAssociatedOrgs: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, false);
  return orgPage(core, ctx, account, associatedOrgs(core.model, account));
};

/** O2. Inference: 200 with the Org (okta-api.md leaves 200 vs 201 open). */
const linkOrgRoute: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, true);
  return ok(orgJson(core, account, linkOrg(core.model, account, jsonObject(ctx))));
};

/** O3 */
const getOrg: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, false);
  return ok(orgJson(core, account, linkedOrg(core.model, account, ctx.params.orgId)));
};

/** O4 */
const setStatus: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, true);
  const org = linkedOrg(core.model, account, ctx.params.orgId);
  setOrgStatus(core.model, org, jsonObject(ctx).status);
  return ok(orgJson(core, account, org));
};

/** O5 */
const getProducts: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, false);
  return ok(productsOf(linkedOrg(core.model, account, ctx.params.orgId).enabledProducts, account));
};

/** O6: "the request and response are the same" (the products now enabled). */
const setProducts: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, true);
  const org = linkedOrg(core.model, account, ctx.params.orgId);
  const ids = setEnabledProducts(core.model, account, org, jsonBody(ctx), core.opts.strict);
  return ok(productsOf(ids, account));
};

/** O8: 200 `{}`. */
const deletionRequest: AerialHandler = async (core, ctx) => {
  const account = await accountGuard(core, ctx, true);
  requestDeletion(
    core.model,
    account,
    linkedOrg(core.model, account, ctx.params.orgId),
    core.opts.deletionDelayMs,
  );
  return ok({});
};

/** Paths under `/aerial/{environment}/{accountId}/api/v1`. */
export const AERIAL_ROUTES = [
  route('/accounts', {
    GET: ['aerial.getAccount', getAccount],
    PUT: ['aerial.replaceAccount', replaceAccount],
  }),
  route('/products', { GET: ['aerial.listSubscribedProducts', listSubscribedProducts] }),
  route('/orgs', { GET: ['aerial.listOrgs', listOrgs], POST: ['aerial.linkOrg', linkOrgRoute] }),
  route('/orgs/{orgId}', { GET: ['aerial.getOrg', getOrg] }),
  route('/orgs/{orgId}/status', { PUT: ['aerial.setStatus', setStatus] }),
  route('/orgs/{orgId}/products', {
    GET: ['aerial.getProducts', getProducts],
    PUT: ['aerial.setProducts', setProducts],
  }),
  route('/orgs/{orgId}/deletionRequest', { POST: ['aerial.deletionRequest', deletionRequest] }),
  route('/associatedOrgs', { GET: ['aerial.listAssociatedOrgs', listAssociatedOrgs] }),
];
