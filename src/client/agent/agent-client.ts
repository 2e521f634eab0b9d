/**
 * Hook side of the deploy agent: connects to the per-user agent socket, starting the agent (detached, stdio
 * closed, unref'd, so Terraform never waits for it) when nobody answers. Deliberately light: node built-ins
 * plus the client's axios-free modules only, so a hook process does not pay for loading axios, axios-retry
 * or jose. The session (session.ts) carries the calls; its executors (agent-executor.ts) route them.
 */
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, statSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENV } from '../../common';
import { AgentError } from '../errors/agent-error';
import type { ClientLogger } from '../log/debug-log';
import { agentDir, checkSocketPath, ensurePrivateDir, socketPath, spawnLockPath } from './paths';
import { Session } from './session';
import { dial } from './socket';

export type { AgentSession } from './session';

/** How long a hook waits for a freshly started agent. */
const START_WAIT_MS = 2_000;
/** A start marker older than this is stale (its starter died). */
const SPAWN_LOCK_STALE_MS = 3_000;
/** Environment passed to the agent: never the hook's secrets, only what reaching the API needs. */
const SYSTEM_ENV =
  /^(PATH|HOME|USER|LOGNAME|TMPDIR|TMP|TEMP|LANG|LC_ALL|NODE_EXTRA_CA_CERTS|NODE_OPTIONS|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|SYSTEMROOT)$/;
const AGENT_ENV = new Set<string>([ENV.agentDir, ENV.agentIdleMs]);

/** What {@link connectAgent} needs. */
export interface ConnectOptions {
  readonly log: ClientLogger;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts the agent unless another hook is doing so right now (a fresh start marker exists). */
function startAgent(dir: string, env: NodeJS.ProcessEnv): void {
  const lock = spawnLockPath(dir);
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < SPAWN_LOCK_STALE_MS) return;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx', 0o600));
    } catch {
      return; // another hook won the race to start it
    }
  }
  const bin = resolve(__dirname, '..', '..', '..', 'bin', 'okta-aerial.js');
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (SYSTEM_ENV.test(k) || AGENT_ENV.has(k)) childEnv[k] = v;
  childEnv[ENV.agentDir] = dir;
  const child = spawn(process.execPath, [bin, 'agent', '--dir', dir], {
    detached: true,
    stdio: 'ignore',
    env: childEnv,
    cwd: dir,
  });
  child.on('error', () => {}); // reported as "could not start" by the connect loop
  child.unref();
}

/** Connects to the deploy agent, starting it if needed; rejects (so the caller falls back) when it cannot. */
export async function connectAgent(opts: ConnectOptions): Promise<Session> {
  const env = opts.env ?? process.env;
  const dir = agentDir(env);
  ensurePrivateDir(dir);
  const path = socketPath(dir);
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
    const until = Date.now() + START_WAIT_MS;
    while (!socket && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
      socket = await dial(path);
    }
  }
  if (!socket)
    throw new AgentError({
      code: 'EAGENTSETUP',
      reason: `it did not answer on ${path} within ${START_WAIT_MS / 1000} s`,
    });
  opts.log.debug(`using the deploy agent at ${path}`);
  const inode = lstatSync(path, { throwIfNoEntry: false })?.ino;
  return new Session(socket, { log: opts.log, reconnect: () => connectAgent(opts) }, { path, inode });
}

/** For tests: the folder and socket a client would use with this environment. */
export function agentLocation(env: NodeJS.ProcessEnv = process.env): { dir: string; socket: string } {
  const dir = agentDir(env);
  return { dir, socket: socketPath(dir) };
}
