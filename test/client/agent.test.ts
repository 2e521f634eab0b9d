/**
 * The cross-process deploy agent, with real child processes and the built CLI (lib/ is built once here).
 * Bars of issue 3: (a) the cap holds across 40 processes, (b) one token for all of them, (c) nothing secret
 * on disk, (d) a crashed agent or stale socket does not block a later run, (e) calls still work, with a
 * warning, when the agent cannot start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RunningEmulator } from '../../src/emulator';
import { closeClients, openAerialClient } from '../../src/client';
import { agentLocation } from '../../src/client/agent/agent-client';
import { buildLib } from '../build-lib';
import { aerialConnection, DEMO, emulator } from './helpers';

const ROOT = join(__dirname, '..', '..');
const ACCOUNT_KEY = `production/${DEMO.accountId}`;

/** What each child process runs: a few calls through the agent, then it reports its counters. */
const CHILD = `
const { openAerialClient, closeClients } = require(${JSON.stringify(join(ROOT, 'lib', 'client'))});
const c = JSON.parse(process.env.TEST_CREDS);
const client = openAerialClient({ accountId: c.OKTA_AERIAL_ACCOUNT_ID, baseUrl: c.OKTA_AERIAL_BASE_URL, tokenUrl: c.OKTA_AERIAL_TOKEN_URL,
  clientId: c.OKTA_AERIAL_CLIENT_ID, privateKey: c.OKTA_AERIAL_PRIVATE_KEY, keyId: c.OKTA_AERIAL_KEY_ID });
Promise.all([client.getAccount(), client.getOrg('${DEMO.aerialOrgId}'), client.listSubscribedProducts()])
  .then(async () => {
    const axios = Object.keys(require.cache).some((k) => /node_modules[\\\\/](axios|jose)/.test(k));
    process.stdout.write(JSON.stringify({ counters: client.counters, heavyLoaded: axios }));
    await closeClients();
  })
  .catch((e) => { process.stderr.write(String(e && e.message)); process.exitCode = 1; });
`;

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, ['-e', CHILD], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Asks the agent on a socket for its pid (undefined when none answers). */
function agentPid(socket: string): Promise<number | undefined> {
  return new Promise((resolve) => {
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
}

/** A connection that sends raw protocol messages to an agent, one at a time. */
async function rawConnection(socket: string): Promise<{
  request(msg: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}> {
  const s = connect(socket);
  await new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject));
  s.setEncoding('utf8');
  let buf = '';
  let waiting: ((r: Record<string, unknown>) => void) | undefined;
  s.on('data', (d: string) => {
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting?.(JSON.parse(line) as Record<string, unknown>);
    }
  });
  return {
    request: (msg) =>
      new Promise((resolve) => {
        waiting = resolve;
        s.write(`${JSON.stringify({ id: 1, ...msg })}\n`);
      }),
    close: () => s.destroy(),
  };
}

