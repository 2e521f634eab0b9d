/** Hook side of the deploy agent (placeholder until the agent lands: always falls back in-process). */
import type { ClientLogger } from '../debug-log';
import type { ClientOptions, ConnectionRef, Executor } from '../types';

/** A connection to the deploy agent shared by every client of this process. */
export interface AgentSession {
  executor(ref: ConnectionRef, key: string, options: ClientOptions): Executor;
  close(): Promise<void>;
}

/** Connects to (or starts) the deploy agent. */
export async function connectAgent(_opts: { log: ClientLogger }): Promise<AgentSession | undefined> {
  return undefined;
}
