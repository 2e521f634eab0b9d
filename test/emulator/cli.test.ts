/** The `okta-aerial emulator` binary: one JSON line when ready, credentials, clean exit on SIGTERM. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { buildLib } from '../build-lib';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'okta-aerial.js');

describe('okta-aerial emulator (CLI)', () => {
  let child: ChildProcess | undefined;

  beforeAll(() => {
    buildLib('emulator/server.js'); // the binary runs lib/
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints exactly one JSON line, serves credentials, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    rl.on('line', (l) => lines.push(l));
    const ready = JSON.parse(first);
    expect(ready).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      pid: child.pid,
      admin: `${ready.url}/__admin`,
    });

    const out = execFileSync(process.execPath, [BIN, 'emulator', 'credentials', '--url', ready.url], {
      encoding: 'utf8',
    });
    expect(out).toContain(`export OKTA_AERIAL_EMULATOR_URL='${ready.url}'`);
    expect(out).toContain("export OKTA_AERIAL_ACCOUNT_ID='0227demoaerialaccount000001'");
    expect(out).toMatch(/export OKTA_AERIAL_PRIVATE_KEY='-----BEGIN PRIVATE KEY-----\n/);
    const env = execFileSync(
      'bash',
      ['-c', `eval "$1"; printf %s "$OKTA_AERIAL_KEY_ID|$OKTA_ORG_URL_ACME_PROD"`, 'x', out],
      {
        encoding: 'utf8',
      },
    );
    expect(env).toBe(`demo-key-1|${ready.url}/orgs/acme-prod`);

    const code = await new Promise<number | null>((resolve) => {
      child!.once('exit', (c) => resolve(c));
      child!.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(lines).toEqual([]);
  });

  it('persists state on SIGINT and refuses bad --faults JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    try {
      const state = join(dir, 'state.json');
      const c = spawn(
        process.execPath,
        [BIN, 'emulator', '--port', '0', '--state', state, '--faults', '{"rate5xx":0}'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      await new Promise<void>((resolve) =>
        createInterface({ input: c.stdout! }).once('line', () => resolve()),
      );
      const code = await new Promise<number | null>((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGINT');
      });
      expect(code).toBe(0);
      expect(JSON.parse(readFileSync(state, 'utf8')).format).toBe('okta-aerial-emulator-state');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [BIN, 'emulator', '--faults', '{"rate429":7}'], { stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toContain('faults.rules[0].rate429: must be 0..1');
  });

  it('restarted with a changed --seed and the same --state, says what it added and what it left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-merge-'));
    /** Starts the emulator with `args`, stops it once ready; its stderr. */
    const startStop = async (args: string[]): Promise<string> => {
      const c = spawn(process.execPath, [BIN, 'emulator', '--port', '0', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: c.stdout! }).once('line', () => resolve());
        c.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
      });
      const code = await new Promise<number | null>((resolve) => {
        c.removeAllListeners('exit');
        c.once('exit', resolve);
        c.kill('SIGTERM');
      });
      expect(code).toBe(0);
      return stderr;
    };
    try {
      const { demoSeed } = await import('../../src/emulator');
      const state = join(dir, 'state.json');
      const first = demoSeed();
      first.orgs.push({ id: '00oLegacyOrg00000001', domain: 'acme-legacy.okta.com', cell: 'ok1' });
      writeFileSync(join(dir, 'first.json'), JSON.stringify(first));
      expect(await startStop(['--seed', join(dir, 'first.json'), '--state', state])).toBe('');
      const second = demoSeed();
      second.orgs.push({ id: '00oAcmeNewOrg0000001', domain: 'acme-new.okta.com', cell: 'ok1' });
      second.orgs.push({ id: '00oClashingOrg000001', domain: 'acme-legacy.okta.com', cell: 'ok1' });
      writeFileSync(join(dir, 'second.json'), JSON.stringify(second));
      const said = await startStop(['--seed', join(dir, 'second.json'), '--state', state]);
      expect(said.trim().split('\n')).toEqual([
        `okta-aerial emulator: ${state} exists; added from the seed: org acme-new.okta.com (00oAcmeNewOrg0000001)`,
        `okta-aerial emulator: ${state} exists; warning: left out of the seed: org acme-legacy.okta.com ` +
          '(00oClashingOrg000001): the state has org 00oLegacyOrg00000001 at acme-legacy.okta.com',
      ]);
      // Nothing new the next time.
      const again = await startStop(['--seed', join(dir, 'second.json'), '--state', state]);
      expect(again).toContain('left out of the seed');
      expect(again).not.toContain('added from the seed');
      expect(await startStop(['--state', state])).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('listens on 8787 by default, the port `emulator credentials` asks by default', async () => {
    // 8787 is a shared machine's port: when something else holds it, this test cannot say anything.
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer()
        .once('error', () => resolve(false))
        .listen(8787, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (!free) {
      console.warn('skipped: port 8787 is in use on this machine');
      return;
    }
    const c = spawn(process.execPath, [BIN, 'emulator', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: c.stdout! }).once('line', resolve);
        c.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      expect(JSON.parse(first).url).toBe('http://127.0.0.1:8787');
      const env = { ...process.env };
      delete env.OKTA_AERIAL_EMULATOR_URL;
      const out = execFileSync(process.execPath, [BIN, 'emulator', 'credentials'], { encoding: 'utf8', env });
      expect(out).toContain("export OKTA_AERIAL_EMULATOR_URL='http://127.0.0.1:8787'");
    } finally {
      if (c.exitCode === null && c.signalCode === null)
        await new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        });
    }
  });

  it('credentials waits for an emulator that is still starting (started in the background a moment later)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const creds = spawn(
      process.execPath,
      [BIN, 'emulator', 'credentials', '--url', `http://127.0.0.1:${port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    creds.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<number | null>((resolve) => creds.once('exit', resolve));
    // Start the emulator only once credentials has found nothing there and says it waits.
    await new Promise<void>((resolve, reject) => {
      let err = '';
      creds.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes(`waiting for the emulator at http://127.0.0.1:${port} to start`)) resolve();
      });
      creds.once('exit', (code) => reject(new Error(`credentials exited (${code}) before waiting:\n${err}`)));
    });
    const emu = spawn(process.execPath, [BIN, 'emulator', '--port', String(port), '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      expect(await done).toBe(0);
      expect(out).toContain(`export OKTA_AERIAL_EMULATOR_URL='http://127.0.0.1:${port}'`);
    } finally {
      if (emu.exitCode === null && emu.signalCode === null)
        await new Promise<void>((resolve) => {
          emu.once('exit', () => resolve());
          emu.kill('SIGTERM');
        });
    }
  });

  it('creates a missing --state folder, private to the user (0700)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    try {
      const state = join(dir, '.okta-aerial', 'nested', 'emulator.json');
      const c = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--quiet', '--state', state], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: c.stdout! }).once('line', () => resolve());
        c.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const code = await new Promise<number | null>((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(existsSync(state)).toBe(true);
      expect(statSync(join(dir, '.okta-aerial')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, '.okta-aerial', 'nested')).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints usage for --help and refuses unknown options with exit code 2', () => {
    const help = execFileSync(process.execPath, [BIN, 'emulator', '--help'], { encoding: 'utf8' });
    expect(help).toContain('okta-aerial emulator credentials');
    let status = 0;
    try {
      execFileSync(process.execPath, [BIN, 'emulator', '--bogus'], { stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
