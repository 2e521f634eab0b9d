/**
 * Which constructs the estate becomes: an AerialOrg and a ProductAssignment per linked org that can be
 * declared faithfully, an OktaOrg and PrincipalRateLimits per org connection, and what is left out and why.
 */
import { createHash } from 'node:crypto';
import { SPEC_LIMITS, SPEC_PATTERNS, type PrincipalRateLimitEntity } from '../../contract';
import { orgUrlSubdomain } from '../connection-flags';
import { cmp } from '../estate';
import { declare } from './declarations';
import { assignNames, pascal, subdomainOf } from './naming';
import type { CodegenInput, Group, ImportPlan, NotImported } from './types';

/** Builds the plan: which constructs, their ids, props and comments. */
export function planImport(input: CodegenInput): ImportPlan {
  const { estate } = input;
  const notImported: NotImported[] = [];
  const groups: Group[] = [];
  const byOrgId = new Map<string, Group>();
  // Sorted here too, so the output depends only on the estate, never on the order it was read in.
  const orgs = [...estate.orgs].sort(
    (a, b) => cmp(a.org.domain.toLowerCase(), b.org.domain.toLowerCase()) || cmp(a.org.id, b.org.id),
  );
  for (const { org, products } of orgs) {
    const where = { orgId: org.id, domain: org.domain };
    let managed = !org.aerialOrg;
    if (org.aerialOrg) {
      notImported.push({
        kind: 'aerial-org',
        ...where,
        reason:
          "it is the account's own Aerial org, which the account cannot manage (Okta refuses to deactivate it or " +
          'change it through the Aerial API)',
      });
    } else if (!SPEC_PATTERNS.orgId.test(org.id)) {
      managed = false;
      notImported.push({
        kind: 'org',
        ...where,
        reason: `its id '${org.id}' is not the form AerialOrg accepts (00o followed by 17 letters or digits)`,
      });
    }
    const group: Group = {
      base: pascal(subdomainOf(org.domain)),
      disambiguator: org.id.replace(/[^A-Za-z0-9]/g, ''),
      name: '',
      org,
      managed,
    };
    if (managed) {
      const ids = [...new Set(products.map((p) => p.id))].sort(cmp);
      const bad = ids.filter((id) => !SPEC_PATTERNS.productId.test(id));
      if (bad.length > 0) {
        notImported.push({
          kind: 'products',
          ...where,
          reason: `product id${bad.length === 1 ? '' : 's'} ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not the form ProductAssignment accepts (P followed by 6 digits)`,
        });
      } else {
        group.products = ids;
      }
    }
    groups.push(group);
    byOrgId.set(org.id, group);
  }
  for (const api of estate.orgApis) {
    const orgUrl = api.connection.orgUrl;
    const props = input.orgProps.get(orgUrl) ?? { orgUrl };
    let group = api.orgId !== undefined ? byOrgId.get(api.orgId) : undefined;
    if (!group || group.api) {
      group = {
        base: pascal(orgUrlSubdomain(orgUrl)),
        disambiguator: `Url${createHash('sha256').update(orgUrl).digest('hex').slice(0, 8)}`,
        name: '',
        managed: false,
      };
      groups.push(group);
    }
    const where = group.org ? { domain: group.org.domain, orgUrl } : { orgUrl };
    const limits: PrincipalRateLimitEntity[] = [];
    const seen = new Set<string>();
    const entities = [...api.rateLimits].sort(
      (a, b) => cmp(a.principalType, b.principalType) || cmp(a.principalId, b.principalId),
    );
    for (const e of entities) {
      const reason = unusableLimit(e, seen);
      seen.add(e.principalId);
      if (reason) {
        notImported.push({
          kind: 'rate-limit',
          ...where,
          principalId: e.principalId,
          principalType: e.principalType,
          reason,
        });
      } else {
        limits.push(e);
      }
    }
    group.api = { orgUrl, props, limits, tokenNames: api.tokenNames };
  }
  const orgsWithoutConnection = groups.filter((g) => g.managed && !g.api).map((g) => g.org!.domain);
  for (const g of groups) {
    if (g.managed && !g.api) {
      notImported.push({
        kind: 'rate-limits',
        orgId: g.org!.id,
        domain: g.org!.domain,
        reason: 'no --org-url was given for this org, so its principal rate limits were not read',
      });
    }
  }
  assignNames(groups);
  return {
    stack: input.stack,
    estate,
    decls: declare(input, groups),
    notImported,
    orgsWithoutConnection,
  };
}

/** Why an entity cannot be declared as a PrincipalRateLimit, or undefined when it can. */
function unusableLimit(e: PrincipalRateLimitEntity, seen: ReadonlySet<string>): string | undefined {
  if (!SPEC_PATTERNS.principalId.test(e.principalId)) {
    return `its principal id is not the form PrincipalRateLimit accepts (letters and digits)`;
  }
  if (seen.has(e.principalId)) {
    return 'a second entity for the same principal (a stack may declare one per principal)';
  }
  const { min, max } = SPEC_LIMITS.percentage;
  for (const field of ['defaultPercentage', 'defaultConcurrencyPercentage'] as const) {
    const v = e[field];
    if (v === undefined) return `${field} is not set (a PrincipalRateLimit declares both percentages)`;
    if (!Number.isInteger(v) || v < min || v > max) {
      return `${field} is ${v}, outside the ${min}..${max} that PrincipalRateLimit accepts`;
    }
  }
  return undefined;
}
