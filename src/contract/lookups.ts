/**
 * Synth-time lookups (aws-cdk's `fromLookup` and `cdk.context.json`): values only Okta knows, such as the
 * id of an org named by its domain or the id of a rate limit entity, are read by `okta-aerial lookup`
 * after the deploy that creates them and kept in the app's context (`cdktf.json` "context"), from which the
 * constructs read them at the next synth. These are the context keys; both sides build them here.
 */
import { canonicalOrgUrl } from '../common/net';

/** Prefix of every context key this library reads. */
export const LOOKUP_CONTEXT_PREFIX = 'okta-aerial:lookup:';

/** The id of the org with this domain, linked to this account. */
export function orgIdLookupKey(accountId: string, domain: string): string {
  return `${LOOKUP_CONTEXT_PREFIX}org-id:${accountId}:${domain.toLowerCase()}`;
}

/** The id of the rate limit entity of this principal in the org at this URL. */
export function rateLimitIdLookupKey(orgUrl: string, principalType: string, principalId: string): string {
  return `${LOOKUP_CONTEXT_PREFIX}rate-limit-id:${canonicalOrgUrl(orgUrl)}:${principalType}:${principalId}`;
}
