/**
 * `okta-aerial hook apply|destroy`: run by Terraform's local-exec provisioners. The spec arrives in the
 * environment (OKTA_AERIAL_SPEC, never on the command line); credentials are read from the environment by
 * name. Prints one line per action; on failure prints what failed and what to do, and exits non-zero.
 */
import type { HookAction } from '../handlers/context';
import { ENV } from '../contract';
import { closeHandlerContexts, openHandlerContext } from './handler-context';
import { CliUsageError } from './output';
import { parseHookSpec } from './hook-spec';

const ACTIONS: readonly HookAction[] = ['apply', 'destroy'];

/** Entry point of `okta-aerial hook`. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const action = argv[0] as HookAction;
  if (!ACTIONS.includes(action) || argv.length !== 1) {
    throw new CliUsageError(
      `usage: okta-aerial hook apply|destroy (the spec is read from ${ENV.spec}; got '${argv.join(' ')}')`,
    );
  }
  const spec = parseHookSpec(env[ENV.spec], env[ENV.specKey]);
  const handlers = require('../handlers') as typeof import('../handlers');
  const what = handlers.describeResource(spec);
  const ctx = openHandlerContext(env, (line) => process.stdout.write(`okta-aerial: ${what}: ${line}\n`));
  try {
    await handlers.runHandler(action, spec, ctx);
    return 0;
  } catch (err) {
    process.stderr.write(`okta-aerial: ${action} failed for ${what}: ${describeFailure(err)}\n`);
    return 1;
  } finally {
    await closeHandlerContexts();
  }
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `${message}\n  once the cause is fixed, re-run the deploy: every hook is an idempotent upsert, so a re-run converges`;
}
