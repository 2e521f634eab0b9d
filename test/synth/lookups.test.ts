import { TerraformOutput, TerraformVariable, type TerraformStack } from 'cdktf';
import { AerialOrg, PrincipalRateLimit } from '../../src';
import { orgIdLookupKey, rateLimitIdLookupKey } from '../../src/contract';
import { cleanup, demoAccount, demoOktaOrg, errorOf, newStack, synth } from './helpers';

afterAll(cleanup);

const ORG_ID = '00o1a2b3c4d5e6f7g8h9';

function warnings(stack: TerraformStack): string[] {
  synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === '@cdktf/warn')
    .map((m) => String(m.data));
}

describe('attributes from synth-time lookups', () => {
  it('resolvedOrgId is the orgId prop when given, with no warning', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: ORG_ID });
    new TerraformOutput(stack, 'id', { value: org.resolvedOrgId });
    expect(JSON.parse(synth(stack)).output.id.value).toBe(ORG_ID);
    expect(warnings(stack)).toEqual([]);
  });

  it('an org named by domain is null with one warning naming the command, until the context has its id', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Eu', {
      account: demoAccount(stack),
      domain: 'Acme-EU.okta.com',
      cell: 'eu1',
    });
    new TerraformOutput(stack, 'a', { value: org.resolvedOrgId });
    new TerraformOutput(stack, 'b', { value: org.resolvedOrgId });
    expect(JSON.parse(synth(stack)).output.a.value).toBeNull();
    const w = warnings(stack);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(
      /the id of org acme-eu\.okta\.com is not known at synth yet .*'npx okta-aerial lookup'/,
    );

    const account = demoAccount(newStack());
    const key = orgIdLookupKey(account.accountId, 'acme-eu.okta.com');
    const known = newStack({ [key]: ORG_ID });
    const again = new AerialOrg(known, 'Eu', {
      account: demoAccount(known),
      domain: 'acme-eu.okta.com',
      cell: 'eu1',
    });
    new TerraformOutput(known, 'a', { value: again.resolvedOrgId });
    expect(JSON.parse(synth(known)).output.a.value).toBe(ORG_ID);
    expect(warnings(known)).toEqual([]);
  });

  it('entityId comes from the context by org URL (canonical) and principal', () => {
    const key = rateLimitIdLookupKey('https://acme-prod.okta.com:443/', 'SSWS_TOKEN', '00TCi');
    expect(key).toBe(rateLimitIdLookupKey('https://acme-prod.okta.com', 'SSWS_TOKEN', '00TCi'));
    const stack = newStack({ [key]: '0rl1' });
    const rl = new PrincipalRateLimit(stack, 'Ci', {
      org: demoOktaOrg(stack),
      principalId: '00TCi',
      principalType: 'SSWS_TOKEN',
    });
    new TerraformOutput(stack, 'id', { value: rl.entityId });
    expect(JSON.parse(synth(stack)).output.id.value).toBe('0rl1');
  });

  it('refuses a lookup whose key comes from another resource, saying what to do', () => {
    const stack = newStack();
    const domain = new TerraformVariable(stack, 'domain', { type: 'string' }).stringValue;
    const org = new AerialOrg(stack, 'Var', { account: demoAccount(stack), domain, cell: 'ok1' });
    expect(errorOf(() => org.resolvedOrgId).message).toMatch(
      /resolvedOrgId needs a literal domain .*pass orgId instead/,
    );
  });
});
