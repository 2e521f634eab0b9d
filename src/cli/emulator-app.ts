/**
 * Running a stack written for Okta against the emulator without a code change (LocalStack's
 * `tflocal`/`cdklocal`): `okta-aerial emulator --app cdktf.out` seeds the emulator with what the synthesized
 * app declares (its accounts and their service apps, the orgs to link, the orgs whose rate limits it sets,
 * their principals and API tokens), and `okta-aerial emulator credentials --app cdktf.out` prints the
 * variables the stack names (its own `privateKeyEnv`, `apiTokenEnv`, ...) plus OKTA_AERIAL_ENDPOINT_URL,
 * which sends the hooks' requests to the emulator (handlers/endpoint-override.ts).
 */
import { createHash } from 'node:crypto';
import { ENV, isLoopbackHost, orgSubdomain } from '../common';
import type { AerialConnectionSpec, OrgConnectionSpec, OrgRefSpec } from '../contract';
import { envLabel } from '../emulator/credentials';
import { DEMO_PRODUCTS } from '../emulator/demo-seed';
import type { EmulatorSeed, SeedAccount, SeedOrg } from '../emulator/seed-schema';
import { SCOPES } from '../okta-api';
import { isTemplate, loadSynthesizedStack, stackNames, type StackConstruct } from './synthesized-stack';

/** Every construct of every stack of a synthesized app. */
export function constructsOfApp(appDir: string): StackConstruct[] {
  return stackNames(appDir).flatMap((name) => [...loadSynthesizedStack(appDir, name).constructs]);
}

/** A stable 17-character tail for generated ids (the same app gives the same ids on every start). */
function idTail(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 17);
}

/** The domain a URL names: its host, or for an emulator URL (`.../orgs/acme/...`) `acme.okta.com`. */
function domainOf(url: string): string {
  const u = new URL(url);
  return isLoopbackHost(u.hostname) ? `${orgSubdomain(u) ?? 'org'}.okta.com` : u.hostname.toLowerCase();
}

/** What seeding skipped: values that come from other resources are not known before the deploy. */
export interface AppSeed {
  readonly seed: EmulatorSeed;
  readonly skipped: readonly string[];
}

const known = (v: unknown): v is string => typeof v === 'string' && !isTemplate(v);

