/**
 * The client against an emulator as strict as Okta: DPoP-required apps found out and remembered, the
 * exact scope per call, product names, the real path shape, and the API Tokens API reads.
 */
import {
  AuthorizationError,
  closeClients,
  openAerialClient,
  openPrincipalRateLimitClient,
} from '../../src/client';
import { demoSeed, type EmulatorSeed } from '../../src/emulator';
import { aerialConnection, DEMO, emulator, fast, oauthOrgConnection, sswsConnection } from './helpers';

const MANAGE_ONLY = '0oaDemoManageOnly001';

/** The demo seed with every app at Okta's default (DPoP required), plus an app granted only manage. */
function seed(): EmulatorSeed {
  const s = demoSeed();
  for (const org of s.orgs)
    for (const c of org.clients ?? [])
      delete (c as { dpopBoundAccessTokens?: boolean }).dpopBoundAccessTokens;
  s.orgs
    .find((o) => o.id === DEMO.aerialOrgId)!
    .clients!.push({ clientId: MANAGE_ONLY, scopes: ['okta.accounts.manage'] });
  return s;
}

afterEach(() => closeClients());

describe('a DPoP-required app with a connection that does not say dpop', () => {
  it('switches to DPoP on invalid_dpop_proof and remembers it for the process', async () => {
    const emu = await emulator({ seed: seed() });
    try {
      const c = openAerialClient(aerialConnection(emu, { dpop: false }), fast());
      await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
      const token = emu.stats().byRoute['oauth.token'];
      // One proofless refusal, one use_dpop_nonce round, one token.
      expect(token).toEqual({ '200': 1, '400': 2 });
      expect(emu.log().some((e) => e.route === 'aerial.getAccount' && e.status === 200)).toBe(true);
      // Another client of the same credentials in this process asks with a proof at once.
      emu.reset();
      const again = openAerialClient(aerialConnection(emu, { dpop: false, maxConcurrency: 5 }), fast());
      await again.listSubscribedProducts();
      expect(emu.stats().byRoute['oauth.token']).toBeUndefined(); // the token is shared, too
    } finally {
      await emu.stop();
    }
  });

  it('reaches an org API with OAuth the same way', async () => {
    const emu = await emulator({ seed: seed() });
    try {
      const c = openPrincipalRateLimitClient(oauthOrgConnection(emu, 'ACME_PROD', false), fast());
      await expect(c.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN')).resolves.toMatchObject({
        defaultPercentage: 50,
      });
      expect(emu.stats().tokensIssued[DEMO.orgClientId]).toBe(1);
    } finally {
      await emu.stop();
    }
  });
});

describe('exact scopes', () => {
  it('works in strict mode with an app granted both scopes', async () => {
    const emu = await emulator({ strict: true });
    try {
      const c = openAerialClient(aerialConnection(emu), fast());
      await expect(c.getOrg(DEMO.aerialOrgId)).resolves.toMatchObject({ id: DEMO.aerialOrgId });
      await expect(c.replaceAccount('Acme Demo')).resolves.toMatchObject({ name: 'Acme Demo' });
      expect(emu.stats().byRoute['aerial.getOrg']).toEqual({ '200': 1 });
    } finally {
      await emu.stop();
    }
  });

  it('reads with the manage scope when the app lacks the read scope and the server allows it', async () => {
    const emu = await emulator({ seed: seed() });
    try {
      const c = openAerialClient(aerialConnection(emu, { clientId: MANAGE_ONLY }), fast());
      await expect(c.getOrg(DEMO.aerialOrgId)).resolves.toMatchObject({ id: DEMO.aerialOrgId });
    } finally {
      await emu.stop();
    }
  });

  it('names the missing read scope when a strict server refuses the manage scope for reads', async () => {
    const emu = await emulator({ seed: seed(), strict: true });
    try {
      const c = openAerialClient(aerialConnection(emu, { clientId: MANAGE_ONLY }), fast());
      const err = await c.getOrg(DEMO.aerialOrgId).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthorizationError);
      expect((err as Error).message).toContain('okta.accounts.read');
      // Writes still work with the scope the app has.
      await expect(c.setOrgStatus(DEMO.aerialOrgId, 'ACTIVE')).resolves.toMatchObject({ status: 'ACTIVE' });
    } finally {
      await emu.stop();
    }
  });
});

describe('products and the real path shape', () => {
  it('sends {id, name} with names from the subscription, which a strict server requires', async () => {
    const emu = await emulator({ strict: true });
    try {
      const c = openAerialClient(aerialConnection(emu), fast());
      await expect(c.setEnabledProducts(DEMO.aerialOrgId, ['P000052', 'P001113'])).resolves.toEqual([
        { id: 'P000052', name: 'IT Products - SSO' },
        { id: 'P001113', name: 'IT Products - Identity Threat Protection' },
      ]);
      // Products given with their names (echoed from a GET) need no subscription read.
      emu.reset();
      const enabled = await c.getEnabledProducts(DEMO.aerialOrgId);
      await c.setEnabledProducts(DEMO.aerialOrgId, enabled.slice(1));
      expect(emu.stats().byRoute['aerial.listSubscribedProducts']).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });

  it('works against one environment served at the root of the port, with DPoP', async () => {
    const emu = await emulator({ environment: 'production', strict: true });
    try {
      const conn = aerialConnection(emu);
      expect(conn.baseUrl).toBe(emu.url);
      const c = openAerialClient(conn, fast());
      const orgs: string[] = [];
      for await (const o of c.listOrgs({ limit: 1 })) orgs.push(o.id);
      expect(orgs).toEqual([DEMO.aerialOrgId]);
      await expect(c.linkOrg({ domain: 'acme-prod.okta.com', cell: 'ok1' })).resolves.toMatchObject({
        id: '00oDemoAcmeProd00001',
      });
      expect(emu.log().every((e) => !e.path.startsWith('/aerial/'))).toBe(true);
      expect(emu.log().some((e) => e.path === `/${DEMO.accountId}/api/v1/orgs` && e.status === 200)).toBe(
        true,
      );
    } finally {
      await emu.stop();
    }
  });
});

describe('API Tokens API reads', () => {
  it('lists and gets the org’s token metadata (the SSWS principals), page by page', async () => {
    const emu = await emulator();
    try {
      const c = openPrincipalRateLimitClient(sswsConnection(emu, 'ACME_PROD'), fast());
      const tokens = [];
      for await (const t of c.listApiTokens({ limit: 1 })) tokens.push(t);
      expect(tokens.map((t) => [t.id, t.name])).toEqual([['00TDemoCiToken000001', 'CI token']]);
      await expect(c.getApiToken('00TDemoCiToken000001')).resolves.toMatchObject({ name: 'CI token' });
      expect(JSON.stringify(tokens)).not.toContain(emu.credentials().OKTA_API_TOKEN_ACME_PROD);
    } finally {
      await emu.stop();
    }
  });
});
