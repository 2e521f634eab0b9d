import {
  assertValidSpec,
  isLoopbackHost,
  SpecValidationError,
  validateAerialConnection,
  validateOrgConnection,
  validateSpec,
  type AerialConnectionSpec,
  type AerialOrgSpec,
  type OrgConnectionSpec,
  type PrincipalRateLimitSpec,
  type ProductAssignmentSpec,
} from '../../src/contract';
import { orgSubdomain } from '../../src/common';
import { ACCOUNT_SPEC } from './spec-fixtures';

const account: AerialConnectionSpec = ACCOUNT_SPEC;

const org: OrgConnectionSpec = {
  orgUrl: 'https://acme-prod.okta.com',
  auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN' },
  maxConcurrency: 10,
  deadlineMs: 300000,
};

const aerialOrg: AerialOrgSpec = {
  v: 1,
  kind: 'aerial-org',
  path: 'Stack/Org',
  removalPolicy: 'RETAIN',
  account,
  org: { orgId: '00oDemoAcmeProd00001' },
  status: 'ACTIVE',
  requestDeletion: false,
};

const assignment: ProductAssignmentSpec = {
  v: 1,
  kind: 'product-assignment',
  path: 'Stack/Products',
  removalPolicy: 'RETAIN',
  account,
  org: { domain: 'acme-eu.okta.com', cell: 'eu1' },
  productIds: ['P000052', 'P000131'],
};

const limit: PrincipalRateLimitSpec = {
  v: 1,
  kind: 'principal-rate-limit',
  path: 'Stack/Ci',
  removalPolicy: 'DESTROY',
  org,
  principalId: '00TDemoCiToken000001',
  principalType: 'SSWS_TOKEN',
  defaultPercentage: 30,
  defaultConcurrencyPercentage: 40,
};

/** A deep copy with one dotted path set (or deleted when value is undefined). */
function withValue<T>(spec: T, path: string, value: unknown): T {
  const copy = JSON.parse(JSON.stringify(spec));
  const parts = path.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) node = node[part];
  if (value === undefined) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = value;
  return copy;
}

