/**
 * `okta-aerial plan` on the real Terraform against the emulator: after a deploy, a set of edits (a product
 * change, a percentage change, a status change, a key change under DESTROY, a removal, a policy-only change,
 * a principal from another resource) and out-of-band drift, the command says per construct what the next
 * deploy does in Okta, with the live values as "before"; the deploy then does exactly that; and the command
 * itself never writes to Okta.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TerraformStack } from 'cdktf';
import { DataResource } from 'cdktf';
import { closeClients } from '../../src/client';
import {
  AerialAccount,
  AerialOrg,
  OktaOrg,
  PrincipalRateLimit,
  ProductAssignment,
} from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import type { ConstructPlan, PlanStep, PlanSummary } from '../../src/cli/plan';
import {
  ORGS,
  PRINCIPALS,
  limitOf,
  outOfBandAerialClient,
  remoteOrgs,
  writes,
  type RemoteOrg,
  startTestEmulator,
} from './fixtures';
import { E2eProject, type RunResult } from './harness';

interface Variant {
  readonly prodProducts: string[];
  readonly stageStatus: 'ACTIVE' | 'INACTIVE';
  readonly ciPercent: [number, number];
  readonly opsPrincipal: [string, 'SSWS_TOKEN' | 'OAUTH_CLIENT'];
  readonly devProductsPolicy: 'RETAIN' | 'DESTROY';
  readonly withEu: boolean;
  /** Anything but the client id: a new input makes the stand-in's output (the principal) unknown at plan. */
  readonly syncAppLabel: string;
}

const V1: Variant = {
  prodProducts: ['P000052', 'P000131'],
  stageStatus: 'INACTIVE',
  ciPercent: [30, 20],
  opsPrincipal: [PRINCIPALS.ops, 'SSWS_TOKEN'],
  devProductsPolicy: 'RETAIN',
  withEu: true,
  syncAppLabel: 'User sync',
};

const V2: Variant = {
  prodProducts: ['P000052', 'P000131', 'P000139'], // a product change
  stageStatus: 'ACTIVE', // a status change
  ciPercent: [40, 20], // a percentage change
  opsPrincipal: [PRINCIPALS.scim, 'OAUTH_CLIENT'], // a key change; Ops is DESTROY
  devProductsPolicy: 'DESTROY', // a policy-only change
  withEu: false, // a removal (Eu and EuProducts)
  syncAppLabel: 'User sync v2', // the rate limit's principal is known only after apply
};

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

function build(v: Variant) {
  return (stack: TerraformStack): void => {
    const account = new AerialAccount(stack, 'Account', {
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
    });
    const prod = new AerialOrg(stack, 'Prod', { account, orgId: ORGS.prod, removalPolicy: 'DESTROY' });
    new ProductAssignment(stack, 'ProdProducts', { org: prod, productIds: v.prodProducts });
    const dev = new AerialOrg(stack, 'Dev', { account, orgId: ORGS.dev });
    new ProductAssignment(stack, 'DevProducts', {
      org: dev,
      productIds: ['P000052'],
      removalPolicy: v.devProductsPolicy,
    });
    new AerialOrg(stack, 'Stage', { account, orgId: ORGS.stage, status: v.stageStatus });
    if (v.withEu) {
      const eu = new AerialOrg(stack, 'Eu', { account, domain: 'acme-eu.okta.com', cell: 'eu1' });
      new ProductAssignment(stack, 'EuProducts', { org: eu, productIds: ['P000052', 'P001113'] });
    }
    const api = new OktaOrg(stack, 'ProdApi', {
      orgUrl: creds.OKTA_ORG_URL_ACME_PROD,
      apiTokenEnv: 'OKTA_API_TOKEN_ACME_PROD',
    });
    new PrincipalRateLimit(stack, 'Ci', {
      org: api,
      principalId: PRINCIPALS.ci,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: v.ciPercent[0],
      defaultConcurrencyPercentage: v.ciPercent[1],
    });
    new PrincipalRateLimit(stack, 'Ops', {
      org: api,
      principalId: v.opsPrincipal[0],
      principalType: v.opsPrincipal[1],
      defaultPercentage: 70,
      defaultConcurrencyPercentage: 60,
      removalPolicy: 'DESTROY',
    });
    // Stand-in for an okta_app_oauth (as in examples/composition): its output names the principal.
    const syncApp = new DataResource(stack, 'SyncApp', {
      input: { clientId: PRINCIPALS.sync, label: v.syncAppLabel },
    });
    new PrincipalRateLimit(stack, 'Sync', {
      org: api,
      principalId: syncApp.getStringAttribute('output.clientId'),
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 40,
      defaultConcurrencyPercentage: 40,
    });
  };
}

