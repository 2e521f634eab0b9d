/**
 * `okta-aerial hook apply|destroy`: run by Terraform's local-exec provisioners. The spec arrives in the
 * environment (OKTA_AERIAL_SPEC, never on the command line); credentials are read from the environment by
 * name. Prints one line per action; on failure prints what failed and what to do, and exits non-zero.
 */
import type { HandlerContext, HookAction } from '../handlers/context';
import {
  ENV,
  JOURNAL_ENV,
  JOURNAL_EXPECT_ENV,
  type AerialConnectionSpec,
  type OrgConnectionSpec,
} from '../spec';
import { completeApply, markPending } from './hook-journal';
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
  // Loaded here, not at the top, so a usage or spec error never pays for the client.
  const client = require('../client') as typeof import('../client');
  const handlers = require('../handlers') as typeof import('../handlers');
  const what = handlers.describeResource(spec);
  const log = (line: string): void => {
    process.stdout.write(`okta-aerial: ${what}: ${line}\n`);
  };
  const clientOptions = { log: (line: string) => process.stderr.write(`okta-aerial: ${line}\n`) };
  const ctx: HandlerContext = {
    aerial: memoByValue((conn: AerialConnectionSpec) =>
      client.openAerialClient(handlers.resolveAerialConnection(conn, env), clientOptions),
    ),
    principalRateLimits: memoByValue((conn: OrgConnectionSpec) =>
      client.openPrincipalRateLimitClient(handlers.resolveOrgConnection(conn, env), clientOptions),
    ),
    log,
  };
  if (action === 'apply') journal(env, 'mark');
  try {
    await handlers.runHandler(action, spec, ctx);
    // Only apply is journaled: an interrupted destroy hook leaves its resource in the state, so it runs again anyway.
    if (action === 'apply') journal(env, 'complete');
    return 0;
  } catch (err) {
    process.stderr.write(`okta-aerial: ${action} failed for ${what}: ${describeFailure(err)}\n`);
    return 1;
  } finally {
    await client.closeClients();
  }
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `${message}\n  once the cause is fixed, re-run the deploy: every hook is an idempotent upsert, so a re-run converges`;
}

/** One value per distinct (JSON-equal) argument: a hook opens one client per connection. */
function memoByValue<A, V>(make: (arg: A) => V): (arg: A) => V {
  const cache = new Map<string, V>();
  return (arg) => {
    const key = JSON.stringify(arg);
    let value = cache.get(key);
    if (value === undefined) {
      value = make(arg);
      cache.set(key, value);
    }
    return value;
  };
}

/** The journal is a safety net for killed deploys; a folder it cannot write to costs that net, not the deploy. */
function journal(env: NodeJS.ProcessEnv, step: 'mark' | 'complete'): void {
  const prefix = env[JOURNAL_ENV];
  const planned = env[JOURNAL_EXPECT_ENV];
  if (!prefix || planned === undefined) return;
  try {
    if (step === 'mark') markPending(prefix);
    else completeApply(prefix, planned);
  } catch (err) {
    process.stderr.write(
      `okta-aerial: warning: cannot write the apply journal at ${prefix} (${(err as Error).message}); ` +
        (step === 'mark'
          ? `if this deploy is killed during this hook, the next one may not re-apply it\n`
          : `the next deploy will apply this resource again\n`),
    );
  }
}
