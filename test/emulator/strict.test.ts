/**
 * The emulator as strict as Okta: DPoP-required apps, exact scopes (strict mode), named products, deletion
 * that takes time, the real path shape (one environment at the root), the API Tokens API and consent rules.
 */
import { calculateJwkThumbprint } from 'jose';
import {
  DEMO,
  demoSeed,
  startEmulator,
  type EmulatorOptions,
  type EmulatorSeed,
  type RunningEmulator,
} from '../../src/emulator';
import {
  JWT_BEARER,
  bearerToken,
  call,
  clientAssertion,
  demoKey,
  dpopKey,
  dpopToken,
  dpopTokenRequest,
  jwtClaims,
  tokenRequest,
  type DpopAuth,
} from './helpers';

const ACCOUNT = DEMO.accountId;
const PROD = '00oDemoAcmeProd00001';

/** The demo seed with every app left at Okta's default (DPoP required). */
function dpopSeed(): EmulatorSeed {
  const seed = demoSeed();
  for (const org of seed.orgs)
    for (const c of org.clients ?? [])
      delete (c as { dpopBoundAccessTokens?: boolean }).dpopBoundAccessTokens;
  return seed;
}

async function withEmulator<T>(
  options: EmulatorOptions,
  f: (emu: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emu = await startEmulator({ quiet: true, ...options });
  try {
    return await f(emu);
  } finally {
    await emu.stop();
  }
}

async function assertionForm(
  creds: Record<string, string>,
  clientId: string,
  tokenUrl: string,
  scope: string,
) {
  return {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: JWT_BEARER,
    client_assertion: await clientAssertion({
      clientId,
      tokenUrl,
      key: await demoKey(creds),
      kid: creds.OKTA_AERIAL_KEY_ID,
    }),
  };
}

describe('DPoP-required service apps', () => {
  it('refuses a proofless token request with invalid_dpop_proof, the way Okta does', async () => {
    await withEmulator({ seed: dpopSeed() }, async (emu) => {
      const creds = emu.credentials();
      const tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
      const r = await tokenRequest(
        tokenUrl,
        await assertionForm(creds, DEMO.aerialClientId, tokenUrl, 'okta.accounts.read'),
      );
      expect([r.status, r.body]).toEqual([
        400,
        { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' },
      ]);
      expect(emu.stats().tokensIssued[DEMO.aerialClientId]).toBeUndefined();
    });
  });

  it('issues a DPoP-bound JWT carrying cnf.jkt, and checks the binding on resource calls', async () => {
    await withEmulator({ seed: dpopSeed() }, async (emu) => {
      const creds = emu.credentials();
      const auth = await dpopToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.read',
      });
      const claims = jwtClaims(auth.token);
      expect(claims).toMatchObject({
        cid: DEMO.aerialClientId,
        scp: ['okta.accounts.read'],
        cnf: { jkt: await calculateJwkThumbprint(auth.key.jwk, 'sha256') },
      });
      const url = `${creds.OKTA_AERIAL_BASE_URL}/${ACCOUNT}/api/v1/accounts`;
      expect((await call(url, { auth })).status).toBe(200);
      // The same token with a proof of another key is refused: the binding is checked.
      const other: DpopAuth = {
        ...auth,
        key: (
          await dpopToken(creds, {
            tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
            clientId: DEMO.aerialClientId,
            scope: 'okta.accounts.read',
          })
        ).key,
      };
      const r = await call(url, { auth: other });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('cnf.jkt');
    });
  });

  it('gives a Bearer token to an app whose seed turns the setting off', async () => {
    await withEmulator({}, async (emu) => {
      const creds = emu.credentials();
      const token = await bearerToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.read',
      });
      expect(jwtClaims(token).cnf).toBeUndefined();
    });
  });

  it('makes every app require DPoP in strict mode, whatever the seed says', async () => {
    await withEmulator({ strict: true }, async (emu) => {
      const creds = emu.credentials();
      await expect(
        bearerToken(creds, {
          tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
          clientId: DEMO.aerialClientId,
          scope: 'okta.accounts.read',
        }),
      ).rejects.toThrow(/invalid_dpop_proof/);
    });
  });
});

