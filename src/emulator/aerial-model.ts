/**
 * The rules of the Aerial API (okta-api.md 1.6): which orgs an account sees, linking, status, products
 * and deletion. UNCONFIRMED behaviour follows okta-api.md's inferences; each such choice is marked
 * "Inference". Values come straight from the request body and are checked here.
 */
import { ORG_STATUSES, type OrgStatus } from '../okta-api';
import { effectiveConsent } from './consent-model';
import { err, OktaError } from './errors';
import { isRecord } from './json';
import { byId, type EmulatorModel } from './model';
import type { AccountState, OrgState } from './state';

/** Orgs linked to the account, sorted by id (the cursor key). */
export function linkedOrgs(model: EmulatorModel, account: AccountState): OrgState[] {
  return model.state.orgs.filter((o) => o.linkedAccountId === account.id && model.exists(o)).sort(byId);
}

/**
 * Orgs on the account's contract, linked or not (O7).
 * Inference: unlinked orgs show their own status.
 */
export function associatedOrgs(model: EmulatorModel, account: AccountState): OrgState[] {
  return model.state.orgs
    .filter(
      (o) => (o.contractAccountId === account.id || o.linkedAccountId === account.id) && model.exists(o),
    )
    .sort(byId);
}

/** An org linked to the account; any other org is 404 for it. */
export function linkedOrg(model: EmulatorModel, account: AccountState, orgId: string): OrgState {
  const org = model.orgById(orgId);
  if (!org || org.linkedAccountId !== account.id) throw err.notFound(`${orgId} (Org)`);
  return org;
}

/** A2: only `name` is mutable. */
export function renameAccount(model: EmulatorModel, account: AccountState, name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255)
    throw err.validation('name', 'name: must be a non-empty string of at most 255 characters');
  account.name = name;
  model.changed();
}

/**
 * O2: link by `orgId`, or by `domain` + `cell`.
 * Inference: refusals are 400 E0000001 with a cause (not on the contract, no consent, already linked here
 * or elsewhere, cell mismatch).
 */
export function linkOrg(
  model: EmulatorModel,
  account: AccountState,
  body: Record<string, unknown>,
): OrgState {
  const cell = body.cell;
  if (cell !== undefined && (typeof cell !== 'string' || !cell))
    throw err.validation('cell', 'cell: must be a string');
  let org: OrgState | undefined;
  if (body.orgId !== undefined) {
    if (typeof body.orgId !== 'string' || !body.orgId)
      throw err.validation('orgId', 'orgId: must be a string');
    org = model.orgById(body.orgId);
  } else if (body.domain !== undefined) {
    if (typeof body.domain !== 'string' || !body.domain)
      throw err.validation('domain', 'domain: must be a string');
    if (typeof cell !== 'string') throw err.validation('cell', 'cell: is required when linking by domain');
    const domain = body.domain.toLowerCase();
    org = model.state.orgs.find((o) => o.domain === domain && model.exists(o));
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
  if (effectiveConsent(model, org)?.consent.accountId !== account.id)
    throw refuse('The org has not granted consent to this Aerial account.');
  org.linkedAccountId = account.id;
  model.changed();
  return org;
}

/** O4: idempotent; the Aerial org cannot be deactivated (inference: 400 E0000001). */
export function setOrgStatus(model: EmulatorModel, org: OrgState, status: unknown): void {
  if (!ORG_STATUSES.includes(status as OrgStatus))
    throw err.validation('status', 'status: must be ACTIVE or INACTIVE');
  if (org.aerialOrg && status === 'INACTIVE')
    throw err.validation(
      'status',
      'status: the Aerial org (parent org) of the account cannot be deactivated',
    );
  org.status = status as OrgStatus;
  model.changed();
}

/**
 * O6: full replacement; `name` ignored; only products the account subscribes to. Returns the ids now enabled.
 * `strict`: the body is an array of `{id, name}` as documented, so an object without a name is refused
 * (400 E0000001); the name is still not compared with the subscription's.
 */
export function setEnabledProducts(
  model: EmulatorModel,
  account: AccountState,
  org: OrgState,
  products: unknown,
  strict = false,
): string[] {
  if (!Array.isArray(products))
    throw err.validation('products', 'products: the body must be a JSON array of {id, name}');
  const ids: string[] = [];
  for (const [i, p] of products.entries()) {
    const id = isRecord(p) ? p.id : undefined;
    if (typeof id !== 'string' || !id) throw err.validation('products', `products[${i}].id: is required`);
    if (!account.subscribedProducts.some((s) => s.id === id))
      throw err.validation('products', `products[${i}].id: ${id} is not a product the account subscribes to`);
    const name = (p as Record<string, unknown>).name;
    if (strict && (typeof name !== 'string' || name.trim() === ''))
      throw err.validation('products', `products[${i}].name: is required (a product is {id, name})`);
    if (!ids.includes(id)) ids.push(id);
  }
  org.enabledProducts = ids;
  model.changed();
  return ids;
}

/**
 * O8: INACTIVE orgs only (400), sandbox or partner accounts only (inference: 403 E0000006 elsewhere).
 * Inference (okta-api.md: deletion "may be asynchronous"): the org stays visible, INACTIVE and marked
 * `deletionRequested`, for `delayMs`, then disappears; with no delay it is gone at once. A second request
 * while one is pending is 400 E0000001.
 */
export function requestDeletion(
  model: EmulatorModel,
  account: AccountState,
  org: OrgState,
  delayMs = 0,
): void {
  if (account.environment !== 'sandbox' && !account.partner)
    throw err.forbidden(
      {},
      'Org deletion is only available in the Aerial sandbox or for Okta Partner Program accounts.',
    );
  if (org.aerialOrg) throw err.validation('org', 'org: the Aerial org of the account cannot be deleted');
  if (org.deletionRequestedAt !== undefined)
    throw new OktaError(400, 'E0000001', 'Api validation failed: org', [
      'A deletion request for the org is already pending.',
    ]);
  if (org.status !== 'INACTIVE')
    throw err.validation('status', 'status: only an INACTIVE org can be deleted');
  const now = model.now();
  org.deletionRequestedAt = now;
  org.deleteAt = now + delayMs;
  if (delayMs <= 0) org.deleted = true;
  model.changed();
}
