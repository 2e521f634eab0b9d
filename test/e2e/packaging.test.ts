/**
 * The published package in a user's own app, on both CDK for Terraform lines: the library is packed
 * (`npm pack`, as published), installed from the tarball into a scratch cdktf 0.21 app and a scratch
 * CDK Terrain (cdktn 0.24) app with no npm overrides, and the multi-org example is synthesized, deployed
 * with the real terraform against the emulator, and destroyed in each. The library brings no copy of
 * cdktf, cdktn or constructs of its own (they are peer dependencies).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { ORGS, remoteOrgs } from './fixtures';
import { REPO_ROOT, baseEnv, run } from './harness';

const LINES = [
  { cdk: 'cdktf', dependencies: { cdktf: '0.21.0', constructs: '10.8.1' } },
  { cdk: 'cdktn', dependencies: { cdktn: '0.24.0', constructs: '10.7.0' } },
] as const;

let root: string;
let tarball: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-pack-'));
  // What a publish ships. lib/ is built by `npm test` before jest starts; rebuilding it here (prepack) could
  // change files under other test files that are running from lib/ at the same time.
  if (!fs.existsSync(path.join(REPO_ROOT, 'lib', 'index.js'))) throw new Error('run npm run build first');
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', root, '--silent'], {
    cwd: REPO_ROOT,
    env: baseEnv(),
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  tarball = path.join(root, packed.output.trim().split('\n').pop()!.trim());
  expect(fs.existsSync(tarball)).toBe(true);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.each(LINES)('in a scratch $cdk app', ({ cdk, dependencies }) => {
  let emu: RunningEmulator;
  let app: string;

  beforeAll(async () => {
    emu = await startEmulator({ quiet: true });
    app = path.join(root, cdk);
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: `scratch-${cdk}`,
        private: true,
        dependencies: { ...dependencies, 'cdktf-okta-aerial': `file:${tarball}` },
      }),
    );
    const installed = await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app, env: baseEnv() });
    if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.output}`);
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it('installs with one copy of the CDK and of constructs, the app’s own', () => {
    const lib = path.join(app, 'node_modules', 'cdktf-okta-aerial');
    expect(fs.existsSync(path.join(lib, 'lib', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(lib, 'LICENSE'))).toBe(true);
    for (const nested of ['constructs', 'cdktf', 'cdktn']) {
      expect(fs.existsSync(path.join(lib, 'node_modules', nested))).toBe(false);
    }
    // A cdktn app gets no cdktf through this library (the null provider is an optional peer).
    if (cdk === 'cdktn') expect(fs.existsSync(path.join(app, 'node_modules', 'cdktf'))).toBe(false);
  });

  it('synthesizes, deploys and destroys the multi-org example with the real terraform', async () => {
    const creds = emu.credentials();
    const main = path.join(app, 'main.js');
    fs.writeFileSync(
      main,
      [
        `const { App, LocalBackend } = require('${cdk}');`,
        "const { buildMultiOrgStack } = require('cdktf-okta-aerial/examples/multi-org/stack.js');",
        "const app = new App({ outdir: 'cdktf.out' });",
        "const stack = buildMultiOrgStack(app, 'multi-org');",
        `new LocalBackend(stack, { path: ${JSON.stringify(path.join(app, 'state.tfstate'))} });`,
        'app.synth();',
      ].join('\n'),
    );
    const env = { ...baseEnv(), ...creds, OKTA_AERIAL_AGENT_DIR: path.join(app, '.agent') };
    fs.mkdirSync(env.OKTA_AERIAL_AGENT_DIR, { mode: 0o700 });
    const synth = await run(process.execPath, [main], { cwd: app, env });
    if (synth.code !== 0) throw new Error(`synth failed:\n${synth.output}`);
    const stackDir = path.join(app, 'cdktf.out', 'stacks', 'multi-org');
    const tf = (args: string[]) =>
      run('terraform', [...args, '-input=false', '-no-color'], { cwd: stackDir, env });
    expect((await tf(['init'])).code).toBe(0);
    const deployed = await tf(['apply', '-auto-approve']);
    if (deployed.code !== 0) throw new Error(`apply failed:\n${deployed.output}`);
    expect(deployed.output).toContain(
      `okta-aerial: aerial-org 'multi-org/AcmeProd': linked org ${ORGS.prod}`,
    );
    const orgs = await remoteOrgs(emu);
    expect(orgs[ORGS.prod]).toMatchObject({
      linkedAccountId: creds.OKTA_AERIAL_ACCOUNT_ID,
      status: 'ACTIVE',
    });
    expect(orgs[ORGS.stage]).toMatchObject({ status: 'INACTIVE' });
    const destroyed = await tf(['apply', '-destroy', '-auto-approve']);
    expect(destroyed.code).toBe(0);
    expect(destroyed.output).toContain('retained (removalPolicy RETAIN); no API call');
  });
});
