import 'cdktf/lib/testing/adapters/jest';
import { DataResource, TerraformVariable, Token } from 'cdktf';
import { PrincipalRateLimit, SpecValidationError } from '../../src';
import { cleanup, demoOktaOrg, errorOf, lifecycleOf, localExec, logicalId, newStack, synth } from './helpers';

afterAll(cleanup);

const ORG_URL = 'https://acme-prod.okta.com';

describe('PrincipalRateLimit', () => {
  describe('GIVEN a limit with default percentages', () => {
    const stack = newStack();
    const org = demoOktaOrg(stack, { apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD' });
    new PrincipalRateLimit(stack, 'Ci', {
      org,
      principalId: '00TDemoCiToken000001',
      principalType: 'SSWS_TOKEN',
    });
    const synthesized = synth(stack);
    const { identity, config } = lifecycleOf(synthesized, 'Ci');
    const key = { 'org.orgUrl': ORG_URL, principalId: '00TDemoCiToken000001' };

    it('keys the identity on org url + principal id, with the principal type for the reset', () => {
      expect(identity.triggers_replace).toEqual(key);
      expect(identity.input).toEqual({
        v: 1,
        kind: 'principal-rate-limit',
        role: 'identity',
        path: 'stack/Ci',
        removalPolicy: 'RETAIN',
        org: org.toSpec(),
        principalId: '00TDemoCiToken000001',
        principalType: 'SSWS_TOKEN',
      });
      expect(localExec(identity)).toMatchObject({
        when: 'destroy',
        environment: { OKTA_AERIAL_SPEC: '${jsonencode(self.output)}' },
      });
    });

    it("defaults to Okta's 50 / 50 and keys the config on key + type + percentages", () => {
      expect(config.triggers_replace).toEqual({
        key,
        state: { principalType: 'SSWS_TOKEN', defaultPercentage: 50, defaultConcurrencyPercentage: 50 },
      });
      expect(config.input).toMatchObject({ defaultPercentage: 50, defaultConcurrencyPercentage: 50 });
      expect(config.depends_on).toEqual([
        `terraform_data.${logicalId(synthesized, 'terraform_data', 'Ci_Identity_')}`,
      ]);
      expect(localExec(config)).toMatchObject({
        environment: { OKTA_AERIAL_SPEC: '${jsonencode(self.input)}' },
      });
      expect(localExec(config).command).not.toContain('00TDemoCiToken000001');
    });

    it('holds only the name of the token env var', () => {
      expect(config.input.org.auth).toEqual({ type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_PROD' });
    });
  });

  it('renders a principal id from another resource as a Terraform reference (checked by the hook, not at synth)', () => {
    const stack = newStack();
    const app = new DataResource(stack, 'SyncApp', { input: { id: '0oaDemoSyncApp000001', share: 30 } });
    const percentage = Token.asNumber(app.getStringAttribute('output.share'));
    new PrincipalRateLimit(stack, 'Sync', {
      org: demoOktaOrg(stack),
      principalId: app.getStringAttribute('output.id'),
      principalType: 'OAUTH_CLIENT',
      defaultConcurrencyPercentage: percentage,
    });
    const { identity, config } = lifecycleOf(synth(stack), 'Sync');
    expect(identity.triggers_replace.principalId).toBe('${terraform_data.SyncApp.output.id}');
    expect(identity.input.principalId).toBe('${terraform_data.SyncApp.output.id}');
    expect(config.triggers_replace.key.principalId).toBe('${terraform_data.SyncApp.output.id}');
    expect(config.input.principalId).toBe('${terraform_data.SyncApp.output.id}');
    expect(config.input.defaultConcurrencyPercentage).toBe('${terraform_data.SyncApp.output.share}');
  });

  it('fails with every problem in one error', () => {
    const stack = newStack();
    const err = errorOf(
      () =>
        new PrincipalRateLimit(stack, 'Bad', {
          org: demoOktaOrg(stack),
          principalId: '00T-not-an-id',
          principalType: 'USER' as never,
          defaultPercentage: 120,
          defaultConcurrencyPercentage: 0.5,
        }),
    );
    expect(err).toBeInstanceOf(SpecValidationError);
    expect(err.message).toBe(
      [
        "PrincipalRateLimit 'stack/Bad' is invalid:",
        "  - principalId '00T-not-an-id' is not a principal id; expected the id of an API token (00T...) or OAuth app (0oa...)",
        "  - principalType is 'USER'; use one of 'SSWS_TOKEN', 'OAUTH_CLIENT'",
        '  - defaultPercentage is 120; use an integer from 1 to 100',
        '  - defaultConcurrencyPercentage is 0.5; use an integer from 1 to 100',
      ].join('\n'),
    );
  });

  it('refuses two limits for one principal of one org, naming both construct paths', () => {
    const stack = newStack();
    const org = demoOktaOrg(stack);
    const sameOrg = demoOktaOrg(stack, { orgUrl: `${ORG_URL}/` }, 'SameOrg');
    new PrincipalRateLimit(stack, 'Ci', {
      org,
      principalId: '00TDemoCiToken000001',
      principalType: 'SSWS_TOKEN',
    });
    expect(
      errorOf(
        () =>
          new PrincipalRateLimit(stack, 'CiAgain', {
            org: sameOrg,
            principalId: '00TDemoCiToken000001',
            principalType: 'SSWS_TOKEN',
          }),
      ).message,
    ).toBe(
      "PrincipalRateLimit 'stack/CiAgain' and PrincipalRateLimit 'stack/Ci' both manage the rate limit of principal " +
        `00TDemoCiToken000001 in ${ORG_URL}; they would overwrite each other: keep one of them`,
    );
  });

  it.each([
    ['https://acme-prod.okta.com', 'https://acme-prod.okta.com:443'],
    ['https://acme-prod.okta.com', 'https://ACME-PROD.okta.com/'],
    ['http://127.0.0.1:8787/orgs/x', 'http://localhost:8787/orgs/x'],
  ])('refuses one rate limit named through two spellings of its org URL (%s, %s)', (first, second) => {
    const stack = newStack();
    const props = { principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN' as const };
    new PrincipalRateLimit(stack, 'One', { org: demoOktaOrg(stack, { orgUrl: first }, 'A'), ...props });
    const err = errorOf(
      () =>
        new PrincipalRateLimit(stack, 'Two', { org: demoOktaOrg(stack, { orgUrl: second }, 'B'), ...props }),
    );
    expect(err.message).toMatch(
      /^PrincipalRateLimit 'stack\/Two' and PrincipalRateLimit 'stack\/One' both manage the rate limit of principal 00TDemoCiToken000001 in /,
    );
  });

  it('allows one principal id in two orgs', () => {
    const stack = newStack();
    const props = { principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN' as const };
    new PrincipalRateLimit(stack, 'Prod', { org: demoOktaOrg(stack), ...props });
    new PrincipalRateLimit(stack, 'Dev', {
      org: demoOktaOrg(stack, { orgUrl: 'https://acme-dev.okta.com' }, 'AcmeDev'),
      ...props,
    });
    expect(lifecycleOf(synth(stack), 'Dev').identity.triggers_replace['org.orgUrl']).toBe(
      'https://acme-dev.okta.com',
    );
  });

  it('escapes the literal parts of a string that also holds a token, so they never become expressions', () => {
    const stack = newStack();
    const variable = new TerraformVariable(stack, 'suffix', { type: 'string' });
    new PrincipalRateLimit(stack, 'Mixed', {
      org: demoOktaOrg(stack),
      principalId: `${variable.stringValue}x` + '${file("/etc/hostname")}%{ if true }',
      principalType: 'SSWS_TOKEN',
    });
    const { identity, config } = lifecycleOf(synth(stack), 'Mixed');
    const rendered = '${var.suffix}x$${file("/etc/hostname")}%%{ if true }';
    expect(config.input.principalId).toBe(rendered);
    expect(config.triggers_replace.key.principalId).toBe(rendered);
    expect(identity.triggers_replace.principalId).toBe(rendered);
  });
});