async function deploy(v: Variant, destroy = false): Promise<RunResult> {
  project.synth(build(v));
  await project.init(creds);
  const r = destroy ? await project.destroy(creds) : await project.apply(creds);
  if (r.code !== 0) throw new Error(`terraform ${destroy ? 'destroy' : 'apply'} failed:\n${r.output}`);
  return r;
}

interface PlanDoc {
  stack: string;
  mode: 'apply' | 'destroy';
  constructs: ConstructPlan[];
  otherResources: Array<{ address: string; actions: string[] }>;
  summary: PlanSummary;
}

/**
 * Runs `okta-aerial plan` (text and --json) and checks that neither made a write to Okta, nor changed
 * anything the emulator holds.
 */
async function plan(extra: string[] = []): Promise<{ text: RunResult; json: PlanDoc; lines: string[] }> {
  const before = await remoteOrgs(emu);
  emu.reset();
  // The saved plan goes into a private temporary folder, removed afterwards: look in a TMPDIR of our own.
  const tmp = path.join(project.dir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const env = { ...creds, TMPDIR: tmp };
  const text = await project.cli(['plan', ...extra], env);
  if (text.code !== 0) throw new Error(`okta-aerial plan failed (${text.code}):\n${text.output}`);
  const j = await project.cli(['plan', '--json', ...extra], env);
  if (j.code !== 0) throw new Error(`okta-aerial plan --json failed (${j.code}):\n${j.output}`);
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith('okta-aerial-plan-'))).toEqual([]);
  expect(writes(emu)).toEqual([]);
  expect(emu.log().length).toBeGreaterThan(0); // it did read Okta
  expect(await remoteOrgs(emu)).toEqual(before);
  const lines = text.output
    .trimEnd()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' '));
  return { text, json: JSON.parse(j.output) as PlanDoc, lines };
}

/** What the emulator holds for a step's object, in the shape of a step's before/after. */
function oktaState(orgs: Record<string, RemoteOrg>, object: string): Record<string, unknown> | null {
  let m = /^org (\w+)$/.exec(object);
  if (m) return orgs[m[1]]?.linkedAccountId ? { status: orgs[m[1]].status } : null;
  m = /^products of org (\w+)$/.exec(object);
  if (m) return orgs[m[1]]?.linkedAccountId ? { productIds: [...orgs[m[1]].enabledProducts].sort() } : null;
  m = /^rate limit of (\w+)$/.exec(object);
  if (m) {
    const l = limitOf(orgs[ORGS.prod], m[1]);
    return l ? { defaultPercentage: l[0], defaultConcurrencyPercentage: l[1] } : null;
  }
  throw new Error(`unexpected object '${object}'`);
}

function steps(doc: PlanDoc): PlanStep[] {
  return doc.constructs.flatMap((c) => c.steps);
}

function byName(doc: PlanDoc, name: string): ConstructPlan {
  const c = doc.constructs.find((x) => x.name === name);
  if (!c) throw new Error(`no construct ${name} in the plan`);
  return c;
}

const REPAIR = "run 'okta-aerial drift --repair' to repair it in this deploy";

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('plan');
});

afterAll(async () => {
  await closeClients();
  await emu?.stop();
  project?.cleanup();
});

