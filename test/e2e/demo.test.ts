/**
 * The README's main command, `npm run demo`: the real `cdktf deploy` of examples/multi-org against the
 * emulator, run in a scratch copy of the project so it never touches the developer's own demo state.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, baseEnv, run } from './harness';

let dir: string;
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
}

function demo(...args: string[]) {
  return run(process.execPath, [path.join(dir, 'scripts/demo.js'), ...args], {
    cwd: dir,
    env: {
      ...baseEnv(),
      OKTA_AERIAL_DEMO_PORT: String(port),
      OKTA_AERIAL_AGENT_DIR: path.join(dir, '.agent'),
    },
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-demo-'));
  for (const name of ['cdktf.json', 'package.json', 'terraform.rc']) {
    fs.copyFileSync(path.join(REPO_ROOT, name), path.join(dir, name));
  }
  fs.cpSync(path.join(REPO_ROOT, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
  for (const name of ['node_modules', 'lib', 'bin', 'examples']) {
    fs.symlinkSync(path.join(REPO_ROOT, name), path.join(dir, name));
  }
  port = await freePort();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('deploys the multi-org example with cdktf and prints the account', async () => {
    const r = await demo();
    expect(r.code).toBe(0);
    expect(r.output).toContain('Apply complete!');
    expect(r.output).toMatch(/00oDemoAcmeProd00001\s+acme-prod\.okta\.com\s+ACTIVE\s+products \[P000052/);
    expect(r.output).toMatch(/00oDemoAcmeStage0001\s+acme-stage\.okta\.com\s+INACTIVE/);
    expect(r.output).toContain('npm run demo -- destroy');
  });

  it('changes nothing when run again', async () => {
    const r = await demo();
    expect(r.code).toBe(0);
    expect(r.output).toContain('No changes.');
    expect(r.output).not.toMatch(/okta-aerial: .*(linked|->)/);
  });

  it('destroys with the retain policy and starts over on reset', async () => {
    const destroyed = await demo('destroy');
    expect(destroyed.code).toBe(0);
    expect(destroyed.output).toContain('retained (removalPolicy RETAIN); no API call');
    const reset = await demo('reset');
    expect(reset.code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.okta-aerial'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'terraform.multi-org.tfstate'))).toBe(false);
    // ...and the next demo starts from scratch: the orgs are linked again.
    const again = await demo();
    expect(again.code).toBe(0);
    expect(again.output).toContain('linked org 00oDemoAcmeProd00001');
  });

  it('refuses an unknown action with its usage', async () => {
    const r = await demo('deploy-everything');
    expect(r.code).toBe(2);
    expect(r.output).toContain('usage: npm run demo');
  });
});
