/** The agent's socket handling, in-process: racing starters, stale sockets, idle exit, stopping with hooks connected. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentAlreadyRunningError,
  startAgentServer,
  type RunningAgent,
} from '../../src/client/agent/agent-server';
import { socketPath } from '../../src/client/agent/paths';
import type { AgentReply } from '../../src/client/agent/protocol';
import { connectionKey } from '../../src/client/connection';
import type { ConnectionRef } from '../../src/client/types';
import type { RunningEmulator } from '../../src/emulator';
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

/** Fails instead of hanging when `p` does not settle in time (a liveness bound, not a timing assertion). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
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
    // A process that dies by SIGKILL leaves its socket file behind.
    const holder = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.stdout.write('up'))`,
    ]);
    await new Promise((r) => holder.stdout.once('data', r));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(existsSync(path)).toBe(true);
    const agent = await startAgentServer({ dir: d });
    running.push(agent);
    expect(agent.socketPath).toBe(path);
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
});
