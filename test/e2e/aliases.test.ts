/**
 * One remote object named two ways that only the deploy can tell apart (issue: an org id and a domain; a
 * value from another resource): the second construct's hook fails with an error naming both constructs,
 * before it writes, instead of fighting the first; a re-run says the same (it does not depend on order).
 */
import { TerraformVariable, type TerraformStack } from 'cdktf';
import { AerialOrg, OktaOrg, PrincipalRateLimit } from '../../src/constructs';
import { ORGS, PRINCIPALS, limitOf, remoteOrgs, fileEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

const file = fileEmulator();

function project(name: string, build: (stack: TerraformStack) => void): E2eProject {
  const p = new E2eProject(name);
  file.projects.push(p);
  p.synth(build);
  return p;
}

const ALIAS =
  /(\S+ '[^']+') and (\S+ '[^']+') both manage (.+) \(they name it in two ways, which only the deploy could resolve\); they would overwrite each other: keep one of them/;

describe('aliases only the deploy can see', () => {
  it('an org by id and the same org by domain: the second hook fails naming both, and changes nothing', async () => {
    const p = project('orgalias', (stack) => {
      const account = emulatorAccount(stack, file.creds);
      new AerialOrg(stack, 'ById', { account, orgId: ORGS.prod, status: 'ACTIVE' });
      new AerialOrg(stack, 'ByDomain', {
        account,
        domain: 'acme-prod.okta.com',
        cell: 'ok1',
        status: 'INACTIVE',
      });
    });
    await p.init(file.creds);
    const first = await p.apply(file.creds);
    expect(first.code).not.toBe(0);
    const m = ALIAS.exec(first.output);
    expect(m).not.toBeNull();
    expect([m![1], m![2]].sort()).toEqual(["aerial-org 'orgalias/ByDomain'", "aerial-org 'orgalias/ById'"]);
    expect(m![3]).toContain(`org ${ORGS.prod} (acme-prod.okta.com)`);
    // Whichever ran first set its status; the other changed nothing.
    const status = (await remoteOrgs(file.emu))[ORGS.prod].status;
    const firstWasById = m![1] === "aerial-org 'orgalias/ByDomain'";
    expect(status).toBe(firstWasById ? 'ACTIVE' : 'INACTIVE');

    const again = await p.apply(file.creds);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(ALIAS);
    expect((await remoteOrgs(file.emu))[ORGS.prod].status).toBe(status);
  });

  it('a rate limit whose principal comes from another resource and one with the same principal literally', async () => {
    const p = project('prlalias', (stack) => {
      const api = new OktaOrg(stack, 'ProdApi', {
        orgUrl: file.creds.OKTA_ORG_URL_ACME_PROD,
        apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
      });
      const principal = new TerraformVariable(stack, 'principal', { type: 'string', default: PRINCIPALS.ci });
      new PrincipalRateLimit(stack, 'FromVariable', {
        org: api,
        principalId: principal.stringValue,
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 30,
      });
      new PrincipalRateLimit(stack, 'Literal', {
        org: api,
        principalId: PRINCIPALS.ci,
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 60,
      });
    });
    await p.init(file.creds);
    const r = await p.apply(file.creds);
    expect(r.code).not.toBe(0);
    const m = ALIAS.exec(r.output);
    expect(m).not.toBeNull();
    expect(m![3]).toContain(`rate limit of SSWS_TOKEN ${PRINCIPALS.ci}`);
    // The first claimant (named second in the message) wrote; the other changed nothing.
    const winner = m![2] === "principal-rate-limit 'prlalias/Literal'" ? 60 : 30;
    expect(limitOf((await remoteOrgs(file.emu))[ORGS.prod], PRINCIPALS.ci)).toEqual([winner, 50]);
  });
});
