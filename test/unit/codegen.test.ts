/**
 * `okta-aerial import`'s pure parts: the plan (which constructs, their ids and props), its TypeScript and JSON
 * renderings, the connection flags (the same specs the constructs render), and matching org URLs to orgs.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Construct } from 'constructs';
import * as ts from 'typescript';
import { parseImportArgs } from '../../src/cli/import-command';
import {
  planImport,
  pascal,
  quote,
  renderJson,
  renderTypeScript,
  toDocument,
  type CodegenInput,
} from '../../src/cli/codegen';
import {
  connectionsFromFlags,
  orgUrlLabel,
  orgUrlSubdomain,
  type ConnectionFlagValues,
  type OrgPropsJson,
} from '../../src/cli/connection-flags';
import { matchOrgUrl, type Estate, type EstateOrg } from '../../src/cli/estate';
import { CliUsageError } from '../../src/cli/output';
import { AerialAccount, OktaOrg } from '../../src/constructs';
import { MissingCredentialError } from '../../src/handlers/connections';
import type { Org, PrincipalRateLimitEntity } from '../../src/contract';

const REPO_ROOT = path.resolve(__dirname, '../..');
const ACCOUNT = '0227demoaerialaccount000001';
const BASE = 'http://127.0.0.1:8787';
const SUBSCRIBED = [
  { id: 'P000052', name: 'IT Products - SSO' },
  { id: 'P000131', name: 'IT Products - MFA' },
  { id: 'P000139', name: 'IT Products - Lifecycle Management with 1 OIN App' },
];

const oid = (n: number): string => `00oUnit${String(n).padStart(13, '0')}`;

function org(n: number, domain: string, extra: Partial<Org> = {}): Org {
  return {
    id: oid(n),
    accountId: ACCOUNT,
    name: domain.split('.')[0],
    cell: 'ok1',
    domain,
    status: 'ACTIVE',
    aerialOrg: false,
    createdDate: '2025-01-15T10:00:00.000Z',
    ...extra,
  };
}

function limit(
  principalId: string,
  principalType: 'SSWS_TOKEN' | 'OAUTH_CLIENT',
  rate?: number,
  conc?: number,
): PrincipalRateLimitEntity {
  return { principalId, principalType, defaultPercentage: rate, defaultConcurrencyPercentage: conc };
}

const orgUrl = (sub: string): string => `${BASE}/orgs/${sub}`;

/** A small estate with every case the generator handles. */
function estate(shuffle = false): Estate {
  const orgs: EstateOrg[] = [
    { org: org(0, 'acme-aerial.okta.com', { aerialOrg: true, name: 'Acme Aerial' }), products: [] },
    {
      org: org(1, 'acme-prod.okta.com', { name: 'Acme "Prod"\nline two' }),
      products: [{ id: 'P000131' }, { id: 'P000052', name: 'IT Products - SSO' }],
    },
    { org: org(2, 'acme-dev.okta.com', { status: 'INACTIVE', cell: 'eu1' }), products: [] },
    { org: org(3, 'acme--prod.okta.com'), products: [{ id: 'P000139' }] },
    { org: org(4, 'acme.okta.com'), products: [{ id: 'P000999', name: 'A product no longer subscribed' }] },
    { org: org(5, 'acme-products.okta.com'), products: [] },
    { org: org(6, 'account.okta.com'), products: [] },
    { org: org(7, 'new.okta.com'), products: [] },
    { org: org(8, '9lives.okta.com'), products: [] },
  ];
  const orgApis = [
    {
      connection: sswsConnection(orgUrl('acme-prod'), 'OKTA_API_TOKEN_ACME_PROD'),
      orgId: oid(1),
      rateLimits: [
        limit('0oaSyncApp0000000001', 'OAUTH_CLIENT', 40, 40),
        limit('00TCiToken0000000001', 'SSWS_TOKEN', 30, 20),
        limit('00TZeroToken00000001', 'SSWS_TOKEN', 0, 50),
        limit('00TUnsetToken0000001', 'SSWS_TOKEN', undefined, 50),
        limit('0oaSyncApp0000000001', 'SSWS_TOKEN', 10, 10),
      ],
    },
    {
      connection: sswsConnection(orgUrl('acme-aerial'), 'OKTA_API_TOKEN_ACME_AERIAL'),
      orgId: oid(0),
      rateLimits: [limit('00TOpsToken000000001', 'SSWS_TOKEN', 50, 50)],
    },
    { connection: sswsConnection(orgUrl('new'), 'OKTA_API_TOKEN_NEW'), orgId: oid(7), rateLimits: [] },
    {
      connection: sswsConnection('https://elsewhere.example.com', 'OKTA_API_TOKEN_ELSEWHERE'),
      rateLimits: [limit('00TOther000000000001', 'SSWS_TOKEN', 5, 100)],
    },
  ];
  return {
    account: { id: ACCOUNT, name: 'Acme Demo' },
    connection: accountSpec(),
    subscribedProducts: SUBSCRIBED,
    orgs: shuffle ? [...orgs].reverse() : orgs,
    orgApis,
  };
}

