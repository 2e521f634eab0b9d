/**
 * `okta-aerial import` and `okta-aerial show` against an estate no stack ever made (52 linked orgs, over 100
 * principal rate limits of both types, all from the emulator's seed), through the real CLI. The round trip:
 * the generated TypeScript app is compiled with the project's typescript (strict), run so that it
 * synthesizes, deployed with the real terraform against the same emulator with ZERO API writes, and then
 * `okta-aerial drift` reports every construct in sync.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMPORT_USAGE } from '../../src/cli/import-command';
import { SHOW_USAGE } from '../../src/cli/show-command';
import { loadSynthesizedStack } from '../../src/cli/synthesized-stack';
import { DEMO, demoSeed, type EmulatorSeed, type RunningEmulator, type SeedOrg } from '../../src/emulator';
import { SCOPES } from '../../src/contract';
import { secretValues, writes, startTestEmulator } from './fixtures';
import { E2eProject, REPO_ROOT, baseEnv, run } from './harness';

// ---------------------------------------------------------------------------------------------------
// The estate: built programmatically, linked in the seed (no stack created any of it).

const LINKED = 52;
/** Orgs given with --org-url (org 0 has more than one page of 50 SSWS_TOKEN entities). */
const API_ORGS = [0, 1, 2, 3, 4, 5];
/** An org with rate limits but no --org-url: they are not imported. */
const UNREAD_ORG = 6;
const PRODUCT_SETS = [['P000131', 'P000052'], [], ['P001113', 'P000052', 'P000139', 'P000131'], ['P000139']];
const CELLS = ['ok1', 'ok2', 'eu1', 'ok1'];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const orgIdOf = (i: number): string => `00oEstateOrg${pad(i, 8)}`;
/** Subdomains, with a few that test the naming: a clash (estate-001 / estate0-01), a keyword, a digit. */
const subdomainOf = (i: number): string =>
  i === 49 ? '9lives' : i === 50 ? 'estate0-01' : i === 51 ? 'new' : `estate-${pad(i, 3)}`;
const labelOf = (i: number): string => subdomainOf(i).toUpperCase().replace(/-/g, '_');
const adminOf = (i: number): string => `00TEst${pad(i, 3)}Admin00000`;

function entities(i: number): NonNullable<SeedOrg['rateLimits']> {
  const [tokens, apps] = i === 0 ? [55, 6] : [5, 4];
  const pct = (p: number, k: number): number => 1 + ((p * k + i * 7) % 100);
  const out: NonNullable<SeedOrg['rateLimits']> = [];
  for (let p = 1; p <= tokens; p++) {
    out.push({
      principalId: `00TEst${pad(i, 3)}Tok${pad(p, 5)}`,
      principalType: 'SSWS_TOKEN',
      // One entity Okta holds but a PrincipalRateLimit cannot declare (0 is outside 1..100): left out, said why.
      defaultPercentage: i === 1 && p === 1 ? 0 : pct(p, 13),
      defaultConcurrencyPercentage: pct(p, 17),
    });
  }
  for (let p = 1; p <= apps; p++) {
    out.push({
      principalId: `0oaEst${pad(i, 3)}App${pad(p, 5)}`,
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: pct(p, 29),
      defaultConcurrencyPercentage: pct(p, 31),
    });
  }
  return out;
}

