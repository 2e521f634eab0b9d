/**
 * Retiring a construct with its removal-policy handling: `retired: true` renders Terraform `removed`
 * blocks (Terraform >= 1.9 runs destroy-time provisioners in them), so the next deploy takes the
 * construct out of the state and runs its destroy hook; deleting a construct outright runs no hook.
 */
import type { TerraformStack } from 'cdktf';
import { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit } from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import { ORGS, PRINCIPALS, limitOf, remoteOrgs, startTestEmulator } from './fixtures';
import { E2eProject } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

function build(limits: 'live' | 'retired' | 'gone') {
  return (stack: TerraformStack): void => {
    const account = new AerialAccount(stack, 'Account', {
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
    });
    new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod });
    if (limits === 'gone') return;
    const org = new OktaOrg(stack, 'ProdApi', {
      orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
    });
    const retired = limits === 'retired';
    new PrincipalRateLimit(stack, 'Ci', {
      org,
      principalId: PRINCIPALS.ci,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 30,
      defaultConcurrencyPercentage: 20,
      removalPolicy: 'DESTROY',
      retired,
    });
    new PrincipalRateLimit(stack, 'Ops', {
      org,
      principalId: PRINCIPALS.ops,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 70,
      defaultConcurrencyPercentage: 60,
      retired,
    });
  };
}

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('retire');
  project.synth(build('live'));
  await project.init(creds);
  const r = await project.apply(creds);
  if (r.code !== 0) throw new Error(r.output);
});

afterAll(async () => {
  await emu?.stop();
  project?.cleanup();
});

describe('retiring constructs', () => {
  it("shows each retired construct's handling in okta-aerial plan", async () => {
    project.synth(build('retired'));
    const plan = await project.terraform(['plan', '-no-color', '-input=false'], creds);
    expect(plan.output).toContain('Plan: 0 to add, 0 to change, 4 to destroy.');
    const okta = await project.cli(['plan'], creds);
    expect(okta.code).toBe(0);
    const line = (name: string) => okta.output.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    expect(line('Ci')).toMatch(/retired from the stack: .*50%\/50% \(DESTROY\)/);
    expect(line('Ops')).toMatch(/retired from the stack: .*retained \(RETAIN\)/);
  });

  it('runs the destroy hook per removal policy and takes the resources out of the state', async () => {
    emu.reset();
    const r = await project.apply(creds);
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toContain('0 added, 0 changed, 4 destroyed');
    const orgs = await remoteOrgs(emu);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([50, 50]); // DESTROY: reset to Okta's default
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ops)).toEqual([70, 60]); // RETAIN: left as it is
    expect(r.output).toMatch(
      /okta-aerial: principal-rate-limit 'retire\/Ops': .*retained \(removalPolicy RETAIN\)/,
    );
  });

  it('leaves nothing to do once the retired constructs are deleted from the code', async () => {
    project.synth(build('gone'));
    const plan = await project.terraform(['plan', '-no-color', '-input=false', '-detailed-exitcode'], creds);
    expect(plan.code).toBe(0);
  });
});
