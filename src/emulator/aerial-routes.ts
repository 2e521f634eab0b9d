/**
 * The Aerial API (okta-api.md 1.6) under `/aerial/{environment}/{accountId}/api/v1/...`.
 * UNCONFIRMED behaviour follows okta-api.md's inferences; each such choice is marked "Inference".
 */
import { ORG_STATUSES, SCOPES, type Org, type OrgStatus } from '../okta-api';
import { authenticate, requireScope } from './auth';
import { jsonBody, jsonObject } from './body';
import type { EmulatorCore, HandlerResult, RequestContext } from './core';
import { err, OktaError } from './errors';
import { compileFilter, FilterError, type FilterAttribute } from './scim-filter';
import { decodeCursor, linkHeaders, paginate, parseLimit } from './pagination';
import { productsOf, type AccountState, type OrgState } from './state';

const READ = [SCOPES.accountsRead, SCOPES.accountsManage];
const MANAGE = [SCOPES.accountsManage];

/** Authenticates and authorises an Aerial call; returns the account. */
async function guard(core: EmulatorCore, ctx: RequestContext, write: boolean): Promise<AccountState> {
  const known = core.account(ctx.accountId!);
  const realm = known ? core.aerialOrgOf(known) : undefined;
  const caller = await authenticate(core, ctx, realm, false);
  // An account lives in exactly one environment: the other environment does not know it.
  const account = known && known.environment === ctx.env ? known : undefined;
  if (!account) throw err.notFound(`${ctx.accountId} (Account)`);
  if (caller.kind !== 'oauth' || caller.token.accountId !== account.id)
    throw err.forbidden({}, 'The access token was not issued for this Aerial account.');
  requireScope(core, ctx, caller, write ? MANAGE : READ, realm);
  return account;
}

/** Renders an org the way the Aerial API returns it. */
export function orgJson(core: EmulatorCore, account: AccountState, org: OrgState): Org {
  const self = `${core.aerialBase(account.environment)}/${account.id}/api/v1/orgs/${org.id}`;
  return {
    id: org.id,
    accountId: account.id,
    name: org.name,
    cell: org.cell,
    domain: org.domain,
    status: org.status,
    aerialOrg: org.aerialOrg,
    createdDate: org.createdDate,
    // Inference: link names are not documented; `self` plus the two sub-resources.
    _links: {
      self: { href: self, hints: { allow: ['GET'] } },
      status: { href: `${self}/status`, hints: { allow: ['PUT'] } },
      products: { href: `${self}/products`, hints: { allow: ['GET', 'PUT'] } },
    },
  };
}

/** Orgs linked to the account, sorted by id (the cursor key). */
function linkedOrgs(core: EmulatorCore, account: AccountState): OrgState[] {
  return core.state.orgs
    .filter((o) => !o.deleted && o.linkedAccountId === account.id)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function linkedOrg(core: EmulatorCore, account: AccountState, orgId: string): OrgState {
  const org = core.orgById(orgId);
  if (!org || org.linkedAccountId !== account.id) throw err.notFound(`${orgId} (Org)`);
  return org;
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

/** A1 GET /accounts */
export async function getAccount(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  return { status: 200, body: { id: account.id, name: account.name } };
}

/** A2 PUT /accounts: only `name` is mutable. */
export async function replaceAccount(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, true);
  const body = jsonObject(ctx);
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 255)
    throw err.validation('name', 'name: must be a non-empty string of at most 255 characters');
  account.name = body.name;
  core.changed();
  return { status: 200, body: { id: account.id, name: account.name } };
}

/** A3 GET /products */
export async function listSubscribedProducts(
  core: EmulatorCore,
  ctx: RequestContext,
): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  return { status: 200, body: account.subscribedProducts.map((p) => ({ id: p.id, name: p.name })) };
}

/** O1 GET /orgs: Link pagination and a SCIM filter. */
export async function listOrgs(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  return listPage(core, ctx, account, linkedOrgs(core, account));
}

/**
 * O7 (optional) GET /associatedOrgs: orgs on the account's contract, linked or not.
 * Inference: the path is UNCONFIRMED; same paging and filter as O1; unlinked orgs show their own status.
 */
