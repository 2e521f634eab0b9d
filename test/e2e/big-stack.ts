/**
 * A large stack for the scale, fault and kill tests: many orgs linked to one account, each with a product
 * set, and many principal rate limits spread over a few orgs' management APIs.
 */
import type { TerraformStack } from 'cdktf';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import { DEMO, demoSeed, type EmulatorSeed, type SeedOrg } from '../../src/emulator';
import type { RemoteOrg } from './fixtures';

export interface BigStackShape {
  readonly orgs: number;
  readonly apiOrgs: number;
  readonly principalsPerOrg: number;
}

const PRODUCT_SETS = [['P000052'], ['P000052', 'P000131'], ['P000052', 'P000139', 'P001113'], []];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const orgId = (i: number): string => `00oScaleOrg${pad(i, 9)}`;
const subdomain = (i: number): string => `scale-${pad(i, 3)}`;
const principalId = (org: number, p: number): string => `00TScale${pad(org, 3)}Tok${pad(p, 6)}`;

/** The demo seed plus `shape.orgs` consenting orgs on the production contract, with principals. */
export function bigSeed(shape: BigStackShape): EmulatorSeed {
  const seed = demoSeed();
  const extra: SeedOrg[] = [];
  for (let i = 0; i < shape.orgs; i++) {
    const principals = i < shape.apiOrgs ? shape.principalsPerOrg : 0;
    extra.push({
      id: orgId(i),
      domain: `${subdomain(i)}.okta.com`,
      cell: 'ok1',
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      principals: Array.from({ length: principals + 1 }, (_, p) => ({
        id: p === 0 ? `00TScale${pad(i, 3)}Admin0000` : principalId(i, p),
        type: 'SSWS_TOKEN' as const,
      })),
      apiTokens: [{ principalId: `00TScale${pad(i, 3)}Admin0000` }],
    });
  }
  return { ...seed, orgs: [...seed.orgs, ...extra] };
}

/** Desired percentages of principal p (varied so a wrong adoption would show). */
export function percentOf(p: number, bump = 0): [number, number] {
  return [10 + ((p * 7 + bump) % 90), 5 + ((p * 3 + bump) % 95)];
}

/** Builds the big stack; `bump` shifts every percentage, to make a change. */
export function buildBigStack(shape: BigStackShape, creds: Record<string, string>, bump = 0) {
  return (stack: TerraformStack): void => {
    const account = new AerialAccount(stack, 'Account', {
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
    });
    for (let i = 0; i < shape.orgs; i++) {
      const org = new AerialOrg(stack, `Org${i}`, {
        account,
        ...(i % 3 === 0 ? { domain: `${subdomain(i)}.okta.com`, cell: 'ok1' } : { orgId: orgId(i) }),
        status: i % 5 === 4 ? 'INACTIVE' : 'ACTIVE',
      });
      new ProductAssignment(stack, `Products${i}`, {
        org,
        productIds: PRODUCT_SETS[i % PRODUCT_SETS.length],
      });
      if (i >= shape.apiOrgs) continue;
      const label = subdomain(i).toUpperCase().replace(/-/g, '_');
      const api = new OktaOrg(stack, `Api${i}`, {
        orgUrl: creds[`OKTA_ORG_URL_${label}`],
        apiTokenEnv: `OKTA_API_TOKEN_${label}`,
      });
      for (let p = 1; p <= shape.principalsPerOrg; p++) {
        const [rate, conc] = percentOf(p, bump);
        new PrincipalRateLimit(stack, `Limit${i}x${p}`, {
          org: api,
          principalId: principalId(i, p),
          principalType: 'SSWS_TOKEN',
          defaultPercentage: rate,
          defaultConcurrencyPercentage: conc,
        });
      }
    }
  };
}

/** Every difference between the emulator's state and the big stack's desired state (empty when converged). */
export function differences(
  shape: BigStackShape,
  orgs: Record<string, RemoteOrg>,
  accountId: string,
  bump = 0,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < shape.orgs; i++) {
    const org = orgs[orgId(i)];
    const status = i % 5 === 4 ? 'INACTIVE' : 'ACTIVE';
    if (org.linkedAccountId !== accountId) out.push(`${org.id} not linked`);
    if (org.status !== status) out.push(`${org.id} status ${org.status}, want ${status}`);
    const want = [...PRODUCT_SETS[i % PRODUCT_SETS.length]].sort().join(',');
    const got = [...org.enabledProducts].sort().join(',');
    if (want !== got) out.push(`${org.id} products ${got}, want ${want}`);
    if (i >= shape.apiOrgs) continue;
    for (let p = 1; p <= shape.principalsPerOrg; p++) {
      const entities = org.rateLimits.filter((r) => r.principalId === principalId(i, p));
      const [rate, conc] = percentOf(p, bump);
      if (entities.length !== 1) out.push(`${principalId(i, p)} has ${entities.length} entities`);
      else if (entities[0].defaultPercentage !== rate || entities[0].defaultConcurrencyPercentage !== conc) {
        out.push(
          `${principalId(i, p)} ${entities[0].defaultPercentage}/${entities[0].defaultConcurrencyPercentage}`,
        );
      }
    }
  }
  return out;
}
