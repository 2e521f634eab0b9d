/**
 * The rules of the Aerial consent API (okta-api.md 1.7): one grant per org, to a well-formed account id;
 * consent cannot be revoked once the org is linked.
 */
import { OktaError } from './errors';
import { ACCOUNT_ID_PATTERN } from './ids';
import type { EmulatorModel } from './model';
import type { OrgState } from './state';

/** 400 E0000001 `API validation failed: account` with the documented cause. */
const refuse = (cause: string) => new OktaError(400, 'E0000001', 'API validation failed: account', [cause]);

function checkAccountId(accountId: unknown): asserts accountId is string {
  if (typeof accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(accountId))
    throw refuse('Invalid aerial account ID.');
}

/** Grants consent to an account; `grantedBy` is the caller. */
export function grantConsent(
  model: EmulatorModel,
  org: OrgState,
  accountId: unknown,
  grantedBy: string,
): void {
  checkAccountId(accountId);
  if (org.consent) throw refuse('The org already has a consent grant added to Aerial.');
  org.consent = { accountId, grantedBy, grantedDate: model.nowIso() };
  model.changed();
}

/** Revokes the org's consent to that account (nothing to do if it granted none to it). */
export function revokeConsent(model: EmulatorModel, org: OrgState, accountId: unknown): void {
  checkAccountId(accountId);
  if (org.linkedAccountId) throw refuse('The org is already linked to an Account.');
  if (org.consent?.accountId === accountId) {
    org.consent = undefined;
    model.changed();
  }
}
