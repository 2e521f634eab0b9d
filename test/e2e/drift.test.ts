/**
 * The read path on the real terraform: `okta-aerial drift` compares the stack with Okta (values from other
 * resources taken from the Terraform state), `drift --repair` puts exactly the drifted constructs into the
 * next plan, the deploy repairs them and the plan is clean after. Also the pipeline case: a deploy that
 * recorded resources whose hooks never ran, re-run from a fresh checkout with only the state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataResource, type TerraformStack } from 'cdktf';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import { closeClients, openPrincipalRateLimitClient } from '../../src/client';
import type { RunningEmulator } from '../../src/emulator';
import {
  ORGS,
  PRINCIPALS,
  limitOf,
  outOfBandAerialClient,
  remoteOrgs,
  writes,
  startTestEmulator,
} from './fixtures';
import { loadSynthesizedStack } from '../../src/cli/synthesized-stack';
import { Terraform } from '../../src/cli/terraform';
import { E2eProject, baseEnv, type RunResult } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
const projects: E2eProject[] = [];

function newProject(name: string): E2eProject {
  const p = new E2eProject(name);
  projects.push(p);
  return p;
}

/** Prod (products), Stage (INACTIVE), Eu (by domain, products), Ci and Sync rate limits; Sync's id from another resource. */
function build(opts: { retryDeadlineMs?: number } = {}) {
  return (stack: TerraformStack): void => {
    const account = new AerialAccount(stack, 'Account', {
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
      retryDeadlineMs: opts.retryDeadlineMs,
    });
    const prod = new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod });
    new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: ['P000052', 'P000131'] });
    new AerialOrg(stack, 'Stage', { account, orgId: ORGS.stage, status: 'INACTIVE' });
    const eu = new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1' });
    new ProductAssignment(stack, 'EuProducts', { org: eu, productIds: ['P000052'] });
    const api = new OktaOrg(stack, 'ProdApi', {
      orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
      retryDeadlineMs: opts.retryDeadlineMs,
    });
    new PrincipalRateLimit(stack, 'Ci', {
      org: api,
      principalId: PRINCIPALS.ci,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 30,
      defaultConcurrencyPercentage: 20,
    });
    // The app id comes from another resource, as it would from an okta_app_oauth: a token at synth.
    const app = new DataResource(stack, 'SyncApp', { input: { id: PRINCIPALS.sync } });
    new PrincipalRateLimit(stack, 'Sync', {
      org: api,
      principalId: app.getStringAttribute('output.id'),
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 40,
      defaultConcurrencyPercentage: 40,
    });
  };
}

/** Changes Okta the way an admin or another tool would: through the API, outside the stack. */
async function changeOutsideTheStack(): Promise<void> {
  const aerial = outOfBandAerialClient(creds);
  const prl = openPrincipalRateLimitClient(
    { orgUrl: creds.OKTA_ORG_URL_ACME_PROD, auth: { type: 'ssws', token: creds.OKTA_API_TOKEN_ACME_PROD } },
    { useAgent: false },
  );
  try {
    await aerial.setEnabledProducts(ORGS.prod, ['P000052']);
    await aerial.setOrgStatus(ORGS.stage, 'ACTIVE');
    await aerial.setOrgStatus(ORGS.eu, 'INACTIVE');
    const ci = (await prl.findByPrincipal(PRINCIPALS.ci, 'SSWS_TOKEN'))!;
    await prl.replace(ci.id!, { ...ci, defaultPercentage: 45 });
    const sync = (await prl.findByPrincipal(PRINCIPALS.sync, 'OAUTH_CLIENT'))!;
    await prl.replace(sync.id!, { ...sync, defaultConcurrencyPercentage: 70 });
  } finally {
    await closeClients();
  }
}

/** The lines of a drift run, without the path prefix of the stack, spaces collapsed. */
function lines(r: RunResult, stack: string): string[] {
  return r.output
    .trim()
    .split('\n')
    .map((l) => l.replace(`${stack}/`, '').replace(/\s+/g, ' '));
}

/** Addresses terraform plans to replace, from `terraform plan` output. */
function planned(r: RunResult): string[] {
  return [...r.output.matchAll(/^ {2}# (\S+) (?:is tainted, so )?must be replaced$/gm)]
    .map((m) => m[1])
    .sort();
}

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
});

