/** Contract tests of each emulated org's Principal Rate Limits API (okta-api.md 2) and consent API (1.7). */
import { DEMO, demoSeed, startEmulator, type EmulatorSeed, type RunningEmulator } from '../../src/emulator';
import {
  bearerToken,
  call,
  clientAssertion,
  demoKey,
  dpopKey,
  dpopProof,
  JWT_BEARER,
  tokenRequest,
} from './helpers';

const SSWS_FILTER = encodeURIComponent('principalType eq "SSWS_TOKEN"');

describe('Principal Rate Limits API', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let base: string;
  let ssws: string;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
    base = `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/principal-rate-limits`;
    ssws = `SSWS ${creds.OKTA_API_TOKEN_ACME_PROD}`;
  });
  afterAll(() => emu.stop());

  it('lists the seeded entity with an SSWS token, filter required', async () => {
    const r = await call(`${base}?filter=${SSWS_FILTER}`, { auth: ssws });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({
      orgId: '00oDemoAcmeProd00001',
      principalId: '00TDemoOpsToken00001',
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 50,
      defaultConcurrencyPercentage: 50,
    });
    expect(r.body[0].id).toMatch(/^prl/);
    expect(r.headers.get('link')).toContain('rel="self"');
    const noFilter = await call(base, { auth: ssws });
    expect(noFilter.status).toBe(400);
    expect(noFilter.body.errorCode).toBe('E0000028');
    const tooMany = await call(`${base}?filter=${SSWS_FILTER}&limit=51`, { auth: ssws });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errorCode).toBe('E0000001');
  });

  it('refuses a missing or wrong SSWS token (401) and a token of another org', async () => {
    expect((await call(`${base}?filter=${SSWS_FILTER}`)).status).toBe(401);
    expect((await call(`${base}?filter=${SSWS_FILTER}`, { auth: 'SSWS wrong' })).status).toBe(401);
    const other = await call(`${base}?filter=${SSWS_FILTER}`, {
      auth: `SSWS ${creds.OKTA_API_TOKEN_ACME_DEV}`,
    });
    expect(other.status).toBe(401);
    expect(other.body.errorCode).toBe('E0000011');
  });

  it('creates (201) with defaults 50/50, then refuses a duplicate with principalRateLimitMediated', async () => {
    const r = await call(base, {
      method: 'POST',
      auth: ssws,
      body: { principalId: '0oaDemoSyncApp000001', principalType: 'OAUTH_CLIENT' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      principalId: '0oaDemoSyncApp000001',
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 50,
      defaultConcurrencyPercentage: 50,
      orgId: '00oDemoAcmeProd00001',
      createdBy: DEMO.adminUserId,
    });
    for (const k of ['id', 'createdDate', 'lastUpdate', 'lastUpdatedBy']) expect(r.body[k]).toBeTruthy();
    const dup = await call(base, {
      method: 'POST',
      auth: ssws,
      body: { principalId: '0oaDemoSyncApp000001', principalType: 'OAUTH_CLIENT', defaultPercentage: 10 },
    });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: principalRateLimitMediated',
    });
    const get = await call(`${base}/${r.body.id}`, { auth: ssws });
    expect(get.body).toEqual(r.body);
  });

  it('validates create: unknown principal 404, type mismatch 400, percentages 0..100 integers', async () => {
    const post = (body: unknown) => call(base, { method: 'POST', auth: ssws, body });
    const unknown = await post({ principalId: '00TNobody', principalType: 'SSWS_TOKEN' });
    expect([unknown.status, unknown.body.errorCode]).toEqual([404, 'E0000007']);
    const mismatch = await post({ principalId: '00TDemoCiToken000001', principalType: 'OAUTH_CLIENT' });
    expect([mismatch.status, mismatch.body.errorCode]).toEqual([400, 'E0000001']);
    for (const [field, value] of [
      ['defaultPercentage', 101],
      ['defaultPercentage', -1],
      ['defaultConcurrencyPercentage', 12.5],
      ['defaultConcurrencyPercentage', '40'],
    ] as const) {
      const r = await post({
        principalId: '00TDemoCiToken000001',
        principalType: 'SSWS_TOKEN',
        [field]: value,
      });
      expect([r.status, r.body.errorSummary]).toEqual([400, `Api validation failed: ${field}`]);
    }
    const missing = await post({ principalType: 'SSWS_TOKEN' });
    expect(missing.status).toBe(400);
    const malformed = await call(base, {
      method: 'POST',
      auth: ssws,
      rawBody: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.body.errorCode).toBe('E0000003');
  });

  it('replaces percentages with PUT, refuses a principal change, 404s unknown ids, 405s DELETE', async () => {
    const list = await call(`${base}?filter=${encodeURIComponent('principalId eq "00TDemoOpsToken00001"')}`, {
      auth: ssws,
    });
    const e = list.body[0];
    const put = await call(`${base}/${e.id}`, {
      method: 'PUT',
      auth: ssws,
      body: { ...e, defaultPercentage: 20, defaultConcurrencyPercentage: 30, createdBy: 'ignored' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: e.id, defaultPercentage: 20, defaultConcurrencyPercentage: 30 });
    expect(put.body.createdBy).toBe(e.createdBy);
    expect(put.body.lastUpdate >= e.lastUpdate).toBe(true);
    const moved = await call(`${base}/${e.id}`, {
      method: 'PUT',
      auth: ssws,
      body: { principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN' },
    });
    expect(moved.status).toBe(400);
    expect((await call(`${base}/prlUnknown0000000000`, { auth: ssws })).status).toBe(404);
    const del = await call(`${base}/${e.id}`, { method: 'DELETE', auth: ssws });
    expect([del.status, del.body.errorCode]).toEqual([405, 'E0000022']);
  });

  it('accepts OAuth tokens of the org (Bearer and DPoP) and checks the scopes', async () => {
    const orgTokenUrl = `${creds.OKTA_ORG_URL_ACME_DEV}/oauth2/v1/token`;
    const devBase = `${creds.OKTA_ORG_URL_ACME_DEV}/api/v1/principal-rate-limits`;
    const readToken = await bearerToken(
      { ...creds, OKTA_AERIAL_PRIVATE_KEY: creds.OKTA_ORG_PRIVATE_KEY },
      { tokenUrl: orgTokenUrl, clientId: creds.OKTA_ORG_CLIENT_ID, scope: 'okta.principalRateLimits.read' },
    );
    const list = await call(`${devBase}?filter=${SSWS_FILTER}`, { auth: `Bearer ${readToken}` });
    expect(list.status).toBe(200);
    const write = await call(devBase, {
      method: 'POST',
      auth: `Bearer ${readToken}`,
      body: { principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN' },
    });
    expect(write.status).toBe(403);
    expect(write.body.errorCode).toBe('E0000006');
    expect(write.headers.get('www-authenticate')).toContain('scope="okta.principalRateLimits.manage"');
    // A token from another org's authorization server is not valid here.
    const elsewhere = await call(`${base}?filter=${SSWS_FILTER}`, { auth: `Bearer ${readToken}` });
    expect(elsewhere.status).toBe(401);

    // DPoP-bound manage token; lastUpdatedBy is the client.
    const k = await dpopKey();
    const key = await demoKey(creds);
    const tokenForm = async () => ({
      grant_type: 'client_credentials',
      scope: 'okta.principalRateLimits.manage',
      client_assertion_type: JWT_BEARER,
      client_assertion: await clientAssertion({
        clientId: creds.OKTA_ORG_CLIENT_ID,
        tokenUrl: orgTokenUrl,
        key,
      }),
    });
    const first = await tokenRequest(orgTokenUrl, await tokenForm(), {
      DPoP: await dpopProof(k, { htm: 'POST', htu: orgTokenUrl }),
    });
    const nonce = first.headers.get('dpop-nonce')!;
    const tok = await tokenRequest(orgTokenUrl, await tokenForm(), {
      DPoP: await dpopProof(k, { htm: 'POST', htu: orgTokenUrl, nonce }),
    });
    expect(tok.body.token_type).toBe('DPoP');
    const at = tok.body.access_token;
    const created = await call(devBase, {
      method: 'POST',
      auth: `DPoP ${at}`,
      headers: { DPoP: await dpopProof(k, { htm: 'POST', htu: devBase, accessToken: at }) },
      body: { principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN', defaultPercentage: 75 },
    });
    expect(created.status).toBe(201);
    expect(created.body.lastUpdatedBy).toBe(DEMO.orgClientId);
  });

  it('returns 404 for an unknown org', async () => {
    const r = await call(`${emu.url}/orgs/nope/api/v1/principal-rate-limits?filter=${SSWS_FILTER}`, {
      auth: ssws,
    });
    expect([r.status, r.body.errorCode]).toEqual([404, 'E0000007']);
  });
});

describe('Principal Rate Limits pagination', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    const seed: EmulatorSeed = demoSeed();
    const org = seed.orgs.find((o) => o.id === '00oDemoAcmeProd00001')!;
    const principals = Array.from({ length: 45 }, (_, i) => ({
      id: `00TMany${String(i).padStart(4, '0')}`,
      type: 'SSWS_TOKEN' as const,
    }));
    Object.assign(org, {
      principals: [...org.principals!, ...principals],
      rateLimits: principals.map((p) => ({ principalId: p.id, principalType: 'SSWS_TOKEN' as const })),
    });
    emu = await startEmulator({ quiet: true, seed });
  });
  afterAll(() => emu.stop());

  it('pages 20 at a time by default and follows next links to the end', async () => {
    const creds = emu.credentials();
    let url: string | undefined =
      `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/principal-rate-limits?filter=${SSWS_FILTER}`;
    const sizes: number[] = [];
    const ids = new Set<string>();
    while (url) {
      const r = await call(url, { auth: `SSWS ${creds.OKTA_API_TOKEN_ACME_PROD}` });
      sizes.push(r.body.length);
      r.body.forEach((e: { id: string }) => ids.add(e.id));
      url = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(ids.size).toBe(45);
  });
});

describe('Aerial consent API', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
  });
  afterAll(() => emu.stop());

  it('reads, grants and revokes consent with the documented errors', async () => {
    const creds = emu.credentials();
    const base = `${creds.OKTA_ORG_URL_ACME_NOCONSENT}/api/v1/org/privacy/aerial`;
    const auth = `SSWS ${creds.OKTA_API_TOKEN_ACME_NOCONSENT}`;
    const none = await call(base, { auth });
    expect([none.status, none.body.errorSummary]).toEqual([
      404,
      'Not found: Resource not found: grant (String)',
    ]);
    const bad = await call(`${base}/grant`, { method: 'POST', auth, body: { accountId: 'nope' } });
    expect(bad.body.errorCauses[0].errorSummary).toBe('Invalid aerial account ID.');
    const ok = await call(`${base}/grant`, { method: 'POST', auth, body: { accountId: DEMO.accountId } });
    expect(ok.status).toBe(200);
    expect(ok.body.accountId).toBe(DEMO.accountId);
    const twice = await call(`${base}/grant`, { method: 'POST', auth, body: { accountId: DEMO.accountId } });
    expect(twice.body.errorCauses[0].errorSummary).toBe(
      'The org already has a consent grant added to Aerial.',
    );
    const revoke = await call(`${base}/revoke`, {
      method: 'POST',
      auth,
      body: { accountId: DEMO.accountId },
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body._links.grant.href).toBe(`${base}/grant`);
    const linkedOrg = `${creds.OKTA_ORG_URL_OTHER_CO}/api/v1/org/privacy/aerial/revoke`;
    const linked = await call(linkedOrg, {
      method: 'POST',
      auth: `SSWS ${creds.OKTA_API_TOKEN_OTHER_CO}`,
      body: { accountId: DEMO.otherAccountId },
    });
    expect(linked.body.errorCauses[0].errorSummary).toBe('The org is already linked to an Account.');
  });
});