describe('strict scopes', () => {
  const manageOnly = async (emu: RunningEmulator) => {
    const creds = emu.credentials();
    return dpopToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: DEMO.aerialClientId,
      scope: 'okta.accounts.manage',
    });
  };

  it('refuses a read with only the manage scope, naming the read scope', async () => {
    await withEmulator({ strict: true }, async (emu) => {
      const auth = await manageOnly(emu);
      const r = await call(
        `${emu.credentials().OKTA_AERIAL_BASE_URL}/${ACCOUNT}/api/v1/orgs/${DEMO.aerialOrgId}`,
        {
          auth,
        },
      );
      expect([r.status, r.body.errorCode]).toEqual([403, 'E0000006']);
      expect(r.headers.get('www-authenticate')).toContain('scope="okta.accounts.read"');
    });
  });

  it('accepts the manage scope for reads when not strict (okta-api.md 1.6 inference)', async () => {
    await withEmulator({ seed: dpopSeed() }, async (emu) => {
      const auth = await manageOnly(emu);
      const r = await call(
        `${emu.credentials().OKTA_AERIAL_BASE_URL}/${ACCOUNT}/api/v1/orgs/${DEMO.aerialOrgId}`,
        {
          auth,
        },
      );
      expect(r.status).toBe(200);
    });
  });

  it('refuses a token request naming an ungranted scope as a whole in strict mode, drops it otherwise', async () => {
    const ask = async (emu: RunningEmulator) => {
      const creds = emu.credentials();
      const tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
      const form = await assertionForm(
        creds,
        DEMO.readOnlyClientId,
        tokenUrl,
        'okta.accounts.read okta.accounts.manage',
      );
      return tokenRequest(tokenUrl, form);
    };
    const lenient = await withEmulator({}, ask);
    expect([lenient.status, lenient.body.scope]).toEqual([200, 'okta.accounts.read']);
    const strict = await withEmulator({ strict: true }, async (emu) => {
      // Strict mode also requires DPoP, so the request carries a proof.
      const creds = emu.credentials();
      const tokenUrl = creds.OKTA_AERIAL_TOKEN_URL;
      const form = await assertionForm(
        creds,
        DEMO.readOnlyClientId,
        tokenUrl,
        'okta.accounts.read okta.accounts.manage',
      );
      return dpopTokenRequest(tokenUrl, form, await dpopKey());
    });
    expect([strict.status, strict.body.error]).toEqual([400, 'invalid_scope']);
    expect(strict.body.error_description).toContain('okta.accounts.manage');
    expect(strict.body.error_description).not.toContain('okta.accounts.read');
  });

  it('requires okta.principalRateLimits.read for a rate limit list in strict mode', async () => {
    await withEmulator({ strict: true }, async (emu) => {
      const creds = emu.credentials();
      const orgUrl = creds.OKTA_ORG_URL_ACME_PROD;
      const auth = await dpopToken(creds, {
        tokenUrl: `${orgUrl}/oauth2/v1/token`,
        clientId: DEMO.orgClientId,
        scope: 'okta.principalRateLimits.manage',
      });
      const filter = encodeURIComponent('principalType eq "SSWS_TOKEN"');
      const r = await call(`${orgUrl}/api/v1/principal-rate-limits?filter=${filter}`, { auth });
      expect(r.status).toBe(403);
    });
  });
});

