/**
 * The thin hook path, with the built CLI (bin/okta-aerial.js, lib/ built once here), real agent processes
 * and the emulator: a hook process loads next to nothing and the agent runs its handler, with the output
 * and exit codes of the full path; an agent killed or stopped mid-hook, or a hook killed mid-run, loses
 * nothing and does nothing twice; NODE_EXTRA_CA_CERTS moved aside by a hook command is given back to
 * whatever needs TLS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { rootCertificates } from 'node:tls';
import { agentLocation } from '../../src/client/agent/agent-client';
import { startAgentServer } from '../../src/client/agent/agent-server';
import { MAX_SOCKET_PATH_BYTES } from '../../src/client/agent/paths';
import { OPEN_TIMEOUT_MS } from '../../src/client/agent/session';
import { connectionKey } from '../../src/client/connection';
import type { RunningEmulator } from '../../src/emulator';
import { relativeHookCommand } from '../../src/constructs/lifecycle';
import { agentHookRunner } from '../../src/hook/agent-hooks';
import {
  ANSWER_TIMEOUT_MS,
  CA_CERTS_ASIDE,
  hookEnvironment,
  MAX_SOCKET_BYTES,
  thinAgentBox,
  thinAgentSocket,
} from '../../src/hook/thin-hook';
import { buildLib } from '../build-lib';
import { aerialConnection, emulator } from './helpers';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'okta-aerial.js');

/** Modules a thin hook process may load: the launcher, the thin entry and the five small modules it uses. */
const THIN_MODULES = [
  'bin/okta-aerial.js',
  'lib/hook/thin-hook.js',
  'lib/client/version.js',
  'lib/client/agent/hook-box.js',
  'lib/client/agent/network-env.js',
  'lib/common/env.js',
  'lib/common/spec-json.js',
].sort();

interface HookRun {
  code: number | null;
  out: string;
  err: string;
  /** What each process of the hook recorded at exit (the hook, and a child it ran), in order. */
  processes: { ca: string | null; modules: string[] }[];
}

