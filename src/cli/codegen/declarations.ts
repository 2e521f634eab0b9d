/** The constructs of the generated stack, with exactly the props they are constructed with, and comments. */
import type { Org } from '../../contract';
import type { AccountPropsJson, OrgPropsJson } from '../connection-flags';
import { ACCOUNT_ID, bindVariables, subdomainOf } from './naming';
import type { CodegenInput, Group, PlannedDecl, PropValue } from './types';

/** The declarations of the groups: the AerialAccount first, then each org's constructs together. */
export function declare(input: CodegenInput, groups: readonly Group[]): PlannedDecl[] {
  const { estate } = input;
  const productNames = new Map<string, string>();
  for (const p of estate.subscribedProducts) if (p.name) productNames.set(p.id, p.name);
  const enabledNames = new Map<string, string>();
  for (const { products } of estate.orgs)
    for (const p of products) if (p.name) enabledNames.set(p.id, p.name);

  const account: PlannedDecl = {
    type: 'AerialAccount',
    id: ACCOUNT_ID,
    props: accountProps(input.account),
    comment: [
      `The Aerial account ${estate.account.id}${estate.account.name ? ` (${estate.account.name})` : ''}; its key is read ` +
        'from the named environment variables at deploy time.',
    ],
  };
  const decls: PlannedDecl[] = [account];
  for (const g of groups) {
    if (g.managed) {
      const org = g.org!;
      const orgDecl: PlannedDecl = {
        type: 'AerialOrg',
        id: g.name,
        props: { account: { ref: ACCOUNT_ID }, orgId: org.id, status: org.status },
        comment: [describeOrg(org)],
      };
      decls.push(orgDecl);
      if (g.products) {
        const elementComments: Record<string, string> = {};
        for (const id of g.products) {
          elementComments[id] =
            productNames.get(id) ??
            `${enabledNames.get(id) ?? 'unnamed product'} (not among the account's subscribed products)`;
        }
        decls.push({
          type: 'ProductAssignment',
          id: `${g.name}Products`,
          props: { org: { ref: g.name }, productIds: g.products },
          elementComments,
        });
      }
    }
    if (g.api && g.api.limits.length > 0) {
      const apiId = `${g.name}Api`;
      const where = g.org
        ? `${g.org.domain}${g.org.aerialOrg ? " (the account's Aerial org)" : ''}`
        : g.api.orgUrl;
      decls.push({
        type: 'OktaOrg',
        id: apiId,
        props: orgProps(g.api.props),
        comment: [
          `Principal rate limits of ${where}: ${g.api.limits.length} entit${g.api.limits.length === 1 ? 'y' : 'ies'}`,
        ],
      });
      for (const e of g.api.limits) {
        const tokenName = e.principalType === 'SSWS_TOKEN' ? g.api.tokenNames?.get(e.principalId) : undefined;
        decls.push({
          type: 'PrincipalRateLimit',
          id: `${g.name}Limit${e.principalId}`,
          ...(tokenName !== undefined ? { comment: [`API token ${JSON.stringify(tokenName)}`] } : {}),
          props: {
            org: { ref: apiId },
            principalId: e.principalId,
            principalType: e.principalType,
            defaultPercentage: e.defaultPercentage!,
            defaultConcurrencyPercentage: e.defaultConcurrencyPercentage!,
          },
        });
      }
    }
  }
  bindVariables(decls);
  return decls;
}

function describeOrg(org: Org): string {
  const facts = [org.name && org.name !== subdomainOf(org.domain) ? `"${org.name}"` : '', `cell ${org.cell}`];
  if (org.createdDate) facts.push(`created ${org.createdDate.slice(0, 10)}`);
  return `${org.domain}: ${facts.filter((f) => f !== '').join(', ')}`;
}

function accountProps(p: AccountPropsJson): Record<string, PropValue> {
  const out: Record<string, PropValue> = { accountId: p.accountId };
  if (p.environment !== undefined) out.environment = p.environment;
  if (p.baseUrl !== undefined) out.baseUrl = p.baseUrl;
  if (p.aerialOrgDomain !== undefined) out.aerialOrgDomain = p.aerialOrgDomain;
  if (p.tokenUrl !== undefined) out.tokenUrl = p.tokenUrl;
  out.clientId = p.clientId;
  if (p.privateKeyEnv !== undefined) out.privateKeyEnv = p.privateKeyEnv;
  if (p.keyIdEnv !== undefined) out.keyIdEnv = p.keyIdEnv;
  if (p.dpop) out.dpop = true;
  return out;
}

function orgProps(p: OrgPropsJson): Record<string, PropValue> {
  const out: Record<string, PropValue> = { orgUrl: p.orgUrl };
  if (p.oauth) out.oauth = { ...p.oauth };
  else if (p.apiTokenEnv !== undefined) out.apiTokenEnv = p.apiTokenEnv;
  return out;
}
