/**
 * The agent's Unix socket, for both sides: dialing it (the one probe of "does an agent answer here?"),
 * listening, and claiming the shared socket name so that exactly one agent serves it.
 */
import { linkSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:net';
import { AgentError } from '../errors/agent-error';
import { dial } from './protocol';

export { dial };

/** Another agent already serves this socket. */
export class AgentAlreadyRunningError extends Error {}

/** True when an agent answers on `path`. */
export async function answers(path: string): Promise<boolean> {
  const s = await dial(path);
  s?.destroy();
  return s !== undefined;
}

/** Listens on `path`. */
export function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Closes the server; resolves once every connection has ended. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Claims the shared socket name for the socket listening at `tmp`: a hard link fails when the name is
 * taken, so exactly one agent wins. A stale socket (nobody answering) is removed first, but only if it is
 * still the very file that was found dead: a racing agent may have claimed the name since.
 */
export async function claimSocketName(tmp: string, path: string): Promise<void> {
  try {
    linkSync(tmp, path);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Read before probing, so that "still the same file" below means "the file nobody answered on".
  const before = lstatSync(path, { throwIfNoEntry: false });
  if (await answers(path)) throw new AgentAlreadyRunningError(`an agent already answers on ${path}`);
  if (before && !before.isSocket())
    throw new AgentError({
      code: 'EAGENTSETUP',
      reason: `${path} exists and is not a socket; remove it so the deploy agent can start`,
    });
  const current = lstatSync(path, { throwIfNoEntry: false });
  if (before && current && current.ino === before.ino && current.dev === before.dev) {
    try {
      unlinkSync(path);
    } catch {
      // already removed by another starter
    }
  }
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AgentAlreadyRunningError(`another agent started on ${path}`);
    throw e;
  }
}
