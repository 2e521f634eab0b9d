/**
 * Linking a new org end to end: an AerialOrg given the org's own connection (consentFrom) grants the org's
 * Aerial consent to the account from the org's side, then links it, sets its status and its products, in
 * one deploy, on the real terraform. A grant already there counts as done; consent given to another
 * account is a clear error; destroy never revokes consent.
 */
import { AerialOrg, OktaOrg, ProductAssignment } from '../../src/constructs';
import { remoteOrgs, fileEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

const NO_CONSENT = '00oDemoNoConsent0001';
const OTHER_ACCOUNT_ORG = '00oDemoOtherAcct0001';

const file = fileEmulator();

describe('an AerialOrg with consentFrom', () => {
  it('takes an org without consent to linked, ACTIVE and with its products in one deploy; a re-run is a no-op', async () => {
    const project = new E2eProject('consent');
    file.projects.push(project);
    project.synth((stack) => {
      const org = new AerialOrg(stack, 'New', {
        account: emulatorAccount(stack, file.creds),
        orgId: NO_CONSENT,
        consentFrom: new OktaOrg(stack, 'NewApi', {
          orgUrl: file.creds.OKTA_ORG_URL_ACME_NOCONSENT,
          apiTokenEnv: 'OKTA_API_TOKEN_ACME_NOCONSENT',
        }),
      });
      new ProductAssignment(stack, 'NewProducts', { org, productIds: ['P000052'] });
    });
    await project.init(file.creds);
    const r = await project.apply(file.creds);
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toContain(`granted Aerial consent to account ${file.creds.OKTA_AERIAL_ACCOUNT_ID}`);
    expect(r.output).toContain(`linked org ${NO_CONSENT} to account ${file.creds.OKTA_AERIAL_ACCOUNT_ID}`);
    expect((await remoteOrgs(file.emu))[NO_CONSENT]).toMatchObject({
      consentAccountId: file.creds.OKTA_AERIAL_ACCOUNT_ID,
      linkedAccountId: file.creds.OKTA_AERIAL_ACCOUNT_ID,
      status: 'ACTIVE',
      enabledProducts: ['P000052'],
    });

    const plan = await project.terraform(
      ['plan', '-detailed-exitcode', '-no-color', '-input=false'],
      file.creds,
    );
    expect(plan.code).toBe(0);

    // Destroy (RETAIN) leaves the org and its consent as they are: Okta refuses to revoke a linked org's.
    const destroyed = await project.destroy(file.creds);
    expect(destroyed.code).toBe(0);
    expect((await remoteOrgs(file.emu))[NO_CONSENT]).toMatchObject({
      consentAccountId: file.creds.OKTA_AERIAL_ACCOUNT_ID,
      linkedAccountId: file.creds.OKTA_AERIAL_ACCOUNT_ID,
    });
  });

  it('says so when the org consented to another account, and changes nothing', async () => {
    const project = new E2eProject('othercons');
    file.projects.push(project);
    project.synth((stack) => {
      new AerialOrg(stack, 'Other', {
        account: emulatorAccount(stack, file.creds),
        orgId: OTHER_ACCOUNT_ORG,
        consentFrom: new OktaOrg(stack, 'OtherApi', {
          orgUrl: file.creds.OKTA_ORG_URL_OTHER_CO,
          apiTokenEnv: 'OKTA_API_TOKEN_OTHER_CO',
        }),
      });
    });
    await project.init(file.creds);
    const before = (await remoteOrgs(file.emu))[OTHER_ACCOUNT_ORG];
    const r = await project.apply(file.creds);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(
      /has granted its Aerial consent to account \S+, not \S+; an org consents to one account: revoke that grant in the org/,
    );
    expect((await remoteOrgs(file.emu))[OTHER_ACCOUNT_ORG]).toEqual(before);
  });
});
