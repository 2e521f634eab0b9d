/** How a hook reads its spec from the environment: clear errors for anything it cannot use. */
import { parseHookSpec } from '../../src/cli/hook-spec';
import { ACCOUNT_SPEC } from './spec-fixtures';

const ACCOUNT = ACCOUNT_SPEC;

const ORG_SPEC = {
  v: 1,
  kind: 'aerial-org',
  path: 'stack/Prod',
  removalPolicy: 'RETAIN',
  account: ACCOUNT,
  org: { orgId: '00oDemoAcmeProd00001' },
  status: 'ACTIVE',
  requestDeletion: false,
};

describe('parseHookSpec', () => {
  it('returns a valid spec as given', () => {
    expect(parseHookSpec(JSON.stringify(ORG_SPEC))).toEqual(ORG_SPEC);
  });

  it('takes the JSON of a spec string as well (jsonencode(self.input) of the terraform_data rendering)', () => {
    expect(parseHookSpec(JSON.stringify(JSON.stringify(ORG_SPEC)))).toEqual(ORG_SPEC);
    expect(() => parseHookSpec(JSON.stringify('{"v":1,'))).toThrow(/OKTA_AERIAL_SPEC is not valid JSON/);
    expect(() => parseHookSpec(JSON.stringify('"x"'))).toThrow(/must be a JSON object, got string/);
  });

  it('fails if OKTA_AERIAL_SPEC is not set, saying the hook is run by Terraform', () => {
    expect(() => parseHookSpec(undefined)).toThrow(
      /OKTA_AERIAL_SPEC is not set; 'okta-aerial hook' is run by Terraform/,
    );
  });

  it('fails on malformed JSON, naming the variable', () => {
    expect(() => parseHookSpec('{"v":1,')).toThrow(/OKTA_AERIAL_SPEC is not valid JSON/);
  });

  it('fails on a spec version it does not read, naming both versions', () => {
    expect(() => parseHookSpec(JSON.stringify({ ...ORG_SPEC, v: 2 }))).toThrow(
      /v is 2; this version understands spec version 1: use matching versions of cdktf-okta-aerial/,
    );
  });

  it('reports every invalid value together, naming the resource', () => {
    const bad = { ...ORG_SPEC, status: 'PAUSED', org: { orgId: 'nope' } };
    expect(() => parseHookSpec(JSON.stringify(bad))).toThrow(
      /AerialOrg 'stack\/Prod' is invalid:\n {2}- .*\n {2}- /,
    );
  });

  it('overlays the natural key of a null_resource identity from OKTA_AERIAL_SPEC_KEY', () => {
    const literal = { ...ORG_SPEC, role: 'identity', org: {} } as Record<string, unknown>;
    delete literal.status;
    const spec = parseHookSpec(
      JSON.stringify(literal),
      JSON.stringify({ 'org.orgId': '00oDemoAcmeDev000001' }),
    );
    expect(spec.org).toEqual({ orgId: '00oDemoAcmeDev000001' });
  });

  it('names the old org completely from the key when the code now names it the other way', () => {
    // The literal (current code) names the org by domain; the old object's key named it by id.
    const literal = {
      ...ORG_SPEC,
      role: 'identity',
      org: { domain: 'acme-prod.okta.com', cell: 'ok1' },
    } as Record<string, unknown>;
    delete literal.status;
    const spec = parseHookSpec(
      JSON.stringify(literal),
      JSON.stringify({ 'account.accountId': ACCOUNT.accountId, 'org.orgId': '00oDemoAcmeProd00001' }),
    );
    expect(spec.org).toEqual({ orgId: '00oDemoAcmeProd00001' });
  });

  it('refuses a kind named like an object property with a clear message', () => {
    expect(() => parseHookSpec(JSON.stringify({ ...ORG_SPEC, kind: 'toString' }))).toThrow(
      /kind is 'toString'/,
    );
  });

  it('never echoes a URL with a query (it may carry a secret)', () => {
    const bad = {
      ...ORG_SPEC,
      account: { ...ACCOUNT, tokenUrl: 'https://acme.okta.com/token?secret=hunter2' },
    };
    expect(() => parseHookSpec(JSON.stringify(bad))).toThrow(/tokenUrl has a query or fragment; remove it/);
    expect(() => parseHookSpec(JSON.stringify(bad))).not.toThrow(/hunter2/);
  });

  it('ignores key paths that would reach the object prototype', () => {
    parseHookSpec(
      JSON.stringify(ORG_SPEC),
      JSON.stringify({ '__proto__.polluted': 'yes', 'constructor.x': 'y' }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
