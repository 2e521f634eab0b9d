/**
 * The rules of the Aerial consent API (okta-api.md 1.2, 1.7): one grant per org, to an Aerial account that
 * exists; a child org inherits its parent's grant; a revoke names the account the grant is for; consent
 * cannot be revoked once the org is linked.
 */
import { OktaError } from './errors';
import { ACCOUNT_ID_PATTERN } from './ids';
import type { EmulatorModel } from './model';
import type { ConsentState, OrgState } from './state';

/** 400 E0000001 `API validation failed: account` with the documented cause. */
const refuse = (cause: string) => new OktaError(400, 'E0000001', 'API validation failed: account', [cause]);

/** A well-formed account id, and (`mustExist`) one of an account Okta knows: the documented cause either way. */
function checkAccountId(
  model: EmulatorModel,
  accountId: unknown,
  mustExist: boolean,
): asserts accountId is string {
  if (typeof accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(accountId))
    throw refuse('Invalid aerial account ID.');
  if (mustExist && !model.account(accountId)) throw refuse('Invalid aerial account ID.');
}

/**
 * The org's consent: its own grant, else the nearest ancestor's (a child org inherits its parent's consent),
 * with the org that holds it.
 */
export function effectiveConsent(
  model: EmulatorModel,
  org: OrgState,
): { consent: ConsentState; holder: OrgState } | undefined {
  const seen = new Set<string>();
  for (let o: OrgState | undefined = org; o && !seen.has(o.id);) {
    if (o.consent) return { consent: o.consent, holder: o };
    seen.add(o.id);
    o = o.parentOrgId ? model.orgById(o.parentOrgId) : undefined;
  }
  return undefined;
}

/** Grants consent to an account; `grantedBy` is the caller. An inherited grant counts as existing. */
export function grantConsent(
  model: EmulatorModel,
  org: OrgState,
  accountId: unknown,
  grantedBy: string,
): void {
  checkAccountId(model, accountId, true);
  if (effectiveConsent(model, org)) throw refuse('The org already has a consent grant added to Aerial.');
  org.consent = { accountId, grantedBy, grantedDate: model.nowIso() };
  model.changed();
}

/**
 * Revokes the org's consent to that account (nothing to do if it has none). Inference (UNCONFIRMED): a revoke
 * naming another account than the grant's, or of a grant the org inherits from its parent, is 400 E0000001.
 */
export function revokeConsent(model: EmulatorModel, org: OrgState, accountId: unknown): void {
  // A revoke names the account of the grant; only that one matters, so it need not be looked up first.
  checkAccountId(model, accountId, false);
  if (org.linkedAccountId) throw refuse('The org is already linked to an Account.');
  const current = effectiveConsent(model, org);
  if (!current) return;
  if (current.consent.accountId !== accountId)
    throw refuse('The org has not granted consent to this Aerial account.');
  if (current.holder !== org)
    throw refuse('The consent grant is inherited from the parent org; revoke it in the parent org.');
  org.consent = undefined;
  model.changed();
}
