/** Contract tests of the emulated Aerial API (okta-api.md 1.6), over real loopback HTTP. */
import { startEmulator, DEMO, demoSeed, type EmulatorSeed, type RunningEmulator } from '../../src/emulator';
import { connect } from 'node:net';
import { bearerToken, call, dpopToken, type DpopAuth } from './helpers';

const ACCT = DEMO.accountId;

describe('Aerial API (demo seed)', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let manage: string;
  let read: string;
  let base: string;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
    base = `${creds.OKTA_AERIAL_BASE_URL}/${ACCT}/api/v1`;
    manage = await bearerToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
      scope: 'okta.accounts.manage okta.accounts.read',
    });
    read = await bearerToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: DEMO.readOnlyClientId,
      scope: 'okta.accounts.read okta.accounts.manage',
    });
  });
  afterAll(() => emu.stop());

  const bearer = (t: string) => `Bearer ${t}`;

  it('returns the account and its subscribed products', async () => {
    const a = await call(`${base}/accounts`, { auth: bearer(read) });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ id: ACCT, name: 'Acme Demo' });
    expect(a.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
    const p = await call(`${base}/products`, { auth: bearer(read) });
    expect(p.body.map((x: { id: string }) => x.id)).toEqual(['P000052', 'P000131', 'P000139', 'P001113']);
  });

  it('renames the account with a manage token, and validates the name', async () => {
    const ok = await call(`${base}/accounts`, {
      method: 'PUT',
      auth: bearer(manage),
      body: { name: 'Acme Renamed' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe('Acme Renamed');
    const bad = await call(`${base}/accounts`, { method: 'PUT', auth: bearer(manage), body: { name: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('E0000001');
    await call(`${base}/accounts`, { method: 'PUT', auth: bearer(manage), body: { name: 'Acme Demo' } });
  });

  it('answers 401 E0000011 without a token or with an unknown one', async () => {
    for (const auth of [undefined, 'Bearer nope', 'SSWS whatever']) {
      const r = await call(`${base}/orgs`, { auth });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' });
      expect(r.body.errorId).toMatch(/^oae/);
      expect(r.headers.get('www-authenticate')).toContain('DPoP algs=');
    }
  });

  it('gives a read-only token 403 E0000006 with an insufficient_scope challenge on writes', async () => {
    const r = await call(`${base}/orgs/00oDemoAcmeDev000001/status`, {
      method: 'PUT',
      auth: bearer(read),
      body: { status: 'INACTIVE' },
    });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('E0000006');
    expect(r.headers.get('www-authenticate')).toMatch(
      /error="insufficient_scope".*scope="okta.accounts.manage"|scope="okta.accounts.manage".*error="insufficient_scope"/,
    );
  });

  it('refuses a token for another account (403) and an account in the wrong environment (404)', async () => {
    const sandboxBase = `${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${DEMO.sandboxAccountId}/api/v1/accounts`;
    const r = await call(sandboxBase, { auth: bearer(manage) });
    expect(r.status).toBe(403);
    const wrongEnv = await call(`${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${ACCT}/api/v1/accounts`, {
      auth: bearer(manage),
    });
    expect(wrongEnv.status).toBe(404);
    expect(wrongEnv.body.errorCode).toBe('E0000007');
  });

  it('lists linked orgs with the Aerial org marked, and filters them', async () => {
    const all = await call(`${base}/orgs`, { auth: bearer(read) });
    expect(all.status).toBe(200);
    expect(all.body.find((o: { id: string }) => o.id === DEMO.aerialOrgId)).toMatchObject({
      aerialOrg: true,
      status: 'ACTIVE',
      accountId: ACCT,
      cell: 'ok1',
      domain: 'acme-aerial.okta.com',
    });
    const f = encodeURIComponent('aerialOrg eq true');
    const aerialOnly = await call(`${base}/orgs?filter=${f}`, { auth: bearer(read) });
    expect(aerialOnly.body.map((o: { id: string }) => o.id)).toEqual([DEMO.aerialOrgId]);
    const bad = await call(`${base}/orgs?filter=${encodeURIComponent('colour eq "red"')}`, {
      auth: bearer(read),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('E0000001');
    const badLimit = await call(`${base}/orgs?limit=101`, { auth: bearer(read) });
    expect(badLimit.status).toBe(400);
  });

  it('links an org by id, then by domain + cell, and refuses the documented bad cases', async () => {
    const byId = await call(`${base}/orgs`, {
      method: 'POST',
      auth: bearer(manage),
      body: { orgId: '00oDemoAcmeProd00001' },
    });
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({
      id: '00oDemoAcmeProd00001',
      accountId: ACCT,
      aerialOrg: false,
      status: 'ACTIVE',
    });
    expect(byId.body._links.self.href).toBe(`${base}/orgs/00oDemoAcmeProd00001`);
    const byDomain = await call(`${base}/orgs`, {
      method: 'POST',
      auth: bearer(manage),
      body: { domain: 'acme-eu.okta.com', cell: 'EU1' },
    });
    expect(byDomain.status).toBe(200);
    expect(byDomain.body.id).toBe('00oDemoAcmeEu0000001');

    const refused = async (body: unknown, cause: RegExp) => {
      const r = await call(`${base}/orgs`, { method: 'POST', auth: bearer(manage), body });
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('E0000001');
      expect(r.body.errorCauses[0].errorSummary).toMatch(cause);
    };
    await refused({ orgId: '00oDemoAcmeProd00001' }, /already linked to this account/);
    await refused({ orgId: '00oDemoNoConsent0001' }, /consent/);
    await refused({ orgId: '00oDemoOtherAcct0001' }, /not on this account's Okta contract/);
    await refused({ orgId: '00oDoesNotExist00001' }, /not on this account's Okta contract/);
    await refused({ domain: 'acme-dev.okta.com' }, /cell/);
    await refused({}, /orgId/);
    const get = await call(`${base}/orgs/00oDemoAcmeProd00001`, { auth: bearer(read) });
    expect(get.status).toBe(200);
    const notLinked = await call(`${base}/orgs/00oDemoAcmeStage0001`, { auth: bearer(read) });
    expect(notLinked.status).toBe(404);
    expect(notLinked.body.errorCode).toBe('E0000007');
  });

  it('changes status idempotently and never deactivates the Aerial org', async () => {
    await call(`${base}/orgs`, {
      method: 'POST',
      auth: bearer(manage),
      body: { orgId: '00oDemoAcmeDev000001' },
    });
    const url = `${base}/orgs/00oDemoAcmeDev000001/status`;
    for (let i = 0; i < 2; i++) {
      const r = await call(url, { method: 'PUT', auth: bearer(manage), body: { status: 'INACTIVE' } });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('INACTIVE');
    }
    const bad = await call(url, { method: 'PUT', auth: bearer(manage), body: { status: 'PAUSED' } });
    expect(bad.status).toBe(400);
    const parent = await call(`${base}/orgs/${DEMO.aerialOrgId}/status`, {
      method: 'PUT',
      auth: bearer(manage),
      body: { status: 'INACTIVE' },
    });
    expect(parent.status).toBe(400);
    expect(parent.body.errorCode).toBe('E0000001');
  });

  it('replaces enabled products as a whole set, ignoring names, only subscribed ones', async () => {
    await call(`${base}/orgs`, {
      method: 'POST',
      auth: bearer(manage),
      body: { orgId: '00oDemoAcmeStage0001' },
    });
    const url = `${base}/orgs/00oDemoAcmeStage0001/products`;
    const put = await call(url, {
      method: 'PUT',
      auth: bearer(manage),
      body: [{ id: 'P000052', name: 'whatever' }, { id: 'P000131' }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual([
      { id: 'P000052', name: 'IT Products - SSO' },
      { id: 'P000131', name: 'IT Products - MFA' },
    ]);
    const replace = await call(url, { method: 'PUT', auth: bearer(manage), body: [{ id: 'P001113' }] });
    expect(replace.body.map((p: { id: string }) => p.id)).toEqual(['P001113']);
    const get = await call(url, { auth: bearer(read) });
    expect(get.body).toEqual([{ id: 'P001113', name: 'IT Products - Identity Threat Protection' }]);
    const unsubscribed = await call(url, { method: 'PUT', auth: bearer(manage), body: [{ id: 'P999999' }] });
    expect(unsubscribed.status).toBe(400);
    expect(unsubscribed.body.errorCode).toBe('E0000001');
    const notArray = await call(url, { method: 'PUT', auth: bearer(manage), body: { id: 'P000052' } });
    expect(notArray.status).toBe(400);
  });

  it('answers 400 E0000003 for malformed JSON and 411 for a body-less PUT without Content-Length', async () => {
    const r = await call(`${base}/accounts`, {
      method: 'PUT',
      auth: bearer(manage),
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errorCode).toBe('E0000003');
    // fetch always sends Content-Length, so write the request on a raw socket without one.
    const u = new URL(`${base}/accounts`);
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname, () => {
        sock.write(
          `PUT ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: ${bearer(manage)}\r\nConnection: close\r\n\r\n`,
        );
      });
      let data = '';
      sock.on('data', (c) => (data += c.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    const status = Number(raw.split(' ')[1]);
    expect(status).toBe(411);
  });

  it('refuses deletion requests in production for a non-partner account', async () => {
    const r = await call(`${base}/orgs/00oDemoAcmeDev000001/deletionRequest`, {
      method: 'POST',
      auth: bearer(manage),
      rawBody: '',
    });
    expect(r.status).toBe(403);
    expect(r.body.errorCode).toBe('E0000006');
  });

  it('lists associated orgs (on the contract, linked or not) with a status filter', async () => {
    const r = await call(`${base}/associatedOrgs?filter=${encodeURIComponent('status eq "ACTIVE"')}`, {
      auth: bearer(read),
    });
    expect(r.status).toBe(200);
    const ids = r.body.map((o: { id: string }) => o.id);
    expect(ids).toContain('00oDemoNoConsent0001');
    expect(ids).toContain(DEMO.aerialOrgId);
    expect(ids).not.toContain('00oDemoOtherAcct0001');
    expect(ids).not.toContain('00oDemoAcmeDev000001'); // deactivated above
  });

  it('counts routes, statuses and writes in stats, and logs requests without secrets', async () => {
    const s = emu.stats();
    expect(s.byRoute['aerial.linkOrg']['200']).toBeGreaterThanOrEqual(2);
    expect(s.writes).toBeGreaterThan(0);
    expect(s.tokensIssued[DEMO.aerialClientId]).toBe(1);
    const log = JSON.stringify(emu.log());
    expect(log).not.toContain(manage);
    expect(log).not.toContain(read);
    expect(
      emu.log().some((e) => e.route === 'aerial.setProducts' && e.clientId === DEMO.aerialClientId),
    ).toBe(true);
  });
});

describe('Aerial API in the sandbox', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
  });
  afterAll(() => emu.stop());

  it('deletes only INACTIVE orgs, returns {} and the org disappears', async () => {
    const token = await bearerToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_SANDBOX_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_SANDBOX_CLIENT_ID,
      scope: 'okta.accounts.manage',
    });
    const auth = `Bearer ${token}`;
    const base = `${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${DEMO.sandboxAccountId}/api/v1`;
    const org = '00oDemoSbxOrg0000001';
    expect(
      (await call(`${base}/orgs`, { method: 'POST', auth, body: { orgId: org, cell: 'OP3' } })).status,
    ).toBe(200);
    const active = await call(`${base}/orgs/${org}/deletionRequest`, { method: 'POST', auth, rawBody: '' });
    expect(active.status).toBe(400);
    await call(`${base}/orgs/${org}/status`, { method: 'PUT', auth, body: { status: 'INACTIVE' } });
    const del = await call(`${base}/orgs/${org}/deletionRequest`, { method: 'POST', auth, rawBody: '' });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    expect((await call(`${base}/orgs/${org}`, { auth })).status).toBe(404);
    const state = (await call(`${emu.url}/__admin/state`)).body;
    expect(state.orgs.find((o: { id: string }) => o.id === org).deleted).toBe(true);
  });
});

describe('List orgs pagination', () => {
  const N = 57;
  let emu: RunningEmulator;
  let auth: DpopAuth;
  let base: string;

  beforeAll(async () => {
    const acct = 'a'.repeat(27);
    const seed: EmulatorSeed = {
      accounts: [{ id: acct, name: 'Many', aerialOrgId: '00oManyAerial0000000', subscribedProducts: [] }],
      orgs: [
        {
          id: '00oManyAerial0000000',
          domain: 'many-aerial.okta.com',
          cell: 'ok1',
          clients: [{ clientId: '0oaManyClient0000001', scopes: ['okta.accounts.read'] }],
        },
        ...Array.from({ length: N }, (_, i) => ({
          id: `00oMany${String(i).padStart(13, '0')}`,
          domain: `${i % 2 ? 'blue' : 'red'}-${i}.okta.com`,
          cell: 'ok1',
          status: (i % 3 ? 'ACTIVE' : 'INACTIVE') as 'ACTIVE' | 'INACTIVE',
          linkedAccountId: acct,
        })),
      ],
    };
    emu = await startEmulator({ quiet: true, seed });
    const creds = emu.credentials();
    // The app requires DPoP (the seed does not turn it off, as Okta's default is).
    auth = await dpopToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: '0oaManyClient0000001',
      scope: 'okta.accounts.read',
    });
    base = `${creds.OKTA_AERIAL_BASE_URL}/${acct}/api/v1/orgs`;
  });
  afterAll(() => emu.stop());

  const links = (h: Headers) => {
    const out: Record<string, string> = {};
    for (const part of (h.get('link') ?? '').split(/,\s*(?=<)/)) {
      const m = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
      if (m) out[m[2]] = m[1];
    }
    return out;
  };

  it('walks every page by following next links, keeping filter and limit', async () => {
    const seen: string[] = [];
    let url: string | undefined =
      `${base}?limit=7&filter=${encodeURIComponent('status eq "ACTIVE" and subdomain sw "blue"')}`;
    let pages = 0;
    while (url) {
      const r = await call(url, { auth });
      expect(r.status).toBe(200);
      expect(r.body.length).toBeLessThanOrEqual(7);
      seen.push(...r.body.map((o: { id: string }) => o.id));
      const l = links(r.headers);
      expect(l.self).toBe(url);
      if (l.next) {
        expect(new URL(l.next).searchParams.get('limit')).toBe('7');
        expect(new URL(l.next).searchParams.get('filter')).toContain('blue');
      }
      url = l.next;
      pages++;
    }
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 !== 0);
    expect(seen).toEqual(expected.map((i) => `00oMany${String(i).padStart(13, '0')}`));
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('defaults to 25 per page and goes back with the prev link', async () => {
    const first = await call(base, { auth });
    expect(first.body).toHaveLength(25);
    expect(links(first.headers).prev).toBeUndefined();
    const second = await call(links(first.headers).next, { auth });
    expect(second.body).toHaveLength(25);
    const back = await call(links(second.headers).prev, { auth });
    expect(back.body.map((o: { id: string }) => o.id)).toEqual(first.body.map((o: { id: string }) => o.id));
    const third = await call(links(second.headers).next, { auth });
    expect(third.body).toHaveLength(N + 1 - 50);
    expect(links(third.headers).next).toBeUndefined();
  });

  it('supports or, parentheses and case-insensitive keywords; refuses a bad cursor', async () => {
    const f = encodeURIComponent('(subdomain eq "red-0" OR subdomain eq "blue-1") AND status eq "inactive"');
    const r = await call(`${base}?filter=${f}`, { auth });
    expect(r.body.map((o: { domain: string }) => o.domain)).toEqual(['red-0.okta.com']);
    const bad = await call(`${base}?after=garbage`, { auth });
    expect(bad.status).toBe(400);
  });
});

describe('Aerial sandbox cells', () => {
  it('refuses to link an org outside OP3 cells in the sandbox', async () => {
    const seed = demoSeed();
    seed.orgs.push({
      id: '00oSbxOk1Org00000001',
      domain: 'sbx-ok1.okta.com',
      cell: 'ok1',
      contractAccountId: DEMO.sandboxAccountId,
      consentAccountId: DEMO.sandboxAccountId,
    });
    const emu = await startEmulator({ quiet: true, seed });
    try {
      const creds = emu.credentials();
      const token = await bearerToken(creds, {
        tokenUrl: creds.OKTA_AERIAL_SANDBOX_TOKEN_URL,
        clientId: creds.OKTA_AERIAL_SANDBOX_CLIENT_ID,
        scope: 'okta.accounts.manage',
      });
      const r = await call(`${creds.OKTA_AERIAL_SANDBOX_BASE_URL}/${DEMO.sandboxAccountId}/api/v1/orgs`, {
        method: 'POST',
        auth: `Bearer ${token}`,
        body: { orgId: '00oSbxOk1Org00000001' },
      });
      expect(r.status).toBe(400);
      expect(r.body.errorCauses[0].errorSummary).toMatch(/OP3/);
    } finally {
      await emu.stop();
    }
  });
});
