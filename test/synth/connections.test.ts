import 'cdktf/lib/testing/adapters/jest';
import { AerialAccount, OktaOrg, SpecValidationError } from '../../src';
import { ACCOUNT_ID, cleanup, demoAccount, demoOktaOrg, errorOf, newStack, synth } from './helpers';

afterAll(cleanup);

describe('AerialAccount', () => {
  it('renders no resource and defaults to production, env var names and a derived token url', () => {
    const stack = newStack();
    const account = demoAccount(stack);
    expect(JSON.parse(synth(stack)).resource).toBeUndefined();
    expect(account.rendering).toBe('terraform_data');
    expect(account.toSpec()).toEqual({
      accountId: ACCOUNT_ID,
      baseUrl: 'https://aerial-apac.okta.com',
      tokenUrl: 'https://acme-aerial.okta.com/oauth2/v1/token',
      clientId: '0oaDemoAerialClient01',
      privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
      keyIdEnv: 'OKTA_AERIAL_KEY_ID',
      dpop: false,
      maxConcurrency: 10,
      deadlineMs: 300000,
      environment: 'production',
      partnerAccount: false,
    });
  });

  it('uses the sandbox host, a given base url (trailing slash dropped) and a given token url', () => {
    const stack = newStack();
    expect(demoAccount(stack, { environment: 'sandbox' }).toSpec().baseUrl).toBe(
      'https://aerial-sandbox.okta.com',
    );
    const custom = demoAccount(
      stack,
      {
        environment: 'sandbox',
        baseUrl: 'http://127.0.0.1:8787/aerial/sandbox/',
        aerialOrgDomain: undefined,
        tokenUrl: 'http://127.0.0.1:8787/orgs/acme-sbx-aerial/oauth2/v1/token',
        privateKeyEnv: 'MY_KEY',
        keyIdEnv: 'MY_KID',
        dpop: true,
        maxConcurrency: 4,
        retryDeadlineMs: 60000,
        partnerAccount: true,
      },
      'Custom',
    );
    expect(custom.toSpec()).toMatchObject({
      baseUrl: 'http://127.0.0.1:8787/aerial/sandbox',
      tokenUrl: 'http://127.0.0.1:8787/orgs/acme-sbx-aerial/oauth2/v1/token',
      privateKeyEnv: 'MY_KEY',
      keyIdEnv: 'MY_KID',
      dpop: true,
      maxConcurrency: 4,
      deadlineMs: 60000,
      environment: 'sandbox',
      partnerAccount: true,
    });
  });

  it('fails with every problem in one error naming the construct path', () => {
    const stack = newStack();
    const err = errorOf(
      () =>
        new AerialAccount(stack, 'Bad', {
          accountId: 'ACME',
          baseUrl: 'http://aerial.example.com',
          clientId: '0oaDemoAerialClient01',
          privateKeyEnv: 'not a name',
          maxConcurrency: 11,
          retryDeadlineMs: 10,
          rendering: 'null' as never,
        }),
    );
    expect(err).toBeInstanceOf(SpecValidationError);
    expect(err.message).toBe(
      [
        "AerialAccount 'stack/Bad' is invalid:",
        "  - aerialOrgDomain or tokenUrl is missing; set the Aerial org's domain, e.g. 'acme-aerial.okta.com'",
        "  - accountId 'ACME' is not an Aerial account id; expected 27 lowercase letters or digits",
        "  - baseUrl 'http://aerial.example.com' is not allowed; use an https url (http only for 127.0.0.1, ::1 or localhost)",
        '  - privateKeyEnv is not an environment variable name (got a string of 10 characters); pass the name of the variable that holds the secret (letters, digits, underscores), never the secret itself',
        '  - maxConcurrency is 11; use an integer from 1 to 10',
        '  - retryDeadlineMs is 10; use an integer from 1000 to 3600000',
        "  - rendering is \"null\"; use one of 'terraform_data', 'null_resource'",
      ].join('\n'),
    );
  });

  it('reports a bad environment once', () => {
    const stack = newStack();
    const err = errorOf(() => demoAccount(stack, { environment: 'prod' as never }));
    expect(err.message).toBe(
      "AerialAccount 'stack/Account' is invalid:\n  - environment is 'prod'; use one of 'production', 'sandbox'",
    );
  });

  it('fails when both aerialOrgDomain and tokenUrl are set, or the domain is a url', () => {
    const stack = newStack();
    expect(
      errorOf(() => demoAccount(stack, { tokenUrl: 'https://acme-aerial.okta.com/oauth2/v1/token' })).message,
    ).toContain('aerialOrgDomain and tokenUrl are both set; set only one');
    expect(
      errorOf(() => demoAccount(stack, { aerialOrgDomain: 'https://acme.okta.com' }, 'Url')).message,
    ).toContain("aerialOrgDomain 'https://acme.okta.com' is not a domain name");
  });
});

describe('OktaOrg', () => {
  it('defaults to SSWS with OKTA_API_TOKEN', () => {
    const org = demoOktaOrg(newStack());
    expect(org.toSpec()).toEqual({
      orgUrl: 'https://acme-prod.okta.com',
      auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN' },
      maxConcurrency: 10,
      deadlineMs: 300000,
    });
  });

  it('takes an SSWS token env var name', () => {
    const org = demoOktaOrg(newStack(), {
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
      orgUrl: 'https://acme-prod.okta.com/',
    });
    expect(org.toSpec()).toMatchObject({
      orgUrl: 'https://acme-prod.okta.com',
      auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_PROD' },
    });
  });

  it('takes OAuth client credentials with defaults derived from the org url', () => {
    const org = demoOktaOrg(newStack(), { oauth: { clientId: '0oaDemoOrgAdmin00001' }, maxConcurrency: 20 });
    expect(org.toSpec()).toEqual({
      orgUrl: 'https://acme-prod.okta.com',
      auth: {
        type: 'oauth',
        clientId: '0oaDemoOrgAdmin00001',
        tokenUrl: 'https://acme-prod.okta.com/oauth2/v1/token',
        privateKeyEnv: 'OKTA_ORG_PRIVATE_KEY',
        keyIdEnv: 'OKTA_ORG_KEY_ID',
        dpop: false,
      },
      maxConcurrency: 20,
      deadlineMs: 300000,
    });
  });

  it('fails when both auth forms are set, the url is plain http or the concurrency is out of range', () => {
    const err = errorOf(
      () =>
        new OktaOrg(newStack(), 'Bad', {
          orgUrl: 'http://acme.okta.com',
          apiTokenEnv: 'OKTA_API_TOKEN',
          oauth: { clientId: '0oaDemoOrgAdmin00001', tokenUrl: 'https://acme.okta.com/oauth2/v1/token' },
          maxConcurrency: 0,
        }),
    );
    expect(err.message).toBe(
      [
        "OktaOrg 'stack/Bad' is invalid:",
        '  - apiTokenEnv and oauth are both set; choose one way to authenticate',
        "  - orgUrl 'http://acme.okta.com' is not allowed; use an https url (http only for 127.0.0.1, ::1 or localhost)",
        '  - maxConcurrency is 0; use an integer from 1 to 75',
      ].join('\n'),
    );
  });
});
