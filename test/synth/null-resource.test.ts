import 'cdktf/lib/testing/adapters/jest';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { DataResource } from 'cdktf';
import { AerialOrg, PrincipalRateLimit, ProductAssignment } from '../../src';
import {
  ACCOUNT_ID,
  cleanup,
  demoAccount,
  demoOktaOrg,
  errorOf,
  lifecycleOf,
  localExec,
  logicalId,
  newStack,
  resourcesOf,
  synth,
} from './helpers';

afterAll(cleanup);

const ORG_ID = '00oDemoAcmeProd00001';

describe('null_resource rendering', () => {
  describe('GIVEN an org, its products and a rate limit rendered as null_resource', () => {
    const stack = newStack();
    const account = demoAccount(stack, { rendering: 'null_resource' });
    const org = new AerialOrg(stack, 'Prod', { account, orgId: ORG_ID, removalPolicy: 'DESTROY' });
    new ProductAssignment(stack, 'Products', { org, productIds: ['P000131', 'P000052'] });
    const syncApp = new DataResource(stack, 'SyncApp', { input: { id: '0oaDemoSyncApp000001' } });
    const oktaOrg = demoOktaOrg(stack, { rendering: 'null_resource' });
    new PrincipalRateLimit(stack, 'Sync', {
      org: oktaOrg,
      principalId: syncApp.getStringAttribute('output.id'),
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 30,
    });
    const synthesized = synth(stack);
    const orgLc = lifecycleOf(synthesized, 'Prod', 'null_resource');
    const prlLc = lifecycleOf(synthesized, 'Sync', 'null_resource');

    it('adds the null provider once and renders no terraform_data of its own', () => {
      expect(synthesized).toHaveProvider(NullProvider);
      expect(JSON.parse(synthesized).provider.null).toHaveLength(1);
      expect(Object.keys(resourcesOf(synthesized, 'terraform_data'))).toEqual(['SyncApp']);
      expect(Object.keys(resourcesOf(synthesized, 'null_resource'))).toHaveLength(6);
    });

    it('keys the identity triggers on the natural key, as dotted spec paths', () => {
      expect(orgLc.identity.triggers).toEqual({ 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID });
      expect(prlLc.identity.triggers).toEqual({
        'org.orgUrl': 'https://acme-prod.okta.com',
        principalId: '${terraform_data.SyncApp.output.id}',
      });
    });

    it('gives the destroy hook the identity spec as a literal and the key from self.triggers', () => {
      const exec = localExec(orgLc.identity);
      expect(exec.when).toBe('destroy');
      expect(exec.command).toMatch(
        /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook destroy$/,
      );
      expect(exec.environment.OKTA_AERIAL_SPEC_KEY).toBe('${jsonencode(self.triggers)}');
      expect(JSON.parse(exec.environment.OKTA_AERIAL_SPEC)).toEqual({
        v: 1,
        kind: 'aerial-org',
        role: 'identity',
        path: 'stack/Prod',
        removalPolicy: 'DESTROY',
        account: account.toSpec(),
        org: { orgId: ORG_ID },
        requestDeletion: false,
      });
    });

    it('leaves a key value from another resource out of the literal (the hook overlays it from the key)', () => {
      const literal = JSON.parse(localExec(prlLc.identity).environment.OKTA_AERIAL_SPEC);
      expect(literal.principalId).toBeUndefined();
      expect(literal).toMatchObject({
        role: 'identity',
        principalType: 'OAUTH_CLIENT',
        org: oktaOrg.toSpec(),
      });
    });

    it('keys the config triggers on jsonencode(key) and jsonencode(state) and depends on the identity', () => {
      expect(orgLc.config.triggers).toEqual({
        key: `\${jsonencode({"account.accountId" = "${ACCOUNT_ID}", "org.orgId" = "${ORG_ID}"})}`,
        state: '${jsonencode({"status" = "ACTIVE"})}',
      });
      expect(prlLc.config.triggers.key).toBe(
        '${jsonencode({"org.orgUrl" = "https://acme-prod.okta.com", "principalId" = terraform_data.SyncApp.output.id})}',
      );
      expect(orgLc.config.depends_on).toEqual([
        `null_resource.${logicalId(synthesized, 'null_resource', 'Prod_Identity_')}`,
      ]);
      const products = lifecycleOf(synthesized, 'Products', 'null_resource');
      expect(products.config.triggers.state).toBe('${jsonencode({"productIds" = ["P000052", "P000131"]})}');
      expect(products.identity.depends_on).toEqual([
        `null_resource.${logicalId(synthesized, 'null_resource', 'Prod_Config_')}`,
      ]);
    });

    it('gives the apply hook the whole spec through jsonencode, references resolved by Terraform', () => {
      const exec = localExec(prlLc.config);
      expect(exec.when).toBeUndefined();
      expect(exec.command).toMatch(
        /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook apply$/,
      );
      expect(exec.environment.OKTA_AERIAL_SPEC).toMatch(
        /^\$\{jsonencode\(\{"v" = 1, "kind" = "principal-rate-limit", /,
      );
      expect(exec.environment.OKTA_AERIAL_SPEC).toContain('"principalId" = terraform_data.SyncApp.output.id');
      expect(exec.environment.OKTA_AERIAL_SPEC).toContain('"defaultPercentage" = 30');
      expect(exec.command).not.toContain('principal');
    });
  });

  it('refuses a value from another resource outside the key, pointing to terraform_data', () => {
    const stack = newStack();
    const source = new DataResource(stack, 'Source', { input: { url: 'https://aerial-apac.okta.com' } });
    const account = demoAccount(stack, {
      rendering: 'null_resource',
      baseUrl: source.getStringAttribute('output.url'),
    });
    expect(errorOf(() => new AerialOrg(stack, 'Prod', { account, orgId: ORG_ID })).message).toBe(
      "AerialOrg 'stack/Prod' cannot use the null_resource rendering: account.baseUrl is a value from another resource, " +
        "and null_resource can pass only literals to its destroy hook; use rendering 'terraform_data' (the default)",
    );
  });

  it('refuses product ids from another resource (destroy needs them as literals)', () => {
    const stack = newStack();
    const source = new DataResource(stack, 'Source', { input: { p: 'P000052' } });
    const org = AerialOrg.fromOrgId(
      stack,
      'Prod',
      demoAccount(stack, { rendering: 'null_resource' }),
      ORG_ID,
    );
    expect(
      errorOf(
        () => new ProductAssignment(stack, 'P', { org, productIds: [source.getStringAttribute('output.p')] }),
      ).message,
    ).toContain('cannot use the null_resource rendering: productIds[0] is a value from another resource');
  });

  it('reuses a null provider the stack already has', () => {
    const stack = newStack();
    new NullProvider(stack, 'mine');
    new AerialOrg(stack, 'Prod', {
      account: demoAccount(stack, { rendering: 'null_resource' }),
      orgId: ORG_ID,
    });
    expect(JSON.parse(synth(stack)).provider.null).toHaveLength(1);
  });
});