describe('thin hook path', () => {
  let emu: RunningEmulator;
  let base: string;
  let preload: string;
  const agents: number[] = [];

  /** A fresh private agent folder. */
  const newDir = (): string => {
    const d = mkdtempSync(join(base, 'a'));
    chmodSync(d, 0o700);
    return d;
  };

  const account = () => {
    const c = emu.credentials();
    return {
      accountId: c.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: c.OKTA_AERIAL_BASE_URL,
      tokenUrl: c.OKTA_AERIAL_TOKEN_URL,
      clientId: c.OKTA_AERIAL_CLIENT_ID,
      privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
      keyIdEnv: 'OKTA_AERIAL_KEY_ID',
      dpop: false,
      maxConcurrency: 10,
      deadlineMs: 60_000,
    };
  };
  const orgSpec = (orgId: string, path = 'thin/Org') =>
    JSON.stringify({
      v: 1,
      kind: 'aerial-org',
      path,
      removalPolicy: 'RETAIN',
      account: account(),
      org: { orgId },
      status: 'ACTIVE',
      requestDeletion: false,
    });

  /**
   * The hook as Terraform runs it, in a given agent folder; each of its processes records what it loaded.
   * `shellCommand`: a hook command as the stack renders it, run by sh as Terraform's local-exec runs it.
   */
  const hook = (
    dir: string,
    extra: NodeJS.ProcessEnv,
    onSpawn?: (child: ChildProcess) => void,
    shellCommand?: string,
  ): Promise<HookRun> => {
    const record = join(dir, '..', `${relative(base, dir)}-${Math.random().toString(36).slice(2)}.jsonl`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...emu.credentials(),
      OKTA_AERIAL_AGENT_DIR: dir,
      TEST_RECORD: record,
      ...extra,
    };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return new Promise((resolve) => {
      const child = shellCommand
        ? spawn('/bin/sh', ['-c', shellCommand], { env, cwd: base, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, ['-r', preload, BIN, 'hook', 'apply'], {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      onSpawn?.(child);
      child.on('close', (code) => {
        const processes = existsSync(record)
          ? readFileSync(record, 'utf8')
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as { ca: string | null; modules: string[] })
          : [];
        resolve({ code, out, err, processes });
      });
    });
  };

  /** Asks the agent on a socket for its pid (undefined when none answers). */
  const agentPid = (socket: string): Promise<number | undefined> =>
    new Promise((resolve) => {
      const s = connect(socket);
      s.once('error', () => resolve(undefined));
      s.once('connect', () => s.write('{"id":1,"t":"ping"}\n'));
      s.setEncoding('utf8');
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) {
          s.destroy();
          resolve((JSON.parse(buf.split('\n')[0]) as { pid?: number }).pid);
        }
      });
    });

  /** Requests the agent runs now for the demo account (its shared counters). */
  const inFlightAt = (socket: string): Promise<number> =>
    new Promise((resolve) => {
      const key = connectionKey({ kind: 'aerial', conn: aerialConnection(emu) });
      const s = connect(socket);
      s.once('error', () => resolve(0));
      s.once('connect', () => s.write(`${JSON.stringify({ id: 1, t: 'counters', key })}\n`));
      s.setEncoding('utf8');
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) {
          s.destroy();
          const r = JSON.parse(buf.split('\n')[0]) as { ok: boolean; counters?: { inFlight?: number } };
          resolve((r.ok && r.counters?.inFlight) || 0);
        }
      });
    });

  const until = async (what: () => Promise<boolean> | boolean): Promise<void> => {
    while (!(await what())) await new Promise((r) => setTimeout(r, 20));
  };

  /** A folder whose agent runs (started by a first hook, which links `orgId`); that agent's pid. */
  const runningAgent = async (orgId = '00oDemoAcmeProd00001'): Promise<{ dir: string; pid: number }> => {
    const dir = newDir();
    const first = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec(orgId) });
    expect(first.code).toBe(0);
    const pid = await agentPid(agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket);
    expect(pid).toBeGreaterThan(0);
    agents.push(pid!);
    return { dir, pid: pid! };
  };

  const loaded = (r: HookRun, i = 0): string[] =>
    r.processes[i].modules
      .filter((m) => m !== preload)
      .map((m) => relative(ROOT, m))
      .sort();

  /** The org links the emulator answered since its last reset. */
  const linkOrgs = () => emu.log().filter((e) => e.route === 'aerial.linkOrg');

  beforeAll(async () => {
    buildLib('hook/thin-hook.js');
    base = mkdtempSync(join(tmpdir(), 'oa-thin-'));
    preload = join(base, 'record.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('fs').appendFileSync(process.env.TEST_RECORD, JSON.stringify({
         ca: process.env.NODE_EXTRA_CA_CERTS ?? null, modules: Object.keys(require.cache) }) + '\\n'));`,
    );
    emu = await emulator();
  }, 120_000);

  afterAll(async () => {
    for (const pid of agents) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await emu.stop();
    rmSync(base, { recursive: true, force: true });
  });

  afterEach(() => emu.setFaults({ rules: [] }));

  it('finds the socket the agent listens on, and waits as long as the full path does', async () => {
    const env = { OKTA_AERIAL_AGENT_DIR: newDir() };
    writeFileSync(agentLocation(env).socket, ''); // a file: not taken as a socket
    expect(thinAgentSocket(env)).toBeUndefined();
    rmSync(agentLocation(env).socket);
    // The socket the full path names, for a plain environment, a bundle moved aside and a proxy.
    for (const extra of [
      {},
      { NODE_EXTRA_CA_CERTS: '', [CA_CERTS_ASIDE]: '/etc/ca.pem' },
      { HTTPS_PROXY: 'http://p:1' },
    ]) {
      const withExtra = { ...env, ...extra };
      const server = createServer();
      await new Promise<void>((r) => server.listen(agentLocation(withExtra).socket, r));
      try {
        expect(thinAgentSocket(withExtra)).toBe(agentLocation(withExtra).socket);
        expect(thinAgentSocket({ ...withExtra, NO_PROXY: 'elsewhere' })).toBeUndefined();
      } finally {
        await new Promise((r) => server.close(r));
      }
    }
    expect(ANSWER_TIMEOUT_MS).toBe(OPEN_TIMEOUT_MS);
    expect(MAX_SOCKET_BYTES).toBe(MAX_SOCKET_PATH_BYTES);
  });

  it('hands the agent the spec and the variables it names, and no other variable', () => {
    const spec = orgSpec('00oDemoAcmeProd00001');
    const picked = hookEnvironment({
      OKTA_AERIAL_SPEC: spec,
      OKTA_AERIAL_PRIVATE_KEY: 'key',
      OKTA_AERIAL_KEY_ID: 'kid',
      OKTA_AERIAL_DEBUG: '1',
      OKTA_API_TOKEN: 'not named by this spec',
      HOME: '/root',
    });
    expect(picked).toEqual({
      OKTA_AERIAL_SPEC: spec,
      OKTA_AERIAL_PRIVATE_KEY: 'key',
      OKTA_AERIAL_KEY_ID: 'kid',
      OKTA_AERIAL_DEBUG: '1',
      // Where the hook runs: the stack folder, for the deploy-time claims the agent makes for it.
      OKTA_AERIAL_HOOK_DIR: process.cwd(),
    });
  });

  it('finds the variables a spec string names too (jsonencode of the terraform_data input)', () => {
    const spec = JSON.stringify(orgSpec('00oDemoAcmeProd00001'));
    const picked = hookEnvironment({ OKTA_AERIAL_SPEC: spec, OKTA_AERIAL_PRIVATE_KEY: 'key', HOME: '/root' });
    expect(picked.OKTA_AERIAL_PRIVATE_KEY).toBe('key');
    expect(picked.HOME).toBeUndefined();
  });

  it('loads only the thin entry in the hook process and prints what the full path prints', async () => {
    const { dir, pid } = await runningAgent();
    const other = newDir();
    const cases: [string, NodeJS.ProcessEnv][] = [
      ['nothing to change', { OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') }],
      ['a spec that is not JSON', { OKTA_AERIAL_SPEC: '{nope' }],
      ['an invalid spec', { OKTA_AERIAL_SPEC: JSON.stringify({ v: 1, kind: 'aerial-org' }) }],
      [
        'a missing credential',
        { OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001'), OKTA_AERIAL_PRIVATE_KEY: undefined },
      ],
      ["Okta's error", { OKTA_AERIAL_SPEC: orgSpec('00oDemoNoConsent0001') }],
    ];
    for (const [what, env] of cases) {
      const thin = await hook(dir, env);
      const full = await hook(other, { ...env, OKTA_AERIAL_NO_AGENT: '1' });
      // errorIds differ from call to call
      const same = (s: string) => s.replace(/errorId \w+/g, 'errorId X');
      expect({ what, code: thin.code, out: thin.out, err: same(thin.err) }).toEqual({
        what,
        code: full.code,
        out: full.out,
        err: same(full.err),
      });
      expect(thin.processes).toHaveLength(1);
      expect(loaded(thin)).toEqual(THIN_MODULES);
      expect(loaded(full)).toContain('lib/cli/hook-command.js');
    }
    expect(await agentPid(agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket)).toBe(pid);
    // The requests went through the box's FIFO, never to disk; each hook removed its output file.
    const box = thinAgentBox({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir })!;
    expect(readdirSync(box).sort()).toEqual(['in', 'pid']);
    expect(lstatSync(join(box, 'in')).isFIFO()).toBe(true);
  });

  it('runs the hook again in its own process when the agent is killed during a read, and converges', async () => {
    const { dir, pid } = await runningAgent();
    const socket = agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket;
    const orgId = '00oDemoAcmeEu0000001';
    emu.setFaults({ rules: [{ route: 'aerial.getOrg', latencyMs: 1_500 }] });
    emu.reset();
    let killed = false;
    const r = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec(orgId) }, () => {
      void until(async () => (await inFlightAt(socket)) > 0).then(() => {
        process.kill(pid, 'SIGKILL');
        killed = true;
      });
    });
    expect(killed).toBe(true);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`linked org ${orgId}`);
    expect(linkOrgs()).toHaveLength(1);
    const newPid = await agentPid(socket);
    expect(newPid).toBeGreaterThan(0);
    expect(newPid).not.toBe(pid);
    agents.push(newPid!);
  });

  it('fails like a hook whose agent died mid-POST, and sends the POST once, when the agent is killed during it', async () => {
    const { dir, pid } = await runningAgent();
    const socket = agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket;
    const orgId = '00oDemoAcmeDev000001';
    emu.setFaults({ rules: [{ route: 'aerial.linkOrg', latencyMs: 1_500 }] });
    emu.reset();
    const r = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec(orgId) }, () => {
      // The read that comes first has been answered; what is in flight now is the POST.
      void until(
        async () => emu.log().some((e) => e.route === 'aerial.getOrg') && (await inFlightAt(socket)) > 0,
      ).then(() => process.kill(pid, 'SIGKILL'));
    });
    expect(r.code).toBe(1);
    const flat = r.err.replace(/\s+/g, ' ');
    expect(flat).toContain(`okta-aerial: apply failed for aerial-org 'thin/Org': linkOrg ${orgId}`);
    expect(flat).toContain('The deploy agent went away while the call was in flight, so it may have run');
    expect(flat).toContain('re-run the deploy');
    expect(r.processes).toHaveLength(1);
    expect(loaded(r)).toEqual(THIN_MODULES); // it did not run the hook again
    await until(() => linkOrgs().length > 0);
    expect(linkOrgs()).toHaveLength(1);
  });

  it('starts an agent of its own for a hook whose network environment differs, and leaves the other one be', async () => {
    const { dir, pid } = await runningAgent();
    // Loopback stays unproxied whatever proxy the machine sets.
    const other = { NO_PROXY: '127.0.0.1,localhost,changed.invalid' };
    const second = await hook(dir, { ...other, OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    const otherPid = await agentPid(
      agentLocation({ ...process.env, ...other, OKTA_AERIAL_AGENT_DIR: dir }).socket,
    );
    expect(otherPid).toBeGreaterThan(0);
    agents.push(otherPid!);
    expect(otherPid).not.toBe(pid);
    if (existsSync(`/proc/${otherPid}/environ`))
      expect(readFileSync(`/proc/${otherPid}/environ`, 'utf8').split('\0')).toContain(
        `NO_PROXY=${other.NO_PROXY}`,
      );
    // A hook with the first environment still takes the thin path to the first agent.
    expect(await agentPid(agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket)).toBe(pid);
    const third = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
    expect(third.code).toBe(0);
    expect(third.processes).toHaveLength(1);
    expect(loaded(third)).toEqual(THIN_MODULES);
  });

  it('replaces an agent that takes the hook but does not answer (SIGSTOP), with one warning', async () => {
    const { dir, pid } = await runningAgent();
    const socket = agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir }).socket;
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
      expect(r.code).toBe(0);
      expect(r.out).toContain('nothing to change');
      expect(r.err.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^okta-aerial: warning: the deploy agent at \S+ did not answer within \d+ s \(stopped or wedged\); starting a new one$/,
        ),
      ]);
      const newPid = await agentPid(socket);
      expect(newPid).toBeGreaterThan(0);
      expect(newPid).not.toBe(pid);
      agents.push(newPid!);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('replaces an agent that does not read its hook box (SIGSTOP, box full), with one warning', async () => {
    const { dir, pid } = await runningAgent();
    const env = { ...process.env, OKTA_AERIAL_AGENT_DIR: dir };
    process.kill(pid, 'SIGSTOP');
    try {
      // Fill the stopped agent's FIFO with an unfinished request, as hooks that queued before would.
      const fifo = openSync(join(thinAgentBox(env)!, 'in'), constants.O_WRONLY | constants.O_NONBLOCK);
      try {
        const line = Buffer.from(`9.fill + ${'x'.repeat(500)}\n`);
        for (;;) writeSync(fifo, line);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('EAGAIN');
      } finally {
        closeSync(fifo);
      }
      const r = await hook(dir, { OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
      expect(r.code).toBe(0);
      expect(r.out).toContain('nothing to change');
      expect(r.err.trim().split('\n')).toEqual([
        expect.stringMatching(/^okta-aerial: warning: the deploy agent at \S+ did not answer within \d+ s/),
      ]);
      const newPid = await agentPid(agentLocation(env).socket);
      expect(newPid).toBeGreaterThan(0);
      expect(newPid).not.toBe(pid);
      agents.push(newPid!);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('makes no further call for a hook process killed mid-run', async () => {
    const dir = newDir();
    let hooksRun = 0;
    const agent = await startAgentServer({
      dir,
      idleMs: 300,
      runHook: (host) => {
        hooksRun++;
        return agentHookRunner(host);
      },
    });
    // An org that is not linked: after the (slow) read the handler would link it.
    const spec = orgSpec('00oDemoAcmeStage0001');
    emu.setFaults({ rules: [{ route: 'aerial.getOrg', latencyMs: 1_500 }] });
    emu.reset();
    const r = await hook(dir, { OKTA_AERIAL_SPEC: spec }, (child) => {
      void until(async () => (await inFlightAt(agent.socketPath)) > 0).then(() => child.kill('SIGKILL'));
    });
    expect(r.code).toBeNull(); // killed
    expect(hooksRun).toBe(1);
    // The agent stops once idle, which a handler still running would prevent: by then it would have linked.
    await agent.stopped;
    expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toEqual([]);
    expect(emu.log().filter((e) => e.route === 'aerial.getOrg')).toHaveLength(1);
  });

  describe(`with NODE_EXTRA_CA_CERTS moved aside into ${CA_CERTS_ASIDE}`, () => {
    let ca: string;
    beforeAll(() => {
      ca = join(base, 'ca.pem');
      writeFileSync(ca, rootCertificates[0]);
    });
    const aside = (): NodeJS.ProcessEnv => ({ NODE_EXTRA_CA_CERTS: '', [CA_CERTS_ASIDE]: ca });

    it('runs the full path in a child process that has NODE_EXTRA_CA_CERTS back', async () => {
      const r = await hook(newDir(), {
        ...aside(),
        OKTA_AERIAL_NO_AGENT: '1',
        OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001'),
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^okta-aerial: aerial-org 'thin\/Org': /);
      // The child exits first; the hook process started without the bundle and loaded only the thin entry.
      expect(r.processes.map((p) => p.ca)).toEqual([ca, '']);
      expect(loaded(r, 0)).toContain('lib/cli/hook-command.js');
      expect(loaded(r, 1)).toEqual(THIN_MODULES);
    });

    it('moves the bundle aside with the hook command a stack renders, run by sh as Terraform runs it', async () => {
      // The rendered command, with this test's recorder preloaded into each node process it starts.
      const command = relativeHookCommand(base, BIN, 'apply').replace(
        " node '",
        ` ${process.execPath} -r '${preload}' '`,
      );
      expect(command).toMatch(
        new RegExp(`^${CA_CERTS_ASIDE}="\\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= `),
      );
      const dir = newDir();
      const env = { NODE_EXTRA_CA_CERTS: ca, OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') };
      const first = await hook(dir, env, undefined, command);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      // No agent yet: the hook process, without the bundle, ran the full path in a child that has it back.
      expect(first.processes.map((p) => p.ca)).toEqual([ca, '']);
      const pid = await agentPid(
        agentLocation({ ...process.env, ...env, OKTA_AERIAL_AGENT_DIR: dir }).socket,
      );
      expect(pid).toBeGreaterThan(0);
      agents.push(pid!);
      if (existsSync(`/proc/${pid}/environ`))
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(
          `NODE_EXTRA_CA_CERTS=${ca}`,
        );
      const second = await hook(dir, env, undefined, command);
      expect(second.code).toBe(0);
      expect(second.processes.map((p) => p.ca)).toEqual(['']);
      expect(loaded(second)).toEqual(THIN_MODULES);
    });

    it('starts the agent with NODE_EXTRA_CA_CERTS back, and then runs hooks without it', async () => {
      const dir = newDir();
      const first = await hook(dir, { ...aside(), OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
      expect(first.code).toBe(0);
      const pid = await agentPid(
        agentLocation({ ...process.env, ...aside(), OKTA_AERIAL_AGENT_DIR: dir }).socket,
      );
      expect(pid).toBeGreaterThan(0);
      agents.push(pid!);
      if (existsSync(`/proc/${pid}/environ`)) {
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(
          `NODE_EXTRA_CA_CERTS=${ca}`,
        );
      }
      const thin = await hook(dir, { ...aside(), OKTA_AERIAL_SPEC: orgSpec('00oDemoAcmeProd00001') });
      expect(thin.code).toBe(0);
      expect(thin.out).toContain('nothing to change');
      expect(thin.processes.map((p) => p.ca)).toEqual(['']);
      expect(loaded(thin)).toEqual(THIN_MODULES);
    });
  });
});
