/** Concurrency limits, per-minute limits and fault injection of the emulator. */
import { DEMO, startEmulator, type RunningEmulator } from '../../src/emulator';
import { bearerToken, call } from './helpers';

describe('concurrency limit per Aerial account', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let auth: string;
  beforeAll(async () => {
    // Only the account route is slow, so getting the token stays quick.
    emu = await startEmulator({ quiet: true, faults: { route: 'aerial.getAccount', latencyMs: 1500 } });
    creds = emu.credentials();
    auth = `Bearer ${await bearerToken(creds, {
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
      scope: 'okta.accounts.read',
    })}`;
  });
  afterAll(() => emu.stop());

  it('lets exactly 10 of 15 simultaneous slow requests through; 5 get 429 E0000047 with concurrency headers', async () => {
    const url = `${creds.OKTA_AERIAL_BASE_URL}/${DEMO.accountId}/api/v1/accounts`;
    const before = Math.floor(Date.now() / 1000);
    const results = await Promise.all(Array.from({ length: 15 }, () => call(url, { auth })));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect([ok.length, limited.length]).toEqual([10, 5]);
    for (const r of limited) {
      expect(r.body.errorCode).toBe('E0000047');
      expect(r.body.errorSummary).toBe('API call exceeded rate limit due to too many requests.');
      expect(r.headers.get('x-rate-limit-limit')).toBe('0');
      expect(r.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(r.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(before);
      expect(r.headers.get('date')).toBeTruthy();
    }
    for (const r of ok) expect(Number(r.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
    const s = emu.stats();
    expect(s.maxInFlight[`production/${DEMO.accountId}`]).toBe(10);
    expect(s.throttled).toBe(5);
    // Slots are released when responses finish.
    expect((await call(url, { auth })).status).toBe(200);
  });
});

describe('concurrency limit per org and the per-minute limit', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  beforeAll(async () => {
    emu = await startEmulator({
      quiet: true,
      orgConcurrency: 2,
      rateLimitPerMinute: 30,
      faults: { rules: [{ route: 'prl.list', latencyMs: 800 }] },
    });
    creds = emu.credentials();
  });
  afterAll(() => emu.stop());

  const list = (org = 'ACME_PROD') =>
    call(
      `${creds[`OKTA_ORG_URL_${org}`]}/api/v1/principal-rate-limits?filter=${encodeURIComponent('principalType eq "SSWS_TOKEN"')}`,
      { auth: `SSWS ${creds[`OKTA_API_TOKEN_${org}`]}` },
    );

  it('throttles the third simultaneous request to one org, not other orgs', async () => {
    const results = await Promise.all([list(), list(), list(), list('ACME_DEV')]);
    expect(results.map((r) => r.status)).toEqual(expect.arrayContaining([200, 200, 429]));
    expect(results.filter((r) => r.status === 429)).toHaveLength(1);
    expect(results[3].status).toBe(200);
    expect(emu.stats().maxInFlightOrg['acme-prod']).toBe(2);
  });

  it('enforces the per-minute limit with the normal rate-limit headers', async () => {
    const url = `${creds.OKTA_ORG_URL_ACME_EU}/api/v1/principal-rate-limits/nope`;
    const auth = `SSWS ${creds.OKTA_API_TOKEN_ACME_EU}`;
    const remaining: number[] = [];
    let last;
    for (let i = 0; i < 31; i++) {
      last = await call(url, { auth });
      remaining.push(Number(last.headers.get('x-rate-limit-remaining')));
    }
    expect(remaining.slice(0, 3)).toEqual([29, 28, 27]);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('x-rate-limit-limit')).toBe('30');
    expect(last!.headers.get('x-rate-limit-remaining')).toBe('0');
  });
});

describe('fault injection', () => {
  let emu: RunningEmulator;
  let creds: Record<string, string>;
  let url: string;
  let auth: string;
  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    creds = emu.credentials();
    const list = await call(
      `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/principal-rate-limits?filter=${encodeURIComponent('principalType eq "SSWS_TOKEN"')}`,
      { auth: `SSWS ${creds.OKTA_API_TOKEN_ACME_PROD}` },
    );
    url = `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/principal-rate-limits/${list.body[0].id}`;
    auth = `SSWS ${creds.OKTA_API_TOKEN_ACME_PROD}`;
  });
  afterAll(() => emu.stop());

  async function run(n: number): Promise<Record<number, number>> {
    const counts: Record<number, number> = {};
    for (let i = 0; i < n; i++) {
      const r = await call(url, { auth });
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status === 429) expect(r.headers.get('x-rate-limit-limit')).toBe('0');
      if (r.status >= 500) expect(r.body.errorCode).toMatch(/^E00000(09|10)$/);
    }
    return counts;
  }

  it('injects 429s and 5xx at the configured rates, repeatably with a seed', async () => {
    emu.setFaults({ randomSeed: 42, rules: [{ route: 'prl.', rate429: 0.1, rate5xx: 0.2 }] });
    emu.reset();
    const counts = await run(1000);
    const fives = (counts[500] ?? 0) + (counts[502] ?? 0) + (counts[503] ?? 0);
    // Binomial(1000, p): 4+ standard deviations of tolerance.
    expect(counts[429]).toBeGreaterThan(60);
    expect(counts[429]).toBeLessThan(140);
    expect(fives).toBeGreaterThan(150);
    expect(fives).toBeLessThan(250);
    for (const s of [500, 502, 503]) expect(counts[s]).toBeGreaterThan(0);
    expect(emu.stats().throttled).toBe(counts[429]);

    emu.setFaults({ randomSeed: 42, rules: [{ route: 'prl.', rate429: 0.1, rate5xx: 0.2 }] });
    expect(await run(1000)).toEqual(counts);
    emu.setFaults({ rules: [] });
  });

  it('applies rules by route and method only, via the admin endpoint shorthand', async () => {
    const put = await call(`${emu.url}/__admin/faults`, {
      method: 'PUT',
      body: { route: 'aerial.', rate5xx: 1 },
    });
    expect(put.status).toBe(200);
    expect(put.body.rules).toEqual([{ route: 'aerial.', rate5xx: 1 }]);
    expect((await call(url, { auth })).status).toBe(200);
    const bad = await call(`${emu.url}/__admin/faults`, { method: 'PUT', body: { rate429: 2 } });
    expect(bad.status).toBe(400);
    emu.setFaults({ rules: [] });
  });

  it('a faulted write changes nothing', async () => {
    emu.setFaults({ rules: [{ route: 'prl.create', rate5xx: 1, statuses5xx: [503] }] });
    const base = `${creds.OKTA_ORG_URL_ACME_PROD}/api/v1/principal-rate-limits`;
    const r = await call(base, {
      method: 'POST',
      auth,
      body: { principalId: '0oaDemoScimApp000001', principalType: 'OAUTH_CLIENT' },
    });
    expect([r.status, r.body.errorCode]).toEqual([503, 'E0000010']);
    emu.setFaults({ rules: [] });
    const state = (await call(`${emu.url}/__admin/state`)).body;
    const org = state.orgs.find((o: { id: string }) => o.id === '00oDemoAcmeProd00001');
    expect(
      org.rateLimits.some((e: { principalId: string }) => e.principalId === '0oaDemoScimApp000001'),
    ).toBe(false);
  });

  it('resets connections without a response', async () => {
    emu.setFaults({ rules: [{ route: 'prl.get', resetRate: 1 }] });
    await expect(fetch(url, { headers: { authorization: auth } })).rejects.toThrow();
    emu.setFaults({ rules: [] });
    expect((await call(url, { auth })).status).toBe(200);
    expect(emu.log().some((e) => e.route === 'prl.get' && e.status === 0)).toBe(true);
  });

  it('records X-Okta-Retry-For / X-Okta-Retry-Count in the log', async () => {
    await call(url, { auth, headers: { 'X-Okta-Retry-For': 'abc123', 'X-Okta-Retry-Count': '2' } });
    const last = emu.log().at(-1)!;
    expect(last).toMatchObject({
      retryFor: 'abc123',
      retryCount: 2,
      route: 'prl.get',
      status: 200,
      org: 'acme-prod',
    });
    expect(JSON.stringify(emu.log())).not.toContain(creds.OKTA_API_TOKEN_ACME_PROD);
  });
});