function accountSpec(): Estate['connection'] {
  return connectionsFromFlags(accountFlags(), { OKTA_AERIAL_PRIVATE_KEY: 'k' }).account.spec;
}

function sswsConnection(url: string, tokenEnv: string) {
  return { orgUrl: url, auth: { type: 'ssws' as const, tokenEnv }, maxConcurrency: 10, deadlineMs: 300_000 };
}

function accountFlags(extra: Partial<ConnectionFlagValues> = {}): ConnectionFlagValues {
  return {
    'account-id': ACCOUNT,
    'base-url': `${BASE}/aerial/production`,
    'token-url': `${BASE}/orgs/acme-aerial/oauth2/v1/token`,
    'client-id': '0oaDemoAerialClient01',
    ...extra,
  };
}

function input(e: Estate = estate()): CodegenInput {
  const orgProps = new Map<string, OrgPropsJson>(
    e.orgApis.map((a) => [
      a.connection.orgUrl,
      {
        orgUrl: a.connection.orgUrl,
        apiTokenEnv: (a.connection.auth as { tokenEnv: string }).tokenEnv,
      },
    ]),
  );
  const { props } = connectionsFromFlags(accountFlags(), { OKTA_AERIAL_PRIVATE_KEY: 'k' }).account;
  return { estate: e, stack: 'okta', account: props, orgProps };
}

