import type { RunningEmulator } from '../../src/emulator';
import {
  AuthenticationError,
  closeClients,
  ConflictError,
  NotFoundError,
  openPrincipalRateLimitClient,
  ValidationError,
  type PrincipalRateLimitEntity,
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
