import 'cdktf/lib/testing/adapters/jest';
import { AerialOrg, ProductAssignment, SpecValidationError } from '../../src';
import {
  ACCOUNT_ID,
  cleanup,
  demoAccount,
  errorOf,
  lifecycleOf,
  localExec,
  logicalId,
  newStack,
  synth,
} from './helpers';

afterAll(cleanup);

const ORG_ID = '00oDemoAcmeProd00001';

describe('ProductAssignment', () => {
  describe('GIVEN an assignment for an AerialOrg of the stack', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    const org = new AerialOrg(stack, 'Prod', { account, orgId: ORG_ID });
    new ProductAssignment(stack, 'ProdProducts', { org, productIds: ['P000131', 'P000052', 'P000131'] });
    const synthesized = synth(stack);
    const { identity, config } = lifecycleOf(synthesized, 'ProdProducts');
    const key = { 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID };

    it('keys the identity on account + org and gives it what destroy needs: the product ids', () => {
      expect(identity.triggers_replace).toEqual(key);
      expect(identity.input).toEqual({
        v: 1,
        kind: 'product-assignment',
        role: 'identity',
        path: 'stack/ProdProducts',
        removalPolicy: 'RETAIN',
        account: account.toSpec(),
        org: { orgId: ORG_ID },
        productIds: ['P000052', 'P000131'],
      });
      expect(localExec(identity)).toEqual({
        when: 'destroy',
        command: expect.stringMatching(
          /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook destroy$/,
        ),
        environment: { OKTA_AERIAL_SPEC: '${jsonencode(self.output)}' },
        quiet: true, // Terraform does not echo the command; the hook prints its own result line
      });
    });

    it('renders the product ids sorted and unique, as the desired state of the config', () => {
      expect(config.triggers_replace).toEqual({
        key,
        state: { productIds: ['P000052', 'P000131'] },
      });
      expect(config.input.productIds).toEqual(['P000052', 'P000131']);
      expect(config.input.role).toBeUndefined();
      expect(localExec(config)).toEqual({
        command: expect.stringMatching(
          /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook apply$/,
        ),
        environment: {
          OKTA_AERIAL_SPEC: '${jsonencode(self.input)}',
        },
        quiet: true,
      });
    });

    it("waits for the org's link: the identity depends on the AerialOrg's config resource", () => {
      expect(identity.depends_on).toEqual([
        `terraform_data.${logicalId(synthesized, 'terraform_data', 'Prod_Config_')}`,
      ]);
      expect(config.depends_on).toEqual([
        `terraform_data.${logicalId(synthesized, 'terraform_data', 'ProdProducts_Identity_')}`,
      ]);
    });
  });

  it('assigns products to an org linked outside the stack, with DESTROY and an empty list allowed', () => {
    const stack = newStack();
    const org = AerialOrg.fromOrgId(stack, 'Dev', demoAccount(stack), '00oDemoAcmeDev000001');
    new ProductAssignment(stack, 'DevProducts', { org, productIds: [], removalPolicy: 'DESTROY' });
    const { identity, config } = lifecycleOf(synth(stack), 'DevProducts');
    expect(identity.depends_on).toBeUndefined();
    expect(identity.input).toMatchObject({
      removalPolicy: 'DESTROY',
      productIds: [],
      org: { orgId: '00oDemoAcmeDev000001' },
    });
    expect(config.triggers_replace.state).toEqual({ productIds: [] });
  });

  it('fails for bad product ids and removal policy, all in one error', () => {
    const stack = newStack();
    const org = AerialOrg.fromOrgId(stack, 'Dev', demoAccount(stack), '00oDemoAcmeDev000001');
    const err = errorOf(
      () =>
        new ProductAssignment(stack, 'Bad', {
          org,
          productIds: ['SSO', 'P52'],
          removalPolicy: 'KEEP' as never,
        }),
    );
    expect(err).toBeInstanceOf(SpecValidationError);
    expect(err.message).toBe(
      [
        "ProductAssignment 'stack/Bad' is invalid:",
        "  - removalPolicy is 'KEEP'; use one of 'RETAIN', 'DESTROY'",
        "  - productIds entry 'P52' is not a product id; expected P followed by 6 digits like 'P000052'",
        "  - productIds entry 'SSO' is not a product id; expected P followed by 6 digits like 'P000052'",
      ].join('\n'),
    );
  });

  it('fails for a bad org id given to fromOrgId', () => {
    const stack = newStack();
    const org = AerialOrg.fromOrgId(stack, 'Dev', demoAccount(stack), 'acme-dev');
    expect(errorOf(() => new ProductAssignment(stack, 'P', { org, productIds: [] })).message).toContain(
      "orgId 'acme-dev' is not an Okta org id",
    );
  });

  it('refuses two assignments for one org in a stack, naming both construct paths', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    const org = new AerialOrg(stack, 'Prod', { account, orgId: ORG_ID });
    new ProductAssignment(stack, 'First', { org, productIds: ['P000052'] });
    const again = AerialOrg.fromOrgId(stack, 'ProdAgain', account, ORG_ID);
    expect(
      errorOf(() => new ProductAssignment(stack, 'Second', { org: again, productIds: [] })).message,
    ).toBe(
      `ProductAssignment 'stack/Second' and ProductAssignment 'stack/First' both manage the products of org ${ORG_ID} ` +
        `of account ${ACCOUNT_ID}; they would overwrite each other: keep one of them`,
    );
  });

  it('allows assignments for the same org id in different accounts or stacks', () => {
    const stack = newStack();
    const a = demoAccount(stack);
    const b = demoAccount(stack, { accountId: '0227otheraerialaccount00001' }, 'Other');
    new ProductAssignment(stack, 'A', { org: AerialOrg.fromOrgId(stack, 'OrgA', a, ORG_ID), productIds: [] });
    new ProductAssignment(stack, 'B', { org: AerialOrg.fromOrgId(stack, 'OrgB', b, ORG_ID), productIds: [] });
    const other = newStack();
    new ProductAssignment(other, 'A', {
      org: AerialOrg.fromOrgId(other, 'OrgA', demoAccount(other), ORG_ID),
      productIds: [],
    });
    expect(synth(stack)).toContain('B_Identity_');
  });

  it('refuses at synth a spec too large for the environment variable a hook receives it in', () => {
    const stack = newStack();
    const org = AerialOrg.fromOrgId(stack, 'Big', demoAccount(stack), '00oDemoAcmeDev000001');
    const productIds = Array.from({ length: 15000 }, (_, i) => `P${String(i).padStart(6, '0')}`);
    const err = errorOf(() => new ProductAssignment(stack, 'TooMany', { org, productIds }));
    expect(err.message).toMatch(
      /^ProductAssignment 'stack\/TooMany' is invalid:\n {2}- its spec is \d+ bytes; a hook receives it in one environment variable, which the OS limits to 130048 bytes/,
    );
  });
});