describe('okta-aerial plan', () => {
  it('describes the first deploy of a stack (nothing in the state yet)', async () => {
    project.synth(build(V1)); // no 'terraform init' either: plan runs it, as on a pipeline's checkout
    const { lines, json } = await plan();
    expect(lines).toEqual([
      'Ci principal-rate-limit create rate limit 30%/20%',
      `Dev aerial-org link org ${ORGS.dev}, ACTIVE`,
      'DevProducts product-assignment products [] -> [P000052]',
      'Eu aerial-org link org acme-eu.okta.com (cell eu1), ACTIVE',
      'EuProducts product-assignment products [] -> [P000052, P001113]',
      // The ops token already has Okta's default entity: adopted, not created.
      'Ops principal-rate-limit adopt rate limit: 50%/50% -> 70%/60%',
      `Prod aerial-org link org ${ORGS.prod}, ACTIVE`,
      'ProdProducts product-assignment products [] -> [P000052, P000131]',
      `Stage aerial-org link org ${ORGS.stage}, INACTIVE`,
      'Sync principal-rate-limit create or adopt rate limit of (known after apply): 40%/40%',
      'other resources: terraform_data.SyncApp (create)',
      'plan: 10 constructs change in Okta, 0 drifted not repaired, 0 unchanged',
    ]);
    expect(json.constructs.map((c) => c.action)).toEqual(Array(10).fill('create'));
    const orgs = await remoteOrgs(emu);
    for (const s of steps(json).filter((x) => x.beforeFrom === 'okta')) {
      expect(oktaState(orgs, s.object)).toEqual(s.before);
    }
  });

  it('says "no change" for every construct right after a deploy', async () => {
    await deploy(V1);
    const { lines, json } = await plan();
    expect(lines).toEqual([
      'Ci principal-rate-limit no change',
      'Dev aerial-org no change',
      'DevProducts product-assignment no change',
      'Eu aerial-org no change',
      'EuProducts product-assignment no change',
      'Ops principal-rate-limit no change',
      'Prod aerial-org no change',
      'ProdProducts product-assignment no change',
      'Stage aerial-org no change',
      'Sync principal-rate-limit no change',
      'plan: 0 constructs change in Okta, 0 drifted not repaired, 10 unchanged',
    ]);
    expect(json.summary).toEqual({ change: 0, drifted: 0, unchanged: 10, removed: 0 });
    const detailed = await project.cli(['plan', '--detailed-exitcode'], creds);
    expect(detailed.code).toBe(0);
  });

  it('describes each edit and the drift in Okta terms, with the live values as "before"', async () => {
    // Out of band: acme-dev is deactivated and P000131 is disabled in acme-prod, straight through the API.
    const aerial = outOfBandAerialClient(creds);
    await aerial.setOrgStatus(ORGS.dev, 'INACTIVE');
    await aerial.setEnabledProducts(ORGS.prod, ['P000052']);
    project.synth(build(V2));

    const { lines, json, text } = await plan();
    expect(lines).toEqual([
      'Ci principal-rate-limit 30%/20% -> 40%/20%',
      `Dev aerial-org drifted: status ACTIVE -> INACTIVE in Okta; ${REPAIR}`,
      'DevProducts product-assignment no change in Okta (removal policy RETAIN -> DESTROY)',
      'Eu aerial-org removed from the stack: left as it is in Okta (no hook runs)',
      'EuProducts product-assignment removed from the stack: left as it is in Okta (no hook runs)',
      `Ops principal-rate-limit old rate limit of ${PRINCIPALS.ops}: reset 70%/60% -> 50%/50% (DESTROY); ` +
        `new: create rate limit of ${PRINCIPALS.scim}: 70%/60%`,
      'Prod aerial-org no change',
      // The live set is the "before", not the last deployed one ([P000052, P000131]).
      'ProdProducts product-assignment products [P000052] -> [P000052, P000131, P000139]',
      'Stage aerial-org status INACTIVE -> ACTIVE',
      `Sync principal-rate-limit old rate limit of ${PRINCIPALS.sync}: retained (RETAIN); ` +
        'new: create or adopt rate limit of (known after apply): 40%/40%',
      'other resources: terraform_data.SyncApp (update)',
      'plan: 5 constructs change in Okta, 1 drifted not repaired, 2 unchanged, ' +
        '2 removed from the stack (left as they are in Okta)',
    ]);
    expect(text.code).toBe(0);
    expect((await project.cli(['plan', '--detailed-exitcode'], creds)).code).toBe(2);

    // --json: the same, structured; every "before" read from Okta is what the emulator holds now.
    expect(json).toMatchObject({ stack: 'plan', mode: 'apply' });
    expect(json.summary).toEqual({ change: 5, drifted: 1, unchanged: 2, removed: 2 });
    expect(json.otherResources).toEqual([{ address: 'terraform_data.SyncApp', actions: ['update'] }]);
    expect(byName(json, 'Dev')).toMatchObject({
      action: 'drifted',
      okta: 'no change',
      drift: { status: 'drifted', fields: [{ field: 'status', desired: 'ACTIVE', live: 'INACTIVE' }] },
    });
    expect(byName(json, 'Ops')).toMatchObject({
      action: 'replace',
      okta: 'changes',
      terraform: { identity: ['delete', 'create'], config: ['delete', 'create'] },
      steps: [
        { phase: 'destroy', operation: 'reset', removalPolicy: 'DESTROY', writes: true },
        { phase: 'apply', operation: 'create', absent: true, writes: true },
      ],
    });
    expect(byName(json, 'Sync')).toMatchObject({
      action: 'replace',
      okta: 'may change',
      steps: [{ operation: 'retain' }, { writes: 'unknown', unknown: ['principalId'] }],
    });
    expect(byName(json, 'Eu')).toMatchObject({ action: 'remove', okta: 'no change', steps: [] });
    const orgs = await remoteOrgs(emu);
    const observed = steps(json).filter((s) => s.beforeFrom === 'okta' || s.absent);
    expect(observed.length).toBe(5);
    for (const s of observed) expect(oktaState(orgs, s.object)).toEqual(s.before ?? null);
  });

  it('shows a construct marked by drift --repair as repaired by the next deploy', async () => {
    const repair = await project.cli(['drift', '--repair'], creds);
    expect(repair.output).toMatch(/^repair: 1 config resource marked for replacement/m);
    // A pipeline's next job: a fresh checkout where only the Terraform state survives (plan runs init).
    project.freshCheckout(build(V2));
    const { lines, json } = await plan();
    expect(lines).toContain('Dev aerial-org repair: status INACTIVE -> ACTIVE');
    expect(byName(json, 'Dev')).toMatchObject({
      action: 'repair',
      okta: 'changes',
      terraform: { config: ['delete', 'create'], reason: 'replace_because_tainted' },
    });
    expect(lines[lines.length - 1]).toBe(
      'plan: 6 constructs change in Okta, 0 drifted not repaired, 2 unchanged, ' +
        '2 removed from the stack (left as they are in Okta)',
    );
  });

  it('is what the deploy then does in Okta', async () => {
    const { json } = await plan();
    emu.reset();
    await deploy(V2);
    expect(writes(emu)).toEqual([
      `aerial.setProducts orgs/${ORGS.prod}/products`,
      `aerial.setStatus orgs/${ORGS.dev}/status`,
      `aerial.setStatus orgs/${ORGS.stage}/status`,
      'prl.create principal-rate-limits',
      'prl.replace principal-rate-limits/{id}',
      'prl.replace principal-rate-limits/{id}',
    ]);
    // Every planned "after" the plan knew is what Okta holds now; what it left alone is unchanged.
    const orgs = await remoteOrgs(emu);
    const known = steps(json).filter((s) => s.after && !s.object.includes('(known after apply)'));
    expect(known.length).toBe(6);
    for (const s of known) expect(oktaState(orgs, s.object)).toEqual(s.after);
    expect(orgs[ORGS.eu]).toMatchObject({ linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID, status: 'ACTIVE' });
    expect(orgs[ORGS.eu].enabledProducts.sort()).toEqual(['P000052', 'P001113']);
    expect(limitOf(orgs[ORGS.prod], PRINCIPALS.sync)).toEqual([40, 40]);

    const again = await plan(['--detailed-exitcode']);
    expect(again.text.code).toBe(0);
    expect(again.lines[again.lines.length - 1]).toBe(
      'plan: 0 constructs change in Okta, 0 drifted not repaired, 8 unchanged',
    );
  });

  it('--destroy says what cdktf destroy does per removal policy, and destroy does that', async () => {
    const { lines, json } = await plan(['--destroy']);
    expect(lines).toEqual([
      'Ci principal-rate-limit destroy: retained (RETAIN)',
      'Dev aerial-org destroy: retained (RETAIN)',
      'DevProducts product-assignment destroy: disable [P000052] (DESTROY): products [P000052] -> []',
      'Ops principal-rate-limit destroy: reset 70%/60% -> 50%/50% (DESTROY)',
      'Prod aerial-org destroy: status ACTIVE -> INACTIVE (DESTROY)',
      'ProdProducts product-assignment destroy: retained (RETAIN)',
      'Stage aerial-org destroy: retained (RETAIN)',
      'Sync principal-rate-limit destroy: retained (RETAIN)',
      'other resources: terraform_data.SyncApp (destroy)',
      'destroy plan: 3 constructs change in Okta, 0 drifted not repaired, 5 unchanged',
    ]);
    expect(json.mode).toBe('destroy');
    const before = await remoteOrgs(emu);
    emu.reset();
    await deploy(V2, true);
    expect(writes(emu)).toEqual([
      `aerial.setProducts orgs/${ORGS.dev}/products`,
      `aerial.setStatus orgs/${ORGS.prod}/status`,
      'prl.replace principal-rate-limits/{id}',
    ]);
    const orgs = await remoteOrgs(emu);
    for (const s of steps(json)) {
      expect(oktaState(orgs, s.object)).toEqual(s.after ?? oktaState(before, s.object));
    }
  });
});
