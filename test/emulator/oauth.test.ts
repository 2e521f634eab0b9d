/** Contract tests of the emulated org authorization server: private_key_jwt, scopes, expiry and DPoP. */
import { exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { DEMO, demoSeed, startEmulator, type EmulatorSeed, type RunningEmulator } from '../../src/emulator';
import {
  JWT_BEARER,
  call,
  clientAssertion,
  demoKey,
  dpopKey,
  dpopProof,
  dpopTokenRequest,
  tokenRequest,
  type DpopAuth,
} from './helpers';

const form = (assertion: string, scope = 'okta.accounts.read') => ({
  grant_type: 'client_credentials',
  scope,
  client_assertion_type: JWT_BEARER,
  client_assertion: assertion,
});

describe('token endpoint: private_key_jwt', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let key: KeyLike;
  let tokenUrl: string;
  let clientId: string;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
    key = await demoKey(creds);
    tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
    clientId = creds.OKTA_AERIAL_CLIENT_ID;
  });
  afterAll(() => emu.stop());

  const assert = (o: Partial<Parameters<typeof clientAssertion>[0]> = {}) =>
    clientAssertion({ clientId, tokenUrl, key, kid: 'demo-key-1', ...o });

  it('issues a Bearer token for the granted scopes that were asked for', async () => {
    const r = await tokenRequest(
      tokenUrl,
      form(await assert(), 'okta.accounts.read okta.accounts.manage openid'),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'okta.accounts.read okta.accounts.manage',
    });
    expect(typeof r.body.access_token).toBe('string');
    expect(r.headers.get('cache-control')).toContain('no-store');
  });

  it('accepts an assertion without kid by trying each registered key', async () => {
    const r = await tokenRequest(tokenUrl, form(await assert({ kid: undefined })));
    expect(r.status).toBe(200);
  });

  it('refuses bad client assertions with 401 invalid_client', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Promise<string>][] = [
      ['unregistered key', assert({ key: other })],
      ['wrong audience', assert({ aud: `${emu.url}/orgs/acme-prod/oauth2/v1/token` })],
      ['iss != sub', assert({ iss: DEMO.readOnlyClientId })],
      ['exp more than 1h ahead', assert({ exp: now + 7200 })],
      ['expired', assert({ iat: now - 900, exp: now - 600 })],
      ['unknown client', clientAssertion({ clientId: '0oaNobody', tokenUrl, key })],
    ];
    for (const [why, a] of cases) {
      const r = await tokenRequest(tokenUrl, form(await a));
      expect([why, r.status, r.body.error]).toEqual([why, 401, 'invalid_client']);
      expect(r.body.error_description).toEqual(expect.any(String));
    }
  });

  it('refuses a replayed assertion (same jti)', async () => {
    const a = await assert({ jti: 'once-only' });
    expect((await tokenRequest(tokenUrl, form(a))).status).toBe(200);
    const again = await tokenRequest(tokenUrl, form(a));
    expect(again.status).toBe(401);
    expect(again.body.error_description).toMatch(/jti/);
  });

  it('answers OAuth errors for a bad grant, scope or content type', async () => {
    const grant = await tokenRequest(tokenUrl, { ...form(await assert()), grant_type: 'password' });
    expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
    const noScope = await tokenRequest(tokenUrl, form(await assert(), ''));
    expect([noScope.status, noScope.body.error]).toEqual([400, 'invalid_scope']);
    const readOnly = await tokenRequest(
      tokenUrl,
      form(await assert({ clientId: DEMO.readOnlyClientId }), 'okta.accounts.manage'),
    );
    expect([readOnly.status, readOnly.body.error]).toEqual([400, 'invalid_scope']);
    const json = await call(tokenUrl, { method: 'POST', body: form(await assert()) });
    expect([json.status, json.body.error]).toEqual([400, 'invalid_request']);
  });

  it('issues okta.accounts.* only at an Aerial org, and PRL scopes at any org', async () => {
    const orgUrl = `${creds.OKTA_ORG_URL_ACME_PROD}/oauth2/v1/token`;
    const a = await clientAssertion({ clientId: DEMO.orgClientId, tokenUrl: orgUrl, key, kid: 'demo-key-1' });
    const r = await tokenRequest(orgUrl, form(a, 'okta.principalRateLimits.read okta.accounts.read'));
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('okta.principalRateLimits.read');
    // The Aerial client is not registered in a customer org.
    const b = await clientAssertion({ clientId, tokenUrl: orgUrl, key, kid: 'demo-key-1' });
    expect((await tokenRequest(orgUrl, form(b))).status).toBe(401);
  });
});