/** The demo seed (its Aerial org, unlinked orgs, an org of another account) plus the estate. */
function estateSeed(): EmulatorSeed {
  const seed = demoSeed();
  const orgs: SeedOrg[] = [];
  for (let i = 0; i < LINKED + 3; i++) {
    const withLimits = API_ORGS.includes(i) || i === UNREAD_ORG;
    const limits = withLimits ? entities(i) : [];
    const linked = i < LINKED;
    orgs.push({
      id: orgIdOf(i),
      domain: `${subdomainOf(i)}.okta.com`,
      ...(i === 7 ? { name: `Estate "Seven" O'Brien` } : {}),
      cell: CELLS[i % CELLS.length],
      status: i % 4 === 3 ? 'INACTIVE' : 'ACTIVE',
      createdDate: '2024-06-01T08:00:00.000Z',
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      // The last three are on the contract but not linked: they must not appear anywhere.
      linkedAccountId: linked ? DEMO.accountId : null,
      enabledProducts: linked ? PRODUCT_SETS[i % PRODUCT_SETS.length] : [],
      principals: [
        { id: adminOf(i), type: 'SSWS_TOKEN' as const },
        // A principal without an entity: nothing to import for it.
        { id: `0oaEst${pad(i, 3)}NoLimit00`, type: 'OAUTH_CLIENT' as const },
        ...limits.map((e) => ({ id: e.principalId, type: e.principalType })),
      ],
      apiTokens: [{ principalId: adminOf(i) }],
      clients: [{ clientId: DEMO.orgClientId, scopes: [SCOPES.principalRateLimitsRead] }],
      rateLimits: limits,
    });
  }
  return { ...seed, orgs: [...seed.orgs, ...orgs] };
}

// ---------------------------------------------------------------------------------------------------

interface StateOrg {
  id: string;
  domain: string;
  cell: string;
  status: string;
  aerialOrg: boolean;
  linkedAccountId?: string;
  deleted: boolean;
  url: string;
  enabledProducts: string[];
  rateLimits: {
    principalId: string;
    principalType: string;
    defaultPercentage: number;
    defaultConcurrencyPercentage: number;
  }[];
}
interface State {
  accounts: { id: string; name: string; subscribedProducts: { id: string; name: string }[] }[];
  orgs: StateOrg[];
}

