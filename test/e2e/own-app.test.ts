/**
 * The published package in a user's own app, created the way each CDK for Terraform line's CLI creates
 * one, following the README's "Install into your own app" and "Run a stack written for Okta against the
 * emulator" steps: `cdktf init` (cdktf 0.21) on Node 22 and `cdktn init` (CDK Terrain 0.24) on Node 24,
 * the packed tarball installed with no npm overrides, a stack written for real Okta (Okta's URLs, no
 * emulator settings in the code) synthesized, deployed with the real terraform against the emulator seeded
 * from the app (`okta-aerial emulator --app`), and destroyed. The library brings no copy of cdktf, cdktn
 * or constructs of its own (they are peer dependencies).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { remoteOrgs } from './fixtures';
import { REPO_ROOT, baseEnv, run } from './harness';
import { NODE_VERSIONS, nodeBinDir } from './node-versions';

const INIT_FLAGS = [
  'init',
  '--template=typescript',
  '--local',
  '--project-name=okta-app',
  '--project-description=okta',
  '--enable-crash-reporting=false',
  '--providers=',
];

const LINES = [
  {
    cdk: 'cdktf',
    // cdktf-cli 0.21 (archived) has no node-pty build for Node 24's ABI: 22 is the newest it runs on.
    node: NODE_VERSIONS[22],
    // The CLI this repository develops with (cdktf-cli 0.21), as `npx cdktf-cli@0.21` would run it.
    cli: [path.join(REPO_ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf')],
  },
  { cdk: 'cdktn', node: NODE_VERSIONS[24], cli: ['npx', '--yes', 'cdktn-cli@0.24.0'] },
] as const;

/** The README's smallest stack, written for real Okta: nothing in it names the emulator. */
function mainTs(cdk: string): string {
  return `import { Construct } from 'constructs';
import { App, TerraformStack } from '${cdk}';
import { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } from 'cdktf-okta-aerial';

class OktaStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const account = new AerialAccount(this, 'Account', {
      accountId: '0227acmeaerialaccount000001',
      aerialOrgDomain: 'acme-aerial.okta.com',
      clientId: '0oaAcmeAerialDeploy1',
    });
    const prod = new AerialOrg(this, 'Prod', { account, domain: 'acme-prod.okta.com', cell: 'ok1' });
    new ProductAssignment(this, 'ProdProducts', { org: prod, productIds: ['P000052', 'P000131'] });
    const prodApi = new OktaOrg(this, 'ProdApi', { orgUrl: 'https://acme-prod.okta.com' });
    new PrincipalRateLimit(this, 'CiToken', {
      org: prodApi,
      principalId: '00TAcmeCiToken000001',
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 30,
      defaultConcurrencyPercentage: 20,
    });
  }
}

const app = new App();
new OktaStack(app, 'okta');
app.synth();
`;
}

/** Parses `export NAME='value'` lines (what `eval` would set). */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\'')*)'$/gm))
    env[m[1]] = m[2].replace(/'\\''/g, "'");
  return env;
}

