/**
 * AerialOrg: link the org to the account if it is not linked yet (granting the org's Aerial consent first
 * when the spec names the org's own connection), then set its status. Consent is never revoked: Okta
 * refuses to revoke it once the org is linked.
 * Destroy per removal policy: RETAIN does nothing; DESTROY sets the org INACTIVE and, if asked,
 * requests its deletion (sandbox or partner accounts only). Deletion may take time (okta-api.md 1.6): an
 * org whose deletion is pending counts as done, so a re-run neither asks again nor fails.
 */
import type { AerialClient } from '../client';
import { isNotFound, OktaApiError } from '../client/errors';
import type { AerialOrgIdentitySpec, AerialOrgSpec } from '../contract';
import type { HandlerContext } from './context';
import type { LiveReader } from './live-reader';
import { describeOrgRef, findLinkedOrg } from './org-ref';

/** What an AerialOrg declares and what is read back: the org's status. */
export interface AerialOrgState {
  readonly status: AerialOrgSpec['status'];
}

/** The live state in the shape of the desired state, or undefined when the org is not linked. */
export async function readAerialOrg(
  spec: AerialOrgSpec,
  live: LiveReader,
): Promise<AerialOrgState | undefined> {
  const org = await live.org(spec.account, spec.org);
  return org && { status: org.status };
}

/** Idempotent upsert: read, link if missing, change status only if it differs. */
export async function applyAerialOrg(spec: AerialOrgSpec, ctx: HandlerContext): Promise<void> {
  const client = ctx.aerial(spec.account);
  const label = describeOrgRef(spec.org);
  let org = await findLinkedOrg(client, spec.org);
  const linkedNow = !org;
  if (!org) {
    if (spec.consent) await grantConsent(spec, ctx);
    try {
      org = await client.linkOrg(spec.org);
      ctx.log(`linked ${label} to account ${spec.account.accountId} as ${org.id} (${org.status})`);
    } catch (err) {
      // Linked since the read, by another deploy (or another construct naming it otherwise): carry on with
      // it, so the claim below decides which of them manages it.
      const meanwhile =
        err instanceof OktaApiError && err.status === 400 ? await findLinkedOrg(client, spec.org) : undefined;
      if (!meanwhile) throw err;
      org = meanwhile;
      ctx.log(`${label} was linked meanwhile by another deploy as ${org.id}`);
    }
  }
  // Whoever links the org claims it first; a second construct naming it another way stops here.
  ctx.claim?.(
    `aerial-org ${spec.account.accountId} ${org.id}`,
    `org ${org.id} (${org.domain}) of account ${spec.account.accountId}`,
  );
  if (org.status !== spec.status) {
    const before = org.status;
    org = await client.setOrgStatus(org.id, spec.status);
    ctx.log(`org ${org.id} status ${before} -> ${org.status}`);
  } else if (!linkedNow) {
    ctx.log(`org ${org.id} is already linked and ${org.status}; nothing to change`);
  }
}

/**
 * Grants the org's Aerial consent to the account from the org's side (okta-api.md §1.7), idempotently: a
 * grant to this account counts as done; a grant to another account is a clear error (linking would fail).
 * A grant that another run made between the read and the POST is found by the re-read and counts as done.
 */
async function grantConsent(spec: AerialOrgSpec, ctx: HandlerContext): Promise<void> {
  const conn = spec.consent!;
  const accountId = spec.account.accountId;
  const org = ctx.principalRateLimits(conn);
  const existing = await org.getAerialConsent();
  if (existing?.accountId === accountId) {
    ctx.log(`${conn.orgUrl} has already granted Aerial consent to account ${accountId}`);
    return;
  }
  if (existing) {
    throw new Error(
      `${conn.orgUrl} has granted its Aerial consent to account ${existing.accountId}, not ${accountId}; ` +
        'an org consents to one account: revoke that grant in the org (if the org is not linked yet), then deploy again',
    );
  }
  try {
    await org.grantAerialConsent(accountId);
  } catch (err) {
    // Granted meanwhile by another run: the grant is what we wanted.
    if ((await org.getAerialConsent())?.accountId !== accountId) throw err;
  }
  ctx.log(`${conn.orgUrl} granted Aerial consent to account ${accountId}`);
}

/** Acts on removal per policy; an org that is already gone counts as done. */
export async function destroyAerialOrg(
  spec: AerialOrgSpec | AerialOrgIdentitySpec,
  ctx: HandlerContext,
): Promise<void> {
  const label = describeOrgRef(spec.org);
  if (spec.removalPolicy !== 'DESTROY') {
    ctx.log(`${label} retained (removalPolicy RETAIN); no API call`);
    return;
  }
  const client = ctx.aerial(spec.account);
  const org = await findLinkedOrg(client, spec.org);
  if (!org) {
    ctx.log(`${label} is not linked to account ${spec.account.accountId}; nothing to destroy`);
    return;
  }
  if (org.status !== 'INACTIVE') {
    await client.setOrgStatus(org.id, 'INACTIVE');
    ctx.log(`org ${org.id} deactivated (removalPolicy DESTROY)`);
  } else {
    ctx.log(`org ${org.id} is already INACTIVE`);
  }
  if (!spec.requestDeletion) return;
  if (org.deletionRequested === true) {
    ctx.log(`org ${org.id} deletion already requested; Okta completes it shortly`);
    return;
  }
  try {
    await client.requestDeletion(org.id);
  } catch (err) {
    // Refused because an earlier request (a run that died, or an attempt whose answer was lost) took effect?
    if (await deletionUnderWay(client, org.id, err)) {
      ctx.log(`org ${org.id} deletion already requested; Okta completes it shortly`);
      return;
    }
    throw deletionRefused(org.id, err);
  }
  ctx.log(`org ${org.id} deletion requested`);
}

/** After a 400 to a deletion request: whether the org is gone or marked pending deletion (one re-read). */
async function deletionUnderWay(client: AerialClient, orgId: string, err: unknown): Promise<boolean> {
  if (!(err instanceof OktaApiError) || err.status !== 400) return false;
  try {
    return (await client.getOrg(orgId)).deletionRequested === true;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

/**
 * A 403 to a deletion request is about the account, not (only) a scope: Okta deletes orgs only in the
 * Aerial sandbox or for Okta Partner Program accounts. Say that, what was already done, and the way out.
 */
function deletionRefused(orgId: string, err: unknown): unknown {
  if (!(err instanceof OktaApiError) || err.status !== 403) return err;
  const said = [err.errorCode, err.errorSummary, ...err.causes].filter(Boolean).join(': ');
  return new Error(
    `Okta refused to delete org ${orgId} (403 ${said}). The org is INACTIVE; that part is done and is not ` +
      'repeated. Okta deletes orgs only in the Aerial sandbox or for Okta Partner Program accounts (with the ' +
      'okta.accounts.manage scope): if this account is neither, set requestDeletionOnDestroy to false (and ' +
      'partnerAccount to false), deploy, then destroy again',
  );
}
