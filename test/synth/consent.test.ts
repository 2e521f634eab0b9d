import { AerialOrg, OktaOrg } from '../../src';
import { cleanup, demoAccount, errorOf, newStack, resource, synth } from './helpers';

afterAll(cleanup);

describe('AerialOrg consentFrom', () => {
  it("puts the org's connection in the apply spec only, never in the destroy hook's", () => {
    const stack = newStack();
    new AerialOrg(stack, 'New', {
      account: demoAccount(stack),
      domain: 'acme-new.okta.com',
      cell: 'ok1',
      consentFrom: new OktaOrg(stack, 'NewApi', {
        orgUrl: 'https://acme-new.okta.com',
        apiTokenEnv: 'NEW_TOKEN',
      }),
    });
    const out = synth(stack);
    expect(resource(out, 'terraform_data', 'New_Config_').input.consent).toMatchObject({
      orgUrl: 'https://acme-new.okta.com',
      auth: { type: 'ssws', tokenEnv: 'NEW_TOKEN' },
    });
    expect(resource(out, 'terraform_data', 'New_Identity_').input.consent).toBeUndefined();
    expect(out).not.toMatch(/"NEW_TOKEN":/); // a name, never a value
  });

  it('refuses the connection of another org, naming both', () => {
    const stack = newStack();
    const err = errorOf(
      () =>
        new AerialOrg(stack, 'New', {
          account: demoAccount(stack),
          domain: 'acme-new.okta.com',
          cell: 'ok1',
          consentFrom: new OktaOrg(stack, 'OtherApi', { orgUrl: 'https://acme-other.okta.com' }),
        }),
    );
    expect(err.message).toContain(
      'consentFrom is the org at https://acme-other.okta.com, but the org to link is acme-new.okta.com; pass the OktaOrg of acme-new.okta.com',
    );
  });
});
