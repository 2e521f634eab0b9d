/** The agent's socket handling, in-process: racing starters, stale sockets, idle exit, stopping with hooks connected. */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  AgentAlreadyRunningError,
  startAgentServer,
  type RunningAgent,
} from '../../src/client/agent/agent-server';
import { connectAgent } from '../../src/client/agent/agent-client';
import { BOX_PID, boxOutPath, boxPath, PIPE_ATOMIC, sendToBox } from '../../src/client/agent/hook-box';
import { ensurePrivateDir, socketPath } from '../../src/client/agent/paths';
import { MAX_LINE, type AgentReply } from '../../src/client/agent/protocol';
import { connectionKey } from '../../src/client/connection';
import type { ConnectionRef } from '../../src/client/types';
import type { RunningEmulator } from '../../src/emulator';
import { agentHookRunner } from '../../src/hook/agent-hooks';
import { aerialConnection, DEMO, emulator } from './helpers';

/** A hook speaking the wire protocol directly, so the test sees exactly what the agent answers. */
interface RawHook {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  request(msg: Record<string, unknown>): Promise<AgentReply>;
}

function rawHook(path: string): Promise<RawHook> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const waiting = new Map<number, (r: AgentReply) => void>();
    let id = 0;
    let buf = '';
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const reply = JSON.parse(buf.slice(0, nl)) as AgentReply;
        buf = buf.slice(nl + 1);
        waiting.get(reply.id)?.(reply);
      }
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        request: (msg) =>
          new Promise((done) => {
            const n = ++id;
            waiting.set(n, done);
            socket.write(`${JSON.stringify({ ...msg, id: n })}\n`);
          }),
      }),
    );
  });
}

/** Sends one `hook` message and collects everything the agent sends for it, up to its reply. */
function hookMessages(
  path: string,
  env: Record<string, string>,
  onMessage: (m: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const got: Record<string, unknown>[] = [];
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        got.push(m);
        onMessage(m);
        if ('ok' in m) {
          socket.destroy();
          resolve(got);
        }
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(got));
    socket.once('connect', () =>
      socket.write(`${JSON.stringify({ id: 7, t: 'hook', action: 'apply', env })}\n`),
    );
  });
}

/**
 * Sends one `hook` through the agent's hook box, as a thin hook does (with this process's pid), and
 * collects what the agent writes for it, up to its reply or the box's closed marker.
 */
async function boxMessages(
  socket: string,
  env: Record<string, string>,
  onMessage: (m: Record<string, unknown>) => void = () => {},
): Promise<Record<string, unknown>[]> {
  const box = boxPath(socket, lstatSync(socket).ino);
  const id = `${process.pid}.t${Math.random().toString(36).slice(2, 8)}`;
  const out = boxOutPath(box, id);
  const fd = openSync(out, 'wx+', 0o600);
  try {
    const request = JSON.stringify({ id: 7, t: 'hook', action: 'apply', env, pid: process.pid });
    if (Buffer.byteLength(request) < 32 * 1024) expect(sendToBox(box, id, request, 60_000)).toBe('sent');
    else await sendLater(box, id, request);
    const got: Record<string, unknown>[] = [];
    const buf = Buffer.alloc(1 << 16);
    let text = '';
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      pos += n;
      text += buf.toString('utf8', 0, n);
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const m = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
        text = text.slice(nl + 1);
        got.push(m);
        onMessage(m);
        if ('ok' in m || 'closed' in m) return got;
      }
    }
  } finally {
    closeSync(fd);
    rmSync(out, { force: true });
  }
}

/**
 * Writes a request too long for the FIFO's buffer as sendToBox's lines, without blocking this process:
 * sendToBox waits synchronously, and the agent reading the FIFO runs in this process.
 */
async function sendLater(box: string, id: string, request: string): Promise<void> {
  const fifo = await open(join(box, 'in'), 'w');
  try {
    const body = Buffer.from(request);
    const room = PIPE_ATOMIC - `${id} + \n`.length;
    for (let at = 0; at < body.length; at += room) {
      const mark = at + room >= body.length ? '.' : '+';
      await fifo.write(
        Buffer.concat([Buffer.from(`${id} ${mark} `), body.subarray(at, at + room), Buffer.from('\n')]),
      );
    }
  } finally {
    await fifo.close();
  }
}