afterAll(async () => {
  await emu?.stop();
  for (const p of projects) p.cleanup();
});

describe('okta-aerial drift', () => {
  const project = (): E2eProject => projects[0];

  it('refuses a stack that was never deployed, naming the fix', async () => {
    const p = newProject('drift');
    p.synth(build());
    const r = await p.cli(['drift'], creds);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toMatch(
      /^okta-aerial: the Terraform state of stack 'drift' is empty .*deploy the stack first/,
    );
    expect(r.output.trim().split('\n')).toHaveLength(1);
    // The first run of a pipeline recipe must pass: nothing deployed, nothing to repair.
    const repair = await p.cli(['drift', '--repair'], creds);
    expect(repair.code).toBe(0);
    expect(repair.output.trim()).toBe("repair: stack 'drift' has not been deployed yet; nothing to repair");
  });

  it('reports every construct in sync after a deploy, and makes no write', async () => {
    const p = project();
    await p.init(creds);
    const deployed = await p.apply(creds);
    expect(deployed.code).toBe(0);
    emu.reset();
    const r = await p.cli(['drift'], creds);
    expect(r.code).toBe(0);
    expect(lines(r, 'drift')).toEqual([
      'Ci principal-rate-limit in sync',
      'Eu aerial-org in sync',
      'EuProducts product-assignment in sync',
      'Prod aerial-org in sync',
      'ProdProducts product-assignment in sync',
      'Stage aerial-org in sync',
      'Sync principal-rate-limit in sync',
      'drift: 7 constructs: 7 in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet',
    ]);
    expect(writes(emu)).toEqual([]);
  });

  it('reads the same state through terraform state pull (any backend) as from the local file', async () => {
    const p = project();
    const tf = new Terraform(p.stackDir, { ...baseEnv(), ...creds });
    const direct = await tf.state(loadSynthesizedStack(p.outdir).localStateFile);
    const pulled = await tf.state(undefined);
    expect(direct.size).toBe(15); // 7 constructs x 2 lifecycle resources + the SyncApp
    expect(pulled).toEqual(direct);
    const sync = [...direct.values()].find((r) => /^terraform_data\.Sync_Config_/.test(r.address))!;
    expect(sync.values.input).toMatchObject({ principalId: PRINCIPALS.sync, defaultPercentage: 40 });
  });

  it('reports each field changed outside the stack, desired -> live, with exit 2', async () => {
    await changeOutsideTheStack();
    emu.reset();
    const r = await project().cli(['drift'], creds);
    expect(r.code).toBe(2);
    expect(lines(r, 'drift')).toEqual([
      'Ci principal-rate-limit drifted: defaultPercentage 30 -> 45',
      'Eu aerial-org drifted: status ACTIVE -> INACTIVE',
      'EuProducts product-assignment in sync',
      'Prod aerial-org in sync',
      'ProdProducts product-assignment drifted: productIds [P000052, P000131] -> [P000052]',
      'Stage aerial-org drifted: status INACTIVE -> ACTIVE',
      'Sync principal-rate-limit drifted: defaultConcurrencyPercentage 40 -> 70',
      'drift: 7 constructs: 2 in sync, 5 drifted, 0 missing in Okta, 0 not deployed yet',
    ]);
    expect(writes(emu)).toEqual([]);
  });

  it('gives the same in --json', async () => {
    const r = await project().cli(['drift', '--json'], creds);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.output) as {
      stack: string;
      summary: Record<string, number>;
      constructs: Array<{ path: string; status: string; fields: unknown[]; configAddress: string }>;
    };
    expect(doc.stack).toBe('drift');
    expect(doc.summary).toEqual({ 'in-sync': 2, drifted: 5, missing: 0, 'not-deployed': 0 });
    expect(doc.constructs.find((c) => c.path === 'drift/Sync')).toMatchObject({
      status: 'drifted',
      fields: [{ field: 'defaultConcurrencyPercentage', desired: 40, live: 70 }],
      configAddress: expect.stringMatching(/^terraform_data\.Sync_Config_/),
    });
  });

  it('is invisible to a plain plan, and --repair puts exactly the drifted constructs into it', async () => {
    const p = project();
    const before = await p.terraform(['plan', '-no-color', '-input=false'], creds);
    expect(before.output).toContain('No changes.');
    const r = await p.cli(['drift', '--repair'], creds);
    expect(r.code).toBe(0); // a pipeline step: the drift is now in hand
    expect(r.output).toContain("repair: 5 config resources marked for replacement; 'cdktf diff' shows them");
    const plan = await p.terraform(['plan', '-no-color', '-input=false'], creds);
    expect(planned(plan).map((a) => a.replace(/_Config_\w+$/, ''))).toEqual([
      'terraform_data.Ci',
      'terraform_data.Eu',
      'terraform_data.ProdProducts',
      'terraform_data.Stage',
      'terraform_data.Sync',
    ]);
    expect(plan.output).toContain('Plan: 5 to add, 0 to change, 5 to destroy.');
    // Marked already: a second --repair marks nothing twice.
    const again = await p.cli(['drift', '--repair'], creds);
    expect(again.output).toContain('repair: 0 config resources marked for replacement (5 already marked)');
  });

  it('is repaired by the next deploy, and the plan is clean after', async () => {
    const p = project();
    emu.reset();
    const r = await p.apply(creds);
    expect(r.code).toBe(0);
    expect(writes(emu)).toEqual([
      `aerial.setProducts orgs/${ORGS.prod}/products`,
      `aerial.setStatus orgs/${ORGS.eu}/status`,
      `aerial.setStatus orgs/${ORGS.stage}/status`,
      'prl.replace principal-rate-limits/{id}',
      'prl.replace principal-rate-limits/{id}',
    ]);
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000131']);
    expect(orgs[ORGS.stage].status).toBe('INACTIVE');
    expect(orgs[ORGS.eu].status).toBe('ACTIVE');
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.sync)).toEqual([40, 40]);
    const check = await p.cli(['drift'], creds);
    expect(check.code).toBe(0);
    const plan = await p.terraform(['plan', '-no-color', '-input=false', '-detailed-exitcode'], creds);
    expect(plan.code).toBe(0);
  });

  it('reports a construct whose code changed since the deploy as not deployed yet, not as drift', async () => {
    const p = project();
    p.synth((stack) => {
      build()(stack);
      const account = stack.node.findChild('Account') as AerialAccount;
      new AerialOrg(stack, 'Dev', { account, orgId: ORGS.dev });
    });
    const r = await p.cli(['drift'], creds);
    expect(r.code).toBe(0);
    expect(lines(r, 'drift')).toContain(
      'Dev aerial-org not deployed yet: not in the Terraform state (the next deploy creates it)',
    );
    p.synth(build()); // back to the deployed code
  });
});

