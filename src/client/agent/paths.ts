/**
 * Where the deploy agent lives: a private 0700 folder per user (OKTA_AERIAL_AGENT_DIR, else
 * `${tmpdir}/okta-aerial-${uid}`) holding a socket named after the package version, so hooks of one
 * version never talk to an agent of another, and after the environment that changes how the agent reaches
 * Okta (network-env.ts). The folder is checked before use: a folder another user owns,
 * or one others can read, could let them impersonate the agent and receive private keys.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV } from '../../common';
import { AgentError } from '../errors/agent-error';
import { PACKAGE_VERSION } from '../version';
import { agentName } from './network-env';

/**
 * The agent folder for this user, always absolute: the agent runs with the folder as its working
 * directory, so a relative one would put its socket somewhere hooks never look.
 */
export function agentDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env[ENV.agentDir] || join(tmpdir(), `okta-aerial-${process.getuid?.() ?? 'user'}`));
}

/** Creates the folder if missing (0700) and refuses one that is not private to this user. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory())
    throw setupError(`agent folder ${dir} is not a directory (a symlink is not accepted)`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw setupError(`agent folder ${dir} belongs to uid ${st.uid}, not to this user (${uid})`);
  if ((st.mode & 0o077) !== 0)
    throw setupError(
      `agent folder ${dir} is accessible to other users (mode ${(st.mode & 0o777).toString(8)}); it must be 700`,
    );
}

/** Refuses a socket path Unix cannot bind (Node would silently bind a truncated one, which no hook looks at). */
export function checkSocketPath(path: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
    throw setupError(`the socket path ${path} is too long; set ${ENV.agentDir} to a shorter folder`);
}

function setupError(reason: string): AgentError {
  return new AgentError({ code: 'EAGENTSETUP', reason });
}

/** The longest socket path that works everywhere: sun_path holds 104 bytes on macOS, 108 on Linux, NUL included. */
export const MAX_SOCKET_PATH_BYTES = 103;

/** The socket of the agent of this package version and network environment. */
export function socketPath(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dir, `${agentName(env)}.sock`);
}

/**
 * A name of its own for an agent to listen on before it claims {@link socketPath} with a hard link. Node
 * unlinks a Unix socket's path when its server closes, even when another agent holds that path by then, so
 * no agent may listen on the shared name itself. When the descriptive name would not fit in a socket path,
 * a short one is used (shorter than the shared name, so it fits whenever that does).
 */
export function tempSocketPath(dir: string, unique: string = randomBytes(4).toString('hex')): string {
  const named = join(dir, `agent-${PACKAGE_VERSION}.${process.pid}.${unique}.sock`);
  return Buffer.byteLength(named) <= MAX_SOCKET_PATH_BYTES ? named : join(dir, `.${unique}.sock`);
}

/** A short-lived marker that one hook is already starting the agent (stale after a few seconds). */
export function spawnLockPath(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dir, `${agentName(env)}.starting`);
}
