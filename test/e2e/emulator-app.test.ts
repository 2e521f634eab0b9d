/**
 * A stack written for real Okta (Okta's URLs, its own account and client ids, its own variable names),
 * deployed with the real terraform against the emulator with no code change: the emulator is seeded from
 * the synthesized app, the credentials are printed under the names the stack uses, and
 * OKTA_AERIAL_ENDPOINT_URL sends the hooks' requests to the emulator.
 */
import * as path from 'node:path';
import type { TerraformStack } from 'cdktf';
import { constructsOfApp, credentialsForApp, seedFromApp } from '../../src/cli/emulator-app';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import { startEmulator, validateSeed, type RunningEmulator } from '../../src/emulator';
import { remoteOrgs } from './fixtures';
import { baseEnv, E2eProject, REPO_ROOT, run } from './harness';

const ACCOUNT = '0227acmeaerialaccount000001';
const PROD_ID = '00oAcmeProdOrg000001';
const NEW_ID = '00oAcmeNewOrg0000001';

function build(stack: TerraformStack): void {
  const account = new AerialAccount(stack, 'Account', {
    accountId: ACCOUNT,
    aerialOrgDomain: 'acme-aerial.okta.com',
    clientId: '0oaAcmeAerialDeploy1',
    privateKeyEnv: 'ACME_AERIAL_KEY',
  });
  const prod = new AerialOrg(stack, 'Prod', { account, orgId: PROD_ID });
  new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: ['P000052', 'P009999'] });
  const eu = new AerialOrg(stack, 'Eu', {
    account,
    domain: 'acme-eu.okta.com',
    cell: 'eu1',
    status: 'INACTIVE',
  });
  new ProductAssignment(stack, 'EuProducts', { org: eu, productIds: ['P000131'] });
  const euApi = new OktaOrg(stack, 'EuApi', {
    orgUrl: 'https://acme-eu.okta.com',
    apiTokenEnv: 'ACME_EU_TOKEN',
  });
  new PrincipalRateLimit(stack, 'Ci', {
    org: euApi,
    principalId: '00TAcmeCiToken000001',
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 40,
  });
  // A new org that has not consented yet: the deploy grants consent through its own connection.
  new AerialOrg(stack, 'New', {
    account,
    orgId: NEW_ID,
    consentFrom: new OktaOrg(stack, 'NewApi', {
      orgUrl: 'https://acme-new.okta.com',
      apiTokenEnv: 'ACME_NEW_TOKEN',
    }),
  });
  const devApi = new OktaOrg(stack, 'DevApi', {
    orgUrl: 'https://acme-dev.okta.com',
    oauth: { clientId: '0oaAcmeDevAdmin00001', privateKeyEnv: 'ACME_DEV_KEY' },
  });
  new PrincipalRateLimit(stack, 'Sync', {
    org: devApi,
    principalId: '0oaAcmeSyncApp000001',
    principalType: 'OAUTH_CLIENT',
    defaultConcurrencyPercentage: 25,
  });
}

let emu: RunningEmulator | undefined;
const project = new E2eProject('okta');

afterAll(async () => {
  project.cleanup();
  await emu?.stop();
});

