import { demoSeed, type RunningEmulator } from '../../src/emulator';
import {
  AuthenticationError,
  closeClients,
  ConflictError,
  NotFoundError,
  openPrincipalRateLimitClient,
  ValidationError,
  type PrincipalRateLimitClient,
  type PrincipalRateLimitEntity,
  type PrincipalType,
} from '../../src/client';
import { emulator, fast, oauthOrgConnection, sswsConnection } from './helpers';

describe('PrincipalRateLimitClient against the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterEach(() => closeClients());
  afterAll(() => emu.stop());

  it('adopts the existing entity of a principal, replaces it and reads it back (SSWS)', async () => {
    const c = openPrincipalRateLimitClient(sswsConnection(emu), fast());
    const found = await c.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN');
    expect(found).toMatchObject({
      principalId: '00TDemoOpsToken00001',
      defaultPercentage: 50,
      defaultConcurrencyPercentage: 50,
    });
    const replaced = await c.replace(found!.id!, {
      ...found!,
      defaultPercentage: 30,
      defaultConcurrencyPercentage: 20,
    });
    expect(replaced).toMatchObject({ defaultPercentage: 30, defaultConcurrencyPercentage: 20 });
    await expect(c.get(found!.id!)).resolves.toMatchObject({ defaultPercentage: 30 });
  });

  it('creates an entity, refuses a duplicate with a ConflictError, and lists by type (OAuth)', async () => {
    const c = openPrincipalRateLimitClient(oauthOrgConnection(emu, 'ACME_DEV'), fast());
    await expect(c.findByPrincipal('0oaDemoSyncApp000001', 'OAUTH_CLIENT')).resolves.toBeUndefined();
    const created = await c.create({
      principalId: '0oaDemoSyncApp000001',
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 40,
      defaultConcurrencyPercentage: 60,
    });
    expect(created).toMatchObject({ id: expect.any(String), defaultPercentage: 40 });
    const dup = await c
      .create({ principalId: '0oaDemoSyncApp000001', principalType: 'OAUTH_CLIENT' })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    const listed: PrincipalRateLimitEntity[] = [];
    for await (const e of c.list({ principalType: 'OAUTH_CLIENT' })) listed.push(e);
    expect(listed.map((e) => e.principalId)).toEqual(['0oaDemoSyncApp000001']);
    expect(emu.stats().tokensIssued['0oaDemoOrgAdmin00001']).toBe(1);
  });

  it('reports validation and not-found errors', async () => {
    const c = openPrincipalRateLimitClient(sswsConnection(emu, 'ACME_EU'), fast());
    await expect(c.get('prlDoesNotExist00001')).rejects.toBeInstanceOf(NotFoundError);
    const bad = await c
      .create({ principalId: '00TDemoCiToken000001', principalType: 'SSWS_TOKEN', defaultPercentage: 120 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as Error).message).toContain('defaultPercentage');
  });

  it('works with DPoP-bound tokens', async () => {
    const c = openPrincipalRateLimitClient(oauthOrgConnection(emu, 'ACME_STAGE', true), fast());
    const found = await c.findByPrincipal('00TDemoOpsToken00001', 'SSWS_TOKEN');
    await expect(c.replace(found!.id!, { ...found!, defaultPercentage: 45 })).resolves.toMatchObject({
      defaultPercentage: 45,
    });
  });

  it('refuses a wrong SSWS token without repeating it anywhere', async () => {
    const planted = '00PLANTEDssws-token-value-0123456789abcdef';
    const c = openPrincipalRateLimitClient(
      sswsConnection(emu, 'ACME_PROD', { auth: { type: 'ssws', token: planted } }),
      fast(),
    );
    const err = await c.get('prlAnything000000001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('Check the API token environment variable');
    for (const s of [(err as Error).message, (err as Error).stack ?? '', JSON.stringify(err)])
      expect(s).not.toContain(planted);
  });
});