interface Construct {
  type: string;
  id: string;
  props: Record<string, unknown> & { org?: { ref: string }; account?: { ref: string } };
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

beforeAll(async () => {
  emu = await startTestEmulator({ seed: estateSeed(), quiet: true });
  creds = emu.credentials();
  project = new E2eProject('okta');
});

afterAll(async () => {
  await emu?.stop();
  project?.cleanup();
});

/** Runs the real CLI in the project folder; stdout and stderr apart (import writes code to stdout). */
function cli(args: string[], env: NodeJS.ProcessEnv = { ...baseEnv(), ...creds }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/okta-aerial.js'), ...args], {
      cwd: project.dir,
      env: { ...env, OKTA_AERIAL_AGENT_DIR: project.agentDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The account connection, as a user would pass it for the emulator. */
function accountFlags(): string[] {
  return [
    '--account-id',
    creds.OKTA_AERIAL_ACCOUNT_ID,
    '--base-url',
    creds.OKTA_AERIAL_BASE_URL,
    '--token-url',
    creds.OKTA_AERIAL_TOKEN_URL,
    '--client-id',
    creds.OKTA_AERIAL_CLIENT_ID,
  ];
}

const orgUrlFlags = (): string[] =>
  API_ORGS.flatMap((i) => ['--org-url', creds[`OKTA_ORG_URL_${labelOf(i)}`]]);
/** One SSWS token per org, named by {LABEL} as the emulator's credentials name them. */
const sswsFlags = (): string[] => [
  ...accountFlags(),
  ...orgUrlFlags(),
  '--api-token-env',
  'OKTA_API_TOKEN_{LABEL}',
];

async function state(): Promise<State> {
  return (await (await fetch(`${emu.url}/__admin/state`)).json()) as State;
}

/** The orgs linked to the demo account, the Aerial org included. */
async function linkedOrgs(): Promise<StateOrg[]> {
  return (await state()).orgs.filter((o) => o.linkedAccountId === DEMO.accountId && !o.deleted);
}

const requests = (route: string): number =>
  Object.values(emu.stats().byRoute[route] ?? {}).reduce((a, b) => a + b, 0);
const declarable = (e: StateOrg['rateLimits'][number]): boolean =>
  e.defaultPercentage >= 1 && e.defaultConcurrencyPercentage >= 1;
const limitLine = (url: string, e: StateOrg['rateLimits'][number]): string =>
  `${url} ${e.principalType} ${e.principalId} ${e.defaultPercentage}/${e.defaultConcurrencyPercentage}`;

describe('okta-aerial import', () => {
  it('--format json declares exactly the live estate, reading in batches and writing nothing', async () => {
    emu.reset();
    const r = await cli(['import', ...sswsFlags(), '--format', 'json', '--out', 'estate.json']);
    expect(r.stderr).toMatch(
      /^okta-aerial: wrote estate\.json: 52 orgs, 52 product sets, \d+ principal rate limits of 6 orgs$/m,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(fs.readFileSync(path.join(project.dir, 'estate.json'), 'utf8')) as {
      format: string;
      stack: string;
      account: { id: string; name: string };
      subscribedProducts: { id: string; name: string }[];
      constructs: Construct[];
      notImported: { kind: string; orgId?: string; principalId?: string; reason: string }[];
    };
    const linked = await linkedOrgs();
    const st = await state();
    expect(linked.length).toBe(LINKED + 1);
    expect(doc).toMatchObject({
      format: 'okta-aerial-import',
      stack: 'okta',
      account: { id: DEMO.accountId, name: 'Acme Demo' },
    });
    expect(doc.subscribedProducts).toEqual(
      st.accounts.find((a) => a.id === DEMO.accountId)!.subscribedProducts,
    );

    const byId = new Map(doc.constructs.map((c) => [c.id, c]));
    const ids = doc.constructs.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(byId.get('Account')?.props).toEqual({
      accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
      clientId: creds.OKTA_AERIAL_CLIENT_ID,
      privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
      keyIdEnv: 'OKTA_AERIAL_KEY_ID',
    });

    // Every linked org but the Aerial org, by id with its status; its products, sorted.
    const orgIdOfConstruct = new Map(
      doc.constructs.filter((c) => c.type === 'AerialOrg').map((c) => [c.id, c.props.orgId as string]),
    );
    const declaredOrgs = doc.constructs
      .filter((c) => c.type === 'AerialOrg')
      .map((c) => `${c.props.orgId} ${c.props.status}`)
      .sort();
    const managed = linked.filter((o) => !o.aerialOrg);
    expect(declaredOrgs).toEqual(managed.map((o) => `${o.id} ${o.status}`).sort());
    const declaredProducts = doc.constructs
      .filter((c) => c.type === 'ProductAssignment')
      .map((c) => `${orgIdOfConstruct.get(c.props.org!.ref)} ${(c.props.productIds as string[]).join(',')}`)
      .sort();
    expect(declaredProducts).toEqual(
      managed.map((o) => `${o.id} ${[...o.enabledProducts].sort().join(',')}`).sort(),
    );

    // Every usable rate-limit entity of the orgs given with --org-url, both principal types, with both percentages.
    const urlOf = new Map(
      doc.constructs.filter((c) => c.type === 'OktaOrg').map((c) => [c.id, c.props.orgUrl]),
    );
    const declaredLimits = doc.constructs
      .filter((c) => c.type === 'PrincipalRateLimit')
      .map((c) =>
        limitLine(String(urlOf.get(c.props.org!.ref)), c.props as unknown as StateOrg['rateLimits'][number]),
      )
      .sort();
    const apiOrgs = API_ORGS.map((i) => st.orgs.find((o) => o.id === orgIdOf(i))!);
    const live = apiOrgs
      .flatMap((o) => o.rateLimits.filter(declarable).map((e) => limitLine(o.url, e)))
      .sort();
    expect(live.length).toBeGreaterThanOrEqual(100);
    expect(declaredLimits).toEqual(live);
    expect(new Set(declaredLimits.map((l) => l.split(' ')[1]))).toEqual(
      new Set(['SSWS_TOKEN', 'OAUTH_CLIENT']),
    );
    // Secrets by name only, one token variable per org.
    for (const c of doc.constructs.filter((c) => c.type === 'OktaOrg')) {
      expect(c.props.apiTokenEnv).toMatch(/^OKTA_API_TOKEN_[A-Z0-9_]+$/);
      expect(creds[c.props.apiTokenEnv as string]).toBeDefined();
    }

    // Ids follow the subdomain; the two orgs whose names clash both get their org id; a keyword is fine as an id.
    expect(ids).toEqual(
      expect.arrayContaining(['Estate002', 'Estate002Products', 'Estate002Api', 'New', 'Org9lives']),
    );
    expect(ids).toEqual(expect.arrayContaining([`Estate001${orgIdOf(1)}`, `Estate001${orgIdOf(50)}`]));
    expect(ids).toContain('Estate000Limit00TEst000Tok00001');

    // What is left out, and why.
    expect(doc.notImported).toContainEqual(
      expect.objectContaining({ kind: 'aerial-org', orgId: DEMO.aerialOrgId }),
    );
    expect(doc.notImported).toContainEqual(
      expect.objectContaining({ kind: 'rate-limit', principalId: '00TEst001Tok00001' }),
    );
    const unread = doc.notImported.filter((n) => n.kind === 'rate-limits').map((n) => n.orgId);
    expect(unread.sort()).toEqual(
      managed
        .filter((o) => !API_ORGS.some((i) => orgIdOf(i) === o.id))
        .map((o) => o.id)
        .sort(),
    );
    expect(unread).toContain(orgIdOf(UNREAD_ORG));
    expect(r.stderr).toMatch(
      /^okta-aerial: note: rate limits not imported for 46 orgs without an --org-url: /m,
    );
    expect(r.stderr).toMatch(
      /^okta-aerial: note: the Aerial org 00oDemoAerialOrg0001 \(acme-aerial\.okta\.com\) is not declared: /m,
    );
    // Nothing that is not linked to the account.
    const text = JSON.stringify(doc);
    for (const o of st.orgs.filter((o) => o.linkedAccountId !== DEMO.accountId))
      expect(text).not.toContain(o.id);

    // Read in batches through the shared client; not one write.
    expect(requests('aerial.listOrgs')).toBe(Math.ceil(linked.length / 100));
    expect(requests('aerial.getProducts')).toBe(linked.length);
    expect(requests('aerial.listSubscribedProducts')).toBe(1);
    const pages = apiOrgs.flatMap((o) =>
      ['SSWS_TOKEN', 'OAUTH_CLIENT'].map((t) =>
        Math.max(1, Math.ceil(o.rateLimits.filter((e) => e.principalType === t).length / 50)),
      ),
    );
    expect(requests('prl.list')).toBe(pages.reduce((a, b) => a + b, 0));
    expect(emu.stats().maxInFlight[`production/${DEMO.accountId}`]).toBeLessThanOrEqual(10);
    expect(emu.stats().tokensIssued[DEMO.aerialClientId] ?? 0).toBeLessThanOrEqual(1);
    expect(writes(emu)).toEqual([]);
    expect(emu.stats().writes).toBe(0);
  });

  it('--format ts writes an app that compiles, synthesizes, deploys with zero writes and is in sync', async () => {
    emu.reset();
    const gen = await cli(['import', ...sswsFlags(), '--out', 'main.ts']);
    expect(gen.stderr).toMatch(/^okta-aerial: wrote main\.ts: /m);
    expect(gen.code).toBe(0);
    const text = fs.readFileSync(path.join(project.dir, 'main.ts'), 'utf8');
    expect(text).toContain("import { App, TerraformStack } from 'cdktf';\n");
    expect(text).toContain(
      "import { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } from 'cdktf-okta-aerial';\n",
    );
    expect(text).toContain("const stack = new TerraformStack(app, 'okta');\n");
    expect(text).toMatch(/\napp\.synth\(\);\n$/);
    expect(text).toMatch(
      /^\/\/ - the Aerial org 00oDemoAerialOrg0001 \(acme-aerial\.okta\.com\): it is the account's own Aerial/m,
    );
    expect(text).toContain("    'P000052', // IT Products - SSO\n    'P000131', // IT Products - MFA\n");
    expect(text).toContain(
      `// estate-007.okta.com: "Estate "Seven" O'Brien", cell ok1, created 2024-06-01\n`,
    );
    expect(text).toContain("const newOrg = new AerialOrg(stack, 'New', {");
    for (const secret of secretValues(creds)) expect(text).not.toContain(secret);
    // Stable, and stdout carries nothing but the code.
    const piped = await cli(['import', ...sswsFlags()]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(text);
    expect(writes(emu)).toEqual([]);

    // Compile it as it is, strict, with this project's typescript; 'cdktf-okta-aerial' is this repository.
    const modules = path.join(project.dir, 'node_modules');
    fs.mkdirSync(modules);
    fs.symlinkSync(REPO_ROOT, path.join(modules, 'cdktf-okta-aerial'), 'dir');
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules/cdktf'), path.join(modules, 'cdktf'), 'dir');
    fs.writeFileSync(
      path.join(project.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          lib: ['ES2022'],
          strict: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          noImplicitReturns: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['main.ts'],
      }),
    );
    const tsc = await run(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      {
        cwd: project.dir,
        env: baseEnv(),
      },
    );
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    // Run it: it synthesizes the stack 'okta' into ./cdktf.out (default local backend: ./terraform.okta.tfstate).
    const synth = await run(process.execPath, ['main.js'], { cwd: project.dir, env: baseEnv() });
    expect(synth.output).toBe('');
    expect(synth.code).toBe(0);
    const stack = loadSynthesizedStack(project.outdir, 'okta');
    const constructs = stack.constructs.length;
    expect(constructs).toBe(
      (text.match(/new (AerialOrg|ProductAssignment|PrincipalRateLimit)\(/g) ?? []).length,
    );
    expect(constructs).toBeGreaterThanOrEqual(52 + 52 + 100);

    // Deploy with the real terraform: every apply hook runs, finds Okta as declared, and writes nothing.
    await project.init(creds);
    emu.reset();
    const apply = await project.apply(creds, ['-parallelism=20']);
    if (apply.code !== 0) throw new Error(apply.output.slice(-4000));
    expect(writes(emu)).toEqual([]);
    expect(emu.stats().writes).toBe(0);
    expect((apply.output.match(/nothing to change/g) ?? []).length).toBe(constructs);
    expect(fs.existsSync(path.join(project.dir, 'terraform.okta.tfstate'))).toBe(true);

    // And drift, from the project folder, finds every construct in sync.
    emu.reset();
    const drift = await project.cli(['drift', '--app', project.outdir], creds);
    expect(drift.output).toMatch(
      new RegExp(
        `^drift: ${constructs} constructs: ${constructs} in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet$`,
        'm',
      ),
    );
    expect(drift.code).toBe(0);
    expect(writes(emu)).toEqual([]);
  });

  it('never overwrites a file', async () => {
    const file = path.join(project.dir, 'existing.ts');
    fs.writeFileSync(file, 'keep me\n');
    emu.reset();
    const r = await cli(['import', ...sswsFlags(), '--out', 'existing.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'okta-aerial: existing.ts already exists and import never overwrites a file; pass another --out, or move existing.ts away first\n',
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(emu.stats().totalRequests).toBe(0);
  });

  it('prints its usage with --help', async () => {
    const r = await cli(['import', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(IMPORT_USAGE);
  });
});

describe('okta-aerial show', () => {
  /** The orgs given with --org-url, reached with OAuth this time (the org's service app, its key by name). */
  const oauthFlags = (): string[] => [
    ...accountFlags(),
    ...orgUrlFlags(),
    '--org-client-id',
    DEMO.orgClientId,
  ];

  it('shows the account as tables, read only', async () => {
    emu.reset();
    const r = await cli(['show', ...oauthFlags()]);
    expect(r.code).toBe(0);
    const st = await state();
    const linked = await linkedOrgs();
    expect(r.stdout).toMatch(
      new RegExp(`^Aerial account ${DEMO.accountId} \\(Acme Demo\\) at ${creds.OKTA_AERIAL_BASE_URL}$`, 'm'),
    );
    for (const p of st.accounts.find((a) => a.id === DEMO.accountId)!.subscribedProducts) {
      expect(r.stdout).toMatch(new RegExp(`^  ${p.id}  ${p.name}$`, 'm'));
    }
    expect(r.stdout).toContain(`Linked orgs (${linked.length})\n`);
    for (const o of linked) {
      const products = [...o.enabledProducts].sort().join(', ') || 'none';
      const row = `^  ${o.id}  ${o.domain.replace(/\./g, '\\.')} +${o.cell} +${o.status} +${products}`;
      expect(r.stdout).toMatch(
        new RegExp(`${row}${o.aerialOrg ? "  \\(the account's Aerial org\\)" : ''}$`, 'm'),
      );
    }
    for (const i of API_ORGS) {
      const o = st.orgs.find((x) => x.id === orgIdOf(i))!;
      expect(r.stdout).toContain(`  ${o.domain} (${o.url}): ${o.rateLimits.length}\n`);
      for (const e of o.rateLimits) {
        expect(r.stdout).toMatch(
          new RegExp(
            `^    ${e.principalType} +${e.principalId} +${e.defaultPercentage}% +${e.defaultConcurrencyPercentage}%$`,
            'm',
          ),
        );
      }
    }
    expect(r.stdout).toMatch(/^ {2}not read for 47 orgs without --org-url: /m);
    expect(emu.stats().tokensIssued[DEMO.orgClientId]).toBeGreaterThanOrEqual(1); // OAuth really used
    expect(writes(emu)).toEqual([]);
    expect(emu.stats().writes).toBe(0);
  });

  it('--json is the same estate as one document', async () => {
    emu.reset();
    const r = await cli(['show', ...oauthFlags(), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      account: { id: string; name: string; baseUrl: string };
      subscribedProducts: { id: string; name: string }[];
      orgs: {
        id: string;
        domain: string;
        cell: string;
        status: string;
        aerialOrg: boolean;
        products: { id: string; name: string }[];
        orgUrl: string | null;
        rateLimits: StateOrg['rateLimits'] | null;
      }[];
      otherOrgUrls: unknown[];
    };
    const st = await state();
    const subscribed = st.accounts.find((a) => a.id === DEMO.accountId)!.subscribedProducts;
    const names = new Map(subscribed.map((p) => [p.id, p.name]));
    expect(doc.account).toEqual({
      id: DEMO.accountId,
      name: 'Acme Demo',
      baseUrl: creds.OKTA_AERIAL_BASE_URL,
      environment: 'production',
    });
    expect(doc.subscribedProducts).toEqual(subscribed);
    const shown = (o: StateOrg) => {
      const api = API_ORGS.some((i) => orgIdOf(i) === o.id);
      return {
        id: o.id,
        domain: o.domain,
        cell: o.cell,
        status: o.status,
        aerialOrg: o.aerialOrg,
        products: [...o.enabledProducts].sort().map((id) => ({ id, name: names.get(id) })),
        orgUrl: api ? o.url : null,
        rateLimits: api
          ? o.rateLimits
              .map(
                (e) =>
                  `${e.principalType} ${e.principalId} ${e.defaultPercentage}/${e.defaultConcurrencyPercentage}`,
              )
              .sort()
          : null,
      };
    };
    const got = doc.orgs.map((o) => ({
      id: o.id,
      domain: o.domain,
      cell: o.cell,
      status: o.status,
      aerialOrg: o.aerialOrg,
      products: o.products,
      orgUrl: o.orgUrl,
      rateLimits: o.rateLimits
        ? o.rateLimits
            .map(
              (e) =>
                `${e.principalType} ${e.principalId} ${e.defaultPercentage}/${e.defaultConcurrencyPercentage}`,
            )
            .sort()
        : null,
    }));
    expect(got).toEqual((await linkedOrgs()).map(shown).sort((a, b) => (a.domain < b.domain ? -1 : 1)));
    expect(doc.otherOrgUrls).toEqual([]);
    expect(writes(emu)).toEqual([]);
    expect(emu.stats().writes).toBe(0);
  });

  it('prints its usage with --help', async () => {
    const r = await cli(['show', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(SHOW_USAGE);
  });
});

describe('bad input: one line, the fix, and no request', () => {
  const without = (flags: string[], name: string): string[] => {
    const i = flags.indexOf(name);
    return [...flags.slice(0, i), ...flags.slice(i + 2)];
  };
  const replaced = (flags: string[], name: string, value: string): string[] =>
    flags.map((f, i) => (flags[i - 1] === name ? value : f));
  const withCreds = (): NodeJS.ProcessEnv => ({ ...baseEnv(), ...creds });
  const noKey = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...baseEnv(), ...creds };
    delete env.OKTA_AERIAL_PRIVATE_KEY;
    return env;
  };

  it.each<[string, string, () => string[], number, RegExp, () => NodeJS.ProcessEnv]>([
    [
      'import',
      'no --account-id',
      () => without(accountFlags(), '--account-id'),
      2,
      /^--account-id is missing; pass the Aerial account id/,
      withCreds,
    ],
    [
      'show',
      'a bad environment',
      () => [...without(accountFlags(), '--base-url'), '--environment', 'prod'],
      2,
      /^--environment is 'prod'; use 'production' or 'sandbox'$/,
      withCreds,
    ],
    [
      'import',
      'both --base-url and --environment',
      () => [...accountFlags(), '--environment', 'sandbox'],
      2,
      /^--base-url and --environment are both set; pass one/,
      withCreds,
    ],
    [
      'import',
      'a base URL that is not https',
      () => replaced(accountFlags(), '--base-url', 'http://aerial.example.com'),
      2,
      /^--base-url 'http:\/\/aerial\.example\.com' is not allowed; use an https url \(http only for 127\.0\.0\.1, ::1 or localhost\)$/,
      withCreds,
    ],
    [
      'import',
      'an unknown format',
      () => [...accountFlags(), '--format', 'yaml'],
      2,
      /^--format is 'yaml'; use 'ts'/,
      withCreds,
    ],
    [
      'import',
      'a missing private key',
      accountFlags,
      1,
      /^environment variable OKTA_AERIAL_PRIVATE_KEY \(private key of service app 0oaDemoAerialClient01 for Aerial account 0227demoaerialaccount000001\) is not set; /,
      noKey,
    ],
    [
      'show',
      'a missing org token',
      () => [
        ...accountFlags(),
        '--org-url',
        creds.OKTA_ORG_URL_ESTATE_000,
        '--api-token-env',
        'OKTA_API_TOKEN_NOPE',
      ],
      1,
      /^environment variable OKTA_API_TOKEN_NOPE \(SSWS API token for http:\/\/127\.0\.0\.1:\d+\/orgs\/estate-000\) is not set; /,
      withCreds,
    ],
  ])('%s with %s', async (command, _what, flags, code, message, env) => {
    emu.reset();
    const r = await cli([command, ...flags()], env());
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(r.stderr.trimEnd().replace(/^okta-aerial: /, '')).toMatch(message);
    expect(r.code).toBe(code);
    expect(emu.stats().totalRequests).toBe(0);
  });
});