describe('validateSpec', () => {
  it('accepts a valid spec of each kind', () => {
    expect(validateSpec(aerialOrg)).toEqual([]);
    expect(validateSpec(assignment)).toEqual([]);
    expect(validateSpec(limit)).toEqual([]);
  });

  it('accepts an identity spec without the desired state', () => {
    const { status: _status, ...identity } = aerialOrg;
    expect(validateSpec({ ...identity, role: 'identity' })).toEqual([]);
    expect(validateSpec(identity)).toEqual(['status is missing; set it']);
    const { defaultPercentage: _a, defaultConcurrencyPercentage: _b, ...prl } = limit;
    expect(validateSpec({ ...prl, role: 'identity' })).toEqual([]);
  });

  it('still checks desired state that an identity spec carries', () => {
    expect(validateSpec({ ...aerialOrg, role: 'identity', status: 'GONE' })).toEqual([
      "status is 'GONE'; use one of 'ACTIVE', 'INACTIVE'",
    ]);
  });

  it.each(
    (
      [
        [
          aerialOrg,
          'account.accountId',
          'ABC',
          "account.accountId 'ABC' is not an Aerial account id; expected 27 lowercase letters or digits",
        ],
        [
          aerialOrg,
          'org.orgId',
          'abc',
          "orgId 'abc' is not an Okta org id; expected 00o followed by 17 letters or digits",
        ],
        [aerialOrg, 'status', 'DELETED', "status is 'DELETED'; use one of 'ACTIVE', 'INACTIVE'"],
        [aerialOrg, 'removalPolicy', 'DELETE', "removalPolicy is 'DELETE'; use one of 'RETAIN', 'DESTROY'"],
        [aerialOrg, 'requestDeletion', 'yes', "requestDeletionOnDestroy is 'yes'; use true or false"],
        [
          aerialOrg,
          'account.maxConcurrency',
          11,
          'account.maxConcurrency is 11; use an integer from 1 to 10',
        ],
        [
          aerialOrg,
          'account.maxConcurrency',
          2.5,
          'account.maxConcurrency is 2.5; use an integer from 1 to 10',
        ],
        [
          aerialOrg,
          'account.deadlineMs',
          10,
          'account.retryDeadlineMs is 10; use an integer from 1000 to 3600000',
        ],
        [aerialOrg, 'account.dpop', 'no', "account.dpop is 'no'; use true or false"],
        [
          aerialOrg,
          'account.environment',
          'preview',
          "account.environment is 'preview'; use one of 'production', 'sandbox'",
        ],
        [
          aerialOrg,
          'account.clientId',
          'a b',
          "account.clientId 'a b' is not an OAuth client id; expected letters, digits, - or _ (e.g. 0oa...)",
        ],
        [
          assignment,
          'org.domain',
          'not a host',
          "domain 'not a host' is not a domain name; expected a host name like acme.okta.com",
        ],
        [
          assignment,
          'org.cell',
          'cell-1',
          "cell 'cell-1' is not an Okta cell; expected 2-3 letters and 1-2 digits like ok1 or eu1",
        ],
        [
          assignment,
          'productIds',
          ['P000052', 'X1'],
          "productIds entry 'X1' is not a product id; expected P followed by 6 digits like 'P000052'",
        ],
        [
          assignment,
          'productIds',
          'P000052',
          "productIds is 'P000052'; use a list of product ids like 'P000052'",
        ],
        [limit, 'defaultPercentage', 120, 'defaultPercentage is 120; use an integer from 1 to 100'],
        [limit, 'defaultPercentage', NaN, 'defaultPercentage is NaN; use an integer from 1 to 100'],
        [
          limit,
          'defaultConcurrencyPercentage',
          Infinity,
          'defaultConcurrencyPercentage is Infinity; use an integer from 1 to 100',
        ],
        [
          assignment,
          'org.domain',
          'login.acme.com',
          "domain 'login.acme.com' is not an org's Okta domain; the Aerial API finds orgs by their Okta subdomain, " +
            "so use '<subdomain>.okta.com' (or .oktapreview.com, .okta-emea.com), not a custom domain, or name the org by orgId",
        ],
        [
          assignment,
          'org.domain',
          'eu.acme.okta.com',
          "domain 'eu.acme.okta.com' is not an org's Okta domain; the Aerial API finds orgs by their Okta subdomain, " +
            "so use '<subdomain>.okta.com' (or .oktapreview.com, .okta-emea.com), not a custom domain, or name the org by orgId",
        ],
        [
          aerialOrg,
          'account.accountId',
          '-----BEGIN PRIVATE KEY-----MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDUMN1Qp2HldXgQ',
          'account.accountId (a value of 91 characters that looks like a key or token, not shown) is not an Aerial account id; expected 27 lowercase letters or digits',
        ],
        [
          aerialOrg,
          'account.clientId',
          'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ+/==',
          'account.clientId (a value of 54 characters that looks like a key or token, not shown) is not an OAuth client id; expected letters, digits, - or _ (e.g. 0oa...)',
        ],
        [limit, 'defaultPercentage', 0, 'defaultPercentage is 0; use an integer from 1 to 100'],
        [
          limit,
          'defaultConcurrencyPercentage',
          50.5,
          'defaultConcurrencyPercentage is 50.5; use an integer from 1 to 100',
        ],
        [limit, 'principalType', 'USER', "principalType is 'USER'; use one of 'SSWS_TOKEN', 'OAUTH_CLIENT'"],
        [
          limit,
          'principalId',
          '00T-bad',
          "principalId '00T-bad' is not a principal id; expected the id of an API token (00T...) or OAuth app (0oa...)",
        ],
        [limit, 'org.maxConcurrency', 76, 'org.maxConcurrency is 76; use an integer from 1 to 75'],
        [limit, 'org.auth.type', 'basic', "org.auth.type is 'basic'; use one of 'ssws', 'oauth'"],
        [limit, 'path', '', "path is ''; use a non-empty string"],
      ] as [object, string, unknown, string][]
    ).map(([spec, path, value, message]) => ({ spec, path, value, message })),
  )('fails when $path is $value', ({ spec, path, value, message }) => {
    expect(validateSpec(withValue(spec, path, value))).toEqual([message]);
  });

  it('names a missing value', () => {
    expect(validateSpec(withValue(limit, 'principalId', undefined))).toEqual([
      'principalId is missing; set it',
    ]);
  });

  it.each([
    ['https://aerial-apac.okta.com', true],
    ['http://127.0.0.1:8787/aerial/production', true],
    ['http://localhost:1234', true],
    ['http://[::1]:1234', true],
    ['http://aerial-apac.okta.com', false],
    ['ftp://127.0.0.1', false],
    ['https://aerial-apac.okta.com?x=1', false],
    ['not a url', false],
  ])('checks url %s (ok: %s)', (url, ok) => {
    const problems = validateSpec(withValue(aerialOrg, 'account.baseUrl', url));
    expect(problems).toHaveLength(ok ? 0 : 1);
    if (!ok) expect(problems[0]).toMatch(/^account\.baseUrl .*(use an https url|remove it)/);
  });

  it('refuses credentials in a url without echoing them', () => {
    const [problem] = validateSpec(
      withValue(aerialOrg, 'account.tokenUrl', 'https://user:s3cret@acme.okta.com/t'),
    );
    expect(problem).toContain('contains a user name or password');
    expect(problem).not.toContain('s3cret');
  });

  it('never echoes a value given as an env var name (it may be the secret itself)', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nMIIabc';
    const [problem] = validateSpec(withValue(aerialOrg, 'account.privateKeyEnv', secret));
    expect(problem).toMatch(/^account\.privateKeyEnv is not an environment variable name/);
    expect(problem).not.toContain('MIIabc');
    const [sswsProblem] = validateSpec(withValue(limit, 'org.auth.tokenEnv', '00abc-DEF_token'));
    expect(sswsProblem).toMatch(/^org\.apiTokenEnv is not an environment variable name/);
    expect(sswsProblem).not.toContain('00abc');
  });

  it('checks the oauth form of an org connection', () => {
    const oauth = withValue(limit, 'org.auth', {
      type: 'oauth',
      clientId: '0oaDemoOrgAdmin00001',
      tokenUrl: 'http://example.com/token',
      privateKeyEnv: 'OKTA ORG KEY',
      dpop: true,
    });
    expect(validateSpec(oauth)).toEqual([
      "org.oauth.tokenUrl 'http://example.com/token' is not allowed; use an https url (http only for 127.0.0.1, ::1 or localhost)",
      expect.stringMatching(/^org\.oauth\.privateKeyEnv is not an environment variable name/),
    ]);
  });

  it('requires exactly one form of org ref', () => {
    expect(
      validateSpec(
        withValue(aerialOrg, 'org', { orgId: '00oDemoAcmeProd00001', domain: 'a.okta.com', cell: 'ok1' }),
      ),
    ).toEqual(['orgId and domain are both set; name the org by orgId or by domain and cell']);
    // A cell with an org id is allowed (sent when linking) and checked.
    expect(validateSpec(withValue(aerialOrg, 'org', { orgId: '00oDemoAcmeProd00001', cell: 'ok1' }))).toEqual(
      [],
    );
    expect(
      validateSpec(withValue(aerialOrg, 'org', { orgId: '00oDemoAcmeProd00001', cell: 'nope' })),
    ).toEqual([expect.stringMatching(/^cell 'nope' is not an Okta cell/)]);
    expect(validateSpec(withValue(aerialOrg, 'org', {}))).toEqual([
      'orgId, or domain and cell, is missing; name the org by one of them',
    ]);
    expect(validateSpec(withValue(aerialOrg, 'org', { domain: 'a.okta.com' }))).toEqual([
      'cell is missing; set it',
    ]);
  });

  it('allows a deletion request only with DESTROY in the sandbox or for a partner account', () => {
    const request = { ...aerialOrg, requestDeletion: true };
    expect(validateSpec(request)).toEqual([
      "requestDeletionOnDestroy is true but removalPolicy is 'RETAIN'; set removalPolicy to 'DESTROY' or drop requestDeletionOnDestroy",
      expect.stringContaining(
        "requestDeletionOnDestroy is true but the account is 'production' and not a partner account",
      ),
    ]);
    const destroy = { ...request, removalPolicy: 'DESTROY' as const };
    expect(validateSpec(withValue(destroy, 'account.environment', 'sandbox'))).toEqual([]);
    expect(validateSpec(withValue(destroy, 'account.partnerAccount', true))).toEqual([]);
  });

  it('reports every failure at once', () => {
    const bad = {
      ...limit,
      principalId: '',
      defaultPercentage: 120,
      defaultConcurrencyPercentage: -1,
      removalPolicy: 'X',
    };
    expect(validateSpec(bad)).toHaveLength(4);
  });

  it('skips values the caller marks as unresolved', () => {
    const token = '${TfToken[TOKEN.1]}';
    const spec = { ...limit, principalId: token, defaultPercentage: -1.8881545897087626e289 };
    const isUnresolved = (v: unknown): boolean => v === token || v === -1.8881545897087626e289;
    expect(validateSpec(spec, { isUnresolved })).toEqual([]);
    expect(validateSpec(spec)).toHaveLength(2);
    const products = { ...assignment, productIds: ['P000052', token] };
    expect(validateSpec(products, { isUnresolved })).toEqual([]);
  });

  it('refuses a wrong version, kind or shape', () => {
    expect(validateSpec({ ...limit, v: 2 })[0]).toMatch(/^v is 2; this version understands spec version 1/);
    expect(validateSpec({ ...limit, kind: 'user' })).toEqual([
      "kind is 'user'; use one of 'aerial-org', 'product-assignment', 'principal-rate-limit'",
    ]);
    expect(validateSpec([])).toEqual(['spec is []; expected a json object rendered by cdktf-okta-aerial']);
    expect(validateSpec('x')[0]).toMatch(/^spec is 'x'/);
  });
});