describe('lookups of principals started together', () => {
  // One org with 200 SSWS_TOKEN entities (4 pages of 50), 20 principals with none, and 3 OAuth clients.
  const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(20 - prefix.length, '0')}`;
  const limited = Array.from({ length: 200 }, (_, i) => id('00TLookup', i));
  const unlimited = Array.from({ length: 20 }, (_, i) => id('00TNoLimit', i));
  const apps = Array.from({ length: 3 }, (_, i) => id('0oaLookup', i));
  let emu: RunningEmulator;
  let c: PrincipalRateLimitClient;
  /** The SSWS principals in the order the API lists their entities (by entity id). */
  let listed: string[];
  beforeAll(async () => {
    const s = demoSeed();
    const org = {
      id: '00oLookupOrg00000001',
      domain: 'lookup.okta.com',
      cell: 'ok1',
      principals: [
        ...[...limited, ...unlimited].map((p) => ({ id: p, type: 'SSWS_TOKEN' as const })),
        ...apps.map((p) => ({ id: p, type: 'OAUTH_CLIENT' as const })),
      ],
      apiTokens: [{ principalId: limited[0] }],
      rateLimits: [
        ...limited.map((principalId) => ({ principalId, principalType: 'SSWS_TOKEN' as const })),
        { principalId: apps[0], principalType: 'OAUTH_CLIENT' as const, defaultPercentage: 20 },
      ],
    };
    emu = await emulator({ seed: { ...s, orgs: [...s.orgs, org] } });
    listed = [];
    for await (const e of open().list({ principalType: 'SSWS_TOKEN', limit: 50 })) listed.push(e.principalId);
    expect([...listed].sort()).toEqual(limited);
  });
  const open = () => {
    const creds = emu.credentials();
    return openPrincipalRateLimitClient(
      { orgUrl: creds.OKTA_ORG_URL_LOOKUP, auth: { type: 'ssws', token: creds.OKTA_API_TOKEN_LOOKUP } },
      fast(),
    );
  };
  beforeEach(() => {
    c = open();
  });
  afterEach(() => closeClients());
  afterAll(() => emu.stop());

  const listings = () => Object.values(emu.stats().byRoute['prl.list'] ?? {}).reduce((a, b) => a + b, 0);
  /** The filters of the listings the emulator got since log entry `from`: 'type' or the principal's id. */
  const filtersSince = (from: number) =>
    emu
      .log()
      .slice(from)
      .filter((e) => e.route === 'prl.list')
      .map((e) => {
        const f = new URL(e.path, 'http://x').searchParams.get('filter') ?? '';
        return /principalId eq "([^"]+)"/.exec(f)?.[1] ?? 'type';
      });
  /** Looks each principal up on its own, one after another: the answers a batch must give. */
  const oneByOne = async (keys: [string, PrincipalType][]) => {
    const out: (PrincipalRateLimitEntity | undefined)[] = [];
    for (const [p, t] of keys) out.push(await c.findByPrincipal(p, t));
    return out;
  };
  const together = (keys: [string, PrincipalType][]) =>
    Promise.all(keys.map(([p, t]) => c.findByPrincipal(p, t)));
  const principalIds = (found: (PrincipalRateLimitEntity | undefined)[]) => found.map((e) => e?.principalId);

  it('answers them with one listing of their type when every principal is on its first pages', async () => {
    const keys: [string, PrincipalType][] = listed.slice(0, 30).map((p) => [p, 'SSWS_TOKEN']);
    const before = listings();
    const batch = await together(keys);
    expect(listings() - before).toBe(1);
    expect(principalIds(batch)).toEqual(listed.slice(0, 30));
    const alone = await oneByOne(keys);
    expect(listings() - before).toBe(1 + 30);
    expect(batch).toEqual(alone);
  });

  it('reads the whole type to learn which principals have no entity', async () => {
    // 40 lookups may cost 4 pages, which is all there is.
    const keys: [string, PrincipalType][] = [...listed.slice(170), ...unlimited.slice(0, 10)].map((p) => [
      p,
      'SSWS_TOKEN',
    ]);
    const before = listings();
    const batch = await together(keys);
    expect(listings() - before).toBe(4);
    expect(principalIds(batch)).toEqual([...listed.slice(170), ...Array<undefined>(10)]);
    expect(batch).toEqual(await oneByOne(keys));
  });

  it('answers each lookup when the page holding its principal arrives', async () => {
    // 40 lookups: one on the first page, the rest on the last or without an entity.
    const keys: [string, PrincipalType][] = [listed[0], ...listed.slice(175), ...unlimited.slice(0, 14)].map(
      (p) => [p, 'SSWS_TOKEN'],
    );
    const before = listings();
    const pagesWhenAnswered: number[] = [];
    const batch = await Promise.all(
      keys.map(([p, t], i) =>
        c.findByPrincipal(p, t).then((e) => {
          pagesWhenAnswered[i] = listings() - before;
          return e;
        }),
      ),
    );
    expect(pagesWhenAnswered[0]).toBe(1);
    expect(pagesWhenAnswered.slice(1)).toEqual(Array(39).fill(4));
    expect(listings() - before).toBe(4);
    expect(principalIds(batch)).toEqual([listed[0], ...listed.slice(175), ...Array<undefined>(14)]);
  });

  it('stops after one page per 10 lookups and looks the rest up one by one', async () => {
    // 10 lookups may cost one page; 3 of them are on it, 4 on a later page, 3 have no entity.
    const wanted = [...listed.slice(0, 3), ...listed.slice(150, 154), ...unlimited.slice(10, 13)];
    const keys: [string, PrincipalType][] = wanted.map((p) => [p, 'SSWS_TOKEN']);
    const before = listings();
    const batch = await together(keys);
    expect(listings() - before).toBe(1 + 7);
    expect(principalIds(batch)).toEqual([...wanted.slice(0, 7), ...Array<undefined>(3)]);
    expect(batch).toEqual(await oneByOne(keys));
  });

  it('lists only a type with enough lookups and looks up the others alone', async () => {
    const keys: [string, PrincipalType][] = [
      ...listed.slice(40, 52).map((p): [string, PrincipalType] => [p, 'SSWS_TOKEN']),
      ...apps.map((p): [string, PrincipalType] => [p, 'OAUTH_CLIENT']),
    ];
    const before = listings();
    const batch = await together(keys);
    // SSWS: pages 1 and 2 hold principals 40..51; OAuth: 3 lookups alone.
    expect(listings() - before).toBe(2 + 3);
    expect(principalIds(batch)).toEqual([...listed.slice(40, 52), apps[0], undefined, undefined]);
    expect(batch[12]).toMatchObject({ principalType: 'OAUTH_CLIENT', defaultPercentage: 20 });
    expect(batch).toEqual(await oneByOne(keys));
  });

  it('reads the API again for every batch (nothing is cached between them)', async () => {
    const keys: [string, PrincipalType][] = listed.slice(60, 72).map((p) => [p, 'SSWS_TOKEN']);
    const first = await together(keys);
    await c.replace(first[0]!.id!, { ...first[0]!, defaultPercentage: 11 });
    const before = listings();
    const second = await together(keys);
    expect(listings() - before).toBe(2);
    expect(second[0]).toMatchObject({ principalId: listed[60], defaultPercentage: 11 });
  });

  it('leaves each lookup to read alone and report its own error when the listing fails', async () => {
    emu.setFaults({ rules: [{ route: 'prl.list', rate5xx: 1, statuses5xx: [503] }] });
    try {
      let before = listings();
      await expect(c.findByPrincipal(listed[0], 'SSWS_TOKEN')).rejects.toThrow(/503/);
      const attempts = listings() - before;
      expect(attempts).toBeGreaterThan(1);
      const keys: [string, PrincipalType][] = listed.slice(80, 92).map((p) => [p, 'SSWS_TOKEN']);
      before = listings();
      const from = emu.log().length;
      const settled = await Promise.allSettled(keys.map(([p, t]) => c.findByPrincipal(p, t)));
      const filters = filtersSince(from);
      expect(filters[0]).toBe('type');
      expect(new Set(filters.filter((f) => f !== 'type'))).toEqual(new Set(keys.map(([p]) => p)));
      // Each lookup read on its own after the type's listing failed: its error names its principal.
      settled.forEach((r, i) => {
        expect(r.status).toBe('rejected');
        expect(String((r as PromiseRejectedResult).reason)).toContain(
          `listPrincipalRateLimits SSWS_TOKEN ${keys[i][0]}`,
        );
      });
      expect(listings() - before).toBeGreaterThan(attempts + 12);
    } finally {
      emu.setFaults({ rules: [] });
    }
  });

  it('reads a principal looked up several times together once, and gives each caller its own copy', async () => {
    let from = emu.log().length;
    const alone = await Promise.all(
      Array.from({ length: 15 }, () => c.findByPrincipal(listed[5], 'SSWS_TOKEN')),
    );
    expect(filtersSince(from)).toEqual([listed[5]]);
    expect(alone.every((e) => e?.principalId === listed[5])).toBe(true);
    expect(alone[1]).toEqual(alone[0]);
    expect(alone[1]).not.toBe(alone[0]);
    // 10 distinct principals, two of them twice: one listing answers all 12.
    const ids = [...listed.slice(0, 10), listed[0], listed[9]];
    from = emu.log().length;
    const batch = await Promise.all(ids.map((p) => c.findByPrincipal(p, 'SSWS_TOKEN')));
    expect(filtersSince(from)).toEqual(['type']);
    expect(principalIds(batch)).toEqual(ids);
    expect(batch[10]).toEqual(batch[0]);
    expect(batch[10]).not.toBe(batch[0]);
  });

  it("fails every lookup with the listing's error when its credentials are refused, and reads none alone", async () => {
    const creds = emu.credentials();
    const refused = openPrincipalRateLimitClient(
      { orgUrl: creds.OKTA_ORG_URL_LOOKUP, auth: { type: 'ssws', token: 'not-the-token' } },
      fast(),
    );
    const from = emu.log().length;
    const settled = await Promise.allSettled(
      listed.slice(0, 12).map((p) => refused.findByPrincipal(p, 'SSWS_TOKEN')),
    );
    for (const r of settled) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AuthenticationError);
    }
    expect(new Set(filtersSince(from))).toEqual(new Set(['type']));
  });
});
