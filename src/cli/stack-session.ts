/**
 * What the read-path commands share: one synthesized stack, Terraform in its folder (initialized on a
 * fresh checkout), its state, and a batched live reader over the shared clients.
 */
import * as path from 'node:path';
import { LiveReader } from '../handlers/live-reader';
import { desiredState, diffState, readLive } from '../handlers/read';
import { detectDrift, type DriftEntry } from './drift';
import { openHandlerContext } from './handler-context';
import { loadSynthesizedStack, type SynthesizedStack } from './synthesized-stack';
import { Terraform, type StateResource } from './terraform';

export interface StackSession {
  readonly stack: SynthesizedStack;
  readonly terraform: Terraform;
  readonly reader: LiveReader;
  /** The current state (loaded once). */
  state(): Promise<Map<string, StateResource>>;
  /** Drift of every construct against the current state. */
  drift(): Promise<DriftEntry[]>;
}

/** Opens the stack `opts.stack` (or the only one) of the app in `opts.app`. */
export async function openStackSession(
  opts: { app: string; stack?: string },
  env: NodeJS.ProcessEnv,
): Promise<StackSession> {
  const stack = loadSynthesizedStack(path.resolve(opts.app), opts.stack);
  const terraform = new Terraform(stack.dir, env);
  const reader = new LiveReader(openHandlerContext(env, () => undefined));
  let loaded: Promise<Map<string, StateResource>> | undefined;
  const state = (): Promise<Map<string, StateResource>> => (loaded ??= terraform.state(stack.localStateFile));
  return {
    stack,
    terraform,
    reader,
    state,
    drift: () => detectDrift(stack.constructs, state(), { reader, desiredState, readLive, diffState }),
  };
}