describe('product list PUT', () => {
  const put = (emu: RunningEmulator, auth: DpopAuth | string, body: unknown) =>
    call(`${emu.credentials().OKTA_AERIAL_BASE_URL}/${ACCOUNT}/api/v1/orgs/${DEMO.aerialOrgId}/products`, {
      method: 'PUT',
      auth,
      body,
    });

  it('refuses objects without a name in strict mode, and accepts {id, name}', async () => {
    await withEmulator({ strict: true }, async (emu) => {
      const creds = emu.credentials();
      const auth = await dpopToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.manage',
      });
      const bare = await put(emu, auth, [{ id: 'P000052' }]);
      expect([bare.status, bare.body.errorCode]).toEqual([400, 'E0000001']);
      expect(bare.body.errorCauses[0].errorSummary).toContain('products[0].name');
      const named = await put(emu, auth, [{ id: 'P000052', name: 'whatever: the name is ignored' }]);
      expect([named.status, named.body]).toEqual([200, [{ id: 'P000052', name: 'IT Products - SSO' }]]);
    });
  });

  it('accepts objects without a name when not strict', async () => {
    await withEmulator({}, async (emu) => {
      const creds = emu.credentials();
      const token = await bearerToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.manage',
      });
      expect((await put(emu, `Bearer ${token}`, [{ id: 'P000052' }])).status).toBe(200);
    });
  });
});

describe('deletion that takes time', () => {
  it('keeps a deleted org visible and marked for the configured time, then it is gone', async () => {
    let clock = Date.now();
    const seed = demoSeed();
    const sbxOrg = seed.orgs.find((o) => o.id === '00oDemoSbxOrg0000001')!;
    Object.assign(sbxOrg, { linkedAccountId: DEMO.sandboxAccountId, status: 'INACTIVE' });
    await withEmulator({ seed, now: () => clock, deletionDelayMs: 60_000 }, async (emu) => {
      const creds = emu.credentials();
      const token = await bearerToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_SANDBOX_TOKEN_URL,
        clientId: DEMO.sandboxClientId,
        scope: 'okta.accounts.read okta.accounts.manage',
      });
      const auth = `Bearer ${token}`;
      const org = `${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${DEMO.sandboxAccountId}/api/v1/orgs/${sbxOrg.id}`;
      const del = await call(`${org}/deletionRequest`, { method: 'POST', auth, rawBody: '' });
      expect([del.status, del.body]).toEqual([200, {}]);
      clock += 59_000;
      const pending = await call(org, { auth });
      expect([pending.status, pending.body.status, pending.body.deletionRequested]).toEqual([
        200,
        'INACTIVE',
        true,
      ]);
      const again = await call(`${org}/deletionRequest`, { method: 'POST', auth, rawBody: '' });
      expect([again.status, again.body.errorCauses[0].errorSummary]).toEqual([
        400,
        'A deletion request for the org is already pending.',
      ]);
      clock += 2_000;
      expect((await call(org, { auth })).status).toBe(404);
      const list = await call(`${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${DEMO.sandboxAccountId}/api/v1/orgs`, {
        auth,
      });
      expect(list.body.map((o: { id: string }) => o.id)).not.toContain(sbxOrg.id);
    });
  });
});

describe('one environment at the root of the port (--environment)', () => {
  it('serves /{accountId}/api/v1/... with root Link URLs, _links and DPoP htu, and nothing under /aerial', async () => {
    await withEmulator({ environment: 'production', strict: true }, async (emu) => {
      const creds = emu.credentials();
      expect(creds.OKTA_AERIAL_BASE_URL).toBe(emu.url);
      expect(creds.OKTA_AERIAL_SANDBOX_BASE_URL).toBeUndefined();
      const auth = await dpopToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.read',
      });
      const list = await call(`${emu.url}/${ACCOUNT}/api/v1/orgs?limit=1`, { auth });
      expect(list.status).toBe(200);
      expect(list.body[0]._links.self.href).toBe(`${emu.url}/${ACCOUNT}/api/v1/orgs/${list.body[0].id}`);
      expect(list.headers.get('link')).toBe(`<${emu.url}/${ACCOUNT}/api/v1/orgs?limit=1>; rel="self"`);
      const old = await call(`${emu.url}/aerial/production/${ACCOUNT}/api/v1/orgs`, { auth });
      expect(old.status).toBe(404);
      const sandbox = await call(`${emu.url}/${DEMO.sandboxAccountId}/api/v1/accounts`, { auth });
      expect(sandbox.status).toBe(404);
    });
  });
});