describe('okta-aerial drift with bad input: one clear line and exit 1', () => {
  let p: E2eProject;
  beforeAll(() => {
    p = newProject('bad');
  });

  it('names a missing synthesized app and the fix', async () => {
    const r = await p.cli(['drift', '--app', 'nowhere'], creds);
    expect(r.code).toBe(1);
    expect(r.output.trim()).toMatch(
      /^okta-aerial: no synthesized cdktf app in \S+nowhere .*run 'cdktf synth' first/,
    );
  });

  it('lists the stacks for an unknown stack, and asks for one when there are several', async () => {
    p.synth(build());
    const unknown = await p.cli(['drift', '--stack', 'other'], creds);
    expect(unknown.code).toBe(1);
    expect(unknown.output.trim()).toBe(
      `okta-aerial: stack 'other' is not in ${p.outdir}; its stacks are: bad`,
    );
    fs.mkdirSync(path.join(p.outdir, 'stacks', 'second'), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(p.outdir, 'manifest.json'), 'utf8'));
    manifest.stacks.second = { ...manifest.stacks.bad, name: 'second', workingDirectory: 'stacks/second' };
    fs.writeFileSync(path.join(p.outdir, 'manifest.json'), JSON.stringify(manifest));
    const several = await p.cli(['drift'], creds);
    expect(several.code).toBe(1);
    expect(several.output.trim()).toBe(
      `okta-aerial: ${p.outdir} has several stacks (bad, second); choose one with --stack <name>`,
    );
    const flag = await p.cli(['drift', '--colour'], creds);
    expect(flag.code).toBe(1);
    expect(flag.output).toMatch(/^okta-aerial: Unknown option '--colour'/);
  });

  it('names a missing credential and where to set it', async () => {
    const deployed = newProject('creds');
    deployed.synth(build());
    await deployed.init(creds);
    expect((await deployed.apply(creds)).code).toBe(0);
    const { OKTA_API_TOKEN_ACME_PROD: _token, ...without } = creds;
    const r = await deployed.cli(['drift'], { ...without, OKTA_API_TOKEN_ACME_PROD: '' });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe(
      `okta-aerial: environment variable OKTA_API_TOKEN_ACME_PROD (SSWS API token for ${creds.OKTA_ORG_URL_ACME_PROD}) ` +
        `is not set; export it in the environment that runs 'cdktf deploy' / 'terraform apply' / 'okta-aerial' ` +
        `(the stack only names the variable, it never stores its value)`,
    );
  });

  it('names an unreachable API', async () => {
    const gone = newProject('gone');
    gone.synth(build({ retryDeadlineMs: 2000 }));
    await gone.init(creds);
    expect((await gone.apply(creds)).code).toBe(0);
    // The API moves away (here: the emulator stops); the stack still points at it.
    const port = new URL(creds.OKTA_AERIAL_BASE_URL).port;
    await emu.stop();
    try {
      const r = await gone.cli(['drift'], creds);
      expect(r.code).toBe(1);
      const said = r.output
        .trim()
        .split('\n')
        .filter((l) => !l.includes('warning'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^okta-aerial: (listOrgs|listPrincipalRateLimits) .* failed after \d+ attempts: .*last failure: ECONNREFUSED/,
      );
      expect(said[0]).toContain(`Check that 127.0.0.1:${port} is reachable`);
    } finally {
      emu = await startTestEmulator({ quiet: true, port: Number(port) });
      creds = emu.credentials();
    }
  });
});

