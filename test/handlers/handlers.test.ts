/**
 * The handlers against the emulator over loopback, called directly (no Terraform): the cases a deploy
 * rarely reaches — objects already gone, deletion requests, products enabled outside the stack.
 */
import { closeClients, openAerialClient, openPrincipalRateLimitClient } from '../../src/client';
import {
  applyAerialOrg,
  applyProductAssignment,
  destroyAerialOrg,
  destroyPrincipalRateLimit,
  destroyProductAssignment,
  resolveAerialConnection,
  resolveOrgConnection,
  type HandlerContext,
} from '../../src/handlers';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type {
  AerialConnectionSpec,
  AerialOrgSpec,
  OrgConnectionSpec,
  PrincipalRateLimitIdentitySpec,
  ProductAssignmentSpec,
} from '../../src/contract';

let emu: RunningEmulator;
let creds: Record<string, string>;
let lines: string[];
let ctx: HandlerContext;

function account(sandbox = false): AerialConnectionSpec {
  return {
    accountId: sandbox ? creds.OKTA_AERIAL_SANDBOX_ACCOUNT_ID : creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: sandbox ? creds.OKTA_AERIAL_SANDBOX_BASE_URL : creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: sandbox ? creds.OKTA_AERIAL_SANDBOX_TOKEN_URL : creds.OKTA_AERIAL_TOKEN_URL,
    clientId: sandbox ? creds.OKTA_AERIAL_SANDBOX_CLIENT_ID : creds.OKTA_AERIAL_CLIENT_ID,
    privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
    keyIdEnv: 'OKTA_AERIAL_KEY_ID',
    dpop: false,
    maxConcurrency: 10,
    deadlineMs: 30000,
    environment: sandbox ? 'sandbox' : 'production',
  };
}

function orgSpec(overrides: Partial<AerialOrgSpec>): AerialOrgSpec {
  return {
    v: 1,
    kind: 'aerial-org',
    path: 'test/Org',
    removalPolicy: 'DESTROY',
    account: account(),
    org: { orgId: '00oDemoAcmeDev000001' },
    status: 'ACTIVE',
    requestDeletion: false,
    ...overrides,
  };
}

function writes(): string[] {
  return emu
    .log()
    .filter((e) => (e.method === 'POST' || e.method === 'PUT') && e.route !== 'oauth.token')
    .map((e) => e.route);
}

beforeAll(async () => {
  emu = await startEmulator({ quiet: true });
  creds = emu.credentials();
  const env = { ...process.env, ...creds };
  ctx = {
    aerial: (conn) => openAerialClient(resolveAerialConnection(conn, env), { useAgent: false }),
    principalRateLimits: (conn) =>
      openPrincipalRateLimitClient(resolveOrgConnection(conn, env), { useAgent: false }),
    log: (line) => lines.push(line),
  };
});

beforeEach(() => {
  lines = [];
  emu.reset();
});

afterAll(async () => {
  await closeClients();
  await emu?.stop();
});

describe('AerialOrg handlers', () => {
  it('treats an org that is not linked as already destroyed, with no write', async () => {
    await destroyAerialOrg(orgSpec({ org: { orgId: '00oDemoAcmeStage0001' } }), ctx);
    expect(lines).toEqual([
      'org 00oDemoAcmeStage0001 is not linked to account 0227demoaerialaccount000001; nothing to destroy',
    ]);
    expect(writes()).toEqual([]);
  });

  it('links an org named by id together with its cell', async () => {
    await applyAerialOrg(orgSpec({ org: { orgId: '00oDemoAcmeStage0001', cell: 'ok1' } }), ctx);
    expect(writes()).toEqual(['aerial.linkOrg']);
    expect(lines).toEqual([
      expect.stringMatching(/^linked org 00oDemoAcmeStage0001 to account \w+ as 00oDemoAcmeStage0001/),
    ]);
  });

  it('links once: a second apply reads and writes nothing', async () => {
    await applyAerialOrg(orgSpec({}), ctx);
    emu.reset();
    await applyAerialOrg(orgSpec({}), ctx);
    expect(writes()).toEqual([]);
    expect(lines.at(-1)).toBe('org 00oDemoAcmeDev000001 is already linked and ACTIVE; nothing to change');
  });

  it('deactivates and requests deletion in the sandbox, and a repeated destroy finds it gone', async () => {
    const spec = orgSpec({
      account: account(true),
      org: { orgId: '00oDemoSbxOrg0000001' },
      requestDeletion: true,
    });
    await applyAerialOrg(spec, ctx);
    await destroyAerialOrg(spec, ctx);
    expect(writes()).toEqual(['aerial.linkOrg', 'aerial.setStatus', 'aerial.deletionRequest']);
    emu.reset();
    await destroyAerialOrg(spec, ctx); // e.g. a deploy killed after the request, run again
    expect(writes()).toEqual([]);
    expect(lines.at(-1)).toContain('is not linked to account');
  });
});

