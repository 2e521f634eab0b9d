/**
 * The handlers against an emulator as strict as Okta, called directly: a deletion that takes time (a re-run
 * neither asks again nor fails) and product lists that must carry names.
 */
import { closeClients, openAerialClient, openPrincipalRateLimitClient } from '../../src/client';
import type { AerialConnectionSpec, AerialOrgSpec, ProductAssignmentSpec } from '../../src/contract';
import { demoSeed, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import {
  applyAerialOrg,
  applyProductAssignment,
  destroyAerialOrg,
  destroyProductAssignment,
  resolveAerialConnection,
  resolveOrgConnection,
  type HandlerContext,
} from '../../src/handlers';

const SBX_ORG = '00oDemoSbxOrg0000001';

async function setUp(options: EmulatorOptions) {
  const emu = await startEmulator({ quiet: true, ...options });
  const creds = emu.credentials();
  const env = { ...process.env, ...creds };
  const lines: string[] = [];
  const ctx: HandlerContext = {
    aerial: (conn) => openAerialClient(resolveAerialConnection(conn, env), { useAgent: false }),
    principalRateLimits: (conn) =>
      openPrincipalRateLimitClient(resolveOrgConnection(conn, env), { useAgent: false }),
    log: (line) => lines.push(line),
  };
  const account = (sandbox: boolean): AerialConnectionSpec => {
    const p = sandbox ? 'OKTA_AERIAL_SANDBOX_' : 'OKTA_AERIAL_';
    return {
      accountId: creds[`${p}ACCOUNT_ID`],
      baseUrl: creds[`${p}BASE_URL`],
      tokenUrl: creds[`${p}TOKEN_URL`],
      clientId: creds[`${p}CLIENT_ID`],
      privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
      keyIdEnv: 'OKTA_AERIAL_KEY_ID',
      dpop: false,
      maxConcurrency: 10,
      deadlineMs: 30000,
      environment: sandbox ? 'sandbox' : 'production',
    };
  };
  const writes = () =>
    emu
      .log()
      .filter((e) => (e.method === 'POST' || e.method === 'PUT') && e.route !== 'oauth.token')
      .map((e) => e.route);
  return { emu, ctx, lines, account, writes };
}

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await closeClients();
  await emu?.stop();
  emu = undefined;
});

describe('AerialOrg destroy when deletion takes time', () => {
  it('requests deletion once; a re-run while it is pending neither asks again nor fails', async () => {
    let clock = Date.now();
    const t = await setUp({ deletionDelayMs: 120_000, now: () => clock, strict: true });
    emu = t.emu;
    const spec: AerialOrgSpec = {
      v: 1,
      kind: 'aerial-org',
      path: 'test/Org',
      removalPolicy: 'DESTROY',
      account: t.account(true),
      org: { orgId: SBX_ORG },
      status: 'ACTIVE',
      requestDeletion: true,
    };
    await applyAerialOrg(spec, t.ctx);
    await destroyAerialOrg(spec, t.ctx);
    expect(t.writes()).toEqual(['aerial.linkOrg', 'aerial.setStatus', 'aerial.deletionRequest']);
    t.emu.reset();
    t.lines.length = 0;
    clock += 60_000; // still pending: the org is listed, INACTIVE and marked
    await destroyAerialOrg(spec, t.ctx);
    expect(t.writes()).toEqual([]);
    expect(t.lines).toEqual([
      `org ${SBX_ORG} is already INACTIVE`,
      `org ${SBX_ORG} deletion already requested; Okta completes it shortly`,
    ]);
    clock += 90_000; // done: the org is gone (the clock stays within the proofs' and assertions' windows)
    t.lines.length = 0;
    await destroyAerialOrg(spec, t.ctx);
    expect(t.lines.at(-1)).toContain('is not linked to account');
    expect(t.writes()).toEqual([]);
  });
});

describe('ProductAssignment against a strict server (products need names)', () => {
  it('applies and destroys with {id, name} objects', async () => {
    const seed = demoSeed();
    Object.assign(
      seed.orgs.find((o) => o.id === '00oDemoAcmeDev000001')!,
      {
        linkedAccountId: '0227demoaerialaccount000001',
        enabledProducts: ['P001113'],
      },
    );
    const t = await setUp({ strict: true, seed });
    emu = t.emu;
    const spec: ProductAssignmentSpec = {
      v: 1,
      kind: 'product-assignment',
      path: 'test/Products',
      removalPolicy: 'DESTROY',
      account: t.account(false),
      org: { orgId: '00oDemoAcmeDev000001' },
      productIds: ['P000052', 'P000131'],
    };
    await applyProductAssignment(spec, t.ctx);
    expect(t.lines.at(-1)).toBe('org 00oDemoAcmeDev000001 products [P001113] -> [P000052, P000131]');
    await applyProductAssignment({ ...spec, productIds: ['P000052', 'P000131', 'P001113'] }, t.ctx);
    await destroyProductAssignment(spec, t.ctx);
    expect(t.lines.at(-1)).toBe(
      'org 00oDemoAcmeDev000001 products [P000052, P000131, P001113] -> [P001113] (removalPolicy DESTROY)',
    );
  });
});