/** The seed that lets the app's stacks deploy against the emulator as they would against Okta. */
export function seedFromApp(constructs: readonly StackConstruct[]): AppSeed {
  const skipped: string[] = [];
  const accounts = new Map<string, SeedAccount & { products: Set<string> }>();
  const orgs = new Map<string, SeedOrg>(); // by domain
  const org = (domain: string, make: () => SeedOrg): SeedOrg => {
    let o = orgs.get(domain);
    if (!o) orgs.set(domain, (o = make()));
    return o;
  };

  const account = (a: AerialConnectionSpec, where: string) => {
    if (![a.accountId, a.clientId, a.tokenUrl].every(known)) {
      skipped.push(`${where}: its account comes from another resource`);
      return undefined;
    }
    const aerialDomain = domainOf(a.tokenUrl);
    const aerialOrg = org(aerialDomain, () => ({
      id: `00o${idTail('aerial', aerialDomain)}`,
      domain: aerialDomain,
      cell: 'ok1',
      clients: [],
    }));
    const clients = (aerialOrg.clients ??= []);
    if (!clients.some((c) => c.clientId === a.clientId))
      clients.push({ clientId: a.clientId, scopes: [SCOPES.accountsRead, SCOPES.accountsManage] });
    let acct = accounts.get(a.accountId);
    if (!acct) {
      acct = {
        id: a.accountId,
        name: `Account ${a.accountId}`,
        environment: a.environment ?? 'production',
        partner: a.partnerAccount ?? false,
        aerialOrgId: aerialOrg.id,
        subscribedProducts: [],
        products: new Set(),
      };
      accounts.set(a.accountId, acct);
    }
    return acct;
  };

  const linkable = (ref: OrgRefSpec, accountId: string, where: string, consent?: OrgConnectionSpec): void => {
    const orgId = 'orgId' in ref ? ref.orgId : undefined;
    // An org named by id whose own connection is given lives at that connection's domain.
    const consentDomain = consent && known(consent.orgUrl) ? domainOf(consent.orgUrl) : undefined;
    const domain = 'domain' in ref ? ref.domain : consentDomain;
    if ((orgId !== undefined && !known(orgId)) || (domain !== undefined && !known(domain))) {
      skipped.push(`${where}: its org comes from another resource`);
      return;
    }
    const d = domain?.toLowerCase() ?? `org-${(orgId as string).toLowerCase()}.okta.com`;
    const o =
      [...orgs.values()].find((x) => (orgId !== undefined && x.id === orgId) || x.domain === d) ??
      org(d, () => ({ id: orgId ?? `00o${idTail('org', d)}`, domain: d, cell: ref.cell ?? 'ok1' }));
    if (orgId !== undefined) o.id = orgId;
    // On the account's contract, not linked yet: the deploy links it, as in Okta. With consent, unless the
    // stack grants it itself through the org's connection (which the deploy then exercises).
    if (ref.cell) o.cell = ref.cell;
    o.status ??= 'ACTIVE';
    o.contractAccountId ??= accountId;
    if (!consent) o.consentAccountId ??= accountId;
    o.linkedAccountId ??= null;
    o.enabledProducts ??= [];
  };

  const managed = (conn: OrgConnectionSpec, where: string): SeedOrg | undefined => {
    if (!known(conn.orgUrl)) {
      skipped.push(`${where}: its org URL comes from another resource`);
      return undefined;
    }
    const d = domainOf(conn.orgUrl);
    const o = org(d, () => ({ id: `00o${idTail('org', d)}`, domain: d, cell: 'ok1' }));
    if (conn.auth.type === 'ssws') {
      const tokenPrincipal = `00T${idTail('api-token', d)}`;
      const principals = (o.principals ??= []);
      if (!principals.some((p) => p.id === tokenPrincipal))
        principals.push({ id: tokenPrincipal, type: 'SSWS_TOKEN', name: 'okta-aerial deploy' });
      o.apiTokens ??= [{ principalId: tokenPrincipal }];
    } else if (known(conn.auth.clientId)) {
      const clients = (o.clients ??= []);
      if (!clients.some((c) => c.clientId === (conn.auth as { clientId: string }).clientId))
        clients.push({
          clientId: conn.auth.clientId,
          scopes: [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage],
        });
    }
    return o;
  };

  for (const { spec } of constructs) {
    const where = `${spec.kind} '${spec.path}'`;
    if (spec.kind === 'principal-rate-limit') {
      const o = managed(spec.org, where);
      if (!o) continue;
      if (!known(spec.principalId)) {
        skipped.push(`${where}: its principal comes from another resource`);
        continue;
      }
      const principals = (o.principals ??= []);
      if (!principals.some((p) => p.id === spec.principalId))
        principals.push({ id: spec.principalId, type: spec.principalType });
      continue;
    }
    const acct = account(spec.account, where);
    if (!acct) continue;
    const consent = spec.kind === 'aerial-org' ? spec.consent : undefined;
    if (consent) managed(consent, where);
    linkable(spec.org, acct.id, where, consent);
    if (spec.kind === 'product-assignment')
      for (const p of spec.productIds) if (known(p)) acct.products.add(p);
  }

  const names = new Map(DEMO_PRODUCTS.map((p) => [p.id, p.name]));
  const seed: EmulatorSeed = {
    accounts: [...accounts.values()].map(({ products, ...a }) => ({
      ...a,
      subscribedProducts: [...(products.size ? products : [DEMO_PRODUCTS[0].id])]
        .sort()
        .map((id) => ({ id, name: names.get(id) ?? `Product ${id}` })),
    })),
    orgs: [...orgs.values()],
  };
  return { seed, skipped };
}

/**
 * The variables the app's stacks name, filled from the emulator's credentials (`__admin/credentials`):
 * each account's private key and key id variables, each org's API token or key variables, and the endpoint
 * override. Later constructs naming the same variable for another org are reported, not overwritten.
 */
export function credentialsForApp(
  constructs: readonly StackConstruct[],
  emulator: Record<string, string>,
): { env: Record<string, string>; conflicts: string[] } {
  const env: Record<string, string> = { [ENV.endpointUrl]: emulator[ENV.emulatorUrl] };
  const conflicts: string[] = [];
  const set = (name: string | undefined, value: string | undefined, what: string): void => {
    if (!name || value === undefined) return;
    if (env[name] !== undefined && env[name] !== value) conflicts.push(`${name} (${what})`);
    else env[name] = value;
  };
  const key = emulator[ENV.aerialPrivateKey];
  const kid = emulator[ENV.aerialKeyId];
  const orgConnection = (conn: OrgConnectionSpec): void => {
    const { auth, orgUrl } = conn;
    if (!known(orgUrl)) return;
    if (auth.type === 'ssws') {
      const label = envLabel(domainOf(orgUrl).split('.')[0]);
      set(auth.tokenEnv, emulator[`${ENV.orgApiToken}_${label}`], `API token of ${orgUrl}`);
    } else {
      set(auth.privateKeyEnv, key, `key of ${orgUrl}`);
      set(auth.keyIdEnv, kid, `key id of ${orgUrl}`);
    }
  };
  for (const { spec } of constructs) {
    if (spec.kind === 'principal-rate-limit') {
      orgConnection(spec.org);
      continue;
    }
    set(spec.account.privateKeyEnv, key, `key of account ${spec.account.accountId}`);
    set(spec.account.keyIdEnv, kid, `key id of account ${spec.account.accountId}`);
    if (spec.kind === 'aerial-org' && spec.consent) orgConnection(spec.consent);
  }
  return { env, conflicts };
}