describe('token endpoint: ES256 keys from the seed, expiry with an injected clock', () => {
  let emu: RunningEmulator;
  let clock = Date.now();
  let ecKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    ecKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'ec-1' };
    const seed: EmulatorSeed = demoSeed();
    const aerialOrg = seed.orgs.find((o) => o.id === DEMO.aerialOrgId)!;
    (aerialOrg.clients as unknown[]).push({
      clientId: '0oaEcClient000000001',
      scopes: ['okta.accounts.read'],
      jwks: [jwk],
    });
    emu = await startEmulator({ quiet: true, seed, now: () => clock, tokenTtlSeconds: 600 });
  });
  afterAll(() => emu.stop());

  it('verifies an ES256 assertion, and the token stops working after its lifetime', async () => {
    const creds = emu.credentials();
    const tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
    const iat = Math.floor(clock / 1000);
    const a = await clientAssertion({
      clientId: '0oaEcClient000000001',
      tokenUrl,
      key: ecKey,
      alg: 'ES256',
      kid: 'ec-1',
      iat,
    });
    // The app requires DPoP (Okta's default); the proofs follow the emulator's injected clock.
    const k = await dpopKey();
    const r = await dpopTokenRequest(tokenUrl, form(a), k, iat);
    expect(r.status).toBe(200);
    expect(r.body.expires_in).toBe(600);
    const url = `${creds.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1/accounts`;
    const auth: DpopAuth = { token: r.body.access_token, key: k, iat: () => Math.floor(clock / 1000) };
    expect((await call(url, { auth })).status).toBe(200);
    clock += 599_000;
    expect((await call(url, { auth })).status).toBe(200);
    clock += 2_000;
    const expired = await call(url, { auth });
    expect(expired.status).toBe(401);
    expect(expired.body.errorCode).toBe('E0000011');
  });
});

describe('DPoP', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let tokenUrl: string;
  let accountUrl: string;
  let key: KeyLike;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
    tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
    accountUrl = `${creds.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1/accounts`;
    key = await demoKey(creds);
  });
  afterAll(() => emu.stop());

  const assertion = () =>
    clientAssertion({ clientId: creds.OKTA_AERIAL_CLIENT_ID, tokenUrl, key, kid: 'demo-key-1' });

  /** The documented two-step flow; returns the token and the proof key. */
  async function dpopToken() {
    const k = await dpopKey();
    const first = await tokenRequest(tokenUrl, form(await assertion()), {
      DPoP: await dpopProof(k, { htm: 'POST', htu: tokenUrl }),
    });
    expect(first.status).toBe(400);
    expect(first.body).toEqual({
      error: 'use_dpop_nonce',
      error_description: 'Authorization server requires nonce in DPoP proof.',
    });
    const nonce = first.headers.get('dpop-nonce')!;
    expect(nonce).toBeTruthy();
    const second = await tokenRequest(tokenUrl, form(await assertion()), {
      DPoP: await dpopProof(k, { htm: 'POST', htu: tokenUrl, nonce }),
    });
    expect(second.status).toBe(200);
    expect(second.body.token_type).toBe('DPoP');
    return { token: second.body.access_token as string, k };
  }

  it('binds the token to the proof key and accepts DPoP resource calls', async () => {
    const { token, k } = await dpopToken();
    const proof = await dpopProof(k, { htm: 'GET', htu: accountUrl, accessToken: token });
    const r = await call(accountUrl, { auth: `DPoP ${token}`, headers: { DPoP: proof } });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(DEMO.accountId);
  });

  it('refuses a replayed proof with 401 and an invalid_dpop_proof challenge', async () => {
    const { token, k } = await dpopToken();
    const proof = await dpopProof(k, { htm: 'GET', htu: accountUrl, accessToken: token });
    expect((await call(accountUrl, { auth: `DPoP ${token}`, headers: { DPoP: proof } })).status).toBe(200);
    const replay = await call(accountUrl, { auth: `DPoP ${token}`, headers: { DPoP: proof } });
    expect(replay.status).toBe(401);
    expect(replay.body.errorCode).toBe('E0000011');
    expect(replay.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });

  it('refuses wrong method, URL, ath, key, scheme, or a missing proof', async () => {
    const { token, k } = await dpopToken();
    const other = await dpopKey('RS256');
    const cases: [string, string, Record<string, string>][] = [
      [
        'htm',
        `DPoP ${token}`,
        { DPoP: await dpopProof(k, { htm: 'PUT', htu: accountUrl, accessToken: token }) },
      ],
      [
        'htu',
        `DPoP ${token}`,
        { DPoP: await dpopProof(k, { htm: 'GET', htu: tokenUrl, accessToken: token }) },
      ],
      [
        'ath',
        `DPoP ${token}`,
        { DPoP: await dpopProof(k, { htm: 'GET', htu: accountUrl, accessToken: 'x' }) },
      ],
      [
        'key',
        `DPoP ${token}`,
        { DPoP: await dpopProof(other, { htm: 'GET', htu: accountUrl, accessToken: token }) },
      ],
      ['no proof', `DPoP ${token}`, {}],
      [
        'bearer',
        `Bearer ${token}`,
        { DPoP: await dpopProof(k, { htm: 'GET', htu: accountUrl, accessToken: token }) },
      ],
    ];
    for (const [why, auth, headers] of cases) {
      const r = await call(accountUrl, { auth, headers });
      expect([why, r.status]).toEqual([why, 401]);
      expect(r.headers.get('www-authenticate')).toContain('invalid_dpop_proof');
    }
  });

  it('refuses a token-endpoint proof for another URL with 400 invalid_dpop_proof', async () => {
    const k = await dpopKey();
    const r = await tokenRequest(tokenUrl, form(await assertion()), {
      DPoP: await dpopProof(k, { htm: 'POST', htu: accountUrl }),
    });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_dpop_proof']);
  });
});
