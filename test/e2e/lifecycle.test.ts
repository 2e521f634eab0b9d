/**
 * The lifecycle on the real Terraform: create, no-op, in-place changes, key changes, removal from the
 * code, and destroy per removal policy — each step checked against the emulator's state and request log.
 */
import * as fs from 'node:fs';
import type { TerraformStack } from 'cdktf';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import type { RemovalPolicy } from '../../src/contract';
import { ORGS, PRINCIPALS, limitOf, remoteOrgs, secretValues, startTestEmulator, writes } from './fixtures';
import { E2eProject, allFiles, type RunResult } from './harness';
import { rawStateResources, type RawState } from '../../src/cli/terraform';

interface Variant {
  prodProducts?: string[];
  stageStatus?: 'ACTIVE' | 'INACTIVE';
  stageByDomain?: boolean;
  ciPercent?: [number, number];
  ciPolicy?: RemovalPolicy;
  ciPrincipal?: [string, 'SSWS_TOKEN' | 'OAUTH_CLIENT'];
  withEu?: boolean;
  policy?: RemovalPolicy;
}

const V1: Variant = {
  prodProducts: ['P000052', 'P000131'],
  stageStatus: 'INACTIVE',
  ciPercent: [30, 20],
  withEu: true,
};

const V2: Variant = {
  ...V1,
  prodProducts: ['P000052', 'P000139'],
  stageStatus: 'ACTIVE',
  ciPercent: [25, 15],
};
const V3: Variant = {
  ...V2,
  ciPolicy: 'DESTROY',
  ciPrincipal: [PRINCIPALS.scim, 'OAUTH_CLIENT'],
  stageByDomain: true,
};

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;
let last: RunResult;
/** Every terraform output of this file, for the secret scan. */
const outputs: string[] = [];

function build(v: Variant) {
  return (stack: TerraformStack): void => {
    const policy = v.policy ?? 'RETAIN';
    const account = new AerialAccount(stack, 'Account', {
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
    });
    const prod = new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod, removalPolicy: policy });
    new ProductAssignment(stack, 'ProdProducts', {
      org: prod,
      productIds: v.prodProducts ?? V1.prodProducts!,
      removalPolicy: policy,
    });
    const dev = new AerialOrg(stack, 'Dev', { account, orgId: ORGS.dev, removalPolicy: policy });
    new ProductAssignment(stack, 'DevProducts', { org: dev, productIds: ['P000052'], removalPolicy: policy });
    new AerialOrg(stack, 'Stage', {
      account,
      ...(v.stageByDomain ? { domain: 'acme-stage.okta.com', cell: 'ok1' } : { orgId: ORGS.stage }),
      status: v.stageStatus ?? 'INACTIVE',
    });
    if (v.withEu ?? true) {
      const eu = new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1' });
      new ProductAssignment(stack, 'EuProducts', { org: eu, productIds: ['P000052', 'P001113'] });
    }
    const api = new OktaOrg(stack, 'ProdApi', {
      orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
    });
    const [ciRate, ciConc] = v.ciPercent ?? V1.ciPercent!;
    const [ciPrincipal, ciType] = v.ciPrincipal ?? [PRINCIPALS.ci, 'SSWS_TOKEN'];
    new PrincipalRateLimit(stack, 'Ci', {
      org: api,
      principalId: ciPrincipal,
      principalType: ciType,
      defaultPercentage: ciRate,
      defaultConcurrencyPercentage: ciConc,
      removalPolicy: v.ciPolicy ?? policy,
    });
    new PrincipalRateLimit(stack, 'Sync', {
      org: api,
      principalId: PRINCIPALS.sync,
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 40,
      defaultConcurrencyPercentage: 40,
      removalPolicy: policy,
    });
    new PrincipalRateLimit(stack, 'Ops', {
      org: api,
      principalId: PRINCIPALS.ops,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 70,
      defaultConcurrencyPercentage: 60,
      removalPolicy: policy,
    });
  };
}