describe('a stack written for Okta, against the emulator seeded from the app', () => {
  it('seeds what the app declares, prints the names the stack uses, and deploys with no code change', async () => {
    project.synth(build);
    const constructs = constructsOfApp(project.outdir);
    const { seed, skipped } = seedFromApp(constructs);
    expect(skipped).toEqual([]);
    expect(() => validateSeed(seed)).not.toThrow();
    expect(seed.accounts).toEqual([
      expect.objectContaining({
        id: ACCOUNT,
        subscribedProducts: [
          { id: 'P000052', name: 'IT Products - SSO' },
          { id: 'P000131', name: 'IT Products - MFA' },
          { id: 'P009999', name: 'Product P009999' },
        ],
      }),
    ]);

    emu = await startEmulator({ seed, quiet: true });
    const { env, conflicts } = credentialsForApp(constructs, emu.credentials());
    expect(conflicts).toEqual([]);
    expect(Object.keys(env).sort()).toEqual(
      [
        'ACME_AERIAL_KEY',
        'ACME_DEV_KEY',
        'ACME_EU_TOKEN',
        'ACME_NEW_TOKEN',
        'OKTA_AERIAL_ENDPOINT_URL',
        'OKTA_AERIAL_KEY_ID',
        'OKTA_ORG_KEY_ID',
      ].sort(),
    );
    expect(env.OKTA_AERIAL_ENDPOINT_URL).toBe(emu.url);

    await project.init(env);
    const deployed = await project.apply(env);
    if (deployed.code !== 0) throw new Error(deployed.output);
    expect(deployed.output).toContain(`aerial-org 'okta/Prod': linked org ${PROD_ID}`);
    expect(deployed.output).toContain(`granted Aerial consent to account ${ACCOUNT}`);
    expect(deployed.output).toContain(`aerial-org 'okta/New': linked org ${NEW_ID}`);
    const orgs = await remoteOrgs(emu);
    const byDomain = Object.fromEntries(Object.values(orgs).map((o) => [o.domain, o]));
    // The consent org and the org linked by id are one org, at the connection's domain.
    expect(byDomain['acme-new.okta.com']).toMatchObject({ id: NEW_ID, linkedAccountId: ACCOUNT });
    expect(orgs[PROD_ID]).toMatchObject({
      linkedAccountId: ACCOUNT,
      status: 'ACTIVE',
      enabledProducts: expect.arrayContaining(['P000052', 'P009999']),
    });
    expect(byDomain['acme-eu.okta.com']).toMatchObject({ linkedAccountId: ACCOUNT, status: 'INACTIVE' });
    expect(byDomain['acme-eu.okta.com'].rateLimits).toEqual([
      expect.objectContaining({
        principalId: '00TAcmeCiToken000001',
        defaultPercentage: 40,
        defaultConcurrencyPercentage: 50,
      }),
    ]);
    expect(byDomain['acme-dev.okta.com'].rateLimits).toEqual([
      expect.objectContaining({
        principalId: '0oaAcmeSyncApp000001',
        defaultPercentage: 50,
        defaultConcurrencyPercentage: 25,
      }),
    ]);

    // The state keeps Okta's URLs: nothing of the emulator leaks into what a real deploy would compare.
    const plan = await project.terraform(['plan', '-detailed-exitcode', '-no-color', '-input=false'], env);
    expect(plan.code).toBe(0);

    // `show` names Okta's URL, as the connection gives it, and says where the requests went.
    const shown = await run(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/okta-aerial.js'),
        'show',
        '--account-id',
        ACCOUNT,
        '--aerial-org-domain',
        'acme-aerial.okta.com',
        '--client-id',
        '0oaAcmeAerialDeploy1',
        '--private-key-env',
        'ACME_AERIAL_KEY',
      ],
      { cwd: project.dir, env: { ...baseEnv(), ...env, OKTA_AERIAL_AGENT_DIR: project.agentDir } },
    );
    expect(shown.code).toBe(0);
    const lines = shown.output.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Aerial account '));
    const [header, sentTo] = lines.slice(at, at + 2);
    expect(header).toMatch(
      new RegExp(`^Aerial account ${ACCOUNT} \\(.*\\) at https://aerial[a-z-]*\\.okta\\.com$`),
    );
    expect(sentTo).toBe(`  (requests sent to ${emu.url}/aerial/production by OKTA_AERIAL_ENDPOINT_URL)`);
  });

  it('restarted with a changed app and the same state, knows what the app added and keeps the tokens it had', async () => {
    const statePath = path.join(project.dir, 'emulator-state.json');
    const first = await startEmulator({
      seed: seedFromApp(constructsOfApp(project.outdir)).seed,
      statePath,
      seedMissing: true,
      quiet: true,
    });
    const token = first.credentials().OKTA_API_TOKEN_ACME_EU;
    await first.stop();

    // The app gains an org (named by domain) and a rate limit for a new principal in an org it had.
    project.synth((stack) => {
      build(stack);
      const account = stack.node.findChild('Account') as AerialAccount;
      new AerialOrg(stack, 'Extra', { account, domain: 'acme-extra.okta.com', cell: 'ok1' });
      new PrincipalRateLimit(stack, 'Ops', {
        org: stack.node.findChild('EuApi') as OktaOrg,
        principalId: '00TAcmeOpsToken00001',
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 20,
      });
    });
    const constructs = constructsOfApp(project.outdir);
    const second = await startEmulator({
      seed: seedFromApp(constructs).seed,
      statePath,
      seedMissing: true,
      quiet: true,
    });
    try {
      expect(second.credentials().OKTA_API_TOKEN_ACME_EU).toBe(token);
      expect(credentialsForApp(constructs, second.credentials()).conflicts).toEqual([]);
      // The admin state has more than RemoteOrg names: the contract and the principals.
      const orgs = Object.values(await remoteOrgs(second)) as unknown as {
        domain: string;
        contractAccountId?: string;
        principals: { id: string }[];
      }[];
      expect(orgs.find((o) => o.domain === 'acme-extra.okta.com')).toMatchObject({
        contractAccountId: ACCOUNT,
      });
      const eu = orgs.find((o) => o.domain === 'acme-eu.okta.com')!;
      expect(eu.principals.map((p) => p.id)).toEqual(
        expect.arrayContaining(['00TAcmeCiToken000001', '00TAcmeOpsToken00001']),
      );
    } finally {
      await second.stop();
    }
  });
});