describe('validateAerialConnection / validateOrgConnection', () => {
  it('checks a connection alone, with prop names', () => {
    expect(validateAerialConnection(account)).toEqual([]);
    expect(validateAerialConnection({ ...account, accountId: 'x', deadlineMs: 5 })).toEqual([
      "accountId 'x' is not an Aerial account id; expected 27 lowercase letters or digits",
      'retryDeadlineMs is 5; use an integer from 1000 to 3600000',
    ]);
    expect(validateOrgConnection(org)).toEqual([]);
    expect(validateOrgConnection({ ...org, orgUrl: 'http://acme.okta.com' })).toHaveLength(1);
  });
});

describe('assertValidSpec', () => {
  it('throws one SpecValidationError listing every failure, named by kind and path', () => {
    const bad = { ...limit, defaultPercentage: 120, defaultConcurrencyPercentage: 0 };
    expect(() => assertValidSpec(bad)).toThrow(
      new SpecValidationError("PrincipalRateLimit 'Stack/Ci'", [
        'defaultPercentage is 120; use an integer from 1 to 100',
        'defaultConcurrencyPercentage is 0; use an integer from 1 to 100',
      ]),
    );
    try {
      assertValidSpec(bad);
    } catch (err) {
      expect((err as Error).message).toBe(
        "PrincipalRateLimit 'Stack/Ci' is invalid:\n" +
          '  - defaultPercentage is 120; use an integer from 1 to 100\n' +
          '  - defaultConcurrencyPercentage is 0; use an integer from 1 to 100',
      );
    }
    expect(() => assertValidSpec(aerialOrg)).not.toThrow();
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.0.3', true],
    ['localhost', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['127.0.0.1.nip.io', false],
  ])('%s -> %s', (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});

describe('orgSubdomain', () => {
  it.each([
    ['https://Acme-Prod.okta.com', 'acme-prod'],
    ['https://acme.oktapreview.com/oauth2/v1/token', 'acme'],
    ['http://127.0.0.1:8787/orgs/Acme-Prod/oauth2/v1/token', 'acme-prod'],
    ['http://localhost:8787/aerial/production', undefined],
  ])('%s -> %s', (url, expected) => expect(orgSubdomain(new URL(url))).toBe(expected));
});
