/** State persistence across restarts, secrets at rest, and seed validation. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, SeedError, demoSeed, startEmulator, validateSeed } from '../../src/emulator';
import { bearerToken, call, dpopToken } from './helpers';

/** A token of the demo account's Aerial app with the manage scope. */
function manageToken(creds: Record<string, string>): Promise<string> {
  return bearerToken(creds, {
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
    scope: 'okta.accounts.manage',
  });
}

describe('state file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart: orgs, rate limits, keys, SSWS tokens and access tokens stay valid', async () => {
    const statePath = join(dir, 'state.json');
    const first = await startEmulator({ quiet: true, statePath, port: 0 });
    const creds = first.credentials();
    const token = await manageToken(creds);
    const aerial = `${creds.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1`;
    const link = await call(`${aerial}/orgs`, {
      method: 'POST',
      auth: `Bearer ${token}`,
      body: { orgId: '00oDemoAcmeProd00001' },
    });
    expect(link.status).toBe(200);
    const prl = await call(`${creds.OKTA_ORG_URL_ACME_DEV}/api/v1/principal-rate-limits`, {
      method: 'POST',
      auth: `SSWS ${creds.OKTA_API_TOKEN_ACME_DEV}`,
      body: { principalId: '0oaDemoSyncApp000001', principalType: 'OAUTH_CLIENT', defaultPercentage: 33 },
    });
    expect(prl.status).toBe(201);
    await first.stop();

    const text = readFileSync(statePath, 'utf8');
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    for (const secret of [token, creds.OKTA_API_TOKEN_ACME_DEV, creds.OKTA_API_TOKEN_ACME_PROD])
      expect(text).not.toContain(secret);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toMatch(/"d":/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // A seed given now is ignored: an existing state wins.
    const second = await startEmulator({ quiet: true, statePath, seed: { accounts: [], orgs: [] } });
    try {
      const again = second.credentials();
      expect(again.OKTA_AERIAL_PRIVATE_KEY).toBe(creds.OKTA_AERIAL_PRIVATE_KEY);
      expect(again.OKTA_API_TOKEN_ACME_DEV).toBe(creds.OKTA_API_TOKEN_ACME_DEV);
      const base = `${again.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1`;
      const org = await call(`${base}/orgs/00oDemoAcmeProd00001`, { auth: `Bearer ${token}` });
      expect(org.status).toBe(200);
      const entity = await call(
        `${again.OKTA_ORG_URL_ACME_DEV}/api/v1/principal-rate-limits/${prl.body.id}`,
        {
          auth: `SSWS ${again.OKTA_API_TOKEN_ACME_DEV}`,
        },
      );
      expect(entity.body.defaultPercentage).toBe(33);
    } finally {
      await second.stop();
    }
  });

  it('with seedMissing, takes in what a changed seed adds and keeps what the state has', async () => {
    const statePath = join(dir, 'merge.json');
    const before = demoSeed();
    before.orgs.push({ id: '00oLegacyOrg00000001', domain: 'acme-legacy.okta.com', cell: 'ok1' });
    const first = await startEmulator({ quiet: true, statePath, seed: before, seedMissing: true });
    const creds = first.credentials();
    const token = await manageToken(creds);
    const aerial = `${creds.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1`;
    const linked = await call(`${aerial}/orgs`, {
      method: 'POST',
      auth: `Bearer ${token}`,
      body: { orgId: '00oDemoAcmeProd00001' },
    });
    expect(linked.status).toBe(200);
    await first.stop();

    // The app changed: a new org, a new principal with a token in an org the state has, a new product,
    // a status the state's org no longer has, and an org that names a domain the state has under another id.
    const seed = demoSeed();
    seed.accounts[0].subscribedProducts.push({ id: 'P009999', name: 'New product' });
    seed.orgs.push({
      id: '00oAcmeNewOrg0000001',
      domain: 'acme-new.okta.com',
      cell: 'ok1',
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      principals: [{ id: '00TNewToken000000001', type: 'SSWS_TOKEN' }],
      apiTokens: [{ principalId: '00TNewToken000000001' }],
    });
    seed.orgs.push({ id: '00oClashingOrg000001', domain: 'acme-legacy.okta.com', cell: 'ok1' });
    const dev = seed.orgs.find((o) => o.domain === 'acme-dev.okta.com')!;
    dev.principals!.push({ id: '00TDevNewToken000001', type: 'SSWS_TOKEN', name: 'New' });
    dev.apiTokens!.push({ principalId: '00TDevNewToken000001' });
    seed.orgs.find((o) => o.id === '00oDemoAcmeProd00001')!.status = 'INACTIVE';

    const second = await startEmulator({ quiet: true, statePath, seed, seedMissing: true });
    try {
      const again = second.credentials();
      expect(again.OKTA_API_TOKEN_ACME_DEV).toBe(creds.OKTA_API_TOKEN_ACME_DEV);
      const state = (await call(`${second.url}/__admin/state`)).body as {
        accounts: { id: string; subscribedProducts: { id: string }[] }[];
        orgs: {
          id: string;
          domain: string;
          status: string;
          linkedAccountId?: string;
          principals: { id: string }[];
        }[];
      };
      const org = (id: string) => state.orgs.find((o) => o.id === id);
      expect(state.accounts[0].subscribedProducts.map((p) => p.id)).toContain('P009999');
      expect(org('00oAcmeNewOrg0000001')).toMatchObject({ domain: 'acme-new.okta.com', status: 'ACTIVE' });
      expect(org('00oDemoAcmeDev000001')!.principals.map((p) => p.id)).toContain('00TDevNewToken000001');
      // What the state had stays: the link the deploy made, and the status the seed no longer says.
      expect(org('00oDemoAcmeProd00001')).toMatchObject({
        status: 'ACTIVE',
        linkedAccountId: DEMO.accountId,
      });
      expect(org('00oClashingOrg000001')).toBeUndefined();
      expect(org('00oLegacyOrg00000001')).toMatchObject({ domain: 'acme-legacy.okta.com' });
      // The new tokens work.
      const newOrgToken = again.OKTA_API_TOKEN_ACME_NEW;
      expect(newOrgToken).toBeDefined();
      const filter = encodeURIComponent('principalType eq "SSWS_TOKEN"');
      const listed = await call(
        `${again.OKTA_ORG_URL_ACME_NEW}/api/v1/principal-rate-limits?filter=${filter}`,
        {
          auth: `SSWS ${newOrgToken}`,
        },
      );
      expect(listed.status).toBe(200);
    } finally {
      await second.stop();
    }
    // ...and the additions were saved: a restart with the demo seed alone still has them.
    const third = await startEmulator({ quiet: true, statePath });
    try {
      const state = (await call(`${third.url}/__admin/state`)).body as { orgs: { id: string }[] };
      expect(state.orgs.map((o) => o.id)).toContain('00oAcmeNewOrg0000001');
    } finally {
      await third.stop();
    }
  });

  it('refuses a state whose key file is gone, with a message that says what to do', async () => {
    const statePath = join(dir, 'lost-key.json');
    const emu = await startEmulator({ quiet: true, statePath });
    await emu.stop();
    rmSync(`${statePath}.key`);
    await expect(startEmulator({ quiet: true, statePath })).rejects.toThrow(
      /key file .* is missing.*delete the state file/,
    );
  });

  it('refuses a file that is not an emulator state', async () => {
    const statePath = join(dir, 'junk.json');
    writeFileSync(statePath, '{"hello":1}');
    await expect(startEmulator({ quiet: true, statePath })).rejects.toThrow(/not an emulator state file/);
  });
});

