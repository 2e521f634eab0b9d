import { endpointOverride, overrideAerialBase, overrideOrgUrl } from '../../src/handlers/endpoint-override';
import { resolveAerialConnection, resolveOrgConnection } from '../../src/handlers/connections';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../../src/contract';
import type { Estate } from '../../src/cli/estate';
import { formatShow } from '../../src/cli/show-command';

const EMU = 'http://127.0.0.1:8787';

describe('OKTA_AERIAL_ENDPOINT_URL', () => {
  it('is off when unset or empty', () => {
    expect(endpointOverride({})).toBeUndefined();
    expect(endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: '  ' })).toBeUndefined();
  });

  it('refuses a value that is not a URL, plain http off loopback, or a query, naming the variable and the fix', () => {
    expect(() => endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: 'localhost:8787' })).toThrow(
      /OKTA_AERIAL_ENDPOINT_URL is 'localhost:8787'/,
    );
    expect(() => endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: 'emulator:8787' })).toThrow(
      /not a URL|must use https/,
    );
    expect(() => endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: 'http://10.0.0.5:8787' })).toThrow(
      /must use https, or http on a loopback host/,
    );
    expect(() => endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: 'http://127.0.0.1:8787/?x=1' })).toThrow(
      /without a query/,
    );
    expect(endpointOverride({ OKTA_AERIAL_ENDPOINT_URL: `${EMU}/` })).toBe(EMU);
  });

  it("maps Okta's URLs onto the emulator's layout and leaves loopback URLs alone", () => {
    expect(overrideAerialBase(EMU, 'https://aerial-apac.okta.com', 'production')).toBe(
      `${EMU}/aerial/production`,
    );
    expect(overrideAerialBase(EMU, 'https://aerial-sandbox.okta.com', 'sandbox')).toBe(
      `${EMU}/aerial/sandbox`,
    );
    expect(overrideOrgUrl(EMU, 'https://Acme-Prod.okta.com')).toBe(`${EMU}/orgs/acme-prod`);
    expect(overrideOrgUrl(EMU, 'https://acme-aerial.okta.com/oauth2/v1/token')).toBe(
      `${EMU}/orgs/acme-aerial/oauth2/v1/token`,
    );
    expect(overrideOrgUrl(EMU, 'http://localhost:9999/orgs/x')).toBe('http://localhost:9999/orgs/x');
    expect(overrideOrgUrl(undefined, 'https://acme.okta.com')).toBe('https://acme.okta.com');
  });

  it('applies to the connections a hook resolves, keeping the credentials', () => {
    const env = { OKTA_AERIAL_ENDPOINT_URL: EMU, KEY: 'k', TOKEN: 't' };
    const aerial = resolveAerialConnection(
      {
        accountId: '0227abcdefghijklmnopqrstuvw',
        baseUrl: 'https://aerial-apac.okta.com',
        tokenUrl: 'https://acme-aerial.okta.com/oauth2/v1/token',
        clientId: '0oa1',
        privateKeyEnv: 'KEY',
        dpop: false,
        maxConcurrency: 10,
        deadlineMs: 300000,
        environment: 'production',
      } as AerialConnectionSpec,
      env,
    );
    expect(aerial).toMatchObject({
      baseUrl: `${EMU}/aerial/production`,
      tokenUrl: `${EMU}/orgs/acme-aerial/oauth2/v1/token`,
      privateKey: 'k',
    });
    const org = resolveOrgConnection(
      {
        orgUrl: 'https://acme-prod.okta.com',
        auth: { type: 'ssws', tokenEnv: 'TOKEN' },
        maxConcurrency: 10,
        deadlineMs: 300000,
      } as OrgConnectionSpec,
      env,
    );
    expect(org).toMatchObject({ orgUrl: `${EMU}/orgs/acme-prod`, auth: { type: 'ssws', token: 't' } });
  });
});

describe('okta-aerial show under OKTA_AERIAL_ENDPOINT_URL', () => {
  const estate = (baseUrl: string, environment?: 'production' | 'sandbox'): Estate => ({
    account: { id: '0227acmeaerialaccount000001', name: 'Acme' },
    connection: {
      accountId: '0227acmeaerialaccount000001',
      baseUrl,
      tokenUrl: 'https://acme-aerial.okta.com/oauth2/v1/token',
      clientId: '0oaAcmeAerialDeploy1',
      privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
      dpop: false,
      maxConcurrency: 10,
      deadlineMs: 300_000,
      ...(environment ? { environment } : {}),
    },
    subscribedProducts: [],
    orgs: [],
    orgApis: [],
  });
  const header = (e: Estate, endpoint?: string) => formatShow(e, endpoint).split('\n').slice(0, 2);

  it("says under the account's Okta URL where the requests went, for either environment", () => {
    expect(header(estate('https://aerial-apac.okta.com', 'production'), EMU)).toEqual([
      'Aerial account 0227acmeaerialaccount000001 (Acme) at https://aerial-apac.okta.com',
      `  (requests sent to ${EMU}/aerial/production by OKTA_AERIAL_ENDPOINT_URL)`,
    ]);
    expect(header(estate('https://aerial-sandbox.okta.com', 'sandbox'), EMU)[1]).toBe(
      `  (requests sent to ${EMU}/aerial/sandbox by OKTA_AERIAL_ENDPOINT_URL)`,
    );
  });

  it('says nothing more without the override, or for a base URL on loopback (a stack written for the emulator)', () => {
    expect(header(estate('https://aerial-apac.okta.com', 'production'))[1]).toBe('');
    expect(header(estate(`${EMU}/aerial/production`, 'production'), EMU)[1]).toBe('');
  });
});
