/** The agent's socket handling, in-process: racing starters, stale sockets, idle exit. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentAlreadyRunningError,
  startAgentServer,
  type RunningAgent,
} from '../../src/client/agent/agent-server';
import { socketPath } from '../../src/client/agent/paths';

describe('deploy agent server', () => {
  const base = mkdtempSync(join(tmpdir(), 'oa-srv-'));
  const running: RunningAgent[] = [];
  let n = 0;
  const dir = (): string => join(base, `d${n++}`);
  afterAll(async () => {
    for (const a of running) await a.close();
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
});
