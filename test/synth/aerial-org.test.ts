import 'cdktf/lib/testing/adapters/jest';
import { DataResource } from 'cdktf';
import { AerialOrg, RemovalPolicy, SpecValidationError } from '../../src';
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

describe('AerialOrg', () => {
  describe('GIVEN an org named by id with default props', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: ORG_ID });
    const synthesized = synth(stack);
    const { identity, config } = lifecycleOf(synthesized, 'Prod');
    const account = demoAccount(newStack()).toSpec();

    it('exposes the org id and ref', () => {
      expect(org.orgId).toBe(ORG_ID);
      expect(org.orgRef).toEqual({ orgId: ORG_ID });
      expect(synthesized).toHaveResourceWithProperties(DataResource, {
        triggers_replace: { 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID },
      });
    });

    it('keys the identity on account + org only', () => {
      expect(identity.triggers_replace).toEqual({ 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID });
    });

    it('puts the key, connection, removal policy and deletion flag (not the status) in the identity input', () => {
      expect(identity.input).toEqual({
        v: 1,
        kind: 'aerial-org',
        role: 'identity',
        path: 'stack/Prod',
        removalPolicy: 'RETAIN',
        account,
        org: { orgId: ORG_ID },
        requestDeletion: false,
      });
    });

    it('runs the destroy hook from the identity with the spec from self.output in the environment', () => {
      const exec = localExec(identity);
      expect(exec.when).toBe('destroy');
      expect(exec.command).toMatch(
        /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook destroy$/,
      );
      expect(exec.environment).toEqual({ OKTA_AERIAL_SPEC: '${jsonencode(self.output)}' });
    });

    it('keys the config on key + status, holds the whole spec and depends on the identity', () => {
      expect(config.triggers_replace).toEqual({
        key: { 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID },
        state: { status: 'ACTIVE' },
      });
      expect(config.input).toEqual({
        v: 1,
        kind: 'aerial-org',
        path: 'stack/Prod',
        removalPolicy: 'RETAIN',
        account,
        org: { orgId: ORG_ID },
        status: 'ACTIVE',
        requestDeletion: false,
      });
      expect(config.depends_on).toEqual([
        `terraform_data.${logicalId(synthesized, 'terraform_data', 'Prod_Identity_')}`,
      ]);
    });

    it('carries a spec of literals as one JSON string with sorted keys, which Terraform plans cheaply', () => {
      for (const r of [identity, config]) {
        expect(typeof r.rawInput).toBe('string');
        const keys = Object.keys(JSON.parse(r.rawInput));
        expect(keys).toEqual([...keys].sort());
        expect(r.rawInput).toMatch(/^\{"account":\{"accountId":/);
      }
    });

    it('runs the apply hook at create with the spec from self.input, never in the command', () => {
      const exec = localExec(config);
      expect(exec.when).toBeUndefined();
      expect(exec.command).toMatch(
        /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook apply$/,
      );
      expect(exec.command).not.toContain(ORG_ID);
      expect(exec.command).not.toContain(ACCOUNT_ID);
      expect(exec.environment).toEqual({
        OKTA_AERIAL_SPEC: '${jsonencode(self.input)}',
      });
    });
  });

  it('names an org by domain and cell, with status and removal policy', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Eu', {
      account: demoAccount(stack),
      domain: 'acme-eu.okta.com',
      cell: 'eu1',
      status: 'INACTIVE',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const { identity, config } = lifecycleOf(synth(stack), 'Eu');
    expect(org.orgId).toBeUndefined();
    expect(org.orgRef).toEqual({ domain: 'acme-eu.okta.com', cell: 'eu1' });
    expect(identity.triggers_replace).toEqual({
      'account.accountId': ACCOUNT_ID,
      'org.domain': 'acme-eu.okta.com',
      'org.cell': 'eu1',
    });
    expect(identity.input.removalPolicy).toBe('DESTROY');
    expect(config.triggers_replace.state).toEqual({ status: 'INACTIVE' });
    expect(config.input.org).toEqual({ domain: 'acme-eu.okta.com', cell: 'eu1' });
  });

  it('sends a cell given with an org id when linking, but keys the org on its id alone', () => {
    const stack = newStack();
    new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: ORG_ID, cell: 'ok1' });
    const { identity, config } = lifecycleOf(synth(stack), 'Prod');
    expect(config.input.org).toEqual({ orgId: ORG_ID, cell: 'ok1' });
    expect(identity.triggers_replace).toEqual({ 'account.accountId': ACCOUNT_ID, 'org.orgId': ORG_ID });
  });

  it('keys a domain in one spelling, so a change of case is not a key change', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Eu', {
      account: demoAccount(stack),
      domain: 'Acme-EU.okta.com',
      cell: 'eu1',
    });
    expect(org.orgRef).toEqual({ domain: 'acme-eu.okta.com', cell: 'eu1' });
    expect(lifecycleOf(synth(stack), 'Eu').identity.triggers_replace['org.domain']).toBe('acme-eu.okta.com');
  });

  it('fails if two AerialOrgs manage one org, naming both paths', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1' });
    expect(
      errorOf(
        () =>
          new AerialOrg(stack, 'EuAgain', {
            account,
            domain: 'ACME-EU.okta.com',
            cell: 'eu1',
            status: 'INACTIVE',
          }),
      ).message,
    ).toBe(
      "AerialOrg 'stack/EuAgain' and AerialOrg 'stack/Eu' both manage org acme-eu.okta.com eu1 of account " +
        `${ACCOUNT_ID}; they would overwrite each other: keep one of them`,
    );
  });

  it('refuses one domain named with two cells: a domain names one org', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    new AerialOrg(stack, 'Ok1', { account, domain: 'acme.okta.com', cell: 'ok1' });
    expect(
      errorOf(() => new AerialOrg(stack, 'Ok2', { account, domain: 'acme.okta.com', cell: 'ok2' })).message,
    ).toMatch(/^AerialOrg 'stack\/Ok2' and AerialOrg 'stack\/Ok1' both manage org acme\.okta\.com/);
  });

  it('refuses a deletion request for an org named by domain', () => {
    const stack = newStack();
    const err = errorOf(
      () =>
        new AerialOrg(stack, 'Sbx', {
          account: demoAccount(stack, { environment: 'sandbox' }),
          domain: 'acme-sbx1.okta.com',
          cell: 'op3',
          removalPolicy: 'DESTROY',
          requestDeletionOnDestroy: true,
        }),
    );
    expect(err.message).toContain('requestDeletionOnDestroy needs the org named by orgId, not by domain');
  });

  it('allows a deletion request with DESTROY in the sandbox', () => {
    const stack = newStack();
    new AerialOrg(stack, 'Sbx', {
      account: demoAccount(stack, { environment: 'sandbox' }),
      orgId: '00oDemoSbxOrg0000001',
      removalPolicy: 'DESTROY',
      requestDeletionOnDestroy: true,
    });
    expect(lifecycleOf(synth(stack), 'Sbx').identity.input.requestDeletion).toBe(true);
  });

  it('fails with every problem in one error naming the construct path', () => {
    const stack = newStack();
    const err = errorOf(
      () =>
        new AerialOrg(stack, 'ProdOrg', {
          account: demoAccount(stack),
          orgId: 'abc',
          status: 'DELETED' as never,
          requestDeletionOnDestroy: true,
        }),
    );
    expect(err).toBeInstanceOf(SpecValidationError);
    expect(err.message).toBe(
      [
        "AerialOrg 'stack/ProdOrg' is invalid:",
        "  - status is 'DELETED'; use one of 'ACTIVE', 'INACTIVE'",
        "  - orgId 'abc' is not an Okta org id; expected 00o followed by 17 letters or digits",
        "  - requestDeletionOnDestroy is true but removalPolicy is 'RETAIN'; set removalPolicy to 'DESTROY' or drop requestDeletionOnDestroy",
        "  - requestDeletionOnDestroy is true but the account is 'production' and not a partner account; okta deletes orgs only in the sandbox or for partner accounts: use environment 'sandbox' or set partnerAccount",
      ].join('\n'),
    );
  });

  it('fails without an org ref, or with both forms', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    expect(errorOf(() => new AerialOrg(stack, 'None', { account })).message).toContain(
      'orgId, or domain and cell, is missing',
    );
    expect(
      errorOf(
        () => new AerialOrg(stack, 'Both', { account, orgId: ORG_ID, domain: 'acme.okta.com', cell: 'ok1' }),
      ).message,
    ).toContain('orgId and domain are both set');
    expect(
      errorOf(() => new AerialOrg(stack, 'NoCell', { account, domain: 'acme.okta.com' })).message,
    ).toContain('cell is missing');
  });

  it('renders an org id from another resource as a reference and skips it at synth', () => {
    const stack = newStack();
    const source = new DataResource(stack, 'Source', { input: { id: ORG_ID } });
    new AerialOrg(stack, 'FromToken', {
      account: demoAccount(stack),
      orgId: source.getStringAttribute('output.id'),
    });
    const { identity, config } = lifecycleOf(synth(stack), 'FromToken');
    expect(identity.triggers_replace['org.orgId']).toBe('${terraform_data.Source.output.id}');
    expect(config.input.org).toEqual({ orgId: '${terraform_data.Source.output.id}' });
    // A spec with a value from another resource stays an object: the plan shows what is known after apply.
    expect(typeof config.rawInput).toBe('object');
    expect(typeof identity.rawInput).toBe('object');
  });

  it('escapes literal ${ and %{ so Terraform never reads them as templates', () => {
    const stack = newStack();
    new AerialOrg(stack, 'Odd${x}%{y}', { account: demoAccount(stack), orgId: ORG_ID });
    const synthesized = synth(stack);
    const id = Object.keys(JSON.parse(synthesized).resource.terraform_data).find((k) => k.includes('Config'));
    const input = JSON.parse(synthesized).resource.terraform_data[id as string].input as string;
    expect(input).toContain('"path":"stack/Odd$${x}%%{y}"');
    expect(JSON.parse(input).path).toBe('stack/Odd$${x}%%{y}');
  });

  it('makes its config resource the default child, for escape hatches', () => {
    const stack = newStack();
    const org = new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: ORG_ID });
    expect(org.node.defaultChild).toBe(org.configResource);
  });

  it('names a missing account prop instead of failing on it', () => {
    const stack = newStack();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a plain JavaScript caller
    const err = errorOf(() => new AerialOrg(stack, 'NoAccount', { orgId: ORG_ID } as any));
    expect(err.message).toBe(
      "AerialOrg 'stack/NoAccount' is invalid:\n  - account is missing; pass the AerialAccount the org is linked to",
    );
  });

  it('renders a retired construct as removed blocks: out of the state, with its destroy hook', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    const live = new AerialOrg(stack, 'Live', { account, orgId: '00oDemoAcmeDev000001' });
    const old = new AerialOrg(stack, 'Old', {
      account,
      orgId: ORG_ID,
      removalPolicy: 'DESTROY',
      retired: true,
    });
    const json = JSON.parse(synth(stack));
    expect(Object.keys(json.resource.terraform_data).sort()).toEqual(
      [live.configResource.friendlyUniqueId, live.identityResource.friendlyUniqueId].sort(),
    );
    expect(json.removed).toEqual([
      {
        from: `terraform_data.${old.identityResource.friendlyUniqueId}`,
        lifecycle: { destroy: true },
        provisioner: [
          {
            'local-exec': {
              when: 'destroy',
              command: expect.stringMatching(
                /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '[^']*bin\/okta-aerial\.js' hook destroy$/,
              ),
              environment: { OKTA_AERIAL_SPEC: '${jsonencode(self.output)}' },
              quiet: true,
            },
          },
        ],
      },
      { from: `terraform_data.${old.configResource.friendlyUniqueId}`, lifecycle: { destroy: true } },
    ]);
    expect(old.identityResource.friendlyUniqueId).toMatch(/^Old_Identity_/);
  });
});