let root: string;
let tarball: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-own-app-'));
  // What a publish ships. lib/ is built by `npm test` before jest starts; rebuilding it here (prepack) could
  // change files under other test files that are running from lib/ at the same time.
  if (!fs.existsSync(path.join(REPO_ROOT, 'lib', 'index.js'))) throw new Error('run npm run build first');
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', root, '--silent'], {
    cwd: REPO_ROOT,
    env: baseEnv(),
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  tarball = path.join(root, packed.output.trim().split('\n').pop()!.trim());
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.each(LINES)('in an app made by `$cdk init`', ({ cdk, node, cli }) => {
  const app = (): string => path.join(root, cdk);
  let env: NodeJS.ProcessEnv;
  let emulator: ChildProcess | undefined;

  const sh = async (cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await run(cmd, args, { cwd: app(), env: { ...env, ...extra } });
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r.output;
  };
  const cdkCli = (args: string[], extra?: NodeJS.ProcessEnv) =>
    cli[0] === 'npx' ? sh('npx', [...cli.slice(1), ...args], extra) : sh('node', [...cli, ...args], extra);

  beforeAll(async () => {
    const bin = await nodeBinDir(node);
    // Agents started by the deploys exit soon after (they would otherwise idle for a minute).
    env = {
      ...baseEnv(),
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      OKTA_AERIAL_AGENT_IDLE_MS: '2000',
    };
    delete env.OKTA_AERIAL_NO_AGENT;
    fs.mkdirSync(app());
    env.OKTA_AERIAL_AGENT_DIR = path.join(root, `${cdk}-agent`);
    fs.mkdirSync(env.OKTA_AERIAL_AGENT_DIR, { mode: 0o700 });
    await cdkCli(INIT_FLAGS);
  });

  afterAll(async () => {
    // npx does not pass a signal on to the emulator it runs: stop the whole process group, and wait (the
    // emulator saves its state on SIGTERM) before the folder goes.
    if (emulator && emulator.exitCode === null && emulator.signalCode === null)
      await new Promise<void>((resolve) => {
        emulator!.once('exit', () => resolve());
        process.kill(-emulator!.pid!, 'SIGTERM');
      });
  });

  it(`installs on Node ${node} with no override and one copy of the CDK and of constructs`, async () => {
    expect((await sh('node', ['--version'])).trim()).toBe(`v${node}`);
    // README: npm install cdktf-okta-aerial (here: the packed tarball) and TypeScript 5.9.
    await sh('npm', ['install', '--no-audit', '--no-fund', tarball, 'typescript@~5.9.0']);
    const lib = path.join(app(), 'node_modules', 'cdktf-okta-aerial');
    expect(fs.existsSync(path.join(lib, 'LICENSE'))).toBe(true);
    for (const nested of ['constructs', 'cdktf', 'cdktn'])
      expect(fs.existsSync(path.join(lib, 'node_modules', nested))).toBe(false);
    // A cdktn app gets no cdktf through this library (the null provider is an optional peer).
    if (cdk === 'cdktn') expect(fs.existsSync(path.join(app(), 'node_modules', 'cdktf'))).toBe(false);
    const pkg = JSON.parse(fs.readFileSync(path.join(app(), 'package.json'), 'utf8'));
    expect(pkg.overrides).toBeUndefined();
  });

  it('synthesizes a stack written for Okta, deploys it against the emulator seeded from the app, destroys it', async () => {
    fs.writeFileSync(path.join(app(), 'main.ts'), mainTs(cdk));
    await cdkCli(['synth']);

    // README: npx okta-aerial emulator --app cdktf.out &   then   eval "$(npx okta-aerial emulator credentials --app cdktf.out)"
    const state = path.join(app(), '.okta-aerial', 'emulator.json'); // a folder that does not exist yet
    emulator = spawn(
      'npx',
      ['okta-aerial', 'emulator', '--app', 'cdktf.out', '--port', '0', '--state', state],
      {
        cwd: app(),
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      emulator!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      emulator!.on('exit', (code) => reject(new Error(`the emulator exited (${code}):\n${out}`)));
    });
    const creds = parseExports(
      await sh('npx', ['okta-aerial', 'emulator', 'credentials', '--app', 'cdktf.out', '--url', url]),
    );
    expect(creds.OKTA_AERIAL_ENDPOINT_URL).toBe(url);
    expect(Object.keys(creds)).toEqual(
      expect.arrayContaining(['OKTA_AERIAL_PRIVATE_KEY', 'OKTA_AERIAL_KEY_ID', 'OKTA_API_TOKEN']),
    );

    const deployed = await cdkCli(['deploy', '--auto-approve'], creds);
    expect(deployed).toMatch(/aerial-org 'okta\/Prod': linked org acme-prod\.okta\.com \(cell ok1\)/);
    expect(deployed).toContain('created as');
    const prod = Object.values(await remoteOrgs({ url })).find((o) => o.domain === 'acme-prod.okta.com')!;
    expect(prod).toMatchObject({ linkedAccountId: '0227acmeaerialaccount000001', status: 'ACTIVE' });
    expect([...prod.enabledProducts].sort()).toEqual(['P000052', 'P000131']);
    expect(prod.rateLimits).toEqual([
      expect.objectContaining({
        principalId: '00TAcmeCiToken000001',
        defaultPercentage: 30,
        defaultConcurrencyPercentage: 20,
      }),
    ]);

    const destroyed = await cdkCli(['destroy', '--auto-approve'], creds);
    expect(destroyed).toContain('retained (removalPolicy RETAIN); no API call');
  });
});