describe('a pipeline re-run after a deploy that recorded resources whose hooks never ran', () => {
  // What a deploy killed after Terraform saved its state leaves behind: every resource recorded as created,
  // and Okta untouched. Rendered here deterministically with a hook that does nothing, on an untouched Okta.
  beforeAll(async () => {
    await emu.stop();
    emu = await startTestEmulator({ quiet: true });
    creds = emu.credentials();
  });

  it('converges from a fresh checkout with the recipe: synth, drift --repair, deploy', async () => {
    const p = newProject('pipeline');
    p.synth(build(), { 'okta-aerial:hookCommand': 'true' });
    await p.init(creds);
    expect((await p.apply(creds)).code).toBe(0);
    {
      // The bug this guards against: without the read path the plan is clean and nothing is ever applied.
      p.freshCheckout(build());
      await p.init(creds);
      const blind = await p.terraform(['plan', '-no-color', '-input=false'], creds);
      expect(blind.output).toContain('No changes.');
      const r = await p.cli(['drift', '--repair'], creds);
      expect(r.code).toBe(0);
      // On an untouched Okta no org is linked and no rate limit exists: everything is missing.
      expect(lines(r, 'pipeline')).toContain('Eu aerial-org missing in Okta');
      expect(r.output).toContain(
        'drift: 7 constructs: 0 in sync, 0 drifted, 7 missing in Okta, 0 not deployed yet',
      );
      expect(r.output).toContain('repair: 7 config resources marked');
      const deployed = await p.apply(creds);
      if (deployed.code !== 0) throw new Error(deployed.output);
      const orgs = await remoteOrgs(emu);
      expect(orgs[ORGS.eu]).toMatchObject({
        linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID,
        status: 'ACTIVE',
      });
      expect(orgs[ORGS.prod].enabledProducts.sort()).toEqual(['P000052', 'P000131']);
      expect(limitOf(orgs[ORGS.prod], PRINCIPALS.ci)).toEqual([30, 20]);
      expect(limitOf(orgs[ORGS.prod], PRINCIPALS.sync)).toEqual([40, 40]);
      expect((await p.cli(['drift'], creds)).code).toBe(0);
      emu.reset();
      const clean = await p.apply(creds);
      expect(clean.output).toContain('No changes.');
      expect(emu.stats().totalRequests).toBe(0);
    }
  });
});