export async function listAssociatedOrgs(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  const orgs = core.state.orgs
    .filter((o) => !o.deleted && (o.contractAccountId === account.id || o.linkedAccountId === account.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return listPage(core, ctx, account, orgs);
}

function listPage(
  core: EmulatorCore,
  ctx: RequestContext,
  account: AccountState,
  all: OrgState[],
): HandlerResult {
  const q = ctx.url.searchParams;
  const limit = parseLimit(q.get('limit'), 25, 100);
  const after = q.get('after');
  const before = q.get('before');
  let orgs = all;
  const filter = q.get('filter');
  if (filter !== null) {
    try {
      orgs = orgs.filter(compileFilter(filter, ORG_FILTER));
    } catch (e) {
      if (e instanceof FilterError) throw err.validation('filter', `filter: ${e.message}`);
      throw e;
    }
  }
  const page = paginate(orgs, (o) => o.id, {
    limit,
    after: after !== null ? decodeCursor(after, 'after') : undefined,
    before: before !== null && after === null ? decodeCursor(before, 'before') : undefined,
  });
  return {
    status: 200,
    headers: { Link: linkHeaders(ctx.url, page, (o) => o.id, true) },
    body: page.items.map((o) => orgJson(core, account, o)),
  };
}

/**
 * O2 POST /orgs: link by `orgId` or by `domain` + `cell`.
 * Inference: 200 with the Org; refusals are 400 E0000001 with a cause (not on the contract, no consent,
 * already linked here or elsewhere, cell mismatch).
 */
export async function linkOrg(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, true);
  const body = jsonObject(ctx);
  const cell = body.cell;
  if (cell !== undefined && (typeof cell !== 'string' || !cell))
    throw err.validation('cell', 'cell: must be a string');
  let org: OrgState | undefined;
  if (body.orgId !== undefined) {
    if (typeof body.orgId !== 'string' || !body.orgId)
      throw err.validation('orgId', 'orgId: must be a string');
    org = core.orgById(body.orgId);
  } else if (body.domain !== undefined) {
    if (typeof body.domain !== 'string' || !body.domain)
      throw err.validation('domain', 'domain: must be a string');
    if (typeof cell !== 'string') throw err.validation('cell', 'cell: is required when linking by domain');
    const domain = body.domain.toLowerCase();
    org = core.state.orgs.find((o) => !o.deleted && o.domain === domain);
  } else {
    throw err.validation('orgId', 'orgId: either orgId, or domain and cell, is required');
  }
  const refuse = (cause: string) => new OktaError(400, 'E0000001', 'Api validation failed: org', [cause]);
  // An org of another customer is indistinguishable from an unknown one: both are "not on the contract".
  if (!org || (org.contractAccountId !== account.id && org.linkedAccountId !== account.id))
    throw refuse("The org is not on this account's Okta contract.");
  if (typeof cell === 'string' && cell.toLowerCase() !== org.cell)
    throw err.validation('cell', `cell: the org is in cell ${org.cell}, not ${cell}`);
  // CONFIRMED (okta-api.md 1.1): the sandbox is connected to OP3 cells only.
  if (account.environment === 'sandbox' && org.cell !== 'op3')
    throw refuse('The Aerial sandbox manages orgs in OP3 cells only.');
  if (org.linkedAccountId === account.id) throw refuse('The org is already linked to this account.');
  if (org.linkedAccountId) throw refuse('The org is already linked to another account.');
  if (org.consent?.accountId !== account.id)
    throw refuse('The org has not granted consent to this Aerial account.');
  org.linkedAccountId = account.id;
  core.changed();
  return { status: 200, body: orgJson(core, account, org) };
}

/** O3 GET /orgs/{orgId} */
export async function getOrg(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  return { status: 200, body: orgJson(core, account, linkedOrg(core, account, ctx.params.orgId)) };
}

/** O4 PUT /orgs/{orgId}/status: idempotent; the Aerial org cannot be deactivated (inference: 400 E0000001). */
export async function setStatus(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, true);
  const org = linkedOrg(core, account, ctx.params.orgId);
  const body = jsonObject(ctx);
  if (!ORG_STATUSES.includes(body.status as OrgStatus))
    throw err.validation('status', 'status: must be ACTIVE or INACTIVE');
  if (org.aerialOrg && body.status === 'INACTIVE')
    throw err.validation(
      'status',
      'status: the Aerial org (parent org) of the account cannot be deactivated',
    );
  org.status = body.status as OrgStatus;
  core.changed();
  return { status: 200, body: orgJson(core, account, org) };
}

/** O5 GET /orgs/{orgId}/products */
export async function getProducts(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, false);
  const org = linkedOrg(core, account, ctx.params.orgId);
  return { status: 200, body: productsOf(org.enabledProducts, account) };
}

/** O6 PUT /orgs/{orgId}/products: full replacement; `name` ignored; only subscribed products. */
export async function setProducts(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, true);
  const org = linkedOrg(core, account, ctx.params.orgId);
  const body = jsonBody(ctx);
  if (!Array.isArray(body))
    throw err.validation('products', 'products: the body must be a JSON array of {id, name}');
  const ids: string[] = [];
  for (const [i, p] of body.entries()) {
    const id = typeof p === 'object' && p !== null ? (p as Record<string, unknown>).id : undefined;
    if (typeof id !== 'string' || !id) throw err.validation('products', `products[${i}].id: is required`);
    if (!account.subscribedProducts.some((s) => s.id === id))
      throw err.validation('products', `products[${i}].id: ${id} is not a product the account subscribes to`);
    if (!ids.includes(id)) ids.push(id);
  }
  org.enabledProducts = ids;
  core.changed();
  return { status: 200, body: productsOf(ids, account) };
}

/**
 * O8 POST /orgs/{orgId}/deletionRequest: INACTIVE orgs only (400), sandbox or partner accounts only
 * (inference: 403 E0000006 elsewhere). The org is removed at once (inference: Okta may do it later).
 */
export async function deletionRequest(core: EmulatorCore, ctx: RequestContext): Promise<HandlerResult> {
  const account = await guard(core, ctx, true);
  const org = linkedOrg(core, account, ctx.params.orgId);
  if (account.environment !== 'sandbox' && !account.partner)
    throw err.forbidden(
      {},
      'Org deletion is only available in the Aerial sandbox or for Okta Partner Program accounts.',
    );
  if (org.aerialOrg) throw err.validation('org', 'org: the Aerial org of the account cannot be deleted');
  if (org.status !== 'INACTIVE')
    throw err.validation('status', 'status: only an INACTIVE org can be deleted');
  org.deleted = true;
  core.changed();
  return { status: 200, body: {} };
}
