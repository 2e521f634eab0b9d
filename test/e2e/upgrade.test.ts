/**
 * Upgrading stacks deployed with earlier renderings to the current one (identity and config per construct,
 * each input the spec as one JSON string):
 * - from the three-resource rendering (identity, journal, config): the first plan drops the journal
 *   resources, which have no destroy hook, and updates the inputs in place;
 * - from the two-resource rendering with spec objects as inputs: the first plan updates the inputs in place.
 * Either way no hook runs and nothing changes in Okta; drift then reports everything in sync and the next
 * plan is clean. The fixtures are the earlier versions' synthesized stacks (see their "//" notes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TerraformStack } from 'cdktf';
import { AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } from '../../src/constructs';
import { ORGS, PRINCIPALS, emulatorAccount, fileEmulator, limitOf, remoteOrgs, writes } from './fixtures';
import { E2eProject, REPO_ROOT } from './harness';

const file = fileEmulator();
let project: E2eProject;

/** The same constructs, with the same ids, as the fixture was synthesized from. */
function build(stack: TerraformStack, ciPrincipal: string = PRINCIPALS.ci): void {
  const account = emulatorAccount(stack, file.creds);
  const prod = new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod });
  new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: ['P000052', 'P000131'] });
  new AerialOrg(stack, 'Stage', { account, orgId: ORGS.stage, status: 'INACTIVE' });
  const api = new OktaOrg(stack, 'ProdApi', {
    orgUrl: file.creds.OKTA_ORG_URL_ACME_PROD,
    apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
  });
  new PrincipalRateLimit(stack, 'Ci', {
    org: api,
    principalId: ciPrincipal,
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 30,
    defaultConcurrencyPercentage: 20,
  });
}

beforeAll(() => {
  project = new E2eProject('upgrade');
  file.projects.push(project);
});

/** Deploys an earlier version's synthesized stack, as it was deployed then. */
async function deployFixture(fixtureName: string, added: number): Promise<void> {
  const fixture = fs
    .readFileSync(path.join(__dirname, 'fixtures', fixtureName), 'utf8')
    // The Aerial base as the emulator serves it now (under /aerial/production, or at the root in strict mode).
    .replaceAll('http://127.0.0.1:59999/aerial/production', file.creds.OKTA_AERIAL_BASE_URL)
    .replaceAll('127.0.0.1:59999', new URL(file.creds.OKTA_AERIAL_BASE_URL).host)
    .replaceAll('__HOOK__', `node '${path.join(REPO_ROOT, 'bin/okta-aerial.js')}'`)
    .replaceAll('__STATE__', project.stateFile);
  fs.rmSync(project.stateFile, { force: true });
  fs.mkdirSync(project.stackDir, { recursive: true });
  fs.writeFileSync(path.join(project.stackDir, 'cdk.tf.json'), fixture);
  await project.init(file.creds);
  const r = await project.apply(file.creds);
  if (r.code !== 0) throw new Error(r.output);
  expect(r.output).toContain(`Apply complete! Resources: ${added} added, 0 changed, 0 destroyed.`);
  const orgs = await remoteOrgs(file.emu);
  expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000131']);
  expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
}

/**
 * Upgrades the deployed fixture to the current rendering: the plan updates every input in place (and
 * destroys `destroyed` journal resources); the deploy runs no hook and makes no API call.
 */
async function upgrade(destroyed: number): Promise<void> {
  project.synth(build);
  const plan = await project.terraform(['plan', '-no-color', '-input=false'], file.creds);
  expect(plan.output).toContain(`Plan: 0 to add, 8 to change, ${destroyed} to destroy.`);
  const gone = [...plan.output.matchAll(/^ {2}# (\S+) will be destroyed$/gm)].map((m) => m[1]);
  expect(gone).toHaveLength(destroyed);
  for (const address of gone) expect(address).toMatch(/^terraform_data\.\w+_Journal_\w+$/);
  const updated = [...plan.output.matchAll(/^ {2}# (\S+) will be updated in-place$/gm)].map((m) => m[1]);
  expect(updated).toHaveLength(8);
  for (const address of updated) expect(address).toMatch(/^terraform_data\.\w+_(Identity|Config)_\w+$/);
  // Only the spec's form changes (an object before, its JSON string after, which Terraform shows as such).
  expect(plan.output).toMatch(/\+ input += jsonencode\(|-> jsonencode\(/);
  expect(plan.output).not.toMatch(/must be replaced/);
  const ours = await project.cli(['plan'], file.creds);
  expect(ours.code).toBe(0);
  for (const name of ['Ci', 'Prod', 'ProdProducts', 'Stage']) {
    expect(ours.output).toMatch(
      new RegExp(`^${name} +[a-z-]+ +no change in Okta \\(rendering updated\\)$`, 'm'),
    );
  }
  expect(ours.output).toContain('plan: 0 constructs change in Okta, 0 drifted not repaired, 4 unchanged');
  file.emu.reset();
  const r = await project.apply(file.creds);
  expect(r.code).toBe(0);
  expect(r.output).toContain(`Apply complete! Resources: 0 added, 8 changed, ${destroyed} destroyed.`);
  expect(r.output).not.toContain('okta-aerial: ');
  expect(file.emu.stats().totalRequests).toBe(0);
  const drift = await project.cli(['drift'], file.creds);
  expect(drift.code).toBe(0);
  expect(drift.output).toContain(
    'drift: 4 constructs: 4 in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet',
  );
  expect(writes(file.emu)).toEqual([]);
  const again = await project.terraform(
    ['plan', '-no-color', '-input=false', '-detailed-exitcode'],
    file.creds,
  );
  expect(again.code).toBe(0);
}

describe('a stack deployed with the three-resource rendering', () => {
  it('deploys as it did then', async () => {
    await deployFixture('three-resource-rendering.tf.json', 12);
  });

  it('upgrades by dropping the journal resources and updating inputs: no hook runs, nothing changes in Okta', async () => {
    await upgrade(4);
  });
});

describe('a stack deployed with spec objects as inputs', () => {
  it('deploys as it did then', async () => {
    file.emu.reset();
    await deployFixture('object-input-rendering.tf.json', 8);
  });

  it('upgrades by updating inputs in place: no hook runs, nothing changes in Okta', async () => {
    await upgrade(0);
  });
});

describe('a key change in the deploy that upgrades from spec objects', () => {
  it('gives the old object, whose spec the state holds as an object, its destroy hook', async () => {
    file.emu.reset();
    await deployFixture('object-input-rendering.tf.json', 8);
    project.synth((stack) => build(stack, PRINCIPALS.ops));
    const r = await project.apply(file.creds);
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toContain('Apply complete! Resources: 2 added, 6 changed, 2 destroyed.');
    // The old Ci identity's destroy hook read its spec from the object-form output and kept the old limit.
    expect(r.output).toMatch(/okta-aerial: .*Ci.*retained \(removalPolicy RETAIN\)/);
    const orgs = await remoteOrgs(file.emu);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ops)).toEqual([30, 20]);
    const again = await project.terraform(
      ['plan', '-no-color', '-input=false', '-detailed-exitcode'],
      file.creds,
    );
    expect(again.code).toBe(0);
  });
});
