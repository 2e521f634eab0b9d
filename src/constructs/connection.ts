/**
 * Helpers shared by the constructs that are not part of the public API (index.ts does not export them).
 */
import type { OrgRefSpec } from '../contract';
import { RENDERINGS, isUnresolved, type Rendering } from './lifecycle';

export { CONNECTION_DEFAULTS } from '../common';

/** Checks the props that are not part of the spec: rendering and hookCommand. */
export function checkRendering(rendering: unknown, hookCommand: unknown): string[] {
  const problems: string[] = [];
  if (!RENDERINGS.includes(rendering as Rendering)) {
    problems.push(
      `rendering is ${JSON.stringify(rendering)}; use one of ${RENDERINGS.map((r) => `'${r}'`).join(', ')}`,
    );
  }
  if (hookCommand !== undefined && (typeof hookCommand !== 'string' || hookCommand.trim() === '')) {
    problems.push(`hookCommand is ${JSON.stringify(hookCommand)}; use a command such as 'okta-aerial'`);
  }
  return problems;
}

/** Drops one trailing slash so `${baseUrl}/${accountId}` never has two. */
export function trimSlash(url: string): string {
  return isUnresolved(url) ? url : url.replace(/\/+$/, '');
}

/** The natural key of an org in an account, as dotted spec paths (the null_resource triggers). */
export function orgKey(accountId: string, org: OrgRefSpec): Record<string, string> {
  return 'orgId' in org
    ? { 'account.accountId': accountId, 'org.orgId': org.orgId }
    : { 'account.accountId': accountId, 'org.domain': org.domain, 'org.cell': org.cell };
}

/** A readable name of an org key for messages (tokens show as cdktf renders them). */
export function describeOrgKey(key: Record<string, string>): string {
  return Object.values(key).slice(1).join(' ') + ` of account ${key['account.accountId']}`;
}
