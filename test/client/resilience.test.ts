/**
 * Retries, limits, auth refresh, DPoP and the debug log, in-process, against the emulator over loopback.
 * Sleeps are injected (no real waiting) except where the emulator's latency is the point.
 */
import { demoSeed, type EmulatorSeed, type RunningEmulator } from '../../src/emulator';
import { closeClients, openAerialClient, openPrincipalRateLimitClient, TimeoutError } from '../../src/client';
import { aerialConnection, DEMO, emulator, fast, oauthOrgConnection, sswsConnection } from './helpers';

const ACCOUNT_KEY = `production/${DEMO.accountId}`;

/** The demo seed plus 60 orgs linked to the demo account, for pagination. */
function seedWithManyOrgs(): EmulatorSeed {
  const seed = demoSeed();
  const extra = Array.from({ length: 60 }, (_, i) => ({
    id: `00oPage${String(i).padStart(13, '0')}`,
    domain: `page-${i}.okta.com`,
    cell: 'ok1',
    contractAccountId: DEMO.accountId,
    consentAccountId: DEMO.accountId,
    linkedAccountId: DEMO.accountId,
  }));
  return { ...seed, orgs: [...seed.orgs, ...extra] };
}

describe('client resilience against the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await emulator({ seed: seedWithManyOrgs() });
  });
  beforeEach(() => {
    emu.reset();
    emu.setFaults({ rules: [] });
  });
  afterEach(() => closeClients());
  afterAll(() => emu.stop());

  it('follows pagination across many pages, each org once', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    const ids: string[] = [];
    for await (const o of c.listOrgs({ limit: 7, filter: 'subdomain sw "page-"' })) ids.push(o.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(emu.stats().byRoute['aerial.listOrgs']['200']).toBe(9);
  });

  it('converges under injected 429s of both shapes, 5xx and resets, with bounded attempts', async () => {
    emu.setFaults({
      randomSeed: 3,
      rules: [
        { route: 'aerial.', rate429: 0.15, shape429: 'concurrency', rate5xx: 0.1, resetRate: 0.05 },
        { route: 'prl.', rate429: 0.2, shape429: 'rate', rate5xx: 0.1, statuses5xx: [500, 503] },
      ],
    });
    const a = openAerialClient(aerialConnection(emu), fast());
    const p = openPrincipalRateLimitClient(sswsConnection(emu, 'ACME_EU'), fast());
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => a.getOrg(DEMO.aerialOrgId)),
      ...Array.from({ length: 10 }, () => a.setOrgStatus('00oPage0000000000001', 'ACTIVE')),
      // Staggered, so they do not all share one read as lookups started together would.
      ...Array.from({ length: 15 }, (_, i) =>
        new Promise((r) => setTimeout(r, i)).then(() =>
          p.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN'),
        ),
      ),
    ]);
    expect(results.every((r) => r !== undefined)).toBe(true);
    expect(a.counters.retries + p.counters.retries).toBeGreaterThan(0);
    expect(a.counters.requests).toBeLessThanOrEqual(30 * 10);
    // Retries carry the headers Okta asks for.
    const retried = emu.log().filter((e) => (e.retryCount ?? 0) > 0);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((e) => typeof e.retryFor === 'string' && e.retryFor.length > 0)).toBe(true);
  });

  it('links an org exactly once when the POST is answered with a 503 or a reset', async () => {
    emu.setFaults({ randomSeed: 1, rules: [{ route: 'aerial.linkOrg', rate5xx: 0.6, resetRate: 0.3 }] });
    const c = openAerialClient(aerialConnection(emu), fast());
    await expect(c.linkOrg({ orgId: '00oDemoAcmeEu0000001', cell: 'eu1' })).resolves.toMatchObject({
      id: '00oDemoAcmeEu0000001',
      accountId: DEMO.accountId,
    });
    const links = emu.stats().byRoute['aerial.linkOrg'];
    expect(links['200'] ?? links['201'] ?? 0).toBe(1);
    expect(c.counters.retries).toBeGreaterThan(0);
    expect(emu.stats().byRoute['aerial.getOrg']).toBeDefined(); // it re-read before posting again
  });

  it('holds the cap in one process: 40 calls at once never put more than 10 in flight', async () => {
    emu.setFaults({ rules: [{ latencyMs: 60 }] });
    const c = openAerialClient(aerialConnection(emu), fast());
    await Promise.all(Array.from({ length: 40 }, () => c.getOrg(DEMO.aerialOrgId)));
    expect(emu.stats().maxInFlight[ACCOUNT_KEY]).toBeLessThanOrEqual(10);
    expect(emu.stats().throttled).toBe(0);
    expect(c.counters.maxInFlight).toBe(10);
  });

  it('holds the lowest maxConcurrency of two clients of one account, with one token for both', async () => {
    emu.setFaults({ rules: [{ latencyMs: 60 }] });
    const first = openAerialClient(aerialConnection(emu), fast());
    await first.getAccount(); // creates the account's limiter with the default cap of 10
    const second = openAerialClient(aerialConnection(emu, { maxConcurrency: 3 }), fast());
    await Promise.all(Array.from({ length: 12 }, () => second.getOrg(DEMO.aerialOrgId)));
    expect(emu.stats().maxInFlight[ACCOUNT_KEY]).toBeLessThanOrEqual(3);
    expect(emu.stats().throttled).toBe(0);
    expect(emu.stats().tokensIssued[DEMO.aerialClientId]).toBe(1);
  });

  it('shrinks its window when another client takes part of the account', async () => {
    emu.setFaults({ rules: [{ latencyMs: 40 }] });
    // The same account reached through "localhost" is another client with its own limiter, like a second machine.
    const other = openAerialClient(
      aerialConnection(emu, {
        baseUrl: emu.credentials().OKTA_AERIAL_BASE_URL.replace('127.0.0.1', 'localhost'),
      }),
      fast(),
    );
    const ours = openAerialClient(aerialConnection(emu), {
      ...fast(),
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    });
    let hogging = true;
    const hog = (async () => {
      while (hogging)
        await Promise.all(
          Array.from({ length: 6 }, () => other.getOrg(DEMO.aerialOrgId).catch(() => undefined)),
        );
    })();
    await Promise.all(Array.from({ length: 40 }, () => ours.getOrg(DEMO.aerialOrgId)));
    hogging = false;
    await hog;
    expect(ours.counters.throttled).toBeGreaterThan(0);
    expect(ours.counters.window).toBeLessThan(10);
  });

  it('refuses a retry whose wait passes the deadline, with an error naming it', async () => {
    emu.setFaults({ rules: [{ route: 'aerial.getAccount', rate429: 1, shape429: 'rate' }] });
    const c = openAerialClient(aerialConnection(emu, { deadlineMs: 3000 }), fast());
    const err = await c.getAccount().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(
      /^getAccount \S+ failed after 1 attempt: 429 E0000047 .*deadline of 3000 ms/,
    );
  });

  it('refreshes the token once on 401 and carries on', async () => {
    const short = await emulator({ tokenTtlSeconds: 1 });
    try {
      // A frozen client clock never sees the 1 s token expire; the server does, and answers 401.
      const c = openAerialClient(aerialConnection(short), fast({ now: () => 1_000_000 }));
      await c.getAccount();
      await new Promise((r) => setTimeout(r, 1100));
      await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
      expect(short.stats().tokensIssued[DEMO.aerialClientId]).toBe(2);
      expect(short.stats().byRoute['aerial.getAccount']['401']).toBe(1);
    } finally {
      await short.stop();
    }
  });

  it('shares one token among concurrent first calls', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    await Promise.all(Array.from({ length: 15 }, () => c.getOrg(DEMO.aerialOrgId)));
    expect(emu.stats().tokensIssued[DEMO.aerialClientId]).toBe(1);
    expect(c.counters.tokensFetched).toBe(1);
  });

  it('signs a fresh DPoP proof for every retry (the emulator refuses replayed proofs)', async () => {
    emu.setFaults({ randomSeed: 5, rules: [{ route: 'prl.', rate5xx: 0.5, statuses5xx: [503] }] });
    const c = openPrincipalRateLimitClient(oauthOrgConnection(emu, 'ACME_DEV', true), fast());
    for (let i = 0; i < 6; i++)
      await expect(c.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN')).resolves.toBeDefined();
    const prl = emu.stats().byRoute['prl.list'];
    expect(prl['503']).toBeGreaterThan(0);
    expect(prl['401'] ?? 0).toBe(0);
    expect(emu.stats().byRoute['oauth.token']['400']).toBe(1); // the use_dpop_nonce round
  });

  it('writes a redacted debug log when OKTA_AERIAL_DEBUG=1', async () => {
    const lines: string[] = [];
    const before = process.env.OKTA_AERIAL_DEBUG;
    process.env.OKTA_AERIAL_DEBUG = '1';
    try {
      emu.setFaults({ rules: [{ route: 'prl.', rate429: 0.5, shape429: 'concurrency' }], randomSeed: 2 });
      const conn = sswsConnection(emu, 'ACME_STAGE');
      const c = openPrincipalRateLimitClient(conn, fast({ log: (l) => lines.push(l) }));
      for (let i = 0; i < 4; i++) await c.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN');
      const key = emu.credentials().OKTA_AERIAL_PRIVATE_KEY;
      const a = openAerialClient(aerialConnection(emu), fast({ log: (l) => lines.push(l) }));
      await a.getAccount();
      expect(lines.some((l) => /attempt \d+ -> 429 \(concurrency\), retry in/.test(l))).toBe(true);
      expect(lines.some((l) => l.includes('token for client'))).toBe(true);
      const secret = conn.auth.type === 'ssws' ? conn.auth.token : '';
      for (const l of lines) {
        expect(l).not.toContain(secret);
        for (const keyLine of key.split('\n').filter((k) => k.length > 20)) expect(l).not.toContain(keyLine);
        expect(l).not.toMatch(/(Bearer|SSWS|DPoP) [A-Za-z0-9]/);
      }
    } finally {
      if (before === undefined) delete process.env.OKTA_AERIAL_DEBUG;
      else process.env.OKTA_AERIAL_DEBUG = before;
    }
  });
});