describe('API Tokens API (reads)', () => {
  it('lists and gets token metadata, never the secret, with Link pagination and the org auth', async () => {
    await withEmulator({}, async (emu) => {
      const creds = emu.credentials();
      const base = `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/api-tokens`;
      const secret = creds.OKTA_API_TOKEN_ACME_PROD;
      const auth = `SSWS ${secret}`;
      const list = await call(`${base}?limit=1`, { auth });
      expect(list.status).toBe(200);
      expect(list.body).toEqual([
        expect.objectContaining({
          id: '00TDemoCiToken000001',
          name: 'CI token',
          userId: DEMO.adminUserId,
          tokenWindow: 'P30D',
          network: { connection: 'ANYWHERE' },
          _links: expect.objectContaining({
            self: expect.objectContaining({ href: `${base}/00TDemoCiToken000001` }),
          }),
        }),
      ]);
      expect(list.text).not.toContain(secret);
      expect(list.headers.get('link')).toContain(`<${base}?limit=1>; rel="self"`);
      const one = await call(`${base}/00TDemoCiToken000001`, { auth });
      expect([one.status, one.body.name]).toEqual([200, 'CI token']);
      expect((await call(`${base}/00TNope0000000000001`, { auth })).status).toBe(404);
      expect((await call(base)).status).toBe(401);
      expect((await call(`${base}/00TDemoCiToken000001`, { method: 'DELETE', auth })).status).toBe(405);
      // OAuth: a token of this org with okta.apiTokens.read only; a rate-limit scope is not enough.
      const prl = await bearerToken(creds, {
        tokenUrl: `${creds.OKTA_ORG_URL_ACME_PROD}/oauth2/v1/token`,
        clientId: DEMO.orgClientId,
        scope: 'okta.principalRateLimits.read',
      });
      expect((await call(base, { auth: `Bearer ${prl}` })).status).toBe(403);
    });
  });

  it('names each seeded token from the seed or its principal', async () => {
    const seed = demoSeed();
    const org = seed.orgs.find((o) => o.id === PROD)!;
    org.apiTokens = [
      { principalId: '00TDemoCiToken000001' },
      { principalId: '00TDemoOpsToken00001', name: 'Ops automation', clientName: 'Okta Admin Console' },
    ];
    await withEmulator({ seed }, async (emu) => {
      const creds = emu.credentials();
      const r = await call(`${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/api-tokens`, {
        auth: `SSWS ${creds.OKTA_API_TOKEN_ACME_PROD}`,
      });
      expect(
        r.body.map((t: { id: string; name: string; clientName: string }) => [t.id, t.name, t.clientName]),
      ).toEqual([
        ['00TDemoCiToken000001', 'CI token', 'Okta API'],
        ['00TDemoOpsToken00001', 'Ops automation', 'Okta Admin Console'],
      ]);
    });
  });
});

