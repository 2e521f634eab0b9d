import { App, TerraformStack } from 'cdktf';
import * as path from 'node:path';
import { AerialOrg, PrincipalRateLimit, ProductAssignment, oktaDeclarations } from '../../src';
import { cleanup, demoAccount, demoOktaOrg, tempRoot } from './helpers';

afterAll(cleanup);

const ORG_ID = '00o1a2b3c4d5e6f7g8h9';

/** Five constructs with five different problems, in one stack of a real App. */
function invalidStack(): { app: App; stack: TerraformStack } {
  const app = new App({ outdir: path.join(tempRoot(), 'five-invalid') });
  const stack = new TerraformStack(app, 'stack');
  const account = demoAccount(stack);
  const okta = demoOktaOrg(stack);
  new AerialOrg(stack, 'BadStatus', { account, orgId: ORG_ID, status: 'PAUSED' as never });
  new AerialOrg(stack, 'BadId', { account, orgId: 'not an id' });
  new ProductAssignment(stack, 'BadProducts', {
    org: new AerialOrg(stack, 'Ok', { account, orgId: '00oAAAAAAAAAAAAAAAAA' }),
    productIds: ['no spaces'],
  });
  new PrincipalRateLimit(stack, 'BadPercent', {
    org: okta,
    principalId: '0oa1',
    principalType: 'OAUTH_CLIENT',
    defaultPercentage: 0,
  });
  new AerialOrg(stack, 'Twice', { account, orgId: ORG_ID });
  return { app, stack };
}

describe('validation at synth', () => {
  it('reports every invalid construct of the app in one synth, each under its path', () => {
    const { app } = invalidStack();
    let message = '';
    try {
      app.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Validation failed with the following errors/);
    expect(message).toMatch(/\[stack\/BadStatus\] AerialOrg 'stack\/BadStatus' is invalid:\n\s+- status/);
    expect(message).toMatch(/\[stack\/BadId\] AerialOrg 'stack\/BadId' is invalid:\n\s+- orgId 'not an id'/);
    expect(message).toMatch(/\[stack\/BadProducts\] ProductAssignment 'stack\/BadProducts' is invalid/);
    expect(message).toMatch(/\[stack\/BadPercent\] PrincipalRateLimit 'stack\/BadPercent' is invalid/);
    expect(message).toMatch(
      /\[stack\/Twice\] AerialOrg 'stack\/Twice' and AerialOrg 'stack\/BadStatus' both manage org/,
    );
    expect(message).not.toMatch(/\[stack\/Ok\]/);
  });

  it('fails oktaDeclarations(stack) with the same problems, as synth would', () => {
    const { stack } = invalidStack();
    expect(() => oktaDeclarations(stack)).toThrow(/\[stack\/BadPercent\] PrincipalRateLimit/);
  });
});
