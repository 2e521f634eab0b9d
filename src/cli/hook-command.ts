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

const USAGE = `usage: okta-aerial hook apply|destroy

Runs one lifecycle hook. Terraform runs it from the local-exec provisioners of the stack's lifecycle
resources, with the construct's spec in ${ENV.spec} (never on the command line); credentials are read from
the environment variables the spec names. Prints one line per action; exits non-zero, saying what failed
and what to do, when an API call fails. Not meant to be run by hand.
`;

/** Entry point of `okta-aerial hook`. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
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
