/**
 * The deploy agent's side of the thin hook path: runs a whole hook sent by a thin hook process, with the
 * same code and the same output as the full path in a hook process (src/cli/hook-command.ts), on the
 * agent's shared stacks. Installed by the `okta-aerial agent` entry point; the handlers load at the first hook.
 */
import type { HookHost, HookRunner } from '../client/agent/agent-server';
import { ENV } from '../common/env';

/** Runs one hook in the agent; the exit code and output are those the hook process would have had. */
export const agentHookRunner: HookRunner = async (host: HookHost) => {
  const { isHookAction, runHook } = require('../cli/hook-command') as typeof import('../cli/hook-command');
  const { CliUsageError } = require('../cli/output') as typeof import('../cli/output');
  const { clientOpeners } = require('../client/open') as typeof import('../client/open');
  const { lostCallError, silentCallError, silenceLimitMs } =
    require('../client/agent/agent-executor') as typeof import('../client/agent/agent-executor');
  if (!isHookAction(host.action)) {
    host.err(`okta-aerial: usage: okta-aerial hook apply|destroy (got '${host.action}')\n`);
    return 2;
  }
  try {
    return await runHook(host.action, { ...host.env }, host, (failureText, onResponse) =>
      clientOpeners(
        (ref) =>
          host.executor(ref, (req) => ({
            // What the hook process would print had it sent this call to the agent itself (agent-executor.ts).
            ifSilent: failureText(
              silentCallError(
                req.operation,
                `the deploy agent did not answer within ${silenceLimitMs(req)} ms`,
              ),
            ),
            ifLost:
              req.method === 'POST'
                ? failureText(lostCallError(ref, req.operation, 'the deploy agent closed the connection'))
                : undefined,
          })),
        onResponse,
      ),
    );
  } catch (err) {
    // As the CLI's reportAndExit prints an error a hook throws (a bad spec is a usage error, exit 2).
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof CliUsageError) {
      host.err(`okta-aerial: ${message}\n`);
      return 2;
    }
    const stack = host.env[ENV.debug] === '1' && err instanceof Error && err.stack ? `${err.stack}\n` : '';
    host.err(`okta-aerial: ${message}\n${stack}`);
    return 1;
  }
};

/** Makes the agents of this process run whole hooks (called by the `okta-aerial agent` entry point). */
export function installHookRunner(): void {
  (require('../client/agent/agent-server') as typeof import('../client/agent/agent-server')).setHookRunner(
    agentHookRunner,
  );
}