/** True once the process is gone (or a zombie waiting to be reaped). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return / Z /.test(stat);
}

/** Waits until the process has exited; fails (instead of hanging) when it does not within `ms`. */
async function exited(pid: number, ms = 5_000): Promise<void> {
  for (let waited = 0; !gone(pid); waited += 25) {
    if (waited >= ms) throw new Error(`process ${pid} did not exit within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function stopAgent(dir: string): Promise<void> {
  const { socket } = agentLocation({ ...process.env, OKTA_AERIAL_AGENT_DIR: dir });
  const pid = existsSync(socket) ? await agentPid(socket) : undefined;
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

describe('deploy agent (cross-process)', () => {
  let emu: RunningEmulator;
  let base: string;
  const dirs: string[] = [];
  const savedEnv = { dir: process.env.OKTA_AERIAL_AGENT_DIR, noAgent: process.env.OKTA_AERIAL_NO_AGENT };
  const newDir = (): string => {
    const d = mkdtempSync(join(base, 'a'));
    chmodSync(d, 0o700);
    dirs.push(d);
    return d;
  };

  /** A client in a fresh agent folder that has made one call, so its agent is running; and that agent. */
  const clientWithAgent = async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    const c = openAerialClient(aerialConnection(emu), { log: () => {} });
    await c.getAccount();
    const { socket } = agentLocation();
    const pid = await agentPid(socket);
    expect(pid).toBeGreaterThan(0);
    return { dir, c, socket, pid: pid! };
  };

  beforeAll(async () => {
    // The agent runs from lib/ (bin/okta-aerial.js); build it once.
    buildLib('cli/agent-command.js');
    base = mkdtempSync(join(tmpdir(), 'oa-agent-'));
    emu = await emulator({ latencyMs: 50 });
    delete process.env.OKTA_AERIAL_NO_AGENT;
  }, 120_000);

  afterEach(() => closeClients());

  afterAll(async () => {
    for (const d of dirs) await stopAgent(d);
    await emu.stop();
    process.env.OKTA_AERIAL_AGENT_DIR = savedEnv.dir;
    if (savedEnv.dir === undefined) delete process.env.OKTA_AERIAL_AGENT_DIR;
    if (savedEnv.noAgent !== undefined) process.env.OKTA_AERIAL_NO_AGENT = savedEnv.noAgent;
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps 40 processes under the cap with one token, without loading axios or jose in them', async () => {
    emu.reset();
    const dir = newDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OKTA_AERIAL_AGENT_DIR: dir,
      TEST_CREDS: JSON.stringify(emu.credentials()),
    };
    delete env.OKTA_AERIAL_NO_AGENT;
    const results = await Promise.all(Array.from({ length: 40 }, () => runChild(env)));
    expect(results.map((r) => r.err).filter(Boolean)).toEqual([]);
    expect(results.every((r) => r.code === 0)).toBe(true);
    const stats = emu.stats();
    expect(stats.byRoute['aerial.getAccount']['200']).toBe(40);
    expect(stats.maxInFlight[ACCOUNT_KEY]).toBeLessThanOrEqual(10);
    expect(stats.tokensIssued[DEMO.aerialClientId]).toBe(1);
    const reports = results.map(
      (r) => JSON.parse(r.out) as { counters: { requests: number }; heavyLoaded: boolean },
    );
    expect(reports.every((r) => r.heavyLoaded === false && r.counters.requests === 3)).toBe(true);
    // (c) nothing but the socket, the agent's hook box (its FIFO and pid) and maybe a start marker in the
    // private folder; no secrets on disk
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files.filter((f) => !/\.(sock|starting|box)$/.test(f))).toEqual([]);
    const boxes = files.filter((f) => f.endsWith('.box'));
    expect(boxes).toHaveLength(1);
    expect(readdirSync(join(dir, boxes[0])).sort()).toEqual(['in', 'pid']);
  }, 60_000);

  it('gives the agent-wide counters to any client', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    const c = openAerialClient(aerialConnection(emu), { log: () => {} });
    await Promise.all(Array.from({ length: 12 }, () => c.getOrg(DEMO.aerialOrgId)));
    const shared = await c.sharedCounters();
    expect(shared).toMatchObject({ requests: 12, tokensFetched: 1 });
    expect(shared.maxInFlight).toBeLessThanOrEqual(10);
    expect(c.counters.requests).toBe(12);
  });

  it('holds the lowest maxConcurrency asked for by clients of one account, with one token', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    emu.reset();
    const first = openAerialClient(aerialConnection(emu), { log: () => {} });
    await first.getAccount(); // the agent's limiter for the account starts with the default cap of 10
    const second = openAerialClient(aerialConnection(emu, { maxConcurrency: 3 }), { log: () => {} });
    await Promise.all(Array.from({ length: 12 }, () => second.getOrg(DEMO.aerialOrgId)));
    const stats = emu.stats();
    expect(stats.byRoute['aerial.getOrg']['200']).toBe(12);
    expect(stats.maxInFlight[ACCOUNT_KEY]).toBeLessThanOrEqual(3);
    expect(stats.tokensIssued[DEMO.aerialClientId]).toBe(1);
  });

  it('replaces a crashed agent and its stale socket without delay or error', async () => {
    const { c, socket, pid } = await clientWithAgent();
    process.kill(pid, 'SIGKILL'); // leaves the socket file behind
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(socket)).toBe(true);
    // the same process carries on (the session restarts the agent) ...
    await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
    await closeClients();
    // ... and so does a fresh one
    const again = openAerialClient(aerialConnection(emu), { log: () => {} });
    await expect(again.getOrg(DEMO.aerialOrgId)).resolves.toMatchObject({ id: DEMO.aerialOrgId });
    const newPid = await agentPid(socket);
    expect(newPid).toBeGreaterThan(0);
    expect(newPid).not.toBe(pid);
  });

  it.each([
    ['SIGTERM', undefined],
    ['its idle timeout', '300'],
  ])(
    'an agent stopped by %s while this hook holds its connection exits; the calls move to a new agent under the cap',
    async (how, idleMs) => {
      const dir = newDir();
      process.env.OKTA_AERIAL_AGENT_DIR = dir;
      if (idleMs) process.env.OKTA_AERIAL_AGENT_IDLE_MS = idleMs;
      try {
        const c = openAerialClient(aerialConnection(emu), { log: () => {} });
        await c.getAccount(); // this process now holds a connection to the agent
        const { socket } = agentLocation();
        const pid = await agentPid(socket);
        expect(pid).toBeGreaterThan(0);
        if (how === 'SIGTERM') process.kill(pid!, 'SIGTERM');
        await exited(pid!);
        delete process.env.OKTA_AERIAL_AGENT_IDLE_MS; // the new agent stays up until the checks below
        // Other hooks start a new agent; this one's calls must join it rather than run on an old agent.
        emu.reset();
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          OKTA_AERIAL_AGENT_DIR: dir,
          TEST_CREDS: JSON.stringify(emu.credentials()),
        };
        const [children] = await Promise.all([
          Promise.all(Array.from({ length: 5 }, () => runChild(env))),
          Promise.all(Array.from({ length: 15 }, () => c.getOrg(DEMO.aerialOrgId))),
        ]);
        expect(children.map((r) => r.err).filter(Boolean)).toEqual([]);
        const stats = emu.stats();
        expect(stats.byRoute['aerial.getOrg']['200']).toBe(15 + 5);
        expect(stats.maxInFlight[ACCOUNT_KEY]).toBeLessThanOrEqual(10);
        expect(stats.throttled).toBe(0);
        const newPid = await agentPid(socket);
        expect(newPid).toBeGreaterThan(0);
        expect(newPid).not.toBe(pid);
      } finally {
        delete process.env.OKTA_AERIAL_AGENT_IDLE_MS;
      }
    },
    30_000,
  );

  it('sends a POST that a stopping agent did not run to the new agent, exactly once', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    process.env.OKTA_AERIAL_AGENT_IDLE_MS = '400'; // the agent checks its socket every 100 ms
    const { socket } = agentLocation();
    try {
      const c = openAerialClient(aerialConnection(emu), { log: () => {} });
      await c.getAccount();
      const pid = await agentPid(socket);
      expect(pid).toBeGreaterThan(0);
      const probe = await rawConnection(socket);
      emu.setFaults({ rules: [{ route: 'aerial.listSubscribedProducts', latencyMs: 1_500 }] });
      emu.reset();
      const slow = c.listSubscribedProducts();
      while (!(await c.sharedCounters()).inFlight) await new Promise((r) => setTimeout(r, 10));
      // The socket goes away (a rebuild, or a new agent took over): the agent drains its running call.
      rmSync(socket);
      let reply = await probe.request({ t: 'counters', key: 'none' });
      for (let i = 0; i < 200 && !reply.goingAway; i++) {
        await new Promise((r) => setTimeout(r, 20));
        reply = await probe.request({ t: 'counters', key: 'none' });
      }
      probe.close();
      expect(reply).toMatchObject({ ok: false, goingAway: true });
      delete process.env.OKTA_AERIAL_AGENT_IDLE_MS; // the new agent stays up until the checks below
      // This hook's next call is a POST on its held connection: refused unrun, so it goes to a new agent.
      await expect(c.linkOrg({ orgId: '00oDemoAcmeProd00001' })).resolves.toMatchObject({
        id: '00oDemoAcmeProd00001',
        accountId: DEMO.accountId,
      });
      expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toHaveLength(1);
      const newPid = await agentPid(socket);
      expect(newPid).toBeGreaterThan(0);
      expect(newPid).not.toBe(pid);
      await expect(slow).resolves.toHaveLength(4);
      await exited(pid!);
    } finally {
      emu.setFaults({ rules: [] });
      delete process.env.OKTA_AERIAL_AGENT_IDLE_MS;
    }
  }, 30_000);

  it('sends a POST through a new agent, exactly once, when the agent was already known dead', async () => {
    const { c, socket, pid } = await clientWithAgent();
    process.kill(pid, 'SIGKILL');
    await exited(pid);
    await new Promise((r) => setTimeout(r, 50)); // this process has seen its connection close
    emu.reset();
    // Nothing was written to the dead agent, so this is not a "sent, no reply" network error.
    await expect(c.linkOrg({ orgId: '00oDemoAcmeEu0000001', cell: 'eu1' })).resolves.toMatchObject({
      id: '00oDemoAcmeEu0000001',
      accountId: DEMO.accountId,
    });
    expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toHaveLength(1);
    const newPid = await agentPid(socket);
    expect(newPid).toBeGreaterThan(0);
    expect(newPid).not.toBe(pid);
  });

  it('is not held up by a start marker left behind by a crashed starter', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    const marker = join(dir, `${basename(agentLocation().socket, '.sock')}.starting`);
    writeFileSync(marker, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(marker, old, old);
    const warnings: string[] = [];
    const c = openAerialClient(aerialConnection(emu), { log: (l) => warnings.push(l) });
    await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
    expect(warnings).toEqual([]);
    expect(await agentPid(agentLocation().socket)).toBeGreaterThan(0);
  });

  it('replaces an agent that takes connections but does not answer (SIGSTOP), with one warning', async () => {
    const { c, socket, pid } = await clientWithAgent();
    void c;
    await closeClients();
    process.kill(pid, 'SIGSTOP');
    try {
      const warnings: string[] = [];
      const again = openAerialClient(aerialConnection(emu), { log: (l) => warnings.push(l) });
      await expect(again.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
      await expect(again.getOrg(DEMO.aerialOrgId)).resolves.toBeDefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /the deploy agent at \S+ did not answer within \d+ s \(stopped or wedged\); starting a new one/,
      );
      const newPid = await agentPid(socket);
      expect(newPid).toBeGreaterThan(0);
      expect(newPid).not.toBe(pid);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // Resumed, the old agent sees its socket name taken by the new one and goes away.
    await exited(pid, 15_000);
  });

  it('names a file that sits where the agent socket belongs, at once, and still completes the call', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    writeFileSync(agentLocation().socket, 'not a socket');
    const warnings: string[] = [];
    const c = openAerialClient(aerialConnection(emu), { log: (l) => warnings.push(l) });
    await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /is a file, not the deploy agent's socket; remove it, or set OKTA_AERIAL_AGENT_DIR/,
    );
  });

  it('falls back in-process with one warning when the agent folder is not private', async () => {
    const dir = newDir();
    chmodSync(dir, 0o755);
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    const warnings: string[] = [];
    const c = openAerialClient(aerialConnection(emu), { log: (l) => warnings.push(l) });
    await expect(c.getAccount()).resolves.toMatchObject({ id: DEMO.accountId });
    await expect(c.getOrg(DEMO.aerialOrgId)).resolves.toBeDefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /deploy agent is not available .*accessible to other users.*calling the API from this process/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never leaves a secret in the agent folder or the agent environment', async () => {
    const dir = newDir();
    process.env.OKTA_AERIAL_AGENT_DIR = dir;
    process.env.OKTA_AERIAL_PRIVATE_KEY_PLANTED = emu.credentials().OKTA_AERIAL_PRIVATE_KEY;
    try {
      await openAerialClient(aerialConnection(emu), { log: () => {} }).getAccount();
      const pid = await agentPid(agentLocation().socket);
      expect(pid).toBeGreaterThan(0); // else the check below would pass without looking at any agent
      if (!existsSync(`/proc/${pid}/environ`)) return; // Linux only
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ).not.toContain('PRIVATE KEY');
      expect(environ).not.toContain('OKTA_AERIAL_PRIVATE_KEY_PLANTED');
    } finally {
      delete process.env.OKTA_AERIAL_PRIVATE_KEY_PLANTED;
    }
  });
});
