/**
 * Hook side of the deploy agent: connects to the per-user agent socket, starting the agent (detached, stdio
 * closed, unref'd, so Terraform never waits for it) when nobody answers. Deliberately light: node built-ins
 * plus the client's axios-free modules only, so a hook process does not pay for loading axios, axios-retry
 * or jose. The session (session.ts) carries the calls; its executors (agent-executor.ts) route them.
 */
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENV } from '../../common';
import { AgentError } from '../errors/agent-error';
import type { ClientLogger } from '../log/debug-log';
import { networkValues } from './network-env';
import { agentDir, checkSocketPath, ensurePrivateDir, socketPath, spawnLockPath } from './paths';
import { Session } from './session';
import { dial } from './socket';

export type { AgentSession } from './session';

/**
 * How long a hook waits at most for a starting agent. It stops waiting sooner when the agent process is
 * gone; a live one can be slow to start on a loaded machine (dozens of hooks starting at once on 2 cores),
 * and falling back then would cost every hook its own token and its own cap.
 */
const START_WAIT_MS = 15_000;
/** A start marker without a process id older than this is stale (its starter died before writing it). */
const SPAWN_LOCK_STALE_MS = 3_000;
/** Environment passed to the agent: never the hook's secrets, only these and the network values (network-env.ts). */
const SYSTEM_ENV = /^(PATH|HOME|USER|LOGNAME|TMPDIR|TMP|TEMP|LANG|LC_ALL|SYSTEMROOT)$/;
const AGENT_ENV = new Set<string>([ENV.agentDir, ENV.agentIdleMs]);

/** What {@link connectAgent} needs. */
export interface ConnectOptions {
  readonly log: ClientLogger;
  readonly env?: NodeJS.ProcessEnv;
}

/** The process id in a start marker, or undefined while its starter has not written it yet. */
function starterPid(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether an agent is being started: a start marker naming a live agent process, or a fresh one whose
 * starter has not written the id yet. The agent removes the marker once it listens.
 */
function agentStarting(lock: string): boolean {
  const st = statSync(lock, { throwIfNoEntry: false });
  if (!st) return false;
  const pid = starterPid(lock);
  return pid === undefined ? Date.now() - st.mtimeMs < SPAWN_LOCK_STALE_MS : isAlive(pid);
}

/**
 * The environment of an agent started from `env`: the system's variables, the agent's own, and the network
 * values as network-env.ts reads them (a CA bundle moved aside is NODE_EXTRA_CA_CERTS again, relative paths
 * are absolute, since the agent runs in its folder). So the agent names its socket as the hook that starts
 * it does.
 */
export function agentEnvironment(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (SYSTEM_ENV.test(k) || AGENT_ENV.has(k)) childEnv[k] = v;
  Object.assign(childEnv, networkValues(env));
  childEnv[ENV.agentDir] = dir;
  return childEnv;
}

/** Starts the agent unless another hook is doing so right now (a start marker names a live agent). */
function startAgent(dir: string, env: NodeJS.ProcessEnv): void {
  const lock = spawnLockPath(dir, env);
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch {
    try {
      if (agentStarting(lock)) return;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx', 0o600));
    } catch {
      return; // another hook won the race to start it
    }
  }
  const bin = resolve(__dirname, '..', '..', '..', 'bin', 'okta-aerial.js');
  const child = spawn(process.execPath, [bin, 'agent', '--dir', dir], {
    detached: true,
    stdio: 'ignore',
    env: agentEnvironment(env, dir),
    cwd: dir,
  });
  child.on('error', () => {}); // reported as "could not start" by the connect loop
  try {
    // Hooks waiting for this agent wait as long as it lives (unless it already listens and removed the marker).
    if (child.pid !== undefined) writeFileSync(lock, String(child.pid), { flag: 'r+' });
  } catch {
    // the agent already listens and removed the marker
  }
  child.unref();
}

/** Connects to the deploy agent, starting it if needed; rejects (so the caller falls back) when it cannot. */
export async function connectAgent(opts: ConnectOptions): Promise<Session> {
  const env = opts.env ?? process.env;
  const dir = agentDir(env);
  ensurePrivateDir(dir);
  const path = socketPath(dir, env);
  // Unix socket paths are limited to ~104 bytes (macOS) / 108 (Linux); say so instead of timing out.
  checkSocketPath(path);
  // Something else at the socket's name would make every hook wait for nothing: say what it is at once.
  const found = lstatSync(path, { throwIfNoEntry: false });
  if (found && !found.isSocket()) {
    throw new AgentError({
      code: 'EAGENTSETUP',
      reason:
        `${path} is a ${found.isDirectory() ? 'folder' : 'file'}, not the deploy agent's socket; remove it, ` +
        `or set ${ENV.agentDir} to another folder`,
    });
  }
  let socket = await dial(path);
  if (!socket) {
    startAgent(dir, env);
    const lock = spawnLockPath(dir, env);
    const until = Date.now() + START_WAIT_MS;
    // Wait while the agent is starting; once its marker is gone it listens (or died), so dial a last time.
    let starting = true;
    while (!socket && starting && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
      starting = agentStarting(lock);
      socket = await dial(path);
    }
  }
  if (!socket)
    throw new AgentError({
      code: 'EAGENTSETUP',
      reason: `it did not answer on ${path} (the agent did not start, or not within ${START_WAIT_MS / 1000} s)`,
    });
  opts.log.debug(`using the deploy agent at ${path}`);
  const inode = lstatSync(path, { throwIfNoEntry: false })?.ino;
  return new Session(socket, { log: opts.log, reconnect: () => connectAgent(opts) }, { path, inode });
}

/** For tests: the folder and socket a client would use with this environment. */
export function agentLocation(env: NodeJS.ProcessEnv = process.env): { dir: string; socket: string } {
  const dir = agentDir(env);
  return { dir, socket: socketPath(dir, env) };
}
