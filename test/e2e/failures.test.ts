/**
 * What a person sees when a deploy fails: terraform exits non-zero, and the hook's message names the
 * resource, what failed, Okta's errorCode/errorSummary/errorId and what to do, without any secret.
 */
import { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit } from '../../src/constructs';
import { secretValues, fileEmulator } from './fixtures';
import { E2eProject } from './harness';

const file = fileEmulator();

function account(stack: import('cdktf').TerraformStack): AerialAccount {
  return new AerialAccount(stack, 'Account', {
    accountId: file.creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: file.creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: file.creds.OKTA_AERIAL_TOKEN_URL,
    clientId: file.creds.OKTA_AERIAL_CLIENT_ID,
  });
}

describe('a failing hook', () => {
  it("reports Okta's error for the resource and what to do", async () => {
    const project = new E2eProject('failures');
    file.projects.push(project);
    project.synth((stack) => {
      new AerialOrg(stack, 'NoConsent', { account: account(stack), orgId: '00oDemoNoConsent0001' });
    });
    await project.init(file.creds);
    const r = await project.apply(file.creds);
    expect(r.code).not.toBe(0);
    const flat = r.output.replace(/\s+/g, ' ');
    expect(flat).toContain("apply failed for aerial-org 'failures/NoConsent'");
    expect(flat).toMatch(/linkOrg/);
    expect(flat).toMatch(/E0000001/);
    expect(flat).toMatch(/errorId \w+/);
    expect(flat).toContain('re-run the deploy');
    for (const secret of secretValues(file.creds)) expect(r.output.includes(secret)).toBe(false);
  });

  it('names the missing environment variable of a credential', async () => {
    const project = new E2eProject('missing');
    file.projects.push(project);
    project.synth((stack) => {
      const api = new OktaOrg(stack, 'Api', {
        orgUrl: file.creds.OKTA_ORG_URL_ACME_DEV,
        apiTokenEnv: 'OKTA_API_TOKEN_NOT_SET',
      });
      new PrincipalRateLimit(stack, 'Ci', {
        org: api,
        principalId: '00TDemoCiToken000001',
        principalType: 'SSWS_TOKEN',
      });
    });
    await project.init(file.creds);
    const r = await project.apply(file.creds);
    expect(r.code).not.toBe(0);
    const flat = r.output.replace(/\s+/g, ' ');
    expect(flat).toContain("apply failed for principal-rate-limit 'missing/Ci'");
    expect(flat).toContain('environment variable OKTA_API_TOKEN_NOT_SET');
  });
});