describe('planImport', () => {
  const plan = planImport(input());
  const doc = toDocument(plan);
  const byId = new Map(doc.constructs.map((c) => [c.id, c]));

  it('declares every linked org but the Aerial org, by org id with its live status', () => {
    const orgs = doc.constructs.filter((c) => c.type === 'AerialOrg');
    expect(orgs.map((c) => c.props.orgId)).toEqual(expect.arrayContaining([oid(1), oid(2), oid(8)]));
    expect(orgs).toHaveLength(8);
    expect(orgs.some((c) => c.props.orgId === oid(0))).toBe(false);
    expect(byId.get('AcmeDev')?.props).toEqual({
      account: { ref: 'Account' },
      orgId: oid(2),
      status: 'INACTIVE',
    });
    expect(plan.notImported).toContainEqual(
      expect.objectContaining({ kind: 'aerial-org', orgId: oid(0), domain: 'acme-aerial.okta.com' }),
    );
  });

  it('declares each org’s enabled products as sorted ids', () => {
    expect(byId.get(`AcmeProd${oid(1)}Products`)?.props).toEqual({
      org: { ref: `AcmeProd${oid(1)}` },
      productIds: ['P000052', 'P000131'],
    });
    expect(byId.get('AcmeDevProducts')?.props.productIds).toEqual([]);
  });

  it('names constructs after the subdomain, and appends the org id where two would clash', () => {
    expect(pascal('acme-prod')).toBe('AcmeProd');
    expect(pascal('9lives')).toBe('Org9lives');
    expect(pascal('')).toBe('Org');
    const ids = doc.constructs.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    // acme-prod and acme--prod both give AcmeProd: both get their org id.
    expect(ids).toEqual(expect.arrayContaining([`AcmeProd${oid(1)}`, `AcmeProd${oid(3)}`]));
    expect(ids).not.toContain('AcmeProd');
    // acme's products (AcmeProducts) and the org acme-products (AcmeProducts) clash too.
    expect(ids).toEqual(expect.arrayContaining([`Acme${oid(4)}`, `AcmeProducts${oid(5)}`]));
    // account.okta.com would take the AerialAccount's id.
    expect(ids).toEqual(expect.arrayContaining(['Account', `Account${oid(6)}`]));
    expect(ids).toEqual(expect.arrayContaining(['New', 'Org9lives', 'AcmeDev', 'AcmeDevProducts']));
  });

  it('declares one PrincipalRateLimit per usable entity of both types, and says why the others are left out', () => {
    const limits = doc.constructs.filter((c) => c.type === 'PrincipalRateLimit');
    const prodApi = `AcmeProd${oid(1)}Api`;
    expect(
      limits.filter((c) => (c.props.org as { ref: string }).ref === prodApi).map((c) => c.props),
    ).toEqual([
      {
        org: { ref: prodApi },
        principalId: '0oaSyncApp0000000001',
        principalType: 'OAUTH_CLIENT',
        defaultPercentage: 40,
        defaultConcurrencyPercentage: 40,
      },
      {
        org: { ref: prodApi },
        principalId: '00TCiToken0000000001',
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 30,
        defaultConcurrencyPercentage: 20,
      },
    ]);
    const reasons = plan.notImported
      .filter((n) => n.kind === 'rate-limit')
      .map((n) => `${n.principalId} ${n.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0oaSyncApp0000000001 a second entity for the same principal/),
        expect.stringMatching(/^00TZeroToken00000001 defaultPercentage is 0, outside the 1\.\.100/),
        expect.stringMatching(/^00TUnsetToken0000001 defaultPercentage is not set/),
      ]),
    );
    // The Aerial org's own rate limits can be managed (the Principal Rate Limits API is the org's own).
    expect(byId.get('AcmeAerialLimit00TOpsToken000000001')?.props.principalId).toBe('00TOpsToken000000001');
    // An org URL that matches no linked org is still imported, named after its host.
    expect(byId.get('ElsewhereApi')?.props).toEqual({
      orgUrl: 'https://elsewhere.example.com',
      apiTokenEnv: 'OKTA_API_TOKEN_ELSEWHERE',
    });
    // An org connection without entities declares nothing.
    expect(byId.has('NewApi')).toBe(false);
  });

  it('lists the managed orgs whose rate limits were not read', () => {
    expect(plan.orgsWithoutConnection).toEqual([
      '9lives.okta.com',
      'account.okta.com',
      'acme--prod.okta.com',
      'acme-dev.okta.com',
      'acme-products.okta.com',
      'acme.okta.com',
    ]);
  });
});

describe('renderTypeScript', () => {
  const text = renderTypeScript(planImport(input()));

  it('is a complete cdktf app: imports, one stack, every construct, app.synth()', () => {
    expect(text).toContain("import { App, TerraformStack } from 'cdktf';\n");
    expect(text).toContain(
      "import { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } from 'cdktf-okta-aerial';\n",
    );
    expect(text).toContain("const stack = new TerraformStack(app, 'okta');\n");
    expect(text.endsWith('\napp.synth();\n')).toBe(true);
    // The same constructs, in the same order, as the JSON document.
    const declared = [...text.matchAll(/new (\w+)\(stack, '(\w+)', \{/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(declared).toEqual(toDocument(planImport(input())).constructs.map((c) => `${c.type} ${c.id}`));
  });

  it('names each product from the subscribed products in a comment', () => {
    expect(text).toContain(
      [
        '  productIds: [',
        "    'P000052', // IT Products - SSO",
        "    'P000131', // IT Products - MFA",
        '  ],',
      ].join('\n'),
    );
    expect(text).toContain(
      "'P000999', // A product no longer subscribed (not among the account's subscribed products)",
    );
    expect(text).toContain('  productIds: [], // no product is enabled\n');
  });

  it('says in comments what it does not declare and why', () => {
    expect(text).toMatch(
      /^\/\/ - the Aerial org 00oUnit0{13} \(acme-aerial\.okta\.com\): it is the account's own Aerial org, which/m,
    );
    expect(text).toMatch(/^\/\/ - the principal rate limits of 6 orgs without an --org-url /m);
    expect(text).toMatch(
      /^\/\/ - the rate limit of SSWS_TOKEN 00TZeroToken00000001 in acme-prod\.okta\.com: /m,
    );
  });

  it('binds variables only where referenced, never to a reserved word', () => {
    expect(text).toContain("const newOrg = new AerialOrg(stack, 'New', {");
    expect(text).toContain('  org: newOrg,\n');
    expect(text).toContain("const account = new AerialAccount(stack, 'Account', {");
    expect(text).toContain("\nnew PrincipalRateLimit(stack, 'AcmeAerialLimit00TOpsToken000000001', {");
  });

  it('carries environment variable names, never values', () => {
    expect(text).toContain(
      "  privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',\n  keyIdEnv: 'OKTA_AERIAL_KEY_ID',\n",
    );
    expect(text).toContain("  apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',\n");
  });

  it('keeps every comment on one line, whatever an org name holds', () => {
    expect(text).toContain('// acme-prod.okta.com: "Acme "Prod" line two", cell ok1, created 2025-01-15\n');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });

  it('is valid TypeScript, formatted as Prettier formats it', () => {
    const out = ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { strict: true } });
    expect(out.diagnostics ?? []).toEqual([]);
    const prettier = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--stdin-filepath', 'generated.ts'],
      { cwd: REPO_ROOT, input: text, encoding: 'utf8' },
    );
    expect(prettier.stderr).toBe('');
    expect(prettier.stdout).toBe(text);
  });

  it('is the same text whatever order the estate was read in (no clock, no randomness)', () => {
    expect(renderTypeScript(planImport(input(estate(true))))).toBe(text);
    expect(renderJson(planImport(input(estate(true))))).toBe(renderJson(planImport(input())));
  });

  it('quotes strings safely', () => {
    expect(quote("it's a \\ path\n")).toBe("'it\\'s a \\\\ path\\n'");
    expect(quote('\u2028')).toBe("'\\u2028'");
  });

  it('imports only the classes it uses', () => {
    const e = estate();
    const small = renderTypeScript(planImport(input({ ...e, orgs: e.orgs.slice(0, 3), orgApis: [] })));
    expect(small).toContain(
      "import { AerialAccount, AerialOrg, ProductAssignment } from 'cdktf-okta-aerial';",
    );
    const none = renderTypeScript(planImport(input({ ...e, orgs: e.orgs.slice(0, 1), orgApis: [] })));
    expect(none).toContain("import { AerialAccount } from 'cdktf-okta-aerial';");
    expect(none).toContain("\nnew AerialAccount(stack, 'Account', {"); // no unused variable
  });
});

describe('connection flags', () => {
  const env = { OKTA_AERIAL_PRIVATE_KEY: 'k', OKTA_API_TOKEN_ACME_PROD: 't', OKTA_ORG_PRIVATE_KEY: 'k' };
  const root = (): Construct => new Construct(undefined as unknown as Construct, 'root');

  it('renders exactly the spec the constructs render for the same props', () => {
    for (const flags of [
      accountFlags({ dpop: true, 'key-id-env': 'MY_KID' }),
      {
        'account-id': ACCOUNT,
        environment: 'sandbox',
        'aerial-org-domain': 'acme-aerial.okta.com',
        'client-id': '0oa1',
        'private-key-env': 'MY_KEY',
      },
    ]) {
      const { account } = connectionsFromFlags(flags, { ...env, MY_KEY: 'k' });
      expect(account.spec).toEqual(new AerialAccount(root(), 'Account', account.props).toSpec());
    }
    for (const flags of [
      { 'org-url': [`${orgUrl('acme-prod')}/`], 'api-token-env': 'OKTA_API_TOKEN_{LABEL}' },
      {
        'org-url': ['https://acme-prod.okta.com'],
        'org-client-id': '0oaOrgAdmin',
        'org-key-id-env': 'KID_{LABEL}',
      },
    ]) {
      const { orgs } = connectionsFromFlags(accountFlags(flags), env);
      expect(orgs).toHaveLength(1);
      expect(orgs[0].spec).toEqual(new OktaOrg(root(), 'Api', orgs[0].props).toSpec());
    }
  });

  it('expands {LABEL} per org URL', () => {
    expect(orgUrlLabel('https://acme-prod.okta.com')).toBe('ACME_PROD');
    expect(orgUrlLabel(orgUrl('acme-prod'))).toBe('ACME_PROD');
    expect(orgUrlSubdomain('https://Acme.okta.com/')).toBe('acme');
    const { orgs } = connectionsFromFlags(
      accountFlags({ 'org-url': [orgUrl('acme-prod')], 'api-token-env': 'OKTA_API_TOKEN_{LABEL}' }),
      env,
    );
    expect(orgs[0].props).toEqual({ orgUrl: orgUrl('acme-prod'), apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD' });
  });

  it.each([
    [
      { 'account-id': undefined },
      '--account-id is missing; pass the Aerial account id (27 lowercase letters or digits)',
    ],
    [
      { 'account-id': 'abc' },
      "--account-id 'abc' is not an Aerial account id; expected 27 lowercase letters or digits",
    ],
    [
      { 'base-url': undefined, environment: 'prod' },
      "--environment is 'prod'; use 'production' or 'sandbox'",
    ],
    [{ environment: 'sandbox' }, '--base-url and --environment are both set; pass one'],
    [
      { 'base-url': 'http://aerial.example.com' },
      "--base-url 'http://aerial.example.com' is not allowed; use an https url",
    ],
    [{ 'token-url': 'not a url' }, "--token-url 'not a url' is not a url"],
    [{ 'token-url': undefined }, '--aerial-org-domain or --token-url is missing'],
    [{ 'aerial-org-domain': 'acme-aerial.okta.com' }, '--aerial-org-domain and --token-url are both set'],
    [
      { 'private-key-env': '-----BEGIN KEY' },
      '--private-key-env is not an environment variable name (got a string of 14',
    ],
    [{ 'api-token-env': 'T' }, '--api-token-env applies to --org-url; pass --org-url too'],
    [
      { 'org-url': ['https://a.okta.com', 'https://a.okta.com/'] },
      '--org-url https://a.okta.com is given twice',
    ],
    [{ 'org-url': ['ftp://a.okta.com'] }, "--org-url 'ftp://a.okta.com' is not allowed"],
    [
      { 'org-url': ['https://a.okta.com'], 'org-key-id-env': 'K' },
      '--org-key-id-env needs --org-client-id (OAuth)',
    ],
    [
      { 'org-url': ['https://a.okta.com'], 'org-client-id': '0oa1', 'api-token-env': 'T' },
      '--api-token-env and --org-client-id are both set',
    ],
  ])('refuses %j with one line naming the flag', (extra, message) => {
    const call = () => connectionsFromFlags(accountFlags(extra as Partial<ConnectionFlagValues>), env);
    expect(call).toThrow(CliUsageError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('names a missing credential with the hooks’ message, before any request', () => {
    expect(() => connectionsFromFlags(accountFlags(), {})).toThrow(MissingCredentialError);
    expect(() => connectionsFromFlags(accountFlags(), {})).toThrow(
      /^environment variable OKTA_AERIAL_PRIVATE_KEY \(/,
    );
    const flags = accountFlags({
      'org-url': [orgUrl('acme-dev')],
      'api-token-env': 'OKTA_API_TOKEN_{LABEL}',
    });
    expect(() => connectionsFromFlags(flags, env)).toThrow(
      /^environment variable OKTA_API_TOKEN_ACME_DEV \(/,
    );
  });

  it('checks --format and --stack', () => {
    expect(parseImportArgs([]).format).toBe('ts');
    expect(parseImportArgs([]).stack).toBe('okta');
    expect(() => parseImportArgs(['--format', 'yaml'])).toThrow("--format is 'yaml'; use 'ts'");
    expect(() => parseImportArgs(['--stack', 'my stack'])).toThrow("--stack 'my stack' is not a stack name");
    expect(() => parseImportArgs(['extra'])).toThrow(CliUsageError);
  });
});

describe('matchOrgUrl', () => {
  const orgs = [org(1, 'acme-prod.okta.com'), org(2, 'acme-dev.okta.com')];
  it('matches by host, then by the entities’ org id, then by the subdomain the URL names', () => {
    expect(matchOrgUrl('https://acme-prod.okta.com', orgs, [])?.id).toBe(oid(1));
    const e = { ...limit('00T1', 'SSWS_TOKEN', 1, 1), orgId: oid(2) };
    expect(matchOrgUrl('https://login.acme.example', orgs, [e])?.id).toBe(oid(2));
    expect(matchOrgUrl(orgUrl('acme-dev'), orgs, [])?.id).toBe(oid(2));
    expect(matchOrgUrl('https://login.acme.example', orgs, [])).toBeUndefined();
  });
});
