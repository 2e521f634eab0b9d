/** The connection flags to props and spec connections, checked as the constructs and the hooks check them. */
import { resolveAerialConnection, resolveOrgConnection } from '../../handlers/connections';
import { CliUsageError } from '../output';
import { accountFromFlags } from './account-flags';
import type { ConnectionFlagValues } from './flags';
import { orgsFromFlags } from './org-flags';
import type { Connections } from './types';

/**
 * Turns the connection flags into props and spec connections, checks them like the constructs do, and
 * checks that every credential they name is set in `env` (throwing the MissingCredentialError of the hooks).
 * Any other problem is one CliUsageError naming the flags.
 */
export function connectionsFromFlags(values: ConnectionFlagValues, env: NodeJS.ProcessEnv): Connections {
  const problems: string[] = [];
  const account = accountFromFlags(values, problems);
  const orgs = orgsFromFlags(values, problems);
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  // Fail before any request when a named credential is missing: the same check (and message) as a hook's.
  resolveAerialConnection(account.spec, env);
  for (const org of orgs) resolveOrgConnection(org.spec, env);
  return { account, orgs };
}
