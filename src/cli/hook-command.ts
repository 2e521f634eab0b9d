/**
 * `okta-aerial hook apply|destroy`: run by Terraform's local-exec provisioners. The spec arrives in the
 * environment (OKTA_AERIAL_SPEC, never on the command line); credentials are read from the environment by
 * name. Prints one line per action; on failure prints what failed and what to do, and exits non-zero.
 */
import type { AerialClient, PrincipalRateLimitClient } from '../client';
import type { HandlerContext, HookAction } from '../handlers/context';
import { ENV, JOURNAL_ENV, type AerialConnectionSpec, type OrgConnectionSpec } from '../spec';
import { beginApply } from './hook-journal';
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
  const spec = parseHookSpec(env[ENV.spec], env[`${ENV.spec}_KEY`]);
  const what = `${spec.kind} '${spec.path}'`;
  const log = (line: string): void => {
    process.stdout.write(`okta-aerial: ${what}: ${line}\n`);
  };
  // Loaded here, not at the top, so a usage or spec error never pays for the client.
  const client = require('../client') as typeof import('../client');
  const handlers = require('../handlers') as typeof import('../handlers');
  const aerialClients = new Map<string, AerialClient>();
  const orgClients = new Map<string, PrincipalRateLimitClient>();
  const clientOptions = { log: (line: string) => process.stderr.write(`okta-aerial: ${line}\n`) };
  const ctx: HandlerContext = {
    aerial(conn: AerialConnectionSpec) {
      const key = JSON.stringify(conn);
      let c = aerialClients.get(key);
      if (!c) {
        c = client.openAerialClient(handlers.resolveAerialConnection(conn, env), clientOptions);
        aerialClients.set(key, c);
      }
      return c;
    },
    principalRateLimits(conn: OrgConnectionSpec) {
      const key = JSON.stringify(conn);
      let c = orgClients.get(key);
      if (!c) {
        c = client.openPrincipalRateLimitClient(handlers.resolveOrgConnection(conn, env), clientOptions);
        orgClients.set(key, c);
      }
      return c;
    },
    log,
  };
  // Only apply is journaled: an interrupted destroy hook leaves its resource in the state, so it runs again anyway.
  const journalPrefix = action === 'apply' ? env[JOURNAL_ENV] : undefined;
  const journal = journalPrefix ? beginApply(journalPrefix) : undefined;
  try {
    await handlers.runHandler(action, spec, ctx);
    journal?.succeeded();
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
