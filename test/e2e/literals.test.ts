/**
 * Literal `${` and `%{` in a spec, through the real Terraform to the hooks: the spec-string inputs escape
 * them (Terraform reads every string of its JSON syntax as a template), so the hooks, the state and the read
 * path see them as written, and a second deploy changes nothing.
 */
import type { TerraformStack } from 'cdktf';
import { AerialOrg, ProductAssignment } from '../../src/constructs';
import { ORGS, emulatorAccount, fileEmulator, remoteOrgs } from './fixtures';
import { E2eProject } from './harness';

const file = fileEmulator();

const ODD = 'Odd${x}%{y}$';

function build(stack: TerraformStack): void {
  const account = emulatorAccount(stack, file.creds);
  const org = new AerialOrg(stack, ODD, { account, orgId: ORGS.prod });
  new ProductAssignment(stack, `${ODD}Products`, { org, productIds: ['P000052'] });
}

it('hands the hooks, the state and drift the literal as written', async () => {
  const { emu, creds } = file;
  const project = new E2eProject('literals');
  file.projects.push(project);
  project.synth(build);
  await project.init(creds);
  const r = await project.apply(creds);
  if (r.code !== 0) throw new Error(r.output);
  expect(r.output).toContain(`okta-aerial: aerial-org 'literals/${ODD}': linked org ${ORGS.prod}`);
  expect(r.output).toContain(`okta-aerial: product-assignment 'literals/${ODD}Products': `);
  expect((await remoteOrgs(emu))[ORGS.prod].enabledProducts).toEqual(['P000052']);
  const drift = await project.cli(['drift'], creds);
  expect(drift.output).toContain(`literals/${ODD}`);
  expect(drift.output).toContain(
    'drift: 2 constructs: 2 in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet',
  );
  emu.reset();
  const again = await project.apply(creds);
  expect(again.output).toContain('No changes.');
  expect(emu.stats().totalRequests).toBe(0);
});