describe('consent as Okta keeps it', () => {
  function consentSeed(): EmulatorSeed {
    const seed = demoSeed();
    seed.orgs.push({
      id: '00oDemoChild00000001',
      domain: 'acme-child.okta.com',
      cell: 'ok1',
      contractAccountId: ACCOUNT,
      parentOrgId: PROD,
      apiTokens: [{ principalId: '00TChildToken0000001' }],
      principals: [{ id: '00TChildToken0000001', type: 'SSWS_TOKEN' }],
    });
    return seed;
  }
  const consentUrl = (creds: Record<string, string>, label: string) =>
    `${creds[`OKTA_ORG_URL_${label}`]}/api/v1/org/privacy/aerial`;

  it('refuses a grant to an account that does not exist and a revoke for another account', async () => {
    await withEmulator({}, async (emu) => {
      const creds = emu.credentials();
      const base = consentUrl(creds, 'ACME_NOCONSENT');
      const auth = `SSWS ${creds.OKTA_API_TOKEN_ACME_NOCONSENT}`;
      const ghost = await call(`${base}/grant`, {
        method: 'POST',
        auth,
        body: { accountId: 'z'.repeat(27) },
      });
      expect([ghost.status, ghost.body.errorCauses[0].errorSummary]).toEqual([
        400,
        'Invalid aerial account ID.',
      ]);
      expect(
        (await call(`${base}/grant`, { method: 'POST', auth, body: { accountId: ACCOUNT } })).status,
      ).toBe(200);
      const other = await call(`${base}/revoke`, {
        method: 'POST',
        auth,
        body: { accountId: DEMO.sandboxAccountId },
      });
      expect([other.status, other.body.errorCauses[0].errorSummary]).toEqual([
        400,
        'The org has not granted consent to this Aerial account.',
      ]);
      expect((await call(base, { auth })).body.accountId).toBe(ACCOUNT);
    });
  });

  it("lets a child org inherit its parent's consent, so it can be linked", async () => {
    await withEmulator({ seed: consentSeed() }, async (emu) => {
      const creds = emu.credentials();
      const base = consentUrl(creds, 'ACME_CHILD');
      const auth = `SSWS ${creds.OKTA_API_TOKEN_ACME_CHILD}`;
      const got = await call(base, { auth });
      expect([got.status, got.body.accountId]).toEqual([200, ACCOUNT]);
      const grant = await call(`${base}/grant`, { method: 'POST', auth, body: { accountId: ACCOUNT } });
      expect(grant.body.errorCauses[0].errorSummary).toBe(
        'The org already has a consent grant added to Aerial.',
      );
      const revoke = await call(`${base}/revoke`, { method: 'POST', auth, body: { accountId: ACCOUNT } });
      expect([revoke.status, revoke.body.errorCauses[0].errorSummary]).toEqual([
        400,
        'The consent grant is inherited from the parent org; revoke it in the parent org.',
      ]);
      const token = await bearerToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
        clientId: DEMO.aerialClientId,
        scope: 'okta.accounts.manage',
      });
      const link = await call(`${creds.OKTA_AERIAL_BASE_URL}/${ACCOUNT}/api/v1/orgs`, {
        method: 'POST',
        auth: `Bearer ${token}`,
        body: { orgId: '00oDemoChild00000001' },
      });
      expect([link.status, link.body.id]).toEqual([200, '00oDemoChild00000001']);
    });
  });

  it('needs okta.orgs.read to read consent in strict mode', async () => {
    const seed = consentSeed();
    const child = seed.orgs.find((o) => o.id === '00oDemoChild00000001')!;
    child.clients = [{ clientId: '0oaChildAdmin0000001', scopes: ['okta.orgs.read', 'okta.orgs.manage'] }];
    await withEmulator({ seed, strict: true }, async (emu) => {
      const creds = emu.credentials();
      const tokenUrl = `${creds.OKTA_ORG_URL_ACME_CHILD}/oauth2/v1/token`;
      const manage = await dpopToken(creds, {
        tokenUrl,
        clientId: '0oaChildAdmin0000001',
        scope: 'okta.orgs.manage',
      });
      const read = await dpopToken(creds, {
        tokenUrl,
        clientId: '0oaChildAdmin0000001',
        scope: 'okta.orgs.read',
      });
      const base = consentUrl(creds, 'ACME_CHILD');
      expect((await call(base, { auth: manage })).status).toBe(403);
      expect((await call(base, { auth: read })).status).toBe(200);
    });
  });
});