async function deploy(v: Variant, destroy = false): Promise<RunResult> {
  emu.reset();
  project.synth(build(v));
  await project.init(creds);
  last = destroy ? await project.destroy(creds) : await project.apply(creds);
  outputs.push(last.output);
  if (last.code !== 0) throw new Error(`terraform ${destroy ? 'destroy' : 'apply'} failed:\n${last.output}`);
  return last;
}

function hookLines(r: RunResult): string[] {
  return r.output.split('\n').filter((l) => l.includes('okta-aerial: '));
}

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('lifecycle');
});

afterAll(async () => {
  await emu?.stop();
  project?.cleanup();
});

describe('deploying a stack with the real terraform', () => {
  it('creates everything on the first deploy', async () => {
    await deploy(V1);
    const orgs = await remoteOrgs(emu);
    const account = creds.OKTA_AERIAL_ACCOUNT_ID;
    expect(orgs[ORGS.prod]).toMatchObject({ linkedAccountId: account, status: 'ACTIVE' });
    expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000131']);
    expect(orgs[ORGS.dev]).toMatchObject({
      linkedAccountId: account,
      status: 'ACTIVE',
      enabledProducts: ['P000052'],
    });
    expect(orgs[ORGS.stage]).toMatchObject({ linkedAccountId: account, status: 'INACTIVE' });
    expect(orgs[ORGS.eu]).toMatchObject({ linkedAccountId: account, status: 'ACTIVE' });
    expect(orgs[ORGS.eu].enabledProducts.sort()).toEqual(['P000052', 'P001113']);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.sync)).toEqual([40, 40]);
    // The ops token already had an entity (50/50): it is adopted and updated, not duplicated.
    expect(orgs[ORGS.prod].rateLimits.filter((r) => r.principalId === PRINCIPALS.ops)).toHaveLength(1);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ops)).toEqual([70, 60]);
    expect(hookLines(last).some((l) => l.includes(`linked org ${ORGS.prod}`))).toBe(true);
    expect(Math.max(...Object.values(emu.stats().maxInFlight))).toBeLessThanOrEqual(10);
  });

  it('makes no API call when nothing changed', async () => {
    await deploy(V1);
    expect(last.output).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(emu.stats().totalRequests).toBe(0);
  });

  it('re-applies only the resources whose desired state changed, and never destroys', async () => {
    await deploy(V2);
    expect(writes(emu)).toEqual([
      `aerial.setProducts orgs/${ORGS.prod}/products`,
      `aerial.setStatus orgs/${ORGS.stage}/status`,
      'prl.replace principal-rate-limits/{id}',
    ]);
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000139']);
    expect(orgs[ORGS.stage].status).toBe('ACTIVE');
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([25, 15]);
    expect(last.output).not.toMatch(/retained|deactivated|reset/);
  });

  it('changes a removal policy in place without running any hook', async () => {
    await deploy({ ...V2, ciPolicy: 'DESTROY' });
    // The Ci identity and config inputs are updated in place: the new policy is in the state, nothing ran.
    expect(last.output).toContain('0 added, 2 changed, 0 destroyed');
    const state = rawStateResources(JSON.parse(fs.readFileSync(project.stateFile, 'utf8')) as RawState);
    const ci = [...state.values()].filter(
      (r) => (r.values.output as { path?: string })?.path === 'lifecycle/Ci',
    );
    expect(ci).toHaveLength(2);
    for (const r of ci) {
      expect(r.values.output).toMatchObject({ principalId: PRINCIPALS.ci, removalPolicy: 'DESTROY' });
    }
    expect(hookLines(last)).toEqual([]);
    expect(emu.stats().totalRequests).toBe(0);
  });

  it('treats the old object of a changed natural key by its removal policy', async () => {
    // Ci (DESTROY) moves from the ci token to the scim app: ci is reset to 50/50, scim gets an entity.
    // Stage (RETAIN) is now identified by domain: its old identity is dropped with no call, the new one adopts it.
    await deploy({
      ...V2,
      ciPolicy: 'DESTROY',
      ciPrincipal: [PRINCIPALS.scim, 'OAUTH_CLIENT'],
      stageByDomain: true,
    });
    const orgs = await remoteOrgs(emu);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([50, 50]);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.scim)).toEqual([25, 15]);
    expect(orgs[ORGS.stage]).toMatchObject({
      linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      status: 'ACTIVE',
    });
    // The ci reset and the scim create; nothing for Stage.
    expect(writes(emu)).toEqual([
      'prl.create principal-rate-limits',
      'prl.replace principal-rate-limits/{id}',
    ]);
    expect(hookLines(last).some((l) => l.includes('retained (removalPolicy RETAIN)'))).toBe(true);
  });

  it('leaves the remote object alone when a construct is removed from the code', async () => {
    await deploy({ ...V3, withEu: false });
    expect(last.output).toContain('0 added, 0 changed, 4 destroyed'); // Eu and EuProducts: 2 lifecycle resources each
    expect(emu.stats().totalRequests).toBe(0);
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.eu]).toMatchObject({ linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID, status: 'ACTIVE' });
    expect(orgs[ORGS.eu].enabledProducts.sort()).toEqual(['P000052', 'P001113']);
  });

  it('destroys per removal policy: DESTROY deactivates, disables and resets; RETAIN makes no call', async () => {
    await deploy({ ...V3, withEu: false, policy: 'DESTROY' });
    expect(emu.stats().totalRequests).toBe(0); // a policy change runs no hook
    await deploy({ ...V3, withEu: false, policy: 'DESTROY' }, true);
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.prod].status).toBe('INACTIVE');
    expect(orgs[ORGS.dev].status).toBe('INACTIVE');
    expect(orgs[ORGS.prod].enabledProducts).toEqual([]);
    expect(orgs[ORGS.dev].enabledProducts).toEqual([]);
    for (const p of [PRINCIPALS.scim, PRINCIPALS.sync, PRINCIPALS.ops]) {
      expect(limitOf(orgs[ORGS.prod], p)).toEqual([50, 50]);
    }
    // Stage keeps its own policy (RETAIN): still linked and ACTIVE, and no write touched it.
    expect(orgs[ORGS.stage]).toMatchObject({
      linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      status: 'ACTIVE',
    });
    expect(writes(emu).filter((w) => w.includes(ORGS.stage))).toEqual([]);
    // Nothing is linked or created on destroy, and Okta's concurrency limit held.
    expect(writes(emu).filter((w) => /linkOrg|prl\.create/.test(w))).toEqual([]);
    expect(Math.max(...Object.values(emu.stats().maxInFlight))).toBeLessThanOrEqual(10);
  });

  it('never writes a secret into the state, the synthesized output or the hook output', () => {
    const secrets = secretValues(creds);
    expect(secrets.length).toBeGreaterThan(3);
    const haystacks = [fs.readFileSync(project.stateFile, 'utf8'), ...outputs];
    expect(outputs.length).toBeGreaterThan(5);
    for (const file of allFiles(project.outdir)) haystacks.push(fs.readFileSync(file, 'utf8'));
    for (const text of haystacks) {
      for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    }
  });
});

describe('destroying with RETAIN', () => {
  it('makes no API call at all', async () => {
    const retained = new E2eProject('retain');
    try {
      retained.synth((stack) => {
        const api = new OktaOrg(stack, 'DevApi', {
          orgUrl: creds.OKTA_ORG_URL_ACME_DEV,
          apiTokenEnv: 'OKTA_API_TOKEN_ACME_DEV',
        });
        new PrincipalRateLimit(stack, 'Ci', {
          org: api,
          principalId: PRINCIPALS.ci,
          principalType: 'SSWS_TOKEN',
          defaultPercentage: 35,
          defaultConcurrencyPercentage: 35,
        });
      });
      await retained.init(creds);
      expect((await retained.apply(creds)).code).toBe(0);
      emu.reset();
      const r = await retained.destroy(creds);
      expect(r.code).toBe(0);
      expect(r.output).toContain('retained (removalPolicy RETAIN); no API call');
      expect(emu.stats().totalRequests).toBe(0);
      expect(limitOf((await remoteOrgs(emu))[ORGS.dev], PRINCIPALS.ci)).toEqual([35, 35]);
    } finally {
      retained.cleanup();
    }
  });
});