describe('a deletion request Okta refuses (not a sandbox or partner account)', () => {
  it('says why, keeps the deactivation, and does not repeat it on a re-run', async () => {
    // The stack claims a partner account; Okta (the emulator's account is not one) refuses with 403.
    const spec = orgSpec({
      account: { ...account(), partnerAccount: true },
      org: { orgId: '00oDemoAcmeStage0001' },
      requestDeletion: true,
    });
    await applyAerialOrg(spec, ctx);
    emu.reset();
    const refused =
      /^Okta refused to delete org 00oDemoAcmeStage0001 \(403 E0000006: .*\)\. The org is INACTIVE; that part is done and is not repeated\. Okta deletes orgs only in the Aerial sandbox or for Okta Partner Program accounts .*set requestDeletionOnDestroy to false/;
    await expect(destroyAerialOrg(spec, ctx)).rejects.toThrow(refused);
    expect(writes()).toEqual(['aerial.setStatus', 'aerial.deletionRequest']); // the request was refused
    emu.reset();
    // The re-run does not deactivate again: it only asks again, and is refused with the same words.
    await expect(destroyAerialOrg(spec, ctx)).rejects.toThrow(refused);
    expect(writes()).toEqual(['aerial.deletionRequest']);
    await expect(destroyAerialOrg(spec, ctx)).rejects.not.toThrow(/Grant the scope/);
  });
});

describe('ProductAssignment handlers', () => {
  const spec = (productIds: string[]): ProductAssignmentSpec => ({
    v: 1,
    kind: 'product-assignment',
    path: 'test/Products',
    removalPolicy: 'DESTROY',
    account: account(),
    org: { orgId: '00oDemoAcmeDev000001' },
    productIds,
  });

  it('on DESTROY disables the products it declares and keeps one enabled outside the stack', async () => {
    await applyAerialOrg(orgSpec({}), ctx);
    await applyProductAssignment(spec(['P000052', 'P000131']), ctx);
    const client = ctx.aerial(account());
    await client.setEnabledProducts('00oDemoAcmeDev000001', ['P000052', 'P000131', 'P001113']); // someone else
    await destroyProductAssignment(spec(['P000052', 'P000131']), ctx);
    expect((await client.getEnabledProducts('00oDemoAcmeDev000001')).map((p) => p.id)).toEqual(['P001113']);
  });

  it('refuses to set products of an org named by domain that is not linked, saying what to do', async () => {
    const unlinked = { ...spec(['P000052']), org: { domain: 'acme-eu.okta.com', cell: 'eu1' } };
    await expect(applyProductAssignment(unlinked, ctx)).rejects.toThrow(
      /org acme-eu\.okta\.com \(cell eu1\) is not linked .*declare it with an AerialOrg/,
    );
    expect(writes()).toEqual([]);
  });
});

describe('PrincipalRateLimit handlers', () => {
  const org = (): OrgConnectionSpec => ({
    orgUrl: creds.OKTA_ORG_URL_ACME_STAGE,
    auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_STAGE' },
    maxConcurrency: 10,
    deadlineMs: 30000,
  });

  it('on DESTROY resets nothing when the principal has no entity', async () => {
    const identity: PrincipalRateLimitIdentitySpec = {
      v: 1,
      kind: 'principal-rate-limit',
      role: 'identity',
      path: 'test/Ci',
      removalPolicy: 'DESTROY',
      org: org(),
      principalId: '00TDemoCiToken000001',
      principalType: 'SSWS_TOKEN',
    };
    await destroyPrincipalRateLimit(identity, ctx);
    expect(writes()).toEqual([]);
    expect(lines).toEqual([expect.stringContaining('does not exist; nothing to reset')]);
  });
});