/** The spec of an AerialOrg of the demo account, and the environment a hook would hand the agent with it. */
function orgHookEnv(emu: RunningEmulator, orgId: string): Record<string, string> {
  const c = emu.credentials();
  const spec = {
    v: 1,
    kind: 'aerial-org',
    path: 'srv/Org',
    removalPolicy: 'RETAIN',
    account: {
      accountId: c.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: c.OKTA_AERIAL_BASE_URL,
      tokenUrl: c.OKTA_AERIAL_TOKEN_URL,
      clientId: c.OKTA_AERIAL_CLIENT_ID,
      privateKeyEnv: 'KEY',
      dpop: false,
      maxConcurrency: 10,
      deadlineMs: 20_000,
    },
    org: { orgId },
    status: 'ACTIVE',
    requestDeletion: false,
  };
  return { OKTA_AERIAL_SPEC: JSON.stringify(spec), KEY: c.OKTA_AERIAL_PRIVATE_KEY };
}

/** What the agent sends for a hook that links an org: its read, its POST, its line, its exit code. */
const LINK_EVENTS = ['start', 'call', 'called', 'call', 'called', 'out', 'exit 0']; // getOrg, then linkOrg

/** Fails instead of hanging when `p` does not settle in time (a liveness bound, not a timing assertion). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Leaves a socket file nobody answers on, as a process killed by SIGKILL does. */
async function staleSocket(d: string, path: string): Promise<void> {
  ensurePrivateDir(d);
  const holder = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.stdout.write('up'))`,
  ]);
  await new Promise((r) => holder.stdout.once('data', r));
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  expect(lstatSync(path).isSocket()).toBe(true);
}

/** A clock that moves 20 ms on every read and counts its reads. */
function fakeClock(): { readonly start: number; reads: number; now: () => number } {
  const start = 1_700_000_000_000;
  const c = {
    start,
    reads: 0,
    now: () => start + 20 * ++c.reads,
  };
  return c;
}

/** Asks the agent on a socket for its pid (undefined when none answers). */
function agentPid(path: string): Promise<number | undefined> {
  return rawHook(path).then(
    async (h) => {
      const r = await h.request({ t: 'ping' });
      h.socket.destroy();
      return r.ok ? r.pid : undefined;
    },
    () => undefined,
  );
}

describe('deploy agent server', () => {
  const base = mkdtempSync(join(tmpdir(), 'oa-srv-'));
  const running: RunningAgent[] = [];
  const hooks: RawHook[] = [];
  let emu: RunningEmulator;
  let n = 0;
  const dir = (): string => join(base, `d${n++}`);
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(async () => {
    for (const h of hooks) h.socket.destroy();
    for (const a of running) await a.close();
    await emu.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('lets exactly one of two racing starters listen', async () => {
    const d = dir();
    const results = await Promise.allSettled([startAgentServer({ dir: d }), startAgentServer({ dir: d })]);
    const won = results.filter((r): r is PromiseFulfilledResult<RunningAgent> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    running.push(...won.map((w) => w.value));
    expect(won).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(AgentAlreadyRunningError);
  });

  it('replaces a stale socket left by a killed process', async () => {
    const d = dir();
    const first = await startAgentServer({ dir: d });
    await first.close();
    const path = socketPath(d);
    await staleSocket(d, path);
    const agent = await startAgentServer({ dir: d });
    running.push(agent);
    expect(agent.socketPath).toBe(path);
  });

  it('lets exactly one of two agents starting at once over a stale socket serve, and keeps its socket file', async () => {
    const d = dir();
    const path = socketPath(d);
    await staleSocket(d, path);
    // Each agent's clock counts its reads: the agent reads it on every socket check, so the test can wait
    // for a number of checks instead of a duration.
    const clocks = [fakeClock(), fakeClock()];
    const start = (i: number) => startAgentServer({ dir: d, checkMs: 20, now: clocks[i].now });
    const results = await Promise.allSettled([start(0), start(1)]);
    const won = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ agent: r.value, clock: clocks[i] }] : [],
    );
    running.push(...won.map((w) => w.agent));
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: expect.any(AgentAlreadyRunningError),
    });
    const [{ agent, clock }] = won;
    let stopped = false;
    void agent.stopped.then(() => (stopped = true));
    // 2+ s of the agent's own time (100 socket checks of 20 ms): a loser that thinks its file was replaced
    // would long since have retired and, on close, taken the winner's file with it.
    await within(
      (async () => {
        while (clock.reads < 100) await new Promise((r) => setTimeout(r, 20));
      })(),
      15_000,
      '100 socket checks',
    );
    expect(stopped).toBe(false);
    expect(lstatSync(path).isSocket()).toBe(true);
    // Only the claimed name is left: no temporary socket names linger in the folder.
    expect(readdirSync(d).filter((f) => f.endsWith('.sock'))).toEqual([basename(path)]);
    // A hook (the real hook client) reaches it and its calls run.
    const log = { debugging: false, debug: () => {}, warn: (line: string) => warnings.push(line) };
    const warnings: string[] = [];
    const session = await connectAgent({ log, env: { OKTA_AERIAL_AGENT_DIR: d } });
    try {
      const ref: ConnectionRef = { kind: 'aerial', conn: aerialConnection(emu) };
      const res = await session.executor(ref, connectionKey(ref), {}).execute({
        operation: 'getAccount',
        method: 'GET',
        path: `/${DEMO.accountId}/api/v1/accounts`,
        scope: 'okta.accounts.manage',
        deadlineMs: 20_000,
      });
      expect(res.status).toBe(200);
      expect(await agentPid(path)).toBe(process.pid);
    } finally {
      await session.close();
    }
    expect(warnings).toEqual([]);
  });

  it('retires when another agent takes its socket name, and leaves the socket file of the new agent alone', async () => {
    const d = dir();
    const replacedAgent = await startAgentServer({ dir: d, checkMs: 20 });
    running.push(replacedAgent);
    // What a starter that found the socket dead does: remove the file, then claim the name.
    unlinkSync(replacedAgent.socketPath);
    const next = await startAgentServer({ dir: d, checkMs: 20 });
    running.push(next);
    await within(replacedAgent.stopped, 5_000, 'the replaced agent stopping');
    expect(lstatSync(next.socketPath).isSocket()).toBe(true);
    expect(await agentPid(next.socketPath)).toBe(process.pid);
  });

  it('refuses a socket path too long for a Unix socket, instead of listening on a truncated one', async () => {
    const d = join(base, 'x'.repeat(Math.max(1, 110 - base.length)));
    await expect(startAgentServer({ dir: d })).rejects.toThrow(
      /socket path .* is too long; set OKTA_AERIAL_AGENT_DIR to a shorter folder/,
    );
    expect(readdirSync(d)).toEqual([]);
  });

  it('exits when idle and removes its socket', async () => {
    const d = dir();
    const agent = await startAgentServer({ dir: d, idleMs: 200 });
    await agent.stopped;
    expect(existsSync(socketPath(d))).toBe(false);
  });

  it('stops on close() although a hook still holds its connection, and cuts that connection', async () => {
    const agent = await startAgentServer({ dir: dir() });
    const hook = await rawHook(agent.socketPath);
    hooks.push(hook);
    expect(await hook.request({ t: 'ping' })).toMatchObject({ ok: true });
    await within(agent.close(), 3_000, 'close() with a hook connected');
    await within(agent.stopped, 3_000, 'the agent stopping');
    await within(hook.closed, 3_000, 'the hook connection closing');
  });

  it('runs no new call once its socket is gone, says so (not executed), and stops with the hook connected', async () => {
    const d = dir();
    const agent = await startAgentServer({ dir: d, idleMs: 200 });
    running.push(agent);
    const hook = await rawHook(agent.socketPath);
    hooks.push(hook);
    const ref: ConnectionRef = { kind: 'aerial', conn: aerialConnection(emu) };
    const key = connectionKey(ref);
    expect(await hook.request({ t: 'open', key, ref })).toMatchObject({ ok: true });
    const call = (operation: string, path: string, method = 'GET') =>
      hook.request({
        t: 'call',
        key,
        req: {
          operation,
          method,
          path: `/${DEMO.accountId}/api/v1${path}`,
          scope: 'okta.accounts.manage',
          deadlineMs: 20_000,
        },
      });
    emu.setFaults({ rules: [{ route: 'aerial.listSubscribedProducts', latencyMs: 1_500 }] });
    emu.reset();
    const slow = call('listSubscribedProducts', '/products');
    // Once the slow call holds a slot, take the socket away (as a rebuild or a new agent does).
    const inFlight = async (): Promise<number> => {
      const r = await hook.request({ t: 'counters', key });
      return (r.ok && r.counters?.inFlight) || 0;
    };
    await within(
      (async () => {
        while (!(await inFlight())) await new Promise((r) => setTimeout(r, 10));
      })(),
      5_000,
      'the slow call reaching the emulator',
    );
    unlinkSync(agent.socketPath);
    // The agent notices on its next tick; from then on it must refuse calls on the held connection.
    let reply: AgentReply = await call('getAccount', '/accounts');
    for (let i = 0; i < 100 && reply.ok; i++) {
      await new Promise((r) => setTimeout(r, 20));
      reply = await call('getAccount', '/accounts');
    }
    expect(reply).toMatchObject({ ok: false, goingAway: true });
    const calledBefore = emu.stats().byRoute['aerial.getAccount']?.['200'] ?? 0;
    const post = await call('linkOrg', '/orgs', 'POST');
    expect(post).toMatchObject({
      ok: false,
      goingAway: true,
      error: { detail: expect.stringMatching(/EAGENTGONE.*not executed/) },
    });
    expect(emu.stats().byRoute['aerial.linkOrg']).toBeUndefined();
    expect(emu.stats().byRoute['aerial.getAccount']?.['200'] ?? 0).toBe(calledBefore);
    // The call it was already running is answered; then it stops, although the hook is still connected.
    expect(await slow).toMatchObject({ ok: true });
    await within(agent.stopped, 5_000, 'the replaced agent stopping');
    await within(hook.closed, 3_000, 'the hook connection closing');
  });
  it('answers a hook it has no runner for as an unknown message, so the hook runs itself', async () => {
    const agent = await startAgentServer({ dir: dir() });
    running.push(agent);
    const got = await hookMessages(agent.socketPath, orgHookEnv(emu, DEMO.aerialOrgId));
    expect(got).toEqual([
      expect.objectContaining({ id: 7, ok: false, error: expect.objectContaining({ code: 'EPROTOCOL' }) }),
    ]);
  });

  it("runs a hook's handler and streams its calls, its lines and its exit code", async () => {
    const agent = await startAgentServer({ dir: dir(), runHook: agentHookRunner });
    running.push(agent);
    emu.reset();
    const got = await hookMessages(agent.socketPath, orgHookEnv(emu, '00oDemoAcmeProd00001'));
    expect(got.map((m) => m.ev ?? `exit ${m.exit}`)).toEqual(LINK_EVENTS);
    const [, getOrg, , linkOrg, , out] = got;
    expect(getOrg.ifLost).toBeUndefined(); // a read may run again
    expect(getOrg.ifSilent).toMatch(
      /^okta-aerial: apply failed for aerial-org 'srv\/Org': getOrg 00oDemoAcmeProd00001: the deploy agent did not answer within 25000 ms\. The call may have run/,
    );
    expect(linkOrg.ifLost).toMatch(
      /^okta-aerial: apply failed for aerial-org 'srv\/Org': linkOrg 00oDemoAcmeProd00001 .*may have run/s,
    );
    expect(out.text).toBe(
      "okta-aerial: aerial-org 'srv/Org': linked org 00oDemoAcmeProd00001 to account " +
        `${DEMO.accountId} as 00oDemoAcmeProd00001 (ACTIVE)\n`,
    );
    expect(emu.stats().tokensIssued[DEMO.aerialClientId]).toBe(1);
  });

  it('ends a hook whose agent is being replaced at its next call, unrun, and says "going away" once its calls are done', async () => {
    const agent = await startAgentServer({ dir: dir(), runHook: agentHookRunner, checkMs: 20 });
    running.push(agent);
    emu.setFaults({ rules: [{ route: 'aerial.getOrg', latencyMs: 1_000 }] });
    emu.reset();
    try {
      const got = await hookMessages(agent.socketPath, orgHookEnv(emu, '00oDemoAcmeDev000001'), (m) => {
        // While the read is in flight the socket is taken away (a new agent, or a rebuild).
        if (m.ev === 'call') unlinkSync(agent.socketPath);
      });
      expect(got.map((m) => m.ev ?? (m.goingAway ? 'going away' : `exit ${m.exit}`))).toEqual([
        'start',
        'call', // getOrg, answered
        'called',
        'going away', // linkOrg refused unrun
      ]);
      expect(emu.log().filter((e) => e.route === 'aerial.getOrg')).toHaveLength(1);
      expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toEqual([]);
      await within(agent.stopped, 5_000, 'the replaced agent stopping');
    } finally {
      emu.setFaults({ rules: [] });
    }
  });
  describe('hook box', () => {
    it('runs a hook that comes through its box as one that comes over the socket', async () => {
      const agent = await startAgentServer({ dir: dir(), runHook: agentHookRunner });
      running.push(agent);
      emu.reset();
      const env = orgHookEnv(emu, '00oDemoAcmeEu0000001');
      const viaBox = await boxMessages(agent.socketPath, env);
      const viaSocket = await hookMessages(agent.socketPath, env);
      const shape = (ms: Record<string, unknown>[]) =>
        ms.map((m) => ({ ...m, id: undefined, ifSilent: undefined, text: undefined, n: undefined }));
      expect(viaBox.map((m) => m.ev ?? `exit ${m.exit}`)).toEqual(LINK_EVENTS);
      expect(viaBox.every((m) => m.id === 7)).toBe(true);
      // The second run finds the org linked: a read, no write.
      expect(viaSocket.map((m) => m.ev ?? `exit ${m.exit}`)).toEqual([
        'start',
        'call',
        'called',
        'out',
        'exit 0',
      ]);
      expect(shape(viaBox.slice(0, 3))).toEqual(shape(viaSocket.slice(0, 3)));
      expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toHaveLength(1);
    });

    it('tells a hook in its box that it is going when closed mid-hook, and removes the box', async () => {
      let ran: Promise<number> | undefined;
      const agent = await startAgentServer({
        dir: dir(),
        runHook: (host) => (ran = agentHookRunner(host)),
      });
      const box = boxPath(agent.socketPath, lstatSync(agent.socketPath).ino);
      expect(readdirSync(box).sort()).toEqual(['in', BOX_PID]);
      emu.setFaults({ rules: [{ route: 'aerial.getOrg', latencyMs: 1_000 }] });
      emu.reset();
      try {
        let closing: Promise<void> | undefined;
        const got = await boxMessages(agent.socketPath, orgHookEnv(emu, '00oDemoAcmeDev000001'), (m) => {
          if (m.ev === 'call') closing = agent.close();
        });
        expect(got.map((m) => m.ev ?? ('closed' in m ? 'closed' : `exit ${m.exit}`))).toEqual([
          'start',
          'call',
          'closed',
        ]);
        await within(closing!, 5_000, 'the agent stopping');
        expect(existsSync(box)).toBe(false);
        // The handler ends without its POST: the agent refused it, unrun, as it was stopping.
        expect(await within(ran!, 10_000, 'the handler ending')).toBe(1);
        expect(emu.log().filter((e) => e.route === 'aerial.linkOrg')).toEqual([]);
      } finally {
        emu.setFaults({ rules: [] });
      }
    });

    it('answers a request too long for its box "not run", so that the hook runs itself', async () => {
      const agent = await startAgentServer({ dir: dir(), runHook: agentHookRunner });
      running.push(agent);
      const env = { ...orgHookEnv(emu, DEMO.aerialOrgId), FILL: 'x'.repeat(MAX_LINE) };
      const got = await boxMessages(agent.socketPath, env);
      expect(got).toEqual([
        expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: 'EPROTOCOL' }) }),
      ]);
    });

    it('removes the box a killed agent left, and only that one', async () => {
      const d = dir();
      ensurePrivateDir(d);
      const dead = spawn(process.execPath, ['-e', '0']);
      const deadPid = await new Promise<number>((r) => dead.once('exit', () => r(dead.pid!)));
      const stale = join(d, 'old.1.box');
      const live = join(d, 'other.2.box');
      for (const [box, pid] of [
        [stale, deadPid],
        [live, process.ppid], // alive, and not this process
      ] as const) {
        mkdirSync(box);
        writeFileSync(join(box, BOX_PID), String(pid));
      }
      const agent = await startAgentServer({ dir: d });
      running.push(agent);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(boxPath(agent.socketPath, lstatSync(agent.socketPath).ino))).toBe(true);
    });
  });
});
