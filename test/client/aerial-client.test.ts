import type { RunningEmulator } from '../../src/emulator';
import {
  AuthenticationError,
  AuthorizationError,
  closeClients,
  isNotFound,
  NotFoundError,
  OktaApiError,
  openAerialClient,
  type Org,
} from '../../src/client';
import { aerialConnection, DEMO, emulator, fast } from './helpers';

describe('AerialClient against the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterEach(() => closeClients());
  afterAll(() => emu.stop());

  it('reads and renames the account', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    await expect(c.getAccount()).resolves.toEqual({ id: DEMO.accountId, name: 'Acme Demo' });
    await expect(c.replaceAccount('Acme Renamed')).resolves.toMatchObject({ name: 'Acme Renamed' });
    await expect(c.getAccount()).resolves.toMatchObject({ name: 'Acme Renamed' });
    await c.replaceAccount('Acme Demo');
  });

  it('lists subscribed products', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    const ids = (await c.listSubscribedProducts()).map((p) => p.id).sort();
    expect(ids).toEqual(['P000052', 'P000131', 'P000139', 'P001113']);
  });

  it('links an org by id, reads it, finds it by domain, changes status and products', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    await expect(c.getOrg('00oDemoAcmeProd00001')).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.findOrgByDomain('ACME-PROD.okta.com')).resolves.toBeUndefined();
    const linked = await c.linkOrg({ orgId: '00oDemoAcmeProd00001' });
    expect(linked).toMatchObject({
      id: '00oDemoAcmeProd00001',
      accountId: DEMO.accountId,
      domain: 'acme-prod.okta.com',
    });
    await expect(c.getOrg(linked.id)).resolves.toMatchObject({ status: 'ACTIVE' });
    await expect(c.findOrgByDomain('ACME-PROD.okta.com')).resolves.toMatchObject({ id: linked.id });
    await expect(c.setEnabledProducts(linked.id, ['P000052', 'P000131'])).resolves.toHaveLength(2);
    expect((await c.getEnabledProducts(linked.id)).map((p) => p.id).sort()).toEqual(['P000052', 'P000131']);
    await expect(c.setEnabledProducts(linked.id, [])).resolves.toEqual([]);
    await expect(c.setOrgStatus(linked.id, 'INACTIVE')).resolves.toMatchObject({ status: 'INACTIVE' });
    await expect(c.setOrgStatus(linked.id, 'ACTIVE')).resolves.toMatchObject({ status: 'ACTIVE' });
  });

  it('links an org by domain and cell', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    await expect(c.linkOrg({ domain: 'acme-dev.okta.com', cell: 'OK1' })).resolves.toMatchObject({
      id: '00oDemoAcmeDev000001',
    });
  });

  it('lists orgs with a filter and without', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    const all: Org[] = [];
    for await (const o of c.listOrgs({ limit: 1 })) all.push(o);
    expect(all.some((o) => o.aerialOrg)).toBe(true);
    expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
    const aerial: Org[] = [];
    for await (const o of c.listOrgs({ filter: 'aerialOrg eq true' })) aerial.push(o);
    expect(aerial.map((o) => o.id)).toEqual([DEMO.aerialOrgId]);
  });

  it('requests deletion of an INACTIVE sandbox org, and reports why production refuses it', async () => {
    const cred = emu.credentials();
    const sbx = openAerialClient(
      aerialConnection(emu, {
        accountId: cred.OKTA_AERIAL_SANDBOX_ACCOUNT_ID,
        baseUrl: cred.OKTA_AERIAL_SANDBOX_BASE_URL,
        tokenUrl: cred.OKTA_AERIAL_SANDBOX_TOKEN_URL,
        clientId: cred.OKTA_AERIAL_SANDBOX_CLIENT_ID,
      }),
      fast(),
    );
    await sbx.linkOrg({ orgId: '00oDemoSbxOrg0000001' });
    await sbx.setOrgStatus('00oDemoSbxOrg0000001', 'INACTIVE');
    await expect(sbx.requestDeletion('00oDemoSbxOrg0000001')).resolves.toBeUndefined();

    const prod = openAerialClient(aerialConnection(emu), fast());
    await prod.linkOrg({ orgId: '00oDemoAcmeStage0001' });
    const err = await prod.requestDeletion('00oDemoAcmeStage0001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaApiError);
    expect((err as Error).message).toMatch(
      /^requestDeletion 00oDemoAcmeStage0001 failed after 1 attempt: 40[03] E00000/,
    );
  });

  it('gives typed errors: not found, forbidden scope, bad credentials', async () => {
    const c = openAerialClient(aerialConnection(emu), fast());
    const nf = await c.getOrg('00oDoesNotExist00001').catch((e: unknown) => e);
    expect(isNotFound(nf)).toBe(true);
    const ro = openAerialClient(aerialConnection(emu, { clientId: DEMO.readOnlyClientId }), fast());
    await expect(ro.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
    const forbidden = await ro.replaceAccount('x').catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(AuthorizationError);
    expect((forbidden as Error).message).toContain('okta.accounts.manage');
    const wrongKid = openAerialClient(aerialConnection(emu, { clientId: '0oaUnknownClient0001' }), fast());
    const auth = await wrongKid.getAccount().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect((auth as Error).message).toContain('Check the client id, key id and private key');
  });
});
