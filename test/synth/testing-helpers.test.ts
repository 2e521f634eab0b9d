/** The testing helpers a user calls on Testing.synth output, in both renderings. */
import { DataResource } from 'cdktf';
import { AerialOrg, PrincipalRateLimit, ProductAssignment, oktaDeclarations } from '../../src';
import { ACCOUNT_ID, cleanup, demoAccount, demoOktaOrg, newStack, synth } from './helpers';

afterAll(cleanup);

describe.each(['terraform_data', 'null_resource'] as const)('oktaDeclarations (%s)', (rendering) => {
  const stack = newStack();
  const account = demoAccount(stack, { rendering });
  const prod = new AerialOrg(stack, 'Prod', {
    account,
    orgId: '00oDemoAcmeProd00001',
    removalPolicy: 'DESTROY',
  });
  new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1', status: 'INACTIVE' });
  new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: ['P000131', 'P000052'] });
  const app = new DataResource(stack, 'App', { input: { id: '0oaDemoSyncApp000001' } });
  new PrincipalRateLimit(stack, 'Sync', {
    org: demoOktaOrg(stack, { rendering }),
    principalId:
      rendering === 'terraform_data' ? app.getStringAttribute('output.id') : '0oaDemoSyncApp000001',
    principalType: 'OAUTH_CLIENT',
    defaultPercentage: 30,
  });
  // Testing.synth output for terraform_data; the stack itself for null_resource (Testing.synth drops `//`).
  const declared = oktaDeclarations(rendering === 'terraform_data' ? synth(stack) : stack);

  it('lists the orgs with their status and removal policy', () => {
    expect(declared.orgs).toEqual([
      {
        path: 'stack/Eu',
        accountId: ACCOUNT_ID,
        domain: 'acme-eu.okta.com',
        cell: 'eu1',
        status: 'INACTIVE',
        removalPolicy: 'RETAIN',
      },
      {
        path: 'stack/Prod',
        accountId: ACCOUNT_ID,
        orgId: '00oDemoAcmeProd00001',
        status: 'ACTIVE',
        removalPolicy: 'DESTROY',
      },
    ]);
  });

  it('lists the product sets, sorted', () => {
    expect(declared.productAssignments).toEqual([
      {
        path: 'stack/ProdProducts',
        accountId: ACCOUNT_ID,
        orgId: '00oDemoAcmeProd00001',
        productIds: ['P000052', 'P000131'],
        removalPolicy: 'RETAIN',
      },
    ]);
  });

  it('lists the rate limits, values from other resources as their expressions', () => {
    expect(declared.rateLimits).toEqual([
      {
        path: 'stack/Sync',
        orgUrl: 'https://acme-prod.okta.com',
        principalId:
          rendering === 'terraform_data' ? '${terraform_data.App.output.id}' : '0oaDemoSyncApp000001',
        principalType: 'OAUTH_CLIENT',
        defaultPercentage: 30,
        defaultConcurrencyPercentage: 50,
        removalPolicy: 'RETAIN',
      },
    ]);
  });
});
