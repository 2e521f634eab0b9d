/**
 * Upgrading a stack deployed with the earlier three-resource rendering (identity, journal, config per
 * construct) to the current two-resource one: the first plan only drops the journal resources, which have
 * no destroy hook, so nothing runs and nothing changes in Okta; drift then reports everything in sync.
 * The fixture is the earlier version's synthesized stack (see its "//" note).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TerraformStack } from 'cdktf';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import { ORGS, PRINCIPALS, limitOf, remoteOrgs, writes, startTestEmulator } from './fixtures';
import { E2eProject, REPO_ROOT } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

/** The same constructs, with the same ids, as the fixture was synthesized from. */
function build(stack: TerraformStack): void {
  const account = new AerialAccount(stack, 'Account', {
    accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
  });
  const prod = new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod });
  new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: ['P000052', 'P000131'] });
  new AerialOrg(stack, 'Stage', { account, orgId: ORGS.stage, status: 'INACTIVE' });
  const api = new OktaOrg(stack, 'ProdApi', {
    orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
    apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
  });
  new PrincipalRateLimit(stack, 'Ci', {
    org: api,
    principalId: PRINCIPALS.ci,
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 30,
    defaultConcurrencyPercentage: 20,
  });
}

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('upgrade');
});

afterAll(async () => {
  await emu?.stop();
  project?.cleanup();
});

describe('a stack deployed with the three-resource rendering', () => {
  it('deploys as it did then', async () => {
    const fixture = fs
      .readFileSync(path.join(__dirname, 'fixtures/three-resource-rendering.tf.json'), 'utf8')
      // The Aerial base as the emulator serves it now (under /aerial/production, or at the root in strict mode).
      .replaceAll('http://127.0.0.1:59999/aerial/production', creds.OKTA_AERIAL_BASE_URL)
      .replaceAll('127.0.0.1:59999', new URL(creds.OKTA_AERIAL_BASE_URL).host)
      .replaceAll('__HOOK__', `node '${path.join(REPO_ROOT, 'bin/okta-aerial.js')}'`)
      .replaceAll('__STATE__', project.stateFile);
    fs.mkdirSync(project.stackDir, { recursive: true });
    fs.writeFileSync(path.join(project.stackDir, 'cdk.tf.json'), fixture);
    await project.init(creds);
    const r = await project.apply(creds);
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toContain('Apply complete! Resources: 12 added, 0 changed, 0 destroyed.');
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000131']);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
  });

  it('upgrades by dropping only the journal resources: no hook runs, nothing changes in Okta', async () => {
    project.synth(build);
    const plan = await project.terraform(['plan', '-no-color', '-input=false'], creds);
    expect(plan.output).toContain('Plan: 0 to add, 0 to change, 4 to destroy.');
    const destroyed = [...plan.output.matchAll(/^ {2}# (\S+) will be destroyed$/gm)].map((m) => m[1]);
    expect(destroyed).toHaveLength(4);
    for (const address of destroyed) expect(address).toMatch(/^terraform_data\.\w+_Journal_\w+$/);
    emu.reset();
    const r = await project.apply(creds);
    expect(r.code).toBe(0);
    expect(r.output).not.toContain('okta-aerial: ');
    expect(emu.stats().totalRequests).toBe(0);
    const drift = await project.cli(['drift'], creds);
    expect(drift.code).toBe(0);
    expect(drift.output).toContain(
      'drift: 4 constructs: 4 in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet',
    );
    expect(writes(emu)).toEqual([]);
    const again = await project.terraform(['plan', '-no-color', '-input=false', '-detailed-exitcode'], creds);
    expect(again.code).toBe(0);
  });
});