describe('seed validation', () => {
  it('accepts the demo seed', () => {
    expect(() => validateSeed(demoSeed())).not.toThrow();
  });

  it('names every bad field path in one error', () => {
    const seed = demoSeed() as unknown as {
      accounts: Record<string, unknown>[];
      orgs: Record<string, unknown>[];
    };
    seed.accounts[0].id = 'Not-An-Id';
    seed.accounts[1].environment = 'staging';
    seed.orgs[2].domain = 'not a domain';
    seed.orgs[3].rateLimits = [
      { principalId: '00TDemoCiToken000001', principalType: 'OAUTH_CLIENT', defaultPercentage: 120 },
    ];
    let error: SeedError | undefined;
    try {
      validateSeed(seed);
    } catch (e) {
      error = e as SeedError;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect(error!.message).toContain('seed.accounts[0].id: must be 27 lowercase letters/digits');
    expect(error!.message).toContain('seed.accounts[1].environment: must be "production" or "sandbox"');
    expect(error!.message).toContain('seed.orgs[2].domain: must be a host name');
    expect(error!.message).toContain('seed.orgs[3].rateLimits[0].principalType: must be SSWS_TOKEN');
    expect(error!.message).toContain(
      'seed.orgs[3].rateLimits[0].defaultPercentage: must be an integer 0..100',
    );
  });

  it('starts from the documented example seed file and links its org', async () => {
    const emu = await startEmulator({ quiet: true, seed: join(__dirname, 'fixtures', 'example-seed.json') });
    try {
      const creds = emu.credentials();
      expect(creds.OKTA_AERIAL_ACCOUNT_ID).toBe('0227abcdefghijklmnopqrstuvw');
      expect(creds.OKTA_AERIAL_CLIENT_ID).toBe('0oaMyAerialClient001');
      expect(creds.OKTA_AERIAL_SANDBOX_ACCOUNT_ID).toBeUndefined();
      // Its app does not turn "Require DPoP" off, so it requires DPoP as Okta's apps do by default.
      const auth = await dpopToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: creds.OKTA_AERIAL_CLIENT_ID,
        scope: 'okta.accounts.manage',
      });
      const r = await call(`${creds.OKTA_AERIAL_BASE_URL}/${creds.OKTA_AERIAL_ACCOUNT_ID}/api/v1/orgs`, {
        method: 'POST',
        auth,
        body: { domain: 'my-prod.okta.com', cell: 'OK1' },
      });
      expect([r.status, r.body.id]).toEqual([200, '00oMyProdOrg00000001']);
      const list = await call(
        `${creds.OKTA_ORG_URL_MY_PROD}/api/v1/principal-rate-limits?filter=${encodeURIComponent('principalType eq "SSWS_TOKEN"')}`,
        { auth: `SSWS ${creds.OKTA_API_TOKEN_MY_PROD}` },
      );
      expect(list.body).toHaveLength(1);
    } finally {
      await emu.stop();
    }
  });

  it('refuses a bad seed file at start, naming the file or the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-seed-'));
    try {
      const notJson = join(dir, 'a.json');
      writeFileSync(notJson, '{ nope');
      await expect(startEmulator({ quiet: true, seed: notJson })).rejects.toThrow(
        /a\.json is not valid JSON/,
      );
      const badRef = join(dir, 'b.json');
      writeFileSync(
        badRef,
        JSON.stringify({
          accounts: [{ id: 'b'.repeat(27), name: 'B', aerialOrgId: '00oMissing', subscribedProducts: [] }],
          orgs: [],
        }),
      );
      await expect(startEmulator({ quiet: true, seed: badRef })).rejects.toThrow(
        'seed.accounts[0].aerialOrgId: no org with id 00oMissing in seed.orgs',
      );
      await expect(startEmulator({ quiet: true, seed: join(dir, 'missing.json') })).rejects.toThrow(
        /cannot read seed file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
