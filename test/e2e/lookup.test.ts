/**
 * Attributes other resources can use, on the real terraform: AerialOrg.resolvedOrgId of an org named by
 * domain and PrincipalRateLimit.entityId are null (with a synth warning) until `okta-aerial lookup` reads
 * them from Okta after the deploy that creates them; it stores them in cdktf.json's context, and the next
 * synth renders them as literals, known at plan time, without re-running any hook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformOutput, type TerraformStack } from 'cdktf';
import { AerialOrg, OktaOrg, PrincipalRateLimit } from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import { ORGS, PRINCIPALS, remoteOrgs, startTestEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('lookup');
});

afterAll(async () => {
  project?.cleanup();
  await emu?.stop();
});

function build(stack: TerraformStack): void {
  const account = emulatorAccount(stack, creds);
  const eu = new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1' });
  const api = new OktaOrg(stack, 'ProdApi', {
    orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
    apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
  });
  const ci = new PrincipalRateLimit(stack, 'Ci', {
    org: api,
    principalId: PRINCIPALS.ci,
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 30,
    defaultConcurrencyPercentage: 20,
  });
  new TerraformOutput(stack, 'eu_org_id', { value: eu.resolvedOrgId });
  new TerraformOutput(stack, 'ci_rate_limit_id', { value: ci.entityId });
}

const outputs = async (): Promise<Record<string, { value: unknown }>> => {
  const r = await project.terraform(['output', '-json', '-no-color'], creds);
  expect(r.code).toBe(0);
  return JSON.parse(r.output) as Record<string, { value: unknown }>;
};

describe('okta-aerial lookup', () => {
  it('fills resolvedOrgId and entityId in after the deploy, through cdktf.json, without re-running a hook', async () => {
    project.synth(build);
    await project.init(creds);
    const first = await project.apply(creds);
    expect(first.code).toBe(0);
    expect(await outputs()).toEqual({}); // null outputs are left out

    const cdktfJson = path.join(project.dir, 'cdktf.json');
    fs.writeFileSync(cdktfJson, JSON.stringify({ language: 'typescript', app: 'node main.js' }));
    const looked = await project.cli(['lookup'], creds);
    expect(looked.output).toContain(`org acme-eu.okta.com: ${ORGS.eu}\n`);
    const entity = (await remoteOrgs(emu))[ORGS.prod].rateLimits.find(
      (r) => r.principalId === PRINCIPALS.ci,
    ) as { id?: string } | undefined;
    expect(looked.output).toContain(
      `rate limit of SSWS_TOKEN ${PRINCIPALS.ci} in ${creds.OKTA_ORG_URL_ACME_PROD}: ${entity?.id}`,
    );
    expect(looked.output).toContain("2 value(s) stored in cdktf.json's context; synth again to use them");
    expect(looked.code).toBe(0);
    const { context } = JSON.parse(fs.readFileSync(cdktfJson, 'utf8')) as { context: Record<string, string> };
    expect(Object.values(context).sort()).toEqual([ORGS.eu, entity?.id].sort());

    // cdktf passes cdktf.json's context to the app; the next synth renders literals.
    project.synth(build, context);
    const second = await project.apply(creds);
    expect(second.code).toBe(0);
    expect(second.output).not.toContain('okta-aerial:'); // no hook ran
    expect(await outputs()).toEqual({
      eu_org_id: expect.objectContaining({ value: ORGS.eu }),
      ci_rate_limit_id: expect.objectContaining({ value: entity?.id }),
    });

    const again = await project.cli(['lookup'], creds);
    expect(again.output).toContain('nothing new; cdktf.json is unchanged');
  });
});
